"""Every edit of a reviewed DOCX comes back, tracked or not: listed at its content line,
applied to the sources, and the rebuilt DOCX reads as the reviewer's file.

The edits are made two ways: in the DOCX's XML as Word and LibreOffice leave them
(``word_review``, fast, many cases), and by LibreOffice itself driven through UNO."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from reportgen.review.apply import JOURNAL, finish_interrupted

from .conftest import LETTER_EXAMPLE, REPORT_EXAMPLE, SECOND, SEED, build_into, run_cli
from .test_review import accepted_texts
from .word_review import Reviewer, W

# A chair's review of the seed: prose, lists, the cover, both generated tables, a
# statement, an annex item, a YAML text; paragraphs added, removed, split and joined.
SEED_EDITS: list[dict[str, str]] = [
    {"do": "insert", "after": "there are", "insert": " significant"},
    {"do": "delete", "text": "specific "},
    {"do": "insert", "after": "Report of the TSAG ad hoc group on Quantum", "insert": " (final)"},
    {"do": "delete", "text": ", which met four times during the TSAG meeting"},
    {"do": "replace", "text": "Minutes of the first adhoc session on Quantum",
     "by": "Minutes of the first ad hoc session on Quantum"},
    {"do": "replace", "text": "13:15", "by": "13:30"},
    {"do": "insert", "after": "You kindly provided some", "insert": " very"},
    {"do": "insert", "after": "To analyse and evaluate", "insert": " carefully"},
    {"do": "replace", "text": "No consensus was reached", "by": "No consensus could be reached"},
    {"do": "add_paragraph", "after": "An emerging engagement and evolution of positions",
     "insert": "A new item added by the chair"},
    {"do": "split", "after": "The atmosphere of the team was very good,"},
    {"do": "join", "end": "The third adhoc session happened"},
    {"do": "add_paragraph", "after": "The other important consultation was for the Chairman",
     "insert": "The chair adds this paragraph."},
    {"do": "delete_paragraph", "text": "It was followed by a first set of questions"},
]
# Where each shows up: the file and a line of it, and the words of the listing.
SEED_PLACES = [
    ("method.md", "Considering that", '"are" \u2192 "are significant"'),
    ("method.md", "A specific questionnaire", '"A specific" \u2192 "A"'),
    ("report.yaml", "title: Report of the TSAG", '"Quantum" \u2192 "Quantum (final)"'),
    ("report.yaml", "This TD contains the report", "which met four times"),
    ("report.yaml", "Minutes of the first adhoc", '"adhoc" \u2192 "ad hoc"'),
    ("report.yaml", '"13:15"', '"13:15" \u2192 "13:30"'),
    ("report.yaml", "You kindly provided", '"some" \u2192 "some very"'),
    ("annex1-clause02-objectives.md", "To analyse", '"evaluate" \u2192 "evaluate carefully"'),
    ("report.yaml", "No consensus was reached", '"was" \u2192 "could be"'),
    ("method.md", "An emerging engagement", 'added paragraph (untracked) by Chair Person '
     '(2026-11-20): "A new item added by the chair"'),
    ("general-atmosphere.md", "The atmosphere", "split paragraph (untracked)"),
    ("session-third.md", "The third adhoc", "join (untracked)"),
    ("report.yaml", "The other important consultation", '"The chair adds this paragraph."'),
    ("session-first.md", "It was followed", "deleted paragraph (untracked)"),
]


def line_of(path: Path, text: str) -> int:
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if text in line:
            return n
    raise AssertionError(f"{text!r} not in {path}")


def workspace(report: Path, tmp: Path) -> tuple[Path, Path]:
    """A copy of ``report``'s content and its freshly built DOCX."""
    folder = tmp / "content" / report.name
    shutil.copytree(report, folder)
    built = build_into(folder, tmp / "out", "--format", "docx")
    return folder, built.docx


def by_word(docx: Path, edits: list[dict[str, str]], target: Path,
            tracked: list[bool]) -> Path:
    """The edits made in the DOCX's XML, each tracked or not."""
    r = Reviewer(docx)
    for edit, track in zip(edits, tracked, strict=True):
        r.tracked = track
        match edit["do"]:
            case "insert":
                r.insert(edit["after"], edit["insert"])
            case "delete":
                r.delete(edit["text"])
            case "replace":
                r.replace(edit["text"], edit["by"])
            case "add_paragraph":
                r.add_paragraph(edit["after"], edit["insert"])
            case "split":
                r.split(edit["after"])
            case "join":
                r.join(edit["end"])
            case "delete_paragraph":
                r.delete_paragraph(edit["text"])
    r.tracked = all(tracked)  # records who saved it last when anything is untracked
    return r.save(target)


