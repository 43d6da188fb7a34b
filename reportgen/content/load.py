"""Read a report folder (``report.yaml`` + Markdown files) into a validated model.

Every problem is reported with file, line, column and field, all problems of a file at
once. YAML is read with ruamel in round-trip mode only to learn positions; tags are
rejected, so nothing in the content can construct an object. Anchors, aliases and merge
keys are refused and nesting and size are bounded while the file is composed, so the data
is never larger than its text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from markdown_it import MarkdownIt
from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.scanner import RoundTripScanner

from reportgen.content.attachments import load_attachments
from reportgen.content.compat import renamed
from reportgen.content.cover_checks import check_cover
from reportgen.content.images import (
    MAX_TOTAL_IMAGE_BYTES,
    ImageProblem,
    LoadedImage,
    load_image,
    resolve,
)
from reportgen.content.locate import REPORT_FILE, find_report
from reportgen.content.model import Block, Report, TableSpec
from reportgen.errors import ContentError, Origin, Problem, display_path
from reportgen.prepare.tablegrid import place

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_YAML_DEPTH = 64  # mappings and sequences inside one another
MAX_YAML_NODES = 50_000  # keys, values and items of one report.yaml
# Block quotes and lists inside one another; emphasis, strong text and links likewise.
# The Markdown parser drops whatever lies deeper than 20 of its levels (a list counts
# two), so the limit stays well below that.
MAX_PROSE_DEPTH = 8
# The text a report stands for, shared parts counted each time they are used (see
# _check_size): a few lines of YAML could otherwise repeat a 2 MiB file thousands of times.
MAX_TEXT_CHARS = 4_000_000
# C0 controls other than TAB, LF, CR; non-characters; lone surrogates: not allowed in XML.
INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

Path_ = tuple[str | int, ...]


@dataclass
class LoadedReport:
    """A validated report with everything later stages need to point back at its source."""

    root: Path
    model: Report
    sources: dict[str, bytes]  # relative file name -> bytes, report.yaml first
    positions: dict[Path_, Origin]
    prose: dict[Path_, tuple[str, Origin]] = field(default_factory=dict)
    text_starts: dict[Path_, Origin] = field(default_factory=dict)  # where a value's text is
    warnings: list[Problem] = field(default_factory=list)  # found while loading
    attachments: list[LoadedReport] = field(default_factory=list)  # attached reports
    images: dict[str, LoadedImage] = field(default_factory=dict)  # figures' files, by name

    @property
    def name(self) -> str:
        return self.root.name

    def origin(self, path: Path_) -> Origin:
        """The closest known position of a content path."""
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, Origin(self.yaml_name, 1))

    def cell_path(self, path: Path_) -> Path_:
        """The path of a table cell's text: the cell's own, or its ``text`` key when the
        cell is written as a mapping."""
        return (*path, "text") if (*path, "text") in self.positions else path

    @property
    def yaml_name(self) -> str:
        return display_path(self.root / REPORT_FILE)


def read_text(path: Path, shown: str) -> str:
    """Read a UTF-8 file (a BOM is accepted), rejecting what XML cannot carry."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ContentError([Problem(shown, 0, 0, "", f"cannot read: {exc.strerror}")]) from None
    if size > MAX_FILE_BYTES:
        raise ContentError([Problem(shown, 0, 0, "",
                                    f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError([Problem(shown, line, col, "",
                                    f"not UTF-8 (byte 0x{data[exc.start]:02x}); "
                                    "save the file as UTF-8")]) from None
    problems = [
        Problem(shown, *_line_col(text, m.start()), "",
                f"control character U+{ord(m.group()):04X} is not allowed in text; remove it")
        for m in INVALID_CHARS.finditer(text)
    ]
    if problems:
        raise ContentError(problems)
    if not text.strip():
        raise ContentError([Problem(shown, 0, 0, "", "file is empty")])
    return text


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def load(path: Path) -> LoadedReport:
    """Load and validate one report; raises ContentError with every problem found."""
    root = find_report(path)
    yaml_path = root / REPORT_FILE
    shown = display_path(yaml_path)
    text = read_text(yaml_path, shown)
    data, positions, text_starts = _parse_yaml(text, shown)
    if not isinstance(data, dict):
        raise ContentError([Problem(shown, 1, 1, "", "expected a mapping of keys at the top")])
    try:
        model = Report.model_validate(data)
    except ValidationError as exc:
        raise ContentError(_validation_problems(exc, positions, shown)) from None
    loaded = LoadedReport(root, model, {REPORT_FILE: text.encode("utf-8")}, positions,
                          text_starts=text_starts)
    problems = _resolve_files(loaded, data)
    problems += _check_size(loaded)
    problems += _check_prose_nesting(loaded)
    problems += _check_consistency(loaded)
    problems += load_attachments(loaded)
    problems += _check_figures(loaded)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(errors)
    loaded.warnings = [p for p in problems if p.severity == "warning"]
    return loaded


# ------------------------------------------------------------------------ YAML


class _Constructor(RoundTripConstructor):
    """Leaves dates as text, so that the schema reports a bad date with its field."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp",
                             RoundTripConstructor.construct_yaml_str)


class _Refused(Exception):
    """Composition stopped; the composer's ``refused`` list says why."""


class _Composer(Composer):
    """Builds nodes from parser events, refusing anchors, aliases and merge keys and
    bounding depth and size as the events arrive, before anything is constructed.

    An alias is replaced by an empty value instead of the node it names, so every
    anchor and alias of the file is reported at once and nothing is ever expanded.
    """

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False  # every anchor is refused anyway
        self.refused: list[tuple[int, int, Path_, str]] = []
        self._path: list[str | int] = []
        self._nesting = 0
        self._nodes = 0

    def refuse(self, mark: Any, message: str, path: Path_ | None = None) -> None:
        """Record a problem at ``mark`` (0-based), by default for the node being composed."""
        where = tuple(self._path) if path is None else path
        self.refused.append((mark.line + 1, mark.column + 1, where, message))

    def too_deep(self, mark: Any) -> NoReturn:
        """Stop: the nesting limit is reached at ``mark``."""
        path = tuple(self._path)
        self.refuse(mark, f"mappings and sequences nest more than {MAX_YAML_DEPTH} levels "
                          "deep here; that is the limit",
                    (*path[:4], "…") if len(path) > 6 else path)
        raise _Refused

    def get_single_node(self) -> Any:
        node = super().get_single_node()
        if self.refused:
            raise _Refused
        return node

    def compose_node(self, parent: Any, index: Any) -> Any:
        # a mapping value comes with its key node, an item with its index, a key with None
        step = str(index.value) if isinstance(index, ScalarNode) else (
            index if isinstance(index, int) else None)
        if step is not None:
            self._path.append(step)
        try:
            return self._compose(parent, index)
        finally:
            if step is not None:
                self._path.pop()

    def _compose(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            self.refuse(event.start_mark, f"more than {MAX_YAML_NODES} keys, values and "
                                           "items; that is the limit for one report.yaml")
            raise _Refused
        if isinstance(event, AliasEvent):
            self.parser.get_event()
            self.refuse(event.start_mark, f"YAML alias '*{event.anchor}' is not allowed; "
                                           "write the value out in full here")
            return ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        if event.anchor is not None:
            self.refuse(event.start_mark, f"YAML anchor '&{event.anchor}' is not allowed; "
                                           "remove it and write the value out where it is "
                                           "reused")
        if not isinstance(event, MappingStartEvent | SequenceStartEvent):
            return super().compose_node(parent, index)
        self._nesting += 1
        if self._nesting > MAX_YAML_DEPTH:
            self.too_deep(event.start_mark)
        node = super().compose_node(parent, index)
        self._nesting -= 1
        if isinstance(node, MappingNode):
            for key, _ in node.value:
                if _tag_of(key) == "tag:yaml.org,2002:merge":
                    self.refuse(key.start_mark, "YAML merge keys ('<<') are not allowed; "
                                                "write the keys out in full")
        return node


class _Scanner(RoundTripScanner):
    """Stops at the first ``[`` or ``{`` nested too deeply, before reading further: the
    scanner's look-ahead for keys costs time in proportion to the nesting."""

    def fetch_flow_collection_start(self, token_class: Any, to_push: str) -> None:
        if len(self.flow_context) >= MAX_YAML_DEPTH:
            self.loader.composer.too_deep(self.reader.get_mark())
        super().fetch_flow_collection_start(token_class, to_push)


def _parse_yaml(text: str, shown: str) -> tuple[Any, dict[Path_, Origin],
                                                dict[Path_, Origin]]:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Composer = _Composer
    yaml.Scanner = _Scanner
    problems: list[Problem] = []
    try:
        raw = yaml.load(text)
    except _Refused:
        raw = None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = " ".join(str(exc.problem or exc.context or "malformed YAML").split())
        problems.append(Problem(shown, line, col, "", f"malformed YAML: {message}"))
    except Exception as exc:  # ruamel raises a few unmarked errors (e.g. bad escapes)
        problems.append(Problem(shown, 0, 0, "", f"malformed YAML: {exc}"))
    problems += [Problem(shown, line, col, dotted(path), message)
                 for line, col, path, message in yaml.composer.refused]
    if problems:
        raise ContentError(problems)
    if raw is None:
        raise ContentError([Problem(shown, 0, 0, "", "file is empty")])
    positions: dict[Path_, Origin] = {(): Origin(shown, 1)}
    text_starts: dict[Path_, Origin] = {}
    data = _plain(raw, (), positions, problems, shown, text_starts)
    if problems:
        raise ContentError(problems)
    return data, positions, text_starts


def _tag_of(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag)
    return value if isinstance(value, str) else None


def _plain(node: Any, path: Path_, positions: dict[Path_, Origin],
           problems: list[Problem], shown: str, text_starts: dict[Path_, Origin]) -> Any:
    """Convert ruamel nodes to plain Python, recording positions and refusing tags.

    ``positions`` has where each key or item is; ``text_starts`` where the text of each
    string value begins: the line after a block scalar's ``|``, else the value itself."""
    here = positions.get(path, Origin(shown, 1))
    tag = _tag_of(node)
    if isinstance(node, TaggedScalar) or (tag and not tag.startswith("tag:yaml.org,2002:map")
                                          and not tag.startswith("tag:yaml.org,2002:seq")):
        problems.append(Problem(shown, here.line, here.col, dotted(path),
                                f"YAML tags such as {tag!r} are not allowed"))
        return None
    if isinstance(node, bytes):
        problems.append(Problem(shown, here.line, here.col, dotted(path),
                                "binary values are not allowed"))
        return None
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key in node:
            line, col = node.lc.key(key)
            sub = (*path, str(key))
            positions[sub] = Origin(shown, line + 1, col + 1)
            if isinstance(node[key], str):
                vline, vcol = node.lc.value(key)
                block = isinstance(node[key], LiteralScalarString | FoldedScalarString)
                text_starts[sub] = Origin(shown, vline + 2, 1) if block \
                    else Origin(shown, vline + 1, vcol + 1)
            out[str(key)] = _plain(node[key], sub, positions, problems, shown, text_starts)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            line, col = node.lc.item(i)
            positions[(*path, i)] = Origin(shown, line + 1, col + 1)
            items.append(_plain(item, (*path, i), positions, problems, shown, text_starts))
        return items
    if isinstance(node, str):
        return str(node)
    return node


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# ------------------------------------------------------------------ validation


def _validation_problems(exc: ValidationError, positions: dict[Path_, Origin],
                         shown: str) -> list[Problem]:
    problems = []
    alternatives: dict[Path_, list[Any]] = {}  # a value that fits no member of a union
    for err in exc.errors():
        loc: Path_ = tuple(err["loc"])
        known = loc
        while known and known not in positions:
            known = known[:-1]
        if len(loc) == len(known) + 1 and isinstance(loc[-1], str) \
                and err["type"] not in ("missing", "extra_forbidden"):
            alternatives.setdefault(known, []).append(err)  # loc[-1] names the member
            continue
        origin = positions.get(known, Origin(shown, 1))
        message = _message(err, loc)
        problems.append(Problem(shown, origin.line, origin.col, dotted(loc), message))
    for known, errs in alternatives.items():
        origin = positions.get(known, Origin(shown, 1))
        problems.append(Problem(shown, origin.line, origin.col, dotted(known),
                                _union_message(errs, known)))
    # one line per place and message: pydantic may report a union several times
    return sorted(set(problems))


def _union_message(errs: list[Any], loc: Path_) -> str:
    """One message for a value that fits none of a union's members: the first other
    member's complaint, then the literal values it could also be."""
    literals = [e for e in errs if e["type"] == "literal_error"]
    others = [e for e in errs if e["type"] != "literal_error"] or errs
    message = _message(others[0], loc)
    if literals and others is not errs:
        expected = " or ".join(str(e.get("ctx", {}).get("expected", "")) for e in literals)
        message += f", or {expected}"
    return message


def _message(err: Any, loc: Path_) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        holder = _model_at(Report, loc[:-1])
        former = renamed(holder.__name__, str(loc[-1])) if holder is not None else None
        if former is not None:
            return former.message()
        allowed = list(holder.model_fields) if holder is not None else []
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        text = f"unknown key {loc[-1]!r}"
        if hint:
            return f"{text}; did you mean {hint[0]!r}?"
        return f"{text}; allowed keys: {', '.join(allowed)}" if allowed else text
    if kind == "missing":
        return "required field is missing"
    message = str(err["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if kind == "string_pattern_mismatch" and loc and loc[-1] in {"agenda", "minutes", "id",
                                                                 "revision_of"}:
        message = "not a document id such as C54, TD433 or TD433R1"
    if kind.startswith("date_"):
        value = err.get("input")
        shown = f"{value!r} is not a date" if isinstance(value, str | int) else "not a date"
        detail = message.rpartition(", ")[2]
        if "range" in detail:  # the form is right, a month or day is not
            shown += f" ({detail})"
        return f"{shown}; write YYYY-MM-DD, e.g. 2018-12-10"
    if kind == "string_pattern_mismatch" and ("list_formats" in loc or "formats" in loc):
        message = "not a list format such as 1), a., (i), 1- or A."
    return message


def _model_at(model: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    """The model found at ``loc`` (None when the path leaves the models)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _inner_model(annotation: Any) -> Any:
    """The BaseModel inside list[X], X | None and similar annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# ---------------------------------------------------- files and cross-checks


def _resolve_files(loaded: LoadedReport, data: dict[str, Any]) -> list[Problem]:
    """Load every ``file:`` Markdown reference and record where every prose text starts."""
    problems: list[Problem] = []
    files: dict[Path, str | None] = {}  # each file read once, however often it is used

    def visit(node: Any, path: Path_) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                sub = (*path, key)
                if key in {"text", "summary", "intro", "note"} and isinstance(value, str):
                    loaded.prose[sub] = (value, _text_origin(loaded, sub))
                elif key == "figure":  # its file is an image (_check_figures)
                    continue
                elif key == "file" and isinstance(value, str):
                    _load_markdown(loaded, value, sub, problems, files)
                else:
                    visit(value, sub)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                visit(item, (*path, i))

    visit(data, ())
    return problems


def _check_size(loaded: LoadedReport) -> list[Problem]:
    """Bound the text a report stands for, so that a few lines cannot repeat a lot.

    Every text counts once where it is written or its file is named; a session, a
    statement, the highlights and the register count again each time a block shows them.
    Prose past the limit is dropped here, so that it is neither checked nor rendered.
    """
    report = loaded.model

    def size(path: Path_) -> int:
        return len(loaded.prose[path][0]) if path in loaded.prose else 0

    costs: list[tuple[Path_, int]] = [(path, len(text)) for path, (text, _)
                                      in loaded.prose.items()]
    sessions = {s.id: size(("sessions", i, "file" if s.file else "summary")) + len(s.title)
                for i, s in enumerate(report.sessions)}
    statements = {s.id: size(("statements", i, "file" if s.file else "text"))
                  for i, s in enumerate(report.statements)}
    highlights = report.highlights
    shown_highlights = size(("highlights", "intro")) + sum(
        len(item.text) + sum(map(len, item.items)) for item in highlights.items
    ) if highlights else 0
    register = {d.id: len(d.id) + len(d.title) + len(d.source) for d in report.documents}
    for path, block in _blocks(report):
        if block.session is not None:
            costs.append(((*path, "session"), sessions.get(block.session, 0)))
        elif block.statement is not None:
            costs.append(((*path, "statement"), statements.get(block.statement, 0)))
        elif block.highlights:
            costs.append(((*path, "highlights"), shown_highlights))
        elif block.documents_table is not None:
            ids = block.documents_table.ids or list(register)
            costs.append(((*path, "documents_table"), sum(register.get(i, 0) for i in ids)))
        elif block.sessions_table is not None:  # a title, then about 40 characters a row
            costs.append(((*path, "sessions_table"), sum(len(s.title) + 40
                                                         for s in report.sessions)))
    total = 0
    for k, (path, cost) in enumerate(costs):
        total += cost
        if total > MAX_TEXT_CHARS:
            for dropped in list(loaded.prose)[k:]:  # the first costs are the prose's
                del loaded.prose[dropped]
            where = loaded.origin(path)
            return [Problem(where.file, where.line, where.col, dotted(path),
                            f"the report's text adds up to more than {MAX_TEXT_CHARS} "
                            "characters here, counting a Markdown file each time it is named "
                            "and a session, statement, the highlights or the register each "
                            "time they are shown; that is the limit")]
    return []


def _text_origin(loaded: LoadedReport, path: Path_) -> Origin:
    """Where a prose value's text begins (the line after ``|`` for a block scalar)."""
    key = loaded.positions[path]
    return loaded.text_starts.get(path, Origin(key.file, key.line + 1, 1))


def _load_markdown(loaded: LoadedReport, name: str, path: Path_, problems: list[Problem],
                   files: dict[Path, str | None]) -> None:
    where = loaded.positions[path]
    target = (loaded.root / name).resolve()
    if not target.is_relative_to(loaded.root.resolve()):
        problems.append(Problem(where.file, where.line, where.col, dotted(path),
                                f"{name!r} is outside the report's folder"))
        return
    if not target.is_file():
        problems.append(Problem(where.file, where.line, where.col, dotted(path),
                                f"Markdown file {name!r} not found beside {REPORT_FILE}"))
        return
    shown = display_path(target)
    if target not in files:
        try:
            read = read_text(target, shown)
        except ContentError as exc:
            problems.extend(exc.problems)
            files[target] = None
        else:
            rel = target.relative_to(loaded.root.resolve()).as_posix()
            loaded.sources[rel] = read.encode("utf-8")
            files[target] = read
    text = files[target]
    if text is not None:
        loaded.prose[path] = (text, Origin(shown, 1))


_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
_CONTAINERS = {"blockquote_open": 1, "bullet_list_open": 1, "ordered_list_open": 1,
               "blockquote_close": -1, "bullet_list_close": -1, "ordered_list_close": -1}


def _markdown_texts(loaded: LoadedReport) -> Iterator[tuple[Path_, str, Origin]]:
    """Every text read as Markdown: prose, table cells and highlight sub-items."""
    for path, (text, origin) in loaded.prose.items():
        yield path, text, origin
    for path, block in _blocks(loaded.model):
        if block.table is not None:
            for part, rows in (("header_rows", block.table.header_rows or []),
                               ("rows", block.table.rows)):
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row):
                        here = loaded.cell_path((*path, "table", part, r, c))
                        yield here, cell.text, loaded.origin(here)
    if loaded.model.highlights is not None:
        for i, item in enumerate(loaded.model.highlights.items):
            for k, text in enumerate(item.items):
                here = ("highlights", "items", i, "items", k)
                yield here, text, loaded.origin(here)


def _check_prose_nesting(loaded: LoadedReport) -> list[Problem]:
    """Markdown nested deeper than MAX_PROSE_DEPTH, once per place where it goes too deep.

    Read from the parser's flat token stream, so that no depth of input can exhaust the
    stack here, and before anything deeper is silently dropped by the parser.
    """
    problems: list[Problem] = []
    for path, text, origin in _markdown_texts(loaded):

        def add(line: int, what: str, path: Path_ = path, origin: Origin = origin) -> None:
            problems.append(Problem(origin.file, origin.line + line, origin.col,
                                    dotted(path), f"{what} nest more than {MAX_PROSE_DEPTH} "
                                    "levels deep here; that is the limit"))

        depth = 0
        for token in _markdown.parse(text):
            line = token.map[0] if token.map else 0
            before = depth
            depth += _CONTAINERS.get(token.type, 0)
            if depth > MAX_PROSE_DEPTH >= before:
                add(line, "block quotes and lists")
            inner = 0
            for child in token.children or ():
                inner += child.nesting
                if inner > MAX_PROSE_DEPTH:
                    add(line, "emphasis, strong text and links")
                    break
                if child.type in {"softbreak", "hardbreak"}:
                    line += 1
    return problems


def _check_consistency(loaded: LoadedReport) -> list[Problem]:
    """Rules that span fields: unique ids, sessions inside the meeting, known references."""
    report = loaded.model
    problems: list[Problem] = []

    def add(path: Path_, message: str, severity: str = "error") -> None:
        o = loaded.origin(path)
        problems.append(Problem(o.file, o.line, o.col, dotted(path), message, severity))

    seen: dict[str, int] = {}
    for i, doc in enumerate(report.documents):
        if doc.id in seen:
            add(("documents", i, "id"),
                f"duplicate document id {doc.id!r} (first at documents[{seen[doc.id]}])")
        seen.setdefault(doc.id, i)
    for i, doc in enumerate(report.documents):
        if doc.revision_of and doc.revision_of not in seen:
            add(("documents", i, "revision_of"), f"{doc.revision_of!r} is not in the register",
                "warning")

    meeting = report.document.meeting
    session_ids: dict[str, int] = {}
    for i, session in enumerate(report.sessions):
        if session.id in session_ids:
            add(("sessions", i, "id"), f"duplicate session id {session.id!r}")
        session_ids.setdefault(session.id, i)
        if meeting is not None and not meeting.start <= session.date <= meeting.end:
            add(("sessions", i, "date"),
                f"{session.date.isoformat()} is outside the meeting "
                f"({meeting.start.isoformat()} to {meeting.end.isoformat()})")
        for key in ("agenda", "minutes"):
            ref = getattr(session, key)
            if ref and session.kind == "event":
                add(("sessions", i, key), f"an event has no {key}: remove {ref}, or make "
                    "this a session (leave out 'kind: event')")
            elif ref and ref not in seen:
                add(("sessions", i, key), f"{ref!r} is not in the documents register",
                    "warning")
        if i and (session.date, session.time.start) < (report.sessions[i - 1].date,
                                                       report.sessions[i - 1].time.start):
            add(("sessions", i, "date"), "session is earlier than the one before it", "warning")

    if report.options.annex_label == "none" and len(report.annexes) > 1:
        add(("options", "annex_label"), f"'none' labels a single annex 'Annex'; this report "
            f"has {len(report.annexes)} annexes: use arabic or letter")

    statement_ids = {s.id for s in report.statements}
    for path, block in _blocks(report):
        if block.session is not None and block.session not in session_ids:
            add((*path, "session"), f"no session with id {block.session!r}")
        if block.statement is not None and block.statement not in statement_ids:
            add((*path, "statement"), f"no statement with id {block.statement!r}")
        if block.documents_table is not None:
            for k, doc_id in enumerate(block.documents_table.ids):
                if doc_id not in seen:
                    add((*path, "documents_table", "ids", k),
                        f"{doc_id!r} is not in the documents register")
        if block.highlights and report.highlights is None:
            add((*path, "highlights"), "the report has no 'highlights' to show")
        if block.table is not None:
            for where, message in table_geometry(block.table):
                add((*path, "table", *where), message)
    check_cover(report, add)
    return problems


def _check_figures(loaded: LoadedReport) -> list[Problem]:
    """Every figure's image found inside the report's folder, read, identified and
    measured; its bytes join the sources (attached to the PDF, part of the digest)."""
    problems: list[Problem] = []
    total = 0
    for path, block in _blocks(loaded.model):
        if block.figure is None or block.figure.file in loaded.images:
            continue
        here: Path_ = (*path, "figure", "file")
        name = block.figure.file
        where = loaded.origin(here)
        try:
            total += resolve(loaded.root, name).stat().st_size
            if total > MAX_TOTAL_IMAGE_BYTES:
                raise ImageProblem(f"the figures' files add up to more than "
                                   f"{MAX_TOTAL_IMAGE_BYTES} bytes (100 MiB) here; that is "
                                   "the limit for one report")
            image = load_image(loaded.root, name)
        except ImageProblem as exc:
            problems.append(Problem(where.file, where.line, where.col, dotted(here), str(exc)))
            if total > MAX_TOTAL_IMAGE_BYTES:
                break
            continue
        except OSError as exc:
            problems.append(Problem(where.file, where.line, where.col, dotted(here),
                                    f"cannot read {name!r}: {exc.strerror}"))
            continue
        loaded.images[name] = image
        loaded.sources[image.name] = image.data
    return problems


def table_geometry(spec: TableSpec) -> Iterator[tuple[Path_, str]]:
    """Where a table block's header is ambiguous, or its header rows and rows do not fill
    its grid: the path of the column, cell or row at fault (below the table) and what
    is wrong."""
    titled = [c.title is not None for c in spec.columns]
    if spec.header_rows is not None and any(titled):
        yield ("header_rows",), ("give the header either in header_rows or as the columns' "
                                 "titles, not both")
    elif any(titled) and not all(titled):
        missing = titled.index(False)
        yield ("columns", missing), (f"column {missing + 1} has no title: give every column "
                                     "a title, or none for a table without a header row")
    width = len(spec.columns)
    for part, rows, name in (("header_rows", spec.header_rows or [], "header row"),
                             ("rows", spec.rows, "row")):
        _, problems = place([[(c.colspan, c.rowspan) for c in row] for row in rows], width,
                            name)
        for problem in problems:
            where: Path_ = (part, problem.row)
            if problem.index is not None:
                where = (*where, problem.index)
            yield where, problem.message


def _blocks(report: Report) -> list[tuple[Path_, Block]]:
    """Every block of the body, the annexes and the appendices with its content path."""
    out: list[tuple[Path_, Block]] = []

    def walk(sections: Any, path: Path_) -> None:
        for i, section in enumerate(sections):
            for j, block in enumerate(section.blocks):
                out.append(((*path, i, "blocks", j), block))
            walk(section.sections, (*path, i, "sections"))

    if report.preamble is not None:
        for j, block in enumerate(report.preamble.blocks):
            out.append((("preamble", "blocks", j), block))
    walk(report.body, ("body",))
    for a, annex in enumerate(report.annexes):
        for j, block in enumerate(annex.blocks):
            out.append((("annexes", a, "blocks", j), block))
        walk(annex.sections, ("annexes", a, "sections"))
    for a, appendix in enumerate(report.appendices):
        for j, block in enumerate(appendix.blocks):
            out.append((("appendices", a, "blocks", j), block))
        walk(appendix.sections, ("appendices", a, "sections"))
    return out
