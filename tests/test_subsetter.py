"""A build says once when WeasyPrint will subset fonts with fontTools, the slow way.

HarfBuzz's subsetter is made unloadable for real: a file that is not a library, under
its name, first on ``LD_LIBRARY_PATH``, so that the dynamic loader finds it and fails,
in WeasyPrint as in reportgen."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.writers.pdf.subsetter import PACKAGE, WARNING

from .conftest import ROOT, SEED, run_cli

WARNING_START = "warning: HarfBuzz's font subsetter is not installed"


def unloadable_subsetter(tmp_path: Path) -> dict[str, str]:
    """An environment in which libharfbuzz-subset.so.0 cannot be loaded."""
    if sys.platform != "linux":
        pytest.skip("the dynamic loader's search path is a Linux (glibc) matter here")
    fake = tmp_path / "libs"
    fake.mkdir()
    (fake / "libharfbuzz-subset.so.0").write_bytes(b"not a shared library")
    return {"LD_LIBRARY_PATH": str(fake)}


def python(code: str, env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, **env}, check=True)
    return result.stdout.strip()


def test_the_check_agrees_with_weasyprint(tmp_path: Path) -> None:
    env = unloadable_subsetter(tmp_path)
    code = ("import weasyprint.text.ffi as f; "
            "from reportgen.writers.pdf.subsetter import uses_fonttools;"
            "print(f.harfbuzz_subset is None, uses_fonttools())")
    assert python(code, env) == "True True"
    if ctypes.util.find_library("harfbuzz-subset"):
        assert python(code, {}) == "False False"


def test_a_batch_warns_once_naming_the_package(tmp_path: Path) -> None:
    env = unloadable_subsetter(tmp_path)
    content = tmp_path / "content"
    for name in ("a", "b"):
        shutil.copytree(SEED, content / name)
    out = tmp_path / "out"
    result = run_cli("build", str(content), "--out", str(out), "--format", "pdf",
                     "--jobs", "2", env=env)
    assert result.returncode == 0, result.stderr
    assert "2 built, 0 up to date, 0 failed" in result.stdout
    assert result.stderr.count(WARNING_START) == 1, result.stderr
    assert WARNING in result.stderr and PACKAGE in WARNING
    pdfs = list(out.rglob("*.pdf"))
    assert len(pdfs) == 2 and all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)

    again = run_cli("build", str(content), "--out", str(out), "--format", "pdf", env=env)
    assert WARNING_START not in again.stderr  # nothing to render: nothing to say
    docx_only = run_cli("build", str(SEED), "--out", str(tmp_path / "docx"), "--format",
                        "docx", env=env)
    assert docx_only.returncode == 0 and WARNING_START not in docx_only.stderr


def test_no_warning_with_the_subsetter(tmp_path: Path) -> None:
    if not ctypes.util.find_library("harfbuzz-subset"):
        pytest.skip(f"{PACKAGE} is not installed")
    result = run_cli("build", str(SEED), "--out", str(tmp_path), "--format", "pdf")
    assert result.returncode == 0, result.stderr
    assert WARNING_START not in result.stderr
