"""The labels Word prints before numbered paragraphs, from ``numbering.xml``.

ECMA-376 §17.9: a paragraph's ``w:numPr`` (or its style's) names a list instance
(``w:num``) and a level; the instance points to an abstract definition (``w:abstractNum``,
possibly through a numbering style, ``w:numStyleLink``) whose levels give the start, the
number format and the level text (``%1.%2``). How counters are shared:

- an instance with start overrides (``w:lvlOverride/w:startOverride``) has counters of
  its own, which begin, when it is first used, from the counters then current for its
  definition, the overridden levels restarting;
- an instance without overrides continues the counters last used for its definition
  (as LibreOffice writes a list: one instance with an override where it starts, others
  without where it goes on);
- a level restarts when a higher level is counted, unless ``w:lvlRestart`` says
  otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from reportgen.prepare.labels import counter_text
from reportgen.read.styles import Styles
from reportgen.tree import ListCounter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_COUNTER = 10**6


@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"  # decimal, lowerLetter, upperLetter, lowerRoman, upperRoman, bullet, none…
    text: str = "%1."  # the level text: "%1)", "(%1)", "%1.%2", "–"
    restart: int | None = None  # w:lvlRestart: restart after this level (1-based); 0 never
    style: str = ""  # w:pStyle: the paragraph style linked to this level
    legal: bool = False  # w:isLgl: every number in decimal


@dataclass(frozen=True)
class Label:
    """What Word prints before one paragraph."""

    num_id: int
    ilvl: int
    abstract: int
    level: Level
    value: int  # this level's counter
    text: str  # the label: "1.2", "b)", "–"

    @property
    def bullet(self) -> bool:
        return self.level.fmt == "bullet"


WORD_COUNTERS: dict[str, ListCounter] = {
    "lowerLetter": "lower-letter", "upperLetter": "upper-letter",
    "lowerRoman": "lower-roman", "upperRoman": "upper-roman"}


def format_number(n: int, fmt: str) -> str:
    """Item ``n`` in a Word number format (unknown formats print as decimal); letters
    and numerals by the same rules the writers follow (``prepare.labels``)."""
    if fmt in WORD_COUNTERS and n > 0:
        return counter_text(WORD_COUNTERS[fmt], n)
    match fmt:
        case "none":
            return ""
        case "decimalZero":
            return f"{n:02d}"
    return str(n)


def _val(el: etree._Element | None, default: str = "") -> str:
    return default if el is None else el.get(f"{W}val", default)


def _int(text: str, default: int = 0) -> int:
    try:
        return max(-MAX_COUNTER, min(MAX_COUNTER, int(text)))
    except ValueError:
        return default


def _level(lvl: etree._Element) -> Level:
    restart = lvl.find(f"{W}lvlRestart")
    return Level(
        start=_int(_val(lvl.find(f"{W}start"), "0"), 0),
        fmt=_val(lvl.find(f"{W}numFmt"), "decimal"),
        text=_val(lvl.find(f"{W}lvlText"), ""),
        restart=_int(_val(restart), 0) if restart is not None else None,
        style=_val(lvl.find(f"{W}pStyle")),
        legal=lvl.find(f"{W}isLgl") is not None,
    )


@dataclass
class _Counters:
    values: dict[int, int | None] = field(default_factory=dict)
    starts: dict[int, int] = field(default_factory=dict)  # overridden starts


@dataclass
class _Num:
    abstract: int
    overrides: dict[int, int]
    levels: dict[int, Level]


class Numbering:
    """Computes the label of each numbered paragraph, in document order."""

    def __init__(self, root: etree._Element | None, styles: Styles) -> None:
        self.styles = styles
        self.abstracts: dict[int, dict[int, Level]] = {}
        self.links: dict[int, str] = {}  # abstract -> numbering style it takes levels from
        self.nums: dict[int, _Num] = {}
        self.own: dict[int, _Counters] = {}  # num id -> its counters (instances with overrides)
        self.current: dict[int, _Counters] = {}  # abstract -> counters last used
        self.style_levels: dict[str, tuple[int, int]] = {}  # style id -> (abstract, ilvl)
        if root is None:
            return
        for a in root.iter(f"{W}abstractNum"):
            abs_id = _int(a.get(f"{W}abstractNumId", "0"))
            self.abstracts[abs_id] = {_int(lvl.get(f"{W}ilvl", "0")): _level(lvl)
                                      for lvl in a.findall(f"{W}lvl")}
            link = a.find(f"{W}numStyleLink")
            if link is not None:
                self.links[abs_id] = _val(link)
        for num in root.iter(f"{W}num"):
            overrides: dict[int, int] = {}
            replaced: dict[int, Level] = {}
            for o in num.findall(f"{W}lvlOverride"):
                ilvl = _int(o.get(f"{W}ilvl", "0"))
                start = o.find(f"{W}startOverride")
                if start is not None:
                    overrides[ilvl] = _int(_val(start, "0"))
                lvl = o.find(f"{W}lvl")
                if lvl is not None:
                    replaced[ilvl] = _level(lvl)
            abs_id = _int(_val(num.find(f"{W}abstractNumId"), "0"))
            self.nums[_int(num.get(f"{W}numId", "0"))] = _Num(abs_id, overrides, replaced)
        for abs_id in list(self.links):
            target = self._linked(abs_id)
            if target is not None:
                self.abstracts[abs_id] = self.abstracts.get(target, {})
                self.links[abs_id] = ""
        for abs_id, levels in self.abstracts.items():
            for ilvl, level in levels.items():
                if level.style:
                    self.style_levels.setdefault(level.style, (abs_id, ilvl))

    def _linked(self, abs_id: int) -> int | None:
        """The abstract definition a numbering style link leads to."""
        num_id, _ = self.styles.numbering(self.links[abs_id])
        num = self.nums.get(num_id or -1)
        if num is None or num.abstract == abs_id:
            return None
        return num.abstract

    def levels(self, num_id: int) -> dict[int, Level]:
        num = self.nums[num_id]
        return {**self.abstracts.get(num.abstract, {}), **num.levels}

    def label(self, num_pr: etree._Element | None, style_id: str) -> Label | None:
        """The label of the next paragraph, given its ``w:numPr`` and style; None for a
        paragraph that is not numbered."""
        num_id: int | None = None
        ilvl: int | None = None
        if num_pr is not None:
            n = num_pr.find(f"{W}numId")
            i = num_pr.find(f"{W}ilvl")
            num_id = _int(_val(n), 0) if n is not None else None
            ilvl = _int(_val(i), 0) if i is not None else None
        if num_id is None or ilvl is None:
            s_num, s_ilvl = self.styles.numbering(style_id)
            num_id = s_num if num_id is None else num_id
            if ilvl is None:
                linked = self.style_levels.get(style_id)
                ilvl = s_ilvl if s_ilvl is not None else linked[1] if linked else 0
        if not num_id or num_id not in self.nums or not 0 <= ilvl <= 8:
            return None
        num = self.nums[num_id]
        levels = self.levels(num_id)
        if ilvl not in levels:
            return None
        counters = self.counters(num_id, num)
        value = counters.values.get(ilvl)
        start = counters.starts.get(ilvl, levels[ilvl].start)
        counters.values[ilvl] = start if value is None else min(value + 1, MAX_COUNTER)
        for deeper in range(ilvl + 1, 9):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or restart >= ilvl + 1:
                counters.values[deeper] = None
                counters.starts.pop(deeper, None)
        level = levels[ilvl]
        return Label(num_id, ilvl, num.abstract, level, counters.values[ilvl] or 0,
                     self.text(level, levels, counters))

    def counters(self, num_id: int, num: _Num) -> _Counters:
        if not num.overrides:
            return self.current.setdefault(num.abstract, _Counters())
        own = self.own.get(num_id)
        if own is None:
            base = self.current.get(num.abstract, _Counters())
            own = _Counters(dict(base.values), dict(base.starts))
            for ilvl, start in num.overrides.items():
                own.values[ilvl] = None
                own.starts[ilvl] = start
            self.own[num_id] = own
        self.current[num.abstract] = own
        return own

    @staticmethod
    def text(level: Level, levels: dict[int, Level], counters: _Counters) -> str:
        if level.fmt == "bullet":
            return level.text
        label = level.text
        for k in range(8, -1, -1):
            token = f"%{k + 1}"
            if token in label:
                value = counters.values.get(k)
                other = levels.get(k, Level())
                number = value if value is not None else counters.starts.get(k, other.start)
                fmt = "decimal" if level.legal and other.fmt != "none" else other.fmt
                label = label.replace(token, format_number(number, fmt))
        return label
