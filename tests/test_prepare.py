"""The prepared tree decides every number and label: checked in-process on trees, the
way a document tool tests its reader and writers on its AST (no process started)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reportgen import tree as d
from reportgen.content.load import load
from reportgen.errors import ContentError
from reportgen.prepare.anchors import anchors
from reportgen.prepare.tree import prepare


def report(folder: Path, **parts: Any) -> Path:
    """A minimal TD with the given top-level parts (JSON is YAML)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "document": {"group": "TSAG", "study_period": "2022-2024", "number": 7,
                     "meeting": {"place": "Geneva", "start": "2023-05-29",
                                 "end": "2023-06-02"},
                     "source": "Tree probe", "title": "Tree probe", "abstract": "Probe."},
        "body": parts.pop("body", [{"title": "Introduction", "text": "Body text."}]),
        **parts,
    }
    (folder / "report.yaml").write_text(json.dumps(data, indent=1), "utf-8")
    return folder


def figure_and_table(title: str) -> list[dict[str, Any]]:
    return [{"figure": {"file": "a.png", "title": f"{title} picture"}},
            {"table": {"title": f"{title} table", "columns": [{"title": "A"}],
                       "rows": [["1"]]}}]


def captions(annex: d.Annex) -> list[str]:
    return [b.caption for b in annex.blocks if isinstance(b, d.Figure | d.Table)]


def test_each_appendix_numbers_its_figures_and_tables_from_one(tmp_path: Path) -> None:
    from PIL import Image

    folder = report(tmp_path / "r", appendices=[
        {"title": "First", "blocks": figure_and_table("First")},
        {"title": "Second", "blocks": figure_and_table("Second")}])
    Image.new("RGB", (20, 10)).save(folder / "a.png", "PNG")
    doc = prepare(load(folder))
    first, second = doc.annexes
    assert (first.label, second.label) == ("Appendix I", "Appendix II")
    assert captions(first) == ["Figure I.1 \u2013 First picture",
                               "Table I.1 \u2013 First table"]
    assert captions(second) == ["Figure II.1 \u2013 Second picture",
                                "Table II.1 \u2013 Second table"]


def test_annex_letters_go_on_past_z_as_word_counts(tmp_path: Path) -> None:
    annexes = [{"title": f"Part {n}", "text": "Text."} for n in range(1, 29)]
    folder = report(tmp_path / "r", annexes=annexes, options={"annex_label": "letter"})
    labels = [a.label for a in prepare(load(folder)).annexes]
    assert labels[:2] == ["Annex A", "Annex B"]
    assert labels[25:] == ["Annex Z", "Annex AA", "Annex BB"]


def test_many_appendices_are_numbered_in_roman_numerals(tmp_path: Path) -> None:
    appendices = [{"title": f"Part {n}", "text": "Text."} for n in range(1, 15)]
    folder = report(tmp_path / "r", appendices=appendices)
    labels = [a.label for a in prepare(load(folder)).annexes]
    assert labels[3:5] == ["Appendix IV", "Appendix V"]
    assert labels[8:] == ["Appendix IX", "Appendix X", "Appendix XI", "Appendix XII",
                          "Appendix XIII", "Appendix XIV"]


@pytest.mark.parametrize(("fmt", "accepted"), [("1)", True), ("a)", False), ("i)", False)])
def test_only_a_decimal_list_may_start_at_zero(tmp_path: Path, fmt: str,
                                               accepted: bool) -> None:
    folder = report(tmp_path / "r", options={"list_formats": [fmt, "a)", "i)"]},
                    body=[{"title": "Introduction", "text": "0. zero\n1. one\n"}])
    if accepted:
        items = next(b for b in prepare(load(folder)).body if isinstance(b, d.ListBlock)).items
        assert [i.label for i in items] == ["0.", "1."]  # the marker typed
        return
    with pytest.raises(ContentError) as caught:
        prepare(load(folder))
    assert "list cannot start at 0" in str(caught.value)


def test_a_note_and_an_annex_title_are_anchored_with_the_text_the_writers_print(
        tmp_path: Path) -> None:
    folder = report(tmp_path / "r",
                    body=[{"title": "Introduction", "blocks": [{"note": "Mind the gap."}]}],
                    annexes=[{"title": "Terms", "text": "Text."}])
    doc = prepare(load(folder))
    notes = [b for b in doc.body if isinstance(b, d.Note)]
    assert [n.prefix for n in notes] == ["NOTE \u2013 "]
    found = {a.kind: a for a in anchors(doc)}
    assert found["note"].text == "NOTE \u2013 Mind the gap."
    assert found["annex"].text == "Annex 1\n\nTerms"
