"""Text reportgen prints of its own where the content leaves a field empty (a letter's
salutation and closing) or has none (the count of a letter's annexes, the title of a
table of contents): an edit of it cannot be found in the sources, and is refused with
the field to set instead."""

from __future__ import annotations

from reportgen import tree as d
from reportgen.content.loaded import LoadedReport
from reportgen.prepare.anchors import Anchor
from reportgen.prepare.cover import printed_defaults


def defaults(loaded: LoadedReport, doc: d.Document) -> dict[str, str]:
    """Block id -> why an edit of its text cannot be made in the sources."""
    out = {}
    for block_id, (what, field) in printed_defaults(loaded.model).items():
        out[block_id] = f"is reportgen's default {what}; set {field} in report.yaml" \
            if field else f"is reportgen's {what}; it follows the content"
    blocks = [*doc.body, *(b for annex in doc.annexes for b in annex.blocks)]
    for block in blocks:
        if isinstance(block, d.Contents):
            out[block.id] = "is the title of a table of contents; write it as the value " \
                "of its contents: block (contents: \"Table of contents\")"
    return out


def default_reason(known: dict[str, str], anchor: Anchor | None) -> str | None:
    """``"Dear Sir/Madam," is reportgen's default salutation; set …``, or None when the
    block's text comes from the sources."""
    if anchor is None or anchor.id not in known:
        return None
    text = " ".join(anchor.text.split())
    return f'"{text}" {known[anchor.id]}'
