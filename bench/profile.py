"""Where the floors of the targets come from: what a cold DOCX-only build imports, and
what WeasyPrint spends on one report once everything is imported and warm.

    .venv/bin/python bench/profile.py             # both, 5 runs each
    .venv/bin/python bench/profile.py imports     # `python -X importtime` of a DOCX build
    .venv/bin/python bench/profile.py pdf --runs 9

``imports`` runs a fresh ``reportgen build <seed> --format docx --force`` with
``-X importtime`` and sums each module's own import time by top-level package (so every
microsecond is counted once), median over runs; beside it, an empty interpreter's start
and the build's whole wall time. ``pdf`` renders the seed's PDF over and over in one
process (what a batch worker or ``watch`` does) and times WeasyPrint's phases: the
cascade, the box tree, layout, drawing and fonts into the PDF/A structure, and the
serialisation; it prints medians after the first (cold) render. Prints Markdown tables
and writes bench/results/profile.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SEED = ROOT / "content" / "tsag-2018-12-quantum-adhoc"
PYTHON = ROOT / ".venv" / "bin" / "python"
RESULTS = BENCH / "results"


def import_profile(runs: int) -> dict[str, Any]:
    """Median import time (ms) per top-level package of a cold DOCX-only build."""
    per_package: dict[str, list[float]] = defaultdict(list)
    walls, bare = [], []
    with tempfile.TemporaryDirectory(prefix="reportgen-profile-") as out:
        argv = [str(PYTHON), "-X", "importtime", "-m", "reportgen", "build", str(SEED),
                "--format", "docx", "--out", out, "--force"]
        subprocess.run(argv, capture_output=True, check=True, cwd=ROOT)  # warm the caches
        for _ in range(runs):
            start = time.perf_counter()
            proc = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
            walls.append(time.perf_counter() - start)
            totals: dict[str, float] = defaultdict(float)
            for line in proc.stderr.splitlines():
                parts = line.split("|")
                if len(parts) != 3 or not parts[0].startswith("import time:"):
                    continue
                try:
                    own = int(parts[0].split(":")[1])
                except ValueError:
                    continue  # the header line
                module = parts[2].strip().split(".")
                package = ".".join(module[:2] if module[0] == "reportgen" else module[:1])
                totals[package] += own / 1000
            for name, ms in totals.items():
                per_package[name].append(ms)
            start = time.perf_counter()
            subprocess.run([str(PYTHON), "-c", "pass"], check=True)
            bare.append(time.perf_counter() - start)
    medians = {name: statistics.median(v + [0.0] * (runs - len(v)))
               for name, v in per_package.items()}
    return {"runs": runs, "packages_ms": dict(sorted(medians.items(), key=lambda kv: -kv[1])),
            "imports_total_ms": sum(medians.values()),
            "interpreter_start_ms": statistics.median(bare) * 1000,
            "build_wall_ms": statistics.median(walls) * 1000,
            "load_average": os.getloadavg()[0]}


class Phases:
    """Seconds per WeasyPrint phase of one render, by wrapping its functions."""

    def __init__(self) -> None:
        self.times: dict[str, float] = defaultdict(float)

    def timed(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.times[name] += time.perf_counter() - start

        return wrapper

    def timed_generator(self, name: str, fn: Callable[..., Iterator[Any]]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = fn(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    self.times[name] += time.perf_counter() - start
                    return
                self.times[name] += time.perf_counter() - start
                yield item

        return wrapper


def pdf_profile(runs: int) -> dict[str, Any]:
    """WeasyPrint's phases (ms) for the seed's PDF, rendered ``runs`` times in one process."""
    start = time.perf_counter()
    import weasyprint.document as wd

    imported = time.perf_counter() - start
    import pydyf
    import weasyprint

    from reportgen.build.offload import Timer
    from reportgen.content.load import load
    from reportgen.prepare.tree import prepare
    from reportgen.writers import WRITERS, RenderJob

    phases = Phases()
    wd.get_all_computed_styles = phases.timed("cascade", wd.get_all_computed_styles)
    wd.build_formatting_structure = phases.timed("boxes", wd.build_formatting_structure)
    wd.layout_document = phases.timed_generator("layout", wd.layout_document)
    wd.generate_pdf = phases.timed("draw, fonts, PDF/A", wd.generate_pdf)
    weasyprint.HTML.__init__ = phases.timed("parse HTML", weasyprint.HTML.__init__)
    pydyf.PDF.write = phases.timed("serialise (pydyf, zlib)", pydyf.PDF.write)
    samples: list[dict[str, float]] = []
    for _ in range(runs + 1):
        loaded = load(SEED)
        timer = Timer()
        job = RenderJob(prepare(loaded), SEED / "unused.docx", SEED,
                        tuple(loaded.sources.items()), timer.stage)
        phases.times.clear()
        begin = time.perf_counter()
        WRITERS["pdf"].render(job)
        total = time.perf_counter() - begin
        sample = {name: s * 1000 for name, s in phases.times.items()}
        sample["html (reportgen)"] = timer.times["html"] * 1000
        sample["rest"] = total * 1000 - sum(sample.values())
        sample["whole PDF writer"] = total * 1000
        samples.append(sample)
    warm = samples[1:]
    medians = {k: statistics.median(s[k] for s in warm) for k in samples[0]}
    return {"runs": runs, "import_weasyprint_ms": imported * 1000,
            "first_render_ms": samples[0], "warm_median_ms": medians,
            "load_average": os.getloadavg()[0]}


def show_imports(data: dict[str, Any]) -> None:
    print(f"Cold `reportgen build <seed> --format docx --force`, median of {data['runs']} "
          f"runs (load average {data['load_average']:.2f}):\n")
    print("| Package (own import time of its modules) | ms |\n|---|---:|")
    shown = 0.0
    for name, ms in data["packages_ms"].items():
        if ms >= 3:
            print(f"| {name} | {ms:.0f} |")
            shown += ms
    print(f"| others (each < 3 ms) | {data['imports_total_ms'] - shown:.0f} |")
    print(f"| **all imports** | **{data['imports_total_ms']:.0f}** |")
    print(f"| interpreter start (`python -c pass`) | {data['interpreter_start_ms']:.0f} |")
    print(f"| whole build, wall | {data['build_wall_ms']:.0f} |\n")


def show_pdf(data: dict[str, Any]) -> None:
    print(f"The seed's PDF in one process, median of {data['runs']} warm renders after the "
          f"first (load average {data['load_average']:.2f}); importing WeasyPrint took "
          f"{data['import_weasyprint_ms']:.0f} ms:\n")
    print("| Phase | first render ms | warm median ms |\n|---|---:|---:|")
    for name, ms in data["warm_median_ms"].items():
        print(f"| {name} | {data['first_render_ms'][name]:.0f} | {ms:.0f} |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", choices=("imports", "pdf", "both"), default="both")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    result: dict[str, Any] = {}
    if args.what in ("imports", "both"):
        result["imports"] = import_profile(args.runs)
        show_imports(result["imports"])
    if args.what in ("pdf", "both"):
        result["pdf"] = pdf_profile(args.runs)
        show_pdf(result["pdf"])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "profile.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
