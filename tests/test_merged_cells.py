"""Tables with merged cells, several header rows, and untitled layout tables.

The DOCX grid is rebuilt from ``w:gridSpan``/``w:vMerge`` and compared with the grid
the content means; the PDF is read back with ``pdftotext -bbox-layout`` (where each
cell's text sits); LibreOffice renders the DOCX and puts the same texts at the same
places; every geometry mistake is refused at its line and field.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
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
from reportgen.prepare.layout import MARGIN, TEXT_WIDTH
from reportgen.prepare.tree import prepare
from reportgen.revisions.diff import mark
from reportgen.writers.docx.writer import render_docx

from .conftest import (
    W,
    assert_in_order,
    docx_paragraph_texts,
    libreoffice_pdf,
    need_tool,
    normalise,
    pdf_text,
)
from .test_numbering import write_report
from .test_revisions import texts

TEMPLATE = templates_dir() / "itu-td.docx"
PT = 1 / 20  # points per twip

# The allocation table of an agenda: a group spanning its rows, a heading over two
# columns, a two-row header, a last row whose first cell spans two columns.
ALLOCATION: dict[str, Any] = {
    "title": "Allocation of contributions",
    "columns": [{"width": 1}, {"width": 1.2, "align": "center"}, {"width": 3}],
    "header_rows": [[{"text": "Group", "rowspan": 2}, {"text": "Documents", "colspan": 2}],
                    ["Number", "Title"]],
    "rows": [[{"text": "Alpha", "rowspan": 3}, "C54", "Quantum proposal"],
             ["C55", "Terms of reference"],
             ["C56", "Liaison statement"],
             [{"text": "Plenary", "colspan": 2}, "Closing remarks"]],
}
# what each grid position shows: the text of the cell covering it
HEAD_GRID = [["Group", "Documents", "Documents"],
             ["Group", "Number", "Title"]]
BODY_GRID = [["Alpha", "C54", "Quantum proposal"],
             ["Alpha", "C55", "Terms of reference"],
             ["Alpha", "C56", "Liaison statement"],
             ["Plenary", "Plenary", "Closing remarks"]]
LAYOUT = {"columns": [{}, {}], "rows": [["Signed left", "Signed right"]]}
AFTER = {"title": "Results", "columns": [{"title": "Item"}, {"title": "Value"}],
         "rows": [["Budget", "None"]]}
CELL_TEXTS = ["Group", "Documents", "Number", "Title", "Alpha", "C54", "Quantum proposal",
              "C55", "Terms of reference", "C56", "Liaison statement", "Plenary",
              "Closing remarks"]


def sample(folder: Path) -> Path:
    blocks = [{"table": ALLOCATION}, {"table": LAYOUT}, {"table": AFTER}]
    return write_report(folder, [{"title": "Allocation", "text": "The allocation.",
                                  "blocks": blocks}])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from reportgen.writers.html.render import render_html
    from reportgen.writers.pdf.write import write_pdf

    base = tmp_path_factory.mktemp("merged")
    folder = sample(base / "merged")
    doc = prepare(load(folder))
    docx = base / "merged.docx"
    docx.write_bytes(render_docx(doc, TEMPLATE))
    pdf = base / "merged.pdf"
    pdf.write_bytes(write_pdf(render_html(doc), report_dir=folder, attachments=(),
                              identifier="0" * 32, created=datetime(2023, 5, 29, tzinfo=UTC)))
    return {"folder": folder, "docx": docx, "pdf": pdf}


# ------------------------------------------------------------------ DOCX grid


def body_tables(docx: Path) -> list[etree._Element]:
    """The tables after the cover's (the body's, in order)."""
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    assert body is not None
    return [tbl for tbl in body.findall(f"{W}tbl")
            if tbl.find(f"{W}tblPr/{W}tblStyle[@{W}val='ITUTable']") is not None]


def _val(tc: etree._Element, tag: str) -> str | None:
    el = tc.find(f"{W}tcPr/{W}{tag}")
    return None if el is None else el.get(f"{W}val", "continue")


def word_grid(tbl: etree._Element) -> list[list[str]]:
    """What Word shows at each grid position, rebuilt from the cells' XML: a cell covers
    ``w:gridSpan`` columns; a ``w:vMerge`` continue cell is the one above it, made
    longer (it must be empty and span the same columns as the cell it continues)."""
    grid: list[list[str]] = []
    for r, tr in enumerate(tbl.findall(f"{W}tr")):
        row: list[str] = []
        for tc in tr.findall(f"{W}tc"):
            span = int(_val(tc, "gridSpan") or 1)
            text = normalise("".join(t.text or "" for t in tc.iter(f"{W}t")))
            if _val(tc, "vMerge") == "continue":
                assert text == "", f"row {r}: a continued cell shows {text!r}"
                above = grid[r - 1][len(row):len(row) + span]
                assert len(set(above)) == 1, f"row {r}: continues cells {above}"
                row.extend(above)
            else:
                row.extend([text] * span)
        grid.append(row)
    return grid


def test_the_docx_grid_is_the_grid_the_content_means(built: dict[str, Path]) -> None:
    allocation, layout, after = body_tables(built["docx"])
    assert word_grid(allocation) == HEAD_GRID + BODY_GRID
    assert word_grid(layout) == [["Signed left", "Signed right"]]
    assert word_grid(after) == [["Item", "Value"], ["Budget", "None"]]


def test_spans_sit_at_their_grid_positions(built: dict[str, Path]) -> None:
    allocation = body_tables(built["docx"])[0]
    found = [[(_val(tc, "gridSpan"), _val(tc, "vMerge")) for tc in tr.findall(f"{W}tc")]
             for tr in allocation.findall(f"{W}tr")]
    assert found == [
        [(None, "restart"), ("2", None)],
        [(None, "continue"), (None, None), (None, None)],
        [(None, "restart"), (None, None), (None, None)],
        [(None, "continue"), (None, None), (None, None)],
        [(None, "continue"), (None, None), (None, None)],
        [("2", None), (None, None)],
    ]


def test_header_rows_repeat_and_are_table_head(built: dict[str, Path]) -> None:
    allocation, layout, after = body_tables(built["docx"])
    for tbl, heads in ((allocation, 2), (layout, 0), (after, 1)):
        for r, tr in enumerate(tbl.findall(f"{W}tr")):
            header = tr.find(f"{W}trPr/{W}tblHeader") is not None
            assert header == (r < heads), (r, heads)
            styles = {p.find(f"{W}pPr/{W}pStyle").get(f"{W}val")  # type: ignore[union-attr]
                      for p in tr.iter(f"{W}p")}
            assert styles == {"Tablehead" if r < heads else "Tabletext"}, (r, styles)
    centred = [tc for tc in allocation.findall(f"{W}tr")[2].findall(f"{W}tc")
               if tc.find(f"{W}p/{W}pPr/{W}jc") is not None]
    assert [normalise("".join(t.text or "" for t in tc.iter(f"{W}t"))) for tc in centred] \
        == ["C54"]  # the centred column is the second: its cell, not the spanning one


def test_widths_follow_the_grid_and_merged_cells_add_their_columns(
        built: dict[str, Path]) -> None:
    allocation = body_tables(built["docx"])[0]
    assert allocation.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"  # type: ignore[union-attr]
    grid = [int(c.get(f"{W}w")) for c in allocation.iter(f"{W}gridCol")]
    assert sum(grid) == TEXT_WIDTH
    assert [round(g / TEXT_WIDTH * 5.2, 2) for g in grid] == [1.0, 1.2, 3.0]
    for tr in allocation.findall(f"{W}tr"):
        col = 0
        for tc in tr.findall(f"{W}tc"):
            span = int(_val(tc, "gridSpan") or 1)
            width = int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w"))  # type: ignore[union-attr]
            assert width == sum(grid[col:col + span])
            col += span
        assert col == 3


def test_cell_bookmarks_are_unique_and_name_the_cells_as_written(
        built: dict[str, Path]) -> None:
    doc = prepare(load(built["folder"]))
    table = doc.body[2]
    assert isinstance(table, d.Table)
    allocation = body_tables(built["docx"])[0]
    names = [b.get(f"{W}name") for b in allocation.iter(f"{W}bookmarkStart")]
    assert len(names) == len(set(names)) == sum(len(row) for row in table.all_rows) == 13
    assert names[0] == f"_rg_{table.id.replace('.', '_')}_r0c0"
    assert names[-1] == f"_rg_{table.id.replace('.', '_')}_r5c1"


def test_the_docx_passes_the_schema_check(built: dict[str, Path]) -> None:
    audit = Path(sys.executable).parent / "openxml-audit"
    if not audit.exists():
        pytest.skip("openxml-audit is not installed")
    result = subprocess.run([str(audit), "-q", str(built["docx"])], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------- the PDF


def words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """Every word of the pages after the cover: (text, xMin, yMin, xMax, yMax), with y
    counted from the top of its page plus 1000 per page."""
    xml = subprocess.run([need_tool("pdftotext"), "-bbox-layout", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    root = etree.fromstring(xml.encode(), etree.XMLParser(recover=True))
    out = []
    for n, page in enumerate(root.iter("{*}page")):
        for w in page.iter("{*}word"):
            out.append((w.text or "", float(w.get("xMin", 0)), float(w.get("yMin", 0)) + 1000 * n,
                        float(w.get("xMax", 0)), float(w.get("yMax", 0)) + 1000 * n))
    return out


def where(found: list[tuple[str, float, float, float, float]],
          text: str) -> tuple[float, float, float, float]:
    """The box of the first occurrence of ``text`` (its words, on one line)."""
    parts = text.split()
    for i in range(len(found) - len(parts) + 1):
        if [w[0] for w in found[i:i + len(parts)]] == parts:
            box = found[i:i + len(parts)]
            return (box[0][1], box[0][2], box[-1][3], box[-1][4])
    raise AssertionError(f"{text!r} is not on the page")


def check_places(pdf: Path) -> dict[str, tuple[float, float, float, float]]:
    """The rowspan and colspan cells sit in their merged areas; returns the boxes."""
    found = words(pdf)
    boxes = {t: where(found, t) for t in CELL_TEXTS}
    left = MARGIN * PT
    width = TEXT_WIDTH * PT
    fractions = [1 / 5.2, 1.2 / 5.2, 3 / 5.2]
    # "Alpha" spans three rows: its top is in the first row's band, the next rows' cells
    # are to its right and below its top
    alpha, c54, c55 = boxes["Alpha"], boxes["C54"], boxes["C55"]
    assert abs(alpha[1] - c54[1]) <= 1.0, (alpha, c54)
    assert c55[0] > alpha[2] and c55[1] > alpha[3], (alpha, c55)
    # "Documents" spans columns 2 and 3: centred over them
    docs = boxes["Documents"]
    middle = left + width * (fractions[0] + (fractions[1] + fractions[2]) / 2)
    assert abs((docs[0] + docs[2]) / 2 - middle) <= 3.0, (docs, middle)
    # "Group" spans the two header rows: its top is in the first one, beside "Documents"
    group = boxes["Group"]
    assert abs(group[1] - docs[1]) <= 1.0 and boxes["Number"][1] > group[3]
    # "Plenary" spans columns 1 and 2: it starts in column 1, "Closing" is in column 3
    assert boxes["Plenary"][0] < left + width * fractions[0]
    assert boxes["Closing remarks"][0] > left + width * (fractions[0] + fractions[1])
    return boxes


def test_pdf_places_merged_cells_in_their_areas(built: dict[str, Path]) -> None:
    check_places(built["pdf"])


def test_docx_and_pdf_show_the_same_texts_in_order(built: dict[str, Path]) -> None:
    docx_text = normalise(" ".join(docx_paragraph_texts(built["docx"])))
    ours = normalise(pdf_text(built["pdf"]))
    expected = ["Table 1 – Allocation of contributions", *CELL_TEXTS, "Signed left",
                "Signed right", "Table 2 – Results", "Item", "Value", "Budget"]
    assert_in_order(docx_text, expected, "DOCX")
    assert_in_order(ours, expected, "PDF")


def test_libreoffice_puts_the_cells_where_our_pdf_does(built: dict[str, Path]) -> None:
    theirs = check_places(libreoffice_pdf(built["docx"]))
    ours = check_places(built["pdf"])
    top_ours, top_theirs = ours["Group"][1], theirs["Group"][1]
    for text in CELL_TEXTS:
        a, b = ours[text], theirs[text]
        assert abs(a[0] - b[0]) <= 3.0, (text, a, b)
        assert abs((a[1] - top_ours) - (b[1] - top_theirs)) <= 3.0, (text, a, b)


# -------------------------------------------------------------- numbering


def test_an_untitled_table_has_no_caption_and_takes_no_number(tmp_path: Path) -> None:
    folder = write_report(tmp_path / "r", [{"title": "One", "blocks": [
        {"table": LAYOUT}, {"table": AFTER}, {"table": LAYOUT},
        {"table": {**AFTER, "title": "Second"}}]}])
    doc = prepare(load(folder))
    tables = [b for b in doc.body if isinstance(b, d.Table)]
    assert [(t.number, t.caption) for t in tables] == [
        (0, ""), (1, "Table 1 – Results"), (0, ""), (2, "Table 2 – Second")]
    assert tables[0].header_rows == ()
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_docx(doc, TEMPLATE))
    paragraphs = docx_paragraph_texts(docx)
    assert [p for p in paragraphs if p.startswith("Table ")] == [
        "Table 1 – Results", "Table 2 – Second"]
    # two tables never touch in the DOCX (Word would join them): the untitled one after
    # a table is kept apart by an empty paragraph
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    assert body is not None
    for tbl in body_tables(docx):
        assert tbl.getprevious() is not None and tbl.getprevious().tag == f"{W}p"


def test_a_page_break_before_an_untitled_table_is_kept(tmp_path: Path) -> None:
    folder = write_report(tmp_path / "r", [{"title": "One", "blocks": [
        {"page_break": True}, {"table": LAYOUT}]}])
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_docx(prepare(load(folder)), TEMPLATE))
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    assert body is not None
    tbl = body.findall(f"{W}tbl")[-1]
    before = tbl.getprevious()
    assert before is not None and before.find(f"{W}pPr/{W}pageBreakBefore") is not None


# ------------------------------------------------------------------ errors


def yaml_report(folder: Path, table: str) -> Path:
    """A report whose only block is the table written as YAML (block style, as authors
    write it), indented under ``table:``."""
    write_report(folder, [{"title": "One"}])
    data = json.loads((folder / "report.yaml").read_text("utf-8"))
    head = "".join(f"{key}: {json.dumps(value)}\n" for key, value in data.items()
                   if key != "body")
    body = "body:\n  - title: One\n    blocks:\n      - table:\n" + "".join(
        f"          {line}\n" for line in table.strip("\n").splitlines())
    (folder / "report.yaml").write_text(head + body, "utf-8")
    return folder


def problems_of(tmp_path: Path, table: str) -> list[str]:
    """Each problem as "field | the text from its line and column | message"."""
    folder = yaml_report(tmp_path / "r", table)
    lines = (folder / "report.yaml").read_text("utf-8").splitlines()
    with pytest.raises(ContentError) as caught:
        prepare(load(folder))
    out = []
    for p in caught.value.problems:
        assert p.file.endswith("report.yaml") and p.line > 0
        out.append(f"{p.field} | {lines[p.line - 1][p.col - 1:]} | {p.message}")
    return out


TWO = "columns: [{width: 1}, {width: 1}]\n"
BAD: dict[str, tuple[str, list[str]]] = {
    "span past the right edge": (
        TWO + "rows:\n  - [a, {text: b, colspan: 2}]",
        ["body[0].blocks[0].table.rows[0][1] | {text: b, colspan: 2}] | row 1, cell 2 starts "
         "at column 2 and spans 2 columns: it runs past column 2, the table's last"]),
    "span past the last row": (
        TWO + "rows:\n  - [{text: a, rowspan: 3}, b]\n  - [c]",
        ["body[0].blocks[0].table.rows[0][0] | {text: a, rowspan: 3}, b] | row 1, cell 1 spans "
         "3 rows: it runs past the last row (2)"]),
    "overlap": (
        "columns: [{}, {}, {}]\nrows:\n  - [a, {text: b, rowspan: 2}, c]\n"
        "  - [{text: d, colspan: 3}]",
        ["body[0].blocks[0].table.rows[1][0] | {text: d, colspan: 3}] | row 2, cell 1 "
         "(columns 1-3) overlaps row 1, cell 2, which spans into row 2, column 2"]),
    "short row": (
        TWO + "rows:\n  - [a, b]\n  - [c]",
        ["body[0].blocks[0].table.rows[1] | [c] | row 2 covers 1 of the 2 columns: 1 "
         "missing (add cells or widen a span)"]),
    "too many cells": (
        TWO + "rows:\n  - [{text: a, rowspan: 2}, b]\n  - [c, d]",
        ["body[0].blocks[0].table.rows[1][1] | d] | row 2, cell 2 is one cell too many: "
         "the row is already 2 columns wide (cells covered by a span from above are not "
         "written)"]),
    "header span": (
        TWO + "header_rows:\n  - [{text: h, colspan: 3}]\nrows:\n  - [a, b]",
        ["body[0].blocks[0].table.header_rows[0][0] | {text: h, colspan: 3}] | header row 1, "
         "cell 1 starts at column 1 and spans 3 columns: it runs past column 2, the "
         "table's last"]),
}


@pytest.mark.parametrize("name", list(BAD))
def test_each_geometry_mistake_is_refused_at_its_cell(name: str, tmp_path: Path) -> None:
    table, expected = BAD[name]
    assert problems_of(tmp_path, table) == expected


@pytest.mark.parametrize(("span", "message"), [
    ("rowspan: 0", "rowspan: Input should be greater than or equal to 1"),
    ("colspan: -1", "colspan: Input should be greater than or equal to 1"),
    ("rowspan: 100000", "rowspan: Input should be less than or equal to 1000")])
def test_a_span_out_of_bounds_is_refused_at_its_key(span: str, message: str,
                                                    tmp_path: Path) -> None:
    folder = yaml_report(tmp_path / "r", TWO + f"rows:\n  - [{{text: a, {span}}}, b]")
    lines = (folder / "report.yaml").read_text("utf-8").splitlines()
    with pytest.raises(ContentError) as caught:
        load(folder)
    [problem] = caught.value.problems
    assert f"{problem.field}: {problem.message}" == \
        f"body[0].blocks[0].table.rows[0][0].{message}"
    assert lines[problem.line - 1][problem.col - 1:].startswith(span)


def test_header_rows_and_column_titles_together_are_refused(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "columns: [{title: A}, {title: B}]\n"
                       "header_rows:\n  - [x, y]\nrows:\n  - [a, b]") == [
        "body[0].blocks[0].table.header_rows | header_rows: | give the header either in "
        "header_rows or as the columns' titles, not both"]


def test_a_column_without_a_title_among_titled_ones_is_refused(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "columns:\n  - {title: A}\n  - {width: 2}\n"
                       "rows:\n  - [a, b]") == [
        "body[0].blocks[0].table.columns[1] | {width: 2} | column 2 has no title: give "
        "every column a title, or none for a table without a header row"]


def test_the_cli_reports_a_bad_span_with_file_line_and_field(tmp_path: Path) -> None:
    from .conftest import run_cli

    table, [expected] = BAD["overlap"]
    folder = yaml_report(tmp_path / "r", table)
    result = run_cli("build", str(folder), "--out", str(tmp_path / "out"))
    assert result.returncode != 0
    field, _, message = expected.split(" | ")
    assert f"report.yaml:11:16: {field}: {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------- Markdown


@pytest.mark.parametrize(("row", "what"), [
    ("| a |", "this row has 1 cell, the header 2"),
    ("| a | b | c |", "this row has 3 cells, the header 2"),
    ("| a ||", "'||'"),
    ("| ^^ | b |", "'^^'"),
])
def test_span_like_markdown_table_rows_are_refused(row: str, what: str,
                                                    tmp_path: Path) -> None:
    text = f"Intro.\n\nTable: T\n\n| A | B |\n|---|---|\n| x | y |\n{row}\n"
    folder = write_report(tmp_path / "r", [{"title": "One", "file": "one.md"}])
    (folder / "one.md").write_text(text, "utf-8")
    with pytest.raises(ContentError) as caught:
        prepare(load(folder))
    [problem] = caught.value.problems
    assert problem.file.endswith("one.md") and problem.line == 8
    assert what in problem.message and "'table:' block in report.yaml" in problem.message


# --------------------------------------------------------------- revisions


def test_a_marked_revision_keeps_merged_cells_whole(tmp_path: Path) -> None:
    """A row band (rows joined by a merged cell) added and a cell edited: the marked DOCX
    accepts to the new version and rejects to the old one, and its grid stays whole."""
    old = sample(tmp_path / "v0" / "r")
    new_table = {**ALLOCATION, "rows": [
        *ALLOCATION["rows"][:3],
        [{"text": "Beta", "rowspan": 2}, "C57", "Added work"], ["C58", "More work"],
        [{"text": "Plenary", "colspan": 2}, "Closing words"]]}
    new = write_report(tmp_path / "v1" / "r", [{"title": "Allocation", "text":
                                                "The allocation.",
                                                "blocks": [{"table": new_table},
                                                           {"table": LAYOUT},
                                                           {"table": AFTER}]}])
    docs = [prepare(load(old)), prepare(load(new))]
    files = {}
    for name, doc in (("old", docs[0]), ("new", docs[1]), ("marked", mark(*docs))):
        files[name] = tmp_path / f"{name}.docx"
        files[name].write_bytes(render_docx(doc, TEMPLATE))
    assert texts(files["marked"]) == texts(files["new"])
    assert texts(files["marked"], accept=False) == texts(files["old"])
    allocation = body_tables(files["marked"])[0]
    inserted = [r for r, tr in enumerate(allocation.findall(f"{W}tr"))
                if tr.find(f"{W}trPr/{W}ins") is not None]
    assert inserted == [5, 6]  # the band of "Beta", both rows
    grid = word_grid(allocation)
    assert grid[5][0] == grid[6][0] == "Beta"


# ------------------------------------------------------------ generated layouts


@st.composite
def span_layouts(draw: st.DrawFn) -> tuple[int, list[list[str]]]:
    """A random partition of a grid into rectangles: (width, the grid of cell names)."""
    height, width = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    grid: list[list[str | None]] = [[None] * width for _ in range(height)]
    n = 0
    for r in range(height):
        for c in range(width):
            if grid[r][c] is not None:
                continue
            free = 1
            while c + free < width and grid[r][c + free] is None:
                free += 1
            colspan = draw(st.integers(1, free))
            rowspan = draw(st.integers(1, height - r))
            n += 1
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    grid[rr][cc] = f"K{n}"
    return width, [[str(x) for x in row] for row in grid]


def yaml_rows(grid: list[list[str]]) -> list[list[Any]]:
    """The rows as an author writes them: each cell once, where it starts."""
    seen: set[str] = set()
    rows = []
    for r, row in enumerate(grid):
        out: list[Any] = []
        for c, name in enumerate(row):
            if name in seen:
                continue
            seen.add(name)
            colspan = sum(1 for x in row if x == name)
            rowspan = sum(1 for other in grid[r:] if other[c] == name)
            out.append(name if (colspan, rowspan) == (1, 1)
                       else {"text": name, "colspan": colspan, "rowspan": rowspan})
        rows.append(out)
    return rows


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(layout=span_layouts())
def test_random_span_layouts_give_their_grid_in_the_docx(
        layout: tuple[int, list[list[str]]], tmp_path: Path) -> None:
    width, grid = layout
    folder = write_report(tmp_path / "g", [{"title": "One", "blocks": [{"table": {
        "title": "Generated", "columns": [{"title": f"H{c}"} for c in range(width)],
        "rows": yaml_rows(grid)}}]}])
    docx = tmp_path / "g.docx"
    docx.write_bytes(render_docx(prepare(load(folder)), TEMPLATE))
    [table] = body_tables(docx)
    assert word_grid(table) == [[f"H{c}" for c in range(width)], *grid]


# ------------------------------------------------------------------- pages


def long_allocation(folder: Path) -> Path:
    """Twelve groups of five rows, each group's first cell spanning its rows: a page
    ends inside the sixth group if rows are placed one by one."""
    rows: list[list[Any]] = []
    for g in range(12):
        rows.append([{"text": f"G{g}", "rowspan": 5}, f"R{g}a", "Text"])
        rows.extend([f"R{g}{k}", "Text"] for k in "bcde")
    return write_report(folder, [{"title": "Intro", "text": "Text.", "blocks": [{"table": {
        "title": "Long", "columns": [{}, {}, {}],
        "header_rows": [[{"text": "Group", "rowspan": 2}, {"text": "Details", "colspan": 2}],
                        ["Row", "Wording"]],
        "rows": rows}}]}])


def page_words(pdf: Path) -> list[list[str]]:
    out = subprocess.run([need_tool("pdftotext"), "-layout", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [page.split() for page in out.split("\f")]


def pages_of(pdf: Path, texts: list[str]) -> dict[str, int]:
    pages = page_words(pdf)
    return {t: next(n for n, page in enumerate(pages) if t in page) for t in texts}


def _first_on(pages: dict[str, int]) -> int:
    """The first group on the table's last page."""
    last = max(pages.values())
    return min(g for g in range(12) if pages[f"G{g}"] == last)


