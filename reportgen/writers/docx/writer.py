"""Document tree -> DOCX.

The Word template (``templates/itu-td.docx``) gives the styles, the page set-up, the
running header and the cover block with docxtpl placeholders (``template``). The body is
then built with python-docx at the template's ``{{ body }}`` paragraph, using only the
template's named styles and Word numbering (``body``), the attached documents after it
(``attachments``), and the package is written reproducibly (``package``).
"""

from __future__ import annotations

import io
from pathlib import Path

from docx.document import Document as WordDocument

from reportgen import tree as d
from reportgen.prepare.anchors import REPORT_PROPERTY, SOURCES_PROPERTY
from reportgen.writers.docx.attachments import write_attachments
from reportgen.writers.docx.body import BodyWriter
from reportgen.writers.docx.language import apply_language
from reportgen.writers.docx.package import (
    normalize_zip,
    set_custom_properties,
    set_page,
    set_properties,
)
from reportgen.writers.docx.template import render_template


def render_docx(doc: d.Document, template: Path) -> bytes:
    """The DOCX bytes of ``doc``, byte-identical for the same tree and template."""
    tpl, marker = render_template(doc, template)
    word: WordDocument = tpl.docx
    writer = BodyWriter(word, doc, template)
    writer.mark_cover()
    writer.mark_cover_changes()
    writer.write(marker)
    writer.finish(write_attachments(writer) if doc.attachments else doc)
    set_page(word)
    apply_language(word, doc)
    set_properties(word, doc.metadata)
    set_custom_properties(word, {REPORT_PROPERTY: doc.report_name,
                                  SOURCES_PROPERTY: doc.sources_digest})
    out = io.BytesIO()
    tpl.save(out)
    return normalize_zip(out.getvalue())
