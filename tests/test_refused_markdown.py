"""Nothing disappears: every Markdown construct is rendered, or refused with its line and
what to write instead, every problem of every file at once."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import run_cli
from .test_bad_input import VALID, write_report

# One construct per entry: (Markdown, the line of the entry it is refused at, or None
# when it is rendered or refused elsewhere, and words of the message).
PROBE_FILE = [
    ("Plain text stays.", None, ""),
    ("---", 0, "thematic break"),
    ("## A heading", 0, "Markdown heading"),
    ("Text with a footnote.[^1]", None, ""),  # a footnote (test_footnotes.py)
    ("[^1]: The footnote text.", None, ""),
    ("A second call of the same note.[^1]", 0, "footnote [^1] is referred to a second time"),
    ("<div>\nraw\n</div>", 0, "HTML block"),
    ("Term\n: its definition", 0, "definition list"),
    ("![a picture](pic.png)", 0, "image 'pic.png'"),
    ("[^9]: A footnote nobody cites.", 0, "footnote definition [^9]"),
    ("| a | b |\n|---|---|\n| 1 | 2 |", 0, "needs a title"),
    ("Table: a title with no table after it stays text", None, ""),
    ("[a link](ftp://example.org/x)", 0, "only to http"),
    ("1. one\n\n   1. two\n\n      1. three\n\n         1. four", 6, "3 levels"),
    ("> > > > deep quote", 0, "quotes nest"),
]


def probe_markdown() -> str:
    return "\n\n".join(text for text, _, _ in PROBE_FILE) + "\n"


def expected_lines() -> list[tuple[int, str]]:
    out, line = [], 1
    for text, offset, words in PROBE_FILE:
        if offset is not None:
            out.append((line + offset, words))
        line += text.count("\n") + 2
    return out


def test_every_refused_construct_gets_its_own_located_error_all_at_once(
        tmp_path: Path) -> None:
    folder = write_report(tmp_path / "probe", VALID.replace(
        "      This is TD7, the minimal report; see also TD8.\n",
        "      This is TD7, the minimal report; see also TD8.\n\n      ---\n") +
        "  - title: Refused\n    file: probe.md\n")
    (folder / "probe.md").write_text(probe_markdown(), "utf-8")
    result = run_cli("check", str(folder))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "probe.md" in line]
    expected = expected_lines()
    assert len(lines) == len(expected), result.stderr
    for (line, words), message in zip(expected, lines, strict=True):
        assert re.search(rf"probe\.md:{line}:\d+: body\[1\]\.file: ", message), message
        assert words in message, message
    # the report.yaml prose is checked in the same run, at its own line
    yaml_line = VALID.splitlines().index("      This is TD7, the minimal report; see also TD8.")
    assert re.search(rf"report\.yaml:{yaml_line + 3}:\d+: body\[0\]\.text: a thematic break",
                     result.stderr), result.stderr


def test_each_refusal_says_what_to_write_instead(tmp_path: Path) -> None:
    folder = write_report(tmp_path / "probe", VALID + "  - title: Refused\n    file: p.md\n")
    (folder / "p.md").write_text("---\n\n# Title\n\nx\n\n[^1]: y\n\n<div>\n\n</div>\n",
                                 "utf-8")
    result = run_cli("check", str(folder))
    assert "'sections:' entry" in result.stderr
    assert "or end the clause here" in result.stderr
    assert "put [^1] where its number should stand" in result.stderr
    assert "escape the '<'" in result.stderr


def test_constructs_that_are_rendered_reach_both_outputs(tmp_path: Path) -> None:
    """Code blocks keep their lines; inline HTML and an unresolved ``[^x]`` are text."""
    from .conftest import build_into, docx_paragraph_texts, normalise, pdf_text

    folder = write_report(tmp_path / "content" / "r", VALID + (
        "  - title: Rendered\n    text: |\n      Inline <b>tags</b> and [^x] stay.\n\n"
        "          code line one\n          code line two\n"))
    built = build_into(folder, tmp_path / "out")
    texts = docx_paragraph_texts(built.docx)
    assert "Inline <b>tags</b> and [^x] stay." in texts
    assert "code line one\ncode line two" in texts
    flat = normalise(pdf_text(built.pdf))
    assert "Inline <b>tags</b> and [^x] stay." in flat
    assert "code line one code line two" in flat


def test_a_problem_in_a_value_on_its_key_line_is_reported_on_that_line(
        tmp_path: Path) -> None:
    text = VALID + "  - title: Inline\n    text: \"## not a clause\"\n  - title: Block\n" \
        "    text: |\n      Fine.\n\n      ## not a clause either\n"
    folder = write_report(tmp_path / "r", text)
    lines = text.splitlines()
    inline = lines.index("    text: \"## not a clause\"") + 1
    block = lines.index("      ## not a clause either") + 1
    result = run_cli("check", str(folder))
    assert f"report.yaml:{inline}:11: body[1].text: a Markdown heading" in result.stderr
    assert f"report.yaml:{block}:1: body[2].text: a Markdown heading" in result.stderr
