"""One home for the ITU layout values: reportgen/prepare/layout.py.

The print stylesheet (templates/report.css) is plain CSS and repeats some of those
values; each one is read from the parsed stylesheet here and compared with layout.py,
so changing either alone fails. The Word template is generated from layout.py (and
test_template.py checks the template is not stale); prepare takes the dash, captions and
end mark from it, and the prepared reports are checked to follow them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest
import tinycss2

from reportgen import tree as d
from reportgen.content.load import load
from reportgen.prepare import labels, layout
from reportgen.prepare.tree import prepare

from .conftest import ROOT, SECOND, SEED

CSS = ROOT / "templates" / "report.css"
PT_PER_CM = 72 / 2.54
Length = tuple[float, str]


def parse_rules(css: str) -> dict[str, dict[str, list[Any]]]:
    """Declarations by single selector (later rules win), with ``@page`` and its margin
    boxes as ``"@page"`` and ``"@page @top-center"``; ``@font-face`` is left out."""
    rules: dict[str, dict[str, list[Any]]] = {}

    def add(selectors: list[str], content: list[Any]) -> None:
        for item in tinycss2.parse_declaration_list(content, skip_comments=True,
                                                    skip_whitespace=True):
            if item.type == "declaration":
                for selector in selectors:
                    rules.setdefault(selector, {})[item.lower_name] = item.value
            elif item.type == "at-rule" and item.content is not None:
                add([f"{s} @{item.lower_at_keyword}" for s in selectors], item.content)

    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        prelude = " ".join(tinycss2.serialize(getattr(rule, "prelude", [])).split())
        if rule.type == "qualified-rule":
            add([" ".join(s.split()) for s in prelude.split(",")], rule.content)
        elif rule.type == "at-rule" and rule.lower_at_keyword == "page":
            add([f"@page {prelude}".strip()], rule.content)
    return rules


RULES = parse_rules(CSS.read_text(encoding="utf-8"))


def lengths(selector: str, prop: str) -> list[Length]:
    """The numbers of a declaration with their units ("" for a bare number)."""
    assert selector in RULES, f"report.css has no rule for {selector!r}"
    assert prop in RULES[selector], f"report.css: {selector} has no {prop}"
    out: list[Length] = []
    for token in RULES[selector][prop]:
        if token.type == "dimension":
            out.append((float(token.value), token.unit.lower()))
        elif token.type == "number":
            out.append((float(token.value), ""))
    return out


def cm(twips: int) -> Length:
    return (layout.cm(twips), "cm")


def pt(points: float) -> Length:
    return (float(points), "pt")


# (selector, property, position in the value, expected)
CSS_VALUES: list[tuple[str, str, int, Length]] = [
    ("@page", "margin", 0, cm(layout.MARGIN)),
    ("@page @top-center", "padding-top", 0, cm(layout.HEADER_DISTANCE)),
    ("@page @top-center", "font-size", 0, pt(layout.SIZE_HEADER)),
    ("html", "font-size", 0, pt(layout.SIZE_BODY)),
    ("h1", "font-size", 0, pt(layout.SIZE_BODY)),
    ("h3", "font-size", 0, pt(layout.SIZE_BODY)),
    ("h1", "padding-left", 0, cm(layout.HEADING_INDENT)),
    ("h1", "text-indent", 0, (-layout.cm(layout.HEADING_INDENT), "cm")),
    ("h2 .num", "min-width", 0, cm(layout.HEADING_INDENT)),
    ("p.quotation", "margin-left", 0, cm(layout.QUOTATION_INDENT)),
    ("p.quotation", "margin-right", 0, cm(layout.QUOTATION_INDENT)),
    ("span.tab", "min-width", 0, cm(layout.NORMAL_TABS[0])),
    ("p.note", "font-size", 0, pt(layout.SIZE_SMALL)),
    ("table.data", "font-size", 0, pt(layout.SIZE_SMALL)),
    ("table.data td", "border", 0, pt(layout.TABLE_RULE_PT)),
    # Word's cell margin from the grid line, less the half border inside the cell
    ("table.data td", "padding", 1,
     (round(layout.cm(layout.CELL_MARGIN) * PT_PER_CM - layout.TABLE_RULE_PT / 2, 2), "pt")),
    ("h1.annex-title", "font-size", 0, pt(layout.SIZE_ANNEX_TITLE)),
    ("p.itu", "font-size", 0, pt(layout.SIZE_MASTHEAD_UNION)),
    ("p.sector", "font-size", 0, pt(layout.SIZE_MASTHEAD_SECTOR)),
    ("p.period", "font-size", 0, pt(layout.SIZE_MASTHEAD_PERIOD)),
    ("p.docnumber", "font-size", 0, pt(layout.SIZE_MASTHEAD_NUMBER)),
    ("p.group", "font-size", 0, pt(layout.SIZE_MASTHEAD_GROUP)),
    ("table.masthead col.c-logo", "width", 0, cm(layout.COVER_LABEL_WIDTH)),
    ("table.masthead col.c-org", "width", 0, cm(layout.COVER_MIDDLE_WIDTH)),
    ("col.c-label", "width", 0, cm(layout.COVER_LABEL_WIDTH)),
    ("table.header col.c-mid", "width", 0, cm(layout.COVER_MIDDLE_WIDTH)),
    ("table.masthead td", "padding", 1, cm(layout.CELL_MARGIN)),
    ("table.header td", "padding", 1, cm(layout.CELL_MARGIN)),
    ("table.header tr", "height", 0, cm(layout.COVER_ROW_HEIGHT)),
    ("table.header tr.question > *", "border-top", 0, pt(layout.COVER_RULE_PT)),
    ("table.header tr.title > *", "border-bottom", 0, pt(layout.COVER_RULE_PT)),
    ("table.header tr.last-contact > *", "border-bottom", 0, pt(layout.COVER_RULE_PT)),
    ("span.footnote", "font-size", 0, pt(layout.SIZE_SMALL)),
    ("span.footnote", "padding-left", 0, cm(layout.FOOTNOTE_INDENT)),
    ("@page @footnote", "margin-right", 0,
     cm(layout.TEXT_WIDTH - layout.FOOTNOTE_SEPARATOR)),
    ("span.footnote", "margin-right", 0,
     (-layout.cm(layout.TEXT_WIDTH - layout.FOOTNOTE_SEPARATOR), "cm")),
    ("span.footnote", "text-indent", 0, (-layout.cm(layout.FOOTNOTE_INDENT), "cm")),
    ("span.footnote::footnote-marker", "min-width", 0, cm(layout.FOOTNOTE_INDENT)),
    ("span.footnote::footnote-call", "font-size", 0, pt(layout.SIZE_FOOTNOTE_REFERENCE)),
    ("span.footnote::footnote-call", "vertical-align", 0,
     pt(layout.FOOTNOTE_REFERENCE_RAISE)),
    ("span.footnote::footnote-marker", "font-size", 0, pt(layout.SIZE_FOOTNOTE_REFERENCE)),
    ("span.footnote::footnote-marker", "vertical-align", 0,
     pt(layout.FOOTNOTE_REFERENCE_RAISE)),
]


@pytest.mark.parametrize(("selector", "prop", "index", "expected"), CSS_VALUES,
                         ids=[f"{s} {p}" for s, p, _, _ in CSS_VALUES])
def test_stylesheet_agrees_with_layout(selector: str, prop: str, index: int,
                                       expected: Length) -> None:
    found = lengths(selector, prop)
    assert len(found) > index, f"{selector} {prop}: {found}"
    value, unit = found[index]
    assert unit == expected[1], f"{selector} {prop}: unit {unit!r}, layout.py gives {expected}"
    assert value == pytest.approx(expected[0], abs=0.005), (
        f"report.css {selector} {prop} is {value}{unit}; layout.py gives "
        f"{expected[0]}{expected[1]}")


def test_stylesheet_page_size_is_the_layout_page() -> None:
    assert [t.value for t in RULES["@page"]["size"] if t.type == "ident"] == [layout.PAGE_SIZE]
    a4_mm = {"A4": (210, 297)}[layout.PAGE_SIZE]
    assert (layout.cm(layout.PAGE_WIDTH) * 10, layout.cm(layout.PAGE_HEIGHT) * 10) == a4_mm


def test_the_checks_above_would_see_a_changed_value() -> None:
    changed = CSS.read_text(encoding="utf-8").replace("margin: 2cm;", "margin: 2.5cm;", 1)
    assert parse_rules(changed)["@page"]["margin"] != RULES["@page"]["margin"]
    assert lengths("@page", "margin") == [cm(layout.MARGIN)]


def test_derived_values() -> None:
    assert layout.TEXT_WIDTH == layout.PAGE_WIDTH - 2 * layout.MARGIN == 9639
    assert layout.TEXT_WIDTH_CM == 17.0
    assert (layout.COVER_LABEL_WIDTH + layout.COVER_MIDDLE_WIDTH + layout.COVER_RIGHT_WIDTH
            == layout.TEXT_WIDTH)
    # enumlev n: the marker where the text of level n-1 starts, the text 0.70 cm further
    assert layout.LIST_POSITIONS_CM == {1: (0.0, 1.4), 2: (1.4, 2.1), 3: (2.1, 2.8)}
    assert layout.half_points(layout.SIZE_SMALL) == 22
    assert layout.eighths(layout.COVER_RULE_PT) == 12


def test_caption_formats() -> None:
    assert layout.table_caption(1, "Allocation of {x}") == "Table 1 \u2013 Allocation of {x}"
    assert layout.figure_caption("A.2", "Concept") == "Figure A.2 \u2013 Concept"


def _tables(node: Any) -> Iterator[d.Table]:
    if isinstance(node, d.Table):
        yield node
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            yield from _tables(getattr(node, f.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _tables(item)


@pytest.mark.parametrize("report", [SEED, SECOND], ids=lambda p: p.name)
def test_prepared_text_conventions_are_the_layout_ones(report: Any) -> None:
    doc = prepare(load(report))
    pattern = re.escape(layout.TABLE_CAPTION).replace(r"\{n\}", r"(\d+)")
    pattern = pattern.replace(r"\{title\}", r"\S.*")
    tables = list(_tables(doc))
    assert tables
    for table in tables:
        match = re.fullmatch(pattern, table.caption)
        assert match, table.caption
        assert int(match.group(1)) == table.number
    assert doc.end_mark == layout.END_MARK
    assert labels.DASH == layout.DASH


@pytest.mark.parametrize("bold", [False, True])
def test_the_width_table_is_the_bundled_fonts(bold: bool) -> None:
    """The advance widths a cover's label column is measured with are those of the font
    files themselves (the table is regenerated with ``python -m reportgen.prepare.measure``
    when a font changes)."""
    from reportgen.paths import fonts_dir
    from reportgen.prepare import measure

    assert measure._advances(bold) == measure.read_font(fonts_dir() / measure.FONT_FILES[bold])


def test_the_width_table_module_is_what_the_generator_writes() -> None:
    from pathlib import Path

    from reportgen.prepare import measure

    written = (Path(measure.__file__).parent / "advances.py").read_text(encoding="utf-8")
    assert written == measure.table_source()
