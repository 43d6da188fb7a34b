"""Figures: a ``figure`` block is a picture (PNG, JPEG or SVG from the report's folder)
sized to the text width at most, with ``Figure N – title`` below it; numbered by
prepare apart from tables, through the annexes as tables are. Checked in the DOCX parts,
in our PDF and in LibreOffice's rendering of the DOCX, by where things are on the page.
Bad images are refused with their place in report.yaml, never with a traceback."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from lxml import etree
from PIL import Image, ImageChops

from reportgen import tree as d
from reportgen.content.images import MAX_IMAGE_BYTES
from reportgen.content.load import load
from reportgen.errors import ContentError, Problem
from reportgen.prepare.anchors import anchors, bookmark_name
from reportgen.prepare.layout import MARGIN, TEXT_WIDTH, TEXT_WIDTH_CM, cm
from reportgen.prepare.tree import prepare
from reportgen.revisions.diff import diff_blocks
from reportgen.writers.docx.figures import svg_fallback
from reportgen.writers.docx.writer import render_docx
from reportgen.writers.html.figures import pictures
from reportgen.writers.html.render import render_html
from reportgen.writers.pdf.write import FetchRefused, write_pdf

from .conftest import W, docx_paragraph_texts, docx_part, libreoffice_pdf, need_tool, run_cli
from .test_footnotes import Word, pdf_words
from .test_numbering import TEMPLATE, write_report
from .test_pdf_writer import _Listener
from .word_review import Reviewer

CREATED = datetime(2023, 5, 29, tzinfo=UTC)
DASH = "\u2013"
EMU_PER_CM = 360_000
EMU_PER_TWIP = 635
PT_PER_CM = 72 / 2.54
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
ASVG = "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"

RED = (200, 30, 30)
BLUE = (30, 30, 200)
TEAL = (30, 160, 160)
GREEN = (0, 128, 0)
ORANGE = (230, 140, 20)
PURPLE = (120, 40, 160)
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="300" '
       b'height="150" viewBox="0 0 300 150"><rect width="300" height="150" fill="#008000"/>'
       b'<circle cx="150" cy="75" r="40" fill="url(#g)"/><defs><radialGradient id="g">'
       b'<stop offset="0" stop-color="yellow"/></radialGradient></defs></svg>')


@dataclass(frozen=True)
class Expected:
    key: str  # a word of the title, unique in the document
    colour: tuple[int, int, int]
    width_cm: float
    aspect: float  # width / height


# Figure 1 … 5 in the body, Figure 6 in the annex; tables numbered apart (1 and 2)
EXPECTED = [
    Expected("K2", RED, TEXT_WIDTH_CM, 2.0),  # 900 px at 96 dpi is wider than the text
    Expected("K4", BLUE, 150 / 96 * 2.54, 2.0),  # small: its natural size, not enlarged
    Expected("K5", TEAL, 0.5 * TEXT_WIDTH_CM, 2.0),  # width: 50% enlarges it
    Expected("K6", GREEN, 300 / 96 * 2.54, 2.0),  # SVG: its declared size
    Expected("K7", PURPLE, 450 / 300 * 2.54, 1.5),  # JPEG at 300 dpi: 1.5 in
    Expected("K10", ORANGE, TEXT_WIDTH_CM, 2.0),
]
TITLES = ["Wide K2", "Small K4", "Asked K5", "Vector K6", "Photo K7", "Annex K10"]

BODY: list[dict[str, Any]] = [
    {"title": "Figures", "text": "Before K1.", "blocks": [
        {"figure": {"file": "wide.png", "title": "Wide K2", "alt": "A red band"}},
        {"table": {"title": "K3 table", "columns": [{"title": "A"}], "rows": [["x"]]}},
        {"figure": {"file": "img/small.png", "title": "Small K4"}},
        {"figure": {"file": "asked.png", "title": "Asked K5", "width": "50%"}},
        {"figure": {"file": "vector.svg", "title": "Vector K6"}},
        {"figure": {"file": "photo.jpg", "title": "Photo K7"}},
    ]},
]
ANNEXES: list[dict[str, Any]] = [{"title": "K8 annex", "blocks": [
    {"table": {"title": "K9 table", "columns": [{"title": "A"}], "rows": [["y"]]}},
    {"figure": {"file": "annex.png", "title": "Annex K10", "width": 1}},
]}]


def png(size: tuple[int, int], colour: tuple[int, int, int], **info: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG", **info)
    return out.getvalue()


def make_images(folder: Path) -> None:
    (folder / "img").mkdir(exist_ok=True)
    (folder / "wide.png").write_bytes(png((900, 450), RED))
    (folder / "img" / "small.png").write_bytes(png((150, 75), BLUE, dpi=(96, 96)))
    (folder / "asked.png").write_bytes(png((150, 75), TEAL))
    (folder / "vector.svg").write_bytes(SVG)
    photo = io.BytesIO()
    Image.new("RGB", (450, 300), PURPLE).save(photo, "JPEG", dpi=(300, 300), quality=95)
    (folder / "photo.jpg").write_bytes(photo.getvalue())
    (folder / "annex.png").write_bytes(png((400, 200), ORANGE))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, d.Document]:
    folder = write_report(tmp_path_factory.mktemp("fig") / "r", BODY, ANNEXES)
    make_images(folder)
    return folder, prepare(load(folder))


def figures(doc: d.Document) -> list[d.Figure]:
    blocks = [*doc.body, *(b for a in doc.annexes for b in a.blocks)]
    return [b for b in blocks if isinstance(b, d.Figure)]


@pytest.fixture(scope="module")
def docx(report: tuple[Path, d.Document], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fig-docx") / "r.docx"
    path.write_bytes(render_docx(report[1], TEMPLATE))
    return path


def render_pdf(folder: Path, doc: d.Document) -> bytes:
    loaded = load(folder)
    return write_pdf(render_html(doc), report_dir=folder, attachments=sorted(
        loaded.sources.items()), identifier="x", created=CREATED, pictures=pictures(doc))


@pytest.fixture(scope="module")
def pdf(report: tuple[Path, d.Document], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fig-pdf") / "r.pdf"
    path.write_bytes(render_pdf(*report))
    return path


# ------------------------------------------------------------------------ the tree


def test_prepare_numbers_figures_apart_from_tables_and_on_into_the_annexes(
        report: tuple[Path, d.Document]) -> None:
    doc = report[1]
    found = figures(doc)
    assert [f.caption for f in found] == [f"Figure {n} {DASH} {t}"
                                          for n, t in enumerate(TITLES, 1)]
    tables = [b for b in (*doc.body, *doc.annexes[0].blocks) if isinstance(b, d.Table)]
    # in an annex tables go on counting, and so do figures
    assert [t.caption for t in tables] == [f"Table 1 {DASH} K3 table",
                                           f"Table 2 {DASH} K9 table"]
    assert [f.id for f in found] == ["body.1.b1", "body.1.b3", "body.1.b4", "body.1.b5",
                                     "body.1.b6", "annex.1.b2"]
    text = (report[0] / "report.yaml").read_text("utf-8").splitlines()
    for figure, title in zip(found, TITLES, strict=True):
        assert figure.origin is not None
        # the origin is the block's line, just above its title
        block = "".join(text[figure.origin.line - 1:figure.origin.line + 4])
        assert '"figure"' in block and title in block
    assert found[0].alt == "A red band" and found[1].alt == "Small K4"


def test_sizes_keep_the_shape_and_never_pass_the_text_width(
        report: tuple[Path, d.Document]) -> None:
    for figure, want in zip(figures(report[1]), EXPECTED, strict=True):
        assert figure.width_cm == pytest.approx(want.width_cm, abs=0.01), want.key
        assert figure.width_cm <= TEXT_WIDTH_CM
        assert figure.width_cm / figure.height_cm == pytest.approx(want.aspect, rel=0.01)


def test_a_tall_picture_is_bounded_by_the_page(tmp_path: Path) -> None:
    folder = write_report(tmp_path / "r", [{"title": "T", "blocks": [
        {"figure": {"file": "tall.png", "title": "Tall"}}]}])
    (folder / "tall.png").write_bytes(png((100, 2000), RED))
    figure = figures(prepare(load(folder)))[0]
    assert figure.height_cm == pytest.approx(20.0, abs=0.01)
    assert figure.width_cm == pytest.approx(1.0, abs=0.01)


# ------------------------------------------------------------------------- the DOCX


def drawings(docx: Path) -> list[etree._Element]:
    body = docx_part(docx, "word/document.xml").find(f"{W}body")
    assert body is not None
    return list(body.iter(f"{WP}inline"))


def media(docx: Path) -> tuple[dict[str, str], dict[str, bytes], dict[str, str]]:
    """Relationship id -> target, part name -> bytes, and the content type of each."""
    with zipfile.ZipFile(docx) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        types = etree.fromstring(z.read("[Content_Types].xml"))
        parts = {n: z.read(n) for n in z.namelist() if n.startswith("word/media/")}
    targets = {r.get("Id"): "word/" + r.get("Target") for r in rels.iter(f"{PKG_REL}Relationship")
               if r.get("Type", "").endswith("/image")}
    defaults = {t.get("Extension"): t.get("ContentType") for t in types.iter(f"{CT}Default")}
    overrides = {t.get("PartName"): t.get("ContentType") for t in types.iter(f"{CT}Override")}
    kinds = {n: overrides.get("/" + n) or defaults[n.rsplit(".", 1)[1]] for n in parts}
    return targets, parts, kinds


def test_docx_has_inline_pictures_in_media_parts_with_their_types(
        docx: Path, report: tuple[Path, d.Document]) -> None:
    folder = report[0]
    targets, parts, kinds = media(docx)
    inlines = drawings(docx)
    assert len(inlines) == len(EXPECTED)
    blips = [i.find(f".//{A}blip") for i in inlines]
    embedded = [parts[targets[b.get(f"{R}embed")]] for b in blips]
    # PNG and JPEG go in as they are
    assert embedded[0] == (folder / "wide.png").read_bytes()
    assert embedded[1] == (folder / "img" / "small.png").read_bytes()
    assert embedded[4] == (folder / "photo.jpg").read_bytes()
    for blip, want in zip(blips, ("png", "png", "png", "png", "jpeg", "png"), strict=True):
        assert kinds[targets[blip.get(f"{R}embed")]] == f"image/{want}"
    # the SVG: itself through svgBlip, and a PNG rendering of it as the blip
    svg_blip = blips[3].find(f".//{ASVG}svgBlip")
    assert svg_blip is not None
    svg_part = targets[svg_blip.get(f"{R}embed")]
    assert parts[svg_part] == SVG and kinds[svg_part] == "image/svg+xml"
    with Image.open(io.BytesIO(embedded[3])) as fallback:
        assert fallback.format == "PNG"
        assert fallback.width / fallback.height == pytest.approx(2.0, rel=0.01)
        assert fallback.getpixel((5, 5))[:3] == GREEN
    for blip in blips[:3] + blips[4:]:
        assert blip.find(f".//{ASVG}svgBlip") is None


def test_docx_extents_fit_the_text_width_and_keep_the_shape(docx: Path) -> None:
    for inline, want in zip(drawings(docx), EXPECTED, strict=True):
        extent = inline.find(f"{WP}extent")
        cx, cy = int(extent.get("cx")), int(extent.get("cy"))
        assert cx <= TEXT_WIDTH * EMU_PER_TWIP
        assert cx == pytest.approx(want.width_cm * EMU_PER_CM, rel=0.005), want.key
        assert cx / cy == pytest.approx(want.aspect, rel=0.01)


def test_docx_picture_and_caption_paragraphs_in_the_itu_styles(
        docx: Path, report: tuple[Path, d.Document]) -> None:
    body = docx_part(docx, "word/document.xml").find(f"{W}body")
    paragraphs = list(body.iter(f"{W}p"))
    found = figures(report[1])
    pictures = [p for p in paragraphs if p.find(f".//{WP}inline") is not None]
    assert len(pictures) == len(found)
    for p, figure in zip(pictures, found, strict=True):
        assert p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Figure"
        caption = p.getnext()
        assert caption.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "FigureNoTitle"
        assert "".join(t.text for t in caption.iter(f"{W}t")) == figure.caption
        # the caption carries the figure's bookmark, as a table's caption does
        marks = [b.get(f"{W}name") for b in caption.iter(f"{W}bookmarkStart")]
        assert marks == [bookmark_name(figure.id)]
        doc_pr = p.find(f".//{WP}docPr")
        assert doc_pr.get("descr") == figure.alt
    styles = docx_part(docx, "word/styles.xml")
    figure_style = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == "Figure")
    ppr = figure_style.find(f"{W}pPr")
    assert ppr.find(f"{W}keepNext") is not None and ppr.find(f"{W}keepLines") is not None
    assert ppr.find(f"{W}jc").get(f"{W}val") == "center"
    spacing = ppr.find(f"{W}spacing")
    assert (spacing.get(f"{W}before"), spacing.get(f"{W}after")) == ("240", "120")


def test_docx_text_lists_the_captions_in_order(docx: Path) -> None:
    captions = [t for t in docx_paragraph_texts(docx) if t.startswith(("Figure ", "Table "))]
    assert captions == [f"Figure 1 {DASH} Wide K2", f"Table 1 {DASH} K3 table",
                        f"Figure 2 {DASH} Small K4", f"Figure 3 {DASH} Asked K5",
                        f"Figure 4 {DASH} Vector K6", f"Figure 5 {DASH} Photo K7",
                        f"Table 2 {DASH} K9 table", f"Figure 6 {DASH} Annex K10"]


def test_docx_and_pdf_are_byte_identical_on_rebuild(report: tuple[Path, d.Document],
                                                     docx: Path, pdf: Path) -> None:
    folder = report[0]
    again = prepare(load(folder))
    assert render_docx(again, TEMPLATE) == docx.read_bytes()
    assert render_pdf(folder, again) == pdf.read_bytes()


# -------------------------------------------------------------------------- the PDF


def colour_box(page_png: Path, colour: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """The bounding box (left, top, right, bottom, in pixels) of ``colour`` on a page."""
    with Image.open(page_png) as im:
        rgb = im.convert("RGB")
    r, g, b = ImageChops.difference(rgb, Image.new("RGB", rgb.size, colour)).split()
    worst = ImageChops.lighter(ImageChops.lighter(r, g), b)  # the largest channel difference
    return worst.point(lambda v: 255 if v < 30 else 0).getbbox()


def page_png(pdf: Path, page: int, out: Path) -> Path:
    """Page ``page`` (from 0) at 72 dpi: one pixel is one point."""
    prefix = out / f"{pdf.stem}-{page}"
    subprocess.run([need_tool("pdftoppm"), "-r", "72", "-png", "-singlefile",
                    "-f", str(page + 1), "-l", str(page + 1), str(pdf), str(prefix)],
                   check=True, capture_output=True)
    return prefix.with_suffix(".png")


def caption_words(words: list[Word], key: str) -> Word:
    """The word ``key`` of a caption (the title's last word)."""
    found = [w for w in words if w.text == key]
    assert found, f"{key} not in the PDF text"
    return found[-1]


def check_layout(pdf: Path, tmp: Path, tolerance_pt: float) -> None:
    """Each picture is on its caption's page, just above it, centred, at its width."""
    words, _ = pdf_words(pdf)
    left_margin = cm(MARGIN) * PT_PER_CM
    text_width = TEXT_WIDTH_CM * PT_PER_CM
    for want in EXPECTED:
        caption = caption_words(words, want.key)
        box = colour_box(page_png(pdf, caption.page, tmp), want.colour)
        assert box is not None, f"no picture of {want.key} on its caption's page"
        left, _top, right, bottom = box
        assert bottom <= caption.y0 + 1, f"{want.key}: the caption is not below the picture"
        assert caption.y0 - bottom < 40, f"{want.key}: the caption is far from its picture"
        width = right - left
        assert width <= text_width + 1
        assert width == pytest.approx(want.width_cm * PT_PER_CM, abs=tolerance_pt), want.key
        centre = (left + right) / 2
        assert centre == pytest.approx(left_margin + text_width / 2, abs=tolerance_pt)


def test_pdf_shows_each_picture_above_its_caption_centred_at_its_width(
        pdf: Path, tmp_path: Path) -> None:
    check_layout(pdf, tmp_path, 2.0)


def test_pdf_images_are_the_pictures_and_fit_pdfa(pdf: Path) -> None:
    with pikepdf.open(pdf) as doc:
        meta = doc.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A"
        sizes = set()
        for page in doc.pages:
            for image in page.get_images().values():
                sizes.add((int(image.Width), int(image.Height)))
                # PDF/A: no interpolation, no alternates, device or ICC colours only
                assert image.get("/Interpolate", False) is False
                assert "/Alternates" not in image and "/OPI" not in image
                space = image.ColorSpace
                name = str(space[0] if isinstance(space, pikepdf.Array) else space)
                assert name in {"/DeviceRGB", "/DeviceGray", "/ICCBased", "/Indexed"}
        # the rasters, pixel for pixel (the SVG is drawn as vectors)
        assert sizes == {(900, 450), (150, 75), (450, 300), (400, 200)}
        # the image files are attached with the sources, so the archive copy rebuilds
        assert {"wide.png", "img/small.png", "vector.svg", "report.yaml"} <= set(doc.attachments)


def test_pdf_alt_text_is_the_description(pdf: Path) -> None:
    with pikepdf.open(pdf) as doc:
        alts = {str(el.Alt) for el in _struct_elements(doc.Root.StructTreeRoot)
                if "/Alt" in el}
    assert "A red band" in alts and "Small K4" in alts


def _struct_elements(node: Any) -> list[Any]:
    out = []
    kids = node.get("/K")
    if kids is None:
        return out
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary):
            out.append(kid)
            out.extend(_struct_elements(kid))
    return out


