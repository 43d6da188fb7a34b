"""What Word prints as paragraph labels, computed from a DOCX's numbering.xml.

A small, independent evaluator of WordprocessingML numbering (ECMA-376 §17.9): each
numbered paragraph's level, its counter (starts, start overrides, restarts after a
higher level) and its level text. Tests compare its labels with the document tree's and
with what LibreOffice renders, so a difference between the DOCX and the PDF shows up
without opening Word.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
         (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


@dataclass(frozen=True)
class Level:
    start: int
    fmt: str
    text: str


@dataclass(frozen=True)
class Num:
    abstract: int
    start_overrides: dict[int, int]


@dataclass(frozen=True)
class Numbered:
    """One numbered paragraph: its label as Word prints it and its own text."""

    label: str
    text: str
    ilvl: int
    style: str


@dataclass
class _Counters:
    values: dict[int, int | None] = field(default_factory=dict)
    started: set[int] = field(default_factory=set)  # levels whose override was applied


def format_number(n: int, fmt: str) -> str:
    match fmt:
        case "decimal":
            return str(n)
        case "lowerLetter" | "upperLetter":
            text = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
            return text if fmt == "lowerLetter" else text.upper()
        case "lowerRoman" | "upperRoman":
            out = ""
            for value, numeral in ROMAN:
                while n >= value:
                    out += numeral
                    n -= value
            return out if fmt == "lowerRoman" else out.upper()
        case "none":
            return ""
    raise ValueError(f"number format {fmt!r} not handled")


def _val(el: etree._Element | None, default: str = "") -> str:
    return default if el is None else el.get(f"{W}val", default)


def read_numbering(root: etree._Element) -> tuple[dict[int, dict[int, Level]], dict[int, Num]]:
    abstracts: dict[int, dict[int, Level]] = {}
    for a in root.iter(f"{W}abstractNum"):
        levels = {}
        for lvl in a.findall(f"{W}lvl"):
            levels[int(lvl.get(f"{W}ilvl", "0"))] = Level(
                int(_val(lvl.find(f"{W}start"), "0")), _val(lvl.find(f"{W}numFmt"), "decimal"),
                _val(lvl.find(f"{W}lvlText")))
        abstracts[int(a.get(f"{W}abstractNumId", "0"))] = levels
    nums = {}
    for num in root.iter(f"{W}num"):
        overrides = {}
        for o in num.findall(f"{W}lvlOverride"):
            start = o.find(f"{W}startOverride")
            if start is not None:
                overrides[int(o.get(f"{W}ilvl", "0"))] = int(_val(start, "0"))
        nums[int(num.get(f"{W}numId", "0"))] = Num(int(_val(num.find(f"{W}abstractNumId"))),
                                                   overrides)
    return abstracts, nums


def _style_numbering(styles: etree._Element) -> dict[str, tuple[int, int]]:
    """numId and ilvl that paragraph styles carry (through basedOn)."""
    own: dict[str, tuple[int | None, int | None]] = {}
    based: dict[str, str] = {}
    for s in styles.iter(f"{W}style"):
        sid = s.get(f"{W}styleId", "")
        num_pr = s.find(f"{W}pPr/{W}numPr")
        if num_pr is not None:
            num_id = num_pr.find(f"{W}numId")
            ilvl = num_pr.find(f"{W}ilvl")
            own[sid] = (int(_val(num_id)) if num_id is not None else None,
                        int(_val(ilvl)) if ilvl is not None else None)
        parent = s.find(f"{W}basedOn")
        if parent is not None:
            based[sid] = _val(parent)
    out = {}
    for sid in set(own) | set(based):
        num_id, ilvl, cur, seen = None, None, sid, set()
        while cur and cur not in seen:
            seen.add(cur)
            n, i = own.get(cur, (None, None))
            num_id = num_id if num_id is not None else n
            ilvl = ilvl if ilvl is not None else i
            cur = based.get(cur, "")
        if num_id:
            out[sid] = (num_id, ilvl or 0)
    return out


def paragraph_text(p: etree._Element) -> str:
    parts = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br"):
        parts.append((el.text or "") if el.tag == f"{W}t" else " ")
    return "".join(parts)


def word_labels(docx: Path) -> list[Numbered]:
    """Every numbered paragraph of the body, in order, with the label Word gives it."""
    with zipfile.ZipFile(docx) as z:
        document = etree.fromstring(z.read("word/document.xml"))
        numbering = etree.fromstring(z.read("word/numbering.xml")) \
            if "word/numbering.xml" in z.namelist() else None
        styles = etree.fromstring(z.read("word/styles.xml"))
    if numbering is None:
        return []
    abstracts, nums = read_numbering(numbering)
    by_style = _style_numbering(styles)
    counters: dict[object, _Counters] = {}
    out = []
    for p in document.iter(f"{W}p"):
        style = _val(p.find(f"{W}pPr/{W}pStyle"))
        num_pr = p.find(f"{W}pPr/{W}numPr")
        if num_pr is not None:
            num_id = int(_val(num_pr.find(f"{W}numId"), "0"))
            ilvl = int(_val(num_pr.find(f"{W}ilvl"), "0"))
        elif style in by_style:
            num_id, ilvl = by_style[style]
        else:
            continue
        if num_id == 0 or num_id not in nums:
            continue
        num = nums[num_id]
        levels = abstracts[num.abstract]
        # Instances with start overrides count on their own; others share the abstract.
        key: object = num_id if num.start_overrides else ("abstract", num.abstract)
        state = counters.setdefault(key, _Counters())

        def start_of(level: int, num: Num = num, levels: dict[int, Level] = levels) -> int:
            return num.start_overrides.get(level, levels[level].start if level in levels else 1)

        current = state.values.get(ilvl)
        state.values[ilvl] = start_of(ilvl) if current is None else current + 1
        for deeper in [k for k in state.values if k > ilvl]:
            state.values[deeper] = None
        level = levels[ilvl]
        if level.fmt == "bullet":
            label = level.text
        else:
            label = level.text
            for k in range(9, -1, -1):  # %10 is not a thing; replace %9 .. %1
                token = f"%{k + 1}"
                if token in label:
                    value = state.values.get(k)
                    number = value if value is not None else start_of(k)
                    fmt = levels[k].fmt if k in levels else "decimal"
                    label = label.replace(token, format_number(number, fmt))
        out.append(Numbered(label, paragraph_text(p), ilvl, style))
    return out
