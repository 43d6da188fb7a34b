"""One numbering pass: the labels of the tree are the labels Word computes from the DOCX
and the labels our PDF prints, clause by clause and item by item.

Three witnesses: the prepared tree; a pure-Python evaluation of the DOCX's
numbering.xml (many generated reports); LibreOffice rendering the DOCX (a fixed sample,
including every hand-written edge case).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from reportgen import tree as d
from reportgen.content.load import load
from reportgen.errors import ContentError
from reportgen.paths import templates_dir
from reportgen.prepare.tree import prepare
from reportgen.writers.docx.writer import render_docx
from reportgen.writers.html.render import LABEL_GAP_CM

from .conftest import need_tool
from .wordnum import word_labels

TEMPLATE = templates_dir() / "itu-td.docx"
MARKER = re.compile(r"^K\d+$")
LABEL = re.compile(r"^(\(?([0-9]+(\.[0-9]+)*|[a-zA-Z]+)[.)-]?|\u2013|[IVX]+(\.[0-9]+)+)$")
GLUED = re.compile(r"^(\(?(?:[0-9]+|[a-zA-Z]+)[.)-])(K\d+)$")

Label = tuple[str, str]  # (label, the paragraph's text: a marker, or "" when empty)


def tree_labels(doc: d.Document) -> list[Label]:
    """Every label the tree prints, in the order the writers print them."""
    out: list[Label] = []

    def walk(blocks: tuple[d.Block, ...]) -> None:
        for block in blocks:
            match block:
                case d.Heading(number=str(number), title=title):
                    out.append((number, d.plain_text(title)))
                case d.ListBlock(items=items):
                    for item in items:
                        rest = item.blocks
                        text = ""
                        if rest and isinstance(rest[0], d.Paragraph):
                            text, rest = d.plain_text(rest[0].content), rest[1:]
                        out.append((item.label, text))
                        walk(rest)
                case d.Quote(blocks=inner):
                    walk(inner)

    walk(doc.body)
    for annex in doc.annexes:
        walk(annex.blocks)
    return out


def docx_labels(docx: Path) -> list[Label]:
    return [(n.label, n.text) for n in word_labels(docx)]


@dataclass(frozen=True)
class Placed:
    """A label as printed: where it starts, where it ends and where its text starts."""

    label: str
    text: str
    x: float
    x_end: float
    text_x: float | None


def pdf_labels(pdf: Path) -> list[Placed]:
    """Labels as printed on the pages: a label-looking word that starts a line, followed
    by a marker word or by nothing (an empty item). The cover is skipped."""
    xml = subprocess.run([need_tool("pdftotext"), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    root = etree.fromstring(xml.encode(), etree.XMLParser(recover=True))
    out: list[Placed] = []
    started = False
    for page in root.iter("{*}page"):
        lines: dict[int, list[tuple[float, float, str]]] = {}
        for word in page.iter("{*}word"):
            y = round(float(word.get("yMax", "0")))
            lines.setdefault(y, []).append((float(word.get("xMin", "0")),
                                            float(word.get("xMax", "0")), word.text or ""))
        for y in sorted(lines):
            words = sorted(lines[y])
            glued = GLUED.match(words[0][2])
            if glued:  # a wide label that fills its hanging indent: no gap, one word
                x0, x1, _ = words[0]
                words[0:1] = [(x0, x1, glued.group(1)), (x1, x1, glued.group(2))]
            texts = [w[2] for w in words]
            if texts == ["Annex"]:  # the title of a single annex, not a label
                continue
            started = started or any(MARKER.match(t) for t in texts)
            if not started or not LABEL.match(texts[0]) or MARKER.match(texts[0]):
                continue
            if len(texts) == 1:
                out.append(Placed(texts[0], "", words[0][0], words[0][1], None))
            elif len(texts) == 2 and MARKER.match(texts[1]):
                out.append(Placed(texts[0], texts[1], words[0][0], words[0][1], words[1][0]))
    return out


def same_places(ours: list[Placed], theirs: list[Placed], tolerance: float = 1.5) -> None:
    """Each label starts where LibreOffice puts it, and so does its text when the label
    fits its hanging indent (a longer one pushes the text to Word's next tab stop)."""
    for a, b in zip(ours, theirs, strict=True):
        assert abs(a.x - b.x) <= tolerance, (a, b)
        fits = a.text_x is not None and a.text_x - a.x_end > LABEL_GAP_CM * 28.35 + 0.5 \
            and b.text_x is not None and b.text_x > b.x_end
        if fits and b.text_x is not None:
            assert abs(a.text_x - b.text_x) <= tolerance, (a, b)  # type: ignore[operator]


# ------------------------------------------------------------------ reports


def write_report(folder: Path, body: list[Any], annexes: list[Any] | None = None,
                 heading_start: int = 1, list_formats: list[str] | None = None,
                 highlights: dict[str, Any] | None = None,
                 **more: Any) -> Path:
    """A minimal TD whose body and annexes are given as YAML data (JSON is YAML)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "document": {"group": "TSAG", "study_period": "2022-2024", "number": 1,
                     "meeting": {"place": "Geneva", "start": "2023-05-29",
                                 "end": "2023-06-02"},
                     "source": "Numbering probe", "title": "Numbering probe",
                     "abstract": "Probe."},
        "options": {"heading_start": heading_start, "end_mark": False,
                    **({"list_formats": list_formats} if list_formats else {})},
        "body": body,
        "annexes": annexes or [],
        **({"highlights": highlights} if highlights else {}),
        **more,
    }
    (folder / "report.yaml").write_text(json.dumps(data, indent=1), "utf-8")
    return folder


def prepared(folder: Path) -> d.Document:
    return prepare(load(folder))


CASES: dict[str, tuple[dict[str, Any], list[Label]]] = {
    "unnumbered parent with numbered children": (
        {"body": [
            {"title": "K1", "numbered": False,
             "sections": [{"title": "K2"}, {"title": "K3", "sections": [{"title": "K4"}]}]},
            {"title": "K5"},
            {"title": "K6", "sections": [{"title": "K7", "numbered": False,
                                          "sections": [{"title": "K8"}]}, {"title": "K9"}]},
        ]},
        [("1", "K2"), ("2", "K3"), ("2.1", "K4"), ("3", "K5"), ("4", "K6"), ("4.1", "K8"),
         ("4.2", "K9")]),
    "empty items and items starting with a nested list": (
        {"body": [{"title": "K1", "text": "1. K2\n2.\n3. 1) K3\n   2) K4\n4. K5\n"}]},
        [("1", "K1"), ("1.", "K2"), ("2.", ""), ("3.", ""), ("a)", "K3"), ("b)", "K4"),
         ("4.", "K5")]),
    "lists continued after a note and after a table, other start values": (
        {"body": [{"title": "K1", "blocks": [
            {"text": "1) K2\n2) K3\n"},
            {"note": "K4"},
            {"text": "3) K5\n4) K6\n"},
            {"text": "Table: K7\n\n| K8 |\n|----|\n| K9 |\n\n5) K10\n"},
            {"text": "27. K11\n28. K12\n\n- K13\n"},
        ]}]},
        [("1", "K1"), ("1)", "K2"), ("2)", "K3"), ("3)", "K5"), ("4)", "K6"), ("5)", "K10"),
         ("27.", "K11"), ("28.", "K12"), ("\u2013", "K13")]),
    "three levels, letters past z": (
        {"body": [{"title": "K1", "text": (
            "1. K2\n\n   26. K3\n   27. K4\n   28. K5\n\n       3. K6\n       4. K7\n"
            "2. K8\n")}]},
        [("1", "K1"), ("1.", "K2"), ("z.", "K3"), ("aa.", "K4"), ("bb.", "K5"),
         ("iii.", "K6"), ("iv.", "K7"), ("2.", "K8")]),
    "clause 0, annexes numbered on their own": (
        {"heading_start": 0,
         "body": [{"title": "K1"}, {"title": "K2", "sections": [{"title": "K3"}]}],
         "annexes": [{"title": "The annex", "sections": [
             {"title": "K4", "text": "1. K5\n"}, {"title": "K6"}]},
             {"title": "Another annex", "sections": [{"title": "K7"}]}]},
        [("0", "K1"), ("1", "K2"), ("1.1", "K3"), ("1", "K4"), ("1.", "K5"), ("2", "K6"),
         ("1", "K7")]),
    # the format of a depth gives the counter; "." and ")" follow the typed marker, other
    # punctuation (parentheses, a hyphen) is the format's whatever was typed
    "labels in parentheses, typed punctuation at the third level": (
        {"list_formats": ["(1)", "(a)", "i)"], "body": [{"title": "K1", "text": (
            "1. K2\n\n   1. K3\n   2. K4\n\n      1) K5\n      2) K6\n\n"
            "      4. K7\n\n2) K8\n")}]},
        [("1", "K1"), ("(1)", "K2"), ("(a)", "K3"), ("(b)", "K4"), ("i)", "K5"),
         ("ii)", "K6"), ("iv.", "K7"), ("(2)", "K8")]),
    "a hyphen, capital letters, roman numbers in parentheses": (
        {"list_formats": ["1-", "A.", "(i)"], "body": [{"title": "K1", "text": (
            "1) K2\n\n   1. K3\n   2) K4\n\n      3. K5\n\n"
            "   27. K6\n\n12. K7\n")}]},
        [("1", "K1"), ("1-", "K2"), ("A.", "K3"), ("B)", "K4"), ("(iii)", "K5"),
         ("AA.", "K6"), ("12-", "K7")]),
    "numbers alone, as a circular numbers its paragraphs": (
        {"list_formats": ["1", "a)", "i)"], "body": [{"title": "K1", "text": (
            "1. K2\n2. K3\n\n   1. K4\n")}]},
        [("1", "K1"), ("1", "K2"), ("2", "K3"), ("a.", "K4")]),
    "a single annex labelled Annex alone": (
        {"annex_label": "none",
         "body": [{"title": "K1"}],
         "annexes": [{"title": "The annex", "sections": [
             {"title": "K2", "sections": [{"title": "K3"}]}, {"title": "K4"}]}]},
        [("1", "K1"), ("1", "K2"), ("1.1", "K3"), ("2", "K4")]),
    "appendix clauses after an annex, with the appendix's number before theirs": (
        {"body": [{"title": "K1"}],
         "annexes": [{"title": "The annex", "sections": [{"title": "K2"}]}],
         "appendices": [
             {"title": "First appendix", "sections": [
                 {"title": "K3", "text": "1. K4\n", "sections": [{"title": "K5"}]},
                 {"title": "K6", "numbered": False, "sections": [{"title": "K7"}]}]},
             {"title": "Second appendix", "sections": [{"title": "K8"}]}]},
        [("1", "K1"), ("1", "K2"), ("I.1", "K3"), ("1.", "K4"), ("I.1.1", "K5"),
         ("I.2", "K7"), ("II.1", "K8")]),
    "a clause's own list formats, for its sub-clauses and annexes too": (
        {"body": [
            {"title": "K1", "text": "1. K2\n", "list_formats": ["1-", "(a)", "(i)"],
             "sections": [{"title": "K3", "text": "1. K4\n\n   1. K5\n"},
                          {"title": "K6", "text": "1. K7\n",
                           "list_formats": ["(1)", "A.", "i)"]}]},
            {"title": "K8", "text": "1. K9\n"}],
         "annexes": [{"title": "The annex", "list_formats": ["i-", "a-", "1-"],
                      "text": "1. K10\n", "sections": [{"title": "K11", "text": "2. K12\n"}]}]},
        [("1", "K1"), ("1-", "K2"), ("1.1", "K3"), ("1-", "K4"), ("(a)", "K5"), ("1.2", "K6"),
         ("(1)", "K7"), ("2", "K8"), ("1.", "K9"), ("i-", "K10"), ("1", "K11"), ("ii-", "K12")]),
    "highlights in their own formats": (
        {"highlights": {"formats": ["(a)", "I-"], "items": [
            {"text": "K2", "items": ["K3", "K4"]}, {"text": "K5"}]},
         "body": [{"title": "K1", "blocks": [{"highlights": True}]}]},
        [("1", "K1"), ("(a)", "K2"), ("I-", "K3"), ("II-", "K4"), ("(b)", "K5")]),
}


def build_case(folder: Path, spec: dict[str, Any]) -> Path:
    more = {k: spec[k] for k in ("appendices", "preamble") if k in spec}
    folder = write_report(folder, spec["body"], spec.get("annexes"),
                          spec.get("heading_start", 1), spec.get("list_formats"),
                          spec.get("highlights"), **more)
    if "annex_label" in spec:  # an option beside the others
        data = json.loads((folder / "report.yaml").read_text("utf-8"))
        data["options"]["annex_label"] = spec["annex_label"]
        (folder / "report.yaml").write_text(json.dumps(data, indent=1), "utf-8")
    return folder


@pytest.mark.parametrize("name", sorted(CASES))
def test_tree_and_word_numbering_agree_on_each_edge_case(name: str, tmp_path: Path) -> None:
    spec, expected = CASES[name]
    doc = prepared(build_case(tmp_path / "r", spec))
    assert tree_labels(doc) == expected
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_docx(doc, TEMPLATE))
    assert docx_labels(docx) == expected


# ---------------------------------------------------------- generated reports


class _Markers:
    def __init__(self) -> None:
        self.numbers = itertools.count(1)

    def next(self) -> str:
        return f"K{next(self.numbers)}"


@st.composite
def markdown_lists(draw: st.DrawFn, markers: _Markers, depth: int = 1) -> list[str]:
    """Lines of one Markdown list: random kinds, delimiters, starts, empty items, items
    that start with a nested list, three levels."""
    ordered = draw(st.booleans())
    delimiter = draw(st.sampled_from(".)"))
    start = draw(st.sampled_from([1, 1, 1, 2, 5, 25, 27])) if ordered else 1
    kinds = ["text", "text", "empty"] + (["nested first", "nested after"] if depth < 3 else [])
    lines: list[str] = []
    for k in range(draw(st.integers(1, 4))):
        marker = f"{start + k}{delimiter}" if ordered else "-"
        pad = " " * (len(marker) + 1)
        kind = draw(st.sampled_from(kinds))
        if kind == "text":
            lines.append(f"{marker} {markers.next()}")
        elif kind == "empty":
            lines.append(marker)
        else:
            nested = draw(markdown_lists(markers, depth + 1))
            if kind == "nested first":
                if nested[0].strip() in ("-", "") or nested[0].rstrip().endswith((".", ")")):
                    nested[0] = nested[0] + f" {markers.next()}"
                lines.append(f"{marker} {nested[0]}")
                lines.extend(pad + line if line else "" for line in nested[1:])
            else:
                lines.append(f"{marker} {markers.next()}")
                lines.append("")
                lines.extend(pad + line if line else "" for line in nested)
                lines.append("")
    return lines


@st.composite
def prose(draw: st.DrawFn, markers: _Markers) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            parts.append("\n".join(draw(markdown_lists(markers))))
        parts.append(markers.next())  # a paragraph: keeps two lists apart
    return "\n\n".join(parts) + "\n"


@st.composite
def sections(draw: st.DrawFn, markers: _Markers, level: int = 1) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(1, 3))):
        section: dict[str, Any] = {"title": markers.next()}
        if draw(st.integers(0, 3)) == 0:
            section["numbered"] = False
        if draw(st.booleans()):
            section["text"] = draw(prose(markers))
        if draw(st.integers(0, 3)) == 0:
            section["blocks"] = [{"note": markers.next()}, {"text": draw(prose(markers))}]
        if level < 3 and draw(st.booleans()):
            section["sections"] = draw(sections(markers, level + 1))
        out.append(section)
    return out


@st.composite
def reports(draw: st.DrawFn) -> dict[str, Any]:
    markers = _Markers()
    body = draw(sections(markers))
    annexes = [{"title": "The annex", "sections": draw(sections(markers))}
               for _ in range(draw(st.integers(0, 2)))]
    appendices = [{"title": "The appendix", "sections": draw(sections(markers))}
                  for _ in range(draw(st.integers(0, 2)))]
    formats = draw(st.sampled_from([None, ["1-", "(a)", "(i)"], ["(1)", "A.", "I)"]]))
    return {"body": body, "annexes": annexes, "heading_start": draw(st.sampled_from([0, 1])),
            "list_formats": formats, **({"appendices": appendices} if appendices else {})}


def _scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="numbering-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(reports())
def test_word_numbering_shows_the_tree_labels_on_generated_reports(
        spec: dict[str, Any]) -> None:
    for folder in _scratch():
        try:
            doc = prepared(build_case(folder / "r", spec))
        except ContentError as exc:  # a generated report must be valid content
            raise AssertionError(f"{exc}\n{json.dumps(spec, indent=1)}") from None
        docx = folder / "r.docx"
        docx.write_bytes(render_docx(doc, TEMPLATE))
        assert docx_labels(docx) == tree_labels(doc), json.dumps(spec, indent=1)


# ------------------------------------------------------------------ LibreOffice


def _sample() -> list[dict[str, Any]]:
    """The edge cases and a few generated reports, fixed from run to run."""
    found: list[dict[str, Any]] = [spec for spec, _ in CASES.values()]

    @settings(max_examples=5, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(reports())
    def collect(spec: dict[str, Any]) -> None:
        found.append(spec)

    collect()
    return found


def test_libreoffice_and_our_pdf_print_the_tree_labels(tmp_path: Path) -> None:
    """LibreOffice renders each DOCX; its pages show the same labels as our PDF, in the
    same order, and both are the tree's."""
    soffice = need_tool("soffice")
    from reportgen.writers.html.render import render_html
    from reportgen.writers.pdf.write import write_pdf

    specs = _sample()
    expected = {}
    docx_files = []
    for n, spec in enumerate(specs):
        folder = build_case(tmp_path / f"r{n}", spec)
        doc = prepared(folder)
        expected[n] = tree_labels(doc)
        docx = tmp_path / f"r{n}.docx"
        docx.write_bytes(render_docx(doc, TEMPLATE))
        docx_files.append(docx)
        (tmp_path / f"r{n}.ours.pdf").write_bytes(write_pdf(
            render_html(doc), report_dir=folder, attachments=(), identifier=f"{n:032d}",
            created=datetime(2023, 5, 29, tzinfo=UTC)))
    lo = tmp_path / "lo"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(lo), *map(str, docx_files)],
                   capture_output=True, timeout=600, check=False)
    for n in range(len(specs)):
        theirs = lo / f"r{n}.pdf"
        assert theirs.is_file(), f"LibreOffice did not convert sample {n}"
        lo_labels = pdf_labels(theirs)
        our_labels = pdf_labels(tmp_path / f"r{n}.ours.pdf")
        assert [(p.label, p.text) for p in lo_labels] == expected[n], f"LibreOffice, {n}"
        assert [(p.label, p.text) for p in our_labels] == expected[n], f"our PDF, {n}"
        same_places(our_labels, lo_labels)


@pytest.mark.parametrize("fmt", ["(1.", "1 )", "(a", "b)", "1:", "((1))", "1.1."])
def test_a_list_format_that_is_not_a_label_is_refused_with_the_formats_allowed(
        tmp_path: Path, fmt: str) -> None:
    folder = write_report(tmp_path / "r", [{"title": "K1"}], list_formats=[fmt, "a)", "i)"])
    with pytest.raises(ContentError) as raised:
        load(folder)
    assert "options.list_formats[0]: not a list format such as" in str(raised.value)
