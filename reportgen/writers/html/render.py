"""Document tree → HTML with print CSS (the input of the PDF writer).

The tree is walked in Python with ``match``; every piece of user text goes through
``markupsafe.escape`` (blocks) or Jinja autoescaping (cover, head), so text is always
data. Numbers, labels and captions are printed exactly as the tree gives them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from reportgen.content.tablegrid import bands, has_spans, place
from reportgen.paths import templates_dir
from reportgen.prepare.layout import COVER_LABEL_WIDTH, COVER_MIDDLE_WIDTH, TEXT_WIDTH_CM, cm
from reportgen.prepare.layout import LIST_POSITIONS_CM as LIST_GEOMETRY
from reportgen.tree import (
    Annex,
    Block,
    Cell,
    Contact,
    Contents,
    Cover,
    Deleted,
    DocRef,
    Document,
    Emphasis,
    Figure,
    Footnote,
    Heading,
    Inline,
    Inserted,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Note,
    PageBreak,
    Paragraph,
    Quote,
    Reformatted,
    Revised,
    Strong,
    Table,
    Text,
    plain_text,
)
from reportgen.writers.html.figures import render_figure

TEMPLATE_NAME = "report.html.j2"
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
PARAGRAPH_CLASSES = {
    "normal": "normal",
    "after_title": "normal-after-title",
    "quotation": "quotation",
    "centred": "centred",
}
LABEL_GAP_CM = 0.15  # the least space between a list label and its text


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["lines"] = text_lines
    return env


def text_lines(text: str) -> Markup:
    """Escape ``text`` and turn its newlines into ``<br>``."""
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


def render_html(doc: Document) -> str:
    """Render the whole document as one HTML page (cover, body, annexes, end mark), then
    its attachments, each rendered by the same template and appended after it."""
    html = _render_one(doc)
    if doc.attachments:
        from reportgen.writers.html.attachments import append_attachments

        html = append_attachments(html, [_render_one(a) for a in doc.attachments],
                                  doc.attachments)
    return html


def _render_one(doc: Document) -> str:
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(
        lang=doc.metadata.language,
        direction=doc.direction,
        labels=doc.cover.labels,
        meta=doc.metadata,
        keywords=doc.metadata.keywords,
        cover=_marked_cover(doc),
        contacts=[c for c in doc.cover.contacts if _contact_lines(c) or c.tel or c.email],
        contact_lines=_contact_lines,
        body=_marked_against(doc) + render_blocks(doc.body),
        annexes=Markup("").join(render_annex(a) for a in doc.annexes),
        end_mark=doc.end_mark,
        columns=_label_columns(doc.cover),
    )


def _label_columns(cover: Cover) -> dict[str, Markup]:
    """The widths of the cover's label and middle columns when the label column is
    wider than the template's (the middle one gives up what the labels take)."""
    if not cover.label_width:
        return {"label": Markup(""), "mid": Markup("")}
    extra = cover.label_width - COVER_LABEL_WIDTH
    return {"label": Markup(' style="width:{:.3f}cm"').format(cm(cover.label_width)),
            "mid": Markup(' style="width:{:.3f}cm"').format(cm(COVER_MIDDLE_WIDTH - extra))}


def _marked_cover(doc: Document) -> object:
    """The cover, with the fields that changed as marked HTML."""
    marks = doc.revision_marks
    if marks is None or not marks.cover:
        return doc.cover
    fields: dict[str, Any] = {name: render_inlines(inlines) for name, inlines in marks.cover}
    return replace(doc.cover, **fields)


def _marked_against(doc: Document) -> Markup:
    """The line under the cover of a marked document: what it is compared with."""
    if doc.revision_marks is None:
        return Markup("")
    return Markup('<p class="marked-against">{}</p>\n').format(doc.revision_marks.against)


def _contact_lines(contact: Contact) -> list[str]:
    """Name, organization and country, without the empty ones."""
    return [s for s in (contact.name, contact.organization, contact.country) if s]


# ------------------------------------------------------------------------ inlines


def render_inlines(nodes: Iterable[Inline]) -> Markup:
    """Inline nodes → HTML; text is escaped, links only for http/https/mailto."""
    return Markup("").join(_render_inline(node) for node in nodes)