def applied_and_rebuilt(folder: Path, reviewed: Path, tmp: Path, count: int) -> None:
    """--apply makes every change; the rebuilt DOCX reads as the reviewer's."""
    result = run_cli("review", str(reviewed), "--content", str(folder), "--apply")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not applied" not in result.stdout + result.stderr
    assert result.stdout.count(": applied: ") >= count, result.stdout
    rebuilt = build_into(folder, tmp / "again", "--format", "docx")
    assert accepted_texts(rebuilt.docx) == accepted_texts(reviewed)


def test_edits_made_without_track_changes_are_listed_at_their_lines(tmp_path: Path) -> None:
    folder, docx = workspace(SEED, tmp_path)
    reviewed = by_word(docx, SEED_EDITS, tmp_path / "chair.docx", [False] * len(SEED_EDITS))
    result = run_cli("review", str(reviewed), "--content", str(folder))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all("(untracked) by Chair Person (2026-11-20)" in ln for ln in lines), lines
    for name, near, words in SEED_PLACES:
        line = line_of(folder / name, near)
        hits = [ln for ln in lines if words in ln]
        assert hits, (words, lines)
        assert any(f"{folder.name}/{name}:" in h for h in hits), (name, hits)
        if name.endswith(".md") and "added" not in words:
            assert any(f"/{name}:{line}:" in h for h in hits), (name, line, hits)
    as_json = json.loads(run_cli("review", str(reviewed), "--content", str(folder),
                                 "--json").stdout)
    assert len(as_json) == len(lines)
    assert {item["matched_by"] for item in as_json} == {"comparison"}


def test_edits_made_without_track_changes_are_applied(tmp_path: Path) -> None:
    folder, docx = workspace(SEED, tmp_path)
    reviewed = by_word(docx, SEED_EDITS, tmp_path / "chair.docx", [False] * len(SEED_EDITS))
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    applied_and_rebuilt(folder, reviewed, tmp_path, len(SEED_EDITS))
    backups = folder / ".reportgen-backup"
    assert (backups / ".gitignore").read_text().splitlines()[-1] == "*"
    saved = {p.name: p.read_bytes() for p in backups.glob("*/*")}
    assert saved and all(before[name] == data for name, data in saved.items())
    assert not (folder / JOURNAL).exists()


def test_a_mixed_review_is_applied_alike(tmp_path: Path) -> None:
    """Half the edits tracked, half not, in one file."""
    folder, docx = workspace(SEED, tmp_path)
    tracked = [k % 2 == 0 and e["do"] in ("insert", "delete", "replace", "delete_paragraph")
               for k, e in enumerate(SEED_EDITS)]
    reviewed = by_word(docx, SEED_EDITS, tmp_path / "chair.docx", tracked)
    listing = run_cli("review", str(reviewed), "--content", str(folder)).stdout
    assert "(untracked)" in listing and "insertion by Chair Person" in listing
    applied_and_rebuilt(folder, reviewed, tmp_path, len(SEED_EDITS))


def test_a_second_report_edited_without_track_changes(tmp_path: Path) -> None:
    folder, docx = workspace(SECOND, tmp_path)
    edits = [
        {"do": "insert", "after": "TSAG is invited to consider the actions", "insert": " below"},
        {"do": "replace", "text": "Example Operator Ltd., Otherland",
         "by": "Example Operator Ltd. and Otherland"},  # a YAML table cell
        {"do": "replace", "text": "two new work items are added",
         "by": "two new work items were added"},  # a nested list item
        {"do": "insert", "after": "The TSAG work programme is kept", "insert": " up to date"},
        {"do": "delete", "text": " once TSAG"},
        {"do": "add_paragraph", "after": "review the associated action plan;",
         "insert": "report on each of them;"},  # an annex list item
        {"do": "delete_paragraph", "text": "The agenda in TD12 was approved"},
    ]
    reviewed = by_word(docx, edits, tmp_path / "chair.docx", [False] * len(edits))
    listing = run_cli("review", str(reviewed), "--content", str(folder)).stdout
    assert len(listing.splitlines()) == len(edits), listing
    applied_and_rebuilt(folder, reviewed, tmp_path, len(edits))


