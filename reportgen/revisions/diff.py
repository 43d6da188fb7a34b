"""A revision marked against the version before it: two prepared trees compared.

Blocks are aligned by what they show (their kind, style and text), so a clause inserted
early does not make every later clause look changed; blocks that differ are paired in
order and compared word by word. The result is the new tree with marks: ``Inserted``,
``Deleted`` and ``Reformatted`` inline text, ``Revised`` blocks (added, removed, moved),
list items and table rows with their change, and the cover fields that changed. The
writers print the marks (tracked changes in the DOCX, colours in the PDF); numbers are
not compared, since Word numbering recomputes them.

Sequence matching (difflib's) can cost the product of the two lengths, and more for
sequences with many repeated elements. It runs as it is on sequences whose lengths
multiply to at most ``MATCH_WORK``; longer ones (thousands of clauses, a paragraph of
thousands of words) are first cut at their common start and end and at the elements,
or else the runs of up to 16 elements, that occur once in each (patience diff's
anchors), and each piece is matched the same way; a long piece with no such anchor is
shown removed and added as a whole. A block is
paired with at most ``PAIR_CANDIDATES`` new blocks after the last pair. So marking costs
time in proportion to the length of the report, with a bounded factor.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from reportgen import tree as d
from reportgen.content.tablegrid import bands
from reportgen.prepare.anchors import COVER_FIELDS

T = TypeVar("T")
WORDS = re.compile(r"\s+|\w+|[^\w\s]")
MATCH_WORK = 250_000  # the largest product of two lengths difflib matches at once
ANCHOR_WIDTHS = (1, 2, 4, 8, 16)  # runs of elements tried as anchors, shortest first
PIECE_WORK = 2_500  # past the bound, smaller pieces go to difflib, larger ones are cut
Opcode = tuple[str, int, int, int, int]


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """difflib's opcodes turning ``a`` into ``b`` (``autojunk`` off), exactly as
    ``SequenceMatcher`` gives them when ``len(a) * len(b) <= MATCH_WORK``; for longer
    sequences, the matches found piece by piece between anchors (see the module's
    docstring), in the same form."""
    if len(a) * len(b) <= MATCH_WORK:
        small: list[Opcode] = [*difflib.SequenceMatcher(None, a, b, autojunk=False)
                               .get_opcodes()]
        return small
    blocks = _matching_blocks(a, b)
    out: list[Opcode] = []
    i = j = 0
    for ai, bj, size in [*blocks, (len(a), len(b), 0)]:
        tag = "replace" if i < ai and j < bj else "delete" if i < ai else \
            "insert" if j < bj else ""
        if tag:
            out.append((tag, i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            out.append(("equal", ai, i, bj, j))
    return out


def _matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int, int]]:
    """The matching blocks ``(i, j, size)`` of two long sequences, in order and merged
    where they touch. Pieces are taken from a stack, in order: each loses its common
    start and end; then it is cut at its anchors, which become blocks between the
    pieces around them, unless it is small (``PIECE_WORK``); a piece left uncut is
    matched by difflib when it is within ``MATCH_WORK``, else replaced as a whole."""
    found: list[tuple[int, int, int]] = []
    stack: list[tuple[int, int, int, int] | tuple[int, int, int]] = [(0, len(a), 0, len(b))]
    while stack:
        task = stack.pop()
        if len(task) == 3:  # an anchor, or a common end, in its place
            found.append(task)
            continue
        alo, ahi, blo, bhi = task
        start = 0
        while alo + start < ahi and blo + start < bhi and a[alo + start] == b[blo + start]:
            start += 1
        if start:
            found.append((alo, blo, start))
            alo, blo = alo + start, blo + start
        end = 0
        while ahi - end > alo and bhi - end > blo and a[ahi - end - 1] == b[bhi - end - 1]:
            end += 1
        ahi, bhi = ahi - end, bhi - end
        later: list[tuple[int, int, int, int] | tuple[int, int, int]] = []
        if end:
            later.append((ahi, bhi, end))
        if alo < ahi and blo < bhi:
            work = (ahi - alo) * (bhi - blo)
            anchors = _anchors(a, b, alo, ahi, blo, bhi) if work > PIECE_WORK else []
            if anchors:
                pieces: list[tuple[int, int, int, int] | tuple[int, int, int]] = []
                i0, j0 = alo, blo
                for i, j, n in anchors:
                    pieces += [(i0, i, j0, j), (i, j, n)]
                    i0, j0 = i + n, j + n
                pieces.append((i0, ahi, j0, bhi))
                later = pieces + later
            elif work <= MATCH_WORK:
                matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi],
                                                  autojunk=False)
                found.extend((alo + i, blo + j, n)
                             for i, j, n in matcher.get_matching_blocks() if n)
            # else: nothing is unique to both, and it is too long for difflib: replaced
        stack.extend(reversed(later))
    merged: list[tuple[int, int, int]] = []
    for i, j, n in found:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + n)
        elif n:
            merged.append((i, j, n))
    return merged


def _anchors(a: Sequence[Hashable], b: Sequence[Hashable], alo: int, ahi: int, blo: int,
             bhi: int) -> list[tuple[int, int, int]]:
    """Runs found exactly once in ``a[alo:ahi]`` and once in ``b[blo:bhi]``, as blocks
    ``(i, j, size)``: the longest chain of them in the same order in both, without
    overlaps. Single elements first; where none is unique to both (a long text of
    common words), runs of 2, 4, 8 and 16 elements."""
    for width in ANCHOR_WIDTHS:
        seen_a: dict[Hashable, int] = {}
        for key, i in _runs(a, alo, ahi, width):
            seen_a[key] = -1 if key in seen_a else i
        seen_b: dict[Hashable, int] = {}
        for key, j in _runs(b, blo, bhi, width):
            if seen_a.get(key, -1) >= 0:
                seen_b[key] = -1 if key in seen_b else j
        pairs = sorted((seen_a[key], j) for key, j in seen_b.items() if j >= 0)
        chain: list[tuple[int, int, int]] = []
        for i, j in _increasing(pairs):
            if not chain or (i >= chain[-1][0] + width and j >= chain[-1][1] + width):
                chain.append((i, j, width))
        if chain:
            return chain
    return []


def _runs(seq: Sequence[Hashable], lo: int, hi: int,
          width: int) -> Iterator[tuple[Hashable, int]]:
    """Each run of ``width`` elements of ``seq[lo:hi]`` (an element itself for 1), and
    where it starts."""
    if width == 1:
        return ((seq[i], i) for i in range(lo, hi))
    return ((tuple(seq[i:i + width]), i) for i in range(lo, hi - width + 1))


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (sorted by their first) whose seconds increase
    (patience sorting, n log n)."""
    tails: list[int] = []  # index into pairs of the last element of each length
    back: list[int] = []
    for k, (_, j) in enumerate(pairs):
        length = _bisect_tails(pairs, tails, j)
        back.append(tails[length - 1] if length else -1)
        if length == len(tails):
            tails.append(k)
        else:
            tails[length] = k
    chain: list[tuple[int, int]] = []
    k = tails[-1] if tails else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _bisect_tails(pairs: list[tuple[int, int]], tails: list[int], j: int) -> int:
    """The first length whose chain ends at a j not below ``j``."""
    lo, hi = 0, len(tails)
    while lo < hi:
        mid = (lo + hi) // 2
        if pairs[tails[mid]][1] < j:
            lo = mid + 1
        else:
            hi = mid
    return lo


