"""Apply a reviewer's tracked insertions and deletions to the content they came from.

A change is applied where it lies within one block's text: a Markdown paragraph, list
item or cell, or one YAML value (cover fields, titles, register entries, statements).
The paragraph's text before the change is aligned with its source (markup such as
``*``, ``\\`` or a link's address is stepped over) and only the changed characters are
edited; the rest of every file stays byte for byte. A deleted paragraph removes its
lines; a deleted paragraph mark joins two Markdown paragraphs.

Each change is checked before it is kept: the content, prepared again, must show the
reviewed text with the change accepted. A change that does not pass is reported with
the reason and left out. The changes are checked together (``verify``): a few
preparations of the report serve any number of changes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import control_chars
from reportgen.files import atomic_write, stage
from reportgen.prepare.anchors import Anchor
from reportgen.review.compare import Unit
from reportgen.review.defaults import default_reason, defaults
from reportgen.review.read import ReviewedParagraph
from reportgen.review.report import ReviewedReport, changed_words, normalise
from reportgen.review.spans import LIST_MARKER, align, find_text, line_offset
from reportgen.review.verify import Edit as _Edit
from reportgen.review.verify import Round, Tried, blame, owned, prepared_texts
from reportgen.review.verify import apply_edits as _apply

MARKDOWN_SPECIALS = "\\*_[]<>`"
BACKUP_DIR = ".reportgen-backup"
JOURNAL = ".reportgen-apply.json"  # the renames of an apply under way


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


def plan(report: ReviewedReport) -> Result:
    """Work out, and check, the source edits for every change, tracked or not.

    The edits are worked out for every change, then checked together by preparing the
    content once; the changes a difference lies at are tried in their next form or left
    out, and the rest worked out and checked again. A change that spans paragraphs (a
    join) is applied whole or not at all."""
    images = {image.name for image in report.loaded.images.values()}
    texts = {name: data.decode("utf-8") for name, data in report.loaded.sources.items()
             if name not in images}
    trial = Round()
    while True:
        result, accepted, expected = _plan_once(report, texts, trial)
        if trial.one_by_one or not accepted:  # (no edit: the content reads as it did)
            break
        ok, got = prepared_texts(report.loaded.root, _apply(texts, accepted))
        if ok and got == [normalise(t) for _, t in expected]:
            break
        culprits = blame(got, ok, expected, texts, trial.tried)
        if not culprits:  # a difference no change explains: check them one by one
            trial.one_by_one = True
            continue
        for k in culprits:
            trial.form[k] = trial.form.get(k, 0) + 1
    final = _apply(texts, accepted)
    result.files = {n: t for n, t in final.items() if t != result.originals.get(n)}
    return result


def _plan_once(report: ReviewedReport, texts: dict[str, str], trial: Round
               ) -> tuple[Result, list[_Edit], list[tuple[str, str]]]:
    """The edits of every change, each in the form ``trial`` gives it (or each checked
    by preparing the content when ``trial.one_by_one``): the outcomes, the edits kept
    and the text every anchored paragraph should then read as."""
    result = Result()
    result.originals = dict(texts)
    trial.tried = {}
    accepted: list[_Edit] = []  # offsets into the original texts
    expected = [(a.id, a.text) for a in report.anchors]
    units = report.units
    printed = defaults(report.loaded, report.doc)
    skip: set[int] = set()
    for k, unit in enumerate(units):
        if not unit.changed or k in skip:
            continue
        trial.current = k
        para, anchor = unit.paragraph, unit.anchor
        origin = anchor.origin if anchor else None
        where = f"{origin.file}:{origin.line}:{origin.col}" if origin else str(report.docx)
        summary = _summary(unit)
        attempt: Attempt
        hidden = control_chars(_inserted(para) + "".join(unit.parts))
        if hidden:
            attempt = (f"it inserts {', '.join(hidden)}, which can make a line display in "
                       "another order than it is stored, or act on a terminal; type the text "
                       "in the content without it")
        elif unit.kind == "generated":
            attempt = "the change is to text reportgen writes (a label, a number, the " \
                "layout): make it in the content or the template by hand"
        elif unit.kind != "added" and (default := default_reason(printed, anchor)):
            attempt = default
        elif unit.kind == "added":
            attempt = _insert(report, texts, accepted, expected, anchor, para.new, trial)
        elif anchor is None:
            attempt = "the block has no known place in the content"
        elif unit.kind == "split":
            attempt = _split(report, texts, accepted, expected, anchor, unit.parts,
                             trial)
        else:
            following = units[k + 1] if k + 1 < len(units) else None
            attempt = _attempt(report, texts, accepted, expected, anchor, para,
                               following.paragraph if following else None,
                               following.anchor if following else None, trial)
            if isinstance(attempt, str) and para.mark_deleted and para.new.strip() \
                    and following is not None and following.changed:
                # half of a change across two paragraphs is never applied alone
                skip.add(k + 1)
                nxt = following.anchor.origin if following.anchor else None
                result.outcomes.append(Outcome(
                    f"{nxt.file}:{nxt.line}:{nxt.col}" if nxt else str(report.docx),
                    _summary(following), False,
                    "part of a change across paragraphs that could not be applied"))
        if isinstance(attempt, str):
            result.outcomes.append(Outcome(where, summary, False, attempt))
            continue
        accepted, expected, joined = attempt
        if joined:
            skip.add(k + 1)
        result.outcomes.append(Outcome(where, summary, True))
    return result, accepted, expected


def _summary(unit: Unit) -> str:
    para = unit.paragraph
    if unit.kind == "added":
        return f'added paragraph "{_short(para.new)}"'
    if unit.kind == "split":
        return f'split paragraph after "{_short(unit.parts[0])}"'
    if para.mark_deleted and not para.new.strip():
        return f'deleted paragraph "{_short(para.old)}"'
    ops = difflib.SequenceMatcher(None, para.old, para.new, autojunk=False).get_opcodes()
    parts = []
    for tag, i1, i2, j1, j2 in ops:
        gone, added = para.old[i1:i2], para.new[j1:j2]
        if tag == "replace" or (tag != "equal" and not (gone + added).strip()):
            old, new = changed_words(para.old, para.new)
            parts = [f'"{_short(old)}" \u2192 "{_short(new)}"']
            break
        if tag == "delete":
            parts.append(f'deleted "{_short(gone)}"')
        if tag == "insert":
            parts.append(f'inserted "{_short(added)}"')
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
             following: ReviewedParagraph | None, nxt: Anchor | None,
             trial: Round) -> Attempt:
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
            join = _join(report, texts, name, anchor, following, nxt, edits)
            if isinstance(join, str):
                return join
            edits.append(join[0])
            new_expected[at] = (anchor.id, para.new + join[1])
            del new_expected[at + 1]
            joined = True
    return _checked(report, texts, accepted, edits, expected, new_expected, joined, trial)


def _relative(report: ReviewedReport, shown: str) -> str | None:
    """The content file an origin names (origins name files as shown to the user)."""
    root = report.loaded.root.resolve()
    target = Path(shown).resolve()
    return next((name for name in report.loaded.sources if (root / name).resolve() == target),
                None)


def _text_edits(src: str, line: int, col: int, old: str, new: str,
                name: str, breaks: str | None = None) -> list[_Edit] | str:
    """Character edits that turn ``old``, found in ``src`` from ``line``:``col``, into
    ``new``. A line break in ``new`` is a new paragraph: written as ``breaks`` (a blank
    line in Markdown), or refused when ``breaks`` is None."""
    if not old.strip():
        return "the block is empty in the content; write the new text there by hand"
    positions = find_text(src, line, col, old)
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
            if breaks is None:
                return "the change adds a line break; make it in the content by hand"
            replacement = replacement.replace("\n", breaks)
        edits.append(_Edit(name, begin, end, replacement))
    return edits




def _markdown_block(report: ReviewedReport, texts: dict[str, str],
                    anchor: Anchor) -> tuple[str, str] | str:
    """The file of a Markdown paragraph or list item (a Markdown file, or a YAML block
    of Markdown text), and what begins a new one like it after it: a blank line and
    the paragraph's indentation, or a new line and the item's own marker."""
    origin = anchor.origin
    if origin is None or not origin.end_line or anchor.kind not in ("paragraph", "item"):
        return "only after a Markdown paragraph or list item can a paragraph be added " \
            "by --apply; write it into the content by hand"
    name = _relative(report, origin.file)
    if name is None or name not in texts:
        return f"{origin.file} is not one of the report's content files"
    src = texts[name]
    start = line_offset(src, origin.line)
    line = src[start:src.find("\n", start) if "\n" in src[start:] else len(src)]
    if anchor.kind == "paragraph":
        indent = line[:len(line) - len(line.lstrip(" "))]
        return name, "\n\n" + indent
    marker = LIST_MARKER.match(line)
    if marker is None:
        return "the list item's marker could not be found in its source"
    return name, "\n" + marker.group()


def _insert(report: ReviewedReport, texts: dict[str, str], accepted: list[_Edit],
            expected: list[tuple[str, str]], after: Anchor | None, text: str,
            trial: Round) -> Attempt:
    """A paragraph the reviewer added, written after the block before it."""
    if after is None:
        return "a paragraph added before the first block: write it into the content by hand"
    block = _markdown_block(report, texts, after)
    if isinstance(block, str):
        return block
    name, lead = block
    ids = [i for i, _ in expected]
    if after.id not in ids:
        return "the block before it was already changed by an earlier change"
    assert after.origin is not None and after.origin.end_line
    src = texts[name]
    at = line_offset(src, after.origin.end_line + 1) - 1  # the end of its last line
    if src[at:at + 1] != "\n":
        at = len(src.rstrip("\n"))
    edit = _Edit(name, at, at, lead + text.strip())
    new_expected = list(expected)
    position = ids.index(after.id) + 1
    while position < len(new_expected) and new_expected[position][0].startswith("added:"):
        position += 1  # after the paragraphs already added there
    new_expected.insert(position, (f"added:{after.id}:{position}", text))
    return _checked(report, texts, accepted, [edit], expected, new_expected, False, trial,
                    escape_from=len(lead))


def _split(report: ReviewedReport, texts: dict[str, str], accepted: list[_Edit],
           expected: list[tuple[str, str]], anchor: Anchor, parts: list[str],
           trial: Round) -> Attempt:
    """A block the reviewer split into paragraphs: blank lines (or item markers) added."""
    block = _markdown_block(report, texts, anchor)
    if isinstance(block, str):
        return block.replace("added", "split")
    name, lead = block
    assert anchor.origin is not None
    ids = [i for i, _ in expected]
    if anchor.id not in ids:
        return "the block was already changed by an earlier change"
    edits = _text_edits(texts[name], anchor.origin.line, anchor.origin.col,
                        anchor.source_text, "\n".join(p.strip() for p in parts), name,
                        breaks=lead)
    if isinstance(edits, str):
        return edits
    at = ids.index(anchor.id)
    new_expected = [*expected[:at], (anchor.id, parts[0]),
                    *((f"split:{anchor.id}:{n}", part) for n, part in enumerate(parts[1:])),
                    *expected[at + 1:]]
    return _checked(report, texts, accepted, edits, expected, new_expected, False, trial)


NOT_READ = "the edited content would not read as the reviewed text (markup around the change)"


def _checked(report: ReviewedReport, texts: dict[str, str], accepted: list[_Edit],
             edits: list[_Edit], expected: list[tuple[str, str]],
             new_expected: list[tuple[str, str]], joined: bool, trial: Round,
             escape_from: int = 0) -> Attempt:
    """The edits kept if they overlap none kept before, in the form ``trial`` tries for
    this change: inserted text escaped for Markdown or YAML, then as typed, then a plain
    YAML value rewritten quoted; past the last form, the change is left out. One by
    one, the first form with which the content reads as ``new_expected``."""
    if any(_overlap(e, a) for e in edits for a in accepted):
        return "it overlaps a change applied before it"
    forms = [[_escaped(e, texts, escape_from) for e in edits]]
    if edits != forms[0]:
        forms.append(edits)
    quoted = _quoted(edits, texts)  # a plain YAML value the change made invalid YAML
    if quoted is not None and not any(_overlap(e, a) for e in quoted for a in accepted):
        forms.append(quoted)
    if trial.one_by_one:
        want = [normalise(t) for _, t in new_expected]
        chosen = next((mine for mine in forms
                       if prepared_texts(report.loaded.root,
                                         _apply(texts, accepted + mine)) == (True, want)),
                      None)
        if chosen is None:
            return NOT_READ
        return accepted + chosen, new_expected, joined
    form = trial.form.get(trial.current, 0)
    if form >= len(forms):
        return NOT_READ
    trial.tried[trial.current] = Tried(forms[form], owned(expected, new_expected))
    return accepted + forms[form], new_expected, joined


# a line holding a plain YAML value: "key: value", "- value" or "- key: value"
PLAIN_VALUE = re.compile(r"(?:[ \t]*-[ \t]+|[ \t]*)(?:[^:#\n]+:[ \t]+)?"
                         r"(?P<value>[^\s\"'|>&*!%@`#][^\n]*)$")


def _quoted(edits: list[_Edit], texts: dict[str, str]) -> list[_Edit] | None:
    """The edits of one plain YAML value on one line, made as the whole value rewritten
    double-quoted (a colon and a space, a leading dash or a hash typed into a title would
    otherwise end the value or break the file); None when they are not that."""
    files = {e.file for e in edits}
    if len(files) != 1 or not next(iter(files)).endswith(".yaml"):
        return None
    name = next(iter(files))
    src = texts[name]
    first = min(e.start for e in edits)
    start = src.rfind("\n", 0, first) + 1
    end = src.find("\n", first)
    end = len(src) if end < 0 else end
    if any(e.end > end for e in edits):
        return None
    line = src[start:end]
    found = PLAIN_VALUE.match(line)
    if found is None or start + found.start("value") > first:
        return None
    value_start = start + found.start("value")
    value = src[value_start:end]
    comment = value.find(" #")
    if comment >= 0:
        value, end = value[:comment], value_start + comment
    mine = [e for e in edits if e.start >= value_start]
    new = value
    for e in sorted(mine, key=lambda e: e.start, reverse=True):
        new = new[:e.start - value_start] + e.text + new[e.end - value_start:]
    return [_Edit(name, value_start, end, json.dumps(new.rstrip(), ensure_ascii=False))]


def _delete_lines(src: str, first: int, last: int, name: str) -> _Edit:
    start = line_offset(src, first)
    end = line_offset(src, last + 1)
    if src[end:end + 1] == "\n":  # the blank line after it
        end += 1
    return _Edit(name, start, end, "")


def _join(report: ReviewedReport, texts: dict[str, str], name: str, anchor: Anchor,
          following: ReviewedParagraph | None, nxt: Anchor | None,
          edits: list[_Edit]) -> tuple[_Edit, str] | str:
    """Join this Markdown paragraph with the next one (its paragraph mark was deleted)."""
    if following is None:
        return "the last paragraph's mark cannot be joined"
    if nxt is None or nxt.origin is None or anchor.origin is None \
            or not anchor.origin.end_line or _relative(report, nxt.origin.file) != name \
            or nxt.origin.line <= anchor.origin.end_line:
        return "joining paragraphs works only for Markdown paragraphs of one file"
    if normalise(following.old) != normalise(nxt.text):
        return "the next paragraph was also edited without change tracking"
    src = texts[name]
    end = line_offset(src, anchor.origin.end_line + 1) - 1  # the newline ending it
    nxt_edits = _text_edits(src, nxt.origin.line, nxt.origin.col, nxt.source_text,
                            following.new[len(nxt.prefix):], name)
    if isinstance(nxt_edits, str):
        return nxt_edits
    first = align(nxt.source_text, src, line_offset(src, nxt.origin.line))
    if not first:
        return "the next paragraph's text could not be found in its source"
    edits.extend(nxt_edits)
    return _Edit(name, end, first[0], ""), following.new[len(nxt.prefix):]


def _escaped(edit: _Edit, texts: dict[str, str], keep: int = 0) -> _Edit:
    """Inserted text made literal for Markdown or for a quoted YAML value (its first
    ``keep`` characters, a blank line or a list marker, as they are)."""
    src = texts[edit.file]
    line_start = src.rfind("\n", 0, edit.start) + 1
    before = src[line_start:edit.start]
    head, text = edit.text[:keep], edit.text[keep:]
    if edit.file.endswith(".yaml") and before.count('"') % 2 == 1:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    elif edit.file.endswith(".yaml") and before.count("'") % 2 == 1:
        text = text.replace("'", "''")
    else:
        text = "".join("\\" + c if c in MARKDOWN_SPECIALS else c for c in text)
    return _Edit(edit.file, edit.start, edit.end, head + text)


def _overlap(a: _Edit, b: _Edit) -> bool:
    return a.file == b.file and a.start < max(b.end, b.start + 1) \
        and b.start < max(a.end, a.start + 1)


def write(report: ReviewedReport, result: Result,
          now: Callable[[], dt.datetime] = dt.datetime.now) -> Path | None:
    """Back up each source file that changes, then replace them all or none; returns the
    backup folder.

    The backups go to ``<report>/.reportgen-backup/<time>/``, a folder that ignores
    itself for git (its own ``.gitignore``) and that builds never read (hidden). The new
    files are all written beside their targets first; a journal then names every rename
    to make, so an apply interrupted between two renames is finished by the next one."""
    root = report.loaded.root
    finish_interrupted(root)
    if not result.files:
        return None
    backups = root / BACKUP_DIR
    backup = backups / now().strftime("%Y%m%dT%H%M%S")
    n = 1
    while backup.exists():
        n += 1
        backup = backup.with_name(f"{backup.name.split('-')[0]}-{n}")
    backup.mkdir(parents=True)
    if not (backups / ".gitignore").exists():
        atomic_write(backups / ".gitignore", b"# reportgen review --apply: backups\n*\n")
    for name in sorted(result.files):
        target = backup / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    staged: dict[str, str] = {}
    try:
        for name, text in sorted(result.files.items()):
            staged[name] = stage(root / Path(name).parent, Path(name).name,
                                 text.encode("utf-8")).name
    except BaseException:
        for name, tmp in staged.items():
            (root / Path(name).parent / tmp).unlink(missing_ok=True)
        raise
    journal = root / JOURNAL
    atomic_write(journal, json.dumps(staged, indent=1, sort_keys=True).encode())
    finish_interrupted(root)
    return backup


def finish_interrupted(root: Path) -> list[str]:
    """Make the renames an interrupted apply decided (its journal); the files done."""
    journal = root / JOURNAL
    try:
        staged = json.loads(journal.read_text("utf-8"))
    except FileNotFoundError:
        return []
    done = []
    for name, tmp in sorted(staged.items()):
        temporary = root / Path(name).parent / tmp
        if temporary.exists():
            os.replace(temporary, root / name)
            done.append(name)
    journal.unlink()
    return done
