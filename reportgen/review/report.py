"""A reviewed DOCX read back against the content it was built from.

The DOCX names its report and the digest of the sources it was built from (custom
document properties). The report is prepared again from its content; each reviewed
paragraph is matched to a block by the hidden bookmark it carries, by its text when a
reviewer removed the bookmark, or else to the nearest block before it. Each comment and
change then points at a content line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.content.load import load
from reportgen.content.loaded import LoadedReport
from reportgen.content.locate import REPORT_FILE
from reportgen.errors import Origin, display_path
from reportgen.prepare.anchors import (
    COVER_FIELDS,
    REPORT_PROPERTY,
    SOURCES_PROPERTY,
    Anchor,
    anchors,
)
from reportgen.prepare.tree import prepare, sources_digest
from reportgen.review.read import Finding, Review, ReviewedParagraph, read_review
from reportgen.tree import Document


class ReviewError(Exception):
    """The reviewed file cannot be read against this content."""


@dataclass(frozen=True)
class Placed:
    """Where a reviewed paragraph comes from."""

    anchor: Anchor
    how: str  # "bookmark", "text" or "nearest"


@dataclass
class ReviewedReport:
    docx: Path
    review: Review
    loaded: LoadedReport
    doc: Document
    anchors: list[Anchor]
    placed: dict[int, Placed]  # paragraph index -> its block
    stale: bool  # the sources changed since the DOCX was built

    def origin_of(self, paragraph: int) -> Origin | None:
        place = self.placed.get(paragraph)
        return place.anchor.origin if place else None


def normalise(text: str) -> str:
    return " ".join(text.split())


def open_review(docx: Path, content: Path | None) -> ReviewedReport:
    """Read ``docx`` and the content of the report it names (under ``content``, or
    ``content/`` of the working folder)."""
    try:
        review = read_review(docx)
    except Exception as exc:  # a corrupt or hostile file is reported, never a traceback
        raise ReviewError(f"{display_path(docx)}: cannot read: {exc}") from None
    name = review.properties.get(REPORT_PROPERTY, "")
    if not name:
        raise ReviewError(f"{display_path(docx)}: not made by reportgen (it does not name "
                          "the report it was built from)")
    folder = _report_folder(name, content)
    loaded = load(folder)
    if loaded.name != name:
        raise ReviewError(f"{display_path(docx)} was made from the report {name!r}, not from "
                          f"{display_path(folder)}")
    doc = prepare(loaded)
    if review.identifier and review.identifier != doc.metadata.identifier:
        raise ReviewError(f"{display_path(docx)} is {review.identifier}, but "
                          f"{display_path(folder)} is {doc.metadata.identifier}: a different "
                          "document")
    cover_origins = {f: loaded.text_starts.get(("document", f)) or
                     loaded.origin(("document", f)) for f in COVER_FIELDS}
    found = anchors(doc, cover_origins)
    stale = review.properties.get(SOURCES_PROPERTY, "") != sources_digest(loaded.sources)
    return ReviewedReport(docx, review, loaded, doc, found,
                          place_paragraphs(review.paragraphs, found), stale)


def _report_folder(name: str, content: Path | None) -> Path:
    root = content if content is not None else Path("content")
    for candidate in (root, root / name):
        if (candidate / REPORT_FILE).is_file() and candidate.resolve().name == name:
            return candidate
    if (root / REPORT_FILE).is_file():
        return root  # named differently: load() and the name check say so
    raise ReviewError(f"the report {name!r} is not in {display_path(root)}: pass its folder "
                      "with --content")


def place_paragraphs(paragraphs: list[ReviewedParagraph],
                     found: list[Anchor]) -> dict[int, Placed]:
    by_bookmark = {a.bookmark: a for a in found}
    by_text: dict[str, list[Anchor]] = {}
    for a in found:
        if a.text.strip():
            by_text.setdefault(normalise(a.text), []).append(a)
    used: set[str] = set()
    placed: dict[int, Placed] = {}
    current: Anchor | None = None
    for para in paragraphs:
        anchor = next((by_bookmark[b] for b in para.bookmarks if b in by_bookmark), None)
        how = "bookmark"
        if anchor is None and para.old.strip():
            candidates = [a for a in by_text.get(normalise(para.old), []) if a.id not in used]
            if candidates:
                anchor, how = candidates[0], "text"
        if anchor is None and current is not None:
            anchor, how = current, "nearest"
        if anchor is not None:
            placed[para.index] = Placed(anchor, how)
            used.add(anchor.id)
            current = anchor
    return placed


# --------------------------------------------------------------------- listing


def _quote(text: str, limit: int = 60) -> str:
    text = normalise(text)
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "\u2026") + '"'


def describe(finding: Finding) -> str:
    """``comment by A (2026-11-29): "anchored": the comment``."""
    date = f" ({finding.date[:10]})" if finding.date else ""
    head = f"{finding.kind} by {finding.author or 'an unknown author'}{date}"
    match finding.kind:
        case "comment" | "reply":
            state = " [resolved]" if finding.resolved else ""
            on = f"on {_quote(finding.anchored)}: " if finding.anchored else ""
            return f"{head}{state}: {on}{finding.text}"
        case "insertion" | "deletion" | "move from" | "move to":
            return f"{head}: {_quote(finding.text)}"
    return f"{head}: {_quote(finding.text)}"


def place_of(report: ReviewedReport, finding: Finding) -> str:
    origin = report.origin_of(finding.paragraph)
    if origin is None:
        return display_path(report.docx)
    return f"{origin.file}:{origin.line}:{origin.col}"


def lines(report: ReviewedReport) -> list[str]:
    return [f"{place_of(report, f)}: {describe(f)}" for f in report.review.findings]


def as_json(report: ReviewedReport) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for f in report.review.findings:
        place = report.placed.get(f.paragraph)
        origin = place.anchor.origin if place else None
        out.append({
            "kind": f.kind, "author": f.author, "date": f.date, "text": f.text,
            "anchored": f.anchored, "resolved": f.resolved,
            "block": place.anchor.id if place else None,
            "matched_by": place.how if place else None,
            "file": origin.file if origin else None,
            "line": origin.line if origin else None,
            "col": origin.col if origin else None,
        })
    return out