# ------------------------------------------------------------------ inline text


@dataclass(frozen=True)
class _Token:
    text: str
    bold: bool
    italic: bool
    link: str | None
    ref: str | None  # a document id
    ref_title: str | None = None
    ref_url: str | None = None
    line_break: bool = False
    note: d.Footnote | None = None  # a footnote reference, with its note

    @property
    def key(self) -> tuple[object, ...]:
        # a note is compared by its text, not its number (Word renumbers notes)
        note = repr(_tokens(self.note.content)) if self.note is not None else None
        return (self.text, self.bold, self.italic, self.link, self.ref, self.line_break, note)

    @property
    def shown(self) -> tuple[object, ...]:
        """What it shows, leaving out its formatting."""
        return (self.text, self.key[-1])


def _tokens(nodes: Sequence[d.Inline], bold: bool = False, italic: bool = False,
            link: str | None = None) -> list[_Token]:
    out: list[_Token] = []
    for node in nodes:
        match node:
            case d.Text(text=text):
                out.extend(_Token(w, bold, italic, link, None) for w in WORDS.findall(text))
            case d.DocRef(id=doc_id, title=title, url=url):
                out.append(_Token(doc_id, bold, italic, link, doc_id, title, url))
            case d.LineBreak():
                out.append(_Token("\n", bold, italic, link, None, line_break=True))
            case d.Footnote():
                out.append(_Token("", bold, italic, link, None, note=node))
            case d.Emphasis(children=c):
                out.extend(_tokens(c, bold, True, link))
            case d.Strong(children=c):
                out.extend(_tokens(c, True, italic, link))
            case d.Link(url=url, children=c):
                out.extend(_tokens(c, bold, italic, url))
            case _:
                raise TypeError(f"cannot compare {type(node).__name__}")
    return out


