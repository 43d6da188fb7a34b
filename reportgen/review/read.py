"""A reviewed DOCX as review reads it: the shared reader's marked paragraphs (``read``:
each paragraph's text with every change rejected and accepted, its reportgen bookmarks,
its paragraph mark inserted or deleted) and its comments, replies and tracked changes in
document order, with who saved the file last and when. The reviewed file is only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from reportgen.prepare.anchors import PREFIX
from reportgen.read.marked import Mark, MarkedParagraph, read_marked

Finding = Mark  # one comment, reply or change, where it stands


@dataclass
class ReviewedParagraph(MarkedParagraph):
    joined: bool = False  # its mark was removed without tracking (set by the comparison)


@dataclass
class Review:
    paragraphs: list[ReviewedParagraph] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)  # custom document properties
    identifier: str = ""  # core property dc:identifier
    last_modified_by: str = ""  # who saved it last: the author of untracked edits
    modified: str = ""  # when (W3CDTF)


_FIELDS = [f.name for f in fields(MarkedParagraph)]


def read_review(path: Path | bytes) -> Review:
    """Everything a reviewer left in ``path`` (a file, or a DOCX's bytes), in document
    order, its paragraphs with the reportgen bookmarks they carry."""
    marked = read_marked(path, PREFIX)
    core = marked.properties
    return Review(
        [ReviewedParagraph(**{name: getattr(p, name) for name in _FIELDS})
         for p in marked.paragraphs],
        marked.marks, marked.custom_properties, core.get("identifier", ""),
        core.get("last_modified_by", ""), core.get("modified", ""))
