"""The six ITU languages: cover labels, dates, captions and file names of a small report
built in each, read back from the DOCX (python-docx) and the PDF (pypdf)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document

from reportgen.prepare import languages as i18n
from reportgen.prepare.languages import LANGUAGES, locale
from tests.conftest import (
    CONTENT,
    build_into,
    docx_paragraph_texts,
    libreoffice_pdf,
    normalise,
    pdf_text,
)
from tests.test_itu_checklist import pdf_words

REPORT = """\
document:
  kind: contribution
  language: {letter}
  layout: "2017-2020"
  group: SG17
  study_period: "2017-2020"
  number: 12
  original: English
  meeting: {{place: "{place}", start: 2018-12-10, end: 2018-12-14}}
  source: TSB
  title: "{title}"
  purpose: Discussion
  contacts: [{{name: Ada Lovelace, tel: "+41 22 000 0000", email: ada@example.org}}]
  keywords: [ITU-T X.509]
  abstract: "{title}"
sessions:
  - {{id: one, title: "{title}", date: 2018-12-11, time: "08:00", room: C}}
body:
  - title: "{title}"
    text: "{title} ITU-T X.509, TD433R1."
    blocks:
      - sessions_table: {{title: "{title}"}}
      - note: "{title}"
annexes:
  - title: "{title}"
    text: "{title}"
