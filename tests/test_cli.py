"""The command line as a user meets it: help, version, schema, check."""

from __future__ import annotations

import json
from pathlib import Path

from reportgen import __version__

from .conftest import SECOND, SEED, run_cli


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("build", "check", "verify", "schema"):
        assert command in result.stdout


def test_build_help_shows_its_options() -> None:
    result = run_cli("build", "--help")
    assert result.returncode == 0
    for option in ("--format", "--out", "--names", "--force", "--jobs", "--template",
                   "--timings", "--preview"):
        assert option in result.stdout


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"reportgen {__version__}"


def test_schema_is_the_json_schema_of_report_yaml() -> None:
    result = run_cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Report"
    assert {"document", "body", "documents", "sessions", "annexes"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False  # a misspelt key is an error


def test_check_with_no_argument_checks_every_report_in_content() -> None:
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert f"ok content/{SEED.name}" in result.stdout
    assert f"ok content/{SECOND.name}" in result.stdout


def test_no_argument_outside_a_content_folder_is_a_clear_usage_error(tmp_path: Path) -> None:
    for command in ("build", "check"):
        result = run_cli(command, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "no content/ folder in" in result.stderr
        assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no output/ folder was created
