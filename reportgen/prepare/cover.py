"""The cover, decided from the document's metadata: the masthead number, the ITU file
name, the labels and rows of each kind's cover (TD, contribution, LS, R-series report,
collective letter), dates as each language writes them, and the label column's width."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from reportgen import tree as d
from reportgen.content import model as m
from reportgen.errors import Origin
from reportgen.prepare import languages as i18n
from reportgen.prepare.layout import (
    CELL_MARGIN,
    COVER_LABEL_WIDTH,
    SIZE_BODY,
)
from reportgen.prepare.measure import text_width_twips

LIAISON_FIELDS = ("for_action", "for_comment", "for_information", "cc", "approval", "sent",
                  "deadline", "attachments")  # the rows of an LS, in the order printed
LABEL_SLACK = 40  # 2 pt: what Word and LibreOffice round or kern differently


def long_date(day: dt.date, weekday: bool = False, language: str = "E") -> str:
    """``10 December 2018`` (``Monday 10 December 2018``) in the language of the letter,
    from CLDR through Babel, independent of the machine's locale."""
    lang = i18n.locale(language)
    return lang.weekday_date(day) if weekday else lang.long_date(day)


def date_range(start: dt.date, end: dt.date, language: str = "E") -> str:
    """ITU style: ``10-14 December 2018``, ``28 November-2 December 2018``."""
    return i18n.locale(language).date_range(start, end)


def masthead_number(meta: m.Metadata) -> str:
    """``TSAG-TD446``, ``TSAG-TD433-R1`` (or ``TSAG-TD433R1``, ``TD 433 Rev.1`` as
    ``revision_form`` asks), ``SG17-C1000``; "" for a draft not yet numbered.

    A liaison statement (and a plain text) is posted as a TD and has a TD number."""
    if meta.number is None:
        return ""
    if meta.kind is m.DocumentKind.letter:  # TSB Collective letter 2/TSAG, TSB Circular 68
        return letter_number(meta)
    if meta.kind is m.DocumentKind.report:  # TSAG – R 2 – E (itu-style.md §1.5)
        return f"{meta.group} \u2013 R {meta.number} \u2013 {meta.language}"
    if meta.sector != "T":  # ITU-D Document 1/123-E, ITU-R Document 5A/650-E (README)
        text = f"Document {sector_group(meta.group)}/{meta.number}-{meta.language}"
        return f"Revision {meta.revision} to {text}" if meta.revision else text
    if meta.group.upper().startswith("JCA-") and meta.kind is m.DocumentKind.td:
        text = f"{meta.group} Doc. {meta.number}"  # JCA-AHF Doc. 183 (README)
        return f"{text} Rev.{meta.revision}" if meta.revision else text
    kind = "C" if meta.kind is m.DocumentKind.contribution else "TD"
    if meta.revision_form == "Rev.1":  # the 2017 form: "TD 120 Rev.1"
        text = f"{kind} {meta.number}"
        return f"{text} Rev.{meta.revision}" if meta.revision else text
    text = f"{meta.group}-{kind}{meta.number}"
    suffix = "-R" if meta.revision_form == "-R1" else "R"
    return f"{text}{suffix}{meta.revision}" if meta.revision else text


# the timestamp of a plain text with neither a meeting nor a date (and no
# SOURCE_DATE_EPOCH): the earliest a ZIP file, hence a DOCX, can carry
UNDATED = dt.date(1980, 1, 1)


def sector_group(group: str) -> str:
    """The group's part of an ITU-D or ITU-R document number: SG1 -> 1, WP5A -> 5A."""
    upper = group.upper()
    for prefix in ("SG", "WP"):
        if upper.startswith(prefix) and len(upper) > 2:
            return group[2:]
    return group


def document_day(meta: m.Metadata) -> dt.date | None:
    """The day that dates the document: the meeting's first day, else ``document.date``.

    ``load`` refuses a document with neither, except a plain text."""
    return meta.meeting.start if meta.meeting else meta.date


