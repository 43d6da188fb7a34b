"""Where reportgen finds its templates and fonts: the package first, then a checkout."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from reportgen import paths

from .conftest import ROOT


def test_a_checkout_uses_the_repository_templates() -> None:
    assert paths.templates_dir() == ROOT / "templates"
    assert paths.fonts_dir() == ROOT / "reportgen" / "assets" / "fonts"
    assert (paths.templates_dir() / "itu-td.docx").is_file()


def _fake_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    package = tmp_path / "site" / "reportgen"
    package.mkdir(parents=True)
    monkeypatch.setattr(paths, "files", lambda name: package)
    return package


def test_an_installed_package_uses_its_own_templates(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    package = _fake_package(tmp_path, monkeypatch)
    (package / "templates").mkdir()
    # a stray templates/ beside the package (say, another distribution's) is not used
    (package.parent / "templates").mkdir()
    (package.parent / "templates" / paths.GENERATOR).write_text("")
    assert paths.templates_dir() == package / "templates"
    assert paths.fonts_dir() == package / "assets" / "fonts"


def test_without_templates_the_path_names_the_package(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    package = _fake_package(tmp_path, monkeypatch)
    (package.parent / "templates").mkdir()  # not a checkout: no generator script there
    assert paths.templates_dir() == package / "templates"


def test_a_zipped_package_is_refused_clearly(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "reportgen.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("reportgen/__init__.py", "")
    monkeypatch.setattr(paths, "files", lambda name: zipfile.Path(archive, "reportgen/"))
    with pytest.raises(paths.NotOnDisk, match="installed as files on disk"):
        paths.templates_dir()
