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
from reportgen.paths import templates_dir
from reportgen.prepare.anchors import (
    COVER_FIELDS,
    REPORT_PROPERTY,
    SOURCES_PROPERTY,
    Anchor,
    anchors,
)
from reportgen.prepare.tree import prepare, sources_digest
from reportgen.review.compare import Unit, compare
from reportgen.review.read import Finding, Review, ReviewedParagraph, read_review
from reportgen.review.spans import find_text
from reportgen.tree import Document
from reportgen.writers.docx.writer import render_docx


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
    units: list[Unit]  # every block as reviewed, tracked or not, in document order

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
    # the document the sources make, read the same way: what the reviewer was given
    expected = read_review(render_docx(doc, templates_dir() / "itu-td.docx")).paragraphs
    return ReviewedReport(docx, review, loaded, doc, found,
                          place_paragraphs(review.paragraphs, found), stale,
                          compare(review.paragraphs, expected, found))


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
    skipped: dict[str, int] = {}  # by text: how many of its anchors were found used
    placed: dict[int, Placed] = {}
    current: Anchor | None = None
    for para in paragraphs:
        anchor = next((by_bookmark[b] for b in para.bookmarks if b in by_bookmark), None)
        how = "bookmark"
        if anchor is None and para.old.strip():
            # the first anchor of that text not used yet; an anchor once used stays used,
            # so the search goes on from there next time (many equal texts cost no square)
            text = normalise(para.old)
            candidates = by_text.get(text, [])
            k = skipped.get(text, 0)
            while k < len(candidates) and candidates[k].id in used:
                k += 1
            skipped[text] = k
            if k < len(candidates):
                anchor, how = candidates[k], "text"
        if anchor is None and current is not None:
            anchor, how = current, "nearest"
        if anchor is not None:
            placed[para.index] = Placed(anchor, how)
            used.add(anchor.id)
            current = anchor
    return placed


# --------------------------------------------------------------------- listing


def _short(text: str, limit: int = 60, tail: bool = False) -> str:
    text = normalise(text)
    if len(text) <= limit:
        return text
    return "\u2026" + text[1 - limit:] if tail else text[: limit - 1] + "\u2026"


def _quote(text: str, limit: int = 60) -> str:
    return '"' + _short(text, limit) + '"'


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
        case "join":
            return f"{head}: {_quote(finding.text)} joined with the next paragraph"
        case "new paragraph":
            return f"{head}: after {_quote(finding.text)}"
    return f"{head}: {_quote(finding.text)}"