def itu_file_stem(meta: m.Metadata) -> str:
    """The ITU file name without its format part: ``T17-TSAG-181210-TD-GEN-0446!R1``.

    The writer appends ``!MSW-E.docx`` or ``!PDF-E.pdf``; an unrevised document has an
    empty revision field (``…-0446!!MSW-E``). A draft without a number has ``draft`` in
    place of the four digits (``…-TD-GEN-draft!!MSW-E``); without a meeting, the date
    part is ``document.date``. A plain text without a study period or a date has
    none ("").
    """
    day = document_day(meta)
    undated = meta.kind not in (m.DocumentKind.contribution, m.DocumentKind.report,
                                m.DocumentKind.letter)
    if meta.study_period is None or (day is None and undated):
        return ""  # a plain text without them: named after its folder
    period = meta.study_period[2:4]
    number = "draft" if meta.number is None else f"{meta.number:04d}"
    if meta.sector != "T":  # D18-SG01-C-0123, R19-WP5A-C-0650 (README: not confirmed)
        group = meta.group.upper()
        if group.startswith("SG") and group[2:].isdigit():
            group = f"SG{int(group[2:]):02d}"
        base = f"{meta.sector}{period}-{group}-C-{number}"
    elif meta.kind is m.DocumentKind.contribution:
        base = f"T{period}-{meta.group}-C-{number}"
    elif meta.kind is m.DocumentKind.report:  # by analogy with contributions (README)
        base = f"T{period}-{meta.group}-R-{number}"
    elif meta.kind is m.DocumentKind.letter:  # TSB's own series (README)
        circular = meta.letter is not None and meta.letter.series == "circular"
        base = f"T{period}-TSB-CIR-{number}" if circular else \
            f"T{period}-TSB-COL-{meta.group}-{number}"
    else:
        base = (f"T{period}-{meta.group}-{day:%y%m%d}-TD-{meta.category}-"
                f"{number}")
    return f"{base}!{f'R{meta.revision}' if meta.revision else ''}"


def group_display(group: str, language: str = "E") -> str:
    """``SG17`` -> ``STUDY GROUP 17`` (``COMMISSION D'ÉTUDES 17``…); other groups in
    upper case."""
    if group.upper().startswith("SG") and group[2:].isdigit():
        return i18n.locale(language)["study_group"].format(number=group[2:])
    return group.upper()


def _left_to_right(text: str) -> str:
    """``text`` isolated left to right (U+2066 … U+2069), so that "+41 22 000 0000" keeps
    its order in a right-to-left paragraph, in Word as in the PDF."""
    return f"\u2066{text}\u2069" if text else text


def cover_labels(meta: m.Metadata) -> d.CoverLabels:
    """The cover's fixed texts in the document's language."""
    lang = i18n.locale(meta.language)
    first, last = (meta.study_period or "-").split("-")
    return d.CoverLabels(
        organisation=lang["organisation"],
        sector=lang[{"T": "sector", "D": "sector_d", "R": "sector_r"}[meta.sector]],
        study_period=lang["study_period"].format(period=lang.numeric_range(first, last))
        if meta.study_period else "",
        original=lang["original"].format(language=lang.language_name(meta.original)),
        **{key: lang[key] for key in ("only", "questions", "source", "title", "purpose",
                                      "contact", "tel", "email", "keywords", "abstract",
                                      "action", "contribution", "liaison_statement",
                                      "for_action", "for_comment", "for_information",
                                      "approval", "deadline")},
        **({key: lang[key] for key in ("cc", "sent", "attachments")}
           if meta.kind is m.DocumentKind.ls else {}),
    )


def build_liaison(meta: m.Metadata) -> d.Liaison | None:
    """The LIAISON STATEMENT rows of an ``ls``; addressees joined by commas."""
    given = meta.liaison
    if meta.kind is not m.DocumentKind.ls or given is None:
        return None
    lang = i18n.locale(meta.language)
    return d.Liaison(
        for_action=", ".join(given.for_action),
        for_comment=", ".join(given.for_comment),
        for_information=", ".join(given.for_information),
        approval=given.approval,
        deadline=given.deadline if isinstance(given.deadline, str) else
        lang.long_date(given.deadline) if given.deadline else "",
        cc=", ".join(given.cc),
        sent=shown_date(given.sent, meta.language) if given.sent else "",
        attachments="\n".join(given.attachments),
    )


