"""Every reach into python-docx's internals, in one place.

python-docx's public API builds paragraphs, runs and tables but hides the XML element
behind each (``Paragraph._p``, ``Table._tbl``, ``_Row._tr``, ``Run._r``), a part's bytes
and a few package helpers. Bookmarks, numbering properties, tracked changes, footnotes,
section breaks and the template override need them; they are taken here and nowhere
else, so a python-docx upgrade that moves one is mended in this module.
"""

from __future__ import annotations

from typing import Any

from docx.image.image import Image as DocxImage
from docx.opc.part import Part
from docx.parts.image import ImagePart


def element(proxy: Any) -> Any:
    """The XML element behind a paragraph, run, table, row or header (``w:p`` ...)."""
    return proxy._element


def parent(proxy: Any) -> Any:
    """The story (body, cell, header) a paragraph or table belongs to."""
    return proxy._parent


def body(word: Any) -> Any:
    """The document's body story, the parent of its top-level paragraphs."""
    return word._body


def no_borders(tbl: Any) -> None:
    """No border on any side or between cells of ``tbl``, whatever its style draws."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        rule = OxmlElement(f"w:{side}")
        rule.set(qn("w:val"), "nil")
        borders.append(rule)
    tbl_pr = tbl.tblPr
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    # schema order: tblStyle … tblW, jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout
    after = [tbl_pr.find(qn(f"w:{n}")) for n in ("tblInd", "tblCellSpacing", "jc", "tblW")]
    anchor = next((a for a in after if a is not None), None)
    if anchor is not None:
        anchor.addnext(borders)
    else:
        tbl_pr.insert(1, borders)


def set_blob(part: Part, data: bytes) -> None:
    """Replace the bytes of a part python-docx keeps as bytes (footnotes, rendered by
    docxtpl or written by the footnotes writer)."""
    part._blob = data


def image_part(package: Any, image: DocxImage) -> ImagePart:
    """The package's image part for ``image``: the one already holding the same bytes,
    or a new one (python-docx only offers this for a file path or stream)."""
    images = package.image_parts
    found: ImagePart | None = images._get_by_sha1(image.sha1)
    return found if found is not None else images._add_image_part(image)


def image_parts(package: Any) -> list[ImagePart]:
    """The package's image parts, the list itself: new ones are appended to it."""
    parts: list[ImagePart] = package.image_parts._image_parts
    return parts
