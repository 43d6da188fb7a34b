"""Attachments in the DOCX: each attached document after the report, in a Word section
of its own.

The attached document's cover comes from the same Word template, rendered a second time
with the attachment's cover (``render_template``, the path of the report's own cover);
its elements are copied before the attachment's body. Its section has its own running
header (the template's header rendered with the attachment's number), a first page
without header, page numbers from 1 and footnotes numbered from 1, so that it reads as
the document it is. The report's section keeps the report's header.
"""

from __future__ import annotations

import copy
import io
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.hdrftr import HeaderPart
from docx.text.paragraph import Paragraph as WordParagraph

from reportgen import tree as d
from reportgen.prepare.anchors import COVER_FIELDS, COVER_PREFIXES
from reportgen.writers.docx import oxml
from reportgen.writers.docx.body import BodyWriter
from reportgen.writers.docx.language import SECTPR_ORDER, child
from reportgen.writers.docx.template import TemplateProblem, render_template

R_ATTRIBUTES = (qn("r:id"), qn("r:embed"), qn("r:link"))
ENDMARK_STYLE = "Endmark"


def write_attachments(writer: BodyWriter) -> d.Document:
    """Write every attachment of ``writer.doc`` before the body anchor; the last one."""
    report = writer.doc
    if writer.template is None:
        raise TemplateProblem("attachments need the Word template to render their covers")
    body = writer.word.element.body
    final = body.find(qn("w:sectPr"))
    if final is None:
        raise TemplateProblem("the Word template has no section properties")
    previous, header_rid = report, _header_rid(final)
    for n, attached in enumerate(report.attachments, 1):
        _end_section(writer, previous, final, header_rid, attached=previous is not report)
        tpl, marker = render_template(attached, writer.template)
        _copy_cover(writer, tpl.docx, marker, attached, n)
        header_rid = _copy_header(writer, tpl.docx)
        writer.doc = attached
        writer.heading_nums = {}  # its clauses number from its own start
        writer.break_before = False
        writer.blocks(attached.body)
        writer.break_before = False
        writer.annexes()
        previous = attached
    _section_header(final, header_rid)
    writer.doc = report
    return previous


def _header_rid(sect_pr: Any) -> str:
    for ref in sect_pr.findall(qn("w:headerReference")):
        if ref.get(qn("w:type")) == "default":
            return str(ref.get(qn("r:id")))
    return ""


def _section_header(sect_pr: Any, header_rid: str) -> None:
    """A section of an attached document: its header, pages from 1, notes from 1."""
    for ref in sect_pr.findall(qn("w:headerReference")):
        if ref.get(qn("w:type")) == "default" and header_rid:
            ref.set(qn("r:id"), header_rid)
    child(sect_pr, "pgNumType", SECTPR_ORDER).set(qn("w:start"), "1")
    _restart_notes(sect_pr)


def _restart_notes(sect_pr: Any) -> None:
    """Footnotes from 1 in this section (only an attachment's: with the restart on the
    first section too, LibreOffice counts the later sections' notes from 0)."""
    notes = child(sect_pr, "footnotePr", SECTPR_ORDER)
    if notes.find(qn("w:numRestart")) is None:
        start = OxmlElement("w:numStart")  # LibreOffice counts from 0 without it
        start.set(qn("w:val"), "1")
        restart = OxmlElement("w:numRestart")
        restart.set(qn("w:val"), "eachSect")
        notes.append(start)
        notes.append(restart)


def _end_section(writer: BodyWriter, doc: d.Document, final: Any, header_rid: str,
                 attached: bool) -> None:
    """End the section of ``doc`` (the report or an attachment) with its end mark, if
    it has one, in a paragraph that carries the section's properties."""
    p = writer.paragraph(ENDMARK_STYLE if doc.end_mark else "Normal")
    if doc.end_mark:
        p.add_run(doc.end_mark)
    sect_pr = copy.deepcopy(final)
    if attached:  # an attachment's section; the report's keeps the template's header
        _section_header(sect_pr, header_rid)
    oxml.element(p).get_or_add_pPr().append(sect_pr)


def _copy_cover(writer: BodyWriter, source: Any, marker: str, doc: d.Document,
                n: int) -> None:
    """Copy the rendered cover (every body element before the marker) before the anchor,
    its hyperlinks and pictures re-related, its fields bookmarked ``attachment.n.cover.*``."""
    assert writer.anchor is not None
    wanted = {}
    for name in COVER_FIELDS:
        value = getattr(doc.cover, name)
        if value:
            wanted[COVER_PREFIXES.get(name, "") + value] = f"attachment.{n}.cover.{name}"
    for element in list(source.element.body):
        if element.tag == qn("w:p") and \
                "".join(t.text or "" for t in element.iter(qn("w:t"))).strip() == marker:
            break
        if element.tag == qn("w:sectPr"):
            break
        copied = copy.deepcopy(element)
        _relink(copied, source.part, writer)
        oxml.element(writer.anchor).addprevious(copied)
        for p in copied.iter(qn("w:p")) if copied.tag != qn("w:p") else [copied]:
            paragraph = WordParagraph(p, oxml.parent(writer.anchor))
            block_id = wanted.pop(paragraph.text, None)
            if block_id:
                writer.mark(paragraph, block_id)
    writer.relations.forget_shape_ids()  # the cover's drawings keep the template's ids


def _relink(element: Any, source: Any, writer: BodyWriter) -> None:
    """Relationships of a copied element pointed at the same targets from the document."""
    target = writer.word.part
    for node in element.iter():
        for attr in R_ATTRIBUTES:
            rid = node.get(attr)
            if rid is None:
                continue
            rel = source.rels[rid]
            if rel.is_external:
                new = writer.relations.relate(target, rel.target_ref, rel.reltype,
                                              external=True)
            elif rel.reltype == RT.IMAGE:
                new, _ = target.get_or_add_image(io.BytesIO(rel.target_part.blob))
            else:
                raise TemplateProblem(f"the cover holds a {rel.reltype.rsplit('/', 1)[-1]} "
                                      "that an attachment's cover cannot copy")
            node.set(attr, new)


def _copy_header(writer: BodyWriter, source: Any) -> str:
    """The attachment's rendered default header as a new part of the report's package."""
    final = source.element.body.find(qn("w:sectPr"))
    rid = _header_rid(final) if final is not None else ""
    if not rid:
        return ""
    header = source.part.rels[rid].target_part
    package = writer.word.part.package
    partname = package.next_partname("/word/header%d.xml")
    part = HeaderPart.load(PackURI(partname), header.content_type, header.blob, package)
    return str(writer.word.part.relate_to(part, RT.HEADER))
