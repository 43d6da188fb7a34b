"""The reviewed DOCX set against the document the sources make, block by block.

Both are read the same way (``read``): the document the sources make is rendered again
and read back, so every paragraph the writer generated without a source (cover labels,
captions' numbers, the end mark) is known and never taken for a reviewer's addition.
Paragraphs are paired by their hidden bookmarks first, then by their text. What differs
is a change whether or not track changes was on: a block edited, removed, split in two,
joined with the next, or a paragraph added. Tracked changes inside a paired paragraph
are part of the same comparison, so tracked, untracked and mixed edits come out alike.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from reportgen.prepare.anchors import Anchor
from reportgen.review.read import ReviewedParagraph

SIMILAR = 0.6  # a reviewed paragraph that lost its bookmark still reads this much alike


@dataclass
class Unit:
    """One block of the sources, or one paragraph the reviewer added, as reviewed.

    ``paragraph`` is the reviewed paragraph with ``old`` set to the text the sources make
    (so its ``old`` → ``new`` is every edit, tracked or not); ``parts`` are the paragraphs
    a block was split into (the first is ``paragraph.new``)."""

    kind: str  # "kept", "edited", "removed", "added", "split", "generated"
    anchor: Anchor | None  # the block; for "added", the block it follows (None: the start)
    paragraph: ReviewedParagraph
    # the part of the change made without track changes: the text before and after it
    untracked: tuple[str, str] | None = None
    parts: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.kind != "kept"


def normalise(text: str) -> str:
    return " ".join(text.split())


def _key(p: ReviewedParagraph, text: str) -> str:
    return p.bookmarks[0] if p.bookmarks else "text:" + normalise(text)


def compare(reviewed: list[ReviewedParagraph], expected: list[ReviewedParagraph],
            anchors: list[Anchor]) -> list[Unit]:
    """Every block and every added paragraph, in the reviewed document's order."""
    by_bookmark = {a.bookmark: a for a in anchors}
    reviewed = _unjoined(reviewed, by_bookmark)
    units: list[Unit] = []
    last: Anchor | None = None
    matcher = difflib.SequenceMatcher(None, [_key(p, p.old) for p in expected],
                                      [_key(p, p.old) for p in reviewed], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs: list[tuple[ReviewedParagraph | None, ReviewedParagraph | None]]
        if tag == "equal":
            pairs = list(zip(expected[i1:i2], reviewed[j1:j2], strict=True))
        else:
            pairs = _pair(expected[i1:i2], reviewed[j1:j2])
        for want, got in pairs:
            anchor = by_bookmark.get(want.bookmarks[0]) if want and want.bookmarks else None
            unit = _unit(want, got, anchor, last, units)
            if unit is not None:
                units.append(unit)
            if anchor is not None:
                last = anchor
    return units


def _unit(want: ReviewedParagraph | None, got: ReviewedParagraph | None,
          anchor: Anchor | None, last: Anchor | None, units: list[Unit]) -> Unit | None:
    if want is not None and got is not None:
        if anchor is None:  # generated text: it should read as generated
            if _as_generated(want.new, got.new) and not got.mark_deleted:
                return None
            untracked = (want.new, got.old) if normalise(got.old) != normalise(want.new) \
                else None
            return Unit("generated", last, replace(got, old=want.new), untracked)
        base = anchor.text
        untracked = (base, got.old) if normalise(got.old) != normalise(base) \
            or got.joined else None
        para = replace(got, old=base)
        if normalise(base) == normalise(got.new) and not got.mark_deleted:
            # (an inserted mark here begins the paragraph added after it, not a change)
            return Unit("kept", anchor, para)
        return Unit("edited", anchor, para, untracked)
    if want is not None:  # gone from the reviewed document, not even as a deletion
        if anchor is None:
            return Unit("generated", last, replace(want, new="", mark_deleted=True),
                        (want.new, ""))
        para = replace(want, old=anchor.text, new="", mark_deleted=True)
        return Unit("removed", anchor, para, (anchor.text, ""))
    assert got is not None
    previous = units[-1] if units else None
    if previous is not None and previous.anchor is not None \
            and previous.kind in ("kept", "edited", "split") \
            and previous.anchor.bookmark in got.ends:
        # the second half of a block split in two (its bookmark ends here)
        if not previous.parts:
            previous.parts.append(previous.paragraph.new)
        previous.parts.append(got.new)
        previous.kind = "split"
        # the new paragraph mark: tracked (an inserted mark) or not
        previous.untracked = None if previous.paragraph.mark_inserted else \
            (previous.paragraph.old, "\n".join(previous.parts))
        return None
    if not got.new.strip() and not got.old.strip():
        return None  # an empty paragraph added: nothing to write
    # tracked when its text is an insertion (Word also marks its paragraph mark inserted;
    # LibreOffice marks the mark of the paragraph before it)
    untracked = None if not got.old.strip() else ("", got.old)
    return Unit("added", last, replace(got, old=""), untracked)


def _as_generated(expected: str, got: str) -> bool:
    """Whether generated text reads as the sources make it. A contents entry's page number
    is not the sources': the build fills it in from the PDF's layout, after its tab."""
    if normalise(got) == normalise(expected):
        return True
    return expected.endswith("\t") and got.startswith(expected) \
        and got[len(expected):].strip().isdigit()


def _pair(expected: list[ReviewedParagraph], reviewed: list[ReviewedParagraph]
          ) -> list[tuple[ReviewedParagraph | None, ReviewedParagraph | None]]:
    """Expected and reviewed paragraphs that did not pair by key: paired by likeness
    (a block whose bookmark the reviewer lost, generated text edited), in order; the
    rest stand alone."""
    out: list[tuple[ReviewedParagraph | None, ReviewedParagraph | None]] = []
    if len(expected) == len(reviewed) and not any(r.bookmarks for r in reviewed):
        return list(zip(expected, reviewed, strict=True))  # each rewritten in its place
    j = 0
    for want in expected:
        best, best_at = 0.0, -1
        for k in range(j, len(reviewed)):
            if reviewed[k].bookmarks:
                continue
            ratio = difflib.SequenceMatcher(None, normalise(want.new),
                                            normalise(reviewed[k].old), autojunk=False).ratio()
            if ratio > best:
                best, best_at = ratio, k
        if best >= SIMILAR:
            out.extend((None, r) for r in reviewed[j:best_at])
            out.append((want, reviewed[best_at]))
            j = best_at + 1
        else:
            out.append((want, None))
    out.extend((None, r) for r in reviewed[j:])
    return out


def _unjoined(paragraphs: list[ReviewedParagraph], by_bookmark: dict[str, Anchor]
              ) -> list[ReviewedParagraph]:
    """A paragraph holding the bookmarks of several blocks (their paragraphs joined
    without tracking) as one paragraph per block, each but the last with its mark
    deleted: the form a tracked join has."""
    out: list[ReviewedParagraph] = []
    for p in paragraphs:
        names = [b for b in p.bookmarks if b in by_bookmark]
        if len(names) < 2:
            out.append(p)
            continue
        cuts = [p.starts.get(b, 0) for b in names[1:]]
        if cuts != sorted(cuts):
            out.append(p)
            continue
        bounds = [0, *cuts, len(p.new)]
        for k, name in enumerate(names):
            piece = p.new[bounds[k]:bounds[k + 1]]
            last = k == len(names) - 1
            # ``old`` is the piece itself, and the first pieces' marks deleted: the join
            # was made without track changes (tracked changes inside count as untracked)
            out.append(replace(p, bookmarks=[name], old=piece, new=piece,
                               mark_deleted=not last or p.mark_deleted,
                               starts={name: 0}, joined=not last))
    return out
