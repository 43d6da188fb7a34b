"""Builds that can be trusted: any spelling of a report's path, a manifest that knows the
tool, all-or-nothing writes under SIGKILL, Ctrl-C on a batch and one build per folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from reportgen import __version__, build, outputs

from .conftest import ROOT, SEED, run_cli

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


# ---------------------------------------------------------------- the tool in the manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "manifest.json").read_text("utf-8"))
    return data


def write_manifest(folder: Path, data: dict[str, Any]) -> None:
    (folder / "manifest.json").write_text(json.dumps(data, indent=2), "utf-8")


def test_manifest_names_the_tool(report: Path, tmp_path: Path) -> None:
    assert run_cli("build", str(report), "--out", str(tmp_path / "out")).returncode == 0
    manifest = read_manifest(tmp_path / "out" / NAME)
    assert manifest["manifest_version"] == outputs.MANIFEST_VERSION == 2
    assert manifest["reportgen"] == __version__
    assert manifest["tool_digest"] == build.tool_digest()


@pytest.mark.parametrize(("field", "other"), [("reportgen", "0.0.9"),
                                              ("tool_digest", "0" * 64)])
def test_outputs_of_another_tool_are_rebuilt(report: Path, tmp_path: Path, field: str,
                                             other: str) -> None:
    out = tmp_path / "out"
    assert run_cli("build", str(report), "--out", str(out)).returncode == 0
    folder = out / NAME
    manifest = read_manifest(folder)
    current = manifest[field]
    write_manifest(folder, {**manifest, field: other})  # as another version left it

    again = run_cli("build", str(report), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"built {NAME}: "), again.stdout
    assert read_manifest(folder)[field] == current
    assert run_cli("build", str(report), "--out", str(out)).stdout.startswith("up to date")


def as_version_1(folder: Path) -> None:
    """Rewrite the manifest as reportgen wrote it before it recorded the tool."""
    manifest = read_manifest(folder)
    write_manifest(folder, {"manifest_version": 1, "inputs_digest": manifest["inputs_digest"],
                            "inputs": manifest["inputs"], "outputs": manifest["outputs"]})


def test_an_older_manifest_causes_a_rebuild_and_still_protects_edits(
        report: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", str(report), "--out", str(out)).returncode == 0
    folder = out / NAME
    as_version_1(folder)
    rebuilt = run_cli("build", str(report), "--out", str(out))
    assert rebuilt.returncode == 0 and rebuilt.stdout.startswith(f"built {NAME}: ")
    assert read_manifest(folder)["manifest_version"] == 2

    as_version_1(folder)
    docx = next(folder.glob("*.docx"))
    docx.write_bytes(docx.read_bytes() + b"chair's edit")
    refused = run_cli("build", str(report), "--out", str(out))
    assert refused.returncode == 1 and "changed since it was generated" in refused.stderr
    assert docx.read_bytes().endswith(b"chair's edit")
    assert read_manifest(folder)["manifest_version"] == 1


def tool_copy(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of reportgen's package, templates and fonts, laid out as in the repository."""
    pkg = tmp_path / "tool"
    shutil.copytree(ROOT / "reportgen", pkg / "reportgen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", pkg / "templates",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return pkg, pkg / "templates", pkg / "reportgen" / "assets" / "fonts"


def test_code_digest_covers_code_templates_and_fonts(tmp_path: Path) -> None:
    pkg, templates, fonts = tool_copy(tmp_path)
    code = pkg / "reportgen"

    def digest() -> str:
        return build.code_digest(code, templates, fonts)

    first = digest()
    assert first == build.code_digest(ROOT / "reportgen", ROOT / "templates",
                                      ROOT / "reportgen" / "assets" / "fonts")
    writer = code / "writers" / "docx.py"
    original = writer.read_bytes()
    for change in (lambda: writer.write_bytes(original + b"# changed\n"),
                   lambda: (templates / "report.css").write_text("p { color: red }"),
                   lambda: (fonts / "LiberationSerif-Bold.ttf").write_bytes(b"not a font"),
                   lambda: (code / "writers" / "odt.py").write_text("X = 1\n"),
                   lambda: (code / "errors.py").rename(code / "errors2.py")):
        before = digest()
        change()
        assert digest() != before
    cache = code / "writers" / "__pycache__"
    cache.mkdir(exist_ok=True)
    before = digest()
    (cache / "docx.cpython-311.pyc").write_bytes(b"bytecode")
    (code / "notes.txt").write_text("not code")
    assert digest() == before


def test_a_changed_writer_rebuilds(report: Path, tmp_path: Path) -> None:
    """The reportgen that runs decides: a copy whose DOCX writer differs rebuilds."""
    out = tmp_path / "out"
    args = ("build", str(report), "--out", str(out), "--format", "docx")
    assert run_cli(*args).returncode == 0
    pkg, _, _ = tool_copy(tmp_path)
    writer = pkg / "reportgen" / "writers" / "docx.py"
    writer.write_text(writer.read_text("utf-8") + "\n# a newer writer\n", "utf-8")

    newer = run_cli(*args, cwd=pkg)  # ``python -m reportgen`` imports the copy
    assert newer.returncode == 0, newer.stderr
    assert newer.stdout.startswith(f"built {NAME}: "), newer.stdout
    assert run_cli(*args, cwd=pkg).stdout.startswith("up to date")
    assert run_cli(*args).stdout.startswith(f"built {NAME}: ")