def letter_number(meta: m.Metadata, with_group: bool = True) -> str:
    """``TSB Collective letter 2/TSAG`` (``TSB Collective letter 2`` without the group, as
    its Ref: line writes it), ``TSB Circular 68``; "" for a draft not yet numbered."""
    if meta.number is None:
        return ""
    lang = i18n.locale(meta.language)
    if meta.letter is not None and meta.letter.series == "circular":
        return lang["circular"].format(n=meta.number)
    text = lang["collective_letter"].format(n=meta.number)
    return f"{text}/{meta.group}" if with_group else text


def letter_cover(meta: m.Metadata) -> d.LetterCover:
    """A letter's letterhead, reference block (Ref:, the addressees beside it, Tel:,
    Fax:, E-mail:, Web:), Copy: and Subject:."""
    lang = i18n.locale(meta.language)
    letter = meta.letter
    assert letter is not None  # load refuses a letter without one
    day = meta.date or document_day(meta)
    dated = shown_date(day, meta.language) if day else ""
    given = (("tel", letter.tel), ("fax", letter.fax), ("email", letter.email),
             ("web", letter.web))
    number = letter_number(meta, with_group=False)
    return d.LetterCover(
        bureau=lang["bureau"],
        place_and_date=lang["place_and_dates"].format(place=letter.place, dates=dated)
        if dated else letter.place,
        reference=tuple(line for line in (number, *letter.reference) if line),
        addressees=tuple(f"- {a}" for a in letter.addressees),
        rows=tuple((lang[key], value) for key, value in given if value),
        copy_to=tuple(f"- {c}" for c in letter.copy_to),
        subject=meta.title,
        labels=(lang["ref"], lang["copy"], lang["subject"]),
    )


def letter_blocks(report: m.Report, origin: Origin) -> tuple[list[d.Block], list[d.Block]]:
    """What a letter prints before its text (the salutation) and after it (the closing,
    the signature, the count of annexes), as Normal paragraphs."""
    meta = report.document
    letter = meta.letter
    if meta.kind is not m.DocumentKind.letter or letter is None:
        return [], []
    lang = i18n.locale(meta.language)

    def lines(text: str) -> tuple[d.Inline, ...]:
        out: list[d.Inline] = []
        for n, line in enumerate(text.split("\n")):
            out += [d.LineBreak()] * bool(n) + [d.Text(line)]
        return tuple(out)
    before: list[d.Block] = [d.Paragraph(lines(letter.salutation or lang["salutation"]),
                                         id="letter.salutation", origin=origin)]
    after: list[d.Block] = [d.Paragraph(lines(letter.closing or lang["closing"]),
                                        id="letter.closing", origin=origin)]
    if letter.signature:  # a gap for the signature, then the signatory's lines
        after.append(d.Paragraph(lines("\n".join(letter.signature)), "after_title",
                                 id="letter.signature", origin=origin))
    count = len(report.annexes)
    if count:
        text = lang["annexes_line"].format(n=count) if count > 1 else lang["annex_line"]
        after.append(d.Paragraph(lines(text), "after_title", id="letter.annexes",
                                 origin=origin))
    return before, after


def printed_defaults(report: m.Report) -> dict[str, tuple[str, str]]:
    """The blocks a letter prints from reportgen's own text, not the content's: block id
    -> (what the text is, the field that replaces it, or "" when none does)."""
    letter = report.document.letter
    if report.document.kind is not m.DocumentKind.letter or letter is None:
        return {}
    out: dict[str, tuple[str, str]] = {}
    if not letter.salutation:
        out["letter.salutation"] = ("salutation", "document.letter.salutation")
    if not letter.closing:
        out["letter.closing"] = ("closing", "document.letter.closing")
    if report.annexes:
        out["letter.annexes"] = ("count of the annexes", "")
    return out