Status = tuple[str, bool, bool]  # ("", "ins", "del" or "fmt"), former bold, former italic


def _rebuild(tokens: list[tuple[_Token, Status]]) -> tuple[d.Inline, ...]:
    """Inline nodes again, grouping tokens of one status and formatting."""
    out: list[d.Inline] = []
    i = 0
    while i < len(tokens):
        tok, status = tokens[i]
        group = [tok]
        j = i + 1
        while j < len(tokens) and tokens[j][1] == status and \
                (tokens[j][0].bold, tokens[j][0].italic, tokens[j][0].link) == \
                (tok.bold, tok.italic, tok.link):
            group.append(tokens[j][0])
            j += 1
        nodes: tuple[d.Inline, ...] = _plain_nodes(group)
        if tok.link:
            nodes = (d.Link(tok.link, nodes),)
        if tok.bold:
            nodes = (d.Strong(nodes),)
        if tok.italic:
            nodes = (d.Emphasis(nodes),)
        match status[0]:
            case "ins":
                out.append(d.Inserted(nodes))
            case "del":
                out.append(d.Deleted(nodes))
            case "fmt":
                out.append(d.Reformatted(nodes, status[1], status[2]))
            case _:
                out.extend(nodes)
        i = j
    return tuple(out)


def _plain_nodes(group: list[_Token]) -> tuple[d.Inline, ...]:
    out: list[d.Inline] = []
    for tok in group:
        if tok.line_break:
            out.append(d.LineBreak())
        elif tok.note is not None:
            out.append(tok.note)
        elif tok.ref:
            out.append(d.DocRef(tok.ref, tok.ref_title, tok.ref_url))
        elif out and isinstance(out[-1], d.Text):
            out[-1] = d.Text(out[-1].text + tok.text)
        else:
            out.append(d.Text(tok.text))
    return tuple(out)


def diff_inlines(old: Sequence[d.Inline], new: Sequence[d.Inline]) -> tuple[d.Inline, ...]:
    """``new`` with the words removed since ``old`` and those added marked."""
    a, b = _tokens(old), _tokens(new)
    plain: Status = ("", False, False)
    out: list[tuple[_Token, Status]] = []
    for tag, i1, i2, j1, j2 in opcodes([t.key for t in a], [t.key for t in b]):
        if tag == "equal":
            out.extend((t, plain) for t in b[j1:j2])
        elif tag == "replace" and [t.shown for t in a[i1:i2]] == [t.shown for t in b[j1:j2]]:
            out.extend((n, ("fmt", o.bold, o.italic)) for o, n in zip(a[i1:i2], b[j1:j2],
                                                                     strict=True))
        else:
            out.extend((t, ("del", False, False)) for t in a[i1:i2])
            out.extend((t, ("ins", False, False)) for t in b[j1:j2])
    return _rebuild(out)


def changed(marked: Sequence[d.Inline]) -> bool:
    return any(isinstance(n, d.Inserted | d.Deleted | d.Reformatted) for n in marked)


# ----------------------------------------------------------------------- blocks


