"""Apply a reviewer's tracked insertions and deletions to the content they came from.

A change is applied where it lies within one block's text: a Markdown paragraph, list
item or cell, or one YAML value (cover fields, titles, register entries, statements).
The paragraph's text before the change is aligned with its source (markup such as
``*``, ``\\`` or a link's address is stepped over) and only the changed characters are
edited; the rest of every file stays byte for byte. A deleted paragraph removes its
lines; a deleted paragraph mark joins two Markdown paragraphs.

Each change is checked before it is kept: the content, prepared again, must show the
reviewed text with the change accepted. A change that does not pass is reported with
the reason and left out.
"""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.content.load import load
from reportgen.errors import ContentError, control_chars
from reportgen.files import atomic_write, scratch_folder
from reportgen.prepare.anchors import Anchor, anchors
from reportgen.prepare.tree import prepare
from reportgen.review.read import ReviewedParagraph
from reportgen.review.report import ReviewedReport, normalise

SKIPPABLE = set("*_\\`[]<>\"'")
MARKDOWN_SPECIALS = "\\*_[]<>`"
BACKUP_DIR = ".reportgen-backup"


@dataclass
class Outcome:
    """What became of one changed paragraph."""

    place: str  # file:line:col
    summary: str  # what the change is
    applied: bool
    reason: str = ""


@dataclass
class Result:
    outcomes: list[Outcome] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # relative name -> new text
    originals: dict[str, str] = field(default_factory=dict)

    def diff(self) -> str:
        out: list[str] = []
        for name in sorted(self.files):
            out.extend(difflib.unified_diff(
                self.originals[name].splitlines(keepends=True),
                self.files[name].splitlines(keepends=True), f"a/{name}", f"b/{name}"))
        return "".join(out)


@dataclass(frozen=True)
class _Edit:
    file: str
    start: int
    end: int
    text: str


def plan(report: ReviewedReport) -> Result:
    """Work out, and check one by one, the source edits for every tracked change."""
    result = Result()
    images = {image.name for image in report.loaded.images.values()}
    texts = {name: data.decode("utf-8") for name, data in report.loaded.sources.items()
             if name not in images}
    result.originals = dict(texts)
    accepted: list[_Edit] = []  # offsets into the original texts
    expected = [(a.id, a.text) for a in report.anchors]
    paragraphs = report.review.paragraphs
    skip_next = False
    for k, para in enumerate(paragraphs):
        if skip_next:
            skip_next = False
            continue
        if para.old == para.new and not para.mark_deleted and not para.mark_inserted:
            continue
        place = report.placed.get(para.index)
        origin = place.anchor.origin if place else None
        where = f"{origin.file}:{origin.line}:{origin.col}" if origin else str(report.docx)
        summary = _summary(para)
        if place is None or place.how == "nearest" or (para.mark_inserted and not para.old):
            result.outcomes.append(Outcome(where, summary, False, "a paragraph the reviewer "
                                           "added: write it into the content by hand"))
            continue
        hidden = control_chars(_inserted(para))
        if hidden:
            result.outcomes.append(Outcome(where, summary, False, (
                f"it inserts {', '.join(hidden)}, which can make a line display in another "
                "order than it is stored, or act on a terminal; type the text in the "
                "content without it")))
            continue
        anchor = place.anchor
        if normalise(para.old) != normalise(anchor.text):
            result.outcomes.append(Outcome(where, summary, False, "the paragraph was also "
                                           "edited without change tracking"))
            continue
        following = paragraphs[k + 1] if k + 1 < len(paragraphs) else None
        attempt = _attempt(report, texts, accepted, expected, anchor, para, following)
        if isinstance(attempt, str):
            result.outcomes.append(Outcome(where, summary, False, attempt))
            continue
        accepted, expected, joined = attempt
        skip_next = joined
        result.outcomes.append(Outcome(where, summary, True))
    final = _apply(texts, accepted)
    result.files = {n: t for n, t in final.items() if t != result.originals.get(n)}
    return result


def _summary(para: ReviewedParagraph) -> str:
    if para.mark_deleted and not para.new.strip():
        return f'deleted paragraph "{_short(para.old)}"'
    ops = difflib.SequenceMatcher(None, para.old, para.new, autojunk=False).get_opcodes()
    parts = []
    for tag, i1, i2, j1, j2 in ops:
        if tag in ("delete", "replace"):
            parts.append(f'deleted "{_short(para.old[i1:i2])}"')
        if tag in ("insert", "replace"):
            parts.append(f'inserted "{_short(para.new[j1:j2])}"')
    if para.mark_deleted:
        parts.append("joined with the next paragraph")
    return ", ".join(parts) or "formatting only"


