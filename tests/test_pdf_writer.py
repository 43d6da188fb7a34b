"""HTML and PDF writers: layout strings, PDF/A, fonts, attachments, outline, sandbox."""

from __future__ import annotations

import io
import re
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from reportgen.content.model import Metadata as Metadata_
from reportgen.prepare.cover import cover_labels
from reportgen.tree import (
    Annex,
    Cell,
    Contact,
    Cover,
    DocRef,
    Document,
    Emphasis,
    Heading,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Metadata,
    Note,
    Paragraph,
    Quote,
    Strong,
    Table,
    Text,
)
from reportgen.writers.html.render import render_html
from reportgen.writers.pdf.write import FetchRefused, make_fetcher, write_pdf

MASTHEAD = "TSAG-TD999-R1"
ENGLISH_LABELS = cover_labels(Metadata_.model_validate({
    "group": "TSAG", "study_period": "2025-2028", "number": 433, "source": "Convener",
    "title": "Report", "abstract": "Report.",
    "meeting": {"place": "Geneva", "start": "2026-01-26", "end": "2026-01-30"}}))
END_MARK = "____________________"
INJECTION = ("{{ 7*7 }} <script>x</script> &amp; \u201cquoted\u201d \u4e2d\u6587 "
             "\u05e2\u05d1\u05e8\u05d9\u05ea")
IMG_ATTEMPT = '<img src="file:///etc/passwd">'
ATTACHMENT = ("report.yaml", "title: Report of the ad hoc group \u2013 \u00e9t\u00e9\n".encode())
CREATED = datetime(2025, 1, 20, 9, 30, tzinfo=UTC)
A4 = (595.28, 841.89)
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# ----------------------------------------------------------------- the document


def t(text: str) -> tuple[Text, ...]:
    return (Text(text),)


def para(text: str, role: str = "normal") -> Paragraph:
    return Paragraph(t(text), role)  # type: ignore[arg-type]


def build_document() -> Document:
    """A small TD touching every node type."""
    cover = Cover(
        masthead_number=MASTHEAD, group="TSAG", study_period="2025-2028", original="English",
        english_only=True, questions="N/A", place_and_dates="Geneva, 26-30 January 2026",
        is_contribution=False, source="Convener, TSAG ad hoc group on quantum",
        title="Report of the TSAG ad hoc group on quantum", purpose="Information",
        contacts=(
            Contact("Ada Lovelace", "Analytical Engines Ltd", "United Kingdom",
                    "+44 20 7946 0000", "ada@example.org"),
            Contact("Grace Hopper", "", "United States", "", "grace@example.org"),
        ),
        keywords="", abstract="This TD contains the report of the ad hoc group.",
        abstract_in_header=False, action="TSAG is invited to note this report.",
        labels=ENGLISH_LABELS, running_header=MASTHEAD,
    )
    metadata = Metadata(
        title="Report of the TSAG ad hoc group on quantum", author="Convener",
        subject="Ad hoc group report", keywords="TSAG; quantum", language="en",
        identifier=MASTHEAD, date="2026-01-30",
    )
    dash = ListBlock(False, 1, "bullet", "\u2013", 1, (
        ListItem("\u2013", (para("first dash item;"),)),
        ListItem("\u2013", (para("second dash item."),)),
    ), 1)
    nested = ListBlock(True, 2, "lower-letter", "{n})", 1, (
        ListItem("a)", (para("sub-item a;"),)),
        ListItem("b)", (para("sub-item b."),)),
    ), 3)
    ordered = ListBlock(True, 1, "decimal", "{n})", 1, (
        ListItem("1)", (para("step one:"), nested)),
        ListItem("2)", (para("step two."),)),
    ), 2)
    table = Table(
        number=1, caption="Table 1 \u2013 Documents",
        header=(Cell(t("Document")), Cell(t("Source")), Cell(t("Title"))),
        rows=(
            (Cell(t("TD433")), Cell(t("Convener")), Cell(t("Draft terms of reference"))),
            (Cell(t("C54")), Cell(t("Member")), Cell(t("Proposal for new work item"))),
        ),
        widths=(0.2, 0.3, 0.5), align=("center", "left", "left"),
    )
    filler = tuple(para(f"Filler paragraph {i}: the group discussed the contributions "
                        "received and agreed on the way forward for the next meeting.")
                   for i in range(1, 31))
    body = (
        Heading(1, "1", t("Introduction"), "intro", "body"),
        Paragraph((
            Text("The group met with "), Emphasis(t("emphasis")), Text(" and "),
            Strong(t("strength")), Text("; see "),
            Link("https://www.itu.int/en/ITU-T/tsag", t("the TSAG page")),
            Text(" and "), DocRef("TD433", "Draft terms of reference"), Text("."),
            LineBreak(), Text("A line after a break."),
        )),
        Heading(2, "1.1", t("Scope"), "scope", "body"),
        para(INJECTION),
        para(IMG_ATTEMPT),
        Heading(1, None, t("Summary of discussions"), "summary", "body"),
        dash,
        ordered,
        table,
        Quote((para("Quantum is interesting."),)),
        Note("NOTE", t("All documents are referenced in the agenda.")),
        *filler,
    )
    annex = Annex(
        label="Annex 1", title="Latest draft ToR status", obligation="",
        blocks=(para("The draft terms of reference follow.", "after_title"),),
        anchor="annex-1",
    )
    return Document(cover=cover, metadata=metadata, body=body, annexes=(annex,),
                    end_mark=END_MARK, heading_start=1)


