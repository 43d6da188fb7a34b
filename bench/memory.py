"""Peak resident memory of a whole build's process tree at the content limits.

    .venv/bin/python bench/memory.py                           # every dimension, its sizes
    .venv/bin/python bench/memory.py --dims rows --sizes 1000,2000
    .venv/bin/python bench/memory.py --reportgen /path/to/other/reportgen

Builds reports made by bench/scale.py (``rows``: one Markdown table of N rows;
``clauses``: N clauses in report.yaml; ``markdown``: one Markdown file of S bytes) with
``reportgen build --format all`` (the DOCX in the build's process, the PDF in its side
process, as a user's build runs), and samples every 20 ms the resident memory (VmRSS) of
the build's process and all its descendants, summed, and their proportional set size
(PSS: a page a forked process shares with its parent counted once, in shares, not twice
as the RSS sum counts it). The peak of the PSS sum is the figure held against the
300 MB budget, beside the peak of the RSS sum and the largest single process
(its ``VmHWM``). A size the
content limits refuse is shown as refused, with the message. Prints a Markdown table and
writes bench/results/memory.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(BENCH))

from scale import HEADER, LIMIT, Sized, make  # noqa: E402

SIZES = {
    "rows": [1000, 2000, 3000, 4000],
    "cells": [1000, 2000, 4000],
    "clauses": [1000, 2000, 5000],
    "markdown": [100_000, 200_000, 500_000, 1_048_576],
}
BUDGET_MIB = 300.0
INTERVAL = 0.02


def make_report(dim: str, size: int, work: Path) -> Sized:
    """bench/scale.py's reports, and ``cells``: tables of one-character cells (four a
    row, 1 000 rows a table), N rows in all: the most boxes a character of text makes."""
    if dim != "cells":
        return make(dim, size, work)
    folder = work / f"cells-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    tables, left = [], size
    while left > 0:
        n = min(left, 1000)
        tables.append(f"Table: Short cells {len(tables) + 1}\n\n| A | B | C | D |\n"
                      "|---|---|---|---|\n" + "| a | b | c | d |\n" * n)
        left -= n
    (folder / "cells.md").write_text("\n".join(tables), "utf-8")
    yaml = HEADER.format(title=f"Memory benchmark: {size} rows of short cells")
    (folder / "report.yaml").write_text(yaml + "body:\n  - title: Cells\n    file: cells.md\n",
                                        "utf-8")
    return Sized(folder, folder / "cells.md")


def admitted(command: list[str], dim: str, size: int, work: Path) -> bool:
    """Whether ``reportgen check`` admits the report of that size."""
    report = make_report(dim, size, work / "probe").report
    r = subprocess.run([*command, "check", str(report)], capture_output=True, text=True)
    return r.returncode == 0


def largest_admitted(command: list[str], dim: str, work: Path, high: int) -> int:
    """The largest size the content limits admit (bisection with ``reportgen check``)."""
    low = 1
    if admitted(command, dim, high, work):
        return high
    while high - low > max(1, low // 200):  # to within 0.5 %
        mid = (low + high) // 2
        if admitted(command, dim, mid, work):
            low = mid
        else:
            high = mid
    return low


def _pss(pid: int) -> int:
    """The process's proportional set size (kB): its resident pages, those it shares
    with the others of its tree (a forked process's) counted in shares."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _status(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "PPid"):
                    out[key] = int(value.split()[0])
    except (OSError, ValueError):
        pass
    return out


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def tree_of(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo.extend(_children(p))
    return pids


def run_sampled(argv: list[str], timeout: float = 1800.0) -> dict[str, object]:
    """Run ``argv``; its wall time, exit status, output, and the peak of its tree's RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_tree, peak_pss = 0, 0
    hwm: dict[int, int] = {}
    while proc.poll() is None:
        total, pss = 0, 0
        for pid in tree_of(proc.pid):
            st = _status(pid)
            total += st.get("VmRSS", 0)
            pss += _pss(pid)
            hwm[pid] = max(hwm.get(pid, 0), st.get("VmHWM", 0))
        peak_tree, peak_pss = max(peak_tree, total), max(peak_pss, pss)
        if time.perf_counter() - start > timeout:
            proc.kill()
        time.sleep(INTERVAL)
    out, err = proc.communicate()
    largest = max(hwm.values(), default=0)
    return {"seconds": time.perf_counter() - start, "rc": proc.returncode,
            "tree_mib": peak_tree / 1024, "pss_mib": peak_pss / 1024,
            "largest_mib": largest / 1024,
            "stdout": out, "stderr": err}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dims", default="rows,clauses,markdown")
    parser.add_argument("--sizes", default=None, help="comma-separated, for every dim given")
    parser.add_argument("--reportgen", default=None,
                        help="the reportgen executable (default: this checkout's, "
                             "python -m reportgen)")
    parser.add_argument("--format", default="all")
    parser.add_argument("--at-limit", action="store_true",
                        help="for each dimension, the largest size the content limits "
                             "admit (found with reportgen check) and one step past it")
    args = parser.parse_args(argv)
    command = [args.reportgen] if args.reportgen else [sys.executable, "-m", "reportgen"]
    results = []
    lines = [f"| Dimension | Size | Result | Wall s | Peak of the tree's PSS (MiB) "
             f"| Peak of the tree's RSS sum (MiB) | Largest process (MiB) "
             f"| PSS ≤ {BUDGET_MIB:.0f} MB |", "|---|---:|---|---:|---:|---:|---:|---|"]
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="reportgen-memory-") as tmp:
        work = Path(tmp)
        for dim in args.dims.split(","):
            sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else SIZES[dim]
            if args.at_limit:
                top = largest_admitted(command, dim, work, max(SIZES[dim]) * 4)
                sizes = [top, top + max(1, top // 100)]
            for size in sizes:
                sized = make_report(dim, size, work)
                out = work / "out"
                r = run_sampled([*command, "build", str(sized.report), "--format", args.format,
                                 "--out", str(out), "--force"])
                refused = LIMIT.search(str(r["stderr"]))
                result = ("built" if r["rc"] == 0 else
                          f"refused: {refused.group(0)}" if refused else
                          f"failed: {str(r['stderr']).strip().splitlines()[-1:]}")
                tree, pss = float(r["tree_mib"]), float(r["pss_mib"])  # type: ignore[arg-type]
                big = float(r["largest_mib"])  # type: ignore[arg-type]
                ok = "yes" if pss * 1024 * 1024 <= BUDGET_MIB * 1e6 else "**no**"
                lines.append(f"| {dim} | {size} | {result.split(': ', 1)[0]} "
                             f"| {float(r['seconds']):.1f} | {pss:.0f} | {tree:.0f} "  # type: ignore[arg-type]
                             f"| {big:.0f} | {ok} |")
                print(lines[-1], file=sys.stderr, flush=True)
                results.append({"dim": dim, "size": size, "result": result,
                                "seconds": r["seconds"], "pss_mib": pss, "tree_mib": tree,
                                "largest_mib": big})
    print(f"load average at the start: {load:.2f}; at the end: {os.getloadavg()[0]:.2f}")
    print("\n".join(lines))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "memory.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
