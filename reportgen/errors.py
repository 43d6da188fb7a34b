"""Problems found in content, reported as ``file:line:col: field: message``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# What reportgen never prints as it is, and ``review --apply`` never writes into a source:
# the C0 controls but tab and newline, DEL, the C1 controls, and the bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make a line
# display in another order than it is stored. The marks U+200E, U+200F and U+061C are
# not among them: ordinary characters of right-to-left writing (Word types them), they
# can move only the neutral characters beside them.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Origin:
    """Where a piece of content starts (1-based line and column) and, when known, the
    line where it ends."""

    file: str
    line: int
    col: int = 1
    end_line: int = 0  # 0 when unknown

    def at_line(self, offset: int, col: int | None = None) -> Origin:
        """The position ``offset`` lines further down the same file."""
        return Origin(self.file, self.line + offset, self.col if col is None else col)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) at one place of one file."""

    file: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    col: int  # 1-based; 0 when unknown
    field: str  # dotted path into the content, "" when none applies
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        place = self.file
        if self.line:
            place += f":{self.line}:{self.col or 1}"
        label = f"{self.field}: " if self.field else ""
        kind = "warning: " if self.severity == "warning" else ""
        return f"{place}: {kind}{label}{self.message}"


class ContentError(Exception):
    """Content that cannot be built; carries every problem found, sorted by place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.col))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem]]]:
        """Pickled with its problems, so that it crosses from a worker process whole."""
        return ContentError, (self.problems,)


class UsageError(Exception):
    """A wrong command line: exit code 2."""


class OutputConflict(Exception):
    """An output would overwrite a file that changed since it was generated."""


class FolderBusy(OutputConflict):
    """Another build into the same output folder held it for longer than we would wait."""


def printable(text: str) -> str:
    """``text`` with every character of ``CONTROL_CHARS`` written as ``\\uXXXX``: what
    every message and listing goes through before it is printed. (Inside JSON the
    escape is JSON's own, so the text reads back unchanged.)"""
    return CONTROL_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def control_chars(text: str) -> list[str]:
    """The characters of ``CONTROL_CHARS`` in ``text``, each once, described:
    ``\\u202e (RIGHT-TO-LEFT OVERRIDE)``."""
    found = dict.fromkeys(m.group() for m in CONTROL_CHARS.finditer(text))
    return [f"\\u{ord(c):04x} ({unicodedata.name(c, 'a control character')})"
            for c in found]


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
