"""``reportgen new`` and ``reportgen schema --write``: new report folders that check and
build as they are, every key commented, and the editor's pointer to the packaged schema."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from pydantic import BaseModel

from reportgen.content import model as m
from reportgen.content.cover_checks import COVER_ONLY, LETTER_UNPRINTED
from reportgen.content.schema import MODELINE_PREFIX, schema_path, schema_text, with_modeline

from .conftest import SEED, pdf_text, run_cli

KEY_LINE = re.compile(r"^(\s*)(?:- )?([a-z_]+):")
FLOW_KEY = re.compile(r"[{,]\s*([a-z_]+):")
KINDS = [("td", "2022"), ("td", "2017-2020"), ("contribution", "2022"), ("ls", "2022"),
         ("plain", "2022"), ("report", "2017-2020"), ("letter", "2022")]


def _models_below(model: type[BaseModel], skip: set[type[BaseModel]]) -> set[type[BaseModel]]:
    """The model and every model its fields hold, by walking the field annotations."""
    found: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        if current in found or current in skip:
            continue
        found.add(current)
        for info in current.model_fields.values():
            todo.extend(_models_in(info.annotation))
    return found


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [t for arg in getattr(annotation, "__args__", ()) for t in _models_in(arg)]


def _new(kind: str, layout: str, folder: Path) -> Path:
    result = run_cli("new", kind, str(folder), "--layout", layout)
    assert result.returncode == 0, result.stderr
    assert f"created {folder / 'report.yaml'}" in result.stdout or "report.yaml" in result.stdout
    return folder / "report.yaml"


@pytest.mark.parametrize(("kind", "layout"), KINDS)
def test_a_new_report_checks_without_warnings_and_builds(kind: str, layout: str,
                                                         tmp_path: Path) -> None:
    folder = tmp_path / f"new-{kind}-{layout}"
    yaml_path = _new(kind, layout, folder)
    text = yaml_path.read_text(encoding="utf-8")
    assert f"kind: {kind}\n" in text
    assert (f'layout: "{layout}"\n' in text) is (kind not in ("plain", "letter"))
    checked = run_cli("check", str(folder))
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""  # not even a warning
    built = run_cli("build", str(folder), "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    out = tmp_path / "out" / folder.name
    (docx_file,) = out.glob("*.docx")
    (pdf_file,) = out.glob("*.pdf")
    marker = {"contribution": "-C-0100!", "report": "T25-TSAG-R-0002!",
              "letter": "T25-TSB-COL-TSAG-0100!"}.get(kind, "-TD-GEN-0100!")
    assert marker in docx_file.name
    word = docx.Document(str(docx_file))
    word_text = "\n".join(p.text for p in word.paragraphs)
    printed = pdf_text(pdf_file)
    if kind == "letter":  # a letter's text and lettered annexes, not a TD's clauses
        for text in ("I am pleased to invite you", "Annexes: 3",
                     "Annex A\n\nPractical meeting information", "Annex B\n\nDraft agenda",
                     "Annex C\n\nDraft time plan"):
            assert text in word_text, text
        assert "26 November 2025" in printed  # the table of deadlines
        for text in ("Introduction", "Documents considered", "Draft terms of reference",
                     "Annex 1", "Appendix"):
            assert text not in word_text and text not in printed, text
        assert sorted(p.name for p in folder.iterdir()) == ["report.yaml"]
    else:
        assert "Introduction" in word_text and "Draft terms of reference" in word_text
    assert ("Keywords" in printed) is (layout == "2017-2020")
    assert ("LIAISON STATEMENT" in printed) is (kind == "ls")
    assert ("For action" in printed) is (kind == "ls")  # the For action to: row
    if kind == "report":  # its masthead, its REPORT lines and its table of contents
        for text in ("TSAG \u2013 R 2 \u2013 E", "FEBRUARY 2026", "REPORT 2",
                     "Table of Contents"):
            assert text in printed, text
        assert "Table of Contents" in word_text and ' TOC \\o "1-3"' in "".join(
            t.text or "" for t in word.element.body.iter(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText"))
    if kind == "letter":  # the letterhead, Ref:, Subject:, the salutation and closing
        for text in ("STANDARDIZATION BUREAU", "TSB Collective letter 100",
                     "Subject:", "Dear Sir/Madam,", "Yours faithfully,", "Jane Director"):
            assert text in printed, text
    if kind == "plain":  # no cover table: the title, centred, starts the page
        assert word.paragraphs[0].style.name == "Rec_Title"
        assert "Title:" not in printed and "INTERNATIONAL TELECOMMUNICATION" not in printed


@pytest.mark.parametrize(("kind", "layout"), KINDS)
def test_every_key_of_a_new_report_is_commented_and_every_field_shown(
        kind: str, layout: str, tmp_path: Path) -> None:
    lines = _new(kind, layout, tmp_path / "r").read_text(encoding="utf-8").splitlines()
    keys: set[str] = set()  # every key written, in block or flow style
    documented: set[str] = set()
    for n, line in enumerate(lines):
        keys.update(FLOW_KEY.findall(line))
        match = KEY_LINE.match(line)
        if match is None:
            continue
        key = match.group(2)
        keys.add(key)
        # a comment above or beside it, or the same key commented where it came first
        if lines[n - 1].lstrip().startswith("#") or " # " in line:
            documented.add(key)
        assert key in documented, f"line {n + 1} has no comment: {line!r}"
    # only a TD reports on a meeting: no sessions, statements or blocks showing them; an LS
    # alone has liaison rows; a plain text has no cover, so no cover-only field
    skip = {m.Session, m.Statement} if kind != "td" else set()
    unused = {"session", "sessions_table", "statement"} if kind != "td" else set()
    if kind != "report":  # a table of contents is shown in a new report only
        unused.add("contents")
    if kind != "ls":
        skip.add(m.Liaison)
    if kind != "letter":
        skip.add(m.Letter)
    else:  # a letter prints no TD cover and dates itself (no meeting); its text is a
        # preamble and lettered annexes: no register, highlights or figure, which a TD shows
        skip |= {m.Contact, m.Meeting, m.RegisteredDocument, m.DocumentsTable, m.Highlights,
                 m.Highlight, m.FigureSpec}
        unused |= set(LETTER_UNPRINTED) | {"documents_table", "figure", "page_break"}
    if kind == "plain":
        skip.add(m.Contact)
        unused |= set(COVER_ONLY)
    for model in _models_below(m.Report, skip):
        missing = set(model.model_fields) - keys - unused
        assert not missing, f"{model.__name__}: {sorted(missing)} not shown"


def test_the_first_line_points_at_the_schema_shipped_in_the_package(tmp_path: Path) -> None:
    first = _new("td", "2022", tmp_path / "r").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE_PREFIX)
    reference = first.removeprefix(MODELINE_PREFIX)
    target = (tmp_path / "r" / reference).resolve()  # absolute or relative to the file
    assert target == schema_path().resolve()
    assert target.read_text(encoding="utf-8") == schema_text()


def test_the_shipped_schema_is_the_one_the_model_generates() -> None:
    assert schema_path().read_text(encoding="utf-8") == schema_text(), \
        "reportgen/schema/report.schema.json is stale: run " \
        "'.venv/bin/reportgen schema > reportgen/schema/report.schema.json'"


def test_a_folder_with_something_in_it_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = run_cli("new", "td", str(folder))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "already exists and is not an empty folder" \
        in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    file = tmp_path / "a-file"
    file.write_text("x", encoding="utf-8")
    assert run_cli("new", "td", str(file)).returncode == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("new", "contribution", str(empty)).returncode == 0


def test_an_unknown_kind_or_layout_is_a_usage_error(tmp_path: Path) -> None:
    bad_kind = run_cli("new", "minutes", str(tmp_path / "a"))
    assert bad_kind.returncode == 2
    assert "KIND must be td, contribution, ls, plain, report or letter" in bad_kind.stderr
    bad_layout = run_cli("new", "td", str(tmp_path / "b"), "--layout", "2019")
    assert bad_layout.returncode == 2 and "--layout must be" in bad_layout.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_schema_write_adds_the_line_once_and_keeps_every_other_byte(tmp_path: Path) -> None:
    folder = tmp_path / SEED.name
    shutil.copytree(SEED, folder)
    yaml_path = folder / "report.yaml"
    before = yaml_path.read_bytes()
    first = run_cli("schema", "--write", str(folder))
    assert first.returncode == 0, first.stderr
    after = yaml_path.read_bytes()
    line, rest = after.split(b"\n", 1)
    assert line.decode().startswith(MODELINE_PREFIX) and rest == before
    second = run_cli("schema", "--write", str(folder))
    assert second.returncode == 0 and "already there" in second.stdout
    assert yaml_path.read_bytes() == after
    assert run_cli("check", str(folder)).returncode == 0


def test_a_modeline_is_replaced_in_place_and_line_endings_and_bom_are_kept() -> None:
    line = MODELINE_PREFIX + "new.json"
    crlf = b"\xef\xbb\xbfdocument:\r\n  kind: td\r\n"
    assert with_modeline(crlf, line) == \
        b"\xef\xbb\xbf" + line.encode() + b"\r\ndocument:\r\n  kind: td\r\n"
    old = b"# top\n# yaml-language-server: $schema=old.json\r\nbody: []\n"
    assert with_modeline(old, line) == b"# top\n" + line.encode() + b"\r\nbody: []\n"
    assert with_modeline(with_modeline(old, line), line) == with_modeline(old, line)


def test_schema_without_write_takes_no_paths() -> None:
    result = run_cli("schema", str(SEED))
    assert result.returncode == 2 and "--write" in result.stderr
