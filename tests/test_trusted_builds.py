"""Builds that can be trusted: any spelling of a report's path, a manifest that knows the
tool, all-or-nothing writes under SIGKILL, Ctrl-C on a batch and one build per folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import SEED, run_cli

NAME = SEED.name


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """A private copy of the worked example, under its own name."""
    copy = tmp_path / "content" / NAME
    shutil.copytree(SEED, copy)
    return copy


def output_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize(("where", "arg"), [
    (".", "."),
    ("figures", ".."),
    ("..", f"./{NAME}/"),
    ("..", f"{NAME}/report.yaml"),
    ("..", f"{NAME}/../{NAME}"),
])
def test_relative_paths_build_into_the_folders_real_name(report: Path, tmp_path: Path,
                                                         where: str, arg: str) -> None:
    (report / "figures").mkdir()
    out = tmp_path / "out"
    cwd = (report / where).resolve()
    result = run_cli("build", arg, "--out", str(out), "--format", "docx", cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"built {NAME}: "), result.stdout
    assert output_files(out) == [NAME]
    assert output_files(out / NAME) == ["T17-TSAG-181210-TD-GEN-0446!!MSW-E.docx",
                                        "manifest.json"]
    again = run_cli("build", arg, "--out", str(out), "--format", "docx", cwd=cwd)
    assert again.stdout.startswith(f"up to date {NAME} "), again.stdout
