"""Where reportgen finds its own files: templates (Word, HTML, CSS) and bundled fonts.

They are found through ``importlib.resources``, as files of the installed package: a
wheel carries the templates as ``reportgen/templates`` (pyproject copies the
repository's ``templates/`` there) and the fonts as ``reportgen/assets/fonts``. A
checkout of the repository (an editable install, or running from the source tree) has
no ``reportgen/templates``; there the repository's own ``templates/`` folder is used,
the one ``templates/make_template.py`` writes into.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = "reportgen"
GENERATOR = "make_template.py"  # marks the repository's templates/ folder


class NotOnDisk(RuntimeError):
    """The package is not a folder of files (say, imported from a zip archive)."""


def package_dir() -> Path:
    """The folder of the ``reportgen`` package, as ``importlib.resources`` finds it."""
    root = files(PACKAGE)
    if not isinstance(root, Path):
        raise NotOnDisk(f"reportgen must be installed as files on disk, not as {root!r}: "
                        "its templates and fonts are opened by path")
    return root


def templates_dir() -> Path:
    """The Word template, HTML template and stylesheet: inside the installed package,
    or the repository's ``templates/`` in a checkout."""
    packaged = package_dir() / "templates"
    if packaged.is_dir():
        return packaged
    checkout = package_dir().parent / "templates"
    if (checkout / GENERATOR).is_file():
        return checkout
    return packaged  # missing: errors then name where an install should have it


def assets_dir() -> Path:
    """Package data other than templates (the same place in a wheel and a checkout)."""
    return package_dir() / "assets"


def fonts_dir() -> Path:
    """The bundled Liberation Serif fonts."""
    return assets_dir() / "fonts"
