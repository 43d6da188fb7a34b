"""The ``reportgen`` command line. Argument handling and printing only.

Heavy libraries (WeasyPrint, docxtpl, pydantic) are imported inside the commands that
need them, so ``reportgen --help`` stays instant.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from reportgen import __version__

if TYPE_CHECKING:
    from reportgen.build.options import BuildResult
    from reportgen.review.report import ReviewedReport

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
VERIFY_WAIT = 120.0  # seconds verify waits for a build that is writing into a folder

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    rich_markup_mode=None,
    help="Build ITU-T TSAG documents (TDs) as Word and PDF from structured content.",
)


def _echo(message: str = "", err: bool = False, nl: bool = True) -> None:
    """Print, with control characters and bidirectional overrides shown escaped
    (``\\u202e``): every line reportgen prints goes through here, so that no text from a
    file or a reviewer can move the cursor, recolour the terminal or reorder a line."""
    from reportgen.errors import printable

    typer.echo(printable(message), err=err, nl=nl)


def _version(value: bool) -> None:
    if value:
        _echo(f"reportgen {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Build ITU-T TSAG documents (TDs) as Word and PDF from structured content."""


def _check_output_options(fmt: str, names: str, template: Path | None) -> None:
    """The options build and watch share: a usage error for a wrong value."""
    from reportgen.build.options import Format, Names

    if fmt not in {f.value for f in Format}:
        _usage_error(f"--format must be docx, pdf or all, not {fmt!r}")
    if names not in {n.value for n in Names}:
        _usage_error(f"--names must be itu or plain, not {names!r}")
    if template is not None and not template.is_file():
        _usage_error(f"no such template: {template}")


def _usage_error(message: str) -> NoReturn:
    _echo(f"reportgen: error: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


def _default_content() -> Path:
    """``content/`` of the current folder, the default of build and check."""
    local = Path("content")
    if not local.is_dir():
        _usage_error(f"no content/ folder in {Path.cwd()}: run reportgen where content/ is, "
                     "or name the report folders (reportgen build path/to/report)")
    return local


def _report_paths(paths: list[Path] | None) -> list[Path]:
    """Expand the arguments: a report folder, its report.yaml, or a folder of reports."""
    from reportgen.content.locate import discover, is_report

    if not paths:
        paths = [_default_content()]
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            _usage_error(f"no such file or folder: {path}")
        if path.is_dir() and not is_report(path):
            inner = discover(path)
            found.extend(inner if inner else [path])
        else:
            found.append(path)
    return found


def _notify(message: str) -> None:
    """A message while a build waits; a module function, so that workers can call it."""
    _echo(message, err=True)


def _warn_if_slow_subsetter() -> None:
    """Once per command: WeasyPrint would subset fonts with fontTools (much slower)."""
    from reportgen.writers.pdf.subsetter import WARNING, uses_fonttools

    if uses_fonttools():
        _echo(WARNING, err=True)


def _pause(step: str) -> None:
    """Test hook (``REPORTGEN_TEST_PAUSE_AT``, see ``commit``): stop at ``step``."""
    if os.environ.get("REPORTGEN_TEST_PAUSE_AT"):
        from reportgen.build.commit import pause_at

        pause_at(step)


def _on_terminate(signum: int, frame: object) -> None:
    """Turn SIGTERM into an exception, so that temporary files are cleaned up."""
    raise KeyboardInterrupt


@app.command()
def build(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Report folders (or folders of reports). Default: every report in content/.",
        show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="docx, pdf or all.")] = "all",
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("output"),
    names: Annotated[str, typer.Option(
        help="itu: ITU file names (T17-TSAG-181210-TD-GEN-0446!!MSW-E.docx); "
             "plain: <report>.docx.")] = "itu",
    force: Annotated[bool, typer.Option(
        "--force", help="Rebuild even if up to date; move edited outputs aside to a "
                        "backup instead of refusing.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0,
                                      help="Parallel builds; 0 = the number of cores.")]
    = 0,
    template: Annotated[Path | None, typer.Option(
        help="A restyled Word template to use instead of the packaged one.")] = None,
    lock_timeout: Annotated[float, typer.Option(
        "--lock-timeout", min=0,
        help="Seconds to wait while another build writes into the same output folder.")]
    = 120.0,
    timings: Annotated[bool, typer.Option("--timings", help="Print per-stage times.")] = False,
    preview: Annotated[bool, typer.Option(
        "--preview", help="Also render the PDF pages to PNG (needs pdftoppm).")] = False,
    changes_from: Annotated[str | None, typer.Option(
        "--changes-from", help="Also write a copy with the changes marked against the "
        "previous version: its content folder, git:REV, or its archived PDF.",
        show_default=False)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Build DOCX and PDF for each report."""
    from reportgen.build.options import BuildOptions, Format, Names

    _check_output_options(fmt, names, template)
    reports = _report_paths(paths)
    options = BuildOptions(out, Format(fmt), Names(names), force, template, debug,
                           lock_timeout, _notify, changes_from)
    workers = jobs or _cores()
    signal.signal(signal.SIGTERM, _on_terminate)
    try:
        results = _run_with_progress(reports, options, workers, timings)
    except KeyboardInterrupt:
        _echo("reportgen: interrupted; nothing more was built and no "
                   "partial file was left behind", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if preview:
        _previews(results)
    _summary(results)
    _pause("summary")
    if any(r.status == "failed" for r in results):
        raise typer.Exit(EXIT_CONTENT)


def _cores() -> int:
    """The cores this process may run on (its affinity), the default of ``--jobs``."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _run_with_progress(reports: list[Path], options: object, jobs: int,
                       timings: bool) -> list[BuildResult]:
    from reportgen.build.many import build_many
    from reportgen.build.options import BuildOptions

    assert isinstance(options, BuildOptions)
    show_bar = sys.stderr.isatty() and len(reports) > 1

    def report(result: BuildResult) -> None:
        _print_result(result, timings)

    if not show_bar:
        return build_many(reports, options, jobs, report)
    from rich.console import Console
    from rich.progress import Progress

    # the live bar redirects ordinary output, so each result prints above it
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Building", total=len(reports))

        def advance(result: BuildResult) -> None:
            _print_result(result, timings)
            progress.advance(task)

        return build_many(reports, options, jobs, advance)


