"""Editor support: the JSON Schema shipped inside the package and the modeline that
points a report.yaml at it (``# yaml-language-server: $schema=…``)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from reportgen.paths import package_dir

SCHEMA_FILE = "report.schema.json"
MODELINE_PREFIX = "# yaml-language-server: $schema="
_MODELINE_RE = re.compile(rb"^#\s*yaml-language-server:\s*\$schema=[^\r\n]*", re.MULTILINE)
_BOM = b"\xef\xbb\xbf"


def schema_path() -> Path:
    """The schema file of the installed package (``reportgen/schema/report.schema.json``)."""
    return package_dir() / "schema" / SCHEMA_FILE


def schema_text() -> str:
    """The schema as the package ships it: generated from the content model."""
    from reportgen.content.model import json_schema

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def schema_reference(report_dir: Path) -> str:
    """How a report.yaml in ``report_dir`` names the schema: a relative path when the two
    share a folder below the root (yaml-language-server resolves it from the YAML file),
    otherwise the absolute path."""
    target = schema_path().resolve()
    here = report_dir.resolve()
    if os.path.commonpath([target, here]) == here.anchor:
        return target.as_posix()
    return Path(os.path.relpath(target, here)).as_posix()


def modeline(report_dir: Path) -> str:
    """The first line of a report.yaml: the editor's pointer to the schema."""
    reference = schema_reference(report_dir)
    if "\n" in reference or "\r" in reference:
        raise ValueError(f"a line break in the schema's path: {reference!r}")
    return MODELINE_PREFIX + reference


def with_modeline(data: bytes, line: str) -> bytes:
    """``data`` with ``line`` as its modeline: an existing modeline is replaced, otherwise
    the line goes first (after a BOM), ending as the file's first line ends. Every other
    byte is kept."""
    encoded = line.encode("utf-8")
    found = _MODELINE_RE.search(data)
    if found is not None:
        return data[:found.start()] + encoded + data[found.end():]
    bom = _BOM if data.startswith(_BOM) else b""
    rest = data[len(bom):]
    first_end = rest.find(b"\n")
    newline = b"\r\n" if first_end > 0 and rest[first_end - 1:first_end] == b"\r" else b"\n"
    return bom + encoded + newline + rest


def write_modeline(report_yaml: Path) -> bool:
    """Give a report.yaml its modeline; True when the file changed. The file is replaced
    atomically and keeps its permissions."""
    data = report_yaml.read_bytes()
    updated = with_modeline(data, modeline(report_yaml.parent))
    if updated == data:
        return False
    temporary = report_yaml.with_name(f".{report_yaml.name}.modeline-tmp")
    temporary.write_bytes(updated)
    os.chmod(temporary, report_yaml.stat().st_mode & 0o7777)
    os.replace(temporary, report_yaml)
    return True
