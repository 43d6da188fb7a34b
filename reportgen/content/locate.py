"""Finding reports on disk. Kept free of heavy imports: the no-op rebuild uses it."""

from __future__ import annotations

from pathlib import Path

from reportgen.errors import ContentError, Problem, display_path

REPORT_FILE = "report.yaml"


def find_report(path: Path) -> Path:
    """The absolute folder of a report, given the folder or its report.yaml.

    Resolved, so that ``.``, ``..`` or ``./x/`` give the folder's real name (the name
    of its output folder).
    """
    if path.is_file() and path.name == REPORT_FILE:
        return path.resolve().parent
    if path.is_dir() and (path / REPORT_FILE).is_file():
        return path.resolve()
    shown = display_path(path)
    if not path.exists():
        raise ContentError([Problem(shown, 0, 0, "", "no such file or folder")])
    raise ContentError(
        [Problem(shown, 0, 0, "", f"not a report: expected a folder containing {REPORT_FILE}")]
    )


def report_name(path: Path) -> str:
    """The name a report is known by (its folder's), even for a path that is not one."""
    resolved = path.resolve()
    return resolved.parent.name if resolved.name == REPORT_FILE else resolved.name


def discover(content_dir: Path) -> list[Path]:
    """Every report folder below ``content_dir``, in a stable order."""
    return sorted(p.parent for p in content_dir.glob(f"*/{REPORT_FILE}"))


def is_report(path: Path) -> bool:
    return (path / REPORT_FILE).is_file() or path.name == REPORT_FILE