def test_what_cannot_be_applied_is_said_and_the_exit_code_is_1(tmp_path: Path) -> None:
    folder, docx = workspace(SEED, tmp_path)
    edits = [{"do": "insert", "after": "there are", "insert": " significant"},
             {"do": "replace", "text": "Purpose:", "by": "Aim:"},  # a label of the cover
             {"do": "replace", "text": "Tuesday", "by": "Friday"}]  # a date as printed
    reviewed = by_word(docx, edits, tmp_path / "chair.docx", [False] * len(edits))
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    dry = run_cli("review", str(reviewed), "--content", str(folder), "--apply", "--dry-run")
    assert dry.returncode == 1, dry.stdout + dry.stderr
    assert "1 would be applied, 2 not applied" in dry.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    result = run_cli("review", str(reviewed), "--content", str(folder), "--apply")
    assert result.returncode == 1
    assert "1 applied, 2 not applied" in result.stderr
    assert "text reportgen writes" in result.stderr
    assert "there are significant gaps" in (folder / "method.md").read_text("utf-8")


def test_an_edit_of_text_reportgen_prints_by_default_names_the_field_to_set(
        tmp_path: Path) -> None:
    """A letter's salutation and closing are reportgen's when the content leaves them
    empty, and its count of annexes is reportgen's own: edits of them are refused with
    what the text is and the field that sets it; the other edits are applied."""
    folder, docx = workspace(LETTER_EXAMPLE, tmp_path)
    edits = [{"do": "replace", "text": "Dear Sir/Madam,", "by": "Dear colleagues,"},
             {"do": "insert", "after": "I am pleased to invite you", "insert": " warmly"},
             {"do": "replace", "text": "Yours faithfully,", "by": "Yours sincerely,"},
             {"do": "replace", "text": "Annexes: 3", "by": "Annexes: three"}]
    reviewed = by_word(docx, edits, tmp_path / "chair.docx", [False] * len(edits))
    result = run_cli("review", str(reviewed), "--content", str(folder), "--apply")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 applied, 3 not applied" in result.stderr
    assert "could not be found" not in result.stderr
    yaml = folder / "report.yaml"
    where = f"report.yaml:{line_of(yaml, '  letter:')}:"
    refused = [line for line in result.stderr.splitlines() if ": not applied: " in line]
    assert len(refused) == 3 and all(where in line for line in refused), refused
    assert refused[0].endswith('"Dear Sir/Madam," is reportgen\'s default salutation; '
                               "set document.letter.salutation in report.yaml"), refused
    assert refused[1].endswith('"Yours faithfully," is reportgen\'s default closing; '
                               "set document.letter.closing in report.yaml"), refused
    assert '"Annexes: 3" is reportgen\'s count of the annexes' in refused[2]
    assert "I am pleased to invite you warmly" in yaml.read_text("utf-8")
    assert "salutation" not in yaml.read_text("utf-8")


def test_a_table_of_contents_reads_as_built_and_its_title_is_reportgens(
        tmp_path: Path) -> None:
    """The page numbers of a contents' entries come from the build's layout, not from the
    sources: a file reviewed without an edit lists nothing; an edit of the contents'
    title is refused as reportgen's."""
    folder, docx = workspace(REPORT_EXAMPLE, tmp_path)
    unedited = run_cli("review", str(docx), "--content", str(folder))
    assert (unedited.returncode, unedited.stdout) == (0, ""), unedited.stdout
    edits = [{"do": "replace", "text": "Table of Contents", "by": "Contents"}]
    reviewed = by_word(docx, edits, tmp_path / "chair.docx", [False])
    result = run_cli("review", str(reviewed), "--content", str(folder), "--apply")
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(result.stdout.splitlines()) == 1, result.stdout
    assert "0 applied, 1 not applied" in result.stderr
    assert '"Table of Contents" is the title of a table of contents; write it as the value ' \
        'of its contents: block' in result.stderr


