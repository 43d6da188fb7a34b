"""``reportgen new``: a new report folder, every key commented, ready to check and build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.content.locate import REPORT_FILE
from reportgen.content.model import CoverLayout, DocumentKind
from reportgen.content.schema import modeline
from reportgen.paths import package_dir

SKELETON = "skeleton"
TEMPLATE = "report.yaml.j2"
MARKDOWN_FILES = ("introduction.md", "network.svg")  # and the example figure
# a letter's text is its preamble and its annexes, all in report.yaml: no clause file
NO_MARKDOWN_FILES = frozenset({DocumentKind.letter})


class FolderNotEmpty(Exception):
    """The folder for a new report already holds something."""


@dataclass(frozen=True)
class _Kind:
    what: str
    source: str
    title: str
    purpose: str
    abstract: str
    action: str
    highlight: str


KINDS: dict[DocumentKind, _Kind] = {
    DocumentKind.td: _Kind(
        what="ITU-T TSAG temporary document (TD)",
        source="Chairman, TSAG ad hoc group on the example topic",
        title="Report of the TSAG ad hoc group on the example topic",
        purpose="Information",
        abstract="This TD contains the report of the TSAG ad hoc group on the example "
                 "topic, which met once during the TSAG meeting.",
        action="TSAG is invited to note this report.",
        highlight="TSAG agreed to start work on the example topic, covering",
    ),
    DocumentKind.contribution: _Kind(
        what="ITU-T TSAG contribution",
        source="Exampleland",
        title="Proposal for new work on the example topic",
        purpose="Discussion",
        abstract="This contribution proposes that TSAG start work on the example topic "
                 "and gives draft terms of reference.",
        action="TSAG is invited to consider the proposal and the draft terms of reference.",
        highlight="Exampleland proposes that TSAG start work on the example topic, covering",
    ),
    DocumentKind.ls: _Kind(
        what="ITU-T TSAG liaison statement (LS)",
        source="TSAG",
        title="LS on the example topic",
        purpose="Information",
        abstract="This liaison statement informs the study groups of TSAG's work on the "
                 "example topic.",
        action="",
        highlight="TSAG started work on the example topic, covering",
    ),
    DocumentKind.report: _Kind(
        what="ITU-T R-series meeting report (TSAG – R 2 – E)",
        source="Telecommunication Standardization Advisory Group",
        title="Report of the second TSAG meeting held in Geneva, 26-30 January 2026",
        purpose="Information",
        abstract="The report of the second meeting of TSAG in the 2025-2028 study period.",
        action="",
        highlight="TSAG agreed to start work on the example topic, covering",
    ),
    DocumentKind.letter: _Kind(
        what="TSB collective letter (TSB Collective letter 2/TSAG)",
        source="",
        title="Third meeting of the Telecommunication Standardization Advisory Group "
              "(TSAG), Geneva, 26-30 January 2026",
        purpose="",
        abstract="",
        action="",
        highlight="",  # no highlights: a letter's text is its preamble
    ),
    DocumentKind.plain: _Kind(
        what="ITU-T text without cover table (plain), e.g. terms of reference",
        source="",
        title="Terms of reference of the TSAG correspondence group on the example topic",
        purpose="",
        abstract="",
        action="",
        highlight="The group studies the example topic, covering",
    ),
}


def skeleton_dir() -> Path:
    return package_dir() / SKELETON


def report_yaml(kind: DocumentKind, layout: CoverLayout, folder: Path) -> str:
    """The text of a new report.yaml of this kind and layout, for a report in ``folder``."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(skeleton_dir()), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, autoescape=False)
    values = KINDS[kind]
    return env.get_template(TEMPLATE).render(
        modeline=modeline(folder),
        what=values.what if kind in (DocumentKind.letter, DocumentKind.plain)
        else f"{values.what}, {layout.value} layout",  # no cover table: no layout
        kind=kind.value,
        layout=layout.value,
        number=100,
        source=values.source,
        title=values.title,
        purpose=values.purpose,
        abstract=values.abstract,
        action=values.action,
        highlight=values.highlight,
    )


def new_report(kind: DocumentKind, layout: CoverLayout, folder: Path) -> list[Path]:
    """Create ``folder`` with a report.yaml and its Markdown file; return the files.

    Refuses a folder that exists with anything in it, and a path that is a file.
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FolderNotEmpty(f"{folder} already exists and is not an empty folder; "
                             "name a new folder")
    text = report_yaml(kind, layout, folder if folder.is_absolute() else Path.cwd() / folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / REPORT_FILE]
    written[0].write_text(text, encoding="utf-8")
    for name in () if kind in NO_MARKDOWN_FILES else MARKDOWN_FILES:
        target = folder / name
        target.write_bytes((skeleton_dir() / name).read_bytes())
        written.append(target)
    return written
