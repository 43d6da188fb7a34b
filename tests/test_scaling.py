"""Cost grows linearly with the size of a report: counted, never timed.

Each check builds a report at three sizes, N, 2N and 4N (table rows, clauses, list
items, footnotes, register entries, figures, blocks of a revision), and counts the work
of one stage: the function calls it makes, and the elements its XPath lookups return
(python-docx's ``tr_lst``, ``next_id`` and the like read whole trees that way).
Linear work grows by 3x from N to 4N what it grows from N to 2N; work that grows with
the square grows 5x. Counts do not depend on the machine or its load.
"""

from __future__ import annotations

import difflib
import random
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.xmlchemy import BaseOxmlElement
from typer.testing import CliRunner

from reportgen import tree as d
from reportgen.cli import app
from reportgen.content import checks
from reportgen.content.load import load
from reportgen.prepare.anchors import Anchor
from reportgen.prepare.tree import prepare
from reportgen.review.read import ReviewedParagraph
from reportgen.review.report import place_paragraphs
from reportgen.revisions.diff import MATCH_WORK, diff_blocks, diff_inlines, opcodes
from reportgen.writers.docx.writer import render_docx
from reportgen.writers.html.render import render_html

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "itu-td.docx"
GROWTH = 3.6  # allowed (work(4N) - work(N)) / (work(2N) - work(N)); linear 3, square 5

HEADER = """\
document:
  kind: td
  group: TSAG
  study_period: "2025-2028"
  number: 100
  meeting: {place: Geneva, start: 2026-01-26, end: 2026-01-30}
  source: Scaling test
  title: Scaling test
  purpose: Information
  contacts:
    - {name: Jane Rapporteur, organization: Example, country: Exampleland,
       email: jane@example.org}
  abstract: A generated report.
"""


# ------------------------------------------------------------------------ counting


@contextmanager
def counted() -> Iterator[list[int]]:
    """Count function calls (of Python functions and of builtins and C methods called
    from Python), and the elements python-docx's XPath lookups return, while the block
    runs: ``[calls, elements]``."""
    total = [0, 0]
    original = BaseOxmlElement.xpath

    def xpath(self: Any, expr: str) -> Any:
        found = original(self, expr)
        total[1] += len(found) if isinstance(found, list) else 1
        return found

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):  # functions of Python and of C (builtins, lxml)
            total[0] += 1

    BaseOxmlElement.xpath = xpath  # type: ignore[method-assign]
    sys.setprofile(profile)
    try:
        yield total
    finally:
        sys.setprofile(None)
        BaseOxmlElement.xpath = original  # type: ignore[method-assign]


def work(run: Callable[[], object]) -> tuple[int, int]:
    with counted() as total:
        run()
    return total[0], total[1]


def assert_linear(measure: Callable[[int], tuple[int, int]], n: int, what: str) -> None:
    """The work at N, 2N and 4N: for the calls and for the elements looked up, the second
    doubling adds no more than linear work does (a count that does not grow is fine).
    A first run at N fills what is done once (imports, caches) and is not counted."""
    measure(n)
    counts = [measure(n * k) for k in (1, 2, 4)]
    assert counts[1][0] > counts[0][0], f"{what}: no work grows with the size ({counts})"
    for metric, name in ((0, "calls"), (1, "elements looked up")):
        w1, w2, w4 = (c[metric] for c in counts)
        if w4 - w1 <= w1 // 100:
            continue
        growth = (w4 - w1) / max(w2 - w1, 1)
        assert growth <= GROWTH, (
            f"{what}: {name} at {n}, {2 * n}, {4 * n} are {w1}, {w2}, {w4}; from N to 4N "
            f"they grow {growth:.2f}x what they grow from N to 2N (3 is linear, 5 the square)")


# ------------------------------------------------------------------------ content


