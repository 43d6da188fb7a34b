"""Events that are not sessions (a newcomers' session, a reception): listed in the
sessions table with their day, time and room, one dash across agenda and minutes;
an agenda or minutes given to one, or a bad time, is refused at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportgen.cli import app

from .conftest import Built, build_into, normalise, pdf_text
from .test_bad_input import VALID
from .test_merged_cells import word_grid

EVENTS = VALID.replace('''    time: "09:30"
''', '''    time: "09:30"
    agenda: TD8
  - id: newcomers
    title: Newcomers' session
    kind: event
    date: 2023-05-30
    time: "12:45-13:45"
    room: Popov
    summary: Delegates new to TSAG were welcomed.
  - id: reception
    title: Reception
    kind: event
    date: 2023-05-31
    time: "18:30"
''').replace("      - session: one\n", """\
      - session: one
      - sessions_table: {title: Sessions and events}
      - session: newcomers
""")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("events")
    report = base / "content" / "events"
    report.mkdir(parents=True)
    (report / "report.yaml").write_text(EVENTS, "utf-8")
    return build_into(report, base / "out")


def sessions_grid(built: Built) -> list[list[str]]:
    import zipfile

    from lxml import etree

    from .conftest import W

    with zipfile.ZipFile(built.docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    table = next(t for t in body.iter(f"{W}tbl")
                 if "".join(x.text or "" for x in t.iter(f"{W}t")).startswith("Session"))
    return word_grid(table)


def test_event_rows_show_day_time_and_room_without_documents(built: Built) -> None:
    grid = sessions_grid(built)
    assert [row[0] for row in grid] == ["Session", "Only session", "Newcomers' session",
                                        "Reception"]
    assert [row[2:] for row in grid[2:]] == [["12:45-13:45", "Popov", "\u2013", "\u2013"],
                                             ["18:30", "\u2013", "\u2013", "\u2013"]]
    assert grid[1][4:] == ["TD8", "\u2013"]  # a session keeps its two cells


def test_an_event_row_merges_its_agenda_and_minutes_cells(built: Built) -> None:
    import zipfile

    from lxml import etree

    from .conftest import W

    with zipfile.ZipFile(built.docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    table = next(t for t in body.iter(f"{W}tbl")
                 if "".join(x.text or "" for x in t.iter(f"{W}t")).startswith("Session"))
    spans = [[(tc.find(f"{W}tcPr/{W}gridSpan") is not None) for tc in tr.findall(f"{W}tc")]
             for tr in table.findall(f"{W}tr")]
    assert spans == [[False] * 6, [False] * 6, [False] * 4 + [True], [False] * 4 + [True]]


def test_the_pdf_lists_the_events_with_their_times(built: Built) -> None:
    assert built.pdf is not None
    text = normalise(pdf_text(built.pdf))
    assert "Newcomers' session" in text and "12:45-13:45 Popov" in text, text
    assert "Reception" in text and "18:30" in text
    assert text.index("Only session") < text.index("Newcomers' session") \
        < text.index("Reception")
    # a session block shows an event's summary as it shows a session's
    assert "Delegates new to TSAG were welcomed." in text


def check(tmp_path: Path, text: str) -> str:
    report = tmp_path / "r"
    report.mkdir()
    (report / "report.yaml").write_text(text, "utf-8")
    result = CliRunner().invoke(app, ["check", str(report)])
    assert result.exit_code != 0
    return result.output


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("key", ["agenda", "minutes"])
def test_an_event_with_an_agenda_or_minutes_is_refused_at_that_line(
        key: str, tmp_path: Path) -> None:
    text = EVENTS.replace("    room: Popov\n", f"    room: Popov\n    {key}: TD7\n")
    output = check(tmp_path, text)
    line = line_of(text, f"    {key}: TD7")
    assert (f"report.yaml:{line}:5: sessions[1].{key}: an event has no {key}: remove TD7, "
            "or make this a session (leave out 'kind: event')") in output, output


@pytest.mark.parametrize(("time", "message"), [
    ('"18:30-18:00"', "the session ends (18:00) before it starts (18:30)"),
    ('"25:00"', "'25:00' is not a time of day"),
])
def test_a_bad_event_time_is_refused_at_its_line(time: str, message: str,
                                                 tmp_path: Path) -> None:
    text = EVENTS.replace('    time: "18:30"\n', f"    time: {time}\n")
    output = check(tmp_path, text)
    line = line_of(text, f"    time: {time}")
    assert f"report.yaml:{line}:5: sessions[2].time: {message}" in output, output


def test_an_unknown_kind_is_refused_with_the_kinds(tmp_path: Path) -> None:
    text = EVENTS.replace("    kind: event\n    date: 2023-05-31", "    kind: party\n"
                          "    date: 2023-05-31")
    output = check(tmp_path, text)
    assert "sessions[2].kind" in output and "'session' or 'event'" in output, output
