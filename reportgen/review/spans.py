"""Where a block's text lies in its source: each shown character's offset in the
Markdown or YAML text it came from, markup (``*``, ``\\``, a link's address, quotes)
stepped over. Both the listing (a change's exact line in a wrapped value) and --apply
(the characters to edit) stand on it."""

from __future__ import annotations

import re

SKIPPABLE = set("*_\\`[]<>\"'")
LIST_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")


def line_offset(text: str, line: int, col: int = 1) -> int:
    """The offset of ``line``:``col`` (from 1) in ``text``."""
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset + col - 1


def align(plain: str, src: str, start: int) -> list[int] | None:
    """The source offset of each character of ``plain``, reading ``src`` from ``start``
    and stepping over markup; None when the text is not there."""
    positions: list[int] = []
    j = start
    for c in plain:
        if c.isspace():
            if positions and plain[len(positions) - 1].isspace():
                positions.append(positions[-1])
                continue
            while j < len(src) and src[j] in SKIPPABLE and not src[j].isspace():
                j += 1
            if j >= len(src) or not src[j].isspace():
                return None
            positions.append(j)
            while j < len(src) and src[j].isspace():
                j += 1
            continue
        while j < len(src) and src[j] != c:
            if src[j] == "]" and src.startswith("(", j + 1):
                close = src.find(")", j + 2)
                if close < 0:
                    return None
                j = close + 1
            elif src[j] in SKIPPABLE:
                j += 1
            else:
                return None
        if j >= len(src):
            return None
        positions.append(j)
        j += 1
    return positions


def find_text(src: str, line: int, col: int, plain: str) -> list[int] | None:
    """The source offset of each character of ``plain``, a block's text whose origin is
    ``line``:``col`` of ``src``: read from there, past a list item's marker, or from a
    later place where its first word is (a value's text may begin after its key)."""
    if not plain.strip():
        return None
    base = line_offset(src, line, col)
    head = plain.split()[0][:12]
    starts = [base]
    marker = LIST_MARKER.match(src, base)  # a list item's origin is its marker's line
    if marker is not None:
        starts.append(marker.end())
    pos = src.find(head, base)
    while 0 <= pos < base + 20000 and len(starts) < 50:
        starts.append(pos)
        pos = src.find(head, pos + 1)
    for start in starts:
        positions = align(plain, src, start)
        if positions is not None:
            return positions
    return None