def report(folder: Path, body: str, files: dict[str, str] | None = None,
           extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.yaml").write_text(HEADER + extra + "body:\n" + body, "utf-8")
    for name, text in (files or {}).items():
        (folder / name).write_text(text, "utf-8")
    return folder


def markdown_table(rows: int) -> str:
    return "Table: Rows\n\n| Item | Source | Result |\n|---|---|---|\n" + "".join(
        f"| R-{i} | Administration {i % 7} | *noted* {i} |\n" for i in range(rows))


def table_report(folder: Path, rows: int) -> Path:
    return report(folder, "  - title: Results\n    file: table.md\n",
                  {"table.md": markdown_table(rows)})


def merged_table_report(folder: Path, rows: int) -> Path:
    """A table block whose first column joins every two rows."""
    lines = []
    for i in range(rows // 2):
        lines.append(f"            - [{{text: G{i}, rowspan: 2}}, {{text: A{i}, colspan: 2}}]\n")
        lines.append(f"            - [B{i}, C{i}]\n")
    body = ("  - title: Allocation\n    blocks:\n      - table:\n          title: Allocation\n"
            "          columns: [{title: Group}, {title: Item}, {title: Note}]\n"
            "          rows:\n" + "".join(lines))
    return report(folder, body)


def clauses_report(folder: Path, n: int, edited: bool = False) -> Path:
    texts = [f"Clause {i} records what the group considered on item {i}." for i in range(n)]
    if edited:
        for i in range(0, n, 10):
            texts[i] = texts[i].replace("considered", "discussed and agreed")
        texts.insert(n // 2, "A clause added in the revision.")
        del texts[n // 3]
    return report(folder, "".join(f"  - title: Clause {i}\n    text: {t}\n"
                                  for i, t in enumerate(texts)))


def lists_report(folder: Path, n: int) -> Path:
    text = "".join(f"List {i}:\n\n1) first {i};\n2) second, with a list:\n   a) detail.\n\n"
                   f"- a bullet of {i}.\n\n" for i in range(n))
    return report(folder, "  - title: Lists\n    file: lists.md\n", {"lists.md": text})


def footnotes_report(folder: Path, n: int) -> Path:
    text = "".join(f"Paragraph {i} with a note[^{i}].\n\n[^{i}]: The note of {i}.\n\n"
                   for i in range(n))
    return report(folder, "  - title: Notes\n    file: notes.md\n", {"notes.md": text})


def register_report(folder: Path, n: int) -> Path:
    """N documents in the register, a documents table and a paragraph citing each
    (every id a link: one relationship each in the DOCX)."""
    register = "documents:\n" + "".join(
        f"  - {{id: C{i + 1}, title: Proposal {i + 1}, source: Administration {i % 9}}}\n"
        for i in range(n))
    text = "".join(f"Contribution C{i + 1} was noted.\n\n" for i in range(n))
    body = ("  - title: Documents\n    blocks:\n      - documents_table: {title: Documents}\n"
            "  - title: Discussion\n    file: text.md\n")
    return report(folder, body, {"text.md": text}, extra=register)


def figures_report(folder: Path, n: int) -> Path:
    """N figures, each its own PNG file, and each shown twice."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    blocks = []
    for i in range(n):
        Image.new("RGB", (4, 4), (i % 256, i // 256, 7)).save(folder / f"f{i}.png", "PNG")
        for k in range(2):
            blocks.append(f"      - figure: {{file: f{i}.png, title: Figure {i}.{k}, "
                          f"alt: picture {i}, width: 30%}}\n")
    return report(folder, "  - title: Figures\n    blocks:\n" + "".join(blocks))


def prepared(folder: Path) -> d.Document:
    return prepare(load(folder))


# ------------------------------------------------------------------------ writers


MAKERS: dict[str, tuple[Callable[[Path, int], Path], int]] = {
    "table rows": (table_report, 40),
    "merged table rows": (merged_table_report, 40),
    "clauses": (clauses_report, 40),
    "lists": (lists_report, 20),
    "footnotes": (footnotes_report, 40),
    "register entries": (register_report, 40),
    "figures": (figures_report, 15),
}


@pytest.mark.parametrize("what", list(MAKERS))
def test_the_docx_writer_does_linear_work(tmp_path: Path, what: str) -> None:
    make, n = MAKERS[what]

    def measure(size: int) -> tuple[int, int]:
        doc = prepared(make(tmp_path / f"{size}", size))
        return work(lambda: render_docx(doc, TEMPLATE))

    assert_linear(measure, n, f"DOCX, {what}")


@pytest.mark.parametrize("what", ["table rows", "clauses", "register entries", "lists"])
def test_loading_preparing_and_the_html_do_linear_work(tmp_path: Path, what: str) -> None:
    make, n = MAKERS[what]

    def measure(size: int) -> tuple[int, int]:
        folder = make(tmp_path / f"{size}", size)
        with counted() as counts:
            doc = prepare(load(folder))
        calls, elements = work(lambda: render_html(doc))
        return counts[0] + calls, counts[1] + elements

    assert_linear(measure, n, f"load, prepare and HTML, {what}")


# ---------------------------------------------------------------------- revisions


def test_marking_a_revision_does_linear_work() -> None:
    """A thousand clauses and more, every third one edited: the blocks are aligned in
    pieces between anchors, not by difflib over the whole (which can cost the square)."""
    def blocks(n: int, edited: bool) -> tuple[d.Block, ...]:
        out: list[d.Block] = []
        for i in range(n):
            text = f"Clause {i} records what the group considered on item {i}."
            if edited and i % 3 == 0:
                text = text.replace("considered", "discussed")
            out.append(d.Paragraph((d.Text(text),)))
        return tuple(out)

    def measure(size: int) -> tuple[int, int]:
        old, new = blocks(size, False), blocks(size, True)
        return work(lambda: diff_blocks(old, new))

    assert_linear(measure, 1000, "marking a revision")


def test_marking_a_long_paragraph_does_linear_work() -> None:
    """The words of a paragraph of thousands of words, one in ten changed, are matched
    piece by piece, not by difflib over the whole (the square of the words)."""
    vocabulary = [f"w{k}" for k in range(300)]

    def measure(size: int) -> tuple[int, int]:
        rng = random.Random(size)
        old = [rng.choice(vocabulary) for _ in range(size)]
        new = [w if k % 10 else "changed" for k, w in enumerate(old)]
        return work(lambda: diff_inlines((d.Text(" ".join(old)),), (d.Text(" ".join(new)),)))

    assert_linear(measure, 2000, "marking one long paragraph")


def test_opcodes_are_difflibs_within_the_bound_and_valid_beyond_it() -> None:
    rng = random.Random(3)
    small_a = [rng.choice("abcde") for _ in range(300)]
    small_b = [c if rng.random() > 0.2 else "x" for c in small_a]
    assert len(small_a) * len(small_b) <= MATCH_WORK
    expected = difflib.SequenceMatcher(None, small_a, small_b, autojunk=False).get_opcodes()
    assert opcodes(small_a, small_b) == expected
    # beyond the bound: the opcodes still turn a into b, and keep most of it equal
    big_a = [f"t{rng.randrange(5000)}" for _ in range(3000)]
    big_b = list(big_a)
    for k in range(0, len(big_b), 37):
        big_b[k] = "new"
    big_b[100:100] = ["inserted"] * 5
    del big_b[2000:2010]
    ops = opcodes(big_a, big_b)
    rebuilt: list[str] = []
    for tag, i1, i2, j1, j2 in ops:
        assert tag in ("equal", "replace", "delete", "insert")
        rebuilt += big_a[i1:i2] if tag == "equal" else big_b[j1:j2]
        if tag == "equal":
            assert big_a[i1:i2] == big_b[j1:j2]
    assert rebuilt == big_b
    assert ops[0][1] == ops[0][3] == 0
    equal = sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal")
    assert equal > 0.9 * len(big_a)


# ------------------------------------------------------------------------ review


def test_placing_many_paragraphs_of_the_same_text_does_linear_work() -> None:
    """Reviewed paragraphs without bookmarks are placed by their text; a thousand
    paragraphs of one text must not each look through every anchor of that text."""
    class Id(str):
        """A block id that counts how often it is looked up in a set."""

        def __hash__(self) -> int:
            return str.__hash__(self)

    def measure(size: int) -> tuple[int, int]:
        found = [Anchor(Id(f"b{k}"), "paragraph", None, "noted") for k in range(size)]
        paragraphs = [ReviewedParagraph(k, [], "noted", "noted") for k in range(size)]
        return work(lambda: place_paragraphs(paragraphs, found))

    assert_linear(measure, 200, "placing reviewed paragraphs")


# ------------------------------------------------------------------------ limits


def test_a_markdown_table_over_the_limit_is_refused_at_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "MAX_TABLE_ROWS", 30)
    folder = table_report(tmp_path / "big", 31)
    output = CliRunner().invoke(app, ["check", str(folder)]).output
    assert "table.md:3:1: body[0].file: a table of 31 rows; the limit is 30 rows a table: " \
        "split it into tables of at most that many rows" in output, output
    folder = table_report(tmp_path / "fits", 30)
    assert CliRunner().invoke(app, ["check", str(folder)]).exit_code == 0


def test_a_table_block_over_the_limit_is_refused_at_the_first_row_past_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "MAX_TABLE_ROWS", 30)
    folder = merged_table_report(tmp_path / "big", 32)
    result = CliRunner().invoke(app, ["check", str(folder)])
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if "rows a table" in ln)
    # rows start on line 21 of report.yaml: row 31 (index 30) is on line 51
    assert ":51:15: body[0].blocks[0].table.rows[30]: a table of 32 rows; the limit is " \
        "30 rows a table" in line, line



# ------------------------------------------------------------------------- review


def preparations(run: Callable[[], object]) -> int:
    """How many times ``run`` loads a report to prepare it (wherever ``load`` is called
    from; content that does not load is never prepared)."""
    count = [0]
    code = load.__code__

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code is code:
            count[0] += 1

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return count[0]


def test_review_apply_prepares_the_report_a_bounded_number_of_times(tmp_path: Path) -> None:
    """N paragraphs edited without track changes, a clause title whose new text YAML
    would misread (applied on a second try, rewritten quoted) and a word deleted from
    between bold markers (left out: ``****`` would not read as the reviewed text):
    --apply checks the edits by preparing the report a few times, the same at N and 2N
    changes, where it prepared it once or more for each."""
    from reportgen.review.apply import plan
    from reportgen.review.report import open_review

    from .word_review import Reviewer

    def measure(n: int) -> int:
        folder = report(tmp_path / f"r{n}", "  - title: Items\n    file: items.md\n",
                        {"items.md": "".join(f"Item {i} was noted by the group.\n\n"
                                             for i in range(n))
                         + "It is **very** important.\n"})
        built = tmp_path / f"r{n}.docx"
        built.write_bytes(render_docx(prepared(folder), TEMPLATE))
        reviewer = Reviewer(built)
        reviewer.tracked = False
        reviewer.insert("Items", ": first # draft")
        for i in range(n):
            reviewer.replace(f"Item {i} was noted", f"Item {i} was agreed")
        reviewer.delete("very")
        reviewed = open_review(reviewer.save(tmp_path / f"r{n}-chair.docx"), folder)
        result = plan(reviewed)
        count = preparations(lambda: plan(reviewed))
        assert [o.applied for o in result.outcomes] == [True] * (n + 1) + [False]
        assert "would not read as the reviewed text" in result.outcomes[-1].reason
        assert "It is **very** important." in result.files["items.md"]
        assert result.files["items.md"].count("was agreed") == n
        assert '  - title: "Items: first # draft"\n' in result.files["report.yaml"]
        return count

    small, large = measure(10), measure(20)
    assert small == large <= 4, f"preparations for 10 and 20 changes: {small}, {large}"