def build_pdf(report_dir: Path) -> bytes:
    return write_pdf(render_html(build_document()), report_dir=report_dir,
                     attachments=[ATTACHMENT], identifier=MASTHEAD, created=CREATED)


# ------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reports")
    (root / "outside.txt").write_text("secret\n")
    inside = root / "report"
    inside.mkdir()
    (inside / "inside.css").write_text("p { color: black; }\n")
    return inside


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(build_document())


@pytest.fixture(scope="module")
def pdf_bytes(report_dir: Path) -> bytes:
    data = build_pdf(report_dir)
    Path("/tmp/reportgen-test.pdf").write_bytes(data)  # handy for a look with pdftoppm
    return data


@pytest.fixture(scope="module")
def pages(pdf_bytes: bytes) -> list[str]:
    count = len(PdfReader(io.BytesIO(pdf_bytes)).pages)
    return [pdftotext(pdf_bytes, n) for n in range(1, count + 1)]


def pdftotext(pdf: bytes, page: int | None = None) -> str:
    """The text of ``pdf`` (or one page) by poppler, without bidi control characters.

    poppler rather than pypdf: WeasyPrint writes a custom CMap for a font with missing
    glyphs (the CJK sample has none in Liberation Serif), which pypdf cannot decode.
    ``-raw`` (content order) because the default mode drops the spaces of "- 2 -" and
    joins "-" at a line end with the next line (de-hyphenation).
    """
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required by these tests")
    args = ["pdftotext", "-raw", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    result = subprocess.run([*args, "-", "-"], input=pdf, capture_output=True, check=True)
    return BIDI_CONTROLS.sub("", result.stdout.decode("utf-8"))


# ------------------------------------------------------------------------ HTML


def test_html_escapes_user_text_and_prints_labels(html: str) -> None:
    assert "{{ 7*7 }}" in html and "49" not in html
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&amp;amp;" in html
    assert "<img" not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert '<html lang="en" dir="ltr">' in html
    assert "<title>Report of the TSAG ad hoc group on quantum</title>" in html
    assert '<meta name="keywords" content="TSAG; quantum">' in html
    assert '<meta name="dcterms.created" content="2026-01-30">' in html
    assert '<meta name="generator" content="reportgen">' in html
    for label in ("Question(s):", "Source:", "Title:", "Purpose:", "Abstract:", "Tel:",
                  "E-mail:", "Action:"):
        assert label in html
    assert html.count('<th scope="row">Contact:</th>') == 2
    assert "Keywords:" not in html and "CONTRIBUTION" not in html
    assert html.count("Tel:") == 1  # the second contact has no phone
    label = '<span class="label" style="min-width:{};padding-inline-end:0.15cm">{}</span>'
    assert label.format("1.25cm", "1)") in html
    assert label.format("0.55cm", "a)") in html
    assert '<p class="table-title">Table 1 \u2013 Documents</p>' in html
    assert '<p class="note">NOTE \u2013 All documents' in html
    assert '<span class="docref" title="Draft terms of reference">TD433</span>' in html
    assert '<a href="https://www.itu.int/en/ITU-T/tsag">' in html
    assert '<p class="headingb hb1" id="summary">Summary of discussions</p>' in html
    assert '<h1 class="annex-title" data-bookmark="Annex 1 \u2013 Latest draft ToR status">' \
        'Annex 1<br><br>Latest draft ToR status</h1>' in html


def test_links_only_for_web_and_mail() -> None:
    doc = build_document()
    bad = Paragraph((Link("javascript:alert(1)", t("js")), Link("file:///etc/passwd", t("f")),
                     Link("mailto:a@example.org", t("mail"))))
    html = render_html(Document(doc.cover, doc.metadata, (bad,), (), "", 1))
    assert "javascript:" not in html and "file:///etc/passwd" not in html
    assert '<a href="mailto:a@example.org">mail</a>' in html


# ------------------------------------------------------------------------- PDF


def test_page_size_is_a4(pdf_bytes: bytes) -> None:
    for page in PdfReader(io.BytesIO(pdf_bytes)).pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 1 and abs(float(box.height) - A4[1]) < 1


def flat(text: str) -> str:
    """``text`` with every run of whitespace (line ends included) as one space."""
    return " ".join(text.split())


def test_cover_on_page_one_without_header(pages: list[str]) -> None:
    first = flat(pages[0])
    for text in ("INTERNATIONAL TELECOMMUNICATION UNION",
                 "TELECOMMUNICATION STANDARDIZATION SECTOR", "STUDY PERIOD 2025-2028",
                 MASTHEAD, "TSAG", "English only", "Original: English", "Question(s):",
                 "Geneva, 26-30 January 2026", "Source:", "Title:", "Purpose:",
                 "Ada Lovelace", "Grace Hopper", "Abstract:", "Action:"):
        assert text in first, text
    assert first.count("Contact:") == 2
    assert "Keywords:" not in first and "CONTRIBUTION" not in first
    assert "- 1 -" not in first
    assert first.index("Question(s):") < first.index("Source:") < first.index("Title:") \
        < first.index("Contact:") < first.index("Abstract:") < first.index("1 Introduction")


def test_running_header_from_page_two(pages: list[str]) -> None:
    assert len(pages) >= 3
    for number, text in enumerate(pages[1:], start=2):
        assert f"- {number} -" in text
        assert MASTHEAD in text


def test_last_text_is_end_mark(pages: list[str]) -> None:
    # -raw gives content order: the page's body, then its running header
    header = f"- {len(pages)} -\n{MASTHEAD}"
    last = pages[-1].strip()
    assert last.endswith(header)
    assert last.removesuffix(header).strip().endswith(END_MARK)
    assert "Annex 1" in pages[-1] and "Latest draft ToR status" in pages[-1]
    assert "Annex 1" not in "".join(pages[:-1])  # the annex starts on a new page


def test_body_text(pages: list[str]) -> None:
    text = flat("\n".join(pages))
    for snippet in ("Introduction", "Scope", "Summary of discussions", "first dash item;",
                    "sub-item a;", "Table 1 \u2013 Documents", "Draft terms of reference",
                    "NOTE \u2013 All documents", "Quantum is interesting.", "TD433"):
        assert snippet in text, snippet


def test_user_text_comes_out_literally(pdf_bytes: bytes) -> None:
    text = flat(pdftotext(pdf_bytes))
    assert INJECTION in text
    assert IMG_ATTEMPT in text
    assert "49" not in text.split("Scope")[1].split("Summary")[0]


def _fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    fonts: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            fonts[font.objgen] = font
    return list(fonts.values())


def test_only_bundled_fonts_all_embedded(pdf_bytes: bytes) -> None:
    """Every Latin font is an embedded subset of the bundled Liberation Serif files.

    The PDF font names come from the CSS family ("ITU Serif" → ITU-Serif-Bold); the
    embedded font programs keep their own names (LiberationSerif-Bold), checked here.
    Chinese text, which Liberation Serif has no glyphs for, uses the pinned Noto Serif
    CJK SC (tests/test_script_fonts.py), embedded too.
    """
    programs = set()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        fonts = _fonts(pdf)
        assert fonts
        for font in fonts:
            descriptor = font.DescendantFonts[0].FontDescriptor
            if re.fullmatch(r"/[A-Z]{6}\+ITU-CJK(-Bold)?", str(font.BaseFont)):
                cjk = TTFont(io.BytesIO(descriptor.FontFile3.read_bytes()))
                assert cjk["name"].getDebugName(6).startswith("NotoSerifCJKsc-")
                continue
            assert re.fullmatch(r"/[A-Z]{6}\+ITU-Serif(-[A-Za-z]+)?", str(font.BaseFont))
            assert "/FontFile2" in descriptor, font.BaseFont
            program = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
            programs.add(program["name"].getDebugName(6))
    assert programs == {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"}


def test_pdfa3a_and_pdfua1_metadata_and_output_intent(pdf_bytes: bytes) -> None:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert "/Filter" not in pdf.Root.Metadata  # one uncompressed XMP packet
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3"
        assert meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert pdf.Root.MarkInfo.Marked is True
        assert len(pdf.Root.OutputIntents) >= 1
        assert str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo.Title) == "Report of the TSAG ad hoc group on quantum"
        assert str(pdf.docinfo.Author) == "Convener"
        assert str(pdf.docinfo.Creator) == "reportgen"
        assert bytes(pdf.trailer.ID[0]) == MASTHEAD.encode()


def test_table_headers_carry_their_scope(html: str, pdf_bytes: bytes) -> None:
    """Column headers in the table's header row, row headers for the cover's labels; each
    data cell names its headers."""
    assert '<th scope="col">Document</th>' in html
    assert '<th scope="row">Source:</th>' in html
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        tagged = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)
                  and o.get("/Type") == "/StructElem"]
        headers = [o for o in tagged if o.S == "/TH"]
        assert {str(o.A.Scope) for o in headers} == {"/Column", "/Row"}
        for cell in headers:  # column headers in THead (under TR), row headers elsewhere
            assert str(cell.A.Scope) == ("/Column" if cell.P.P.S == "/THead" else "/Row")
        scope_of = {bytes(o.ID): str(o.A.Scope) for o in headers}
        named = [[scope_of[bytes(h)] for h in o.A.Headers] for o in tagged if o.S == "/TD"
                 and "/Headers" in o.A]
        assert ["/Column"] in named  # a cell of the documents table
        assert ["/Row"] in named  # a cell of the cover, beside its label