def _render_inline(node: Inline) -> Markup:
    match node:
        case Text(text=text):
            return escape(text)
        case Emphasis(children=children):
            return Markup("<em>{}</em>").format(render_inlines(children))
        case Strong(children=children):
            return Markup("<strong>{}</strong>").format(render_inlines(children))
        case Link(url=url, children=children):
            inner = render_inlines(children)
            if not is_safe_link(url):
                return inner
            return Markup('<a href="{}">{}</a>').format(url, inner)
        case DocRef(id=doc_id, title=title, url=str(url)) if is_safe_link(url):
            return Markup('<a class="docref" href="{}" title="{}">{}</a>').format(
                url, title or "", doc_id)
        case DocRef(id=doc_id, title=title):
            if title is None:
                return Markup('<span class="docref">{}</span>').format(doc_id)
            return Markup('<span class="docref" title="{}">{}</span>').format(title, doc_id)
        case LineBreak():
            return Markup("<br>")
        case Footnote(number=number, content=content):
            # floated to the foot of the page; the call and the note's own mark print the
            # tree's number (report.css: ::footnote-call, ::footnote-marker)
            return Markup('<span class="footnote" data-n="{}">{}</span>').format(
                number, render_inlines(content))
        case Inserted(children=children):
            return Markup('<ins class="rev">{}</ins>').format(render_inlines(children))
        case Deleted(children=children):
            return Markup('<del class="rev">{}</del>').format(render_inlines(children))
        case Reformatted(children=children):
            return Markup('<span class="rev-format">{}</span>').format(
                render_inlines(children))
    raise TypeError(f"not an inline node: {node!r}")


def is_safe_link(url: str) -> bool:
    """True for an http(s) or mailto URL without spaces or control characters."""
    if not url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme.lower() not in LINK_SCHEMES:
        return False
    return parts.scheme.lower() == "mailto" or bool(parts.netloc)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------- blocks


def render_blocks(blocks: Iterable[Block], origin: float = 0.0) -> Markup:
    """Blocks → HTML. ``origin`` is the left edge (cm) of the enclosing box, for lists.

    A page break is the next block's: it is wrapped in a box that begins a new page, as
    the DOCX gives the next paragraph ``w:pageBreakBefore``; with no block after it (at
    the end of the body or of an annex) it does nothing, in both."""
    out: list[Markup] = []
    breaking = False
    for block in blocks:
        if isinstance(block, PageBreak):
            breaking = True
            continue
        html = render_block(block, origin)
        if breaking:
            html = Markup('<div class="page-break">\n{}\n</div>').format(html)
            breaking = False
        out.append(html)
    return Markup("\n").join(out)


def render_block(block: Block, origin: float = 0.0) -> Markup:
    if isinstance(block, Heading | Paragraph) and block.former is not None:
        return Markup('<div class="rev-format">{}</div>').format(
            render_block(replace(block, former=None), origin))
    match block:
        case Heading():
            return _render_heading(block)
        case Paragraph(content=content, role=role):
            # a paragraph mark deleted (joined) or inserted (split) since the last version
            end = {"deleted": Markup('<del class="mark">\u00b6</del>'),
                   "inserted": Markup('<ins class="mark">\u00b6</ins>')}.get(block.mark, "")
            return Markup('<p class="{}">{}{}</p>').format(
                PARAGRAPH_CLASSES[role], render_inlines(content), end)
        case Note(content=content):
            return Markup('<p class="note">{}{}</p>').format(
                block.prefix, render_inlines(content))
        case ListBlock():
            return _render_list(block, origin)
        case Table():
            return _render_table(block)
        case Quote(blocks=blocks):
            return Markup('<blockquote class="quote">\n{}\n</blockquote>').format(
                render_blocks(blocks))
        case Figure():
            return render_figure(block)
        case Contents():
            return _render_contents(block)
        case PageBreak():  # rendered with the block after it (render_blocks)
            return Markup("")
        case Revised(change=change, block=inner):
            return Markup('<div class="rev-{}">\n{}\n</div>').format(
                change, render_block(inner, origin))
    raise TypeError(f"not a block node: {block!r}")


def _render_contents(contents: Contents) -> Markup:
    """The table of contents: the title (Heading_b), then one line per entry linked to
    its heading; CSS writes the dot leader and the heading's page (target-counter)."""
    # the number stays outside the link: a box nested in a link makes an annotation of
    # its own, which PDF/UA wants inside a Link structure element
    lines = [Markup('<p class="toc toc{}">{}<a class="toc" href="#{}">{}</a></p>').format(
        entry.level,
        Markup('<span class="num">{}</span>').format(entry.number) if entry.number
        else Markup(""), entry.anchor, entry.title) for entry in contents.entries]
    return Markup('<nav class="contents">\n<p class="headingb contents-title">{}</p>\n{}\n'
                  '</nav>').format(contents.title, Markup("\n").join(lines))


