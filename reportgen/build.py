"""One build = load -> prepare -> writers -> atomic outputs, for one or many reports."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .commit import commit_outputs, tidy
from .errors import ContentError, OutputConflict, Problem, display_path
from .locate import find_report, report_name
from .lock import folder_lock
from .offload import SIDE_WRITER, SideRenderer, Timer
from .outputs import Manifest, file_sha256, unsettled
from .paths import fonts_dir, templates_dir
from .writers import WRITERS, RenderJob, Writer

if TYPE_CHECKING:
    from .document import Document

PACKAGE_DIR = Path(__file__).resolve().parent


class Format(StrEnum):
    docx = "docx"
    pdf = "pdf"
    all = "all"


class Names(StrEnum):
    itu = "itu"
    plain = "plain"


@dataclass(frozen=True)
class BuildOptions:
    out_root: Path
    formats: Format = Format.all
    names: Names = Names.itu
    force: bool = False
    template: Path | None = None  # a restyled Word template; default the packaged one
    debug: bool = False  # let unexpected exceptions through, with their traceback
    lock_timeout: float = 120.0  # seconds to wait for another build into the same folder
    notify: Callable[[str], None] | None = None  # tells the user why a build waits or is
    # slow (a module function)
    changes_from: str | None = None  # also write a copy marked against this version
    # when set, the files of the faster writers (the DOCX) are committed as soon as they
    # are ready, and reported here, before the PDF is done (watch: the DOCX first)
    on_early: Callable[[BuildResult], None] | None = None

    def wants(self, fmt: str) -> bool:
        return self.formats in (Format.all, Format(fmt))


@dataclass
class BuildResult:
    report: str
    status: str  # "built", "skipped", "failed"
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    peak_rss_mib: float | None = None  # the peak memory of its writer processes, if any


_Timer = Timer


def source_date() -> dt.date | None:
    """The date from SOURCE_DATE_EPOCH, when set (reproducible-builds convention)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if not raw:
        return None
    try:
        return dt.datetime.fromtimestamp(int(raw), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise ContentError([Problem("SOURCE_DATE_EPOCH", 0, 0, "",
                                    f"not a number of seconds: {raw!r}")]) from None


def content_files(root: Path, outputs: Path | None = None) -> dict[str, str]:
    """SHA-256 of every file of a report folder (relative POSIX name -> hash).

    Hidden files and folders (backups, editor files) do not count, nor does the report's
    own output folder when it lies inside (``build .`` run in the report's folder writes
    to ``./output/<report>/``).
    """
    skip = _inside(outputs.resolve(), root) if outputs is not None else None
    found = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts) and (
                skip is None or rel.parts[:len(skip)] != skip):
            found[rel.as_posix()] = file_sha256(p)
    return found


def _inside(path: Path, root: Path) -> tuple[str, ...] | None:
    """The parts of ``path`` relative to ``root``; None when it is not strictly below it."""
    return path.relative_to(root).parts if path.is_relative_to(root) and path != root \
        else None


def code_digest(package: Path, templates: Path, fonts: Path) -> str:
    """SHA-256 over every ``.py`` of the package and every file of the templates and fonts.

    Names count as well as bytes; caches (``__pycache__``) and hidden files do not.
    """
    h = hashlib.sha256()
    for label, root, pattern in (("reportgen", package, "*.py"), ("templates", templates, "*"),
                                 ("fonts", fonts, "*")):
        found = {p.relative_to(root).as_posix(): p for p in root.rglob(pattern) if p.is_file()}
        for rel, path in sorted(found.items()):
            if not any(part == "__pycache__" or part.startswith(".") for part in rel.split("/")):
                h.update(f"{label}/{rel} {file_sha256(path)}\n".encode())
    return h.hexdigest()


@functools.cache
def tool_digest() -> str:
    """The digest of the reportgen that is running: computed once per process."""
    return code_digest(PACKAGE_DIR, templates_dir(), fonts_dir())


def inputs_digest(inputs: dict[str, str], options: BuildOptions, template: Path) -> str:
    """Everything of the report and the command line that decides the outputs' bytes.

    The tool itself (version, code, templates, fonts) is recorded apart, in the manifest.
    """
    h = hashlib.sha256()
    h.update(f"formats={options.formats.value} names={options.names.value}\n".encode())
    h.update(f"date={os.environ.get('SOURCE_DATE_EPOCH', '')}\n".encode())
    for name, digest in sorted(inputs.items()):
        h.update(f"content {name} {digest}\n".encode())
    h.update(f"template {file_sha256(template)}\n".encode())
    return h.hexdigest()


def output_names(stem: str, language: str, report_name: str, names: Names) -> dict[str, str]:
    """``{"docx": "T17-…!!MSW-E.docx", "pdf": "T17-…!!PDF-E.pdf"}`` or plain names."""
    if names is Names.plain:
        return {w.name: f"{report_name}.{w.extension}" for w in WRITERS.values()}
    return {w.name: f"{stem}!{w.itu_code}-{language}.{w.extension}" for w in WRITERS.values()}


def up_to_date(folder: Path, digest: str) -> bool:
    """True when the manifest says these exact inputs made the files that are there now."""
    manifest = Manifest.read(folder)
    if manifest is None or manifest.inputs_digest != digest or not manifest.outputs:
        return False
    if (manifest.reportgen, manifest.tool_digest) != (__version__, tool_digest()):
        return False  # built by another version, or another state of the code
    for name, expected in manifest.outputs.items():
        path = folder / name
        if not path.is_file() or file_sha256(path) != expected:
            return False
    return True


