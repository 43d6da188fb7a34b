"""The floors the targets are held against: what WeasyPrint alone costs for the seed's PDF.

    .venv/bin/python bench/floor.py prepare OUT.pickle     # the seed's HTML and PDF settings
    .venv/bin/python bench/floor.py cold OUT.pickle        # a fresh process: import, render
    .venv/bin/python bench/floor.py warm OUT.pickle --runs 9

``prepare`` loads and prepares the seed report and writes the HTML the PDF writer gets,
with the writer's other arguments, to a pickle. ``cold`` is the least a fresh process can
do to make that PDF: start Python, import the PDF writer (WeasyPrint, its stylesheet and
fonts) and call ``write_pdf`` once; bench/interleave.py times it as a peer of the cold
DOCX+PDF build. ``warm`` renders the same PDF ``--runs`` times in one process after a
first render, as a batch worker or ``watch`` does, and prints the median seconds of one
render: a batch of N reports on C cores cannot take less than N × that / C.
"""

from __future__ import annotations

import argparse
import datetime as dt
import pickle
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "tsag-2018-12-quantum-adhoc"


def prepare(out: Path) -> None:
    from reportgen.build.options import source_date
    from reportgen.content.load import load
    from reportgen.prepare.tree import prepare as prepare_tree
    from reportgen.writers.html.figures import pictures
    from reportgen.writers.html.render import render_html

    loaded = load(SEED)
    doc = prepare_tree(loaded, source_date())
    created = dt.datetime.fromisoformat(doc.metadata.date).replace(tzinfo=dt.UTC)
    kwargs = {"report_dir": SEED, "attachments": sorted(loaded.sources.items()),
              "identifier": doc.sources_digest[:32], "created": created,
              "document_id": doc.metadata.identifier, "language": doc.metadata.language,
              "pictures": pictures(doc)}
    out.write_bytes(pickle.dumps((render_html(doc), kwargs)))


def render(data: Path, cpu: list[float] | None = None) -> float:
    from reportgen.writers.pdf.write import write_pdf

    html, kwargs = pickle.loads(data.read_bytes())
    start, start_cpu = time.perf_counter(), time.process_time()
    write_pdf(html, **kwargs)
    if cpu is not None:
        cpu.append(time.process_time() - start_cpu)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["prepare", "cold", "warm"])
    parser.add_argument("data", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    if args.mode == "prepare":
        prepare(args.data)
    elif args.mode == "cold":
        print(f"built floor PDF in {render(args.data):.3f} s (after the import)")
    else:
        render(args.data)  # the first render loads the stylesheet and fonts
        cpu: list[float] = []
        times = [render(args.data, cpu) for _ in range(args.runs)]
        print(f"warm PDF render of the seed: median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}, {args.runs} runs), "
              f"CPU {statistics.median(cpu):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
