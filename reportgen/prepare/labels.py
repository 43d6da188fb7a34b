"""List labels as Word numbering prints them: counters, patterns and the ITU dash.

The PDF prints these strings and the DOCX asks Word to compute the same ones, so each
counter follows Word's own rules (after "z" come "aa", "bb", … as in Word and
LibreOffice, not "aa", "ab").
"""

from __future__ import annotations

import re

from reportgen.prepare.layout import DASH
from reportgen.tree import ListCounter

__all__ = ["DASH", "FORMAT", "counter_text", "format_label", "markdown_pattern",
           "parse_format"]
ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
         (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
COUNTERS: dict[str, ListCounter] = {
    "1": "decimal", "a": "lower-letter", "A": "upper-letter",
    "i": "lower-roman", "I": "upper-roman",
}


def format_label(pattern: str, counter: ListCounter, n: int) -> str:
    """The printed label of item ``n``: ``format_label("{n})", "lower-letter", 2) == "b)"``."""
    return pattern.replace("{n}", counter_text(counter, n))


def counter_text(counter: ListCounter, n: int) -> str:
    match counter:
        case "decimal":
            return str(n)
        case "lower-letter" | "upper-letter":
            letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
            return letter if counter == "lower-letter" else letter.upper()
        case "lower-roman" | "upper-roman":
            text = ""
            for value, numeral in ROMAN:
                while n >= value:
                    text += numeral
                    n -= value
            return text if counter == "lower-roman" else text.upper()
        case _:
            return DASH


# a counter (1, a, A, i, I) followed by ".", ")" or "-", alone (the numbered paragraphs
# of a circular: "1<tab>text"), or between parentheses
FORMAT = re.compile(r"^(?:\((?P<inner>[1aAiI])\)|(?P<counter>[1aAiI])(?P<punct>[.)-]?))$")
TYPED_PUNCTUATION = (".", ")")  # what a Markdown list marker can choose


def parse_format(fmt: str) -> tuple[ListCounter, str]:
    """``"(a)"`` -> ("lower-letter", "({n})"); ``"1-"`` -> ("decimal", "{n}-")."""
    m = FORMAT.match(fmt)
    if m is None:
        raise ValueError(f"not a list format: {fmt!r}")
    if m.group("inner"):
        return COUNTERS[m.group("inner")], "({n})"
    return COUNTERS[m.group("counter")], "{n}" + m.group("punct")


def markdown_pattern(fmt: str, typed: str) -> tuple[ListCounter, str]:
    """The counter and pattern of a Markdown list at a depth whose format is ``fmt``:
    the format's punctuation, except that ``.`` and ``)`` follow the marker the author
    typed (``1.`` or ``1)``), the only two Markdown knows."""
    counter, pattern = parse_format(fmt)
    if pattern.endswith(TYPED_PUNCTUATION) and not pattern.startswith("(") and typed:
        pattern = pattern[:-1] + typed
    return counter, pattern
