"""The Word template rendered with a document's cover and running header (docxtpl).

The cover is rendered in a sandboxed, autoescaping Jinja environment, and every user text
reaches it as inert XML text (``literal``): neither Jinja nor docxtpl can interpret it.
"""

from __future__ import annotations

import functools
import secrets
from copy import deepcopy
from dataclasses import asdict
from pathlib import Path
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from reportgen import tree as d
from reportgen.prepare.layout import COVER_LABEL_WIDTH
from reportgen.writers.docx import oxml

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


class TemplateProblem(Exception):
    """The Word template lacks something the writer needs."""


class SafeDocxTemplate(DocxTemplate):
    """docxtpl with its footnotes rendered once per part, not once per section.

    docxtpl 0.20.2 renders the footnotes part once for every section, so with several
    sections the output of one pass is the template of the next and user text in a
    footnote would be evaluated as Jinja.
    """

    def render_footnotes(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        for part in self.docx.part.package.parts:
            if part.content_type == FOOTNOTES_CT:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                xml = self.render_xml_part(self.patch_xml(blob), part, context, jinja_env)
                oxml.set_blob(part, xml.encode("utf-8"))


class _CompiledOnce(SandboxedEnvironment):
    """The sandboxed, autoescaping environment whose templates are compiled once per
    process: docxtpl compiles each part's XML afresh on every render (20 ms of a report's
    DOCX), and a template's parts are the same text every time. Keyed by that text, so a
    restyled template gets its own; a few parts of a few templates are kept."""

    @functools.lru_cache(maxsize=32)  # noqa: B019 - one environment for the process
    def _compiled(self, source: str) -> Any:
        return super().from_string(source)

    def from_string(self, source: Any, globals: Any = None,
                    template_class: Any = None) -> Any:
        if globals is None and template_class is None and isinstance(source, str):
            return self._compiled(source)
        return super().from_string(source, globals, template_class)


_ENV = _CompiledOnce(autoescape=True, undefined=StrictUndefined)


def literal(value: str) -> Markup:
    """User text as inert XML text: escaped, and with braces as character references so
    that neither Jinja nor docxtpl's ``{_{`` rewriting can touch it."""
    return Markup(str(escape(value)).replace("{", "&#123;").replace("}", "&#125;"))


def literal_tree(value: Any) -> Any:
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, dict):
        return {k: literal_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [literal_tree(v) for v in value]
    return value


def render_template(doc: d.Document, template: Path) -> tuple[SafeDocxTemplate, str]:
    """The Word template rendered with ``doc``'s cover (and running header), and the text
    of the paragraph where the body goes."""
    tpl = SafeDocxTemplate(str(template))
    marker = "BODY-" + secrets.token_hex(8)
    cover = literal_tree(asdict(doc.cover))
    tpl.render({"cover": cover, "labels": cover["labels"], "body": marker}, _ENV)
    if doc.cover.label_width:
        widen_labels(tpl.docx.element.body, marker, doc.cover.label_width)
    return tpl, marker


def widen_labels(body: Any, marker: str, width: int) -> None:
    """Give the cover's label column ``width`` twips, taken from the middle column.

    The cover table's first row is the masthead, whose logo column keeps its width: the
    grid gains a column between the label and middle ones, which the masthead's middle
    cell and every other row's label cell span. The abstract table's two columns move
    their boundary the same way."""
    extra = width - COVER_LABEL_WIDTH
    for tbl in body.iterchildren(qn("w:tbl"), qn("w:p")):
        if tbl.tag == qn("w:p"):
            if marker in "".join(tbl.itertext()):
                return
            continue
        cols = tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")
        rows = tbl.findall(qn("w:tr"))
        if len(cols) == 3:
            middle = int(cols[1].get(qn("w:w")))
            added = deepcopy(cols[0])
            added.set(qn("w:w"), str(extra))
            cols[0].addnext(added)
            cols[1].set(qn("w:w"), str(middle - extra))
            for r, tr in enumerate(rows):
                cells = tr.findall(qn("w:tc"))
                spanned = cells[1] if r == 0 else cells[0]  # the masthead's middle cell
                span = _span(spanned)
                _set_span(spanned, span + 1)
                if r and span == 1:
                    _add_width(cells[0], extra)
                    if len(cells) > 1:
                        _add_width(cells[1], -extra)
        elif len(cols) == 2:
            for k, change in enumerate((extra, -extra)):
                cols[k].set(qn("w:w"), str(int(cols[k].get(qn("w:w"))) + change))
            for tr in rows:
                for tc, change in zip(tr.findall(qn("w:tc")), (extra, -extra), strict=False):
                    _add_width(tc, change)


def _span(tc: Any) -> int:
    found = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return 1 if found is None else int(found.get(qn("w:val")))


def _set_span(tc: Any, span: int) -> None:
    tc_pr = tc.find(qn("w:tcPr"))
    found = tc_pr.find(qn("w:gridSpan"))
    if found is None:
        found = OxmlElement("w:gridSpan")
        tc_pr.find(qn("w:tcW")).addnext(found)  # schema order: tcW, gridSpan
    found.set(qn("w:val"), str(span))


def _add_width(tc: Any, change: int) -> None:
    tc_w = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    tc_w.set(qn("w:w"), str(int(tc_w.get(qn("w:w"))) + change))
