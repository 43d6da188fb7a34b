"""What a build is asked to do (formats, names, output folder, ...) and what it did."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.errors import ContentError, Problem

if TYPE_CHECKING:
    pass


class Format(StrEnum):
    docx = "docx"
    pdf = "pdf"
    all = "all"


class Names(StrEnum):
    itu = "itu"
    plain = "plain"


@dataclass(frozen=True)
class BuildOptions:
    out_root: Path
    formats: Format = Format.all
    names: Names = Names.itu
    force: bool = False
    template: Path | None = None  # a restyled Word template; default the packaged one
    debug: bool = False  # let unexpected exceptions through, with their traceback
    lock_timeout: float = 120.0  # seconds to wait for another build into the same folder
    notify: Callable[[str], None] | None = None  # tells the user why a build waits or is
    # slow (a module function)
    changes_from: str | None = None  # also write a copy marked against this version
    # when set, the files of the faster writers (the DOCX) are committed as soon as they
    # are ready, and reported here, before the PDF is done (watch: the DOCX first)
    on_early: Callable[[BuildResult], None] | None = None

    def wants(self, fmt: str) -> bool:
        return self.formats in (Format.all, Format(fmt))


@dataclass
class BuildResult:
    report: str
    status: str  # "built", "skipped", "failed"
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    removed: list[tuple[Path, str]] = field(default_factory=list)  # earlier outputs, why
    timings: dict[str, float] = field(default_factory=dict)
    peak_rss_mib: float | None = None  # the peak memory of its writer processes, if any


def source_date() -> dt.date | None:
    """The date from SOURCE_DATE_EPOCH, when set (reproducible-builds convention)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if not raw:
        return None
    try:
        return dt.datetime.fromtimestamp(int(raw), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise ContentError([Problem("SOURCE_DATE_EPOCH", 0, 0, "",
                                    f"not a number of seconds: {raw!r}")]) from None