def report_rows(meta: m.Metadata) -> tuple[str, tuple[str, ...]]:
    """A report's month and year under its number (``APRIL 2018``) and the centred lines
    after its Question(s) row: ``TELECOMMUNICATION STANDARDIZATION ADVISORY GROUP`` and
    ``REPORT 2`` for TSAG (TSAG – R 2 – E), ``STUDY GROUP 19 – REPORT 5`` for a study
    group (COM 19 – R 5 – E)."""
    lang = i18n.locale(meta.language)
    day = meta.date or document_day(meta)
    report = lang["report"].format(n=meta.number if meta.number is not None else "").strip()
    if meta.group.upper() == "TSAG":
        lines: tuple[str, ...] = (lang["advisory_group"], report)
    elif meta.group.upper().startswith("SG") and meta.group[2:].isdigit():
        lines = (f"{group_display(meta.group, meta.language)} \u2013 {report}",)
    else:
        lines = (report,)
    return lang.month_year(day).upper() if day else "", lines


def shown_date(day: dt.date, language: str) -> str:
    """``14 December 2018``; a date given as a month (``2018-12``): ``December 2018``."""
    lang = i18n.locale(language)
    return lang.month_year(day) if isinstance(day, m.MonthDate) else lang.long_date(day)


def label_width(cover: d.Cover) -> int:
    """The cover's label column in twips: the template's 2.80 cm, or what its longest
    printed label needs on one line (bold, 12 pt, with the cells' margins), rounded up
    to 10 twips; 0 when the template's width is enough."""
    labels = cover.labels
    printed = [labels.questions, labels.source, labels.title, labels.contact]
    printed += [label for label, value in ((labels.purpose, cover.purpose),
                                           (labels.keywords, cover.keywords),
                                           (labels.abstract, cover.abstract)) if value]
    if cover.liaison is not None:
        printed += [getattr(labels, name) for name in LIAISON_FIELDS
                    if getattr(cover.liaison, name)]
    needed = max(text_width_twips(label, SIZE_BODY, bold=True) for label in printed)
    needed = -(-(needed + 2 * CELL_MARGIN + LABEL_SLACK) // 10) * 10
    return needed if needed > COVER_LABEL_WIDTH else 0


def build_cover(meta: m.Metadata) -> d.Cover:
    old_layout = meta.layout is m.CoverLayout.y2017
    lang = i18n.locale(meta.language)
    meeting = meta.meeting
    place_and_dates = lang["place_and_dates"].format(
        place=meeting.place, dates=lang.date_range(meeting.start, meeting.end)) \
        if meeting else ""
    number = masthead_number(meta)
    cover = d.Cover(
        masthead_number=number,
        group=group_display(meta.group, meta.language),
        study_period=meta.study_period or "",
        original=lang.language_name(meta.original),
        english_only=meta.english_only,
        questions=meta.questions,
        place_and_dates=place_and_dates,
        is_contribution=meta.kind is m.DocumentKind.contribution,
        source=meta.source,
        title=meta.title,
        purpose=lang.purposes.get(str(meta.purpose), str(meta.purpose)) if meta.purpose
        else "",
        contacts=tuple(d.Contact(c.name, c.organization, c.country,
                                 _left_to_right(c.tel) if lang.rtl else c.tel, c.email)
                       for c in meta.contacts),
        keywords="; ".join(meta.keywords) if old_layout else "",
        abstract=meta.abstract,
        abstract_in_header=old_layout,
        action=meta.action,
        labels=cover_labels(meta),
        kind=meta.kind.value,
        running_header=number or meta.group,
        subtitle=meta.subtitle if meta.kind is m.DocumentKind.plain else "",
        liaison=build_liaison(meta),
    )
    if meta.kind is m.DocumentKind.report:
        date, lines = report_rows(meta)
        cover = replace(cover, report_date=date, report_lines=lines)
    if meta.kind is m.DocumentKind.letter:
        return replace(cover, letter=letter_cover(meta))
    return replace(cover, label_width=label_width(cover)) if meta.kind is not \
        m.DocumentKind.plain else cover