def test_rows_joined_by_a_merged_cell_stay_on_one_page(tmp_path: Path) -> None:
    from reportgen.writers.html.render import render_html
    from reportgen.writers.pdf.write import write_pdf

    folder = long_allocation(tmp_path / "long")
    doc = prepare(load(folder))
    docx = tmp_path / "long.docx"
    docx.write_bytes(render_docx(doc, TEMPLATE))
    ours = tmp_path / "long.pdf"
    ours.write_bytes(write_pdf(render_html(doc), report_dir=folder, attachments=(),
                               identifier="0" * 32, created=datetime(2023, 5, 29, tzinfo=UTC)))
    # in the DOCX: each row of a band but the last keeps with the next
    [table] = body_tables(docx)
    keeps = [all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(f"{W}p"))
             for tr in table.findall(f"{W}tr")[2:]]
    assert keeps == [True, True, True, True, False] * 12
    for pdf in (ours, libreoffice_pdf(docx)):
        texts = [t for g in range(12) for t in (f"G{g}", f"R{g}e")]
        pages = pages_of(pdf, texts)
        assert len(set(pages.values())) == 2, (pdf, pages)  # the table does cross a page
        for g in range(12):
            assert pages[f"G{g}"] == pages[f"R{g}e"], (pdf, g, pages)
        # both header rows repeat at the top of the table's second page
        second = page_words(pdf)[max(pages.values())]
        assert second.index("Group") < second.index("Details") < second.index("Row") \
            < second.index("Wording") < second.index(f"R{_first_on(pages)}a"), (pdf, second)


