"""JSON Schema as pydantic writes it (2020-12: ``$defs``, ``$ref`` beside other keywords)
turned into draft-07, which every editor and validator reads."""

from __future__ import annotations

from typing import Any

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
_DEFS_2020 = "#/$defs/"
_DEFS_07 = "#/definitions/"


def to_draft07(schema: dict[str, Any]) -> dict[str, Any]:
    """The same schema in draft-07: ``definitions`` for ``$defs``, their references
    rewritten, and a ``$ref`` with sibling keywords wrapped in ``allOf`` (draft-07 ignores
    a ``$ref``'s siblings, so a field's description and default would be lost)."""
    converted = _convert(schema)
    out: dict[str, Any] = {"$schema": DRAFT_07}
    out.update((k, v) for k, v in converted.items() if k != "$defs")
    if "$defs" in converted:
        out["definitions"] = converted["$defs"]
    return out


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: (_ref(value) if key == "$ref" else _convert(value))
           for key, value in node.items()}
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out = {"allOf": [{"$ref": ref}], **out}
    return out


def _ref(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_DEFS_2020):
        return _DEFS_07 + value[len(_DEFS_2020):]
    return value
