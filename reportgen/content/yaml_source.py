"""report.yaml read with its positions, bounded while it is composed.

YAML is read with ruamel in round-trip mode only to learn positions; tags are rejected,
so nothing in the content can construct an object. Anchors, aliases and merge keys are
refused and nesting and size are bounded while the file is composed, so the data is
never larger than its text.
"""

from __future__ import annotations

from typing import Any, NoReturn

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.scanner import RoundTripScanner

from reportgen.errors import ContentError, Origin, Problem

Path_ = tuple[str | int, ...]  # a value's place: keys and indexes from the top

MAX_YAML_DEPTH = 64  # mappings and sequences inside one another
MAX_YAML_NODES = 50_000  # keys, values and items of one report.yaml


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


# what a newcomer most likely wrote, after ruamel's words
YAML_HINTS = {
    "mapping values are not allowed here": " (a value holding \": \" must be quoted: "
    "title: \"Subject: the meeting\")",
    "found character '\\t' that cannot start any token": " (indent with spaces, not tabs)",
    "found undefined alias": " (a value starting with * must be quoted)",
}


def parse_yaml(text: str, shown: str) -> tuple[Any, dict[Path_, Origin],
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
        problems.append(Problem(shown, line, col, "", f"malformed YAML: {message}"
                                f"{YAML_HINTS.get(message, '')}"))
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
