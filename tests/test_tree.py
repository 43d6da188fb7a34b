"""The prepared tree: golden dumps of the example reports, stable ids, origins."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import CONTENT, ROOT, SEED, run_cli

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("REPORTGEN_UPDATE_GOLDEN") == "1"


def tree_of(report: Path, cwd: Path | None = None) -> dict[str, Any]:
    result = run_cli("tree", str(report), cwd=cwd)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every block node (anything with an id) in document order."""
    if isinstance(data, dict):
        if "id" in data and "origin" in data:
            yield data
        for value in data.values():
            yield from nodes(value)
    elif isinstance(data, list):
        for value in data:
            yield from nodes(value)


@pytest.mark.parametrize("report", sorted(p.name for p in CONTENT.iterdir()
                                          if (p / "report.yaml").is_file()))
def test_tree_of_each_example_matches_its_golden_dump(report: str, tmp_path: Path) -> None:
    """The tree is the contract between content and writers: any change to numbers,
    labels, ids or origins shows here first (REPORTGEN_UPDATE_GOLDEN=1 rewrites)."""
    data = tree_of(CONTENT / report, cwd=tmp_path)
    golden = GOLDEN / f"{report}.json"
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, "utf-8")
    assert golden.is_file(), f"no golden dump {golden.name}: run with REPORTGEN_UPDATE_GOLDEN=1"
    assert text == golden.read_text("utf-8")


def test_every_block_has_a_unique_id_and_an_origin_in_its_content() -> None:
    data = tree_of(SEED)
    blocks = list(nodes(data["body"])) + list(nodes(data["annexes"]))
    ids = [b["id"] for b in blocks]
    assert len(ids) == len(set(ids)) > 200
    files = {p.name for p in SEED.iterdir()}
    for block in blocks:
        origin = block["origin"]
        assert origin is not None, block["id"]
        assert origin["file"] in files and origin["line"] >= 1, block
    # a Markdown paragraph points at its own lines
    lines = (SEED / "method.md").read_text("utf-8").splitlines()
    from_method = [b for b in blocks if b["origin"]["file"] == "method.md"
                   and b["type"] == "Paragraph"]
    assert from_method
    for block in from_method:
        first_words = "".join(c.get("text", c.get("id", "")) for c in block["content"])[:20]
        assert first_words.strip() in lines[block["origin"]["line"] - 1], block


def test_ids_do_not_change_when_unrelated_text_is_edited(tmp_path: Path) -> None:
    copy = tmp_path / SEED.name
    shutil.copytree(SEED, copy)
    before = [b["id"] for b in nodes(tree_of(copy))]
    # more words in one paragraph, a new paragraph in another file, a new clause at the end
    method = copy / "method.md"
    method.write_text(method.read_text("utf-8").replace(
        "Considering", "Having listened to all parties, and considering", 1), "utf-8")
    session = copy / "session-second.md"
    session.write_text(session.read_text("utf-8") + "\nA paragraph added at the end.\n",
                       "utf-8")
    yaml = copy / "report.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace(
        "\nannexes:", "\n  - title: A clause added at the end\n\nannexes:", 1), "utf-8")
    after = [b["id"] for b in nodes(tree_of(copy))]
    assert set(before) <= set(after)
    added = [i for i in after if i not in before]
    assert len(added) == 2, added  # the new paragraph and the new clause
    assert [i for i in after if i in before] == before


def test_an_explicit_id_replaces_the_positional_one_and_must_be_unique(
        tmp_path: Path) -> None:
    copy = tmp_path / SEED.name
    shutil.copytree(SEED, copy)
    yaml = copy / "report.yaml"
    text = yaml.read_text("utf-8")
    yaml.write_text(text.replace("  - title: Introduction\n",
                                 "  - title: Introduction\n    id: intro\n", 1), "utf-8")
    ids = [b["id"] for b in nodes(tree_of(copy))]
    assert "intro" in ids and "intro.text.1" in ids and "body.1" not in ids
    yaml.write_text(text.replace("  - title: Introduction\n",
                                 "  - title: Introduction\n    id: intro\n", 1).replace(
        "  - title: Method Followed\n", "  - title: Method Followed\n    id: intro\n", 1),
        "utf-8")
    result = run_cli("check", str(copy))
    assert result.returncode == 1
    assert "duplicate id 'intro'" in result.stderr and "Traceback" not in result.stderr
