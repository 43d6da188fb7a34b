"""The check of --apply's edits: the content, prepared again with them, must read as the
reviewed text with the changes accepted.

The edits of every change are made together and the content is prepared once. When it
does not read as expected, each difference is laid at the changes that set the blocks
it is in (or, for an error in a file, at the change edited nearest before its line);
those are tried in their next form (inserted text as typed rather than escaped, a YAML
value rewritten quoted) or left out, and the whole is prepared again. A few
preparations serve any number of changes. A difference no change can be found for makes
the caller check the changes one by one.
"""

from __future__ import annotations

import difflib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.content.load import load
from reportgen.errors import ContentError, display_path
from reportgen.files import scratch_folder
from reportgen.prepare.anchors import anchors
from reportgen.prepare.tree import prepare


@dataclass(frozen=True)
class Edit:
    """Replace ``file``'s characters ``start``:``end`` (of its original text) by ``text``."""

    file: str
    start: int
    end: int
    text: str


def apply_edits(texts: dict[str, str], edits: list[Edit]) -> dict[str, str]:
    out = dict(texts)
    for edit in sorted(edits, key=lambda e: (e.file, e.start, e.end), reverse=True):
        src = out[edit.file]
        out[edit.file] = src[:edit.start] + edit.text + src[edit.end:]
    return out


def normalise(text: str) -> str:
    return " ".join(text.split())


# what preparing the edited content gives: the text of each anchored paragraph, or the
# errors it raised as (file name relative to the report, line)
Prepared = list[str] | list[tuple[str, int]]


def prepared_texts(root: Path, texts: dict[str, str]) -> tuple[bool, Prepared]:
    """Prepare the report at ``root`` with ``texts`` in place of its files, in a scratch
    copy: (True, the anchored paragraphs' texts) or (False, the errors' places)."""
    with scratch_folder("review") as tmp:
        copy = tmp / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".*", "output"))
        for name, text in texts.items():
            (copy / name).write_text(text, "utf-8")
        try:
            doc = prepare(load(copy))
        except ContentError as exc:
            names = {display_path(copy / name): name for name in texts}
            return False, [(names.get(p.file, ""), p.line) for p in exc.problems]
        return True, [normalise(a.text) for a in anchors(doc)]


@dataclass
class Tried:
    """A change as it stands in one round: its edits in the form tried, and the expected
    blocks it sets (those whose text it makes, and those beside a block it removes)."""

    edits: list[Edit]
    owns: set[str]


def owned(before: list[tuple[str, str]], after: list[tuple[str, str]]) -> set[str]:
    """The ids of ``after`` whose text differs from ``before``'s, or that are new, and
    the neighbours of the ids ``after`` removed."""
    old = dict(before)
    out = {i for i, text in after if old.get(i) != text}
    kept = {i for i, _ in after}
    ids = [i for i, _ in after]
    gone = 0
    for position, (i, _) in enumerate(before):
        if i in kept:
            continue
        at = position - gone
        out.update(ids[max(at - 1, 0):at + 1])
        gone += 1
    return out


@dataclass
class Round:
    """The forms the changes are tried in, kept from one preparation to the next, and
    what the current round tried."""

    form: dict[int, int] = field(default_factory=dict)  # change -> its form's index
    tried: dict[int, Tried] = field(default_factory=dict)
    current: int = 0  # the change being worked out
    one_by_one: bool = False  # prepare for each change (a difference no change explains)


def blame(got: Prepared, ok: bool, expected: list[tuple[str, str]],
          texts: dict[str, str], tried: dict[int, Tried]) -> set[int]:
    """The changes a difference between what was prepared and what was expected lies
    at; empty when there is no difference, or none can be named."""
    if not ok:
        return _blame_lines([p for p in got if isinstance(p, tuple)], texts, tried)
    want = [normalise(t) for _, t in expected]
    if got == want:
        return set()
    owners: dict[str, set[int]] = {}
    for k, change in tried.items():
        for i in change.owns:
            owners.setdefault(i, set()).add(k)
    ids = [i for i, _ in expected]
    out: set[int] = set()
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        found = {k for i in ids[i1:i2] for k in owners.get(i, ())}
        out |= found or {k for i in ids[max(i1 - 1, 0):i2 + 1] for k in owners.get(i, ())}
    return out


def _blame_lines(places: list[tuple[str, int]], texts: dict[str, str],
                 tried: dict[int, Tried]) -> set[int]:
    """The change edited at, or nearest before, each error's line (lines of the edited
    file); every change of the file when the error has no line."""
    lines: dict[str, list[tuple[int, int, int]]] = {}  # file -> (first, last line, change)
    read: dict[str, tuple[int, int, int]] = {}  # file -> (offset, its line, lines added)
    edits = sorted(((e, k) for k, change in tried.items() for e in change.edits),
                   key=lambda ek: (ek[0].file, ek[0].start, ek[0].end))
    for edit, k in edits:
        src = texts[edit.file]
        offset, line, added = read.get(edit.file, (0, 1, 0))
        line += src.count("\n", offset, edit.start)
        first = line + added
        lines.setdefault(edit.file, []).append((first, first + edit.text.count("\n"), k))
        added += edit.text.count("\n") - src.count("\n", edit.start, edit.end)
        read[edit.file] = (edit.start, line, added)
    out: set[int] = set()
    for name, line in places:
        spans = lines.get(name, [])
        if not line:
            out |= {k for _, _, k in spans}
            continue
        before = [s for s in spans if s[0] <= line]
        if before:
            out.add(max(before, key=lambda s: (s[1] >= line, s[0]))[2])
        elif spans:
            out.add(spans[0][2])
    return out
