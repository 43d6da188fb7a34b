"""Session times (a start, or a start and an end) and the cover's Action line in both
cover layouts, as a user writes them and as both outputs show them."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from typer.testing import CliRunner

from reportgen.cli import app

from .conftest import Built, build_into, normalise, pdf_text
from .test_bad_input import VALID

ACTION = "TSAG is invited to note this report and to approve the way forward."

# 2017-2020 cover with an action; times unquoted, quoted, as a range, with an en dash
OLD_LAYOUT = VALID.replace("  group: TSAG\n", """\
  layout: "2017-2020"
  purpose: Information
  keywords: [TSAG, report]
  group: TSAG
""").replace("  abstract: A minimal report.\n", f"""\
  abstract: A minimal report.
  action: {ACTION}
""").replace('''    time: "09:30"
''', '''    time: 08:00
  - id: two
    title: Second session
    date: 2023-05-30
    time: 12:45-13:45
  - id: three
    title: Third session
    date: 2023-05-31
    time: "14:30\u201316:00"
''').replace("      - session: one\n", """\
      - session: one
      - sessions_table: {title: Sessions}
""")


@pytest.fixture(scope="module")
def old_layout_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("old-layout")
    report = base / "content" / "old-layout"
    report.mkdir(parents=True)
    (report / "report.yaml").write_text(OLD_LAYOUT, "utf-8")
    return build_into(report, base / "out")


def test_action_follows_the_cover_table_in_the_2017_docx(old_layout_build: Built) -> None:
    doc = Document(str(old_layout_build.docx))
    body = list(doc.element.body.iterchildren())
    cover = Table(body[0], doc)
    labels = [row.cells[0].text for row in cover.rows]
    assert "Keywords:" in labels and labels[-1] == "Abstract:", labels  # the 2017-2020 table
    action = Paragraph(body[1], doc)
    assert action.text == f"Action: {ACTION}"
    assert action.runs[0].text == "Action:" and action.runs[0].bold


def test_action_is_in_the_2017_pdf(old_layout_build: Built) -> None:
    text = normalise(pdf_text(old_layout_build.pdf))
    assert f"Action: {ACTION}" in text
    assert text.index("Keywords:") < text.index("Abstract:") < text.index("Action:")


def sessions_rows(built: Built) -> list[list[str]]:
    doc = Document(str(built.docx))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Session")
    return [[c.text for c in row.cells] for row in table.rows]


def test_session_times_and_ranges_in_the_sessions_table(old_layout_build: Built) -> None:
    rows = sessions_rows(old_layout_build)
    assert [row[2] for row in rows] == ["Time", "08:00", "12:45-13:45", "14:30-16:00"]
    pdf = normalise(pdf_text(old_layout_build.pdf)).replace("- ", "-")  # a cell may wrap
    for shown in ("08:00", "12:45-13:45", "14:30-16:00"):
        assert shown in pdf, shown


def sessions_warnings(tmp_path: Path, first: str, second: str) -> list[str]:
    text = VALID.replace('''    time: "09:30"
''', f'''    time: "{first}"
  - id: two
    title: Second session
    date: 2023-05-30
    time: "{second}"
''')
    report = tmp_path / f"{first}-{second}".replace(":", "")
    report.mkdir()
    (report / "report.yaml").write_text(text, "utf-8")
    result = CliRunner().invoke(app, ["check", str(report)])
    assert result.exit_code == 0, result.output
    return [ln for ln in result.output.splitlines() if "earlier than the one before" in ln]


@pytest.mark.parametrize(("first", "second", "warned"), [
    ("14:00-15:00", "09:00-10:00", True),
    ("14:00", "09:00-10:00", True),
    ("09:00-10:00", "14:00", False),
    ("09:00-12:00", "09:30-10:00", False),  # ordered by start
])
def test_sessions_are_ordered_by_their_start(tmp_path: Path, first: str, second: str,
                                             warned: bool) -> None:
    warnings = sessions_warnings(tmp_path, first, second)
    assert len(warnings) == int(warned), warnings
    if warned:
        assert "sessions[1].date: session is earlier than the one before it" in warnings[0]
