"""Attachments: other documents, each with its own cover, appended after the report.

An attachment is a report folder inside the report's own folder. It is loaded and
prepared as a document of its own (its cover, its clause, table and footnote numbers,
its annexes); its ids and anchors then take the prefix ``attachment.N.`` so that they
stay distinct from the report's.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from reportgen import tree as d
from reportgen.content.locate import REPORT_FILE
from reportgen.errors import ContentError, Problem

if TYPE_CHECKING:
    from reportgen.content.load import LoadedReport


def load_attachments(loaded: LoadedReport) -> list[Problem]:
    """Load every attached report into ``loaded.attachments``; the problems found.

    A problem inside an attached report names that report's own file and line."""
    from reportgen.content.load import load

    problems: list[Problem] = []
    root = loaded.root.resolve()
    for n, attachment in enumerate(loaded.model.attachments):
        path = ("attachments", n, "report")
        where = loaded.origin(path)

        def refuse(message: str, where: Any = where, path: Any = path) -> None:
            problems.append(Problem(where.file, where.line, where.col,
                                    f"attachments[{path[1]}].report", message))

        try:
            target = (root / attachment.report).resolve()
        except (OSError, RuntimeError) as exc:  # a symbolic link loop, say
            refuse(f"{attachment.report!r} cannot be followed: {exc}")
            continue
        if not target.is_relative_to(root) or target == root:
            refuse(f"{attachment.report!r} is not a folder inside the report's folder")
            continue
        if not (target / REPORT_FILE).is_file():
            refuse(f"no {REPORT_FILE} in {attachment.report!r}")
            continue
        try:
            attached = load(target)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if attached.model.attachments:
            o = attached.origin(("attachments",))
            problems.append(Problem(o.file, o.line, o.col, "attachments",
                                    "an attached report cannot have attachments of its own"))
            continue
        rel = target.relative_to(root).as_posix()
        for name, data in attached.sources.items():
            loaded.sources[f"{rel}/{name}"] = data
        loaded.attachments.append(attached)
    return problems


def prefixed(doc: d.Document, n: int) -> d.Document:
    """The prepared document of attachment ``n`` (from 1) with every id prefixed
    ``attachment.n.`` and every anchor ``attachment-n-``."""
    out: d.Document = _prefix(doc, f"attachment.{n}.", f"attachment-{n}-")
    return out


def _prefix(node: Any, id_prefix: str, anchor_prefix: str) -> Any:
    if isinstance(node, tuple):
        return tuple(_prefix(v, id_prefix, anchor_prefix) for v in node)
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    if isinstance(node, d.Cover | d.Metadata | d.CoverLabels | d.Contact):
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
