"""The six ITU languages: printed labels from ``locales/<code>.yaml``, dates from CLDR.

Every label a writer prints comes from here through ``prepare``; month and weekday
names come from the Unicode CLDR data through Babel, never from a table of our own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = {"E": "en", "F": "fr", "S": "es", "R": "ru", "A": "ar", "C": "zh"}
PURPOSES = ("Information", "Discussion", "Decision", "Admin", "Other")
DOCUMENT_COLUMNS = ("id", "source", "title")
SESSION_COLUMNS = ("session", "date", "time", "room", "agenda", "minutes")
# the English names (and letters) an author may give as ``original``
ENGLISH_NAMES = {"English": "E", "French": "F", "Spanish": "S", "Russian": "R",
                 "Arabic": "A", "Chinese": "C"}
TEXT_KEYS = ("babel", "direction", "organisation", "sector", "study_period", "study_group",
             "original", "only", "questions", "source", "title", "purpose", "contact", "tel",
             "email", "keywords", "abstract", "action", "contribution", "liaison_statement",
             "for_action", "for_comment", "for_information", "approval", "deadline",
             "place_and_dates", "table", "figure", "annex", "appendix", "appendix_obligation",
             "note", "weekday_date", "cc", "sent", "attachments", "report", "advisory_group",
             "contents", "bureau", "ref", "fax", "web", "copy", "subject", "collective_letter",
             "circular", "salutation", "closing", "annexes_line", "annex_line", "sector_d",
             "sector_r")


class LocaleError(Exception):
    """A locale file is missing a key or has a value of the wrong kind."""


@dataclass(frozen=True)
class Locale:
    """The labels of one language (the keys of ``locales/en.yaml``)."""

    letter: str
    code: str  # BCP 47: en, fr, es, ru, ar, zh
    text: dict[str, str]
    reversed_ranges: bool
    purposes: dict[str, str]
    languages: dict[str, str]
    documents_table: dict[str, str]
    sessions_table: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.text[key]

    @property
    def rtl(self) -> bool:
        return self.text["direction"] == "rtl"

    def language_name(self, original: str) -> str:
        """``English`` or ``E`` as this language names it (``anglais``); other text as is."""
        letter = original if original in LANGUAGES else ENGLISH_NAMES.get(original)
        return self.languages[letter] if letter else original

    def numeric_range(self, first: object, last: object) -> str:
        """``10-14``; ``14-10`` in a language read right to left (ITU's Arabic files)."""
        return f"{last}-{first}" if self.reversed_ranges else f"{first}-{last}"

    # ------------------------------------------------------------------ dates

    def long_date(self, day: dt.date) -> str:
        """``10 December 2018``, ``10 décembre 2018``, ``2018年12月10日``."""
        from babel.dates import format_date

        return _spaces(format_date(day, "long", locale=self["babel"]))

    def month_year(self, day: dt.date) -> str:
        """``December 2018``, ``décembre 2018``, ``diciembre de 2018``, ``2018年12月``."""
        from babel.dates import format_skeleton

        return _spaces(format_skeleton("yMMMM", day, locale=self["babel"]))

    def weekday_date(self, day: dt.date) -> str:
        """``Tuesday 11 December 2018``, ``mardi 11 décembre 2018``."""
        from babel.dates import format_date

        return _spaces(format_date(day, self["weekday_date"], locale=self["babel"]))

    def date_range(self, start: dt.date, end: dt.date) -> str:
        """ITU style: ``10-14 December 2018``, ``28 November-2 December 2018``,
        ``10-14 décembre 2018``, ``2018年12月10-14日``, ``14-10 ديسمبر 2018``."""
        if start == end:
            return self.long_date(start)
        if (start.year, start.month) == (end.year, end.month):
            return self._with_day(end, self.numeric_range(start.day, end.day))
        if start.year == end.year:
            from babel.dates import format_skeleton

            first = _spaces(format_skeleton("MMMMd", start, locale=self["babel"]))
            return f"{first}-{self.long_date(end)}"
        return f"{self.long_date(start)}-{self.long_date(end)}"

    def _with_day(self, day: dt.date, day_text: str) -> str:
        """The long date of ``day`` with its day number replaced by ``day_text``."""
        from babel.core import Locale as BabelLocale
        from babel.dates import DateTimeFormat, get_date_format, parse_pattern

        babel_locale = BabelLocale.parse(self["babel"])

        class WithDay(DateTimeFormat):
            def __getitem__(self, name: str) -> Any:
                return day_text if name.startswith("d") else super().__getitem__(name)

        pattern = parse_pattern(get_date_format("long", locale=babel_locale).pattern)
        template: str = str(pattern.format)  # "%(d)s %(MMMM)s %(y)s"
        return _spaces(template % WithDay(day, babel_locale))


def _spaces(text: str) -> str:
    """CLDR's narrow no-break space (Russian "2018 г.") as the no-break space that Times
    New Roman and Liberation Serif have."""
    return str(text).replace("\u202f", "\u00a0")


def _mapping(data: dict[str, Any], key: str, keys: tuple[str, ...], name: str) -> dict[str,
                                                                                         str]:
    value = data.get(key)
    if not isinstance(value, dict) or set(value) != set(keys) or not all(
            isinstance(v, str) and v for v in value.values()):
        raise LocaleError(f"locales/{name}.yaml: {key} must map {', '.join(keys)} to text")
    return {str(k): str(v) for k, v in value.items()}


@cache
def locale(letter: str) -> Locale:
    """The locale of an ITU language letter (E, F, S, R, A, C)."""
    from ruamel.yaml import YAML

    code = LANGUAGES[letter]
    source = resources.files("reportgen") / "locales" / f"{code}.yaml"
    data = YAML(typ="safe").load(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise LocaleError(f"locales/{code}.yaml: not a mapping")
    missing = [k for k in TEXT_KEYS if not isinstance(data.get(k), str) or not data[k]]
    if missing or not isinstance(data.get("reversed_ranges"), bool):
        raise LocaleError(f"locales/{code}.yaml: missing or empty: "
                          f"{', '.join(missing or ['reversed_ranges'])}")
    return Locale(
        letter=letter,
        code=code,
        text={k: str(data[k]) for k in TEXT_KEYS},
        reversed_ranges=data["reversed_ranges"],
        purposes=_mapping(data, "purposes", PURPOSES, code),
        languages=_mapping(data, "languages", tuple(LANGUAGES), code),
        documents_table=_mapping(data, "documents_table", DOCUMENT_COLUMNS, code),
        sessions_table=_mapping(data, "sessions_table", SESSION_COLUMNS, code),
    )
