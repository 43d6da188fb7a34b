"""Where reportgen finds its own files: templates (Word, HTML, CSS) and bundled fonts."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def templates_dir() -> Path:
    """The repository's ``templates/`` folder (the package is installed in place)."""
    return REPO_DIR / "templates"


def assets_dir() -> Path:
    return PACKAGE_DIR / "assets"


def fonts_dir() -> Path:
    return assets_dir() / "fonts"
