"""How wide a text is when printed: the advance widths of the bundled Liberation Serif
(the metrics of Times New Roman, which the DOCX names), so that a column can be given
the width its longest label needs in Word, LibreOffice and the PDF alike.

The widths come from ``advances.py``, a table read once from the bundled fonts by
``python -m reportgen.prepare.measure`` (reading them with fontTools in every build cost
more than the rest of preparing); a test checks the table against the fonts.
"""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path

from reportgen.paths import fonts_dir

# a character the Latin font lacks: a CJK ideograph is one em wide, anything else is
# taken as 0.6 em (a generous average of Arabic and other scripts)
_WIDE = 0x2E80

FONT_FILES = {False: "LiberationSerif-Regular.ttf", True: "LiberationSerif-Bold.ttf"}


def read_font(path: Path) -> tuple[dict[int, int], int]:
    """Each character's advance in font units, and units per em, read from the font."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    metrics = font["hmtx"].metrics
    advances = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
    return advances, int(font["head"].unitsPerEm)


def runs(advances: dict[int, int]) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """The table as runs of consecutive characters: (first code, their advances)."""
    out: list[tuple[int, list[int]]] = []
    for code in sorted(advances):
        if out and out[-1][0] + len(out[-1][1]) == code:
            out[-1][1].append(advances[code])
        else:
            out.append((code, [advances[code]]))
    return tuple((start, tuple(values)) for start, values in out)


@cache
def _advances(bold: bool) -> tuple[dict[int, int], int]:
    """Each character's advance in font units, and the font's units per em."""
    from reportgen.prepare import advances as table

    advances = {start + i: value
                for start, values in (table.BOLD if bold else table.REGULAR)
                for i, value in enumerate(values)}
    return advances, table.UNITS_PER_EM[bold]


def text_width_twips(text: str, size_pt: float, bold: bool = False) -> int:
    """The width of ``text`` on one line, in twips (rounded up)."""
    advances, per_em = _advances(bold)
    units = 0.0
    for char in text:
        code = ord(char)
        if code in advances:
            units += advances[code]
        else:
            units += per_em * (1.0 if code >= _WIDE else 0.6)
    return -(-int(units * size_pt * 20) // per_em)


def table_source() -> str:
    """The text of ``advances.py``, read from the bundled fonts."""
    regular, regular_em = read_font(fonts_dir() / FONT_FILES[False])
    bold, bold_em = read_font(fonts_dir() / FONT_FILES[True])

    def lines(name: str, table: dict[int, int]) -> str:
        body = "".join(f"    ({start}, (\n" + textwrap.fill(
            ", ".join(map(str, values)) + ",", 92, initial_indent=" " * 8,
            subsequent_indent=" " * 8) + "\n    )),\n" for start, values in runs(table))
        return f"{name} = (\n{body})\n"

    return ('"""Advance widths of the bundled Liberation Serif, in font units, as runs of '
            'consecutive\ncharacters: (first code point, advances). Written by '
            '``python -m reportgen.prepare.measure``\nfrom the fonts in assets/fonts; do not '
            'edit."""\n\n'
            f"UNITS_PER_EM = {{False: {regular_em}, True: {bold_em}}}\n"
            + lines("REGULAR", regular) + lines("BOLD", bold))


if __name__ == "__main__":
    (Path(__file__).parent / "advances.py").write_text(table_source(), encoding="utf-8")
