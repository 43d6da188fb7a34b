"""Writers are translators that fail loudly: a node they have no rule for is an error,
never skipped; the registry names every format the build can write."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from reportgen import tree as d
from reportgen.build.one import output_names
from reportgen.build.options import Format, Names
from reportgen.paths import templates_dir
from reportgen.writers import WRITERS, RenderJob
from reportgen.writers.docx.writer import render_docx
from reportgen.writers.html.render import render_html

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


def test_the_pdf_writer_in_its_own_process_gives_the_same_bytes_and_errors(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """DOCX and PDF rendered side by side (the PDF in a forked side process) give the
    bytes of one after the other, and a writer's error reaches the build as itself."""
    from reportgen.build.offload import SideRenderer, Timer
    from reportgen.build.one import plan_outputs, render_outputs
    from reportgen.build.options import BuildOptions
    from reportgen.writers import Writer

    from .conftest import SEED

    timer = Timer()
    outputs, _ = plan_outputs(SEED, templates_dir() / "itu-td.docx",
                              BuildOptions(Path("unused")), timer)
    side = SideRenderer.start("pdf")
    if side is None:
        pytest.skip("no fork on this system: the writers run one after the other")
    try:
        side_by_side = render_outputs(outputs, timer, side)
    finally:
        side.close()
    assert {"docx", "pdf_imports", "html", "pdf"} <= set(timer.times)  # the side's too
    assert side.peak_mib is not None and side.peak_mib > 0
    one_by_one = {o.name: o.writer.render(o.job) for o in outputs}
    assert side_by_side == one_by_one

    def failing(job: RenderJob) -> bytes:
        raise ValueError("the stylesheet is broken")

    monkeypatch.setitem(WRITERS, "pdf", Writer("pdf", "pdf", "PDF", failing))
    side = SideRenderer.start("pdf")
    assert side is not None
    try:
        with pytest.raises(ValueError, match="the stylesheet is broken"):
            render_outputs(outputs, Timer(), side)
    finally:
        side.close()
    assert not side.process.is_alive()
