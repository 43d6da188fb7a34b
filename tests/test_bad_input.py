"""Bad input: one clear ``file:line:col: field: message`` per problem, exit 1, no
traceback, and ``output/`` left byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportgen.cli import app

from .conftest import run_cli

VALID = """\
document:
  group: TSAG
  study_period: "2022-2024"
  number: 7
  meeting:
    place: Geneva
    start: 2023-05-29
    end: 2023-06-02
  source: TSB
  title: Minimal report
  contacts:
    - name: A Person
      email: a.person@example.org
  abstract: A minimal report.
documents:
  - id: TD7
    title: This report
  - id: TD8
    title: Another report
sessions:
  - id: one
    title: Only session
    date: 2023-05-30
    time: "09:30"
body:
  - title: Introduction
    text: |
      This is TD7, the minimal report; see also TD8.
    blocks:
      - session: one
"""

runner = CliRunner()


def write_report(folder: Path, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    (folder / "report.yaml").write_bytes(data)
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return edit


# (case id, edit of the valid text, expected line:col, expected message fragment)
CASES: list[tuple[str, Callable[[str], str | bytes], str, str]] = [
    ("malformed-yaml", replace("  source: TSB", "  source: [TSB"), ":10:", "malformed YAML"),
    ("empty-file", lambda t: "   \n", "report.yaml: ", "file is empty"),
    ("not-utf8", lambda t: t.replace("Minimal report", "Minimal r\u00e9port").encode("latin-1"),
     ":10:", "not UTF-8"),
    ("unknown-key", replace("  source: TSB", "  sourse: TSB"), ":9:3:",
     "document.sourse: unknown key 'sourse'; did you mean 'source'?"),
    ("missing-field", replace("  title: Minimal report\n", ""), ":1:1:",
     "document.title: required field is missing"),
    ("wrong-type", replace("number: 7", "number: [7]"), ":4:3:",
     "document.number: Input should be a valid integer"),
    ("number-with-revision", replace("number: 7", "number: TD 007 Rev.1"), ":4:3:",
     "document.number: 'TD 007 Rev.1' is not a number: write the number alone (number: 45); "
     "a revision is document.revision (1 for Rev.1)"),
    ("key-of-another-name", replace("  source: TSB", "  source: TSB\n  subject: Minimal"),
     ":10:3:", "document.subject: unknown key 'subject'; the Subject: line of a letter (and "
     "the Title: of a TD) is document.title"),
    ("key-at-the-wrong-level", replace("  source: TSB", "  source: TSB\n  for_action: [SG2]"),
     ":10:3:", "document.for_action: unknown key 'for_action' here; it belongs under "
     "document.liaison: (indent it there)"),
    ("contents-false", replace("- session: one", "- contents: false"), ":30:9:",
     "body[0].blocks[0].contents: write true (titled in the document's language: Table of "
     "Contents) or the title as the report writes it"),
    ("unquoted-colon", replace("title: Minimal report", "title: Report: minimal"), ":10:16:",
     "malformed YAML: mapping values are not allowed here (a value holding \": \" must be "
     "quoted"),
    ("invalid-date", replace("date: 2023-05-30", "date: 2023-05-40"), ":23:5:",
     "sessions[0].date: '2023-05-40' is not a date (day value is outside expected range); "
     "write YYYY-MM-DD"),
    ("invalid-time", replace('time: "09:30"', 'time: "29:30"'), ":24:5:",
     "sessions[0].time: '29:30' is not a time of day; write \"HH:MM\" or \"HH:MM-HH:MM\""),
    ("time-with-zone", replace('time: "09:30"', 'time: "09:30+02:00"'), ":24:5:",
     "sessions[0].time: '09:30+02:00' is not a session time; write \"HH:MM\" or "
     "\"HH:MM-HH:MM\" (24-hour clock), e.g. \"08:00\" or \"12:45-13:45\""),
    ("time-with-seconds", replace('time: "09:30"', 'time: "09:30:00"'), ":24:5:",
     "sessions[0].time: '09:30:00' is not a session time"),
    ("time-ends-before-start", replace('time: "09:30"', 'time: "09:30-09:00"'), ":24:5:",
     "sessions[0].time: the session ends (09:00) before it starts (09:30)"),
    ("time-read-as-number",  # YAML 1.1 reads an unquoted 12:45 as 765 (base 60)
     lambda t: "%YAML 1.1\n---\n" + t.replace('time: "09:30"', "time: 12:45"), ":26:5:",
     "sessions[0].time: read as the number 765; write the time in quotes"),
    ("huge-number", replace("number: 7", "number: 0x" + "f" * 5000), ":4:3:",
     "document.number: Input should be less than or equal to 99999"),
    ("infinite-width", replace("- session: one", "- table: {title: T, columns: [{title: A, "
                                                 "width: .inf}], rows: [[a]]}"), ":30:",
     "body[0].blocks[0].table.columns[0].width: Input should be"),
    ("invalid-email", replace("a.person@example.org", "a.person-at-example.org"), ":13:7:",
     "document.contacts[0].email: not a valid e-mail address"),
    ("closed-list", replace("  source: TSB", "  source: TSB\n  layout: \"2019\""), ":10:3:",
     "document.layout: Input should be '2017-2020' or '2022'"),
    ("duplicate-id", replace("  - id: TD8", "  - id: TD7"), ":18:5:",
     "documents[1].id: duplicate document id 'TD7'"),
    ("session-outside-meeting", replace("date: 2023-05-30", "date: 2023-06-30"), ":23:5:",
     "sessions[0].date: 2023-06-30 is outside the meeting (2023-05-29 to 2023-06-02)"),
    ("missing-markdown", replace("    text: |\n      This is TD7, the minimal report; see also "
                                 "TD8.\n", "    file: intro.md\n"), ":27:5:",
     "body[0].file: Markdown file 'intro.md' not found"),
    ("control-character", replace("A minimal report.", "A minimal\x07 report."), ":14:22:",
     "control character U+0007 is not allowed"),
    ("yaml-anchor", replace("  source: TSB\n  title: Minimal report", "  source: &s TSB\n"
                            "  title: *s"), ":9:11:",
     "document.source: YAML anchor '&s' is not allowed; remove it and write the value out"),
    ("yaml-alias", replace("  source: TSB\n  title: Minimal report", "  source: &s TSB\n"
                           "  title: *s"), ":10:10:",
     "document.title: YAML alias '*s' is not allowed; write the value out in full here"),
    ("yaml-merge-key", replace("    place: Geneva", "    <<: {place: Geneva}"), ":6:5:",
     "document.meeting: YAML merge keys ('<<') are not allowed; write the keys out in full"),
    ("yaml-python-tag", replace("number: 7", "number: !!python/object/apply:os.system ['id']"),
     ":4:3:", "YAML tags such as"),
    ("bad-session-reference", replace("- session: one", "- session: two"), ":30:9:",
     "body[0].blocks[0].session: no session with id 'two'"),
    ("unregistered-id-in-documents-table",
     replace("- session: one", "- documents_table: {title: Documents, ids: [TD7, TD9]}"),
     ":30:56:", "body[0].blocks[0].documents_table.ids[1]: 'TD9' is not in the documents "
     "register"),
    ("bad-markdown-link", replace("the minimal report;", "the [minimal](../../outside) report;"),
     ":28:", "links may point only to http, https or mailto"),
    ("markdown-nested-too-deeply", replace("This is TD7,", "> > > > > > > > > This is TD7,"),
     ":28:1:", "body[0].text: block quotes and lists nest more than 8 levels deep here"),
    ("image-refused", replace("the minimal report;", "the ![x](http://127.0.0.1:9/x.png) report;"),
     ":28:", "images are not supported"),
]


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A valid report built once (DOCX and PDF), so failures can be shown to change nothing."""
    base = tmp_path_factory.mktemp("bad")
    report = write_report(base / "content" / "minimal", VALID)
    out = base / "output"
    result = runner.invoke(app, ["build", str(report), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(list((out / "minimal").glob("*"))) == 3  # docx, pdf, manifest
    return report, out


@pytest.mark.parametrize(("case", "edit", "where", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_content_is_reported_and_changes_nothing(
    built_once: tuple[Path, Path], case: str, edit: Callable[[str], str | bytes], where: str,
    message: str,
) -> None:
    report, out = built_once
    before = snapshot(out)
    write_report(report, edit(VALID))
    try:
        result = runner.invoke(app, ["build", str(report), "--out", str(out)])
        check = runner.invoke(app, ["check", str(report)])
    finally:
        write_report(report, VALID)
    assert result.exit_code == 1
    assert check.exit_code == 1
    for output in (result.output, check.output):
        assert "Traceback" not in output
        line = next((ln for ln in output.splitlines() if message in ln), None)
        assert line is not None, output
        assert re.search(r"report\.yaml(:\d+:\d+)?: ", line), line
        assert where in line, line
    assert snapshot(out) == before


def test_all_problems_of_a_file_at_once_sorted_by_line(tmp_path: Path) -> None:
    text = VALID.replace("number: 7", "number: seven").replace("  title: Minimal report",
                                                               "  titel: Minimal report")
    text = text.replace("date: 2023-05-30", "date: 2023-05-40")
    report = write_report(tmp_path / "r", text)
    result = runner.invoke(app, ["check", str(report)])
    lines = [ln for ln in result.output.splitlines() if "report.yaml:" in ln]
    numbers = [int(ln.split(":")[1]) for ln in lines]
    assert numbers == sorted(numbers) and len(lines) >= 4, result.output


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    report = write_report(tmp_path / "r", "\ufeff" + VALID)
    assert runner.invoke(app, ["check", str(report)]).exit_code == 0


def test_too_large_input_is_refused(tmp_path: Path) -> None:
    report = write_report(tmp_path / "r", VALID + "#" * (3 * 1024 * 1024) + "\n")
    result = runner.invoke(app, ["check", str(report)])
    assert result.exit_code == 1
    assert "the limit is" in result.output


def test_a_folder_that_is_not_a_report(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = run_cli("build", str(tmp_path / "notes.txt"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "not a report" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [["build", "--no-such-option"], ["build", "/no/such/path"],
                                  ["build", "--format", "odt"], ["verify", "/no/such/dir"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


def test_check_warns_but_succeeds(tmp_path: Path) -> None:
    """Soft findings are warnings with their place; the content still builds."""
    text = VALID.replace("see also TD8.", "see also TD99.")  # TD8 unused, TD99 unknown
    text = text.replace("sessions:\n", """sessions:
  - id: zero
    title: Later session listed first
    date: 2023-06-01
    time: "10:00"
""")
    report = write_report(tmp_path / "r", text)
    result = runner.invoke(app, ["check", str(report)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()

    def warning(fragment: str) -> str:
        return next(ln for ln in lines if fragment in ln and ": warning: " in ln)

    assert ":32:1: warning: TD99 is cited" in warning("TD99 is cited but not in the documents")
    assert ":18:5: warning: documents[1].id: TD8 is registered but neither cited nor listed" \
        in warning("TD8 is registered")
    assert "sessions[1].date: session is earlier than the one before it" in warning("earlier")


def test_a_documents_table_counts_as_a_use_of_its_rows(tmp_path: Path) -> None:
    text = VALID.replace("see also TD8.", "see also nothing.").replace(
        "- session: one", "- documents_table: {title: Documents}")
    result = runner.invoke(app, ["check", str(write_report(tmp_path / "r", text))])
    assert result.exit_code == 0
    assert "warning" not in result.output


def test_a_group_with_a_space_is_warned_of_at_its_line(tmp_path: Path) -> None:
    """"COM 19" would put a space in the file name and the number: said, at its line."""
    report = write_report(tmp_path / "content" / "g", VALID.replace("group: TSAG",
                                                                     "group: COM 19"))
    result = run_cli("check", str(report))
    assert result.returncode == 0
    assert "report.yaml:2:3: warning: document.group: 'COM 19' has a space" in result.stderr
