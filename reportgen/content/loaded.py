"""A loaded report: the validated model with every position of its source, and the
reading of one text file of a report (UTF-8, bounded, nothing XML cannot carry)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.content.images import LoadedImage
from reportgen.content.locate import REPORT_FILE
from reportgen.content.model import Report
from reportgen.content.yaml_source import Path_
from reportgen.errors import ContentError, Origin, Problem, display_path

MAX_FILE_BYTES = 2 * 1024 * 1024
# C0 controls other than TAB, LF, CR; non-characters; lone surrogates: not allowed in XML.
INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")



@dataclass
class LoadedReport:
    """A validated report with everything later stages need to point back at its source."""

    root: Path
    model: Report
    sources: dict[str, bytes]  # relative file name -> bytes, report.yaml first
    positions: dict[Path_, Origin]
    prose: dict[Path_, tuple[str, Origin]] = field(default_factory=dict)
    text_starts: dict[Path_, Origin] = field(default_factory=dict)  # where a value's text is
    warnings: list[Problem] = field(default_factory=list)  # found while loading
    attachments: list[LoadedReport] = field(default_factory=list)  # attached reports
    images: dict[str, LoadedImage] = field(default_factory=dict)  # figures' files, by name

    @property
    def name(self) -> str:
        return self.root.name

    def origin(self, path: Path_) -> Origin:
        """The closest known position of a content path."""
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, Origin(self.yaml_name, 1))

    def cell_path(self, path: Path_) -> Path_:
        """The path of a table cell's text: the cell's own, or its ``text`` key when the
        cell is written as a mapping."""
        return (*path, "text") if (*path, "text") in self.positions else path

    @property
    def yaml_name(self) -> str:
        return display_path(self.root / REPORT_FILE)


def read_text(path: Path, shown: str) -> str:
    """Read a UTF-8 file (a BOM is accepted), rejecting what XML cannot carry."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ContentError([Problem(shown, 0, 0, "", f"cannot read: {exc.strerror}")]) from None
    if size > MAX_FILE_BYTES:
        raise ContentError([Problem(shown, 0, 0, "",
                                    f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError([Problem(shown, line, col, "",
                                    f"not UTF-8 (byte 0x{data[exc.start]:02x}); "
                                    "save the file as UTF-8")]) from None
    problems = [
        Problem(shown, *line_col(text, m.start()), "",
                f"control character U+{ord(m.group()):04X} is not allowed in text; remove it")
        for m in INVALID_CHARS.finditer(text)
    ]
    if problems:
        raise ContentError(problems)
    if not text.strip():
        raise ContentError([Problem(shown, 0, 0, "", "file is empty")])
    return text


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
