"""One build = load -> prepare -> writers -> atomic outputs, for one report."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.build.commit import commit_outputs, tidy
from reportgen.build.lock import folder_lock
from reportgen.build.offload import SIDE_WRITER, SideRenderer, Timer
from reportgen.content.locate import report_name
from reportgen.errors import ContentError, OutputConflict, Problem, display_path
from reportgen.writers import WRITERS, RenderJob, Writer

if TYPE_CHECKING:
    from reportgen.tree import Document

from reportgen.build.fingerprint import Fingerprint, inputs_digest
from reportgen.build.options import BuildOptions, BuildResult, Format, Names, source_date


def output_names(stem: str, language: str, report_name: str, names: Names) -> dict[str, str]:
    """``{"docx": "T17-…!!MSW-E.docx", "pdf": "T17-…!!PDF-E.pdf"}`` or plain names."""
    if names is Names.plain:
        return {w.name: f"{report_name}.{w.extension}" for w in WRITERS.values()}
    return {w.name: f"{stem}!{w.itu_code}-{language}.{w.extension}" for w in WRITERS.values()}


def build_report(path: Path, options: BuildOptions,
                 side_process: bool | None = None) -> BuildResult:
    """Build one report. Never raises for a problem of the content or the outputs.

    With ``side_process`` (by default: with two cores or more), the PDF is rendered in a
    forked process started before the report is loaded, while this one loads, prepares
    and writes the DOCX: a build then costs about the PDF alone, its imports overlapping
    the rest (or none, in a process that has them already, as ``watch`` does).
    """
    timer = Timer()
    name = report_name(path)
    side: SideRenderer | None = None
    try:
        with timer.stage("hash"):
            fp = Fingerprint.of(path, options)
        name = fp.root.name
        folder = options.out_root / name
        with folder_lock(folder, options.lock_timeout, waiting(options, name, folder)):
            tidy(folder)
            if fp.current(options):
                return BuildResult(name, "skipped", timings=timer.times)
            if _side_process(side_process, options):
                side = SideRenderer.start(SIDE_WRITER)
            early: list[Path] = []
            ready = None if options.on_early is None else \
                _early_commit(folder, fp, options, options.on_early, timer, early)
            outputs, warnings = plan_outputs(fp.root, fp.template, options, timer)
            files = render_outputs(outputs, timer, side, ready)
            files = {n: data for n, data in files.items() if folder / n not in early}
            with timer.stage("write"):
                backups = commit_outputs(folder, files, fp.manifest(), options.force)
        return BuildResult(name, "built", [folder / n for n in sorted(files)], warnings,
                           backups=backups, timings=timer.times,
                           peak_rss_mib=side.peak_mib if side else None)
    except Exception as exc:
        return failed_result(path, name, exc, options, timer)
    finally:
        if side is not None:
            side.close()


def failed_result(path: Path, name: str, exc: Exception, options: BuildOptions,
                  timer: Timer) -> BuildResult:
    """The result of a build that raised ``exc``: its problems, each with its place.
    An unexpected exception is raised again with ``--debug``."""
    if isinstance(exc, ContentError):
        return BuildResult(name, "failed", errors=[str(p) for p in exc.problems],
                           timings=timer.times)
    if isinstance(exc, OutputConflict):
        return BuildResult(name, "failed", errors=[str(exc)], timings=timer.times)
    if options.debug:
        raise exc
    if isinstance(exc, OSError) and exc.strerror:
        where = f" {display_path(Path(exc.filename))}" if isinstance(exc.filename, str) else ""
        message = (f"{display_path(path)}: cannot read or write{where}: {exc.strerror}; "
                   "check that place (a file where a folder should be, the permissions, "
                   "the space left) and run again")
    else:
        message = f"{display_path(path)}: {type(exc).__name__}: {exc} (run with --debug " \
                  "for details)"
    return BuildResult(name, "failed", errors=[message], timings=timer.times)


def _early_commit(folder: Path, fp: Fingerprint, options: BuildOptions,
                  report: Callable[[BuildResult], None], timer: Timer,
                  done: list[Path]) -> Callable[[dict[str, bytes]], None]:
    """Commit the first writers' files as soon as they are ready. Their manifest is the
    one a build of those formats alone would write: until the rest is committed, a
    build of all formats does not take the folder for up to date."""
    def commit(files: dict[str, bytes]) -> None:
        only = replace(options, formats=_format_of(files))
        partial = replace(fp, digest=inputs_digest(fp.inputs, only, fp.template))
        with timer.stage("write"):
            backups = commit_outputs(folder, files, partial.manifest(), options.force)
        done.extend(folder / n for n in files)
        report(BuildResult(fp.root.name, "built", sorted(folder / n for n in files),
                           backups=backups, timings=dict(timer.times)))
    return commit


def _format_of(files: dict[str, bytes]) -> Format:
    """The format of a set of files of one writer (the early ones: the DOCX)."""
    suffixes = {Path(n).suffix.lstrip(".") for n in files}
    return Format(suffixes.pop()) if len(suffixes) == 1 else Format.all


def waiting(options: BuildOptions, name: str, folder: Path) -> Callable[[], None] | None:
    """What to say when another build holds the folder."""
    notify = options.notify
    if notify is None:
        return None
    message = (f"waiting for another build of {name} into {display_path(folder)} to finish… "
               f"(up to {options.lock_timeout:g} s)")
    return lambda: notify(message)


@dataclass(frozen=True)
class Output:
    """One file of a build: its name, the writer that renders it and what it gets."""

    name: str
    writer: Writer
    job: RenderJob


def plan_outputs(root: Path, template: Path, options: BuildOptions,
                 timer: Timer) -> tuple[list[Output], list[str]]:
    """Load and prepare the report (and the marked copy): the files to render, and the
    warnings. Each stage's time includes importing the libraries it needs."""
    with timer.stage("load"):
        from reportgen.content.load import load

        loaded = load(root)
    with timer.stage("prepare"):
        from reportgen.prepare.tree import prepare

        doc = prepare(loaded, source_date())
    if not template.is_file():
        raise ContentError([Problem(display_path(template), 0, 0, "",
                                    "Word template not found")])
    names = output_names(doc.file_stem, doc.language_letter, root.name, options.names)
    job = RenderJob(doc, template, root, tuple(loaded.sources.items()), timer.stage)
    wanted = [w for w in WRITERS.values() if options.wants(w.name)]
    outputs = [Output(names[w.name], w, job) for w in wanted]
    if options.changes_from is not None:
        with timer.stage("marks"):
            marked = replace(job, doc=_marked(options.changes_from, root, doc))
        outputs += [Output(marked_name(names[w.name]), w, marked) for w in wanted]
    return outputs, list(doc.warnings)


