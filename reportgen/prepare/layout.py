"""ITU-T layout values, in one place (itu-style.md §1–§7, §10).

The Word template generator (``templates/make_template.py``), the DOCX writer, the HTML
writer and the print stylesheet all use these numbers. ``templates/report.css`` is a
plain stylesheet and repeats some of them; ``tests/test_layout.py`` checks that it
agrees with this module, so one cannot change without the other.

Lengths are in twips (1/20 pt, Word's unit; ITU's files take 1 cm as 567 tw) and
``cm()`` converts them for CSS. Font sizes are in points and ``half_points()`` converts
them for Word (``w:sz``).
"""

from __future__ import annotations

from typing import NamedTuple

TWIPS_PER_CM = 567


def cm(twips: int) -> float:
    """A length in twips as centimetres, to the 0.01 cm ITU's values are given in."""
    return round(twips / TWIPS_PER_CM, 2)


def half_points(points: float) -> int:
    """A font size in points as Word's half-points."""
    return round(points * 2)


def eighths(points: float) -> int:
    """A rule width in points as Word's eighths of a point (``w:sz`` of a border)."""
    return round(points * 8)


# ------------------------------------------------------------------ page (§6)

PAGE_SIZE = "A4"
PAGE_WIDTH = 11907  # 21.0 cm, portrait
PAGE_HEIGHT = 16840  # 29.7 cm
MARGIN = 1134  # 2.0 cm on all four sides
HEADER_DISTANCE = 567  # 1.0 cm from the page edge to the header (and to the footer)
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN  # 9639 = 17.0 cm
TEXT_WIDTH_CM = cm(TEXT_WIDTH)
TEXT_HEIGHT = PAGE_HEIGHT - 2 * MARGIN  # 25.7 cm
# a figure's picture at most this tall, so that it and its caption fit on one page
FIGURE_MAX_HEIGHT_CM = 20.0


# ------------------------------------------------------- indents, tabs (§2, §10)


class Indent(NamedTuple):
    """A paragraph's left indent and hanging indent, in twips."""

    left: int
    hanging: int

    @property
    def label(self) -> int:
        """Where the number or marker of the first line starts."""
        return self.left - self.hanging


# heading 1-3: number at 0, TAB to 1.40 cm, title and following lines at 1.40 cm
HEADING_INDENT = 794
# enumlev1, enumlev2, enumlev3: marker at 0 / 1.40 / 2.10 cm, text at 1.40 / 2.10 / 2.80 cm
LIST_INDENTS: tuple[Indent, ...] = (Indent(794, 794), Indent(1191, 397), Indent(1588, 397))
# the same, as (marker position, text position) in cm, keyed by list level 1..3
LIST_POSITIONS_CM: dict[int, tuple[float, float]] = {
    level: (cm(indent.label), cm(indent.left))
    for level, indent in enumerate(LIST_INDENTS, start=1)
}
CALL_INDENT = 794  # Call: left 1.40 cm
# TOC 1-3: number at 0 / 1.40 / 2.80 cm, title at 1.40 / 2.80 / 4.20 cm, 6 pt before
# level 1 and 3 pt before the others, the page number right-aligned at the margin
TOC_INDENT = 794
QUOTATION_INDENT = 794  # Quotation: left and right 1.40 cm
NORMAL_TABS = (794, 1191, 1588, 1985)  # Normal: 1.40 / 2.10 / 2.80 / 3.50 cm
DEFAULT_TAB_STOP = 794
# footnote text: the number at 0, TAB to 0.45 cm, the text and its next lines at 0.45 cm
FOOTNOTE_INDENT = 255
# the rule above a page's notes: Word's footnote separator is about two inches long
FOOTNOTE_SEPARATOR = 2880


# ----------------------------------------------------------------- fonts (§9, §10)

FONT_LATIN = "Times New Roman"
FONT_EAST_ASIA = "SimSun"

# sizes in points
SIZE_BODY = 12  # Normal, headings, Heading_b, Call, enumlev, captions, end mark
SIZE_SMALL = 11  # Note, Table_head, Table_text, Table_legend
SIZE_HEADER = 9  # the running header
SIZE_ANNEX_TITLE = 14  # Annex_NoTitle
SIZE_DOCNUMBER = 20  # Docnumber
SIZE_FOOTNOTE_REFERENCE = 9  # a footnote's number, in the text and before the note
FOOTNOTE_REFERENCE_RAISE = 3  # … raised by 3 pt (footnote text itself: SIZE_SMALL)
# the masthead of page 1 (§1.2)
SIZE_MASTHEAD_UNION = 8  # INTERNATIONAL TELECOMMUNICATION UNION
SIZE_MASTHEAD_SECTOR = 13  # TELECOMMUNICATION STANDARDIZATION SECTOR, bold
SIZE_MASTHEAD_PERIOD = 10  # STUDY PERIOD 2017-2020
SIZE_MASTHEAD_NUMBER = 16  # TSAG-TD446, bold
SIZE_MASTHEAD_GROUP = 14  # TSAG, bold


# ------------------------------------------------------------ cover block (§1.2-1.3)

# label column | middle column | right column (the rest of the text width). Label
# 2.80 cm: "Question(s):" in 12 pt bold needs ~2.6 cm with the cell margins. Middle
# 7.10 cm: the 8 pt "INTERNATIONAL TELECOMMUNICATION UNION" fits on one line and the
# 13 pt Sector name breaks into exactly two lines.
COVER_LABEL_WIDTH = 1588
COVER_MIDDLE_WIDTH = 4024
COVER_RIGHT_WIDTH = TEXT_WIDTH - COVER_LABEL_WIDTH - COVER_MIDDLE_WIDTH
COVER_ROW_HEIGHT = 357  # at least 0.63 cm
CELL_MARGIN = 108  # left and right cell margin, 0.19 cm (Word's default)
COVER_RULE_PT = 1.5  # the horizontal rules of the cover block
TABLE_RULE_PT = 0.5  # the grid of data tables


# ------------------------------------------------------- text conventions (§2-§7)

DASH = "\u2013"  # en dash: list markers, "NOTE – ", captions
TABLE_CAPTION = f"Table {{n}} {DASH} {{title}}"
FIGURE_CAPTION = f"Figure {{n}} {DASH} {{title}}"
END_MARK = "_" * 20  # the centred line that ends the document (§7)


def table_caption(number: str | int, title: str) -> str:
    """``Table 1 – Title``: the text of a table's caption."""
    return TABLE_CAPTION.format(n=number, title=title)


def figure_caption(number: str | int, title: str) -> str:
    """``Figure 1 – Title``: the text of a figure's caption."""
    return FIGURE_CAPTION.format(n=number, title=title)
