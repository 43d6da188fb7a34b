"""Arabic documents run right to left: the DOCX properties, LibreOffice's rendering of
the DOCX and our PDF, read back as word positions (pdftotext -bbox)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import NS, W, build_into, libreoffice_pdf, need_tool

PAGE_WIDTH_PT = 595.3  # A4
MARGIN_PT = 56.7  # 2 cm
LONG = ("يقدم هذا التقرير نتائج اجتماعات الفريق المخصص بشأن تكنولوجيا المعلومات الكمومية "
        "وقد ناقش المشاركون اختصاصات فريق متخصص جديد واقترحوا تنظيم ورشة عمل وإرسال مساهمات "
        "إلى لجنتي الدراسات 13 و17 بشأن العمل الجاري مع مراعاة التوصية ITU-T X.509 "
        "والوثيقة TD433R1 ")

REPORT = f"""\
document:
  language: A
  group: TSAG
  study_period: "2017-2020"
  number: 446
  meeting: {{place: جنيف, start: 2018-12-10, end: 2018-12-14}}
  source: رئيس الفريق المخصص
  title: تقرير الفريق المخصص
  contacts: [{{name: Arnaud Taddei, tel: "+41 22 000 0000", email: a@example.org}}]
  abstract: تقرير الفريق المخصص
documents:
  - {{id: TD433R1, title: مراجعة الاختصاصات}}
body:
  - title: مقدمة
    text: |
      {LONG * 3}

      {LONG * 2}ITU-T X.509.

      - {LONG}
      - قصير
    blocks:
      - documents_table: {{title: الوثائق}}
"""


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("rtl")
    report = root / "content" / "arabic"
    report.mkdir(parents=True)
    (report / "report.yaml").write_text(REPORT, encoding="utf-8")
    built = build_into(report, root / "out")
    return built.docx, built.pdf


def part(docx: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read(name))


def test_docx_paragraphs_runs_tables_and_section_are_right_to_left(
        arabic: tuple[Path, Path]) -> None:
    document = part(arabic[0], "word/document.xml")
    paragraphs = document.findall(".//w:body//w:p", NS)
    assert paragraphs
    assert all(p.find("w:pPr/w:bidi", NS) is not None for p in paragraphs)
    assert document.findall(".//w:tblPr", NS)
    assert all(t.find("w:bidiVisual", NS) is not None for t in document.iterfind(".//w:tblPr",
                                                                                   NS))
    assert document.find("w:body/w:sectPr/w:bidi", NS) is not None
    arabic_runs = [r for r in document.iterfind(".//w:r", NS)
                   if re.search("[\u0600-\u06ff]", "".join(r.itertext()))]
    assert arabic_runs
    assert all(r.find("w:rPr/w:rtl", NS) is not None for r in arabic_runs)
    bold = [r for r in document.iterfind(".//w:r", NS) if r.find("w:rPr/w:b", NS) is not None]
    assert all(r.find("w:rPr/w:bCs", NS) is not None for r in bold)
    # the bidi element sits in its schema place (after numPr/tabs, before spacing/ind/jc)
    for p_pr in document.iterfind(".//w:pPr", NS):
        names = [etree.QName(c).localname for c in p_pr]
        after = {"spacing", "ind", "jc", "rPr", "outlineLvl"}
        assert not any(n in after for n in names[:names.index("bidi")]), names


def test_docx_styles_name_the_arabic_font_size_and_language(arabic: tuple[Path, Path]) -> None:
    styles = part(arabic[0], "word/styles.xml")
    (normal,) = styles.xpath("w:style[w:name/@w:val='Normal']", namespaces=NS)
    assert normal.find("w:rPr/w:rFonts", NS).get(f"{W}cs") == "Traditional Arabic"
    assert normal.find("w:rPr/w:rFonts", NS).get(f"{W}eastAsia") == "SimSun"
    assert normal.find("w:rPr/w:rFonts", NS).get(f"{W}ascii") == "Times New Roman"
    assert normal.find("w:rPr/w:szCs", NS).get(f"{W}val") == "30"
    assert normal.find("w:pPr/w:bidi", NS) is not None
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert (lang.get(f"{W}val"), lang.get(f"{W}bidi")) == ("ar-SA", "ar-SA")


def words(pdf: Path, page: int = 1) -> list[tuple[float, float, float, str]]:
    """(xMin, xMax, yMin, word) of every word on ``page``, from poppler."""
    tool = need_tool("pdftotext")
    html = subprocess.run([tool, "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [(float(x0), float(x1), float(y0), text) for x0, y0, x1, _y1, text in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html)]


def body_lines(pdf: Path) -> list[tuple[float, float]]:
    """(start x, end x) of each text line after the heading numbered 1 (poppler gives
    Arabic words in visual order, so the heading's number is the landmark)."""
    found = words(pdf)
    top = min(y for _x0, _x1, y, w in found if w == "1")
    lines: list[tuple[float, list[tuple[float, float]]]] = []
    for x0, x1, y, _w in sorted((w for w in found if w[2] > top + 4), key=lambda w: w[2]):
        if lines and y - lines[-1][0] < 6:  # digits sit a little lower than letters
            lines[-1][1].append((x0, x1))
        else:
            lines.append((y, [(x0, x1)]))
    return [(min(x for x, _ in ws), max(x for _, x in ws)) for _, ws in lines]


@pytest.mark.parametrize("renderer", ["libreoffice", "ours"])
def test_lines_end_at_the_right_margin_and_start_anywhere(arabic: tuple[Path, Path],
                                                         renderer: str) -> None:
    """Right to left: each line of a long paragraph ends at the right margin (page width
    − 2 cm) while the starts of its lines vary."""
    pdf = libreoffice_pdf(arabic[0]) if renderer == "libreoffice" else arabic[1]
    lines = body_lines(pdf)[:5]
    assert len(lines) >= 4
    right = PAGE_WIDTH_PT - MARGIN_PT
    for start, end in lines:
        assert abs(end - right) < 3, f"{renderer}: a line ends at {end:.1f}, not {right:.1f}"
        assert start > MARGIN_PT - 3
    starts = {round(start) for start, _ in lines}
    assert len(starts) >= 2, f"{renderer}: every line starts at {starts}"


def test_latin_ids_keep_their_order(arabic: tuple[Path, Path]) -> None:
    found = [w for _x0, _x1, _y, w in words(arabic[1])]
    text = " ".join(found)
    assert "ITU-T X.509" in text and "TD433R1" in text


def test_html_is_right_to_left(arabic: tuple[Path, Path]) -> None:
    from reportgen.content.load import load
    from reportgen.prepare.tree import prepare
    from reportgen.writers.html.render import render_html

    html = render_html(prepare(load(arabic[0].parents[2] / "content" / "arabic")))
    assert '<html lang="ar" dir="rtl">' in html
    assert "margin-inline-start" in html and "margin-left" not in html
