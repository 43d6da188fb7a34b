"""The grid of a table whose cells span rows and columns.

A row lists only the cells that start in it: a position covered by a cell from an
earlier row (a row span) or from the left (a column span) is not written. ``place``
puts each written cell on the grid and says, row by row and cell by cell, what does not
fit: spans below 1, cells that run past the table, cells that overlap, rows that do not
fill the width. Both the content check and the writers use it, so they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Placed:
    """One written cell on the grid: its row, its first column and its spans."""

    row: int  # 0-based, in the rows given to ``place``
    index: int  # its position in its row's list
    col: int  # 0-based grid column of its left edge
    colspan: int
    rowspan: int


@dataclass(frozen=True)
class GridProblem:
    """What is wrong with a cell (``index`` set) or a whole row (``index`` None)."""

    row: int
    index: int | None
    message: str


def place(rows: Sequence[Sequence[tuple[int, int]]], width: int,
          row_name: str = "row") -> tuple[list[Placed], list[GridProblem]]:
    """Place cells given as ``(colspan, rowspan)`` per row on a grid ``width`` wide.

    Rows and columns are counted from 1 in the messages, where ``row_name`` names a
    row ("row", "header row")."""
    owner: dict[tuple[int, int], tuple[int, int]] = {}  # grid position -> (row, index)
    placed: list[Placed] = []
    problems: list[GridProblem] = []
    height = len(rows)
    for r, row in enumerate(rows):
        col = 0
        for k, (colspan, rowspan) in enumerate(row):
            while (r, col) in owner:
                col += 1
            where = f"{row_name} {r + 1}, cell {k + 1}"
            if colspan < 1 or rowspan < 1:
                bad = "colspan" if colspan < 1 else "rowspan"
                problems.append(GridProblem(r, k, f"{where}: {bad} must be 1 or more, not "
                                            f"{colspan if colspan < 1 else rowspan}"))
                col += 1
                continue
            if col >= width:
                problems.append(GridProblem(r, k, f"{where} is one cell too many: the row is "
                                            f"already {width} columns wide (cells covered "
                                            "by a span from above are not written)"))
                break
            if col + colspan > width:
                problems.append(GridProblem(
                    r, k, f"{where} starts at column {col + 1} and spans {colspan} columns: "
                    f"it runs past column {width}, the table's last"))
                colspan = width - col
            if r + rowspan > height:
                problems.append(GridProblem(
                    r, k, f"{where} spans {rowspan} rows: it runs past the last {row_name} "
                    f"({height})"))
                rowspan = height - r
            clash = next(((rr, cc) for rr in range(r, r + rowspan)
                          for cc in range(col, col + colspan) if (rr, cc) in owner), None)
            if clash is not None:
                orow, oindex = owner[clash]
                problems.append(GridProblem(
                    r, k, f"{where} (columns {col + 1}-{col + colspan}) overlaps {row_name} "
                    f"{orow + 1}, cell {oindex + 1}, which spans into {row_name} {clash[0] + 1}, "
                    f"column {clash[1] + 1}"))
            for rr in range(r, r + rowspan):
                for cc in range(col, col + colspan):
                    owner.setdefault((rr, cc), (r, k))
            placed.append(Placed(r, k, col, colspan, rowspan))
            col += colspan
        filled = sum(1 for c in range(width) if (r, c) in owner)
        if filled < width:
            problems.append(GridProblem(
                r, None, f"{row_name} {r + 1} covers {filled} of the {width} columns: "
                f"{width - filled} missing (add cells or widen a span)"))
    return placed, problems


def has_spans(rows: Sequence[Sequence[tuple[int, int]]]) -> bool:
    """True when a cell spans more than one row or column."""
    return any(span != (1, 1) for row in rows for span in row)


def bands(rows: Sequence[Sequence[tuple[int, int]]]) -> list[range]:
    """The rows grouped so that no row span crosses from one group into the next: the
    smallest pieces a table can lose or gain without breaking a merged cell."""
    out: list[range] = []
    start, reach = 0, 0
    for r, row in enumerate(rows):
        reach = max([reach, r + 1, *(r + rowspan for _, rowspan in row)])
        if reach <= r + 1:
            out.append(range(start, r + 1))
            start = r + 1
    if start < len(rows):
        out.append(range(start, len(rows)))
    return out