"""

# What each language prints, written out here rather than read from the locale files,
# so that a broken or emptied locale fails these tests.
EXPECTED: dict[str, dict[str, str]] = {
    "E": {"place": "Geneva", "title": "Report of the meeting",
          "cover": "INTERNATIONAL TELECOMMUNICATION UNION|TELECOMMUNICATION STANDARDIZATION "
                   "SECTOR|STUDY PERIOD 2017-2020|SG17-C12|STUDY GROUP 17|Original: English|"
                   "Question(s):|Geneva, 10-14 December 2018|Source:|Title:|Purpose:|"
                   "Discussion|Contact:|Tel:|E-mail:|Keywords:|Abstract:",
          "body": "Table 1 – Report of the meeting|Session|Date|Time|Room|Agenda|Minutes|"
                  "Tuesday 11 December 2018|NOTE – Report of the meeting|Annex 1"},
    "F": {"place": "Genève", "title": "Rapport de la réunion",
          "cover": "UNION INTERNATIONALE DES TÉLÉCOMMUNICATIONS|SECTEUR DE LA NORMALISATION "
                   "DES TÉLÉCOMMUNICATIONS|PÉRIODE D'ÉTUDES 2017-2020|SG17-C12|"
                   "COMMISSION D'ÉTUDES 17|Original: anglais|Question(s):|"
                   "Genève, 10-14 décembre 2018|Origine:|Titre:|Objet:|Discussion|Contact:|"
                   "Tél.:|E-mail:|Mots clés:|Résumé:",
          "body": "Tableau 1 – Rapport de la réunion|Séance|Date|Heure|Salle|Ordre du jour|"
                  "Compte rendu|mardi 11 décembre 2018|NOTE – Rapport de la réunion|"
                  "Annexe 1"},
    "S": {"place": "Ginebra", "title": "Informe de la reunión",
          "cover": "UNIÓN INTERNACIONAL DE TELECOMUNICACIONES|SECTOR DE NORMALIZACIÓN DE LAS "
                   "TELECOMUNICACIONES|PERIODO DE ESTUDIOS 2017-2020|SG17-C12|"
                   "COMISIÓN DE ESTUDIO 17|Original: inglés|Cuestión(es):|"
                   "Ginebra, 10-14 de diciembre de 2018|Origen:|Título:|Finalidad:|Discusión|"
                   "Contacto:|Tel.:|Correo-e:|Palabras clave:|Resumen:",
          "body": "Cuadro 1 – Informe de la reunión|Sesión|Fecha|Hora|Sala|Orden del día|Acta|"
                  "martes, 11 de diciembre de 2018|NOTA – Informe de la reunión|Anexo 1"},
    "R": {"place": "Женева", "title": "Отчет о собрании",
          "cover": "МЕЖДУНАРОДНЫЙ СОЮЗ ЭЛЕКТРОСВЯЗИ|СЕКТОР СТАНДАРТИЗАЦИИ ЭЛЕКТРОСВЯЗИ|"
                   "ИССЛЕДОВАТЕЛЬСКИЙ ПЕРИОД 2017-2020 ГГ.|SG17-C12|"
                   "ИССЛЕДОВАТЕЛЬСКАЯ КОМИССИЯ 17|Оригинал: английский|Вопрос(ы):|"
                   "Женева, 10-14 декабря 2018\u00a0г.|Источник:|Название:|Цель:|Обсуждение|"
                   "Контактное лицо:|Тел.:|Эл. почта:|Ключевые слова:|Резюме:",
          "body": "Таблица 1 – Отчет о собрании|Сессия|Дата|Время|Зал|Повестка дня|Протокол|"
                  "вторник, 11 декабря 2018\u00a0г.|ПРИМЕЧАНИЕ – Отчет о собрании|"
                  "Приложение 1"},
    "A": {"place": "جنيف", "title": "تقرير الاجتماع",
          "cover": "الاتحاد الدولي للاتصالات|قطاع تقييس الاتصالات|فترة الدراسة 2020-2017|"
                   "SG17-C12|لجنة الدراسات 17|الأصل: بالإنكليزية|المسألة (المسائل):|"
                   "جنيف، 14-10 ديسمبر 2018|المصدر:|العنوان:|الغرض:|مناقشة|الاتصال:|"
                   "الهاتف:|البريد الإلكتروني:|كلمات رئيسية:|ملخص:",
          "body": "الجدول 1 – تقرير الاجتماع|الجلسة|التاريخ|الوقت|القاعة|جدول الأعمال|المحضر|"
                  "الثلاثاء، 11 ديسمبر 2018|ملاحظة – تقرير الاجتماع|الملحق 1"},
    "C": {"place": "日内瓦", "title": "会议报告",
          "cover": "国际电信联盟|电信标准化部门|2017-2020年研究期|SG17-C12|第17研究组|原文：英文|"
                   "课题：|日内瓦，2018年12月10-14日|来源：|标题：|目的：|讨论|联系人：|电话：|"
                   "电子邮件：|关键词：|摘要：",
          "body": "表 1 – 会议报告|会议|日期|时间|会议室|议程|纪要|2018年12月11日星期二|"
                  "注 – 会议报告|附件 1"},
}


def write_report(folder: Path, letter: str) -> Path:
    """A small contribution in the language ``letter``."""
    report = folder / f"report-{letter.lower()}"
    report.mkdir(parents=True)
    values = EXPECTED[letter]
    (report / "report.yaml").write_text(
        REPORT.format(letter=letter, place=values["place"], title=values["title"]),
        encoding="utf-8")
    return report


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Each language's report, built once: (DOCX, PDF)."""
    root = tmp_path_factory.mktemp("languages")
    out = {}
    for letter in EXPECTED:
        result = build_into(write_report(root / "content", letter), root / "out")
        out[letter] = (result.docx, result.pdf)
    return out


def in_order(texts: list[str], expected: str) -> None:
    """Every ``|``-separated piece occurs in a paragraph at or after the previous one's."""
    pos = 0
    for piece in expected.split("|"):
        for i in range(pos, len(texts)):
            if piece in texts[i]:
                pos = i
                break
        else:
            raise AssertionError(f"{piece!r} missing or out of order in {texts[:60]}")


@pytest.mark.parametrize("letter", list(EXPECTED))
def test_file_names_carry_the_language_letter(built: dict[str, tuple[Path, Path]],
                                              letter: str) -> None:
    docx, pdf = built[letter]
    assert docx.name == f"T17-SG17-C-0012!!MSW-{letter}.docx"
    assert pdf.name == f"T17-SG17-C-0012!!PDF-{letter}.pdf"


@pytest.mark.parametrize("letter", list(EXPECTED))
def test_docx_cover_body_and_dates_in_the_language(built: dict[str, tuple[Path, Path]],
                                                   letter: str) -> None:
    docx, _ = built[letter]
    texts = [t.replace("\t", " ").strip() for t in docx_paragraph_texts(docx)]
    texts = [t for t in texts if t]
    in_order(texts, EXPECTED[letter]["cover"])
    in_order(texts, EXPECTED[letter]["body"])
    assert not any("{{" in t for t in texts)
    core = Document(str(docx)).core_properties
    assert core.language == LANGUAGES[letter]


