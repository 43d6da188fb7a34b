"""How wide a text is when printed: the advance widths of the bundled Liberation Serif
(the metrics of Times New Roman, which the DOCX names), so that a column can be given
the width its longest label needs in Word, LibreOffice and the PDF alike.
"""

from __future__ import annotations

from functools import cache

from reportgen.paths import fonts_dir

# a character the Latin font lacks: a CJK ideograph is one em wide, anything else is
# taken as 0.6 em (a generous average of Arabic and other scripts)
_WIDE = 0x2E80


@cache
def _advances(bold: bool) -> tuple[dict[int, int], int]:
    """Each character's advance in font units, and the font's units per em."""
    from fontTools.ttLib import TTFont

    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    font = TTFont(fonts_dir() / name, lazy=True)
    metrics = font["hmtx"].metrics
    advances = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
    return advances, int(font["head"].unitsPerEm)


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