def _render_heading(heading: Heading) -> Markup:
    title = render_inlines(heading.title)
    free = "" if heading.keep_with_next else " free"
    if heading.number is None:  # its level places it in the PDF outline
        return Markup('<p class="headingb hb{}{}" id="{}">{}</p>').format(
            min(max(heading.level, 1), 3), free, heading.anchor, title)
    level = min(max(heading.level, 1), 6)
    label = f"{heading.number} {_one_line(plain_text(heading.title))}"
    return Markup(
        '<h{level} class="heading{free}" id="{anchor}" data-bookmark="{label}">'
        '<span class="num">{number}</span><span class="htitle">{title}</span></h{level}>'
    ).format(level=level, free=free, anchor=heading.anchor, label=label,
             number=heading.number, title=title)


# -------------------------------------------------------------------------- lists


@dataclass(frozen=True)
class _ListGeometry:
    """Where one list level puts its labels and text, relative to the enclosing box."""

    label: float  # left edge of the label (cm)
    hang: float  # text position minus label position (cm)

    @property
    def text(self) -> float:
        return self.label + self.hang


def _list_geometry(level: int, origin: float) -> _ListGeometry:
    label, text = LIST_GEOMETRY[min(max(level, 1), 3)]
    # never hang out to the left of the enclosing box (e.g. a level-1 list in an item)
    return _ListGeometry(label=max(label - origin, 0.0), hang=text - label)


def _render_list(lst: ListBlock, origin: float) -> Markup:
    geo = _list_geometry(lst.level, origin)
    tag = "ol" if lst.ordered else "ul"
    items = Markup("\n").join(_render_item(item, geo, origin) for item in lst.items)
    return Markup('<{tag} class="list enumlev{level}">\n{items}\n</{tag}>').format(
        tag=tag, level=min(max(lst.level, 1), 3), items=items)


def _render_item(item: ListItem, geo: _ListGeometry, origin: float) -> Markup:
    """One item: the label sits in the hanging indent of the item's first paragraph."""
    # logical sides: the start is the right in a right-to-left (Arabic) document
    style = (f"margin-inline-start:{geo.label:.2f}cm;padding-inline-start:{geo.hang:.2f}cm;"
             f"text-indent:-{geo.hang:.2f}cm")
    # the label box fills the hanging indent; a longer label keeps a gap before the
    # text, as Word's tab after the number does
    label = Markup('<span class="label" style="min-width:{:.2f}cm;'
                   'padding-inline-end:{:.2f}cm">{}</span>').format(
                       geo.hang - LABEL_GAP_CM, LABEL_GAP_CM, item.label)
    blocks = item.blocks
    if blocks and isinstance(blocks[0], Paragraph):
        first = render_inlines(blocks[0].content)
        blocks = blocks[1:]
    else:
        first = Markup("")
    head = Markup('<p class="enumlev" style="{}">{}{}</p>').format(style, label, first)
    rest = Markup("")
    if blocks:
        rest = Markup('\n<div class="li-body" style="margin-inline-start:{:.2f}cm">\n{}\n'
                      '</div>').format(geo.text, _render_item_rest(blocks, origin + geo.text))
    if item.change:
        return Markup('<li class="rev-{}">{}{}</li>').format(item.change, head, rest)
    return Markup("<li>{}{}</li>").format(head, rest)


def _render_item_rest(blocks: tuple[Block, ...], origin: float) -> Markup:
    """An item's blocks after its first paragraph. A further paragraph is in the item's
    enumlev style, as in the DOCX (4 pt before, under the text), not a Normal one."""
    out: list[Markup] = []
    run: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if run:
                out.append(render_blocks(tuple(run), origin))
                run = []
            out.append(Markup('<p class="enumlev">{}</p>').format(
                render_inlines(block.content)))
        else:
            run.append(block)
    if run:
        out.append(render_blocks(tuple(run), origin))
    return Markup("\n").join(out)


# ------------------------------------------------------------------------- tables


