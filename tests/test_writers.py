"""Writers are translators that fail loudly: a node they have no rule for is an error,
never skipped; the registry names every format the build can write."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from reportgen import document as d
from reportgen.build import Format, Names, output_names
from reportgen.paths import templates_dir
from reportgen.writers import WRITERS
from reportgen.writers.docx import render_docx
from reportgen.writers.html import render_html

from .test_pdf_writer import build_document


@dataclass(frozen=True)
class Unknown:
    """A block kind no writer knows."""

    text: str


@pytest.mark.parametrize("where", ["body", "list item", "quote", "annex"])
def test_an_unknown_block_stops_both_writers(where: str) -> None:
    doc = build_document()
    odd = Unknown("lost?")
    block: object = odd
    if where == "list item":
        block = d.ListBlock(False, 1, "bullet", "\u2013", 1, (d.ListItem("\u2013", (odd,)),), 1)  # type: ignore[arg-type]
    elif where == "quote":
        block = d.Quote((odd,))  # type: ignore[arg-type]
    if where == "annex":
        annex = replace(doc.annexes[0], blocks=(*doc.annexes[0].blocks, odd))  # type: ignore[arg-type]
        doc = replace(doc, annexes=(annex,))
    else:
        doc = replace(doc, body=(*doc.body, block))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Unknown"):
        render_docx(doc, templates_dir() / "itu-td.docx")
    with pytest.raises(TypeError, match="Unknown"):
        render_html(doc)


def test_an_unknown_inline_stops_both_writers() -> None:
    doc = build_document()
    odd = d.Paragraph((d.Text("a "), Unknown("b")))  # type: ignore[arg-type]
    doc = replace(doc, body=(*doc.body, odd))
    with pytest.raises(TypeError, match="Unknown"):
        render_docx(doc, templates_dir() / "itu-td.docx")
    with pytest.raises(TypeError, match="Unknown"):
        render_html(doc)


def test_every_format_of_the_command_line_is_a_registered_writer(tmp_path: Path) -> None:
    assert {f.value for f in Format} - {"all"} == set(WRITERS)
    itu = output_names("T17-TSAG-181210-TD-GEN-0446!", "E", "r", Names.itu)
    assert itu == {"docx": "T17-TSAG-181210-TD-GEN-0446!!MSW-E.docx",
                   "pdf": "T17-TSAG-181210-TD-GEN-0446!!PDF-E.pdf"}
    assert output_names("x!", "F", "my-report", Names.plain) == {
        "docx": "my-report.docx", "pdf": "my-report.pdf"}


def test_the_pdf_writer_in_its_own_process_gives_the_same_bytes_and_errors() -> None:
    """DOCX and PDF rendered side by side (the PDF in a forked process) give the bytes
    of one after the other, and a writer's error reaches the build as itself."""
    from reportgen.build import _can_fork, _Timer, render_writers
    from reportgen.load import load
    from reportgen.prepare import prepare
    from reportgen.writers import RenderJob, Writer

    from .conftest import SEED

    if not _can_fork():
        pytest.skip("one core: the writers run one after the other")
    loaded = load(SEED)
    timer = _Timer()
    job = RenderJob(prepare(loaded), templates_dir() / "itu-td.docx", SEED,
                    tuple(loaded.sources.items()), timer.stage)
    side_by_side = render_writers(list(WRITERS.values()), job, timer)
    assert {"docx", "html", "pdf"} <= set(timer.times)  # the child's stages are counted
    one_by_one = {name: w.render(job) for name, w in WRITERS.items()}
    assert side_by_side == one_by_one

    def failing(job: RenderJob) -> bytes:
        raise ValueError("the stylesheet is broken")

    writers = [Writer("a", "a", "A", lambda job: b"fine"), Writer("b", "b", "B", failing)]
    with pytest.raises(ValueError, match="the stylesheet is broken"):
        render_writers(writers, job, _Timer())