def render_outputs(outputs: list[Output], timer: Timer, side: SideRenderer | None = None,
                   ready: Callable[[dict[str, bytes]], None] | None = None,
                   ) -> dict[str, bytes]:
    """Each output's bytes. The side process's writer renders there, sent first, while
    this process renders the others: a build costs about the slower writer, not the sum.
    Here the slow writer comes last, and ``ready`` receives the report's other files
    (not the marked copy's) before it, or before the side process's files are awaited."""
    aside = [o for o in outputs if side is not None and o.writer.name == side.writer]
    for output in aside:
        assert side is not None
        side.send(output.job)
    local = [o for o in outputs if o not in aside]
    first = [o for o in local if o.writer.name != SIDE_WRITER]
    files = {o.name: o.writer.render(o.job) for o in first}
    early = {o.name: files[o.name] for o in first if outputs and o.job is outputs[0].job}
    if ready is not None and early:
        ready(early)
    files |= {o.name: o.writer.render(o.job) for o in local if o not in first}
    for output in aside:
        assert side is not None
        files[output.name] = side.receive(timer)
    return files


def _side_process(wanted: bool | None, options: BuildOptions) -> bool:
    """Whether the PDF goes to a side process: as asked, or by default where there are
    two cores or more and this is not already a worker."""
    if not options.wants(SIDE_WRITER):
        return False
    if wanted is not None:
        return wanted
    import multiprocessing

    return (os.cpu_count() or 1) >= 2 and multiprocessing.parent_process() is None


def _marked(spec: str, root: Path, doc: Document) -> Document:
    """``doc`` marked against the previous version named by ``spec``."""
    from reportgen.content.load import load
    from reportgen.prepare.tree import prepare
    from reportgen.revisions.diff import mark
    from reportgen.revisions.previous import previous_version

    with previous_version(spec, root) as old_root:
        old_loaded = load(old_root)
        old = prepare(old_loaded, source_date())
    loaded = load(root)
    before, now = old_loaded.model.document.revision, loaded.model.document.revision
    if now <= before:
        o = loaded.origin(("document", "revision"))
        if ("document", "revision") not in loaded.positions:
            o = loaded.origin(("document",))
        raise ContentError([Problem(
            o.file, o.line, o.col, "document.revision",
            f"is {now}, and the version marked against ({spec}) is revision {before}: "
            f"the marked build would be written under that version's name; set "
            f"document.revision: {before + 1} for the new revision")])
    return mark(old, doc)


def marked_name(name: str) -> str:
    """``…!R1!MSW-E.docx`` -> ``…!R1!MSW-E-marked.docx``: the revision with its changes
    marked against the version before it."""
    stem, dot, ext = name.rpartition(".")
    return f"{stem}-marked{dot}{ext}"