@dataclass(frozen=True)
class _Fingerprint:
    """A report's inputs and the hash that decides whether its outputs are current."""

    root: Path
    template: Path
    inputs: dict[str, str]
    digest: str

    @staticmethod
    def of(path: Path, options: BuildOptions) -> _Fingerprint:
        root = find_report(path)
        template = options.template or templates_dir() / "itu-td.docx"
        inputs = content_files(root, options.out_root / root.name)
        return _Fingerprint(root, template, inputs, inputs_digest(inputs, options, template))

    def manifest(self) -> Manifest:
        """The manifest of a build from these inputs by this tool, less its outputs."""
        return Manifest(self.digest, self.inputs, {}, __version__, tool_digest())

    def current(self, options: BuildOptions) -> bool:
        """Marked copies depend on another version too: they are always rebuilt."""
        return not options.force and options.changes_from is None and \
            up_to_date(options.out_root / self.root.name, self.digest)


def build_report(path: Path, options: BuildOptions,
                 side_process: bool | None = None) -> BuildResult:
    """Build one report. Never raises for a problem of the content or the outputs.

    With ``side_process`` (by default: with two cores or more), the PDF is rendered in a
    forked process started before the report is loaded, while this one loads, prepares
    and writes the DOCX: a build then costs about the PDF alone, its imports overlapping
    the rest (or none, in a process that has them already, as ``watch`` does).
    """
    timer = _Timer()
    name = report_name(path)
    side: SideRenderer | None = None
    try:
        with timer.stage("hash"):
            fp = _Fingerprint.of(path, options)
        name = fp.root.name
        folder = options.out_root / name
        with folder_lock(folder, options.lock_timeout, _waiting(options, name, folder)):
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
                  timer: _Timer) -> BuildResult:
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


def _early_commit(folder: Path, fp: _Fingerprint, options: BuildOptions,
                  report: Callable[[BuildResult], None], timer: _Timer,
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


def _waiting(options: BuildOptions, name: str, folder: Path) -> Callable[[], None] | None:
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
                 timer: _Timer) -> tuple[list[Output], list[str]]:
    """Load and prepare the report (and the marked copy): the files to render, and the
    warnings. Each stage's time includes importing the libraries it needs."""
    with timer.stage("load"):
        from .load import load

        loaded = load(root)
    with timer.stage("prepare"):
        from .prepare import prepare

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


def render_outputs(outputs: list[Output], timer: _Timer, side: SideRenderer | None = None,
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
    from .load import load
    from .prepare import prepare
    from .previous import previous_version
    from .revisions import mark

    with previous_version(spec, root) as old_root:
        old = prepare(load(old_root), source_date())
    return mark(old, doc)


def marked_name(name: str) -> str:
    """``…!R1!MSW-E.docx`` -> ``…!R1!MSW-E-marked.docx``: the revision with its changes
    marked against the version before it."""
    stem, dot, ext = name.rpartition(".")
    return f"{stem}-marked{dot}{ext}"


def build_many(paths: list[Path], options: BuildOptions, jobs: int,
               on_done: Callable[[BuildResult], None]) -> list[BuildResult]:
    """Build reports, in parallel when there are several; one failure stops nothing.

    Which reports are up to date is decided first, in this process and from hashes
    alone, so a rebuild with nothing to do starts no worker and imports no writer.
    Several reports go to ``jobs`` warm workers (``batch.build_in_pool``); one report,
    with ``jobs`` of two or more, has its PDF rendered in a side process. With ``jobs``
    of one, everything runs in this process, one report after the other.
    KeyboardInterrupt (Ctrl-C, or SIGTERM through the CLI) cancels the reports not yet
    started and stops those under way without a partial file, then propagates.
    """
    results_by_path: dict[Path, BuildResult] = {}
    stale: list[Path] = []

    def record(path: Path, result: BuildResult) -> None:
        on_done(result)
        results_by_path[path] = result

    for path in paths:
        skipped = _skip_if_up_to_date(path, options)
        if skipped is None:
            stale.append(path)
        else:
            record(path, skipped)
    if stale and options.wants("pdf") and options.notify is not None:
        from .subsetter import WARNING, uses_fonttools

        if uses_fonttools():
            options.notify(WARNING)  # once per build, not once per report
    if jobs >= 2 and len(stale) >= 2:
        from .batch import build_in_pool

        build_in_pool(stale, options, jobs, record)
    else:
        for path in stale:
            record(path, build_report(path, options, side_process=jobs >= 2))
    return [results_by_path[p] for p in paths]


def _skip_if_up_to_date(path: Path, options: BuildOptions) -> BuildResult | None:
    """A "skipped" result when the report's outputs are current; None otherwise."""
    timer = _Timer()
    try:
        with timer.stage("hash"):
            fp = _Fingerprint.of(path, options)
    except (ContentError, OSError):
        return None  # let the build report it
    if unsettled(options.out_root / fp.root.name) or not fp.current(options):
        return None  # a build writes there now, or a killed one left work: wait and tidy
    return BuildResult(fp.root.name, "skipped", timings=timer.times)
