"""The guide (README.md and docs/*.md): its links resolve, its YAML examples are content.

Links: every relative link and image, outside code, names a file or folder of the
repository, and its ``#anchor`` a heading of the page it points to (GitHub's slugs); a
repository path written as code (``reportgen/…``, ``tests/…``) exists.

YAML examples: every fenced ``yaml`` block is checked as ``reportgen check`` checks a
report (load, then prepare), in-process:

- a block with ``document:`` is a whole report: it is written alone as ``report.yaml``,
  beside stand-ins for the files it names (Markdown files, figures, attached reports);
- any other block is a fragment of the worked example's report.yaml
  (content/tsag-2018-12-quantum-adhoc), whose ids, dates and sessions the guide's examples
  use: top-level keys are merged into a copy of it (mappings key by key, lists of
  entries with an ``id`` by id, other lists replaced), and a block, a list of blocks or a
  clause (``blocks:``, ``text:``, ``sections:``) becomes its last clause.

A block that must not be checked (one that shows an error, say) is marked by the line
``<!-- not checked: the reason -->`` right before it; at most MAX_NOT_CHECKED are.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BASE = ROOT / "content" / "tsag-2018-12-quantum-adhoc"  # the report fragments extend
NOT_CHECKED = re.compile(r"^<!-- not checked: (.+) -->$")
MAX_NOT_CHECKED = 3
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".svg"}


def _reportgen() -> tuple[Any, Any, type[Exception], set[str]]:
    """reportgen's entry points this test uses, imported in this one place: ``load``
    and ``prepare`` (what ``reportgen check`` runs), the error they raise, and the
    top-level keys of report.yaml."""
    from reportgen.content.load import load
    from reportgen.content.model import Report
    from reportgen.errors import ContentError
    from reportgen.prepare.tree import prepare

    return load, prepare, ContentError, set(Report.model_fields)


# ---------------------------------------------------------------- reading the pages


@dataclass(frozen=True)
class Fence:
    page: Path
    line: int  # of the opening fence, 1-based
    info: str  # the info string: yaml, console …
    text: str
    skip_reason: str | None  # from a <!-- not checked: … --> line right before it

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def fences(page: Path) -> Iterator[Fence]:
    lines = page.read_text("utf-8").split("\n")
    i = 0
    while i < len(lines):
        opening = re.match(r"^(```+)\s*(.*)$", lines[i])
        if not opening:
            i += 1
            continue
        start, marker = i, opening.group(1)
        i += 1
        while i < len(lines) and not lines[i].startswith(marker):
            i += 1
        before = next((x for x in reversed(lines[:start]) if x.strip()), "")
        reason = NOT_CHECKED.match(before.strip())
        yield Fence(page, start + 1, opening.group(2).strip(),
                    "\n".join(lines[start + 1:i]) + "\n", reason and reason.group(1))
        i += 1


def prose(page: Path, code_spans: bool = False) -> str:
    """The page with its fenced code blanked (lines kept) and, unless ``code_spans``, the
    text of its code spans too."""
    text = page.read_text("utf-8")
    for fence in fences(page):
        lines = text.split("\n")
        end = fence.line + fence.text.count("\n")
        lines[fence.line - 1:end + 1] = [""] * (end + 1 - (fence.line - 1))
        text = "\n".join(lines)
    return text if code_spans else re.sub(r"`[^`\n]*`", "`code`", text)


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: its text, lower case, without punctuation,
    spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found, count = set(), dict[str, int]()
    for line in prose(page, code_spans=True).split("\n"):
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*$", line)
        if heading:
            base = slug(heading.group(1))
            n = count.get(base, 0)
            found.add(f"{base}-{n}" if n else base)  # a heading's second use: -1, …
            count[base] = n + 1
    return found


LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def links() -> list[tuple[str, Path, str]]:
    found = []
    for page in PAGES:
        text = prose(page)
        for m in LINK.finditer(text):
            target = m.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            found.append((f"{page.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}",
                          page, target))
    return found


def yaml_blocks() -> list[Fence]:
    return [f for page in PAGES for f in fences(page) if f.info.split()[:1] == ["yaml"]]


# ---------------------------------------------------------------- links


@pytest.mark.parametrize(("page", "target"), [pytest.param(p, t, id=w) for w, p, t in links()])
def test_link_resolves(page: Path, target: str) -> None:
    path, _, anchor = target.partition("#")
    file = (page.parent / path).resolve() if path else page
    assert file.exists(), f"{target}: no such file or folder"
    assert file.is_relative_to(ROOT), f"{target}: outside the repository"
    if anchor:
        assert file.suffix == ".md", f"{target}: an anchor in a file that is not Markdown"
        assert anchor in anchors(file), f"{target}: no heading #{anchor} in {file.name}"


PATH_SPAN = re.compile(r"`((?:reportgen|templates|tests|bench|content|docs)/[^`\s]*)`")
ONLY_IN_A_WHEEL = {"reportgen/templates/"}  # the templates, copied into the package


def paths_named() -> list[tuple[str, str]]:
    """Repository paths named in code spans (`reportgen/…`, `tests/…`), with
    ``{a,b}`` expanded; placeholders such as ``content/<report>`` are left out."""
    found = []
    for page in PAGES:
        text = prose(page, code_spans=True)
        for m in PATH_SPAN.finditer(text):
            where = f"{page.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}"
            path = m.group(1)
            if "<" in path or "…" in path or path in ONLY_IN_A_WHEEL:
                continue
            choices = re.search(r"\{([^}]*)\}", path)
            for choice in choices.group(1).split(",") if choices else [""]:
                found.append((where, path[:choices.start()] + choice + path[choices.end():]
                              if choices else path))
    return found


@pytest.mark.parametrize("path", [pytest.param(p, id=f"{w} {p}") for w, p in paths_named()])
def test_named_path_exists(path: str) -> None:
    """A file the guide names in code (``reportgen/…``, ``templates/…``) is where it says."""
    assert (ROOT / path).exists(), f"{path}: no such file or folder in the repository"


def test_the_guide_has_links() -> None:
    """The checks above ran on something: the README links each page of the guide."""
    readme = {t for _, p, t in links() if p.name == "README.md"}
    for page in PAGES[1:]:
        assert f"docs/{page.name}" in readme, f"README.md does not link docs/{page.name}"


# ---------------------------------------------------------------- YAML examples


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    return yaml


def _stand_ins(data: Any, folder: Path) -> None:
    """Create, in ``folder``, the files a report names and does not have: a Markdown
    paragraph, a small picture, an attached plain text."""
    if isinstance(data, list):
        for item in data:
            _stand_ins(item, folder)
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        if key == "file" and isinstance(value, str) and not (folder / value).exists():
            target = folder / value
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.suffix.lower() == ".svg":
                target.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" '
                                  'height="30"><rect width="40" height="30"/></svg>\n')
            elif target.suffix.lower() in IMAGE_SUFFIXES:
                from PIL import Image

                Image.new("RGB", (40, 30), "white").save(target)
            else:
                target.write_text("A paragraph.\n", "utf-8")
        elif key == "report" and isinstance(value, str) and not (folder / value).exists():
            (folder / value).mkdir(parents=True)
            (folder / value / "report.yaml").write_text(
                "document: {kind: plain, group: TSAG, study_period: '2017-2020',\n"
                "           date: 2018-12-14, title: An attached text}\n"
                "body: [{title: Scope, text: A paragraph.}]\n", "utf-8")
        else:
            _stand_ins(value, folder)


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if (isinstance(base, list) and isinstance(extra, list)
            and all(isinstance(x, dict) and "id" in x for x in [*base, *extra])):
        by_id = {x["id"]: x for x in base}
        for item in extra:
            by_id[item["id"]] = _merge(by_id[item["id"]], item) if item["id"] in by_id else item
        return list(by_id.values())
    return extra


def _as_report(data: Any, top_level: set[str], folder: Path) -> str:
    """The report.yaml a fragment stands in, in a copy of the worked example."""
    yaml = _yaml()
    base = yaml.load((BASE / "report.yaml").read_text("utf-8"))
    if isinstance(data, dict) and set(data) <= top_level:
        report = _merge(base, data)
    else:
        if isinstance(data, list):
            clause = {"blocks": data}
        elif isinstance(data, dict) and {"blocks", "text", "file", "sections"} & set(data):
            clause = data
        else:
            clause = {"blocks": [data]}
        report = {**base, "body": [*base["body"], {"title": "The example", **clause}]}
    from io import StringIO

    out = StringIO()
    yaml.dump(report, out)
    return out.getvalue()


@pytest.mark.parametrize("fence", [pytest.param(f, id=f.where) for f in yaml_blocks()])
def test_yaml_example_is_valid_content(fence: Fence, tmp_path: Path) -> None:
    if fence.skip_reason:
        pytest.skip(f"marked not checked: {fence.skip_reason}")
    load, prepare, content_error, top_level = _reportgen()
    data = _yaml().load(fence.text)
    folder = tmp_path / "report"
    if isinstance(data, dict) and "document" in data:
        folder.mkdir()
        text = fence.text
        if not {"body", "preamble"} & set(data):  # a cover alone: a clause stands in
            text += "body: [{title: Introduction, text: A paragraph.}]\n"
    else:
        shutil.copytree(BASE, folder)
        text = _as_report(data, top_level, folder)
    (folder / "report.yaml").write_text(text, "utf-8")
    _stand_ins(data, folder)
    try:
        prepare(load(folder))
    except content_error as exc:
        problems = "\n".join(str(p) for p in exc.problems)  # type: ignore[attr-defined]
        numbered = "\n".join(f"{n:4} {line}" for n, line in enumerate(text.split("\n"), 1))
        pytest.fail(f"{fence.where}: the example is not valid content:\n{problems}\n"
                    f"--- the report.yaml checked:\n{numbered}", pytrace=False)


def test_few_examples_are_not_checked() -> None:
    skipped = [f"{f.where}: {f.skip_reason}" for f in yaml_blocks() if f.skip_reason]
    assert len(skipped) <= MAX_NOT_CHECKED, "too many unchecked examples:\n" + "\n".join(skipped)
    assert len(yaml_blocks()) - len(skipped) >= 10, "the guide's YAML examples were not found"