def common_prefix(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` share from the start: where they differ."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def exact(report: ReviewedReport, anchor: Anchor, index: int) -> Origin | None:
    """The place in its source of character ``index`` of the text ``anchor`` shows: in a
    wrapped YAML value or a long Markdown paragraph, the line where that character is."""
    origin = anchor.origin
    if origin is None:
        return None
    root = report.loaded.root.resolve()
    target = Path(origin.file).resolve()
    name = next((n for n in report.loaded.sources if (root / n).resolve() == target), None)
    if name is None or name.endswith(tuple(report.loaded.images)):
        return origin
    src = report.loaded.sources[name].decode("utf-8", "replace")
    text = anchor.source_text
    positions = find_text(src, origin.line, origin.col, text)
    if not positions:
        return origin
    at = positions[max(0, min(index - len(anchor.prefix), len(positions) - 1))]
    line = src.count("\n", 0, at) + 1
    return Origin(origin.file, line, at - src.rfind("\n", 0, at), origin.end_line)


def _shown(origin: Origin | None, report: ReviewedReport) -> str:
    return f"{origin.file}:{origin.line}:{origin.col}" if origin else display_path(report.docx)


def place_of(report: ReviewedReport, finding: Finding) -> str:
    place = report.placed.get(finding.paragraph)
    if place is None:
        return display_path(report.docx)
    origin = place.anchor.origin
    paragraphs = report.review.paragraphs
    if finding.kind in ("insertion", "deletion", "move from", "move to", "comment") \
            and 0 <= finding.paragraph < len(paragraphs):
        para = paragraphs[finding.paragraph]
        if finding.kind == "comment" and finding.anchored:
            index = para.old.find(finding.anchored)
        elif finding.kind in ("deletion", "move from"):
            index = para.old.find(finding.text)
        else:
            index = common_prefix(para.old, para.new)
        if index >= 0:
            origin = exact(report, place.anchor, index)
    return _shown(origin, report)


UNTRACKED_KINDS = {"edited": "edit", "removed": "deleted paragraph", "added": "added paragraph",
                   "split": "split paragraph", "generated": "edit of generated text"}


@dataclass(frozen=True)
class Listed:
    """One line of the listing: a finding read from the DOCX, or an untracked change."""

    paragraph: int
    place: str
    text: str
    data: dict[str, object]


def changed_words(before: str, after: str) -> tuple[str, str]:
    """The smallest stretch of whole words that differs: ("proposition", "proposal")."""
    a, b = before.split(), after.split()
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    if head + tail == min(len(a), len(b)):  # words only added or only removed: a word of
        if head:                            # context shows where
            head -= 1
        elif tail:
            tail -= 1
    return " ".join(a[head:len(a) - tail]), " ".join(b[head:len(b) - tail])


def _untracked(report: ReviewedReport, unit: Unit) -> Listed | None:
    if unit.untracked is None:
        return None
    before, after = unit.untracked
    what = UNTRACKED_KINDS[unit.kind]
    joined = unit.paragraph.joined
    if joined:
        what = "join"  # joined with the next paragraph without tracking
    by = report.review.last_modified_by or "an unknown author"
    date = f" ({report.review.modified[:10]})" if report.review.modified else ""
    old, new = changed_words(before, after)
    if unit.kind == "split":
        old, new = _short(unit.parts[0], 30, tail=True), _short(unit.parts[1], 30)
        change = f'{_quote(old)} | {_quote(new)}'
    elif unit.kind == "added":
        change = _quote(after)
    elif unit.kind == "removed":
        change = _quote(before)
    elif before == after and joined:
        change = f"{_quote(before[-40:])} joined with the next paragraph"
    else:
        change = f"{_quote(old)} \u2192 {_quote(new)}"
        if joined:
            change += ", joined with the next paragraph"
    origin = unit.anchor.origin if unit.anchor is not None else None
    if unit.anchor is not None and unit.kind == "edited":  # the line of the first change
        origin = exact(report, unit.anchor, common_prefix(before, after))
    place = _shown(origin, report)
    data: dict[str, object] = {
        "kind": f"{what} (untracked)", "author": report.review.last_modified_by,
        "date": report.review.modified, "text": after, "before": before,
        "anchored": "", "resolved": False,
        "block": unit.anchor.id if unit.anchor else None, "matched_by": "comparison",
        "file": origin.file if origin else None, "line": origin.line if origin else None,
        "col": origin.col if origin else None}
    return Listed(unit.paragraph.index, place,
                  f"{what} (untracked) by {by}{date}: {change}", data)


def listed(report: ReviewedReport) -> list[Listed]:
    """Every finding and every untracked change, in document order."""
    out = [Listed(f.paragraph, place_of(report, f), describe(f), _finding_json(report, f))
           for f in report.review.findings]
    out += [item for unit in report.units if (item := _untracked(report, unit)) is not None]
    return sorted(out, key=lambda item: item.paragraph)


def lines(report: ReviewedReport) -> list[str]:
    return [f"{item.place}: {item.text}" for item in listed(report)]


def _finding_json(report: ReviewedReport, f: Finding) -> dict[str, object]:
    place = report.placed.get(f.paragraph)
    origin = place.anchor.origin if place else None
    return {
        "kind": f.kind, "author": f.author, "date": f.date, "text": f.text,
        "anchored": f.anchored, "resolved": f.resolved,
        "block": place.anchor.id if place else None,
        "matched_by": place.how if place else None,
        "file": origin.file if origin else None,
        "line": origin.line if origin else None,
        "col": origin.col if origin else None,
    }


def as_json(report: ReviewedReport) -> list[dict[str, object]]:
    return [item.data for item in listed(report)]
