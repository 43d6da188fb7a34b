"""The content format is a public interface: content written for reportgen 0.1 keeps
building, and a key that changed name gets an error at its line naming the new key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reportgen.content import compat
from reportgen.content.compat import Renamed
from reportgen.content.load import load
from reportgen.errors import ContentError

from .conftest import ROOT, SEED, build_into, docx_paragraph_texts, normalise, pdf_text, run_cli
from .test_tree import UPDATE, tree_of

CONTENT_0_1 = ROOT / "tests" / "data" / "content-0.1"  # the examples as 0.1 shipped them
GOLDEN_0_1 = ROOT / "tests" / "golden" / "content-0.1"
REPORTS_0_1 = sorted(p.name for p in CONTENT_0_1.iterdir())


@pytest.mark.parametrize("report", REPORTS_0_1)
def test_content_of_0_1_checks_without_a_word(report: str, tmp_path: Path) -> None:
    result = run_cli("check", str(CONTENT_0_1 / report), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning" not in (result.stdout + result.stderr).lower()


@pytest.mark.parametrize("report", REPORTS_0_1)
def test_content_of_0_1_prepares_to_the_same_tree(report: str, tmp_path: Path) -> None:
    """Numbers, labels, texts and ids of 0.1 content only change on purpose
    (REPORTGEN_UPDATE_GOLDEN=1 rewrites the dump, to be reviewed like code)."""
    work = tmp_path / report  # the same relative origins wherever the tests run
    shutil.copytree(CONTENT_0_1 / report, work)
    text = json.dumps(tree_of(work, cwd=tmp_path), indent=1, ensure_ascii=False) + "\n"
    golden = GOLDEN_0_1 / f"{report}.json"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8")


def test_the_seed_as_0_1_wrote_it_builds_both_outputs(tmp_path: Path) -> None:
    built = build_into(CONTENT_0_1 / SEED.name, tmp_path)
    paragraphs = docx_paragraph_texts(built.docx)
    assert "Report of the TSAG ad hoc group on Quantum" in paragraphs
    assert any(p.startswith("Annex 1") for p in paragraphs)
    assert built.pdf is not None
    assert "Report of the TSAG ad hoc group on Quantum" in normalise(pdf_text(built.pdf))


def _report(tmp_path: Path, document_extra: str, session_extra: str = "") -> Path:
    folder = tmp_path / "renamed"
    folder.mkdir()
    (folder / "report.yaml").write_text(f"""\
document:
  group: TSAG
  study_period: 2017-2020
  number: 1
  meeting: {{place: Geneva, start: 2018-12-10, end: 2018-12-14}}
  source: TSB
  title: A title
  abstract: An abstract.
{document_extra}
sessions:
  - id: first
    title: First session
    date: 2018-12-11
    time: "09:30"
{session_extra}
body:
  - title: Introduction
    text: Some text.
""", "utf-8")
    return folder


def test_a_renamed_key_is_located_and_names_the_key_to_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compat, "RENAMED", (
        Renamed("Metadata", "submitter", "source", "0.3"),
        Renamed("Session", "hall", "room", "0.3"),
    ))
    folder = _report(tmp_path, "  submitter: China", "    hall: C")
    with pytest.raises(ContentError) as caught:
        load(folder)
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) == 2, lines
    assert ":9:3:" in lines[0] and "document.submitter" in lines[0]
    assert "'submitter' was renamed 'source' in reportgen 0.3; write 'source'" in lines[0]
    assert ":15:5:" in lines[1] and "sessions[0].hall" in lines[1]
    assert "'hall' was renamed 'room' in reportgen 0.3" in lines[1]


def test_an_unknown_key_that_was_never_renamed_gets_a_suggestion(tmp_path: Path) -> None:
    folder = _report(tmp_path, "  sourse: China")
    with pytest.raises(ContentError) as caught:
        load(folder)
    assert "unknown key 'sourse'; did you mean 'source'?" in str(caught.value)
