"""Outputs: ITU names, the manifest, edited files never overwritten silently, atomic
writes, incremental rebuilds and ``verify``."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen import files
from reportgen.build import outputs

from .conftest import LS_EXAMPLE, ROOT, SECOND, SEED, as_at_a_terminal, run_cli


def build(report: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("build", str(report), "--out", str(out), *extra)


def test_itu_file_names(tmp_path: Path) -> None:
    assert build(SEED, tmp_path).returncode == 0
    assert build(SECOND, tmp_path).returncode == 0
    assert sorted(p.name for p in (tmp_path / SEED.name).iterdir()) == [
        "T17-TSAG-181210-TD-GEN-0446!!MSW-E.docx",
        "T17-TSAG-181210-TD-GEN-0446!!PDF-E.pdf",
        "manifest.json",
    ]
    assert sorted(p.name for p in (tmp_path / SECOND.name).iterdir()) == [
        "T22-TSAG-221212-TD-GEN-0011!R1!MSW-E.docx",
        "T22-TSAG-221212-TD-GEN-0011!R1!PDF-E.pdf",
        "manifest.json",
    ]


def test_plain_names_and_single_format(tmp_path: Path) -> None:
    assert build(SEED, tmp_path, "--names", "plain", "--format", "docx").returncode == 0
    assert sorted(p.name for p in (tmp_path / SEED.name).iterdir()) == [
        "manifest.json", "tsag-2018-12-quantum-adhoc.docx"]


def test_outputs_the_sources_no_longer_make_are_not_left_beside_the_new_ones(
        tmp_path: Path) -> None:
    """The number changes: the old TD250 files go (a reader must not send the wrong
    one) and the manifest lists only what the sources make; an edited old file stays,
    said so, and unlisted. A DOCX-only build after the sources changed removes the PDF
    made from the earlier sources; one from unchanged sources keeps it."""
    report = tmp_path / "ls"
    shutil.copytree(LS_EXAMPLE, report)
    out = tmp_path / "out"
    folder = out / "ls"

    def renumber(number: int) -> None:
        text = (report / "report.yaml").read_text(encoding="utf-8")
        text = re.sub(r"(?m)^  number: \d+", f"  number: {number}", text)
        (report / "report.yaml").write_text(text, encoding="utf-8")

    def listed() -> list[str]:
        return sorted(json.loads((folder / "manifest.json").read_text())["outputs"])

    assert build(report, out).returncode == 0
    renumber(251)
    done = build(report, out)
    assert done.returncode == 0, done.stderr
    assert "removed " in done.stdout and "0250!!PDF-E.pdf: this build replaces it under " \
        "another name" in done.stdout
    names = ["T22-TSAG-230530-TD-GEN-0251!!MSW-E.docx", "T22-TSAG-230530-TD-GEN-0251!!PDF-E.pdf"]
    assert sorted(p.name for p in folder.iterdir()) == [*names, "manifest.json"]
    assert listed() == names
    edited = folder / names[0]
    edited.write_bytes(edited.read_bytes() + b"chair's edit")
    renumber(252)
    done = build(report, out)
    assert done.returncode == 0
    assert f"{names[0]} was edited since it was generated" in done.stderr
    assert edited.exists() and names[0] not in listed()
    assert run_cli("verify", str(folder)).returncode == 0
    assert build(report, out, "--format", "docx", "--force").returncode == 0
    assert "T22-TSAG-230530-TD-GEN-0252!!PDF-E.pdf" in listed()  # same sources: current
    renumber(253)
    done = build(report, out, "--format", "docx")
    assert "0252!!PDF-E.pdf: it was made from earlier sources" in done.stdout
    assert listed() == ["T22-TSAG-230530-TD-GEN-0253!!MSW-E.docx"]


def test_manifest_records_outputs_and_inputs(tmp_path: Path) -> None:
    assert build(SEED, tmp_path).returncode == 0
    folder = tmp_path / SEED.name
    manifest = json.loads((folder / "manifest.json").read_text())
    for name, digest in manifest["outputs"].items():
        assert outputs.file_sha256(folder / name) == digest
    assert manifest["inputs"]["report.yaml"] == outputs.file_sha256(SEED / "report.yaml")
    assert set(manifest["inputs"]) == {p.name for p in SEED.iterdir()}


def test_edited_output_is_never_overwritten_silently(tmp_path: Path) -> None:
    assert build(SEED, tmp_path).returncode == 0
    docx = next((tmp_path / SEED.name).glob("*.docx"))
    docx.write_bytes(docx.read_bytes() + b"chair's edit")
    edited = docx.read_bytes()

    refused = build(SEED, tmp_path, "--force" if False else "--format=all")
    # unchanged content: up to date is decided by hashes, and the edited file differs
    assert refused.returncode == 1, refused.stdout
    assert "changed since it was generated" in refused.stderr
    assert "--force" in refused.stderr
    # the way to bring the edits back, the file name past the end of the options
    assert f"reportgen review --apply -- '{docx}'" in " ".join(refused.stderr.split())
    assert docx.read_bytes() == edited

    forced = build(SEED, tmp_path, "--force")
    assert forced.returncode == 0, forced.stderr
    backups = list((tmp_path / SEED.name).glob("*.edited-*.docx"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    assert docx.read_bytes() != edited
    assert "moved the edited file aside" in forced.stdout


def test_unchanged_rebuild_is_skipped_and_force_rebuilds(tmp_path: Path) -> None:
    assert build(SEED, tmp_path).returncode == 0
    again = build(SEED, tmp_path)
    assert again.returncode == 0 and "up to date" in again.stdout
    forced = build(SEED, tmp_path, "--force")
    assert forced.returncode == 0 and "built" in forced.stdout


def test_changed_content_rebuilds(tmp_path: Path) -> None:
    report = tmp_path / "content" / SEED.name
    report.parent.mkdir()
    subprocess.run(["cp", "-r", str(SEED), str(report)], check=True)
    out = tmp_path / "out"
    assert build(report, out).returncode == 0
    (report / "method.md").write_text((report / "method.md").read_text() + "\nOne more line.\n")
    again = build(report, out)
    assert again.returncode == 0 and "built" in again.stdout


def test_verify_passes_then_names_a_changed_file(tmp_path: Path) -> None:
    assert build(SEED, tmp_path).returncode == 0
    ok = run_cli("verify", str(tmp_path))
    assert ok.returncode == 0 and "ok" in ok.stdout
    pdf = next((tmp_path / SEED.name).glob("*.pdf"))
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 1
    pdf.write_bytes(bytes(data))
    bad = run_cli("verify", str(tmp_path))
    assert bad.returncode == 1
    assert pdf.name in bad.stderr and "SHA-256 differs" in bad.stderr


def test_atomic_write_leaves_no_partial_file_when_interrupted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.atomic_write(target, b"new content")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_temporaries_of_a_hard_killed_build_are_cleaned_up(tmp_path: Path) -> None:
    folder = tmp_path / SEED.name
    folder.mkdir()
    stale = folder / ".T17-TSAG-181210-TD-GEN-0446!!PDF-E.pdf.x1y2z3.tmp"
    stale.write_bytes(b"half a PDF")
    assert build(SEED, tmp_path).returncode == 0
    assert not stale.exists()


@pytest.mark.parametrize("delay", [0.4, 0.9, 1.4])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_killed_build_leaves_no_partial_file(tmp_path: Path, delay: float,
                                               sig: signal.Signals) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "reportgen", "build", str(SEED), "--out",
                             str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=as_at_a_terminal)
    time.sleep(delay)
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    folder = tmp_path / SEED.name
    files = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    assert not [f for f in files if f.endswith(".tmp") or f.startswith(".")], files
    if "manifest.json" in files:
        assert run_cli("verify", str(tmp_path)).returncode == 0