def test_attachment_is_associated_source_file(pdf_bytes: bytes) -> None:
    name, data = ATTACHMENT
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert pdf.attachments[name].get_file().read_bytes() == data
        assert [str(spec.AFRelationship) for spec in pdf.Root.AF] == ["/Source"]


def test_outline(pdf_bytes: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf_bytes))

    def titles(items: list) -> list[str]:
        out: list[str] = []
        for item in items:
            out += titles(item) if isinstance(item, list) else [item.title]
        return out

    # an unnumbered clause (Heading_b) too, at its level
    assert titles(reader.outline) == ["1 Introduction", "1.1 Scope", "Summary of discussions",
                                      "Annex 1 \u2013 Latest draft ToR status"]


def test_identical_bytes_across_processes(pdf_bytes: bytes, report_dir: Path,
                                          tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from test_pdf_writer import build_pdf;"
        "Path(sys.argv[3]).write_bytes(build_pdf(Path(sys.argv[2])))"
    )
    outputs = []
    for i in range(2):
        out = tmp_path / f"run{i}.pdf"
        subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent),
                        str(report_dir), str(out)], check=True, cwd=Path(__file__).parents[1],
                       timeout=120)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == pdf_bytes


# --------------------------------------------------------------------- sandbox


def test_fetcher_refuses_files_outside(report_dir: Path) -> None:
    fetcher = make_fetcher(report_dir)
    with pytest.raises(FetchRefused, match="file:///etc/passwd"):
        fetcher.fetch("file:///etc/passwd")
    escape = report_dir.as_uri() + "/../outside.txt"
    with pytest.raises(FetchRefused, match=re.escape("/../outside.txt")):
        fetcher.fetch(escape)
    response = fetcher.fetch((report_dir / "inside.css").as_uri())
    assert response.read() == b"p { color: black; }\n"
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


