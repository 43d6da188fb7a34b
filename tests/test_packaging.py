"""reportgen as a user installs it, not as it runs in this checkout.

``python -m build`` makes the sdist and then the wheel from that sdist; ``pip wheel .``
makes a second wheel straight from the source tree (what ``pip install .`` does). The
wheel is installed into a fresh virtual environment (no system site-packages; the
dependencies come from the package index, pinned to the versions of the environment
running the tests, so pip's cache serves them) and its ``reportgen`` runs in a folder
that is not the repository. About 40 s on a 2-core machine; ``-m "not packaging"``
leaves it out while working on something else.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest

from .conftest import ROOT, SEED, Built, pdf_text

pytestmark = pytest.mark.packaging

TITLE = "Report of the TSAG ad hoc group on Quantum"
PACKAGED_TEMPLATES = ("itu-td.docx", "report.html.j2", "report.css")
FONTS = ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
         "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf")


@dataclass(frozen=True)
class Dist:
    sdist: Path
    wheel: Path  # built from the sdist
    tree_wheel: Path  # built from the source tree


def _run(argv: list[str | Path], cwd: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    """Run a command outside the checkout's environment; fail with its output."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    result = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{argv[:4]} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _one(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", out, ROOT], cwd=out, timeout=600)
    tree = tmp_path_factory.mktemp("tree-wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tree, ROOT],
         cwd=tree, timeout=600)
    return Dist(_one(out, "*.tar.gz"), _one(out, "*.whl"), _one(tree, "*.whl"))


@pytest.fixture(scope="module")
def venv(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its bin folder."""
    home = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", home / "env"], cwd=home, timeout=300)
    constraints = home / "constraints.txt"
    pins = sorted({f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
                   if d.metadata["Name"].lower() != "reportgen"})
    constraints.write_text("\n".join(pins) + "\n", encoding="utf-8")
    python = home / "env" / "bin" / "python"
    _run([python, "-m", "pip", "install", "--quiet", "-c", constraints, dist.wheel],
         cwd=home, timeout=900)
    return home / "env" / "bin"


def _wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as z:
        return set(z.namelist())


def test_wheel_carries_templates_and_fonts_but_not_the_generator(dist: Dist) -> None:
    names = _wheel_names(dist.wheel)
    expected = {f"reportgen/templates/{t}" for t in PACKAGED_TEMPLATES}
    expected |= {f"reportgen/assets/fonts/{f}" for f in FONTS}
    expected |= {"reportgen/prepare/layout.py", "reportgen/paths.py",
                 "reportgen/writers/pdf/write.py", "reportgen/schema/report.schema.json",
                 "reportgen/skeleton/report.yaml.j2",
                 "reportgen/skeleton/introduction.md"}
    assert expected <= names, sorted(expected - names)
    assert not [n for n in names if "make_template" in n]
    # the worked examples are repository material, not package data
    assert not [n for n in names if n.startswith(("content/", "tests/", "templates/"))]
    with zipfile.ZipFile(dist.wheel) as z:
        for name in PACKAGED_TEMPLATES:
            assert z.read(f"reportgen/templates/{name}") == (ROOT / "templates" / name).read_bytes()


def test_the_wheel_from_the_tree_equals_the_wheel_from_the_sdist(dist: Dist) -> None:
    assert _wheel_names(dist.tree_wheel) == _wheel_names(dist.wheel)


def test_sdist_carries_the_sources_and_the_template_generator(dist: Dist) -> None:
    with tarfile.open(dist.sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"pyproject.toml", "templates/make_template.py", "reportgen/prepare/layout.py",
            *(f"templates/{t}" for t in PACKAGED_TEMPLATES),
            *(f"reportgen/assets/fonts/{f}" for f in FONTS)} <= names


def test_installed_package_reads_its_own_files(venv: Path, tmp_path: Path) -> None:
    code = ("from reportgen import paths;"
            "print(paths.templates_dir()); print(paths.fonts_dir())")
    result = _run([venv / "python", "-c", code], cwd=tmp_path, timeout=60)
    site = venv.parent.resolve()
    for line in result.stdout.splitlines():
        folder = Path(line).resolve()
        assert folder.is_relative_to(site), folder
        assert folder.is_dir() and any(folder.iterdir()), folder


def test_installed_reportgen_builds_outside_the_repository(venv: Path, tmp_path: Path,
                                                           seed_build: Built) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _run([venv / "reportgen", "build", SEED, "--out", work / "out"], cwd=work, timeout=300)
    folder = work / "out" / SEED.name
    docx_path, pdf_path = _one(folder, "*.docx"), _one(folder, "*.pdf")
    document = docx.Document(str(docx_path))
    assert document.core_properties.title == TITLE
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert TITLE in cells
    assert TITLE in pdf_text(pdf_path)
    # the same bytes as this checkout builds: the packaged templates and fonts are the ones
    assert docx_path.read_bytes() == seed_build.docx.read_bytes()
    assert pdf_path.read_bytes() == seed_build.pdf.read_bytes()


def test_installed_reportgen_without_content_is_a_usage_error(venv: Path,
                                                               tmp_path: Path) -> None:
    result = subprocess.run([str(venv / "reportgen"), "build"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert "no content/ folder in" in result.stderr
    assert "Traceback" not in result.stderr


def test_installed_reportgen_makes_a_new_report_pointing_at_its_own_schema(
        venv: Path, tmp_path: Path) -> None:
    _run([venv / "reportgen", "new", "td", "mine"], cwd=tmp_path, timeout=120)
    first = (tmp_path / "mine" / "report.yaml").read_text(encoding="utf-8").splitlines()[0]
    schema = (tmp_path / "mine" / first.split("$schema=", 1)[1]).resolve()
    assert schema.is_relative_to(venv.parent.resolve()) and schema.is_file()
    assert schema.read_bytes() == (ROOT / "reportgen" / "schema" / "report.schema.json") \
        .read_bytes()
    _run([venv / "reportgen", "check", "mine"], cwd=tmp_path, timeout=120)
