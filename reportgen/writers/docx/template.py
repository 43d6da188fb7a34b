"""The Word template rendered with a document's cover and running header (docxtpl).

The cover is rendered in a sandboxed, autoescaping Jinja environment, and every user text
reaches it as inert XML text (``literal``): neither Jinja nor docxtpl can interpret it.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from reportgen import tree as d
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
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    cover = literal_tree(asdict(doc.cover))
    tpl.render({"cover": cover, "labels": cover["labels"], "body": marker}, env)
    return tpl, marker