def _result_line(result: BuildResult) -> str:
    from reportgen.errors import display_path

    if result.status == "built":
        files = ", ".join(display_path(f) for f in result.files)
        return f"built {result.report}: {files}"
    if result.status == "skipped":
        return f"up to date {result.report} (use --force to rebuild)"
    return f"FAILED {result.report}"


def _print_result(result: BuildResult, timings: bool) -> None:
    _echo(_result_line(result))
    for backup in result.backups:
        _echo(f"  moved the edited file aside to {backup}")
    for warning in result.warnings:
        _echo(warning, err=True)
    for error in result.errors:
        _echo(error, err=True)
    if timings and result.timings:
        stages = "  ".join(f"{k} {v * 1000:.0f} ms" for k, v in result.timings.items())
        total = sum(result.timings.values()) * 1000
        _echo(f"  timings: {stages}  (total {total:.0f} ms; each stage includes "
                   "importing what it needs)")
        if result.peak_rss_mib is not None:
            _echo(f"  peak memory of the process that rendered its PDF (or, in a "
                       f"batch, of its workers): {result.peak_rss_mib:.0f} MiB")


def _summary(results: list[BuildResult]) -> None:
    counts = {s: sum(r.status == s for r in results) for s in ("built", "skipped", "failed")}
    if len(results) > 1 or counts["failed"]:
        line = f"{counts['built']} built, {counts['skipped']} up to date, " \
               f"{counts['failed']} failed"
        failed = [r.report for r in results if r.status == "failed"]
        if failed:
            line += f" ({', '.join(failed)})"
        _echo(line)


def _previews(results: list[BuildResult]) -> None:
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        _echo("warning: --preview needs pdftoppm (poppler-utils); no preview made",
                   err=True)
        return
    for result in results:
        for pdf in (f for f in result.files if f.suffix == ".pdf"):
            folder = pdf.parent / "preview"
            folder.mkdir(exist_ok=True)
            # absolute paths: a name starting with '-' is never read as an option
            subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf.resolve()),
                            str((folder / "page").resolve())], check=False, timeout=120)
            _echo(f"  preview: {folder}")