def test_changes_checked_one_by_one_come_out_the_same(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """When a difference in the content prepared with every edit cannot be laid at a
    change, the changes are checked one by one: the same edits, the same outcomes."""
    from reportgen.review import apply
    from reportgen.review.report import open_review

    folder, docx = workspace(SEED, tmp_path)
    reviewed = open_review(by_word(docx, SEED_EDITS, tmp_path / "chair.docx",
                                   [False] * len(SEED_EDITS)), folder)
    together = apply.plan(reviewed)
    real, calls = apply.prepared_texts, []

    def unexplained_first(root: Path, texts: dict[str, str]) -> tuple[bool, Any]:
        calls.append(root)  # the first check of all edits together reads as nothing
        return (True, []) if len(calls) == 1 else real(root, texts)

    monkeypatch.setattr(apply, "prepared_texts", unexplained_first)
    monkeypatch.setattr(apply, "blame", lambda *args: set())
    alone = apply.plan(reviewed)
    assert len(calls) > len(together.outcomes)  # a preparation for each change
    assert alone.files == together.files and alone.outcomes == together.outcomes
    assert all(o.applied for o in together.outcomes)


def test_half_of_a_change_across_paragraphs_is_never_applied(tmp_path: Path) -> None:
    """A join of a Markdown paragraph with a clause title cannot be written: neither its
    deletion at the end of the first nor the one at the start of the second is made."""
    folder, docx = workspace(SEED, tmp_path)
    r = Reviewer(docx)
    r.delete_across(" and create perhaps new relationships.", "Chairman\u2019s ")
    reviewed = r.save(tmp_path / "chair.docx")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    result = run_cli("review", str(reviewed), "--content", str(folder), "--apply", "--force")
    assert result.returncode == 1, result.stdout + result.stderr
    assert ": applied: " not in result.stdout
    assert "part of a change across paragraphs" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def test_a_comment_on_a_point_is_located_at_its_paragraph(tmp_path: Path) -> None:
    folder, docx = workspace(SEED, tmp_path)
    r = Reviewer(docx)
    r.comment("Quantum experts who are however not familiar", "Please rephrase.")
    reviewed = r.save(tmp_path / "chair.docx")
    with zipfile.ZipFile(reviewed) as z:  # the range removed: only the reference stays
        parts = {n: z.read(n) for n in z.namelist()}
    document = etree.fromstring(parts["word/document.xml"])
    for el in list(document.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd")):
        el.getparent().remove(el)
    parts["word/document.xml"] = etree.tostring(document)
    point = tmp_path / "point.docx"
    with zipfile.ZipFile(point, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    out = run_cli("review", str(point), "--content", str(folder)).stdout
    line = line_of(folder / "method.md", "Quantum experts who")
    assert f"/method.md:{line}:" in out and "Please rephrase." in out, out


def test_an_interrupted_apply_is_finished_by_the_next(tmp_path: Path) -> None:
    """The journal names the renames decided; the next apply makes those not made."""
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.md").write_text("old a\n")
    (folder / "b.md").write_text("new b\n")  # renamed before the interruption
    (folder / ".a.md.x.tmp").write_text("new a\n")
    staged: dict[str, Any] = {"a.md": ".a.md.x.tmp", "b.md": ".b.md.y.tmp"}
    (folder / JOURNAL).write_text(json.dumps(staged))
    assert finish_interrupted(folder) == ["a.md"]
    assert (folder / "a.md").read_text() == "new a\n"
    assert (folder / "b.md").read_text() == "new b\n"
    assert not (folder / JOURNAL).exists()
    assert finish_interrupted(folder) == []


@pytest.mark.parametrize("track", [False, True], ids=["untracked", "tracked"])
def test_a_review_made_in_libreoffice_comes_back(tmp_path: Path, track: bool) -> None:
    from .libreoffice_review import LibreOfficeReviewer, need_uno

    need_uno()
    folder, docx = workspace(SEED, tmp_path)
    with LibreOfficeReviewer() as lo:
        reviewed = lo.edit(docx, tmp_path / "chair.docx", SEED_EDITS, track=track,
                           author="Chair Person")
    listing = run_cli("review", str(reviewed), "--content", str(folder)).stdout
    assert ("(untracked)" in listing) is not track, listing
    applied_and_rebuilt(folder, reviewed, tmp_path, len(SEED_EDITS) - 1)


def test_text_that_yaml_would_misread_is_written_quoted(tmp_path: Path) -> None:
    """A colon and a hash typed into a plain YAML title end the value or start a comment:
    the value is rewritten double-quoted, and the file stays valid YAML."""
    folder, docx = workspace(SEED, tmp_path)
    edits = [{"do": "insert", "after": "Report of the TSAG ad hoc group on Quantum",
              "insert": ": final # draft"}]
    reviewed = by_word(docx, edits, tmp_path / "chair.docx", [False])
    applied_and_rebuilt(folder, reviewed, tmp_path, 1)
    yaml = (folder / "report.yaml").read_text("utf-8")
    assert '  title: "Report of the TSAG ad hoc group on Quantum: final # draft"\n' in yaml
