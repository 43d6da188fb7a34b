"""Paragraph spans -> Markdown of the content format, escaped so that it reads back as
the same text (a ``*``, ``[^1]``, ``<div>`` or ``1.`` at a line's start stays text)."""

from __future__ import annotations

import re
from collections.abc import Callable

from reportgen.read import Span

ESCAPED = re.compile(r"([\\`*_\[\]<>|#~!])")
LINE_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
LINK_SCHEMES = ("http://", "https://", "mailto:")


def escape(text: str, table: bool = False) -> str:
    """``text`` as Markdown that prints exactly ``text``."""
    out = ESCAPED.sub(r"\\\1", text)
    out = LINE_START.sub(r"\1\\\2", out)
    if out[:1] in ("-", "+", "=") and (len(out) == 1 or out[1] in " \t-=+"):
        out = "\\" + out
    return out


def inline(spans: list[Span], note: Callable[[str], str], keep_link: Callable[[str, str], bool],
           table: bool = False) -> str:
    """The Markdown of a paragraph's spans: emphasis, links, line breaks and footnote
    references (``note(id)`` gives what to write in the reference's place)."""
    out: list[str] = []
    for span in spans:
        if span.kind == "break":
            out.append(" " if table else "\\\n")
        elif span.kind == "note":
            out.append(note(span.note))
        elif span.kind == "text" and span.text:
            text = span.text.replace("\t", " ").replace("\n", " ")
            core = text.strip(" ")
            if not core:
                out.append(text)
                continue
            lead = text[: len(text) - len(text.lstrip(" "))]
            trail = text[len(text.rstrip(" ")):]
            md = escape(core, table)
            if span.link and keep_link(span.link, core):
                md = f"[{md}](<{span.link}>)"
            marks = ("**" if span.bold else "") + ("*" if span.italic else "")
            out.append(f"{lead}{marks}{md}{marks[::-1]}{trail}")
    text = "".join(out)
    text = re.sub(r"(\\\n)+$", "", text)  # a break at the very end shows nothing
    return text
