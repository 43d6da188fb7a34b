"""List labels as Word numbering prints them: counters, patterns and the ITU dash.

The PDF prints these strings and the DOCX asks Word to compute the same ones, so each
counter follows Word's own rules (after "z" come "aa", "bb", … as in Word and
LibreOffice, not "aa", "ab").
"""

from __future__ import annotations

from .document import ListCounter
from .layout import DASH

__all__ = ["DASH", "counter_text", "format_label", "parse_format"]
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


def parse_format(fmt: str) -> tuple[ListCounter, str]:
    """``"(a)"`` -> ("lower-letter", "({n})")."""
    core = fmt.strip("().")
    return COUNTERS[core], fmt.replace(core, "{n}", 1)
