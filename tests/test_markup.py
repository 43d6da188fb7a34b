"""Reading prose: document ids are recognised as words, in Latin and CJK text alike."""

from __future__ import annotations

import pytest

from reportgen import tree as d
from reportgen.content.markdown import ProseContext, to_inlines
from reportgen.errors import Origin


def cited(text: str) -> list[str]:
    ctx = ProseContext(register={"C54": "Proposal", "TD433R1": "Revision"})
    nodes = to_inlines(text, Origin("p.md", 1), ctx)
    return [n.id for n in nodes if isinstance(n, d.DocRef)]


@pytest.mark.parametrize(("text", "ids"), [
    ("based on contribution C54 from China", ["C54"]),
    ("(TD433R1), and C54.", ["TD433R1", "C54"]),
    ("中国提交的文稿C54，TSAG设立了", ["C54"]),  # CJK characters around it
    ("见TD433R1。", ["TD433R1"]),
    ("ABC54 and C54x and TD433-Rx and TD433-R1a and x/C54", []),  # parts of other words
    ("as TD433-R1 says", ["TD433-R1"]),  # the masthead's form of TD433R1
])
def test_document_ids_are_whole_words(text: str, ids: list[str]) -> None:
    assert cited(text) == ids
