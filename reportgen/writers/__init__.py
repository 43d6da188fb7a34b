"""The output formats. Each is one entry of ``WRITERS``: the build renders whichever the
user asks for, names the file after the entry and times its stages. Adding a format is
adding an entry; a writer's heavy libraries are imported only when it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path

from reportgen.tree import Block, Contents, Document


@dataclass(frozen=True)
class RenderJob:
    """Everything a writer may use: the tree and where the report's files are."""

    doc: Document
    template: Path  # the Word template
    report_dir: Path
    sources: tuple[tuple[str, bytes], ...]  # the content files, attached to the PDF
    stage: Callable[[str], AbstractContextManager[None]]  # times a named stage


@dataclass(frozen=True)
class Writer:
    name: str  # also the value of ``--format``
    extension: str
    itu_code: str  # the format part of an ITU file name: "MSW" in "…!!MSW-E.docx"
    render: Callable[[RenderJob], bytes]


def _docx(job: RenderJob) -> bytes:
    doc = job.doc
    if has_contents(doc):  # its page numbers: from the PDF's layout of the same tree
        with job.stage("layout"):
            doc = with_pages(doc, _anchor_pages(job))
    with job.stage("docx"):
        from reportgen.writers.docx.writer import render_docx

        return render_docx(doc, job.template)


def _anchor_pages(job: RenderJob) -> dict[str, int]:
    from reportgen.writers.html.figures import pictures
    from reportgen.writers.html.render import render_html
    from reportgen.writers.pdf.write import anchor_pages

    created = dt.datetime.fromisoformat(job.doc.metadata.date).replace(tzinfo=dt.UTC)
    return anchor_pages(render_html(job.doc), report_dir=job.report_dir, created=created,
                        pictures=pictures(job.doc))


def has_contents(doc: Document) -> bool:
    """Whether the document (or one of its attachments) has a table of contents."""
    blocks = [*doc.body, *(b for a in doc.annexes for b in a.blocks)]
    return any(isinstance(b, Contents) for b in blocks) or any(
        has_contents(a) for a in doc.attachments)


def with_pages(doc: Document, pages: dict[str, int]) -> Document:
    """``doc`` with each table of contents' entries given the page of their heading."""
    def fill(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(replace(b, entries=tuple(replace(e, page=pages.get(e.anchor, 0))
                                              for e in b.entries))
                     if isinstance(b, Contents) else b for b in blocks)
    return replace(doc, body=fill(doc.body),
                   annexes=tuple(replace(a, blocks=fill(a.blocks)) for a in doc.annexes),
                   attachments=tuple(with_pages(a, pages) for a in doc.attachments))


def _pdf(job: RenderJob) -> bytes:
    with job.stage("html"):
        from reportgen.writers.html.figures import pictures
        from reportgen.writers.html.render import render_html

        html = render_html(job.doc)
    with job.stage("pdf"):
        from reportgen.writers.pdf.write import write_pdf

        created = dt.datetime.fromisoformat(job.doc.metadata.date).replace(tzinfo=dt.UTC)
        # the PDF's /ID is the tree's one digest of the sources (names and bytes)
        return write_pdf(html, report_dir=job.report_dir, attachments=sorted(job.sources),
                         identifier=job.doc.sources_digest[:32], created=created,
                         document_id=job.doc.metadata.identifier,
                         language=job.doc.metadata.language, pictures=pictures(job.doc))


WRITERS: dict[str, Writer] = {w.name: w for w in (
    Writer("docx", "docx", "MSW", _docx),
    Writer("pdf", "pdf", "PDF", _pdf),
)}
