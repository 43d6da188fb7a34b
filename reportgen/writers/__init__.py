"""The output formats. Each is one entry of ``WRITERS``: the build renders whichever the
user asks for, names the file after the entry and times its stages. Adding a format is
adding an entry; a writer's heavy libraries are imported only when it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from reportgen.tree import Document


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
    with job.stage("docx"):
        from reportgen.writers.docx.writer import render_docx

        return render_docx(job.doc, job.template)


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