@app.command()
def watch(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Report folders (or folders of reports). Default: every report in content/.",
        show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("output"),
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="docx, pdf or all.")] = "all",
    names: Annotated[str, typer.Option(help="itu or plain file names.")] = "itu",
    template: Annotated[Path | None, typer.Option(
        help="A restyled Word template to use instead of the packaged one.")] = None,
    timings: Annotated[bool, typer.Option("--timings", help="Print per-stage times.")] = False,
) -> None:
    """Build, then rebuild each report when one of its files is saved (DOCX first, then
    PDF) until Ctrl-C. Errors are printed and the last good outputs kept."""
    from reportgen.build.options import BuildOptions, Format, Names
    from reportgen.build.watch import watch as watch_reports

    _check_output_options(fmt, names, template)
    reports = _report_paths(paths)
    options = BuildOptions(out, Format(fmt), Names(names), False, template, False,
                           notify=_notify)

    def show(result: BuildResult) -> None:
        _print_result(result, timings)

    if options.wants("pdf"):
        _warn_if_slow_subsetter()
    signal.signal(signal.SIGTERM, _on_terminate)
    try:
        watch_reports(reports, options, show, _notify)
    except KeyboardInterrupt:
        _echo("reportgen: stopped watching", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None


@app.command()
def check(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Report folders (or folders of reports). Default: every report in content/.",
        show_default=False)] = None,
) -> None:
    """Validate content without writing anything; print errors and warnings."""
    from reportgen.content.load import load
    from reportgen.errors import ContentError
    from reportgen.prepare.tree import prepare

    failed = 0
    for path in _report_paths(paths):
        try:
            doc = prepare(load(path))
        except ContentError as exc:
            failed += 1
            for problem in exc.problems:
                _echo(str(problem), err=True)
            continue
        for warning in doc.warnings:
            _echo(warning, err=True)
        _echo(f"ok {path}")
    if failed:
        raise typer.Exit(EXIT_CONTENT)


@app.command()
def verify(
    folder: Annotated[Path, typer.Argument(help="An output folder (default: output/).")]
    = Path("output"),
) -> None:
    """Check generated files against their manifests (SHA-256); exit 1 on any mismatch.

    A build that was killed while it replaced files is finished first (from its journal).
    """
    from reportgen.build.commit import settle
    from reportgen.build.outputs import JOURNAL, MANIFEST, verify_folder
    from reportgen.errors import OutputConflict

    if not folder.is_dir():
        _usage_error(f"no such folder: {folder}")
    folders = sorted({p.parent for name in (MANIFEST, JOURNAL) for p in folder.rglob(name)})
    if not folders:
        _echo(f"{folder}: no {MANIFEST} found", err=True)
        raise typer.Exit(EXIT_CONTENT)
    bad = 0
    for found in folders:
        waiting = functools.partial(_notify, f"waiting for a build into {found} to finish…")
        try:
            if settle(found, VERIFY_WAIT, waiting):
                _echo(f"finished the interrupted build in {found}")
        except OutputConflict as exc:
            _echo(str(exc), err=True)
            bad += 1
            continue
        checked, mismatches = verify_folder(found)
        for mismatch in mismatches:
            _echo(str(mismatch), err=True)
        bad += len(mismatches)
        if not mismatches:
            _echo(f"ok {found} ({checked} files)")
    if bad:
        raise typer.Exit(EXIT_CONTENT)


@app.command()
def schema(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="With --write: report folders (or folders of reports). Default: every "
             "report in content/.", show_default=False)] = None,
    write: Annotated[bool, typer.Option(
        "--write", help="Instead of printing the schema, point each report.yaml at the "
                        "packaged schema (a '# yaml-language-server: $schema=' first "
                        "line).")] = False,
) -> None:
    """Print the JSON Schema of report.yaml (draft-07, for editors), or with --write add
    the line that makes editors use it."""
    from reportgen.content.locate import REPORT_FILE
    from reportgen.content.schema import schema_text, write_modeline
    from reportgen.errors import display_path

    if not write:
        if paths:
            _usage_error("paths are for --write; 'reportgen schema' alone prints the schema")
        _echo(schema_text(), nl=False)
        return
    for path in _report_paths(paths):
        report_yaml = path if path.name == REPORT_FILE else path / REPORT_FILE
        if not report_yaml.is_file():
            _usage_error(f"not a report: no {REPORT_FILE} in {path}")
        try:
            changed = write_modeline(report_yaml)
        except OSError as exc:
            _echo(f"{display_path(report_yaml)}: cannot write: {exc.strerror}", err=True)
            raise typer.Exit(EXIT_CONTENT) from None
        state = "schema line added or updated" if changed else "schema line already there"
        _echo(f"{state}: {display_path(report_yaml)}")


