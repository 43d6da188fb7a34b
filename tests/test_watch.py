"""``reportgen watch`` as a user runs it: a real process that rebuilds on each save,
reports errors with their place, keeps the last good outputs, leaves an edited output
alone and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from reportgen.build.watch import changed_reports

from .conftest import ROOT, SEED, as_at_a_terminal

WAIT = 240.0  # seconds: generous, the machine may be busy
ADDED = "A sentence added while the report was being watched."


def _wait_for(what: str, ready: Callable[[], bool], proc: subprocess.Popen[bytes],
              errors: Path) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if ready():
            return
        assert proc.poll() is None, f"watch exited early: {errors.read_text()}"
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; stderr:\n{errors.read_text()}")


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""


def _docx_xml(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            return z.read("word/document.xml").decode("utf-8")
    except (OSError, zipfile.BadZipFile, KeyError):
        return ""


def test_watch_rebuilds_on_save_and_keeps_the_last_good_outputs(tmp_path: Path) -> None:
    report = tmp_path / SEED.name
    shutil.copytree(SEED, report)
    out = tmp_path / "out"
    folder = out / SEED.name
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with stdout.open("wb") as so, stderr.open("wb") as se:
        proc = subprocess.Popen([sys.executable, "-m", "reportgen", "watch", str(report),
                                 "--out", str(out)], cwd=ROOT, stdout=so, stderr=se,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                                preexec_fn=as_at_a_terminal)
    try:
        docx = folder / "T17-TSAG-181210-TD-GEN-0446!!MSW-E.docx"
        pdf = folder / "T17-TSAG-181210-TD-GEN-0446!!PDF-E.pdf"
        _wait_for("the first outputs", lambda: "watching 1 report" in stderr.read_text(),
                  proc, stderr)
        first_docx, first_pdf = docx.read_bytes(), pdf.read_bytes()
        assert ADDED not in _docx_xml(docx)

        # a save: the DOCX, then the PDF, are rebuilt with the new text
        with (report / "method.md").open("a", encoding="utf-8") as f:
            f.write(f"\n{ADDED}\n")
        _wait_for("a DOCX with the new text",
                  lambda: _read(docx) != first_docx and ADDED in _docx_xml(docx), proc, stderr)
        _wait_for("a new PDF", lambda: _read(pdf) not in (b"", first_pdf), proc, stderr)
        # the line is printed once the commit is done, just after the file appears
        _wait_for("four 'built' lines", lambda: stdout.read_text().count("built ") == 4,
                  proc, stderr)
        good_docx, good_pdf = docx.read_bytes(), pdf.read_bytes()

        # a bad save: a located error, and the last good outputs stay
        yaml_path = report / "report.yaml"
        original = yaml_path.read_text(encoding="utf-8")
        yaml_path.write_text(original.replace("  source: Chairman", "  sourse: Chairman"),
                             encoding="utf-8")
        _wait_for("the located error",
                  lambda: "report.yaml:" in stderr.read_text() and "'sourse'" in
                  stderr.read_text(), proc, stderr)
        error = next(line for line in stderr.read_text().splitlines() if "'sourse'" in line)
        line = original.splitlines().index("  source: Chairman, TSAG ad hoc group on Quantum")
        assert f"report.yaml:{line + 1}:3: document.sourse: unknown key 'sourse'" in error
        assert docx.read_bytes() == good_docx and pdf.read_bytes() == good_pdf

        # someone edits the DOCX: the next save is refused for it, the file is left alone
        edited = good_docx + b"edited"
        docx.write_bytes(edited)
        yaml_path.write_text(original, encoding="utf-8")
        _wait_for("the refusal", lambda: "changed since it was generated" in
                  stderr.read_text(), proc, stderr)
        assert docx.read_bytes() == edited and pdf.read_bytes() == good_pdf
        assert stdout.read_text().count("built ") == 4
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=120)
    assert code in (0, 130)
    assert "Traceback" not in stderr.read_text()
    assert not list(folder.glob(".*tmp*")) and not (folder / ".reportgen.lock").exists()


def test_only_content_files_of_a_watched_report_start_a_rebuild(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    out = one / "output"  # 'watch .' in the report's folder writes inside it
    changes = [str(one / "output" / "one" / "x.docx"), str(one / ".report.yaml.tmp"),
               str(two / "intro.md"), str(tmp_path / "elsewhere.md")]
    assert changed_reports(changes, [one, two], out) == [two]
    assert changed_reports([str(one / "report.yaml")], [one, two], out) == [one]


def test_the_docx_is_committed_before_the_pdf_and_a_failed_pdf_is_rebuilt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """watch's build commits the DOCX as soon as it is written; if the PDF then fails,
    the folder is not taken for up to date by the next build."""
    from reportgen.build.one import build_report
    from reportgen.build.options import BuildOptions, BuildResult
    from reportgen.build.outputs import Manifest
    from reportgen.writers import WRITERS, RenderJob

    folder = tmp_path / SEED.name
    early: list[BuildResult] = []

    def docx_only_so_far(result: BuildResult) -> None:
        early.append(result)
        assert sorted(p.suffix for p in folder.iterdir()
                      if p.suffix in (".docx", ".pdf")) == [".docx"]

    result = build_report(SEED, BuildOptions(tmp_path, on_early=docx_only_so_far))
    assert result.status == "built", result.errors
    assert [[p.suffix for p in r.files] for r in early] == [[".docx"]]
    assert [p.suffix for p in result.files] == [".pdf"]
    manifest = Manifest.read(folder)
    assert manifest is not None and len(manifest.outputs) == 2

    def broken(job: RenderJob) -> bytes:
        raise RuntimeError("the PDF writer broke")

    monkeypatch.setitem(WRITERS, "pdf", replace(WRITERS["pdf"], render=broken))
    edited = tmp_path / "edited"
    shutil.copytree(SEED, edited / SEED.name)
    with (edited / SEED.name / "method.md").open("a", encoding="utf-8") as f:
        f.write(f"\n{ADDED}\n")
    early.clear()
    failed = build_report(edited / SEED.name, BuildOptions(tmp_path, on_early=early.append))
    assert failed.status == "failed" and "the PDF writer broke" in failed.errors[0]
    assert ADDED in _docx_xml(early[0].files[0])  # the new DOCX is there
    monkeypatch.undo()
    again = build_report(edited / SEED.name, BuildOptions(tmp_path))
    assert again.status == "built"  # not "skipped": the PDF was still the old one