def test_docx_and_pdf_show_the_same_captions_in_the_same_order(docx: Path,
                                                                pdf: Path) -> None:
    words, _ = pdf_words(pdf)
    ordered = sorted(words, key=lambda w: (w.page, w.y0, w.x0))
    text = " ".join(w.text for w in ordered)
    pdf_captions = re.findall(rf"(?:Figure|Table) \d+ {DASH} \S+ K\d+|"
                              rf"(?:Figure|Table) \d+ {DASH} K\d+ table", text)
    docx_captions = [t for t in docx_paragraph_texts(docx)
                     if t.startswith(("Figure ", "Table "))]
    assert pdf_captions == docx_captions


# ------------------------------------------------------------------- LibreOffice


def test_libreoffice_shows_each_picture_with_its_caption(docx: Path, tmp_path: Path) -> None:
    check_layout(libreoffice_pdf(docx), tmp_path, 3.0)


# --------------------------------------------------------------------- bad images


def bad_report(tmp_path: Path, name: str, data: bytes | None = None,
               **spec: Any) -> tuple[Path, int]:
    """A report whose one figure names ``name`` (written with ``data``); returns the
    folder and the line of the figure's ``file`` key."""
    folder = write_report(tmp_path / "r", [{"title": "T", "blocks": [
        {"figure": {"file": name, "title": "Bad", **spec}}]}])
    if data is not None:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    text = (folder / "report.yaml").read_text("utf-8").splitlines()
    line = next(n for n, t in enumerate(text, 1) if '"file"' in t)
    return folder, line