def _text(block: d.Block) -> str:
    match block:
        case d.Heading(title=t):
            return d.plain_text(t)
        case d.Paragraph(content=c) | d.Note(content=c):
            return d.plain_text(c)
        case d.ListBlock(items=items):
            return "\n".join(_item_text(i) for i in items)
        case d.Table(caption=caption):
            return "\n".join([caption, *("\t".join(d.plain_text(c.content) or "\n".join(
                _text(b) for b in c.blocks) for c in row) for row in block.all_rows)])
        case d.Quote(blocks=inner):
            return "\n".join(_text(b) for b in inner)
        case d.Figure(title=title, picture=picture, width_cm=width):
            # what it shows, not its number: a figure inserted before is no change
            return f"{title}\n{picture.digest}\n{width}"
    return ""


def _item_text(item: d.ListItem) -> str:
    return "\n".join(_text(b) for b in item.blocks)


def _key(block: d.Block) -> tuple[object, ...]:
    """What a block shows: equal keys mean an unchanged block."""
    match block:
        case d.Heading(level=level, number=number):
            style: tuple[object, ...] = (level, number is None)
        case d.Paragraph(role=role):
            style = (role,)
        case d.ListBlock(ordered=ordered, counter=counter, level=level):
            style = (ordered, counter, level)
        case _:
            style = ()
    return (type(block).__name__, *style, _with_formatting(block))


def _with_formatting(block: d.Block) -> str:
    """The block's text with its emphasis, so a formatting change is a change."""
    match block:
        case d.Heading(title=c) | d.Paragraph(content=c) | d.Note(content=c):
            return repr(_tokens(c))
    return _text(block)


Op = tuple[str, T | None, T | None]  # ("equal" | "changed" | change kind, old, new)


def _align(old: Sequence[T], new: Sequence[T], key: Callable[[T], object],
           same_kind: Callable[[T, T], bool],
           text: Callable[[T], str] = lambda x: str(x)) -> list[Op[T]]:
    ops: list[Op[T]] = []
    for tag, i1, i2, j1, j2 in opcodes([key(o) for o in old], [key(n) for n in new]):
        if tag == "equal":
            ops.extend(("equal", o, n) for o, n in zip(old[i1:i2], new[j1:j2], strict=True))
            continue
        olds: list[T] = list(old[i1:i2])
        news: list[T] = list(new[j1:j2])
        paired: list[Op[T]] = _pair(olds, news, text, same_kind)
        ops.extend(paired)
    # a block removed in one place and added unchanged in another has moved
    inserted = {key(b): k for k, (kind, _, b) in enumerate(ops)
                if kind == "inserted" and b is not None}
    for k, (kind, a, _) in enumerate(ops):
        if kind == "deleted" and a is not None and key(a) in inserted:
            m = inserted.pop(key(a))
            ops[k] = ("moved-from", a, None)
            ops[m] = ("moved-to", None, ops[m][2])
    return ops


SIMILAR = 0.5  # how alike two blocks must be to be shown as one block changed
SIMILARITY_CHARS = 2000  # enough text to tell two blocks apart, bounded in time
PAIR_CANDIDATES = 50  # new blocks an old block is compared with, after the last pair


def _pair(olds: list[T], news: list[T], text: Callable[[T], str],
          same_kind: Callable[[T, T], bool]) -> list[Op[T]]:
    """Within a run of differing blocks, pair each old block with the most alike of the
    next ``PAIR_CANDIDATES`` new ones after the last pair (in order); the rest were
    deleted or inserted."""
    ops: list[Op[T]] = []
    start = 0
    matchers: dict[int, difflib.SequenceMatcher[str]] = {}  # by new block: its text read once
    for o in olds:
        best, best_ratio = -1, SIMILAR
        old_text = text(o)[:SIMILARITY_CHARS]
        for k in range(start, min(len(news), start + PAIR_CANDIDATES)):
            if same_kind(o, news[k]):
                matcher = matchers.get(k)
                if matcher is None:
                    matcher = difflib.SequenceMatcher(None, "", text(news[k])[:SIMILARITY_CHARS])
                    matchers[k] = matcher
                matcher.set_seq1(old_text)
                if matcher.quick_ratio() < best_ratio:
                    continue
                ratio = matcher.ratio()
                if ratio >= best_ratio:
                    best, best_ratio = k, ratio
        if best < 0:
            ops.append(("deleted", o, None))
            continue
        ops.extend(("inserted", None, n) for n in news[start:best])
        ops.append(("changed", o, news[best]))
        start = best + 1
    ops.extend(("inserted", None, n) for n in news[start:])
    return ops


