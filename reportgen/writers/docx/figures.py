"""Figures in the DOCX: an inline picture in a "Figure" paragraph, the caption below.

PNG and JPEG are embedded as they are (``word/media``). An SVG is embedded as itself
(``asvg:svgBlip``, which Word 2016 and later show) with a PNG rendering of it as the
``a:blip`` a DOCX must have, which every other reader shows (LibreOffice 7.4 among
them). The PNG is drawn by CairoSVG at twice 96 dpi for the size the figure is printed
at, with external resources refused (the SVG was checked to have none when loaded).
"""

from __future__ import annotations

from typing import Protocol

from docx.image.image import BaseImageHeader
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Cm
from docx.text.paragraph import Paragraph as WordParagraph

from reportgen import tree as d
from reportgen.content.images import CONTENT_TYPES
from reportgen.errors import ContentError, Problem
from reportgen.writers.docx import oxml
from reportgen.writers.docx.relations import Relations


class Body(Protocol):
    """What a figure needs of the body writer: a new paragraph, its bookmark, the
    document's relationships and the SVG drawings made so far."""

    relations: Relations
    svg_fallbacks: dict[tuple[bytes, float], tuple[bytes, BaseImageHeader]]

    def paragraph(self, name: str) -> WordParagraph: ...

    def mark(self, p: WordParagraph, block_id: str) -> None: ...

PICTURE_STYLE = "Figure"
CAPTION_STYLE = "Figure_NoTitle"
SVG_BLIP_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
FALLBACK_DPI = 192


class FigureRenderError(Exception):
    """An SVG's PNG rendering could not be made."""


def write_figure(writer: Body, figure: d.Figure) -> None:
    """The picture paragraph, then the caption paragraph with the figure's bookmark."""
    p = writer.paragraph(PICTURE_STYLE)
    try:
        picture(p, figure, writer.relations, writer.svg_fallbacks)
    except FigureRenderError as exc:
        o = figure.origin
        raise ContentError([Problem(o.file if o else "", o.line if o else 0,
                                    o.col if o else 0, "figure.file", str(exc))]) from None
    caption = writer.paragraph(CAPTION_STYLE)
    caption.add_run(figure.caption)
    writer.mark(caption, figure.id)


class _Header(BaseImageHeader):
    """What python-docx needs to know of an image, from what was learnt when it was
    checked: python-docx's own reader refuses valid JPEGs that do not begin with a
    JFIF or Exif segment."""

    def __init__(self, fmt: str, width: int, height: int) -> None:
        super().__init__(width, height, 96, 96)
        self.fmt = fmt

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]

    @property
    def default_ext(self) -> str:
        return "jpg" if self.fmt == "jpeg" else self.fmt


def picture(p: WordParagraph, figure: d.Figure, relations: Relations,
            fallbacks: dict[tuple[bytes, float], tuple[bytes, BaseImageHeader]] | None = None,
            ) -> None:
    """An inline picture (``wp:inline``) of the figure's size in a run of ``p``; an SVG's
    PNG is drawn once for each size it is shown at (``fallbacks`` keeps them)."""
    pic = figure.picture
    if pic.format == "svg":
        key = (pic.data, figure.width_cm)
        drawn = fallbacks.get(key) if fallbacks is not None else None
        if drawn is None:
            drawn = svg_fallback(pic, figure.width_cm)
            if fallbacks is not None:
                fallbacks[key] = drawn
        raster, header = drawn
    else:
        raster, header = pic.data, _Header(pic.format, pic.width_px, pic.height_px)
    image = DocxImage(raster, f"image.{header.default_ext}", header)
    part = p.part
    package = part.package
    assert package is not None
    image_part = relations.image_part(package, image)
    r_id = relations.relate(part, image_part, RT.IMAGE)
    inline = CT_Inline.new_pic_inline(relations.shape_id(part), r_id, image.filename,
                                      Cm(figure.width_cm), Cm(figure.height_cm))
    oxml.element(p.add_run()).add_drawing(inline)
    for side in ("distT", "distB", "distL", "distR"):  # else LibreOffice pads 0.32 cm
        inline.set(side, "0")
    doc_pr = inline.docPr
    doc_pr.set("name", f"Figure {figure.number}")
    doc_pr.set("descr", figure.alt)
    if pic.format == "svg":
        _add_svg_blip(p, inline, pic.data, relations)


def svg_fallback(pic: d.Picture, width_cm: float) -> tuple[bytes, BaseImageHeader]:
    """A PNG of the SVG at FALLBACK_DPI for ``width_cm``, and its header."""
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # OSError: the cairo library is missing
        raise FigureRenderError(f"cannot draw {pic.name!r} for Word: CairoSVG is not "
                                f"usable ({exc}); install the cairo library") from None
    width = max(1, round(width_cm / 2.54 * FALLBACK_DPI))
    height = max(1, round(width * pic.height_px / pic.width_px))
    try:
        png = cairosvg.svg2png(bytestring=pic.data, output_width=width, output_height=height,
                               unsafe=False)
    except Exception as exc:  # CairoSVG raises many kinds on a drawing it cannot read
        raise FigureRenderError(f"cannot draw {pic.name!r} for Word: {exc}") from None
    assert isinstance(png, bytes)
    return png, _Header("png", width, height)


def _add_svg_blip(p: WordParagraph, inline: object, svg: bytes,
                  relations: Relations) -> None:
    """Add the SVG part and point the picture's blip at it through the svgBlip extension."""
    part = p.part
    package = part.package
    assert package is not None
    svg_part = Part(relations.svg_partname(package), "image/svg+xml", svg, package)
    r_id = relations.relate(part, svg_part, RT.IMAGE)
    blip = inline.xpath(".//a:blip")[0]  # type: ignore[attr-defined]
    ext_lst = OxmlElement("a:extLst")
    ext = OxmlElement("a:ext")
    ext.set("uri", SVG_BLIP_URI)
    svg_blip = ext.makeelement(f"{{{SVG_NS}}}svgBlip", nsmap={"asvg": SVG_NS})
    svg_blip.set(qn("r:embed"), r_id)
    ext.append(svg_blip)
    ext_lst.append(ext)
    blip.append(ext_lst)