def test_render_stops_on_refused_resource(report_dir: Path) -> None:
    escape = report_dir.as_uri() + "/../outside.txt"
    for url, html in (("file:///etc/passwd", '<p><img src="file:///etc/passwd"></p>'),
                      (escape, f'<link rel="attachment" href="{escape}"><p>x</p>')):
        with pytest.raises(FetchRefused, match=re.escape(url)):
            write_pdf(html, report_dir=report_dir, attachments=[], identifier="x",
                      created=CREATED)


class _Listener:
    """A TCP listener on 127.0.0.1 that records whether anybody connected."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


def test_no_network_access(report_dir: Path) -> None:
    listener = _Listener()
    url = f"http://127.0.0.1:{listener.port}/x.png"
    try:
        with pytest.raises(FetchRefused, match=re.escape(url)):
            make_fetcher(report_dir).fetch(url)
        for html in (f'<img src="{url}">', f'<link rel="stylesheet" href="{url}">',
                     f'<p style="background: url({url})">x</p>'):
            with pytest.raises(FetchRefused, match=re.escape(url)):
                write_pdf(html, report_dir=report_dir, attachments=[], identifier="x",
                          created=CREATED)
    finally:
        listener.close()
    assert listener.connections == 0


def test_data_url_and_report_file_are_served(report_dir: Path) -> None:
    css = (report_dir / "inside.css").as_uri()
    html = (f'<link rel="stylesheet" href="{css}">'
            '<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACwAAAAAAQABAAA=">ok</p>')
    pdf = write_pdf(html, report_dir=report_dir, attachments=[], identifier="x",
                    created=CREATED)
    assert pdf.startswith(b"%PDF-")


def test_missing_font_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                  report_dir: Path) -> None:
    import reportgen.writers.pdf.write as pdf_writer

    monkeypatch.setattr(pdf_writer, "fonts_dir", lambda: tmp_path)
    with pytest.raises(pdf_writer.FontMissing, match=r"LiberationSerif-Regular\.ttf"):
        write_pdf("<p>x</p>", report_dir=report_dir, attachments=[], identifier="x",
                  created=CREATED)


def test_import_does_not_load_weasyprint() -> None:
    code = ("import sys, reportgen.writers.pdf, reportgen.writers.html;"
            "assert 'weasyprint' not in sys.modules, 'weasyprint imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


def test_contribution_cover_with_abstract_in_header() -> None:
    doc = build_document()
    cover = replace(doc.cover, is_contribution=True, abstract_in_header=True, purpose="",
                    keywords="TSAG; report", contacts=(*doc.cover.contacts,
                                                       Contact("", "", "", "", "")))
    html = render_html(replace(doc, cover=cover))
    assert html.count("CONTRIBUTION") == 1
    assert "Purpose:" not in html
    assert '<th scope="row">Keywords:</th><td colspan="2">TSAG; report' in html
    assert html.count('<th scope="row">Contact:</th>') == 2  # the empty contact is dropped
    assert '<tr class="abstract">' in html and '<table class="abstract">' not in html
    assert html.index("Keywords:") < html.index("Abstract:") < html.index("Action:")
