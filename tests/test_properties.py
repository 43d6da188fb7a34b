"""Property-based: any valid report, in any of the six languages and in Latin, Cyrillic,
Chinese, Hebrew and Arabic script, with figures of any shape, builds, reopens, and says
the same in DOCX and PDF."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from reportgen.build.one import build_report
from reportgen.build.options import BuildOptions

from .conftest import docx_paragraph_texts, libreoffice_pdf, need_tool
from .test_merged_cells import span_layouts, yaml_rows

SCRIPTS = {
    "latin": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèàçœßø",
    "greek-cyrillic": "αβγδεζηθλμπσφωЖДЛМПРСТФЦЧШЩЭЮЯжд",
    "cjk": "中文报告会议技术标准网络量子信息通信研究组",
    "hebrew": "אבגדהוזחטיכלמנסעפצקרשת",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
}
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
RTL_WORD = re.compile("[\u0590-\u05ff]+")
ARABIC_WORD = re.compile("[\u0600-\u06ff]+")


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """A run of words in one script, with some punctuation and digits."""
    letters = SCRIPTS[draw(st.sampled_from(sorted(SCRIPTS)))]
    words = draw(st.lists(st.text(alphabet=letters + "0123456789", min_size=1, max_size=9),
                          min_size=1, max_size=12))
    sep = draw(st.sampled_from([" ", ", ", "; ", " ("]))
    first = draw(st.sampled_from(letters))  # a letter first: never a list marker like "5."
    return first + sep.join(words) + draw(st.sampled_from([".", "", "?", ")"]))


@st.composite
def lists(draw: st.DrawFn, depth: int = 1) -> str:
    ordered = draw(st.booleans())
    marker = draw(st.sampled_from(["1.", "1)"])) if ordered else "-"
    indent = "   " * (depth - 1)
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        lines.append(f"{indent}{marker} {draw(sentences())}")
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            lines.append("")
            lines.append(draw(lists(depth + 1)))
            lines.append("")
    return "\n".join(lines)


@st.composite
def pipe_tables(draw: st.DrawFn) -> str:
    cols = draw(st.integers(1, 4))
    rows = draw(st.integers(1, 4))
    cell = st.text(alphabet=SCRIPTS["latin"] + SCRIPTS["cjk"] + " ", min_size=1,
                   max_size=20).map(lambda s: s.strip() or "x")
    header = [draw(cell) for _ in range(cols)]
    body = [[draw(cell) for _ in range(cols)] for _ in range(rows)]
    lines = [f"Table: {draw(sentences())}", "| " + " | ".join(header) + " |",
             "|" + "---|" * cols]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


@st.composite
def figures(draw: st.DrawFn) -> dict[str, object]:
    """A figure block; its PNG (of the size its name gives) is made when the report is
    written (``write_images``)."""
    width, height = draw(st.integers(1, 1500)), draw(st.integers(1, 1000))
    spec: dict[str, object] = {"file": f"img/fig-{width}x{height}.png",
                               "title": draw(sentences())}
    if draw(st.booleans()):
        spec["width"] = draw(st.sampled_from(["100%", "50%", 0.25, "33.3%"]))
    return {"figure": spec}


def write_images(report: object, folder: Path) -> int:
    """Write the PNG of every figure of ``report``; return how many figures it has."""
    if isinstance(report, dict):
        spec = report.get("figure")
        if isinstance(spec, dict):
            name = str(spec["file"])
            width, height = map(int, re.findall(r"\d+", name)[-2:])
            (folder / name).parent.mkdir(exist_ok=True)
            Image.new("RGB", (width, height), (width % 256, height % 256, 90)).save(
                folder / name)
            return 1
        return sum(write_images(v, folder) for v in report.values())
    if isinstance(report, list):
        return sum(write_images(v, folder) for v in report)
    return 0


@st.composite
def span_tables(draw: st.DrawFn) -> dict[str, object]:
    """A YAML table block with a random valid layout of merged cells, titled or not."""
    width, grid = draw(span_layouts())
    words = {name: f"{name} {draw(sentences())}" for row in grid for name in row}
    table: dict[str, object] = {"columns": [{"title": draw(sentences())} for _ in range(width)],
                                "rows": yaml_rows([[words[n] for n in row] for row in grid])}
    if draw(st.booleans()):
        table["title"] = draw(sentences())
    return table


prose = st.lists(st.one_of(sentences(), lists(), pipe_tables()), min_size=1,
                 max_size=4).map("\n\n".join)


@st.composite
def sections(draw: st.DrawFn, depth: int = 1) -> dict[str, object]:
    section: dict[str, object] = {"title": draw(sentences()), "text": draw(prose)}
    if depth < 3 and draw(st.booleans()):
        section["sections"] = draw(st.lists(sections(depth + 1), min_size=1, max_size=2))
    if draw(st.integers(0, 4)) == 0:
        section["numbered"] = False
    if draw(st.integers(0, 3)) == 0:
        section["blocks"] = draw(st.lists(
            st.one_of(figures(), span_tables().map(lambda t: {"table": t})), min_size=1,
            max_size=2))
    return section


@st.composite
def reports(draw: st.DrawFn) -> dict[str, object]:
    annexes = draw(st.lists(st.fixed_dictionaries({"title": sentences(), "text": prose}),
                            max_size=2))
    return {
        "document": {
            "language": draw(st.sampled_from(["E", "F", "S", "R", "A", "C"])),
            "group": "TSAG", "study_period": "2022-2024", "number": draw(st.integers(1, 999)),
            "meeting": {"place": "Geneva", "start": "2023-05-29", "end": "2023-06-02"},
            "source": draw(sentences()), "title": draw(sentences()),
            "contacts": [{"name": draw(sentences()), "email": "someone@example.org"}],
            "abstract": draw(sentences()),
        },
        "body": draw(st.lists(sections(), min_size=1, max_size=3)),
        "annexes": annexes,
    }


def page_texts(pdf: Path) -> str:
    """pdftotext in content order, running headers (``- N -`` + number) removed."""
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = raw.split("\f")
    kept = [pages[0]] + [re.sub(r"\A\s*-\s*\d+\s*-\s*\n[^\n]*\n", "", p) for p in pages[1:]]
    return "".join(kept)


def squash(text: str) -> str:
    """Whitespace and bidi controls dropped; parentheses folded, since poppler's
    extraction may mirror them on lines that follow right-to-left text."""
    return re.sub(r"\s+", "", BIDI_CONTROLS.sub("", text)).replace(")", "(")


def assert_same_text(docx: Path, pdf: Path, rtl: bool = False) -> None:
    """Every DOCX paragraph appears, in order, in the PDF (whitespace ignored).

    Text extracted from a PDF comes in visual order, so a paragraph with right-to-left
    words is checked word by word instead, and in a right-to-left (Arabic) document,
    where neutral characters move to the left of a Latin run, the characters of each
    paragraph are checked, not their order.
    """
    haystack = squash(page_texts(pdf))
    letters = Counter(haystack)
    pos = 0
    for paragraph in docx_paragraph_texts(docx):
        needle = squash(paragraph)
        if not needle:
            continue
        if RTL_WORD.search(paragraph):
            for word in RTL_WORD.findall(paragraph):
                assert word in haystack, f"right-to-left word missing from the PDF: {word!r}"
            continue
        if rtl:
            missing = Counter(needle) - letters
            assert not missing, f"characters missing from the PDF: {paragraph!r}"
            continue
        if ARABIC_WORD.search(paragraph):
            # poppler splits Arabic words at ligatures and may give the pieces in visual
            # order: the letters of the paragraph are checked, not their order
            missing = Counter("".join(ARABIC_WORD.findall(paragraph))) - letters
            assert not missing, f"Arabic letters missing from the PDF: {paragraph!r}"
            continue
        found = haystack.find(needle, pos)
        assert found >= 0, f"DOCX paragraph not found in order in the PDF: {paragraph!r}"
        pos = found + len(needle)


def build(report: dict[str, object], workdir: Path) -> tuple[Path, Path]:
    folder = workdir / "content" / "random"
    folder.mkdir(parents=True)
    # JSON is YAML: the generated content goes through the real loader
    (folder / "report.yaml").write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    pictures = write_images(report, folder)
    result = build_report(folder, BuildOptions(workdir / "out", force=True))
    assert result.status == "built", result.errors
    docx = next(f for f in result.files if f.suffix == ".docx")
    pdf = next(f for f in result.files if f.suffix == ".pdf")
    with zipfile.ZipFile(docx) as z:  # one inline picture a figure
        assert z.read("word/document.xml").count(b"<wp:inline") == pictures
    return docx, pdf


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(reports())
def test_random_reports_build_and_agree(report: dict[str, object]) -> None:
    need_tool("pdftotext")
    workdir = Path(tempfile.mkdtemp(prefix="prop-"))
    try:
        docx, pdf = build(report, workdir)
        assert Document(str(docx)).paragraphs  # reopens
        assert_same_text(docx, pdf, rtl=report["document"]["language"] == "A")  # type: ignore[index]
    finally:
        shutil.rmtree(workdir)


@settings(max_examples=1, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(reports())
def test_a_random_report_opens_in_libreoffice(report: dict[str, object]) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="prop-lo-"))
    try:
        docx, _ = build(report, workdir)
        converted = libreoffice_pdf(docx)
        text = squash(subprocess.run(["pdftotext", str(converted), "-"], capture_output=True,
                                     text=True, check=True).stdout)
        title = squash(str(report["document"]["title"]))  # type: ignore[index]
        rtl = RTL_WORD.search(title) or ARABIC_WORD.search(title)
        if rtl or report["document"]["language"] == "A":  # type: ignore[index]
            assert not Counter(title[:20]) - Counter(text)  # in visual order there
        else:
            assert title[:20] in text
    finally:
        shutil.rmtree(workdir)