def _same_kind(a: d.Block, b: d.Block) -> bool:
    """Blocks that can be shown as one block changed: a paragraph may become a heading."""
    text_blocks = (d.Heading, d.Paragraph)
    if isinstance(a, d.Figure) or isinstance(b, d.Figure):
        return False  # a figure changed is shown removed and added, as a whole
    return type(a) is type(b) or (isinstance(a, text_blocks) and isinstance(b, text_blocks))


JOINED = 0.8  # how alike a paragraph is to two others it was joined from or split into


def _is_join(first: d.Block | None, second: d.Block | None, whole: d.Block | None) -> bool:
    """``whole`` reads as the paragraphs ``first`` and ``second`` joined."""
    if not all(isinstance(b, d.Paragraph) and b.former is None
               for b in (first, second, whole)):
        return False
    a, b, c = _text(first), _text(second), _text(whole)  # type: ignore[arg-type]
    if len(c) < JOINED * (len(a) + len(b)) or not a.strip() or not b.strip():
        return False
    return difflib.SequenceMatcher(None, (a + " " + b)[:SIMILARITY_CHARS],
                                   c[:SIMILARITY_CHARS], autojunk=False).ratio() >= JOINED


def _boundary(first: str, second: str, whole: str) -> int:
    """Where, in ``whole``, the text of ``first`` ends (``whole`` ≈ ``first + second``)."""
    at, found = len(first), len(whole)
    for tag, i1, i2, j1, j2 in opcodes(first + second, whole):
        if i1 <= at <= i2:
            found = j1 + min(at - i1, j2 - j1) if tag == "equal" else j1 if at == i1 else j2
            break
    for shift in (0, 1, -1, 2, -2, 3, -3):  # cut after a space where one is near
        k = found + shift
        if 0 < k <= len(whole) and whole[k - 1].isspace():
            return k
    return found


def _split_inlines(nodes: Sequence[d.Inline], k: int) -> tuple[tuple[d.Inline, ...],
                                                               tuple[d.Inline, ...]]:
    """Inlines cut at character ``k`` of their text (a link, a reference or a note is
    kept whole on the side where it begins)."""
    left: list[d.Inline] = []
    right: list[d.Inline] = []
    pos = 0
    for node in nodes:
        size = len(d.plain_text((node,)))
        if pos + size <= k:
            left.append(node)
        elif pos >= k:
            right.append(node)
        else:
            match node:
                case d.Text(text=t):
                    left.append(d.Text(t[:k - pos]))
                    right.append(d.Text(t[k - pos:]))
                case d.Strong(children=c) | d.Emphasis(children=c):
                    a, b = _split_inlines(c, k - pos)
                    left.append(replace(node, children=a))
                    right.append(replace(node, children=b))
                case _:
                    left.append(node)
        pos += size
    return tuple(left), tuple(right)


def _joined(first: d.Paragraph, second: d.Paragraph, whole: d.Paragraph) -> list[d.Block]:
    """Two paragraphs joined into one: both shown, the first's mark deleted."""
    k = _boundary(_text(first), _text(second), _text(whole))
    left, right = _split_inlines(whole.content, k)
    return [replace(whole, content=diff_inlines(first.content, left), mark="deleted"),
            replace(whole, content=diff_inlines(second.content, right), id="")]


def _split(whole: d.Paragraph, first: d.Paragraph, second: d.Paragraph) -> list[d.Block]:
    """One paragraph split in two: both shown, the first's mark inserted."""
    k = _boundary(_text(first), _text(second), _text(whole))
    left, right = _split_inlines(whole.content, k)
    return [replace(first, content=diff_inlines(left, first.content), mark="inserted"),
            replace(second, content=diff_inlines(right, second.content))]


