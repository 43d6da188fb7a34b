"""Batch builds: all reports of a folder, in parallel, past a failing one, with progress."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SECOND, SEED, as_at_a_terminal, run_cli


def content_with_a_broken_report(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(SEED, content / "a-quantum")
    shutil.copytree(SECOND, content / "b-rg-wpr")
    broken = content / "c-broken"
    shutil.copytree(SECOND, broken)
    yaml = broken / "report.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("  group: TSAG", "  grupo: TSAG"), "utf-8")
    return content


def test_one_failing_report_stops_nothing(tmp_path: Path) -> None:
    content = content_with_a_broken_report(tmp_path)
    out = tmp_path / "out"
    result = run_cli("build", str(content), "--out", str(out), "--jobs", "2")
    assert result.returncode == 1
    assert "2 built, 0 up to date, 1 failed (c-broken)" in result.stdout
    assert "c-broken/report.yaml:" in result.stderr and "did you mean 'group'" in result.stderr
    assert "Traceback" not in result.stderr
    for name in ("a-quantum", "b-rg-wpr"):
        files = sorted(p.suffix for p in (out / name).iterdir())
        assert files == [".docx", ".json", ".pdf"]
    assert not (out / "c-broken").exists()
    # plain lines when the output is not a terminal: one per report
    assert sum(line.startswith(("built ", "FAILED ")) for line in result.stdout.splitlines()) == 3

    again = run_cli("build", str(content), "--out", str(out))
    assert "0 built, 2 up to date, 1 failed (c-broken)" in again.stdout


def test_timings_name_every_stage(tmp_path: Path) -> None:
    result = run_cli("build", str(SEED), "--out", str(tmp_path), "--timings")
    assert result.returncode == 0
    line = next(ln for ln in result.stdout.splitlines() if "timings:" in ln)
    for stage in ("load", "prepare", "docx", "html", "pdf", "write"):
        assert f"{stage} " in line and " ms" in line


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    content = content_with_a_broken_report(tmp_path)
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "build", str(content), "--out",
         str(tmp_path / "out"), "--jobs", "2"],
        cwd=ROOT, stdin=child, stdout=child, stderr=child, close_fds=True,
        preexec_fn=as_at_a_terminal,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(child)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 120)
        if not ready:
            break
        try:
            data = os.read(main, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 1
    assert "Building" in screen  # rich's progress bar
    assert "2 built, 0 up to date, 1 failed (c-broken)" in screen
    assert "did you mean 'group'" in screen  # errors are shown above the bar
    assert screen.count("built ") >= 2


def several_reports(tmp_path: Path, count: int = 3) -> Path:
    """``count`` copies of the seed, each with its own number and title, and the second."""
    content = tmp_path / "content"
    for n in range(1, count + 1):
        folder = content / f"seed-{n}"
        shutil.copytree(SEED, folder)
        yaml = folder / "report.yaml"
        text = yaml.read_text("utf-8")
        text = text.replace("  number: 446", f"  number: {700 + n}", 1)
        text = text.replace("title: Report of the TSAG ad hoc group on Quantum",
                            f"title: Report number {n} of the TSAG ad hoc group on Quantum", 1)
        yaml.write_text(text, "utf-8")
    shutil.copytree(SECOND, content / "z-rg-wpr")
    return content


def folder_bytes(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_pool_builds_the_bytes_of_one_process(tmp_path: Path) -> None:
    """Each report's DOCX and PDF are separate tasks of a pool; what is committed is what
    one process building the reports one after the other writes, manifests included."""
    content = several_reports(tmp_path)
    pooled = run_cli("build", str(content), "--out", str(tmp_path / "j2"), "--jobs", "2")
    alone = run_cli("build", str(content), "--out", str(tmp_path / "j1"), "--jobs", "1")
    for result in (pooled, alone):
        assert result.returncode == 0, result.stderr
        assert "4 built, 0 up to date, 0 failed" in result.stdout
    built = folder_bytes(tmp_path / "j2")
    assert built == folder_bytes(tmp_path / "j1")
    for n in (1, 2, 3):  # every report's two outputs and its manifest
        stem = f"seed-{n}/T17-TSAG-181210-TD-GEN-0{700 + n}!"
        assert sorted(built).count(f"seed-{n}/manifest.json") == 1
        assert {f"{stem}!MSW-E.docx", f"{stem}!PDF-E.pdf"} == {
            name for name in built if name.startswith(f"seed-{n}/") and "!" in name}
    assert sorted(Path(n).suffix for n in built if n.startswith("z-rg-wpr/")) == [
        ".docx", ".json", ".pdf"]
    check = run_cli("verify", str(tmp_path / "j2"))
    assert check.returncode == 0, check.stderr


def test_a_failing_pdf_writer_fails_its_report_alone_with_nothing_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF writer of one report fails in a worker: that report's DOCX, rendered
    fine by another task, is not committed either; the other reports are built."""
    from reportgen.build.many import build_many
    from reportgen.build.options import BuildOptions, BuildResult
    from reportgen.writers import WRITERS, RenderJob, Writer

    content = several_reports(tmp_path)
    real = WRITERS["pdf"]

    def pdf_failing_for_seed_2(job: RenderJob) -> bytes:
        if job.report_dir.name == "seed-2":
            raise ValueError("the stylesheet is broken")
        return real.render(job)

    monkeypatch.setitem(WRITERS, "pdf", Writer("pdf", "pdf", "PDF", pdf_failing_for_seed_2))
    out = tmp_path / "out"
    seen: list[BuildResult] = []
    results = build_many(sorted(content.iterdir()), BuildOptions(out), 2, seen.append)

    assert [r.status for r in results] == ["built", "failed", "built", "built"]
    assert sorted(r.report for r in seen) == ["seed-1", "seed-2", "seed-3", "z-rg-wpr"]
    failed = results[1]
    assert failed.errors == [f"{content / 'seed-2'}: ValueError: the stylesheet is broken "
                             "(run with --debug for details)"]
    assert not (out / "seed-2").exists()  # not even the DOCX: all or nothing
    for result in (results[0], results[2], results[3]):
        assert sorted(p.suffix for p in result.files) == [".docx", ".pdf"]
        assert {"docx", "html", "pdf", "write"} <= set(result.timings)
        assert result.peak_rss_mib is not None
        names = sorted(p.name for p in (out / result.report).iterdir())
        assert names == sorted([*(p.name for p in result.files), "manifest.json"])


def test_workers_past_their_memory_bound_are_replaced_without_losing_a_task() -> None:
    from reportgen.build.parallel import WorkerPool

    values, pids = [], []
    with WorkerPool(2, rss_limit_mib=1.0) as pool:  # every worker passes 1 MiB
        first = pool.submit(pow, 7, 2)  # queued in the first set of workers
        for n in range(4):
            value, memory = pool.submit(pow, n, 2).result(timeout=60)
            pool.note(memory)  # past the bound: the next task goes to new workers
            values.append(value)
            pids.append(memory.pid)
            assert memory.rss_mib is not None and memory.peak_mib >= memory.rss_mib > 1.0
        assert first.result(timeout=60)[0] == 49  # the retired workers finished it
    assert values == [0, 1, 4, 9]
    assert len(set(pids)) == 4 and pool.generations == 5
