"""The JSON Schema editors read: valid draft-07, every field described with an example,
and it accepts every report in content/ and refuses a misspelt key."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from reportgen.content.model import CoverLayout, DocumentKind
from reportgen.content.scaffold import report_yaml
from reportgen.content.schema import schema_path

from .conftest import CONTENT, SEED, run_cli

REPORTS = sorted(CONTENT.glob("*/report.yaml"))


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return data


def as_editor_reads(text: str) -> Any:
    """YAML as an editor's schema check sees it: YAML 1.2 core has no date type, so a date
    is the text it was written as."""
    return _dates_as_text(YAML(typ="safe", pure=True).load(io.StringIO(text)))


def _dates_as_text(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _dates_as_text(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_dates_as_text(v) for v in node]
    return node.isoformat() if isinstance(node, dt.date) else node


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every field of every object: ("Model.field", its schema)."""
    holders = [("Report", schema), *schema["definitions"].items()]
    return [(f"{name}.{key}", prop) for name, holder in holders
            for key, prop in holder.get("properties", {}).items()]


def test_the_schema_is_a_valid_draft_07_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)
    assert "$defs" not in schema
    refs = [n["$ref"] for n in _walk(schema) if isinstance(n, dict) and "$ref" in n]
    assert refs
    for ref in refs:
        assert ref.startswith("#/definitions/") and ref.split("/")[-1] in schema["definitions"]
    # draft-07 ignores the siblings of $ref: none may carry a description or a default
    assert all(len(n) == 1 for n in _walk(schema) if isinstance(n, dict) and "$ref" in n)


def test_every_field_has_a_description_and_a_valid_example(schema: dict[str, Any]) -> None:
    fields = _properties(schema)
    assert len(fields) > 80
    for name, prop in fields:
        assert prop.get("description"), f"{name} has no description"
        assert prop.get("examples"), f"{name} has no examples"
        validator = Draft7Validator({**prop, "definitions": schema["definitions"]})
        for example in prop["examples"]:
            errors = [e.message for e in validator.iter_errors(example)]
            assert not errors, f"{name}: example {example!r} is invalid: {errors}"


@pytest.mark.parametrize("path", REPORTS, ids=[p.parent.name for p in REPORTS])
def test_every_report_in_content_is_valid(schema: dict[str, Any], path: Path) -> None:
    data = as_editor_reads(path.read_text(encoding="utf-8"))
    errors = [e.message for e in Draft7Validator(schema).iter_errors(data)]
    assert not errors


@pytest.mark.parametrize("kind", list(DocumentKind))
@pytest.mark.parametrize("layout", list(CoverLayout))
def test_a_new_report_is_valid(schema: dict[str, Any], kind: DocumentKind,
                               layout: CoverLayout, tmp_path: Path) -> None:
    data = as_editor_reads(report_yaml(kind, layout, tmp_path))
    assert not [e.message for e in Draft7Validator(schema).iter_errors(data)]


def test_a_misspelt_key_fails_validation(schema: dict[str, Any]) -> None:
    data = as_editor_reads((SEED / "report.yaml").read_text(encoding="utf-8"))
    data["document"]["titel"] = data["document"].pop("title")
    messages = [e.message for e in Draft7Validator(schema).iter_errors(data)]
    assert any("'titel' was unexpected" in m for m in messages), messages
    assert any("'title' is a required property" in m for m in messages), messages


def test_the_command_prints_the_shipped_schema() -> None:
    result = run_cli("schema")
    assert result.returncode == 0
    assert result.stdout == schema_path().read_text(encoding="utf-8")
