"""The revision diff on trees, in-process: what a change between two prepared versions is
marked as, block by block and word by word."""

from __future__ import annotations

from reportgen import tree as d
from reportgen.revisions.diff import diff_blocks


def para(*content: d.Inline) -> d.Paragraph:
    return d.Paragraph(tuple(content))


def test_a_change_of_bold_alone_is_marked_as_a_formatting_change() -> None:
    old = (para(d.Text("The group agreed.")), para(d.Text("Unchanged.")))
    new = (para(d.Text("The group "), d.Strong((d.Text("agreed"),)), d.Text(".")),
           para(d.Text("Unchanged.")))
    marked = diff_blocks(old, new)
    assert marked[1] == new[1]
    first = marked[0]
    assert isinstance(first, d.Paragraph)
    reformatted = [n for n in first.content if isinstance(n, d.Reformatted)]
    assert len(reformatted) == 1
    assert d.plain_text(reformatted[0].children) == "agreed"
    assert d.plain_text(first.content) == "The group agreed."


def test_an_unchanged_block_is_left_unmarked() -> None:
    blocks = (para(d.Text("Same "), d.Strong((d.Text("words"),))),)
    assert diff_blocks(blocks, blocks) == blocks
