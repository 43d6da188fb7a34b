"""Shared fixtures: built outputs of the worked example, and real-client helpers."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEED = CONTENT / "tsag-2018-12-quantum-adhoc"
SECOND = CONTENT / "tsag-2022-12-rg-wpr-meeting"
LS_EXAMPLE = CONTENT / "tsag-2023-05-ls-example"  # kind: ls
PLAIN_EXAMPLE = CONTENT / "fg-mv-tor"  # kind: plain
REPORT_EXAMPLE = CONTENT / "tsag-2018-04-r2-report"  # kind: report
LETTER_EXAMPLE = CONTENT / "tsb-2017-09-collective-letter-2-tsag"  # kind: letter
SEED_TEXT = ROOT / "tests" / "data" / "seed-quantum-2018-12.txt"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


# What makes a test drive LibreOffice: a helper it calls or a fixture it takes.
LIBREOFFICE_HELPERS = {"libreoffice_pdf", "LibreOfficeReviewer", "lo_pages", "lo_pdf"}
LIBREOFFICE_FIXTURES = {"reviewer", "with_insertion", "with_both"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that start LibreOffice (``-m "not libreoffice"`` leaves them out)."""
    for item in items:
        function = getattr(item, "function", None)
        names = set(function.__code__.co_names) if function is not None else set()
        if names & LIBREOFFICE_HELPERS or \
                set(getattr(item, "fixturenames", ())) & LIBREOFFICE_FIXTURES:
            item.add_marker(pytest.mark.libreoffice)


def as_at_a_terminal() -> None:
    """Run in a started process before it starts: Ctrl-C (SIGINT) interrupts it, as at a
    terminal, even when the tests themselves run where SIGINT is ignored (a background
    job of a shell script ignores it, and its children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def need_tool(name: str) -> str:
    """The path of a system tool; skip (or fail under CI=true) when it is missing."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (make test installs it where it can)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_cli(*args: str, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``reportgen`` in a fresh process, as a user would."""
    return subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


# ``python -m reportgen`` that also records, as it exits, the peak resident memory of its
# process and of the largest process it waited for (a forked writer, git), in KiB
_MEASURED = """\
import atexit, os, resource, sys
def record():
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    with open(os.environ["REPORTGEN_TEST_PEAK"], "w") as f:
        f.write(str(peak))
atexit.register(record)
sys.argv = ["reportgen", *sys.argv[1:]]
from reportgen.cli import main
main()
"""


def run_measured(*args: str, peak_file: Path, cwd: Path | None = None,
                 timeout: float = 120) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``reportgen`` in a fresh process; its result and its peak memory in MiB.

    ``timeout`` only guards against a hang: the bound a test asserts is on work done
    (memory), never on the clock."""
    result = subprocess.run([sys.executable, "-c", _MEASURED, *args], cwd=cwd or ROOT,
                            capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, "REPORTGEN_TEST_PEAK": str(peak_file)})
    return result, int(peak_file.read_text()) / 1024


@dataclass(frozen=True)
class Built:
    folder: Path
    docx: Path
    pdf: Path | None  # None after a build with --format docx


def build_into(report: Path, out: Path, *extra: str) -> Built:
    result = run_cli("build", str(report), "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr
    folder = out / report.name
    docx = next(folder.glob("*.docx"))
    pdf = next(folder.glob("*.pdf"), None)
    assert pdf is not None or "docx" in extra, f"no PDF in {folder}"
    return Built(folder, docx, pdf)


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_into(SEED, tmp_path_factory.mktemp("seed-out"))


@pytest.fixture(scope="session")
def second_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_into(SECOND, tmp_path_factory.mktemp("second-out"))


@pytest.fixture(scope="session")
def ls_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_into(LS_EXAMPLE, tmp_path_factory.mktemp("ls-out"))


@pytest.fixture(scope="session")
def tor_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_into(PLAIN_EXAMPLE, tmp_path_factory.mktemp("tor-out"))


@pytest.fixture(scope="session")
def report_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_into(REPORT_EXAMPLE, tmp_path_factory.mktemp("report-out"))


@pytest.fixture(scope="session")
def letter_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_into(LETTER_EXAMPLE, tmp_path_factory.mktemp("letter-out"))


def docx_part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def docx_paragraph_texts(path: Path) -> list[str]:
    """Every paragraph's text in body order, tables included (w:t, w:tab, w:br)."""
    body = docx_part(path, "word/document.xml").find(f"{W}body")
    assert body is not None
    texts = []
    for p in body.iter(f"{W}p"):
        parts = []
        for el in p.iter(f"{W}t", f"{W}tab", f"{W}br"):
            parts.append(el.text or "" if el.tag == f"{W}t" else
                         ("\t" if el.tag == f"{W}tab" else "\n"))
        texts.append("".join(parts))
    return texts


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def normalise(text: str) -> str:
    """Whitespace folded, for comparing text across DOCX, PDF and the seed."""
    return " ".join(text.replace("\u00a0", " ").split())


def assert_in_order(haystack: str, needles: list[str], who: str = "") -> None:
    """Each needle occurs in ``haystack`` after the previous one."""
    pos = 0
    for needle in needles:
        found = haystack.find(needle, pos)
        assert found >= 0, f"{who}{': ' if who else ''}missing or out of order: {needle[:90]!r}"
        pos = found + len(needle)


def libreoffice_pdf(docx: Path) -> Path:
    """Convert with LibreOffice headless in a fresh profile; return the PDF path.

    LibreOffice's exit code is not a verdict: the PDF must exist.
    """
    soffice = need_tool("soffice")
    work = Path(tempfile.mkdtemp(prefix="lo-"))
    source = work / "in.docx"
    shutil.copy(docx, source)
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{work}/profile",
         "--convert-to", "pdf", "--outdir", str(work), str(source)],
        capture_output=True, timeout=180, check=False,
    )
    pdf = work / "in.pdf"
    assert pdf.is_file(), "LibreOffice did not produce a PDF"
    return pdf
