"""The targets' ratios measured interleaved: reportgen's run and its peer's run alternate
(A B A B …), so that both see the same load on a shared machine.

    .venv/bin/python bench/interleave.py                      # every pair, 5 runs each
    .venv/bin/python bench/interleave.py --pairs docx,all --runs 7
    .venv/bin/python bench/interleave.py --pairs batch --batch 20 --runs 5
    .venv/bin/python bench/interleave.py --pairs docx --other /work/main/.venv/bin/reportgen

Pairs (ours against theirs; the ratio is ours / theirs, as the targets are written):

- ``docx``: ``reportgen build <seed> --format docx`` against pandoc + LibreOffice (DOCX+PDF);
  target ≤ 0.35.
- ``all``: ``--format all`` against pandoc + LibreOffice; target ≤ 1.0.
- ``batch``: N copies of the seed at ``--jobs <cores>`` against ``xargs -P <cores> pandoc``
  then one LibreOffice call; target ≤ 1.25 (peers / ours ≥ 0.8).
- ``watch``: ``reportgen watch`` save → PDF (bench/watch_latency.py) alternated with a cold
  ``--format all`` build; target ≤ 0.55.

The floors (bench/floor.py) come with them: beside ``all``, a fresh process that only
imports WeasyPrint and writes the seed's PDF, alternated with the two; after ``batch`` and
``watch``, the median of warm renders of the seed's PDF in one process (× N reports / cores
for the batch), which no batch worker or watcher can beat.

``--other PATH`` adds a third command: the same reportgen build by another installation
(a checkout's ``.venv/bin/reportgen``), alternated with the two, to compare two versions
under the same load. Each run is a fresh process tree timed by bench/run.py's wrapper;
one untimed warm-up of each command comes first. Prints medians, the ratios, and the
1-minute load average before and after; writes bench/results/interleave.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (bench/run.py: the wrapper, the cases, the batch copies)

TARGETS = {"docx": 0.35, "all": 1.0, "batch": 1 / 0.8, "watch": 0.55}


def seed_build(rg: str, fmt: str, out: Path) -> run.Case:
    return run.Case(f"rg_{fmt}", f"reportgen seed → {fmt}",
                    [[rg, "build", str(run.SEED_REPORT), "--format", fmt, "--out", str(out),
                      "--force"]], run.ROOT, check=run.stdout_has("built "))


def peers_seed(tools: dict[str, str | None], work: Path) -> run.Case:
    out = work / "peers-lo"
    out.mkdir(parents=True, exist_ok=True)
    pandoc = tools["pandoc"] or "pandoc"
    soffice = tools["soffice"] or "soffice"
    return run.Case("pandoc_lo", "pandoc + LibreOffice (DOCX+PDF)",
                    [[pandoc, str(run.SEED_MD), "-o", str(out / "x.docx")],
                     run.soffice_pdf(soffice, work / "lo-profile", out, [out / "x.docx"])],
                    out, outputs=[out / "x.docx", out / "x.pdf"])


CPU: dict[str, list[float]] = {}  # each command's CPU seconds (all its processes), by label


def timed(case: run.Case) -> float:
    sample, problem = run.run_once(case)
    if problem:
        raise SystemExit(f"interleave: {case.label} failed: {problem}\n{sample.stderr[-2000:]}")
    CPU.setdefault(case.label, []).append(sample.cpu_seconds)
    return sample.seconds


def alternate(cases: list[run.Case], runs: int) -> dict[str, list[float]]:
    for case in cases:  # warm-up: page cache, bytecode, LibreOffice's profile
        timed(case)
    times: dict[str, list[float]] = {c.label: [] for c in cases}
    for i in range(runs):
        for case in cases:
            times[case.label].append(timed(case))
        print(f"  run {i + 1}/{runs}: " + ", ".join(
            f"{label} {ts[-1]:.2f} s" for label, ts in times.items()), file=sys.stderr,
            flush=True)
    return times


def floor_data(work: Path) -> Path:
    """The seed's HTML and PDF settings for bench/floor.py (made once)."""
    data = work / "floor.pickle"
    if not data.exists():
        subprocess.run([sys.executable, str(BENCH / "floor.py"), "prepare", str(data)],
                       check=True, cwd=run.ROOT)
    return data


def floor_cold(work: Path) -> run.Case:
    """A fresh process that imports the PDF writer and writes the seed's PDF, nothing else."""
    return run.Case("floor", "floor: fresh process, WeasyPrint import + the seed's PDF",
                    [[sys.executable, str(BENCH / "floor.py"), "cold", str(floor_data(work))]],
                    run.ROOT, check=run.stdout_has("built floor"))


def warm_render(work: Path, runs: int = 9) -> float:
    """Median seconds of one warm render of the seed's PDF (bench/floor.py warm)."""
    out = subprocess.run([sys.executable, str(BENCH / "floor.py"), "warm",
                          str(floor_data(work)), "--runs", str(runs)],
                         check=True, cwd=run.ROOT, capture_output=True, text=True).stdout
    CPU["floor: warm PDF render"] = [float(out.split("CPU ")[1].split(" s")[0])]
    return float(out.split("median ")[1].split(" s")[0])