def _render_table(table: Table) -> Markup:
    """A table: its caption (none for a layout table), every header row in ``<thead>``
    (repeated on each page) with its cells marked as column headers, merged cells with
    ``colspan``/``rowspan``."""
    cols = Markup("").join(
        Markup('<col style="width:{:.3f}cm">').format(w * TEXT_WIDTH_CM) for w in table.widths)
    head = Markup("")
    if table.header_rows:
        head = Markup("<thead>{}</thead>\n").format(Markup("").join(
            Markup("<tr>{}</tr>").format(Markup("").join(
                Markup('<th scope="col"{}>{}</th>').format(_spans(c), _cell_content(c))
                for c in row))
            for row in table.header_rows))
    changes = table.row_changes or ("",) * len(table.rows)
    columns = _start_columns(table.rows, len(table.widths))
    rendered = [_render_row(row, table.align, change, starts)
                for row, change, starts in zip(table.rows, changes, columns, strict=True)]
    spans = [[c.span for c in row] for row in table.rows]
    if has_spans(spans):  # rows joined by a row span stay on one page when they fit
        body = Markup("\n").join(
            Markup('<tbody class="band">\n{}\n</tbody>').format(
                Markup("\n").join(rendered[band.start:band.stop]))
            for band in bands(spans))
    else:
        body = Markup("<tbody>\n{}\n</tbody>").format(Markup("\n").join(rendered))
    caption = Markup('<p class="table-title">{}</p>\n').format(table.caption) \
        if table.caption else Markup("")
    classes = ("data" if table.caption else "data layout") + \
        (" borderless" if table.borderless else "")
    return Markup(
        '{caption}<table class="{classes}">\n<colgroup>{cols}</colgroup>\n{head}{body}\n'
        '</table>'
    ).format(caption=caption, classes=classes, cols=cols, head=head, body=body)


def _cell_content(cell: Cell) -> Markup:
    """A cell's text; a cell of several paragraphs or with lists: its blocks, each
    paragraph a ``p.cell`` (Table_text in the DOCX), each list as in the body."""
    if not cell.blocks:
        return render_inlines(cell.content)
    out = []
    for block in cell.blocks:
        if isinstance(block, Paragraph):
            out.append(Markup('<p class="cell">{}</p>').format(render_inlines(block.content)))
        elif isinstance(block, ListBlock):
            out.append(_render_list(block, 0.0))
    return Markup("\n").join(out)


def _spans(cell: Cell) -> Markup:
    out = Markup("")
    if cell.colspan > 1:
        out += Markup(' colspan="{}"').format(cell.colspan)
    if cell.rowspan > 1:
        out += Markup(' rowspan="{}"').format(cell.rowspan)
    return out


def _start_columns(rows: tuple[tuple[Cell, ...], ...], width: int) -> list[list[int]]:
    """The grid column where each cell of each row starts (for its column's alignment)."""
    placed, _ = place([[c.span for c in row] for row in rows], width)
    out: list[list[int]] = [[0] * len(row) for row in rows]
    for cell in placed:
        out[cell.row][cell.index] = cell.col
    return out


def _render_row(row: tuple[Cell, ...], align: tuple[str, ...], change: str = "",
                starts: list[int] | None = None) -> Markup:
    starts = starts if starts is not None else list(range(len(row)))
    cells = Markup("").join(
        Markup('<td class="{}"{}>{}</td>').format(
            "center" if col < len(align) and align[col] == "center" else "left",
            _spans(cell), _cell_content(cell))
        for col, cell in zip(starts, row, strict=True))
    if change:
        return Markup('<tr class="rev-{}">{}</tr>').format(change, cells)
    return Markup("<tr>{}</tr>").format(cells)


# ------------------------------------------------------------------------ annexes


def render_annex(annex: Annex) -> Markup:
    """An annex: new page, centred 14 pt title ``label<br><br>title``, obligation, blocks."""
    title_lines = render_inlines(annex.title_marks) if annex.title_marks \
        else text_lines(annex.title)
    bookmark = f"{annex.label} \u2013 {_one_line(annex.title)}"
    obligation = Markup("")
    if annex.obligation:
        obligation = Markup('\n<p class="annex-obligation">{}</p>').format(annex.obligation)
    blocks = annex.blocks
    classes = "annex appendix" if annex.kind == "appendix" else "annex"
    classes = f"{classes} rev-{annex.change}" if annex.change else classes
    return Markup(
        '<section class="{classes}" id="{anchor}">\n'
        '<h1 class="annex-title{kind}" data-bookmark="{bookmark}">{label}<br><br>{title}</h1>'
        '{obligation}\n{blocks}\n</section>\n'
    ).format(classes=classes, anchor=annex.anchor, bookmark=bookmark, label=annex.label,
             kind=" appendix-title" if annex.kind == "appendix" else "",
             title=title_lines, obligation=obligation, blocks=render_blocks(blocks))