def _inserted(para: ReviewedParagraph) -> str:
    """The text the reviewer's changes put into the paragraph."""
    ops = difflib.SequenceMatcher(None, para.old, para.new, autojunk=False).get_opcodes()
    return "".join(para.new[j1:j2] for tag, _, _, j1, j2 in ops if tag in ("insert", "replace"))


def _short(text: str, limit: int = 50) -> str:
    text = normalise(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


Attempt = tuple[list[_Edit], list[tuple[str, str]], bool] | str


def _attempt(report: ReviewedReport, texts: dict[str, str], accepted: list[_Edit],
             expected: list[tuple[str, str]], anchor: Anchor, para: ReviewedParagraph,
             following: ReviewedParagraph | None) -> Attempt:
    """Edits for one paragraph, kept only if the prepared content, with them and the
    edits already kept, reads as expected. ``texts`` are the original sources: every
    edit is an offset into them, so earlier edits never shift later ones."""
    origin = anchor.origin
    if origin is None:
        return "the block has no known place in the content"
    name = _relative(report, origin.file)
    if name is None or name not in texts:
        return f"{origin.file} is not one of the report's content files"
    if not para.new.startswith(anchor.prefix):
        return f"the change touches generated text ({anchor.prefix.strip()!r})"
    ids = [i for i, _ in expected]
    if anchor.id not in ids:
        return "the block was already changed by an earlier change"
    at = ids.index(anchor.id)
    new_expected = list(expected)
    joined = False
    if para.mark_deleted and not para.new.strip():
        if not origin.end_line:
            return "only a whole Markdown paragraph can be deleted; delete it in the content"
        edits = [_delete_lines(texts[name], origin.line, origin.end_line, name)]
        del new_expected[at]
    else:
        change = _text_edits(texts[name], origin.line, origin.col, anchor.source_text,
                             para.new[len(anchor.prefix):], name)
        if isinstance(change, str):
            return change
        edits = change
        new_expected[at] = (anchor.id, para.new)
        if para.mark_deleted:
            join = _join(report, texts, name, anchor, following, edits)
            if isinstance(join, str):
                return join
            edits.append(join[0])
            new_expected[at] = (anchor.id, para.new + join[1])
            del new_expected[at + 1]
            joined = True
    if any(_overlap(e, a) for e in edits for a in accepted):
        return "it overlaps a change applied before it"
    for escape in (True, False):
        mine = [_escaped(e, texts) if escape else e for e in edits]
        if _reads_as(report, _apply(texts, accepted + mine), new_expected):
            return accepted + mine, new_expected, joined
    return "the edited content would not read as the reviewed text (markup around the change)"


def _relative(report: ReviewedReport, shown: str) -> str | None:
    """The content file an origin names (origins name files as shown to the user)."""
    root = report.loaded.root.resolve()
    target = Path(shown).resolve()
    return next((name for name in report.loaded.sources if (root / name).resolve() == target),
                None)


def _line_offset(text: str, line: int, col: int = 1) -> int:
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset + col - 1


def align(plain: str, src: str, start: int) -> list[int] | None:
    """The source offset of each character of ``plain``, reading ``src`` from ``start``
    and stepping over markup; None when the text is not there."""
    positions: list[int] = []
    j = start
    for c in plain:
        if c.isspace():
            if positions and plain[len(positions) - 1].isspace():
                positions.append(positions[-1])
                continue
            while j < len(src) and src[j] in SKIPPABLE and not src[j].isspace():
                j += 1
            if j >= len(src) or not src[j].isspace():
                return None
            positions.append(j)
            while j < len(src) and src[j].isspace():
                j += 1
            continue
        while j < len(src) and src[j] != c:
            if src[j] == "]" and src.startswith("(", j + 1):
                close = src.find(")", j + 2)
                if close < 0:
                    return None
                j = close + 1
            elif src[j] in SKIPPABLE:
                j += 1
            else:
                return None
        if j >= len(src):
            return None
        positions.append(j)
        j += 1
    return positions


def _text_edits(src: str, line: int, col: int, old: str, new: str,
                name: str) -> list[_Edit] | str:
    if not old.strip():
        return "the block is empty in the content; write the new text there by hand"
    base = _line_offset(src, line, col)
    head = old.split()[0][:12]
    starts = [base]
    pos = src.find(head, base)
    while 0 <= pos < base + 20000 and len(starts) < 50:
        starts.append(pos)
        pos = src.find(head, pos + 1)
    positions = None
    for start in starts:
        positions = align(old, src, start)
        if positions is not None:
            break
    if positions is None:
        return "the paragraph's text could not be found in its source"
    edits = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        begin = positions[i1] if i1 < len(old) else positions[-1] + 1
        end = positions[i2 - 1] + 1 if i2 > i1 else begin
        replacement = new[j1:j2]
        if "\n" in replacement:
            return "the change adds a line break; make it in the content by hand"
        edits.append(_Edit(name, begin, end, replacement))
    return edits


def _delete_lines(src: str, first: int, last: int, name: str) -> _Edit:
    start = _line_offset(src, first)
    end = _line_offset(src, last + 1)
    if src[end:end + 1] == "\n":  # the blank line after it
        end += 1
    return _Edit(name, start, end, "")


def _join(report: ReviewedReport, texts: dict[str, str], name: str, anchor: Anchor,
          following: ReviewedParagraph | None, edits: list[_Edit]) -> tuple[_Edit, str] | str:
    """Join this Markdown paragraph with the next one (its paragraph mark was deleted)."""
    if following is None:
        return "the last paragraph's mark cannot be joined"
    place = report.placed.get(following.index)
    nxt = place.anchor if place else None
    if nxt is None or nxt.origin is None or anchor.origin is None \
            or not anchor.origin.end_line or _relative(report, nxt.origin.file) != name \
            or nxt.origin.line <= anchor.origin.end_line:
        return "joining paragraphs works only for Markdown paragraphs of one file"
    if normalise(following.old) != normalise(nxt.text):
        return "the next paragraph was also edited without change tracking"
    src = texts[name]
    end = _line_offset(src, anchor.origin.end_line + 1) - 1  # the newline ending it
    nxt_edits = _text_edits(src, nxt.origin.line, nxt.origin.col, nxt.source_text,
                            following.new[len(nxt.prefix):], name)
    if isinstance(nxt_edits, str):
        return nxt_edits
    first = align(nxt.source_text, src, _line_offset(src, nxt.origin.line))
    if not first:
        return "the next paragraph's text could not be found in its source"
    edits.extend(nxt_edits)
    return _Edit(name, end, first[0], ""), following.new[len(nxt.prefix):]


def _escaped(edit: _Edit, texts: dict[str, str]) -> _Edit:
    """Inserted text made literal for Markdown or for a quoted YAML value."""
    src = texts[edit.file]
    line_start = src.rfind("\n", 0, edit.start) + 1
    before = src[line_start:edit.start]
    text = edit.text
    if edit.file.endswith(".yaml") and before.count('"') % 2 == 1:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    elif edit.file.endswith(".yaml") and before.count("'") % 2 == 1:
        text = text.replace("'", "''")
    else:
        text = "".join("\\" + c if c in MARKDOWN_SPECIALS else c for c in text)
    return _Edit(edit.file, edit.start, edit.end, text)


def _overlap(a: _Edit, b: _Edit) -> bool:
    return a.file == b.file and a.start < max(b.end, b.start + 1) \
        and b.start < max(a.end, a.start + 1)


def _apply(texts: dict[str, str], edits: list[_Edit]) -> dict[str, str]:
    out = dict(texts)
    for edit in sorted(edits, key=lambda e: (e.file, e.start, e.end), reverse=True):
        src = out[edit.file]
        out[edit.file] = src[:edit.start] + edit.text + src[edit.end:]
    return out


def _reads_as(report: ReviewedReport, texts: dict[str, str],
              expected: list[tuple[str, str]]) -> bool:
    """Prepare the edited content in a scratch copy; does it show the expected text?"""
    root = report.loaded.root
    with scratch_folder("review") as tmp:
        copy = tmp / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".*", "output"))
        for name, text in texts.items():
            (copy / name).write_text(text, "utf-8")
        try:
            loaded = load(copy)
            doc = prepare(loaded)
        except ContentError:
            return False
        got = [normalise(a.text) for a in anchors(doc)]
    return got == [normalise(t) for _, t in expected]


def write(report: ReviewedReport, result: Result,
          now: Callable[[], dt.datetime] = dt.datetime.now) -> Path | None:
    """Back up each source file that changes, then write the new ones; returns the
    backup folder."""
    if not result.files:
        return None
    root = report.loaded.root
    backup = root / BACKUP_DIR / now().strftime("%Y%m%dT%H%M%S")
    n = 1
    while backup.exists():
        n += 1
        backup = backup.with_name(f"{backup.name.split('-')[0]}-{n}")
    for name in sorted(result.files):
        target = backup / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    for name, text in sorted(result.files.items()):
        atomic_write(root / name, text.encode("utf-8"))
    return backup