def pair_cases(name: str, rg: str, other: str | None, tools: dict[str, str | None],
               work: Path, batch: int) -> list[run.Case]:
    if name in ("docx", "all"):
        fmt = name
        cases = [seed_build(rg, fmt, work / f"rg-{fmt}"), peers_seed(tools, work)]
        if name == "all":
            cases.append(floor_cold(work))
        if other:
            o = seed_build(other, fmt, work / f"other-{fmt}")
            o.label += " (other)"
            cases.append(o)
        return cases
    if name == "batch":
        batch_dir = work / f"batch-{batch}"
        cases = run.batch_cases(tools, batch_dir, work / "lo-profile", batch, 1)
        if other:
            b = cases[0]
            o = run.Case(b.key + "_other", b.label + " (other)",
                         [[other, *b.steps[0][1:]]], b.cwd, check=b.check,
                         fresh_dirs=[batch_dir / "batch-other-out"], timeout=b.timeout)
            o.steps[0][o.steps[0].index("--out") + 1] = str(batch_dir / "batch-other-out")
            cases.append(o)
        return cases
    raise SystemExit(f"interleave: unknown pair {name!r}")


def watch_pair(rg: str, runs: int, work: Path) -> dict[str, Any]:
    from watch_latency import measure_watch

    cold = seed_build(rg, "all", work / "rg-cold")
    timed(cold)
    colds, saves = [], []
    for i in range(runs):
        colds.append(timed(cold))
        result = measure_watch(2)  # two saves a watcher, the median of them
        saves.append(float(result["save_to_pdf_median"]))  # type: ignore[arg-type]
        print(f"  run {i + 1}/{runs}: cold {colds[-1]:.2f} s, save → PDF {saves[-1]:.2f} s",
              file=sys.stderr, flush=True)
    return {"reportgen seed → all (cold)": colds, "watch save → PDF": saves}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", default="docx,all,watch,batch")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--other", default=None,
                        help="another reportgen executable to alternate with ours")
    args = parser.parse_args(argv)
    tools = run.find_tools()
    rg = tools["reportgen"] or "reportgen"
    results: dict[str, Any] = {}
    lines = ["| Pair | Ours (median) | Theirs (median) | Ratio ours/theirs | Target | Met "
             "| n | Load before → after |", "|---|---:|---:|---:|---|---|---:|---|"]
    with tempfile.TemporaryDirectory(prefix="reportgen-interleave-") as tmp:
        work = Path(tmp)
        run.use_bytecode_cache(work)
        for name in args.pairs.split(","):
            load_before = run.load_average()
            print(f"interleave: {name} (load {load_before:.2f})", file=sys.stderr, flush=True)
            if name == "watch":
                times = watch_pair(rg, args.runs, work)
            else:
                times = alternate(pair_cases(name, rg, args.other, tools, work, args.batch),
                                  args.runs)
            load_after = run.load_average()
            if name in ("batch", "watch"):  # the warm render floor, measured after the pair
                warm = warm_render(work)
                per = (args.batch / run.cores()) if name == "batch" else 1.0
                times[f"floor: warm PDF render × {per:g}"] = [warm * per]
            labels = list(times)
            medians = {label: statistics.median(ts) for label, ts in times.items()}
            theirs, ours = (labels[0], labels[1]) if name == "watch" else (labels[1], labels[0])
            ratio = medians[ours] / medians[theirs]
            cpu = {label: statistics.median(ts[1:] or ts) for label, ts in CPU.items()}
            CPU.clear()
            lines.append(f"| {name}: CPU seconds (median, every process of a run) | "
                         + ", ".join(f"{label} {v:.2f} s" for label, v in cpu.items())
                         + " | | | | | | |")
            results[name] = {"times": times, "medians": medians, "ratio": ratio, "cpu": cpu,
                             "target": TARGETS[name], "load": [load_before, load_after],
                             "runs": args.runs}
            met = "yes" if ratio <= TARGETS[name] else "**no**"
            lines.append(f"| {name}: {ours} vs {theirs} | {medians[ours]:.2f} s "
                         f"| {medians[theirs]:.2f} s | {ratio:.2f} | ≤ {TARGETS[name]:.2f} "
                         f"| {met} | {args.runs} | {load_before:.2f} → {load_after:.2f} |")
            for extra in labels[2:]:
                versus = (f"ours / this = {medians[ours] / medians[extra]:.2f}"
                          if extra.startswith("floor") else
                          f"{medians[extra] / medians[theirs]:.2f}")
                lines.append(f"| {name}: {extra} | {medians[extra]:.2f} s | | {versus} "
                             f"| | | {len(times[extra])} | |")
    print("\n".join(lines))
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    (run.RESULTS / "interleave.json").write_text(json.dumps(results, indent=2) + "\n",
                                                 encoding="utf-8")
    print(f"interleave: wrote {run.RESULTS / 'interleave.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
