"""Figures in the HTML (the PDF's input): the picture and its caption below it.

The image is named by its content (``reportgen-picture:<sha256>``), not by where its file
lies, so the PDF is the same bytes whatever folder the report is built from; the PDF
writer's sandboxed fetcher answers it with the bytes checked when the report was loaded
(``pictures``), never the file as it may be by then.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from markupsafe import Markup

from reportgen.tree import Block, Document, Figure, ListBlock, Picture, Quote, Revised


def picture_url(picture: Picture) -> str:
    """The URL of a figure's image in the HTML: the digest of its bytes."""
    return "reportgen-picture:" + hashlib.sha256(picture.data).hexdigest()


def pictures(doc: Document) -> dict[str, bytes]:
    """Every figure's image by its URL, with the bytes checked when it was loaded (a
    marked copy's removed figures and the attached documents' figures included)."""
    found: dict[str, bytes] = {}

    def walk(blocks: Iterable[Block]) -> None:
        for block in blocks:
            match block:
                case Figure(picture=picture):
                    found[picture_url(picture)] = picture.data
                case Revised(block=inner):
                    walk((inner,))
                case Quote(blocks=inner):
                    walk(inner)
                case ListBlock(items=items):
                    for item in items:
                        walk(item.blocks)

    walk(doc.body)
    for annex in doc.annexes:
        walk(annex.blocks)
    for attached in doc.attachments:
        found.update(pictures(attached))
    return found


def render_figure(figure: Figure) -> Markup:
    """The picture, centred at the size ``prepare`` gave it, and its caption below."""
    return Markup(
        '<figure class="figure">\n'
        '<img src="{src}" alt="{alt}" style="width:{w:.3f}cm;height:{h:.3f}cm">\n'
        '<figcaption class="figure-title">{caption}</figcaption>\n'
        '</figure>'
    ).format(src=picture_url(figure.picture), alt=figure.alt, w=figure.width_cm,
             h=figure.height_cm, caption=figure.caption)
