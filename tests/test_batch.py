"""Batch builds: all reports of a folder, in parallel, past a failing one, with progress."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, SECOND, SEED, run_cli


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