@pytest.mark.parametrize("letter", [letter for letter in EXPECTED if letter != "A"])
def test_pdf_prints_the_same_labels(built: dict[str, tuple[Path, Path]], letter: str) -> None:
    """The PDF's text (pypdf) holds the same labels and dates in the same order.
    (Arabic is checked from the HTML and with poppler in tests/test_rtl.py: extracted
    right-to-left text comes out in visual order.)"""
    _, pdf = built[letter]
    text = normalise(pdf_text(pdf))
    for part in ("cover", "body"):
        pos = 0
        for piece in EXPECTED[letter][part].split("|"):
            found = text.find(normalise(piece), pos)
            assert found >= 0, f"{letter}: {piece!r} missing or out of order"
            pos = found


def test_every_locale_has_the_english_keys_and_nothing_else() -> None:
    source = Path(i18n.__file__).parents[1] / "locales"
    assert sorted(p.stem for p in source.glob("*.yaml")) == sorted(LANGUAGES.values())
    english = locale("E")
    for letter in LANGUAGES:
        lang = locale(letter)
        assert set(lang.text) == set(english.text)
        for key in ("study_period", "original", "table", "annex", "place_and_dates"):
            assert "{" in lang[key], (letter, key)


@pytest.mark.parametrize(("letter", "expected"), [
    ("E", "28 November-2 December 2018"),
    ("F", "28 novembre-2 décembre 2018"),
    ("S", "28 de noviembre-2 de diciembre de 2018"),
    ("R", "28 ноября-2 декабря 2018\u00a0г."),
    ("A", "28 نوفمبر-2 ديسمبر 2018"),
    ("C", "11月28日-2018年12月2日"),
])
def test_a_meeting_across_two_months(letter: str, expected: str) -> None:
    assert locale(letter).date_range(dt.date(2018, 11, 28), dt.date(2018, 12, 2)) == expected


def test_english_dates_are_unchanged_across_years() -> None:
    english = locale("E")
    assert english.date_range(dt.date(2018, 12, 28), dt.date(2019, 1, 2)) == \
        "28 December 2018-2 January 2019"
    assert english.date_range(dt.date(2018, 12, 10), dt.date(2018, 12, 10)) == \
        "10 December 2018"
    assert english.weekday_date(dt.date(2018, 12, 11)) == "Tuesday 11 December 2018"


@pytest.mark.parametrize("example", ["tsag-2018-12-quantum-adhoc-fr",
                                     "tsag-2018-12-quantum-adhoc-zh"])
def test_libreoffice_puts_every_line_of_a_translation_on_our_page(
        example: str, tmp_path: Path) -> None:
    """The French and Chinese examples page for page: each line that both renderings
    break alike is on the same page in LibreOffice's rendering of the DOCX as in our PDF.
    Chinese lines take the CJK font's height in Word and LibreOffice (17.3 pt at 12 pt),
    not the Latin 13.8 pt; with the Latin height clause 3 moved to page 1 of our PDF."""
    built = build_into(CONTENT / example, tmp_path)
    assert built.pdf is not None
    def pages_of(pdf: Path) -> dict[str, list[int]]:
        """Each word (pdftotext's, a run of CJK text is one) -> the pages it is on."""
        found: dict[str, list[int]] = {}
        for n, words in enumerate(pdf_words(pdf), 1):
            for word in words:
                found.setdefault(word.text, []).append(n)
        return found

    ours, theirs = pages_of(built.pdf), pages_of(libreoffice_pdf(built.docx))
    assert max(max(p) for p in ours.values()) == max(max(p) for p in theirs.values())
    common = [text for text in ours if len(ours[text]) == len(theirs.get(text, ()))]
    assert len(common) >= 0.6 * len(ours)
    moved = {text: (ours[text], theirs[text]) for text in common if ours[text] != theirs[text]}
    assert not moved
