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


def test_import_and_review_read_comments_and_properties_alike(tmp_path: Path) -> None:
    """One reader: a comment with a resolved reply, who saved the file last and the
    custom properties come out the same for import (read_docx) and review."""
    from reportgen.read import read_docx

    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    w15 = "http://schemas.microsoft.com/office/word/2012/wordml"
    body = (f'<w:p><w:commentRangeStart w:id="0"/>{run("Agreed text.")}'
            f'<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
            f'<w:r><w:commentReference w:id="1"/></w:r></w:p>')
    path = docx(tmp_path / "commented.docx", body)
    comments = (f'<w:comments xmlns:w="{W_NS}" xmlns:w14="{w14}">'
                f'<w:comment w:id="0" w:author="Chair" w:date="2026-01-05T10:00:00Z">'
                f'<w:p w14:paraId="0000000A">{run("Please check.")}</w:p></w:comment>'
                f'<w:comment w:id="1" w:author="Editor" w:date="2026-01-06T10:00:00Z">'
                f'<w:p w14:paraId="0000000B">{run("Checked.")}</w:p></w:comment>'
                f'</w:comments>')
    extended = (f'<w15:commentsEx xmlns:w15="{w15}">'
                f'<w15:commentEx w15:paraId="0000000A" w15:done="1"/>'
                f'<w15:commentEx w15:paraId="0000000B" w15:paraIdParent="0000000A" '
                f'w15:done="1"/></w15:commentsEx>')
    core = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/"><dc:identifier>TSAG-TD1'
            '</dc:identifier><cp:lastModifiedBy>Chair Person</cp:lastModifiedBy>'
            '<dcterms:modified>2026-01-07T09:00:00Z</dcterms:modified></cp:coreProperties>')
    custom = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
              'custom-properties"><property name="reportgen-report"><vt:lpwstr xmlns:vt='
              '"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">r1'
              '</vt:lpwstr></property></Properties>')
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("word/comments.xml", comments)
        z.writestr("word/commentsExtended.xml", extended)
        z.writestr("docProps/core.xml", core)
        z.writestr("docProps/custom.xml", custom)
    review, word = read_review(path), read_docx(path)
    assert [(f.kind, f.author, f.text, f.resolved, f.paragraph) for f in review.findings] == [
        ("comment", "Chair", "Please check.", True, 0),
        ("reply", "Editor", "Checked.", True, 0)]
    assert review.findings[0].anchored == "Agreed text."
    assert [(c.author, c.text, c.reply, c.resolved, c.paragraph - 1, c.anchored)
            for c in word.comments] == [
        ("Chair", "Please check.", False, True, 0, "Agreed text."),
        ("Editor", "Checked.", True, True, 0, "")]
    assert (review.last_modified_by, review.modified, review.identifier) == (
        word.properties["last_modified_by"], word.properties["modified"],
        word.properties["identifier"]) == ("Chair Person", "2026-01-07T09:00:00Z", "TSAG-TD1")
    assert review.properties == word.custom_properties == {"reportgen-report": "r1"}
