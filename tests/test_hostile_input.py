"""Report content is data: nothing in it is executed, fetched or interpreted."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from reportgen.writers.docx import FOOTNOTES_CT, SafeDocxTemplate, literal

from .conftest import Built, build_into, docx_paragraph_texts, need_tool, normalise, run_cli

PROBES = [
    "{{ 7*7 }}",
    "{% for x in y %}",
    "<w:p>",
    "</body>",
    "<script>alert(1)</script>",
    "&amp;",
    "{_{ x }_}",
    "\"straight\" 'quotes'",
    "\u201ccurly\u201d \u2018quotes\u2019",
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",  # Hebrew, right to left
    "\u4e2d\u6587\u62a5\u544a",  # Chinese
]
PROBE_LINE = " ".join(PROBES)


def yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def markdown_escaped(text: str) -> str:
    """The probe as Markdown source whose rendering is the probe itself."""
    return text.replace("*", "\\*").replace("_", "\\_").replace("<", "\\<")


def hostile_report(folder: Path) -> Path:
    """Every field and kind of prose carries the probes (Markdown ones escaped)."""
    folder.mkdir(parents=True)
    q = yaml_quote(PROBE_LINE)
    m = yaml_quote(markdown_escaped(PROBE_LINE))
    (folder / "report.yaml").write_text(f"""\
document:
  group: TSAG
  study_period: "2022-2024"
  number: 9
  meeting: {{place: {q}, start: 2023-05-29, end: 2023-06-02}}
  source: {q}
  title: {q}
  contacts:
    - name: {q}
      organization: {q}
      tel: {q}
      email: probe@example.org
  abstract: {q}
  action: {q}
statements:
  - id: s
    delegation: {q}
    file: statement.md
body:
  - title: {q}
    file: prose.md
    blocks:
      - table:
          title: {q}
          columns: [{{title: {q}}}, {{title: B}}]
          rows: [[{m}, {m}]]
      - statement: s
      - note: {m}
""", "utf-8")
    prose = markdown_escaped(PROBE_LINE)
    (folder / "prose.md").write_text(f"{prose}\n\n- {prose}\n", "utf-8")
    (folder / "statement.md").write_text(f"{prose}\n", "utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("hostile")
    return build_into(hostile_report(base / "content" / "probe"), base / "out")


def test_docx_carries_every_probe_literally_everywhere(hostile_build: Built) -> None:
    paragraphs = docx_paragraph_texts(hostile_build.docx)
    hits = [p for p in paragraphs if PROBE_LINE in p]
    # cover: place, source, title, contact name + organization (one cell paragraph), tel,
    # abstract, action (7); body: heading, paragraph, list item, caption, header cell,
    # 2 cells, statement, note (9)
    assert len(hits) == 16, len(hits)
    header = zipfile.ZipFile(hostile_build.docx).read("word/header1.xml").decode()
    assert "49" not in "".join(paragraphs)
    assert "&lt;w:p&gt;" in header or "TSAG-TD9" in header


def test_pdf_carries_every_probe_literally(hostile_build: Built) -> None:
    need_tool("pdftotext")
    text = subprocess.run(["pdftotext", "-raw", str(hostile_build.pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = normalise(text)
    for probe in [*PROBES[:9], PROBES[10]]:
        assert probe in flat, probe
    assert flat.count("{{ 7*7 }}") >= 10
    assert "49" not in flat
    # right-to-left text in logical order: poppler's default (non-raw) mode reorders it
    logical = subprocess.run(["pdftotext", str(hostile_build.pdf), "-"], capture_output=True,
                             text=True, check=True).stdout
    assert logical.count(PROBES[9]) >= 10


def test_docx_xml_is_well_formed_and_reopens(hostile_build: Built) -> None:
    from lxml import etree

    with zipfile.ZipFile(hostile_build.docx) as z:
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(z.read(name))  # raises on malformed XML
    assert Document(str(hostile_build.docx)).paragraphs


def _two_section_template_with_footnote(path: Path) -> None:
    """A template whose footnotes part holds a placeholder, in a 2-section document."""
    doc = Document()
    doc.add_paragraph("Section one")
    doc.add_section()
    doc.add_paragraph("Section two")
    xml = (
        b'<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b'<w:footnote w:id="1"><w:p><w:r><w:t>{{ title }}</w:t></w:r></w:p></w:footnote>'
        b'</w:footnotes>'
    )
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, xml, doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    doc.save(str(path))


def _footnotes_after(template_class: type[DocxTemplate], template: Path, value: object) -> str:
    tpl = template_class(str(template))
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    tpl.render({"title": value}, env)
    out = io.BytesIO()
    tpl.save(out)
    return zipfile.ZipFile(out).read("word/footnotes.xml").decode()


def test_footnotes_are_rendered_once_so_user_text_is_never_jinja(tmp_path: Path) -> None:
    template = tmp_path / "two-sections.docx"
    _two_section_template_with_footnote(template)
    # the library's own render evaluates the user's text on the second section's pass
    assert "49" in _text_of(_footnotes_after(DocxTemplate, template, "{{ 7*7 }}"))
    # each of the two defences closes that path on its own
    for template_class, value in ((SafeDocxTemplate, "{{ 7*7 }}"),
                                  (DocxTemplate, literal("{{ 7*7 }}")),
                                  (SafeDocxTemplate, literal("{{ 7*7 }}"))):
        assert _text_of(_footnotes_after(template_class, template, value)) == "{{ 7*7 }}"


def _text_of(xml: str) -> str:
    from lxml import etree

    return "".join(etree.fromstring(xml.encode()).itertext())


def test_local_listener_receives_no_request(tmp_path: Path) -> None:
    """An http link to a local port is a link, never a fetch."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    connections: list[object] = []

    def accept() -> None:
        for _ in range(60):
            try:
                connections.append(server.accept())
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    report = tmp_path / "content" / "r"
    shutil.copytree(hostile_report(tmp_path / "base"), report)
    (report / "prose.md").write_text(
        f"See [the server](http://127.0.0.1:{port}/x) and <http://127.0.0.1:{port}/y>.\n")
    try:
        result = run_cli("build", str(report), "--out", str(tmp_path / "out"))
    finally:
        thread.join()
        server.close()
    assert result.returncode == 0, result.stderr
    assert connections == []


def test_schema_validator_finds_nothing_wrong(hostile_build: Built, seed_build: Built,
                                               second_build: Built) -> None:
    """openxml-audit checks the parts against the Office Open XML schemas and Word's rules."""
    audit = Path(sys.executable).parent / "openxml-audit"
    for built in (seed_build, second_build, hostile_build):
        result = subprocess.run([str(audit), "-q", str(built.docx)], capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