# ------------------------------------------------------------------ review


def test_a_review_of_merged_cells_is_applied_to_their_yaml_text(tmp_path: Path) -> None:
    """A reviewer edits a cell spanning rows, a cell spanning columns and a plain cell:
    each change lands in its cell's YAML text and the rebuilt DOCX shows it."""
    from .conftest import build_into, run_cli
    from .test_review import accepted_texts
    from .word_review import Reviewer

    folder = sample(tmp_path / "content" / "merged")
    built = build_into(folder, tmp_path / "out", "--format", "docx")
    r = Reviewer(built.docx)
    r.insert("Alpha", " group")  # spans three rows
    r.insert("Plenary", " session")  # spans two columns
    r.replace("Terms of reference", "Terms of reference, revised")  # a plain string cell
    reviewed = r.save(tmp_path / "reviewed.docx")
    result = run_cli("review", str(reviewed), "--content", str(folder), "--apply")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": applied: ") == 3, result.stdout
    data = (folder / "report.yaml").read_text("utf-8")
    for text in ("Alpha group", "Plenary session", "Terms of reference, revised"):
        assert f'"{text}"' in data, text
    again = build_into(folder, tmp_path / "again", "--format", "docx")
    assert accepted_texts(again.docx) == accepted_texts(reviewed)
    grid = word_grid(body_tables(again.docx)[0])
    assert [row[0] for row in grid[2:]] == ["Alpha group"] * 3 + ["Plenary session"]