def only_problem(folder: Path) -> Problem:
    with pytest.raises(ContentError) as caught:
        load(folder)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    return problems[0]


def truncated_png() -> bytes:
    data = png((300, 300), RED)
    return data[: len(data) // 2]


def corrupt_png() -> bytes:
    data = bytearray(png((300, 300), RED))
    data[60:200] = b"\0" * 140
    return bytes(data)


def huge_png() -> bytes:
    """8000 x 7000 pixels (56 MP) in a few kilobytes: refused before decoding."""
    out = io.BytesIO()
    Image.new("1", (8000, 7000)).save(out, "PNG")
    return out.getvalue()


def cmyk_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("CMYK", (40, 40), (0, 200, 200, 0)).save(out, "JPEG")
    return out.getvalue()


def svg(inner: str, head: str = "") -> bytes:
    return (f'{head}<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="50">'
            f"{inner}</svg>").encode()


BAD: dict[str, tuple[str, bytes | None, str]] = {
    "leads out": ("../outside.png", None, "leads out of the report's folder"),
    "absolute": ("/etc/passwd", None, "is an absolute path"),
    "url": ("http://example.org/a.png", None, "is a URL"),
    "file url": ("file:///etc/passwd", None, "is a URL"),
    "missing": ("missing.png", None, "not found"),
    "truncated": ("cut.png", truncated_png(), "truncated or corrupt"),
    "corrupt": ("broken.png", corrupt_png(), "truncated or corrupt"),
    "wrong magic": ("text.png", b"this is not an image at all\n", "not a PNG, JPEG or SVG"),
    "gif": ("anim.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not a PNG, JPEG or SVG"),
    "too many pixels": ("huge.png", huge_png(), "the limit is 50 megapixels"),
    "cmyk": ("print.jpg", cmyk_jpeg(), "CMYK JPEG"),
    "svg web image": ("web.svg", svg('<image href="http://127.0.0.1:9/x.png" width="9" '
                                     'height="9"/>'), "refers to 'http://127.0.0.1:9/x.png'"),
    "svg file image": ("file.svg", svg('<image xlink:href="file:///etc/passwd"/>'),
                       "refers to 'file:///etc/passwd'"),
    "svg css url": ("css.svg", svg('<rect style="fill:url(http://x.org/p.svg#a)"/>'),
                    "refers to url(http://x.org/p.svg#a)"),
    "svg import": ("import.svg", svg("<style>@import 'x.css';</style>"),
                   "imports a stylesheet"),
    "svg entity": ("entity.svg", svg("<text>&x;</text>", '<!DOCTYPE svg [<!ENTITY x '
                                     'SYSTEM "file:///etc/passwd">]>'), "DOCTYPE"),
    "svg use": ("use.svg", svg('<use href="other.svg#shape"/>'), "refers to 'other.svg#shape'"),
    "svg stylesheet": ("pi.svg", svg("", '<?xml-stylesheet href="x.css"?>'),
                       "processing instruction"),
    "not svg": ("page.svg", b'<?xml version="1.0"?><html><svg/></html>', "not SVG"),
    "svg without size": ("nosize.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>',
                         "neither width and height nor a viewBox"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_image_is_refused_at_the_figure_file_line(tmp_path: Path, case: str) -> None:
    name, data, message = BAD[case]
    if case == "leads out":
        (tmp_path / "outside.png").write_bytes(png((10, 10), RED))
    folder, line = bad_report(tmp_path, name, data)
    problem = only_problem(folder)
    assert problem.file.endswith("report.yaml")
    assert (problem.line, problem.field) == (line, "body[0].blocks[0].figure.file")
    assert message in problem.message


def test_a_file_over_the_byte_limit_is_refused_unread(tmp_path: Path) -> None:
    folder, line = bad_report(tmp_path, "big.png")
    with (folder / "big.png").open("wb") as f:  # sparse: nothing is written but the size
        f.write(png((10, 10), RED))
        f.truncate(MAX_IMAGE_BYTES + 1)
    problem = only_problem(folder)
    assert problem.line == line and "the limit is 20971520" in problem.message


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(png((10, 10), RED))
    folder, line = bad_report(tmp_path, "link.png")
    (folder / "link.png").symlink_to(tmp_path / "secret.png")
    problem = only_problem(folder)
    assert problem.line == line and "outside the report's folder" in problem.message


@pytest.mark.parametrize("width", ["0%", "150%", "wide", 0, 1.5, True])
def test_a_bad_width_is_refused_at_its_line(tmp_path: Path, width: object) -> None:
    folder, _ = bad_report(tmp_path, "ok.png", png((10, 10), RED), width=width)
    text = (folder / "report.yaml").read_text("utf-8").splitlines()
    line = next(n for n, t in enumerate(text, 1) if '"width"' in t)
    problem = only_problem(folder)
    assert (problem.line, problem.field) == (line, "body[0].blocks[0].figure.width")


def test_check_names_the_place_without_a_traceback(tmp_path: Path) -> None:
    folder, line = bad_report(tmp_path, "cut.png", truncated_png())
    result = run_cli("check", str(folder))
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert f"report.yaml:{line}:" in out and "figure.file" in out
    assert "Traceback" not in out


def test_an_svg_that_points_outside_is_never_fetched(tmp_path: Path) -> None:
    """Refused when loaded; and were one rendered anyway, neither the PDF's fetcher nor
    the PNG rendering for Word would reach the network or read the file."""
    listener = _Listener()
    url = f"http://127.0.0.1:{listener.port}/x.png"
    hostile = svg(f'<image href="{url}" width="50" height="50"/>'
                  '<image xlink:href="file:///etc/passwd" width="50" height="50"/>')
    try:
        folder, _ = bad_report(tmp_path, "web.svg", hostile)
        assert url in only_problem(folder).message
        html = f'<img src="{(folder / "web.svg").as_uri()}">'
        try:  # WeasyPrint may stop, or draw the SVG without what it refers to
            write_pdf(html, report_dir=folder, attachments=[], identifier="x",
                      created=CREATED)
        except FetchRefused as refused:
            assert refused.url in (url, "file:///etc/passwd")
        picture = d.Picture("web.svg", "svg", "", 100, 50, data=hostile)
        try:
            png_bytes = svg_fallback(picture, 5.0)[0]
        except Exception:  # refusing to draw it is fine too; fetching is not
            png_bytes = b""
        assert b"root:" not in png_bytes
    finally:
        listener.close()
    assert listener.connections == 0


# -------------------------------------------------------- revisions and the review


def test_a_changed_figure_is_replaced_and_a_renumbered_one_is_unchanged(
        report: tuple[Path, d.Document]) -> None:
    old = tuple(b for b in report[1].body if isinstance(b, d.Figure))
    first, second = old[0], old[1]
    renumbered = (replace(first, number=2, caption=first.caption.replace("1", "2")),)
    assert diff_blocks((first,), renumbered) == renumbered
    retitled = replace(first, title="Other K2", caption=f"Figure 1 {DASH} Other K2")
    marked = diff_blocks((first,), (retitled,))
    assert [(type(b).__name__, getattr(b, "change", "")) for b in marked] == [
        ("Revised", "deleted"), ("Revised", "inserted")]
    repictured = replace(first, picture=second.picture)
    assert len(diff_blocks((first,), (repictured,))) == 2


def test_anchors_read_the_figure_caption(report: tuple[Path, d.Document]) -> None:
    captions = {a.id: a for a in anchors(report[1]) if a.kind == "caption"}
    figure = figures(report[1])[0]
    anchor = captions[figure.id]
    assert anchor.text == figure.caption and anchor.source_text == "Wide K2"


def test_marked_revision_from_the_archived_pdf_and_a_review_of_the_docx(
        tmp_path: Path) -> None:
    """Build, archive the PDF, change a figure's title, build marked against the PDF
    (which carries the images), then read the DOCX back as a reviewer's file."""
    folder = write_report(tmp_path / "content" / "r", BODY, ANNEXES)
    make_images(folder)
    first = run_cli("build", str(folder), "--out", str(tmp_path / "v1"), "--names", "plain")
    assert first.returncode == 0, first.stderr
    archived = tmp_path / "r-v1.pdf"
    archived.write_bytes((tmp_path / "v1" / "r" / "r.pdf").read_bytes())
    data = json.loads((folder / "report.yaml").read_text("utf-8"))
    data["body"][0]["blocks"][0]["figure"]["title"] = "Broad K2"
    data["document"]["revision"] = 1  # the next revision, marked against the archived one
    (folder / "report.yaml").write_text(json.dumps(data, indent=1), "utf-8")
    second = run_cli("build", str(folder), "--out", str(tmp_path / "v2"), "--names", "plain",
                     "--changes-from", str(archived))
    assert second.returncode == 0, second.stderr
    marked = next((tmp_path / "v2" / "r").glob("*marked.docx"))
    body = docx_part(marked, "word/document.xml").find(f"{W}body")
    deleted = "".join(t.text for t in body.iter(f"{W}delText"))
    inserted = "".join(t.text for el in body.iter(f"{W}ins") for t in el.iter(f"{W}t"))
    assert f"Figure 1 {DASH} Wide K2" in deleted and f"Figure 1 {DASH} Broad K2" in inserted
    review = run_cli("review", str(tmp_path / "v2" / "r" / "r.docx"), "--content",
                     str(folder))
    assert review.returncode == 0, review.stderr
    assert "Traceback" not in review.stdout + review.stderr


def test_the_pdf_shows_the_bytes_that_were_checked(tmp_path: Path) -> None:
    """An image replaced after the report was checked does not reach the renderer."""
    folder = write_report(tmp_path / "r", [{"title": "T", "blocks": [
        {"figure": {"file": "wide.png", "title": "Wide K2"}}]}])
    (folder / "wide.png").write_bytes(png((900, 450), RED))
    doc = prepare(load(folder))
    (folder / "wide.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    out = tmp_path / "r.pdf"
    out.write_bytes(write_pdf(render_html(doc), report_dir=folder, attachments=[],
                              identifier="x", created=CREATED, pictures=pictures(doc)))
    assert colour_box(page_png(out, 0, tmp_path), RED) is not None


def test_a_reviewed_caption_is_applied_to_the_figure_title(tmp_path: Path) -> None:
    """A tracked change in a figure's caption points at the figure's line and, applied,
    changes its title in report.yaml; the picture paragraph carries nothing to apply."""
    folder = write_report(tmp_path / "content" / "r", BODY, ANNEXES)
    make_images(folder)
    built = run_cli("build", str(folder), "--out", str(tmp_path / "out"), "--format", "docx",
                    "--names", "plain")
    assert built.returncode == 0, built.stderr
    reviewer = Reviewer(tmp_path / "out" / "r" / "r.docx")
    reviewer.insert(f"Figure 2 {DASH} Small", " blue")
    reviewed = reviewer.save(tmp_path / "reviewed.docx")
    result = run_cli("review", str(reviewed), "--content", str(folder), "--apply")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": applied: ") == 1, result.stdout + result.stderr
    data = json.loads((folder / "report.yaml").read_text("utf-8"))
    assert data["body"][0]["blocks"][2]["figure"]["title"] == "Small blue K4"


def test_the_tree_dump_names_the_picture_by_its_digest(report: tuple[Path, d.Document]
                                                       ) -> None:
    dumped = d.to_json(figures(report[1])[0], str(report[0]))
    assert dumped["picture"] == {
        "type": "Picture", "name": "wide.png", "format": "png", "width_px": 900,
        "height_px": 450, "digest": hashlib.sha256((report[0] / "wide.png").read_bytes())
        .hexdigest()}
    json.dumps(dumped)  # plain data, no bytes, no absolute path


def test_a_jpeg_without_jfif_or_exif_segment_is_embedded(tmp_path: Path) -> None:
    """A JPEG that begins straight with its tables (valid, and refused by python-docx's
    own reader) goes into the DOCX as it is."""
    out = io.BytesIO()
    Image.new("RGB", (60, 30), PURPLE).save(out, "JPEG")
    data = out.getvalue()
    raw = data[:2] + data[4 + int.from_bytes(data[4:6], "big"):]  # without APP0
    assert raw[2:4] == b"\xff\xdb"
    folder, _ = bad_report(tmp_path, "raw.jpg", raw)
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_docx(prepare(load(folder)), TEMPLATE))
    targets, parts, kinds = media(docx)
    (blip,) = [i.find(f".//{A}blip") for i in drawings(docx)]
    name = targets[blip.get(f"{R}embed")]
    assert parts[name] == raw and kinds[name] == "image/jpeg"


def test_docx_passes_the_office_open_xml_validator(docx: Path) -> None:
    audit = Path(sys.executable).parent / "openxml-audit"
    result = subprocess.run([str(audit), "-q", str(docx)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_builds_in_separate_processes_give_the_same_bytes(tmp_path: Path) -> None:
    folder = write_report(tmp_path / "content" / "r", BODY, ANNEXES)
    make_images(folder)
    outputs = []
    for run in ("a", "b"):
        result = run_cli("build", str(folder), "--out", str(tmp_path / run), "--names",
                         "plain")
        assert result.returncode == 0, result.stderr
        outputs.append([(tmp_path / run / "r" / f"r.{ext}").read_bytes()
                        for ext in ("docx", "pdf")])
    assert outputs[0] == outputs[1]


def test_the_figures_of_a_report_are_bounded_together(tmp_path: Path) -> None:
    """Six files of 18 MiB each pass the limit of one file but not the report's."""
    blocks = [{"figure": {"file": f"p{k}.png", "title": f"P{k}"}} for k in range(6)]
    folder = write_report(tmp_path / "r", [{"title": "T", "blocks": blocks}])
    for k in range(6):
        with (folder / f"p{k}.png").open("wb") as f:
            f.write(png((10, 10), RED))
            f.truncate(18 * 1024 * 1024)
    with pytest.raises(ContentError) as caught:
        load(folder)
    last = caught.value.problems[-1]
    assert last.field == "body[0].blocks[5].figure.file"
    assert "add up to more than 104857600 bytes" in last.message
