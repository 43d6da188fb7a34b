"""pydantic's validation errors as located sentences: the field, its line, and what to
write instead (a renamed key, a near miss of a known value, every form a union takes)."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from reportgen.content.compat import renamed
from reportgen.content.loaded import Path_
from reportgen.content.model import Report
from reportgen.content.yaml_source import dotted
from reportgen.errors import Origin, Problem


def validation_problems(exc: ValidationError, positions: dict[Path_, Origin],
                         shown: str) -> list[Problem]:
    problems = []
    alternatives: dict[Path_, list[Any]] = {}  # a value that fits no member of a union
    for err in exc.errors():
        loc: Path_ = tuple(err["loc"])
        known = loc
        while known and known not in positions:
            known = known[:-1]
        if len(loc) == len(known) + 1 and isinstance(loc[-1], str) \
                and err["type"] not in ("missing", "extra_forbidden"):
            alternatives.setdefault(known, []).append(err)  # loc[-1] names the member
            continue
        origin = positions.get(known, Origin(shown, 1))
        message = _message(err, loc)
        problems.append(Problem(shown, origin.line, origin.col, dotted(loc), message))
    for known, errs in alternatives.items():
        origin = positions.get(known, Origin(shown, 1))
        problems.append(Problem(shown, origin.line, origin.col, dotted(known),
                                _union_message(errs, known)))
    # one line per place and message: pydantic may report a union several times
    return sorted(set(problems))


def _union_message(errs: list[Any], loc: Path_) -> str:
    """One message for a value that fits none of a union's members: the first other
    member's complaint, then the literal values it could also be."""
    holder = _model_at(Report, loc[:-1]) if loc else None
    if holder is not None and (holder.__name__, str(loc[-1])) in FORMS:
        return FORMS[holder.__name__, str(loc[-1])]
    literals = [e for e in errs if e["type"] == "literal_error"]
    others = [e for e in errs if e["type"] != "literal_error"] or errs
    message = _message(others[0], loc)
    if literals and others is not errs:
        expected = " or ".join(str(e.get("ctx", {}).get("expected", "")) for e in literals)
        message += f", or {expected}"
    return message


# keys a newcomer writes for a field of another name: (model, key) -> what to write
MEANT = {
    ("Metadata", "subject"): "the Subject: line of a letter (and the Title: of a TD) is "
    "document.title",
    ("Metadata", "summary"): "a summary is document.abstract",
    ("Metadata", "author"): "authors are document.contacts (name, organization, tel, email)",
    ("Metadata", "authors"): "authors are document.contacts (name, organization, tel, email)",
}


# the forms a field that takes several kinds of value takes, said in place of pydantic's
# complaint about one of them: (model, field) -> sentence
FORMS = {
    ("Block", "contents"): "write true (titled in the document's language: Table of "
    "Contents) or the title as the report writes it, e.g. \"Table of contents\"",
}


def _message(err: Any, loc: Path_) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        holder = _model_at(Report, loc[:-1])
        former = renamed(holder.__name__, str(loc[-1])) if holder is not None else None
        if former is not None:
            return former.message()
        allowed = list(holder.model_fields) if holder is not None else []
        text = f"unknown key {loc[-1]!r}"
        meant = MEANT.get((holder.__name__ if holder is not None else "", str(loc[-1])))
        if meant:
            return f"{text}; {meant}"
        inside = [name for name in allowed if (inner := _inner_model(
            holder.model_fields[name].annotation)) is not None  # type: ignore[union-attr]
            and str(loc[-1]) in inner.model_fields]
        if inside:
            where = ".".join(str(p) for p in loc[:-1] if not isinstance(p, int))
            return f"{text} here; it belongs under {where}.{inside[0]}: (indent it there)"
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        if hint:
            return f"{text}; did you mean {hint[0]!r}?"
        return f"{text}; allowed keys: {', '.join(allowed)}" if allowed else text
    if kind == "missing":
        return "required field is missing"
    if kind == "int_parsing" and loc[-1:] == ("number",) and isinstance(err.get("input"), str):
        return (f"{err['input']!r} is not a number: write the number alone (number: 45); "
                "a revision is document.revision (1 for Rev.1) and how it is written "
                "document.revision_form")
    message = str(err["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if kind == "string_pattern_mismatch" and loc and loc[-1] in {"agenda", "minutes", "id",
                                                                 "revision_of"}:
        message = "not a document id such as C54, TD433 or TD433R1"
    if kind.startswith("date_"):
        value = err.get("input")
        shown = f"{value!r} is not a date" if isinstance(value, str | int) else "not a date"
        detail = message.rpartition(", ")[2]
        if "range" in detail:  # the form is right, a month or day is not
            shown += f" ({detail})"
        return f"{shown}; write YYYY-MM-DD, e.g. 2018-12-10"
    if kind == "string_pattern_mismatch" and ("list_formats" in loc or "formats" in loc):
        message = "not a list format such as 1), a., (i), 1-, A. or 1 (the number alone)"
    return message


def _model_at(model: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    """The model found at ``loc`` (None when the path leaves the models)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _inner_model(annotation: Any) -> Any:
    """The BaseModel inside list[X], X | None and similar annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