def test_footnotes_in_header_rows_and_merged_cells_keep_reading_order(
        tmp_path: Path) -> None:
    """Notes in a second header row and in a merged cell are numbered in reading order,
    and the anchors list them in that order too (a review finds each at its line)."""
    from reportgen.prepare.anchors import anchors

    table = {**ALLOCATION,
             "header_rows": [ALLOCATION["header_rows"][0], ["Number[^a]", "Title"]],
             "rows": [[{"text": "Alpha[^b]", "rowspan": 3}, "C54", "Quantum proposal"],
                      *ALLOCATION["rows"][1:]]}
    folder = write_report(tmp_path / "r", [{"title": "One", "text": "Before.[^c]\n\n"
                                            "[^c]: First note.\n",
                                            "blocks": [{"table": table}]}])
    text = (folder / "report.yaml").read_text("utf-8")
    (folder / "report.yaml").write_text(text.replace('"Number[^a]"', '"Number[^a]\\n\\n'
                                                     '[^a]: Header note."').replace(
        '"Alpha[^b]"', '"Alpha[^b]\\n\\n[^b]: Cell note."'), "utf-8")
    doc = prepare(load(folder))
    notes = [a for a in anchors(doc) if a.kind == "footnote"]
    assert [a.source_text for a in notes] == ["First note.", "Header note.", "Cell note."]
    table_block = next(b for b in doc.body if isinstance(b, d.Table))
    assert [n.number for row in table_block.all_rows for c in row for n in c.content
            if isinstance(n, d.Footnote)] == [2, 3]
