"""``reportgen watch``: a resident process that rebuilds a report each time one of its
files is saved, the DOCX first and then the PDF.

Each rebuild is an ordinary ``build_report`` (the same pipeline, lock, all-or-nothing
commit and refusal to overwrite an edited output) that commits the DOCX as soon as it
is written, then renders the PDF; a report that fails keeps its last good outputs. The
process loads WeasyPrint and the stylesheet once, before the first build, and renders
every PDF itself: what WeasyPrint and Pango keep from one render (fonts, glyphs, shaped
text) and the Word template compiled once serve every later save, so a rebuild costs a
warm rendering only. (A forked process for each PDF, which let the DOCX be written on
the other core meanwhile, was slower on two cores: 0.96 s against 0.91 s from save to
PDF, quiet machine, alternated; its copy-on-write start and a cache it could not keep.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from reportgen.build.one import build_report
from reportgen.build.options import BuildOptions, BuildResult
from reportgen.content.locate import find_report
from reportgen.writers import WRITERS

Report = Callable[[BuildResult], None]
# How long watchfiles waits for more changes after one before it reports them (its default
# is 50 ms): an editor's save (a temporary file, then a rename) takes well under this, and
# each millisecond here is one more between the save and the outputs.
STEP_MS = 20


def rebuild(report: Path, options: BuildOptions, on_result: Report) -> bool:
    """Build the report in this process, the DOCX committed (and reported) first, then
    the PDF. True when every output was built."""
    result = build_report(report, replace(options, on_early=on_result), side_process=False)
    on_result(result)
    return result.status != "failed"


def changed_reports(changes: Iterable[str], roots: list[Path], out_root: Path) -> list[Path]:
    """The report folders, among ``roots``, holding a changed content file: hidden files,
    editors' temporaries and the output folder do not count."""
    out = out_root.resolve()
    hit: set[Path] = set()
    for raw in changes:
        path = Path(raw)
        if path.is_relative_to(out):
            continue
        for root in roots:
            if path.is_relative_to(root) and not any(
                    part.startswith(".") for part in path.relative_to(root).parts):
                hit.add(root)
    return [root for root in roots if root in hit]


def watch(paths: list[Path], options: BuildOptions, on_result: Report,
          say: Callable[[str], None]) -> None:
    """Build every report once, then rebuild each one whose files change, until
    KeyboardInterrupt (which propagates, after any commit under way has finished)."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as watch_changes

    roots = [find_report(p) for p in paths]
    from reportgen.build.offload import warm_up

    warm_up(name for name in WRITERS if options.wants(name))
    for root in roots:
        rebuild(root, options, on_result)
    say(f"watching {len(roots)} report{'s' if len(roots) != 1 else ''} for changes "
        "(Ctrl-C to stop)")
    for changes in watch_changes(*roots, watch_filter=DefaultFilter(), raise_interrupt=True,
                                 step=STEP_MS):
        for root in changed_reports((name for _, name in changes), roots, options.out_root):
            rebuild(root, options, on_result)
