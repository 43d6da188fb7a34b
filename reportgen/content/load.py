"""Read a report folder (``report.yaml`` + Markdown files) into a validated model.

Every problem is reported with file, line, column and field, all problems of a file at
once: the YAML (``yaml_source``), the schema (``model``, its messages in ``messages``),
then the checks that span the report (``checks``) and its attached reports, each loaded
as a report of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reportgen.content.checks import (
    check_consistency,
    check_figures,
    check_prose_nesting,
    check_size,
    resolve_files,
)
from reportgen.content.loaded import LoadedReport, read_text
from reportgen.content.locate import REPORT_FILE, find_report
from reportgen.content.messages import validation_problems
from reportgen.content.model import Report
from reportgen.content.yaml_source import parse_yaml
from reportgen.errors import ContentError, Problem, display_path


def load(path: Path) -> LoadedReport:
    """Load and validate one report; raises ContentError with every problem found."""
    root = find_report(path)
    yaml_path = root / REPORT_FILE
    shown = display_path(yaml_path)
    text = read_text(yaml_path, shown)
    data, positions, text_starts = parse_yaml(text, shown)
    if not isinstance(data, dict):
        raise ContentError([Problem(shown, 1, 1, "", "expected a mapping of keys at the top")])
    try:
        model = Report.model_validate(data)
    except ValidationError as exc:
        raise ContentError(validation_problems(exc, positions, shown)) from None
    loaded = LoadedReport(root, model, {REPORT_FILE: text.encode("utf-8")}, positions,
                          text_starts=text_starts)
    problems = resolve_files(loaded, data)
    problems += check_size(loaded)
    problems += check_prose_nesting(loaded)
    problems += check_consistency(loaded)
    problems += load_attachments(loaded)
    problems += check_figures(loaded)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(errors)
    loaded.warnings = [p for p in problems if p.severity == "warning"]
    return loaded


def load_attachments(loaded: LoadedReport) -> list[Problem]:
    """Load every attached report into ``loaded.attachments``; the problems found.

    A problem inside an attached report names that report's own file and line."""
    problems: list[Problem] = []
    root = loaded.root.resolve()
    for n, attachment in enumerate(loaded.model.attachments):
        path = ("attachments", n, "report")
        where = loaded.origin(path)

        def refuse(message: str, where: Any = where, path: Any = path) -> None:
            problems.append(Problem(where.file, where.line, where.col,
                                    f"attachments[{path[1]}].report", message))

        try:
            target = (root / attachment.report).resolve()
        except (OSError, RuntimeError) as exc:  # a symbolic link loop, say
            refuse(f"{attachment.report!r} cannot be followed: {exc}")
            continue
        if not target.is_relative_to(root) or target == root:
            refuse(f"{attachment.report!r} is not a folder inside the report's folder")
            continue
        if not (target / REPORT_FILE).is_file():
            refuse(f"no {REPORT_FILE} in {attachment.report!r}")
            continue
        try:
            attached = load(target)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if attached.model.attachments:
            o = attached.origin(("attachments",))
            problems.append(Problem(o.file, o.line, o.col, "attachments",
                                    "an attached report cannot have attachments of its own"))
            continue
        rel = target.relative_to(root).as_posix()
        for name, data in attached.sources.items():
            loaded.sources[f"{rel}/{name}"] = data
        loaded.attachments.append(attached)
    return problems