@app.command()
def new(
    kind: Annotated[str, typer.Argument(help="td, contribution, ls (liaison statement), "
                                        "plain (no cover table), report (an R-series "
                                        "meeting report) or letter (a TSB collective "
                                        "letter or circular).", show_default=False)],
    path: Annotated[Path, typer.Argument(help="The new report's folder (must not exist, "
                                               "or be empty).", show_default=False)],
    layout: Annotated[str, typer.Option(
        help="The cover layout: 2022 or 2017-2020.")] = "2022",
) -> None:
    """Create a report folder whose every key is commented; it checks and builds as is."""
    from reportgen.content.model import CoverLayout, DocumentKind
    from reportgen.content.scaffold import FolderNotEmpty, new_report
    from reportgen.errors import display_path

    kinds = [k.value for k in DocumentKind]
    layouts = [v.value for v in CoverLayout]
    if kind not in kinds:
        _usage_error(f"KIND must be {', '.join(kinds[:-1])} or {kinds[-1]}, not {kind!r}")
    if layout not in layouts:
        _usage_error(f"--layout must be {' or '.join(layouts)}, not {layout!r}")
    try:
        files = new_report(DocumentKind(kind), CoverLayout(layout), path)
    except FolderNotEmpty as exc:
        _echo(f"reportgen: error: {exc}", err=True)
        raise typer.Exit(EXIT_CONTENT) from None
    except OSError as exc:
        _echo(f"reportgen: error: {path}: cannot create: {exc.strerror}", err=True)
        raise typer.Exit(EXIT_CONTENT) from None
    for file in files:
        _echo(f"created {display_path(file)}")
    _echo(f"next: reportgen check {display_path(path)} && "
               f"reportgen build {display_path(path)}")


@app.command()
def tree(
    path: Annotated[Path, typer.Argument(help="A report folder (or its report.yaml).")],
) -> None:
    """Print the prepared document tree as JSON: every block with its id, origin and
    label, exactly as the writers receive it."""
    import json

    from reportgen.content.load import load
    from reportgen.errors import ContentError, display_path
    from reportgen.prepare.tree import prepare
    from reportgen.tree import to_json

    try:
        loaded = load(path)
        doc = prepare(loaded)
    except ContentError as exc:
        for problem in exc.problems:
            _echo(str(problem), err=True)
        raise typer.Exit(EXIT_CONTENT) from None
    data = to_json(doc, display_path(loaded.root))
    _echo(json.dumps(data, indent=1, ensure_ascii=False))


