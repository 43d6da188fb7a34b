"""Two Word documents compared paragraph by paragraph: text, style and label.

What "reads as" means for an import: every paragraph with text (in the body, its tables
and its footnotes) in the same order, with the same text, the same numbering label and,
when asked, the same style. Empty paragraphs are not compared (a Markdown text has none),
nor the page numbers of a table of contents (the layout that filled them in gives them).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from reportgen.read import Paragraph, WordDocument

# a label typed before a tab, as ITU texts often have them: "–", "a)", "(iv)", "3."
TYPED_LABEL = re.compile(
    r"^(?:(?P<bullet>[–—•\-·])|\((?P<inner>\d{1,3}|[a-z]{1,4}|[A-Z]{1,4})\)|"
    r"(?P<counter>\d{1,3}|[a-z]{1,4}|[A-Z]{1,4})(?P<punct>[.)-]))\t(?P<rest>.*)$", re.S)
BULLETS = {"–", "—", "-", "•", "·", "◦", "▪", "", "o"}
# an entry of a table of contents (Word's toc 1 …, LibreOffice's Contents 1 …) and the
# page number after its last tab, which depends on the layout that filled it in
TOC_ENTRY = re.compile(r"^(toc|contents)\d{1,2}$")
PAGE_NUMBER = re.compile(r"\t[0-9ivxlcdmIVXLCDM]{0,8}$")


@dataclass(frozen=True)
class Line:
    index: int
    where: str  # "paragraph", "table cell paragraph" or "footnote N paragraph"
    style: str  # the style name
    label: str
    text: str

    def key(self, styles: bool) -> tuple[str, ...]:
        return (_style_key(self.style) if styles else "", _label_key(self.label), self.text)

    def place(self) -> str:
        return f"{self.where} {self.index} (style \"{self.style}\")"


def _style_key(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).lower()


def _label_key(label: str) -> str:
    return "•" if label.strip() in BULLETS and label else label


def _text(p: Paragraph) -> str:
    """Its text as compared; a table of contents' entry without its page number."""
    if TOC_ENTRY.match(_style_key(p.style)):
        return _text_of(PAGE_NUMBER.sub("", p.text))
    return _text_of(p.text)


def _text_of(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text.replace("\u00a0", " ")).strip()


def outline(doc: WordDocument) -> list[Line]:
    """The paragraphs with text of the body (tables included), then of the footnotes."""
    out = []
    for p in doc.paragraphs():
        text = _text(p)
        label = "•" if p.label is not None and p.label.bullet else p.label_text
        typed = TYPED_LABEL.match(p.text) if p.label is None else None
        if typed is not None:
            label = "•" if typed.group("bullet") else p.text[:p.text.index("\t")]
            text = _text_of(typed.group("rest"))
        if text or p.label is not None:
            out.append(Line(p.index, "table cell paragraph" if p.in_table else "paragraph",
                            p.style, label, text))
    for note_id, paragraphs in doc.footnotes.items():
        texts = [_text(p) for p in paragraphs if _text(p)]
        if texts:
            out.append(Line(paragraphs[0].index, f"footnote {note_id} paragraph",
                            paragraphs[0].style, "", " ".join(texts)))
    return out


def differences(source: list[Line], built: list[Line], styles: bool = True) -> list[str]:
    """Sentences naming each paragraph of ``source`` that ``built`` does not read as."""
    a = [line.key(styles) for line in source]
    b = [line.key(styles) for line in built]
    out = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            src = source[i1 + k] if i1 + k < i2 else None
            new = built[j1 + k] if j1 + k < j2 else None
            if src is None and new is not None:
                out.append(f"an added paragraph: {new.text[:60]!r}")
            elif src is not None and new is None:
                out.append(f"{src.place()}: not in the rebuilt document: {src.text[:60]!r}")
            elif src is not None and new is not None:
                out.append(_difference(src, new, styles))
    return out


def _difference(src: Line, new: Line, styles: bool) -> str:
    parts = []
    if _label_key(src.label) != _label_key(new.label):
        parts.append(f"numbered {src.label or '(none)'!r}, rebuilt "
                     f"{new.label or '(none)'!r}")
    if styles and _style_key(src.style) != _style_key(new.style):
        parts.append(f"rebuilt in style {new.style!r}")
    if src.text != new.text:
        parts.append(f"text {src.text[:50]!r} rebuilt as {new.text[:50]!r}")
    return f"{src.place()}: " + "; ".join(parts)
