"""The DOCX package around the body: page set-up, document properties, numbering part,
and the zip written with a fixed order and fixed timestamps (equal content, equal bytes).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import nsdecls
from docx.parts.numbering import NumberingPart
from docx.shared import Twips
from markupsafe import escape

from reportgen import tree as d
from reportgen.prepare import layout

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


def normalize_zip(data: bytes) -> bytes:
    """Re-zip with a fixed order and fixed timestamps so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            z.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()


def set_page(word: WordDocument) -> None:
    """A4 and ITU margins whatever the template says (itu-style §6)."""
    for section in word.sections:
        section.page_width = Twips(layout.PAGE_WIDTH)
        section.page_height = Twips(layout.PAGE_HEIGHT)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Twips(layout.MARGIN))
        section.header_distance = Twips(layout.HEADER_DISTANCE)
        section.different_first_page_header_footer = True


def set_properties(word: WordDocument, meta: d.Metadata) -> None:
    when = dt.datetime.fromisoformat(meta.date).replace(tzinfo=dt.UTC)
    props = word.core_properties
    props.title = _fit(meta.title)
    props.subject = _fit(meta.subject)
    props.author = _fit(meta.author)
    props.keywords = _fit(meta.keywords)
    props.language = meta.language
    props.identifier = _fit(meta.identifier)
    props.comments = ""
    props.category = ""
    props.content_status = ""
    props.version = ""
    props.last_modified_by = _fit(meta.author)
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when


def set_custom_properties(word: WordDocument, values: dict[str, str]) -> None:
    """Custom document properties (docProps/custom.xml): Word and LibreOffice keep them,
    so a reviewed DOCX still says which report, and which sources, it was built from."""
    props = "".join(
        f'<property fmtid="{CUSTOM_FMTID}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(values.items()), start=2) if value)
    if not props:
        return
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">{props}</Properties>')
    package = word.part.package
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, xml.encode(),
                package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def numbering_element(word: WordDocument) -> Any:
    """The document's numbering part, created when the template has none (LibreOffice
    drops an empty one when it saves a template; python-docx cannot create it)."""
    part = word.part
    try:
        return part.numbering_part.element
    except NotImplementedError:
        xml = f'<w:numbering {nsdecls("w")}/>'.encode()
        numbering = NumberingPart.load(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, xml,
                                       part.package)
        part.relate_to(numbering, RT.NUMBERING)
        return numbering.element


def _fit(value: str, limit: int = 255) -> str:
    """Core properties hold at most 255 characters (Word's limit too)."""
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"
