"""Save-to-output latency of ``reportgen watch`` on the seed report.

Starts ``reportgen watch`` on a copy of the seed, waits for its first build, then saves
a Markdown file of the report ``--runs`` times (a new sentence each time) and measures,
from the moment the file is written, when the DOCX holding that sentence and then a new
PDF appear in the output folder (polled every 5 ms). Prints the medians and writes
bench/results/watch-latency.json. Installs nothing; needs .venv/bin/python.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SEED = ROOT / "content" / "tsag-2018-12-quantum-adhoc"
PYTHON = ROOT / ".venv" / "bin" / "python"
RESULTS = BENCH / "results"
POLL = 0.005
TIMEOUT = 300.0


def docx_has(path: Path, text: str) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return text in z.read("word/document.xml").decode("utf-8")
    except (OSError, zipfile.BadZipFile, KeyError):
        return False


def content(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def wait(condition: object, what: str) -> float:
    """Poll until ``condition()`` holds; return the time it did."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return time.perf_counter()
        time.sleep(POLL)
    raise SystemExit(f"timed out waiting for {what}")


def measure_watch(runs: int) -> dict[str, object]:
    """Start a watcher on a copy of the seed, time ``runs`` saves; the figures as a dict."""
    work = Path(tempfile.mkdtemp(prefix="reportgen-watch-bench-"))
    report = work / SEED.name
    shutil.copytree(SEED, report)
    out = work / "out"
    folder = out / SEED.name
    docx = folder / "T17-TSAG-181210-TD-GEN-0446!!MSW-E.docx"
    pdf = folder / "T17-TSAG-181210-TD-GEN-0446!!PDF-E.pdf"
    log = work / "stderr.txt"
    load_start = round(os.getloadavg()[0], 2)
    with log.open("wb") as errors:
        proc = subprocess.Popen([str(PYTHON), "-m", "reportgen", "watch", str(report),
                                 "--out", str(out)], cwd=work, stdout=subprocess.DEVNULL,
                                stderr=errors)
    try:
        started = time.perf_counter()
        wait(lambda: b"watching" in content(log), "the first build")
        first = time.perf_counter() - started
        to_docx, to_pdf = [], []
        for n in range(runs):
            time.sleep(0.5)  # let the watcher settle between saves
            sentence = f"Benchmark sentence number {n} of this run."
            old_pdf = content(pdf)
            with (report / "method.md").open("a", encoding="utf-8") as f:
                f.write(f"\n{sentence}\n")
            saved = time.perf_counter()
            docx_at = wait(lambda s=sentence: docx_has(docx, s), "the DOCX")
            pdf_at = wait(lambda old=old_pdf: content(pdf) not in (b"", old), "the PDF")
            to_docx.append(docx_at - saved)
            to_pdf.append(pdf_at - saved)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)
    return {
        "runs": runs,
        "first_build_seconds": round(first, 3),
        "save_to_docx": [round(t, 3) for t in to_docx],
        "save_to_pdf": [round(t, 3) for t in to_pdf],
        "save_to_docx_median": round(statistics.median(to_docx), 3),
        "save_to_docx_range": [round(min(to_docx), 3), round(max(to_docx), 3)],
        "save_to_pdf_median": round(statistics.median(to_pdf), 3),
        "save_to_pdf_range": [round(min(to_pdf), 3), round(max(to_pdf), 3)],
        "load_average": [load_start, round(os.getloadavg()[0], 2)],
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="saves to time (default 9)")
    args = parser.parse_args()
    result = measure_watch(args.runs)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "watch-latency.json").write_text(json.dumps(result, indent=2) + "\n")
    docx, pdf = result["save_to_docx_range"], result["save_to_pdf_range"]
    print(f"first build (start to 'watching'): {result['first_build_seconds']:.2f} s")
    print(f"save -> new DOCX: median {result['save_to_docx_median']:.3f} s "
          f"(min {docx[0]:.3f}, max {docx[1]:.3f}) over {args.runs} saves")  # type: ignore[index]
    print(f"save -> new PDF:  median {result['save_to_pdf_median']:.3f} s "
          f"(min {pdf[0]:.3f}, max {pdf[1]:.3f}) over {args.runs} saves")  # type: ignore[index]
    print(f"load average (1 min) at start and end: {result['load_average']}")


if __name__ == "__main__":
    main()
