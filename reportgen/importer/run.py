"""The import, from the DOCX to the renamed folder; see the package's docstring."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from reportgen.content.schema import modeline
from reportgen.errors import ContentError
from reportgen.importer.body import BodyImporter, Part, Piece, cited_ids
from reportgen.importer.compare import differences, outline
from reportgen.importer.cover import read_cover
from reportgen.importer.letter import letter_text, read_letter_cover
from reportgen.prepare.anchors import REPORT_PROPERTY
from reportgen.prepare.languages import Locale, locale
from reportgen.read import NotReadable, WordDocument, read_docx

DEFAULT_FORMATS = ["1)", "a)", "i)"]
FENCED = re.compile(r"^(`{3,})\n.*?\n\1$", re.S | re.M)
Kind = Literal["td", "contribution", "ls", "plain", "report", "letter"]


class ImportRefused(Exception):
    """The import did not happen; the message says why in a sentence."""


@dataclass
class ImportResult:
    target: Path
    notes: list[str] = field(default_factory=list)  # report lines, "FILE: paragraph N …"
    comments: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    paragraphs: int = 0  # paragraphs with text compared
    equal: int = 0  # of them, rebuilt the same


def import_docx(source: Path, target: Path, kind: Kind | None = None,
                changes: Literal["accept", "reject"] | None = None,
                force: bool = False) -> ImportResult:
    """Import ``source`` into the new folder ``target``; raises ImportRefused."""
    shown = source.name
    if target.exists() and (not target.is_dir() or any(target.iterdir())) and not force:
        raise ImportRefused(f"{target} already exists with content: choose a new folder, "
                            "or pass --force to replace it")
    try:
        return _import(source, target, kind, changes, shown)
    except (ImportRefused, OSError):
        raise
    except Exception as exc:  # a document no rule foresaw: a sentence, not a traceback
        raise ImportRefused(f"{shown}: could not be imported ({type(exc).__name__}: "
                            f"{str(exc)[:200]}); nothing was written") from None


def _import(source: Path, target: Path, kind: Kind | None,
            changes: Literal["accept", "reject"] | None, shown: str) -> ImportResult:
    try:
        word = read_docx(source, changes or "accept")
    except NotReadable as exc:
        raise ImportRefused(f"{shown}: cannot be read: {exc}") from None
    result = ImportResult(target)
    for c in word.comments:
        result.comments.append(f"{shown}: paragraph {c.paragraph}: comment by "
                               f"{c.author or 'an unnamed reviewer'}: {c.text[:200]}")
    if changes is None and (word.changes or word.comments):
        raise ImportRefused(_refusal(shown, word))
    files, notes = convert(word, shown, kind, target.resolve())
    result.notes.extend(notes)
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.import-", dir=parent))
    try:
        for name, data in files.items():
            path = work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        result.files = sorted(files)
        _verify(work, target, word, result, shown)
        _commit(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return result


def _refusal(shown: str, word: WordDocument) -> str:
    parts = []
    if word.changes:
        where = sorted({c.paragraph for c in word.changes})
        parts.append(f"{len(word.changes)} tracked change{'s' * (len(word.changes) != 1)} "
                     f"(paragraph{'s' * (len(where) != 1)} {_ranges(where)})")
    if word.comments:
        where = sorted({c.paragraph for c in word.comments})
        parts.append(f"{len(word.comments)} comment{'s' * (len(word.comments) != 1)} "
                     f"(paragraph{'s' * (len(where) != 1)} {_ranges(where)})")
    return (f"{shown} has {' and '.join(parts)}: settle them in Word, or import with "
            "--accept-changes or --reject-changes (comments are then listed and left out)")


def _ranges(numbers: list[int]) -> str:
    shown = [str(n) for n in numbers[:8]]
    return ", ".join(shown) + (f" and {len(numbers) - 8} more" if len(numbers) > 8 else "")


def convert(word: WordDocument, shown: str, kind: Kind | None,
            target: Path) -> tuple[dict[str, bytes], list[str]]:
    """The files of the content folder (name -> bytes) and the report lines."""
    cover = read_letter_cover(word.blocks, kind, word.properties) or \
        read_cover(word.blocks, kind)
    doc = cover.document
    if kind == "letter" and "letter" not in doc:
        raise ImportRefused(f"{shown} has no TSB letterhead (a first table with the "
                            "Bureau's name or a Ref: row): it cannot be imported as a letter")
    lang = locale(cover.language)
    notes = [f"{shown}: cover: {n}" for n in cover.notes]
    blocks = word.blocks[cover.used:]
    annex_count: int | None = None
    if doc.get("kind") == "letter":
        text = letter_text(blocks, lang, doc["letter"])
        blocks, annex_count = text.blocks, text.annex_count
        notes.extend(f"{shown}: {n}" for n in text.notes)
    blocks = [*cover.kept, *blocks]  # cover text with no field: first in the text
    meeting = doc.get("meeting")
    dates = (meeting["start"], meeting["end"]) if isinstance(meeting, dict) and \
        isinstance(meeting.get("start"), dt.date) and isinstance(meeting.get("end"), dt.date) \
        else None
    importer = BodyImporter(word, lang, shown, dates)
    importer.run(blocks)
    notes.extend(importer.notes)
    if doc.get("kind") == "letter":
        notes.extend(_annex_count(annex_count, len(importer.annexes), lang, shown))
    if "title" not in doc or not doc["title"]:
        heading = next((p.text.strip() for p in word.paragraphs()
                        if p.style.lower().startswith("heading") and p.text.strip()), "")
        doc["title"] = word.properties.get("title") or heading or Path(shown).stem
        notes.append(f"{shown}: cover: no title found: titled {doc['title']!r}")
    letter = doc.get("letter")
    circular = isinstance(letter, dict) and letter.get("series") == "circular"
    if "group" not in doc and not circular:  # a circular is addressed to all
        doc["group"] = "TSAG"
        notes.append(f"{shown}: cover: no group found: set to 'TSAG'")
    if "study_period" not in doc and doc.get("kind") != "plain":  # plain needs none
        doc["study_period"] = "2025-2028"
        notes.append(f"{shown}: cover: no study period found: set to 2025-2028")
    if doc.get("kind") not in ("plain", "letter") and not doc.get("source"):
        doc["source"] = word.properties.get("author") or "(source not given)"
        notes.append(f"{shown}: cover: no source found: set to {doc['source']!r}")
    if "meeting" not in doc and "date" not in doc and doc.get("kind") != "plain":
        created = word.properties.get("created", "")[:10]
        try:
            doc["date"] = dt.date.fromisoformat(created)
            whence = "from the file's properties"
        except ValueError:
            doc["date"] = dt.date.today()
            whence = "(today: the file has no creation date either)"
        notes.append(f"{shown}: cover: no meeting found: dated {doc['date']} {whence}")
    report: dict[str, Any] = {"document": _ordered_document(doc)}
    options: dict[str, Any] = {}
    if importer.heading_start != 1:
        options["heading_start"] = importer.heading_start
    if not importer.end_mark:
        options["end_mark"] = False
    labels = importer.annex_labels
    if labels:
        if len(labels) == 1 and labels[0] == lang["annex"].replace("{n}", "").strip():
            options["annex_label"] = "none"
        elif all(re.search(r"\b[A-Z]{1,2}$", label) for label in labels):
            options["annex_label"] = "letter"
    parts = [importer.preamble, *importer.body, *importer.annexes, *importer.appendices]
    formats = _common_formats(parts)
    if formats != DEFAULT_FORMATS:
        options["list_formats"] = formats
    if options:
        report["options"] = options
    files: dict[str, bytes] = {}
    writer = _Writer(files, formats, notes, shown)
    if importer.preamble.pieces:
        report["preamble"] = writer.part(importer.preamble, "preamble", formats)
    if importer.body:
        report["body"] = [writer.part(p, f"{n:02d}", formats)
                          for n, p in enumerate(importer.body, 1)]
    if importer.annexes:
        report["annexes"] = [writer.part(p, f"annex{n}", formats)
                             for n, p in enumerate(importer.annexes, 1)]
    if importer.appendices:
        report["appendices"] = [writer.part(p, f"appendix{n}", formats)
                                for n, p in enumerate(importer.appendices, 1)]
    if importer.sessions:
        report["sessions"] = writer.sessions(importer.sessions, importer.session_texts)
    if not any(k in report for k in ("preamble", "body", "annexes", "appendices")):
        report["preamble"] = {"text": "\u00a0"}
        notes.append(f"{shown}: the document has no text after its cover")
    register = list(importer.register.values())
    known = set(importer.register)
    texts = [FENCED.sub("", data.decode("utf-8")) for name, data in files.items()
             if name.endswith(".md")]  # code blocks cite nothing
    texts += writer.inline_texts
    cited = [i for i in cited_ids(texts) if i not in known]
    missing = []
    for doc_id in cited:
        seen = importer.seen_titles.get(doc_id, {})
        register.append({"id": doc_id, "title": seen.get("title", doc_id),
                         **({"source": seen["source"]} if "source" in seen else {})})
        if "title" not in seen:
            missing.append(doc_id)
    if missing:
        notes.append(f"{shown}: {len(missing)} document id{'s' * (len(missing) != 1)} cited "
                     f"in the text but listed in no documents table "
                     f"({', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}): "
                     "registered with the id as title; give their titles in documents:")
    if register:
        report["documents"] = register
    every = [entry["id"] for entry in register]
    for block in _blocks(report):
        spec = block.get("documents_table")
        if spec is not None and spec.get("ids") == every:
            del spec["ids"]
    order = ["document", "options", "documents", "sessions"]
    report = {**{k: report[k] for k in order if k in report},
              **{k: v for k, v in report.items() if k not in order}}
    files["report.yaml"] = _yaml(report, target).encode("utf-8")
    for name, data in importer.figures.items():
        files[name] = data
    return files, notes


def _annex_count(printed: int | None, annexes: int, lang: Locale, shown: str) -> list[str]:
    """A letter's count of annexes after its signature is printed from its annexes."""
    if not annexes:
        return [] if printed is None else [f"{shown}: the letter counts {printed} annex(es) "
                                           "but has none: the count is left out"]
    rebuilt = lang["annexes_line"].format(n=annexes) if annexes > 1 else lang["annex_line"]
    if printed is None:
        return [f"{shown}: no count of annexes after the signature: the rebuilt letter "
                f"prints {rebuilt!r}"]
    if printed != annexes:
        return [f"{shown}: the letter counts {printed} annex(es) and has {annexes}: "
                f"rebuilt as {rebuilt!r}"]
    return []


