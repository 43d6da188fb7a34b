"""Rev.1 marked against Rev.0: native tracked changes in the DOCX (accept all gives R1,
reject all gives R0, in LibreOffice and in a pure-Python reading) and a marked PDF."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from reportgen.review.read import read_review

from .conftest import SEED, W, need_tool, normalise, pdf_text, run_cli
from .test_numbering import reports, write_report

NAME = SEED.name


def revise(folder: Path) -> None:
    """The edits of a typical Rev.1: a word changed, a sentence deleted, a paragraph
    inserted, a clause inserted (the later ones renumber), a list item moved, a table
    row added, a cover field changed, a statement edited, a clause made unnumbered."""
    def edit(name: str, *pairs: tuple[str, str]) -> None:
        path = folder / name
        text = path.read_text("utf-8")
        for old, new in pairs:
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text, "utf-8")

    edit("report.yaml",
         ("  number: 446", "  number: 446\n  revision: 1"),
         ("title: Report of the TSAG ad hoc group on Quantum",
          "title: Report of the TSAG ad hoc group on Quantum matters"),
         ("  - title: Method Followed\n", "  - title: A clause added\n    text: A new clause "
          "before the method.\n  - title: Method Followed\n"),
         ("You kindly provided some key proposals", "You kindly provided several key "
          "proposals"),
         ("  - id: TD445\n", "  - id: TD447\n    title: A document added to the register\n"
          "  - id: TD445\n"),
         ("  - title: Identification of documents relevant to these adhoc sessions\n",
          "  - title: Identification of documents relevant to these adhoc sessions\n"
          "    numbered: false\n"))
    edit("method.md",
         ("Considering that there are gaps", "Considering that there are wide gaps"),
         ("- A proposition of the proposed FG ToR\n", ""),
         ("- Finally a decision-making process\n", "- Finally a decision-making process\n"
          "- A proposition of the proposed FG ToR\n"))
    edit("session-first.md",
         ("in room C\n", "in room C\n\nA paragraph inserted in the revision.\n"),
         (" which documents the agenda that was verbally proposed by the Chairman and so "
          "approved.ion", ""))
    edit("chairman-analysis.md",  # two paragraphs joined
         ("\n\nOn the other and whilst", " On the other and whilst"))
    edit("general-atmosphere.md",  # one paragraph split in two
         ("was very good, each party", "was very good.\n\nEach party"))


def texts(docx: Path, accept: bool = True) -> list[str]:
    """The paragraphs after Accept All (or Reject All), read from the markup."""
    out, pending = [], ""
    for p in read_review(docx).paragraphs:
        text = p.new if accept else p.old
        if p.mark_deleted if accept else p.mark_inserted:
            pending += text
            continue
        text, pending = pending + text, ""
        if text.strip():
            out.append(normalise(text))
    return out


def build(folder: Path, out: Path, *extra: str) -> dict[str, Path]:
    result = run_cli("build", str(folder), "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr
    return {p.name: p for p in (out / folder.name).iterdir() if p.suffix in (".docx", ".pdf")}


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("revisions")
    r0 = base / "r0" / NAME
    shutil.copytree(SEED, r0)
    r1 = base / "r1" / NAME
    shutil.copytree(SEED, r1)
    revise(r1)
    old = build(r0, base / "out0")
    new = build(r1, base / "out1", "--changes-from", str(r0))
    return {"base": base, "r0": r0, "r1": r1,
            "r0_docx": next(p for n, p in old.items() if n.endswith("MSW-E.docx")),
            "r0_pdf": next(p for n, p in old.items() if n.endswith("PDF-E.pdf")),
            "r1_docx": next(p for n, p in new.items() if n.endswith("!R1!MSW-E.docx")),
            "marked_docx": new["T17-TSAG-181210-TD-GEN-0446!R1!MSW-E-marked.docx"],
            "marked_pdf": new["T17-TSAG-181210-TD-GEN-0446!R1!PDF-E-marked.pdf"]}


def test_accepting_all_gives_r1_and_rejecting_all_gives_r0(versions: dict[str, Any]) -> None:
    marked = versions["marked_docx"]
    assert texts(marked) == texts(versions["r1_docx"])
    assert texts(marked, accept=False) == texts(versions["r0_docx"])


def test_libreoffice_accepts_and_rejects_to_the_two_versions(versions: dict[str, Any],
                                                           tmp_path: Path) -> None:
    from .libreoffice_review import LibreOfficeReviewer, need_uno

    need_uno()
    with LibreOfficeReviewer() as lo:
        accepted = lo.accept_all(versions["marked_docx"], tmp_path / "accepted.docx")
        rejected = lo.reject_all(versions["marked_docx"], tmp_path / "rejected.docx")
    assert texts(accepted) == texts(versions["r1_docx"])
    assert texts(rejected) == texts(versions["r0_docx"])


def test_the_marks_are_native_tracked_changes(versions: dict[str, Any]) -> None:
    with zipfile.ZipFile(versions["marked_docx"]) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
    changes = [el for el in doc.iter() if el.tag in {f"{W}{t}" for t in (
        "ins", "del", "moveFrom", "moveTo", "rPrChange")}]
    assert {el.get(f"{W}author") for el in changes} == {
        "Chairman, TSAG ad hoc group on Quantum"}
    assert {el.get(f"{W}date") for el in changes} == {"2018-12-10T00:00:00Z"}
    kinds = Counter(el.tag[len(W):] for el in changes)
    assert kinds["ins"] and kinds["del"] and not kinds["moveFrom"] and not kinds["moveTo"]
    # the two list items that swapped places: one of them moved, deleted where it was
    # and inserted where it is
    deleted = {"".join(t.text or "" for t in d.iter(f"{W}delText")) for d in doc.iter(f"{W}del")}
    inserted = {"".join(t.text or "" for t in i.iter(f"{W}t")) for i in doc.iter(f"{W}ins")}
    assert deleted & inserted & {"A proposition of the proposed FG ToR",
                                 "Finally a decision-making process"}
    for deleted in doc.iter(f"{W}del", f"{W}moveFrom"):
        assert not list(deleted.iter(f"{W}t")), "deleted text must be w:delText"
    ids = [el.get(f"{W}id") for el in doc.iter(f"{W}bookmarkStart", *(
        f"{W}{t}" for t in ("ins", "del", "moveFrom", "moveTo", "rPrChange")))]
    assert len(ids) == len(set(ids)), "one id counter for bookmarks and changes"
    # a join and a split are marked on the paragraph mark, the text around it kept
    reviewed = read_review(versions["marked_docx"]).paragraphs
    assert [p.old[:30] for p in reviewed if p.mark_deleted and p.new.strip()] == [
        "Unfortunately the sequence of "]
    assert [p.new[-14:] for p in reviewed if p.mark_inserted and p.old.strip()] == [
        "was very good."]
    # the inserted clause's heading and text, with their paragraph marks
    inserted = [p for p in doc.iter(f"{W}p") if p.find(f"{W}pPr/{W}rPr/{W}ins") is not None]
    assert {"A clause added", "A new clause before the method.",
            "A paragraph inserted in the revision."} <= {
        "".join(t.text or "" for t in p.iter(f"{W}t")) for p in inserted}
    # the clause made unnumbered: its style change, with the former style kept
    (restyled,) = [p for p in doc.iter(f"{W}p") if p.find(f"{W}pPr/{W}pPrChange") is not None]
    assert "".join(t.text or "" for t in restyled.iter(f"{W}t")).startswith("Identification")
    assert restyled.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Headingb"
    assert restyled.find(f"{W}pPr/{W}pPrChange/{W}pPr/{W}pStyle").get(f"{W}val") == "Heading1"
    # the added register row
    rows = [tr for tr in doc.iter(f"{W}tr") if tr.find(f"{W}trPr/{W}ins") is not None]
    added = ["".join(t.text or "" for t in tr.iter(f"{W}t")) for tr in rows]
    assert added == ["TD447A document added to the register"]
    # the renumbered clauses are not changes: only the new heading carries a mark
    headings = [p for p in doc.iter(f"{W}p")
                if (p.find(f"{W}pPr/{W}pStyle") is not None and
                    p.find(f"{W}pPr/{W}pStyle").get(f"{W}val", "").startswith("Heading"))]
    marked = [p for p in headings if any(True for _ in p.iter(f"{W}ins", f"{W}del"))]
    assert ["".join(t.text or "" for t in p.iter(f"{W}t"))
                                  for p in marked] == ["A clause added"]


def test_the_marked_docx_has_no_schema_findings(versions: dict[str, Any]) -> None:
    audit = Path(sys.executable).parent / "openxml-audit"
    result = subprocess.run([str(audit), "-q", str(versions["marked_docx"])],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_marked_pdf_shows_the_marks_and_stays_an_archive(versions: dict[str, Any],
                                                            tmp_path: Path) -> None:
    pdf = versions["marked_pdf"]
    text = normalise(pdf_text(pdf))
    assert "Changes marked against TSAG-TD446" in text
    assert "there are wide gaps" in text and "A clause added" in text
    with pikepdf.open(pdf) as archive:
        meta = archive.open_metadata()
        assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "A"
        assert meta.get("pdfuaid:part") == "1"
        attached = {name: spec.get_file().read_bytes()
                    for name, spec in archive.attachments.items()}
    assert attached["report.yaml"] == (versions["r1"] / "report.yaml").read_bytes()
    # the insertions are blue and underlined, the deletions red and struck through
    need_tool("pdftoppm")
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf), str(png)],
                   check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 24) or []
    blue = sum(n for n, (r, g, b) in colours if b > 150 and r < 80 and g < 120)
    red = sum(n for n, (r, g, b) in colours if r > 140 and g < 60 and b < 80)
    assert blue > 20 and red > 5, (blue, red)


def test_the_archived_pdf_or_git_gives_the_same_marks_as_the_folder(
        versions: dict[str, Any], tmp_path: Path) -> None:
    from_pdf = build(versions["r1"], tmp_path / "from-pdf", "--format", "docx",
                     "--changes-from", str(versions["r0_pdf"]))
    reference = versions["marked_docx"].read_bytes()
    assert from_pdf[versions["marked_docx"].name].read_bytes() == reference
    need_tool("git")
    repo = tmp_path / "repo"
    shutil.copytree(versions["r0"], repo / "content" / NAME)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "Rev.0"], check=True)
    shutil.rmtree(repo / "content" / NAME)
    shutil.copytree(versions["r1"], repo / "content" / NAME)
    from_git = build(repo / "content" / NAME, tmp_path / "from-git", "--format", "docx",
                     "--changes-from", "git:HEAD")
    assert from_git[versions["marked_docx"].name].read_bytes() == reference


def test_r2_is_marked_against_r1(versions: dict[str, Any], tmp_path: Path) -> None:
    r2 = tmp_path / "r2" / NAME
    shutil.copytree(versions["r1"], r2)
    yaml = r2 / "report.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("  revision: 1", "  revision: 2"), "utf-8")
    files = build(r2, tmp_path / "out", "--changes-from", str(versions["r1"]))
    marked = files["T17-TSAG-181210-TD-GEN-0446!R2!MSW-E-marked.docx"]
    assert texts(marked) == texts(files["T17-TSAG-181210-TD-GEN-0446!R2!MSW-E.docx"])
    assert texts(marked, accept=False) == texts(versions["r1_docx"])
    assert "Changes marked against TSAG-TD446-R1" in normalise(
        pdf_text(files["T17-TSAG-181210-TD-GEN-0446!R2!PDF-E-marked.pdf"]))
    assert "TSAG-TD446-R2" in texts(marked)


def test_a_missing_previous_version_is_a_clear_error(versions: dict[str, Any],
                                                    tmp_path: Path) -> None:
    for spec, words in ((str(tmp_path / "nowhere"), "no such folder"),
                        ("git:no-such-rev", "git"),
                        (str(versions["r1_docx"]), "not a report")):
        result = run_cli("build", str(versions["r1"]), "--out", str(tmp_path / "o"),
                         "--changes-from", spec)
        assert result.returncode == 1, spec
        assert words in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_a_revision_marked_against_its_own_number_is_refused(versions: dict[str, Any],
                                                             tmp_path: Path) -> None:
    """Rev.1 marked against Rev.1 (the revision not raised) would be written under the
    earlier version's file names: refused at the revision's line, nothing written."""
    folder = tmp_path / NAME
    shutil.copytree(versions["r1"], folder)
    result = run_cli("build", str(folder), "--out", str(tmp_path / "o"),
                     "--changes-from", str(folder))
    assert result.returncode == 1, result.stdout
    yaml = folder / "report.yaml"
    line, number = next((n, text.split(":")[1].split("#")[0].strip()) for n, text in
                        enumerate(yaml.read_text("utf-8").splitlines(), 1)
                        if text.strip().startswith("revision:"))
    assert f"report.yaml:{line}:" in result.stderr
    assert f"set document.revision: {int(number) + 1}" in result.stderr
    assert not (tmp_path / "o" / NAME).exists() or not any((tmp_path / "o" / NAME).iterdir())


# --------------------------------------------------------- generated edits


@st.composite
def edited(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A generated report and a version of it with random edits."""
    old = draw(reports())
    new = json.loads(json.dumps(old))
    sections = new["body"]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["retitle", "delete", "insert", "move", "retext"]))
        k = draw(st.integers(0, len(sections) - 1)) if sections else 0
        if kind == "retitle" and sections:
            sections[k]["title"] += " revised"
        elif kind == "delete" and len(sections) > 1:
            del sections[k]
        elif kind == "insert":
            sections.insert(k, {"title": "K9001 inserted", "text": "K9002 new text.\n"})
        elif kind == "move" and len(sections) > 1:
            sections.append(sections.pop(k))
        elif kind == "retext" and sections:
            sections[k]["text"] = "K9003 other words.\n\n" + sections[k].get("text", "")
    return old, new


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(edited())
def test_random_edits_accept_to_the_new_and_reject_to_the_old(
        pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    import tempfile

    from reportgen.content.load import load
    from reportgen.paths import templates_dir
    from reportgen.prepare.tree import prepare
    from reportgen.revisions.diff import mark
    from reportgen.writers.docx.writer import render_docx

    template = templates_dir() / "itu-td.docx"
    with tempfile.TemporaryDirectory() as tmp:
        docs = []
        for n, spec in enumerate(pair):
            folder = write_report(Path(tmp) / f"v{n}" / "r", spec["body"], spec["annexes"],
                                  spec["heading_start"])
            docs.append(prepare(load(folder)))
        files = {}
        for name, doc in (("old", docs[0]), ("new", docs[1]), ("marked", mark(*docs))):
            files[name] = Path(tmp) / f"{name}.docx"
            files[name].write_bytes(render_docx(doc, template))
        assert texts(files["marked"]) == texts(files["new"])
        assert texts(files["marked"], accept=False) == texts(files["old"])


def test_annexes_and_removed_rows_are_marked_too(versions: dict[str, Any],
                                                 tmp_path: Path) -> None:
    """An annex renamed, an annex added, a register row removed: accept and reject still
    give each version, and the schema validator finds nothing."""
    r2 = tmp_path / "r2" / NAME
    shutil.copytree(versions["r1"], r2)
    yaml = r2 / "report.yaml"
    text = yaml.read_text("utf-8").replace("  revision: 1", "  revision: 2")
    text = text.replace("  - title: Latest draft ToR status\n",
                        "  - title: Latest ToR status\n", 1)
    text = text.replace('  - id: TD426\n    title: "Entities interested in ITU-T work on '
                        'quantum communication"\n', "", 1)
    text += "  - title: An annex added\n    text: Its only paragraph.\n"
    yaml.write_text(text, "utf-8")
    files = build(r2, tmp_path / "out", "--format", "docx", "--changes-from",
                  str(versions["r1"]))
    marked = files["T17-TSAG-181210-TD-GEN-0446!R2!MSW-E-marked.docx"]
    assert texts(marked) == texts(files["T17-TSAG-181210-TD-GEN-0446!R2!MSW-E.docx"])
    assert texts(marked, accept=False) == texts(versions["r1_docx"])
    with zipfile.ZipFile(marked) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
    removed = [tr for tr in doc.iter(f"{W}tr") if tr.find(f"{W}trPr/{W}del") is not None]
    gone = ["".join(t.text or "" for t in tr.iter(f"{W}delText")) for tr in removed]
    assert gone == ["TD426Entities interested in ITU-T work on quantum communication"]
    added = [p for p in doc.iter(f"{W}p") if p.find(f"{W}pPr/{W}rPr/{W}ins") is not None]
    assert any("An annex added" in "".join(t.text or "" for t in p.iter(f"{W}t"))
               for p in added)
    audit = Path(sys.executable).parent / "openxml-audit"
    result = subprocess.run([str(audit), "-q", str(marked)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