@app.command()
def review(
    docx: Annotated[Path, typer.Argument(help="The reviewed DOCX (it may be anywhere).")],
    content: Annotated[Path | None, typer.Option(
        "--content", help="The report's folder, or a folder of reports. Default: content/.",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    apply: Annotated[bool, typer.Option(
        "--apply", help="Apply the tracked insertions and deletions to the sources.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="With --apply: print the source diff, write nothing.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Apply even though the sources changed since the DOCX was built."
    )] = False,
) -> None:
    """List the comments and tracked changes of a reviewed DOCX as file:line lines of the
    content; with --apply, make the tracked changes in the sources."""
    import json

    from reportgen.errors import ContentError
    from reportgen.review.report import ReviewError, lines, open_review
    from reportgen.review.report import as_json as findings_json

    if not docx.is_file():
        _usage_error(f"{docx}: no such file")
    try:
        report = open_review(docx, content)
    except ReviewError as exc:
        _echo(f"reportgen: {exc}", err=True)
        raise typer.Exit(EXIT_CONTENT) from None
    except ContentError as exc:
        for problem in exc.problems:
            _echo(str(problem), err=True)
        raise typer.Exit(EXIT_CONTENT) from None
    if report.stale:
        _echo("warning: the sources changed since this DOCX was built; lines may have "
                   "moved", err=True)
    if as_json:
        _echo(json.dumps(findings_json(report), indent=1, ensure_ascii=False))
    else:
        for line in lines(report):
            _echo(line)
    if apply:
        _apply_review(report, dry_run, force)


@app.command("import")
def import_(
    docx: Annotated[Path, typer.Argument(help="The Word document (DOCX) to import.",
                                         show_default=False)],
    folder: Annotated[Path, typer.Argument(help="The new report folder (must not exist, or "
                                                "be empty; see --force).", show_default=False)],
    kind: Annotated[str | None, typer.Option(
        "--kind", help="td, contribution, ls, plain, report or letter; default: read from "
        "the cover.",
        show_default=False)] = None,
    accept_changes: Annotated[bool, typer.Option(
        "--accept-changes", help="Import the text with its tracked changes accepted "
        "(comments are listed and left out).")] = False,
    reject_changes: Annotated[bool, typer.Option(
        "--reject-changes", help="Import the text as it was before its tracked changes "
        "(comments are listed and left out).")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace FOLDER if it exists with content.")] = False,
) -> None:
    """Turn a Word document into a new report folder (report.yaml + Markdown) that checks
    and builds; every paragraph the format cannot hold, or would print otherwise, is
    reported."""
    from reportgen.errors import display_path
    from reportgen.importer import ImportRefused, import_docx

    kinds = ("td", "contribution", "ls", "plain", "report", "letter")
    if kind is not None and kind not in kinds:
        _usage_error(f"--kind must be {', '.join(kinds[:-1])} or {kinds[-1]}, not {kind!r}")
    if accept_changes and reject_changes:
        _usage_error("--accept-changes and --reject-changes exclude each other")
    if not docx.is_file():
        _usage_error(f"{docx}: no such file")
    changes = "accept" if accept_changes else "reject" if reject_changes else None
    try:
        result = import_docx(docx, folder, kind, changes, force)  # type: ignore[arg-type]
    except ImportRefused as exc:
        typer.echo(f"reportgen: error: {exc}", err=True)
        raise typer.Exit(EXIT_CONTENT) from None
    except OSError as exc:
        typer.echo(f"reportgen: error: {folder}: cannot write: {exc.strerror or exc}",
                   err=True)
        raise typer.Exit(EXIT_CONTENT) from None
    for line in result.comments:
        typer.echo(line, err=True)
    for line in result.notes:
        typer.echo(f"warning: {line}" if not line.startswith("warning") else line, err=True)
    typer.echo(f"imported {docx.name} into {display_path(folder)}: {len(result.files)} files; "
               f"{result.equal} of {result.paragraphs} paragraphs rebuild the same")
    typer.echo(f"next: reportgen check {display_path(folder)} && "
               f"reportgen build {display_path(folder)}")


def _apply_review(report: ReviewedReport, dry_run: bool, force: bool) -> None:
    from reportgen.errors import display_path
    from reportgen.review.apply import plan, write

    if report.stale and not force:
        _echo("reportgen: the sources changed since this DOCX was built: nothing was "
                   "applied (review the lines above, or run again with --force)", err=True)
        raise typer.Exit(EXIT_CONTENT)
    result = plan(report)
    for o in result.outcomes:
        if o.applied:
            _echo(f"{o.place}: applied: {o.summary}")
        else:
            _echo(f"{o.place}: not applied: {o.summary}: {o.reason}", err=True)
    comments = sum(1 for f in report.review.findings if f.kind in ("comment", "reply"))
    if comments:
        _echo(f"{comments} comment(s) above remain to be dealt with by hand")
    applied = sum(1 for o in result.outcomes if o.applied)
    refused = len(result.outcomes) - applied
    if dry_run:
        _echo(result.diff(), nl=False)
    else:
        backup = write(report, result)
        if backup is not None:
            _echo(f"changed {len(result.files)} file(s); the originals are in "
                       f"{display_path(backup)}")
    would = "would be " if dry_run else ""
    if refused:
        _echo(f"{applied} {would}applied, {refused} not applied: make those by hand "
                   "(the lines above say why)", err=True)
        raise typer.Exit(EXIT_CONTENT)
    _echo(f"{applied} {would}applied")


def main() -> None:
    """The command. Ctrl-C (SIGINT) or SIGTERM ends it with EXIT_INTERRUPTED (130) at
    whatever moment it lands, until the process is gone: while a command works (each
    command cleans up first), and after it is done, its summary printed."""
    signal.signal(signal.SIGTERM, _on_terminate)
    code: int | str | None = EXIT_INTERRUPTED
    try:
        try:
            code = _run_app()
        except SystemExit as exc:
            code = exc.code
        except KeyboardInterrupt:
            code = EXIT_INTERRUPTED
    except KeyboardInterrupt:  # landed while the above was being handled
        code = EXIT_INTERRUPTED
    # Done. Python would give the signals back their default action as it shuts down (a
    # SIGTERM then exits 143): they are blocked instead, the shutdown's work is done here,
    # and a signal that came meanwhile makes the exit code 130.
    stopping = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stopping)
    _pause("exit")
    status = _status(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more to say
            stream.flush()
    if stopping & signal.sigpending():
        status = EXIT_INTERRUPTED
    os._exit(status)


def _run_app() -> int:
    """Run the command; its exit status. A wrong command line is reported in click's
    words, printed through ``_echo`` like every other message."""
    import io

    try:
        returned = app(standalone_mode=False)
    except Exception as exc:  # click's usage errors, whichever click typer carries
        show, status = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if type(exc).__name__ == "Abort":  # end of input at a prompt
            _echo("Aborted!", err=True)
            return EXIT_CONTENT
        if not callable(show) or not isinstance(status, int):
            raise
        shown = io.StringIO()
        show(file=shown)
        _echo(shown.getvalue(), err=True, nl=False)
        return status
    return returned if isinstance(returned, int) else EXIT_OK


def _status(code: int | str | None) -> int:
    """The exit status ``sys.exit(code)`` gives."""
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code
    with contextlib.suppress(Exception):
        print(code, file=sys.stderr)
    return EXIT_CONTENT