def _blocks(node: Any) -> list[dict[str, Any]]:
    """Every typed block of the report, depth first."""
    out: list[dict[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "blocks":
                out.extend(value)
            else:
                out.extend(_blocks(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_blocks(item))
    return out


def _ordered_document(doc: dict[str, Any]) -> dict[str, Any]:
    order = ["kind", "layout", "language", "group", "study_period", "number", "revision",
             "revision_form", "original", "english_only", "date", "meeting", "questions",
             "source", "title", "subtitle", "purpose", "liaison", "letter", "contacts",
             "keywords", "abstract", "action"]
    doc = {k: v for k, v in doc.items()
           if (v != "" or k == "questions") and v != [] and v != {}}
    out = {k: doc[k] for k in order if k in doc}
    if out.get("kind") == "td":
        del out["kind"]
    if out.get("questions") == "N/A":
        del out["questions"]
    out.update((k, v) for k, v in doc.items() if k not in out and k not in ("kind",
                                                                             "questions"))
    return out


def _key(fmt: str) -> str:
    """Formats a Markdown marker can choose between ("1." and "1)") share a key."""
    return fmt[0] + ")" if fmt[-1] in ".)" and not fmt.startswith("(") else fmt


def _common_formats(parts: list[Part]) -> list[str]:
    counts: dict[int, Counter[str]] = {}

    def visit(part: Part) -> None:
        for level, c in part.formats.items():
            for fmt, n in c.items():
                counts.setdefault(level, Counter())[_key(fmt)] += n
        for sub in part.sections:
            visit(sub)

    for part in parts:
        visit(part)
    return [counts[lvl].most_common(1)[0][0] if lvl in counts else DEFAULT_FORMATS[lvl - 1]
            for lvl in (1, 2, 3)]


class _Writer:
    """Parts -> report.yaml entries and Markdown files."""

    def __init__(self, files: dict[str, bytes], formats: list[str], notes: list[str],
                 shown: str) -> None:
        self.files = files
        self.notes = notes
        self.shown = shown
        self.inline_texts: list[str] = []

    def part(self, part: Part, stem: str, inherited: list[str]) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        if part.kind != "preamble":
            entry["title"] = part.title
        if part.kind == "section" and not part.numbered:
            entry["numbered"] = False
        if part.kind == "annex" and part.obligation:
            entry["obligation"] = part.obligation
        if part.kind == "appendix":
            default = "(This appendix does not form an integral part of this document.)"
            if part.obligation is None:
                entry["obligation"] = ""
            elif part.obligation != default:
                entry["obligation"] = part.obligation
        own = self.formats(part, inherited)
        if own != inherited:
            entry["list_formats"] = own
        slug = re.sub(r"[^a-z0-9]+", "-", part.title.lower()).strip("-")[:40] or "text"
        blocks: list[dict[str, Any]] = []
        texts = 0
        for piece in part.pieces:
            if piece.markdown is not None:
                text = _piece_text(piece)
                if not text.strip():
                    continue
                texts += 1
                name = f"{stem}-{slug}.md" if texts == 1 else f"{stem}-{slug}-{texts}.md"
                self.files[name] = text.encode("utf-8")
                if texts == 1 and not blocks:
                    entry["file"] = name
                else:
                    blocks.append({"file": name})
            elif piece.block is not None:
                block = piece.block
                blocks.append(block)
                if "note" in block:
                    self.inline_texts.append(str(block["note"]))
                if "table" in block:
                    for row in block["table"]["rows"]:
                        self.inline_texts.extend(c if isinstance(c, str) else c["text"]
                                                 for c in row)
        if blocks:
            entry["blocks"] = blocks
        if part.sections:
            entry["sections"] = [self.part(s, f"{stem}-{n:02d}", own)
                                 for n, s in enumerate(part.sections, 1)]
        if part.kind == "preamble" and not entry:
            entry["text"] = "\u00a0"
        return entry

    def sessions(self, sessions: list[dict[str, Any]],
                 texts: dict[str, Piece]) -> list[dict[str, Any]]:
        """The sessions: entries, each summary in its own file; their agenda and minutes
        are cited (the register lists them)."""
        out = []
        for session in sessions:
            entry = dict(session)
            entry["time"] = DoubleQuotedScalarString(entry["time"])  # not read as a number
            self.inline_texts.extend(entry[k] for k in ("agenda", "minutes") if k in entry)
            piece = texts.get(entry["id"])
            if piece is not None:
                text = _piece_text(piece)
                if text.strip():
                    name = f"session-{entry['id']}.md"
                    self.files[name] = text.encode("utf-8")
                    entry["file"] = name
            out.append(entry)
        return out

    def formats(self, part: Part, inherited: list[str]) -> list[str]:
        own = list(inherited)
        for level, counts in sorted(part.formats.items()):
            keys = Counter()  # type: Counter[str]
            for fmt, n in counts.items():
                keys[_key(fmt)] += n
            best = keys.most_common(1)[0][0]
            if len(keys) > 1:
                self.notes.append(f"{self.shown}: {part.where or part.kind}: lists of level "
                                  f"{level} with several formats ({', '.join(keys)}): all "
                                  f"printed as {best!r}")
            own[level - 1] = best
        return own


def _piece_text(piece: Piece) -> str:
    """A Markdown piece as the text of its file."""
    assert piece.markdown is not None
    text = "\n\n".join(m for m in piece.markdown if m.strip() or m)
    if piece.notes:
        text += "\n\n" + "\n".join(piece.notes)
    return text.strip("\n") + "\n"


def _yaml(report: dict[str, Any], target: Path) -> str:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 100
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(report, out)
    return modeline(target) + "\n" + out.getvalue()


def _verify(work: Path, target: Path, word: WordDocument, result: ImportResult,
            shown: str) -> None:
    """Check the folder as ``reportgen check`` would, rebuild its DOCX and compare."""
    from reportgen.content.load import load
    from reportgen.paths import templates_dir
    from reportgen.prepare.tree import prepare
    from reportgen.writers.docx.writer import render_docx

    def here(text: str) -> str:
        return text.replace(str(work), str(target)).replace(work.name, target.name)

    try:
        doc = prepare(load(work))
    except ContentError as exc:
        raise ImportRefused("the imported content does not check; nothing was written:\n"
                            + "\n".join(here(str(p)) for p in exc.problems)) from None
    result.notes.extend(here(str(w)) for w in doc.warnings)
    data = render_docx(doc, templates_dir() / "itu-td.docx")
    handle, name = tempfile.mkstemp(suffix=".docx", dir=work)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        rebuilt = read_docx(Path(name))
    finally:
        os.unlink(name)
    source_lines = outline(word)
    built_lines = outline(rebuilt)
    # styles are compared in documents reportgen made (other tools name theirs otherwise)
    made_here = REPORT_PROPERTY in word.custom_properties
    found = differences(source_lines, built_lines, styles=made_here)
    result.paragraphs = len(source_lines)
    result.equal = len(source_lines) - sum(1 for f in found
                                           if not f.startswith("an added paragraph"))
    unnumbered = [f for f in found if "numbered '(none)', rebuilt" in f and "eading" in f]
    if unnumbered:
        where = ", ".join(f.split(" (style")[0].removeprefix("paragraph ")
                          for f in unnumbered[:8])
        found = [f for f in found if f not in unnumbered]
        result.notes.append(f"{shown}: {len(unnumbered)} headings have no number in the "
                            f"source (paragraphs {where}{' …' if len(unnumbered) > 8 else ''})"
                            ": reportgen numbers them 1, 1.1 …")
    result.notes.extend(f"{shown}: {f}" for f in found[:50])
    if len(found) > 50:
        result.notes.append(f"… and {len(found) - 50} more differences")


def _commit(work: Path, target: Path) -> None:
    """Rename the finished folder into place (the old one, with --force, aside first)."""
    old: Path | None = None
    if target.exists():
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()
        else:
            old = target.with_name(f".{target.name}.replaced-{os.getpid()}")
            os.replace(target, old)
    os.replace(work, target)
    if old is not None:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink()