def _joins_and_splits(ops: list[Op[d.Block]]) -> list[Op[d.Block] | list[d.Block]]:
    """A paragraph changed next to one deleted that it now also holds is a join; one
    changed next to one inserted that holds the rest of it is a split."""
    out: list[Op[d.Block] | list[d.Block]] = []
    k = 0
    while k < len(ops):
        tag, o, n = ops[k]
        nxt = ops[k + 1] if k + 1 < len(ops) else None
        if nxt is not None:
            t2, o2, n2 = nxt
            pair = None
            if tag == "changed" and t2 == "deleted" and _is_join(o, o2, n):
                pair = _joined(o, o2, n)  # type: ignore[arg-type]
            elif tag == "deleted" and t2 == "changed" and _is_join(o, o2, n2):
                pair = _joined(o, o2, n2)  # type: ignore[arg-type]
            elif tag == "changed" and t2 == "inserted" and _is_join(n, n2, o):
                pair = _split(o, n, n2)  # type: ignore[arg-type]
            elif tag == "inserted" and t2 == "changed" and _is_join(n, n2, o2):
                pair = _split(o2, n, n2)  # type: ignore[arg-type]
            if pair is not None:
                out.append(pair)
                k += 2
                continue
        out.append(ops[k])
        k += 1
    return out


def diff_blocks(old: Sequence[d.Block], new: Sequence[d.Block]) -> tuple[d.Block, ...]:
    out: list[d.Block] = []
    for op in _joins_and_splits(_align(old, new, _key, _same_kind, _text)):
        if isinstance(op, list):
            out.extend(op)
            continue
        tag, o, n = op
        match tag:
            case "equal":
                assert n is not None
                out.append(n)
            case "changed":
                assert o is not None and n is not None
                out.append(_diff_block(o, n))
            case "deleted" | "moved-from":
                assert o is not None
                out.append(d.Revised(tag, o, id=o.id, origin=o.origin))
            case _:
                assert n is not None
                out.append(d.Revised(tag, n, id=n.id, origin=n.origin))  # type: ignore[arg-type]
    return tuple(out)


def _diff_block(o: d.Block, n: d.Block) -> d.Block:
    match o, n:
        case d.Heading() | d.Paragraph(), d.Heading():
            return replace(n, title=diff_inlines(_content(o), n.title), former=_former(o, n))
        case d.Heading() | d.Paragraph(), d.Paragraph():
            return replace(n, content=diff_inlines(_content(o), n.content),
                           former=_former(o, n))
        case d.Note(), d.Note():
            return replace(n, content=diff_inlines(o.content, n.content))
        case d.ListBlock(), d.ListBlock():
            return replace(n, items=_diff_items(o.items, n.items))
        case d.Table(), d.Table():
            return _diff_table(o, n)
        case d.Quote(), d.Quote():
            return replace(n, blocks=diff_blocks(o.blocks, n.blocks))
    return n


TextBlock = d.Heading | d.Paragraph


def _content(block: TextBlock) -> tuple[d.Inline, ...]:
    return block.title if isinstance(block, d.Heading) else block.content


def _former(o: TextBlock, n: TextBlock) -> TextBlock | None:
    """The old block when its style changed (a heading level, a paragraph's role)."""
    def style(b: TextBlock) -> tuple[object, ...]:
        if isinstance(b, d.Heading):
            return ("heading", b.level, b.number is None)
        return ("paragraph", b.role)

    return o if style(o) != style(n) else None


def _diff_items(old: Sequence[d.ListItem], new: Sequence[d.ListItem]) -> tuple[d.ListItem, ...]:
    out: list[d.ListItem] = []
    for tag, o, n in _align(old, new, _item_text, lambda a, b: True, _item_text):
        match tag:
            case "equal":
                assert n is not None
                out.append(n)
            case "changed":
                assert o is not None and n is not None
                out.append(replace(n, blocks=diff_blocks(o.blocks, n.blocks)))
            case "deleted" | "moved-from":
                assert o is not None
                out.append(replace(o, change=tag))
            case _:
                assert n is not None
                out.append(replace(n, change=tag))  # type: ignore[arg-type]
    return tuple(out)


