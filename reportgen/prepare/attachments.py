"""Attached documents in the prepared tree: each is prepared as a document of its own
(its cover, its clause, table and footnote numbers, its annexes), then its ids and
anchors take the prefix ``attachment.N.`` so that they stay distinct from the report's.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from reportgen import tree as d


def prefixed(doc: d.Document, n: int) -> d.Document:
    """The prepared document of attachment ``n`` (from 1) with every block id prefixed
    ``attachment.n.`` and every anchor ``attachment-n-``; cited document ids (C12,
    TD100) are text and stay as written."""
    out: d.Document = _prefix(doc, f"attachment.{n}.", f"attachment-{n}-")
    return out


def _prefix(node: Any, id_prefix: str, anchor_prefix: str) -> Any:
    if isinstance(node, tuple):
        return tuple(_prefix(v, id_prefix, anchor_prefix) for v in node)
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    # a DocRef's id is the cited document's number as written, not a block's id
    if isinstance(node, d.Cover | d.Metadata | d.CoverLabels | d.Contact | d.DocRef):
        return node
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if f.name == "id" and isinstance(value, str) and value:
            changes["id"] = id_prefix + value
        elif f.name == "anchor" and isinstance(value, str) and value:
            changes["anchor"] = anchor_prefix + value
        elif isinstance(value, tuple) or dataclasses.is_dataclass(value):
            new = _prefix(value, id_prefix, anchor_prefix)
            if new is not value:
                changes[f.name] = new
    return dataclasses.replace(node, **changes) if changes else node
