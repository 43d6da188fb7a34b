"""Reading a reviewed DOCX, in-process on small hand-written packages: what each kind of
tracked change makes of a paragraph's text before and after the review."""

from __future__ import annotations

import zipfile
from pathlib import Path

from reportgen.review.read import read_review

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(path: Path, body: str) -> Path:
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", document)
    return path


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def deleted(text: str) -> str:
    return f'<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r>'


CHANGE = 'w:id="{n}" w:author="Chair" w:date="2026-01-05T10:00:00Z"'


def test_moved_text_is_old_where_it_was_and_new_where_it_went(tmp_path: Path) -> None:
    body = (f"<w:p>{run('Keep ')}<w:moveFrom {CHANGE.format(n=1)}>{deleted('this')}"
            f"</w:moveFrom>{run(' here.')}</w:p>"
            f"<w:p>{run('Put ')}<w:moveTo {CHANGE.format(n=2)}>{run('this')}</w:moveTo>"
            f"{run(' there.')}</w:p>")
    review = read_review(docx(tmp_path / "moved.docx", body))
    first, second = review.paragraphs
    assert (first.old, first.new) == ("Keep this here.", "Keep  here.")
    assert (second.old, second.new) == ("Put  there.", "Put this there.")
    assert [(f.kind, f.text, f.paragraph) for f in review.findings] == [
        ("move from", "this", 0), ("move to", "this", 1)]


def test_inserted_and_deleted_text(tmp_path: Path) -> None:
    body = (f"<w:p>{run('The ')}<w:del {CHANGE.format(n=1)}>{deleted('proposition')}</w:del>"
            f"<w:ins {CHANGE.format(n=2)}>{run('proposal')}</w:ins>{run(' stands.')}</w:p>")
    review = read_review(docx(tmp_path / "edited.docx", body))
    (p,) = review.paragraphs
    assert (p.old, p.new) == ("The proposition stands.", "The proposal stands.")
    assert [(f.kind, f.text, f.author) for f in review.findings] == [
        ("deletion", "proposition", "Chair"), ("insertion", "proposal", "Chair")]