def _diff_table(o: d.Table, n: d.Table) -> d.Table:
    """Rows aligned and marked. Rows joined by a cell spanning them form a band that is
    kept, added or removed as a whole, so that a mark never cuts a merged cell."""
    Band = tuple[tuple[d.Cell, ...], ...]

    def band_text(band: Band) -> str:
        return "\n".join("\t".join(d.plain_text(c.content) for c in row) for row in band)

    def shape(band: Band) -> tuple[tuple[tuple[int, int], ...], ...]:
        return tuple(tuple(c.span for c in row) for row in band)

    def same_shape(a: Band, b: Band) -> bool:
        return shape(a) == shape(b)

    def key(band: Band) -> tuple[object, ...]:
        return (band_text(band), shape(band))

    def cut(rows: tuple[tuple[d.Cell, ...], ...]) -> list[Band]:
        return [rows[b.start:b.stop] for b in bands([[c.span for c in row] for row in rows])]

    if len(o.widths) != len(n.widths):  # other columns: the rows cannot line up
        return replace(n, row_changes=tuple("inserted" for _ in n.rows))
    old_head, new_head = o.header_rows, n.header_rows
    head = new_head
    if [tuple(c.span for c in row) for row in old_head] == \
            [tuple(c.span for c in row) for row in new_head]:
        head = tuple(_diff_row(a, b) for a, b in zip(old_head, new_head, strict=True))
    rows: list[tuple[d.Cell, ...]] = []
    changes: list[d.Change] = []
    for tag, a, b in _align(cut(o.rows), cut(n.rows), key, same_shape, band_text):
        if tag == "changed":
            assert a is not None and b is not None
            rows.extend(_diff_row(x, y) for x, y in zip(a, b, strict=True))
            changes.extend("" for _ in b)
        elif tag in ("equal", "inserted", "moved-to"):
            assert b is not None
            rows.extend(b)
            changes.extend(("" if tag == "equal" else "inserted") for _ in b)
        else:
            assert a is not None
            rows.extend(a)
            changes.extend("deleted" for _ in a)
    return replace(n, header=head[0] if head else (), header_more=tuple(head[1:]),
                   rows=tuple(rows), row_changes=tuple(changes))


def _diff_row(a: tuple[d.Cell, ...], b: tuple[d.Cell, ...]) -> tuple[d.Cell, ...]:
    return tuple(replace(nc, content=diff_inlines(oc.content, nc.content))
                 for oc, nc in zip(a, b, strict=True))


# --------------------------------------------------------------------- document


def _annex_key(annex: d.Annex) -> tuple[object, ...]:
    return (annex.title, tuple(_key(b) for b in annex.blocks))


def _annex_text(annex: d.Annex) -> str:
    return "\n".join([annex.title, *(_text(b) for b in annex.blocks)])



def mark(old: d.Document, new: d.Document) -> d.Document:
    """``new`` with every change since ``old`` marked."""
    cover = []
    for name in COVER_FIELDS:
        before, after = getattr(old.cover, name), getattr(new.cover, name)
        if before != after:
            cover.append((name, diff_inlines((d.Text(before),) if before else (),
                                             (d.Text(after),) if after else ())))
    annexes = []
    for tag, o, n in _align(old.annexes, new.annexes, _annex_key, lambda a, b: True,
                            _annex_text):
        if tag in ("equal", "changed") and o is not None and n is not None:
            title = diff_inlines((d.Text(o.title),), (d.Text(n.title),)) \
                if o.title != n.title else ()
            annexes.append(replace(n, blocks=diff_blocks(o.blocks, n.blocks),
                                   title_marks=title))
        elif n is not None:
            annexes.append(replace(n, change="inserted"))
        elif o is not None:  # removed: shown where it was, struck through
            annexes.append(replace(o, change="deleted", anchor=f"{o.anchor}-removed"))
    marks = d.RevisionMarks(
        against=f"Changes marked against {old.cover.masthead_number or old.cover.title}",
        author=new.metadata.author, date=new.metadata.date, cover=tuple(cover))
    return replace(new, body=diff_blocks(old.body, new.body), annexes=tuple(annexes),
                   revision_marks=marks)
