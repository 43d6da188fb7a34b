"""Attachments in the HTML: each attached document's page, rendered by the report's own
template, appended after the report on a new page of its own page group.

Each attachment's pages are a named page (``attachment-N``): its first page (its cover)
has no running header and restarts the page counter, so that its second page reads
``- 2 -``; the document number under it comes from the attachment's own masthead
(``string(docnumber)``)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from reportgen.tree import Document

PAGE_RULES = """@page attachment-{n} {{ }}
@page :nth(1 of attachment-{n}) {{
  counter-reset: page 1;
  @top-center {{ content: none; }}
}}
div.attachment-{n} {{ page: attachment-{n}; break-before: page; }}
"""


# in the PDF outline an attachment is an entry of its own (its document number), with its
# clauses and annexes one level below it
OUTLINE_RULES = """div.attachment p.docnumber { bookmark-level: 1; bookmark-label: content(text); }
div.attachment h1 { bookmark-level: 2; }
div.attachment h2, div.attachment section.annex h1.heading { bookmark-level: 3; }
div.attachment h3, div.attachment section.annex h2 { bookmark-level: 4; }
div.attachment section.annex h3 { bookmark-level: 5; }
"""


def _inner_body(html: str) -> str:
    """What an HTML page of the template holds between ``<body>`` and ``</body>``."""
    start = html.index("<body>") + len("<body>")
    return html[start:html.rindex("</body>")]


def append_attachments(html: str, pages: Sequence[str], docs: Sequence[Document]) -> str:
    """``html`` with each rendered attachment page's body appended, in order."""
    rules = OUTLINE_RULES + "".join(PAGE_RULES.format(n=n) for n in range(1, len(pages) + 1))
    parts = [
        Markup('<div class="attachment attachment-{n}" id="attachment-{n}" lang="{lang}" '
               'dir="{dir}">{inner}</div>\n').format(
            n=n, lang=doc.metadata.language, dir=doc.direction,
            inner=Markup(_inner_body(page)))
        for n, (page, doc) in enumerate(zip(pages, docs, strict=True), 1)
    ]
    head_end = html.index("</head>")
    html = f"{html[:head_end]}<style>\n{escape(rules)}</style>\n{html[head_end:]}"
    body_end = html.rindex("</body>")
    return html[:body_end] + "".join(parts) + html[body_end:]
