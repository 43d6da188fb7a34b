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
from typer.testing import CliRunner

from reportgen.cli import app
from reportgen.content import checks, yaml_source
from reportgen.writers.docx.template import FOOTNOTES_CT, SafeDocxTemplate, literal

from .conftest import (
    Built,
    build_into,
    docx_paragraph_texts,
    need_tool,
    normalise,
    run_cli,
    run_measured,
)
from .test_bad_input import VALID

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


# ---------------------------------------------------------------- inflation

# What a refusal may cost is bounded by work, never by the clock: the error is found at
# the limit (its place says so), the process's memory stays small, and a generous
# timeout only guards against a hang.
REFUSAL_PEAK_MIB = 400
HANG_GUARD = 120.0


def alias_bomb() -> str:
    """Nine levels of nine aliases: ten lines that stand for 9**9 strings."""
    lines = ["lols:", "  a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  {name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return VALID + "\n".join(lines) + "\n"


def nested(opening: str, inner: str, closing: str) -> str:
    """10 000 levels of one kind of collection where the abstract is."""
    value = opening * 10_000 + inner + closing * 10_000
    return VALID.replace("  abstract: A minimal report.", "  abstract: " + value)


# case -> (report.yaml, a fragment of the first error line)
INFLATING_YAML = {
    "alias-bomb": (alias_bomb, "report.yaml:32:6: lols.a: YAML anchor '&a' is not allowed"),
    "nested-sequences": (lambda: nested("[", "", "]"),
                         "report.yaml:14:77: document.abstract: mappings and sequences nest "
                         "more than 64 levels deep here"),
    "nested-mappings": (lambda: nested("{a: ", "1", "}"),
                        "report.yaml:14:261: document.abstract.a.a.…: mappings and sequences "
                        "nest more than 64 levels deep here"),
}


def run_bounded(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """The command's result and its peak memory (MiB), under a hang guard."""
    return run_measured(*args, peak_file=tmp_path / "peak", timeout=HANG_GUARD)


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("case", list(INFLATING_YAML))
def test_inflating_yaml_is_refused_at_once(tmp_path: Path, case: str, command: str) -> None:
    make, expected = INFLATING_YAML[case]
    report = tmp_path / "content" / "r"
    report.mkdir(parents=True)
    (report / "report.yaml").write_text(make(), "utf-8")
    out = tmp_path / "out"
    result, peak = run_bounded(tmp_path, command, str(report),
                               *(["--out", str(out)] if command == "build" else []))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    lines = [ln for ln in output.splitlines() if "report.yaml:" in ln]
    assert lines and expected in lines[0], output
    assert peak < REFUSAL_PEAK_MIB, peak
    assert not out.exists()


def test_every_anchor_and_alias_is_reported_with_its_place(tmp_path: Path) -> None:
    report = tmp_path / "r"
    report.mkdir()
    (report / "report.yaml").write_text(alias_bomb(), "utf-8")
    output = CliRunner().invoke(app, ["check", str(report)]).output
    lines = [ln for ln in output.splitlines() if "report.yaml:" in ln]
    assert len(lines) == 9 + 8 * 9, output  # every anchor, every alias, nothing more
    assert ":33:10: lols.b[0]: YAML alias '*a' is not allowed; write the value out in full " \
        "here" in lines[2]
    assert lines[-1].endswith(":40:42: lols.i[8]: YAML alias '*h' is not allowed; write the "
                              "value out in full here")


def test_nesting_limit_is_exact(tmp_path: Path) -> None:
    # the abstract sits two mappings deep: 62 sequences make 64 levels, 63 make 65
    for depth in (62, 63):
        text = VALID.replace("  abstract: A minimal report.",
                             "  abstract: " + "[" * depth + "]" * depth)
        report = tmp_path / str(depth)
        report.mkdir()
        (report / "report.yaml").write_text(text, "utf-8")
        output = CliRunner().invoke(app, ["check", str(report)]).output
        if depth == 62:  # read, then refused by the schema: a list where text belongs
            assert "nest more than" not in output
            assert "document.abstract: Input should be a valid string" in output
        else:  # refused at the 63rd bracket, before the schema sees anything
            assert ":14:75: document.abstract[0][0].…: mappings and sequences nest more " \
                "than 64 levels deep here" in output, output
            assert "Input should be" not in output


def test_the_number_of_values_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_source, "MAX_YAML_NODES", 100)
    report = tmp_path / "r"
    report.mkdir()
    keywords = "  keywords: [" + ", ".join(["k"] * 200) + "]\n"
    (report / "report.yaml").write_text(VALID.replace("  abstract:", keywords + "  abstract:"))
    result = CliRunner().invoke(app, ["check", str(report)])
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if "report.yaml:" in ln)
    assert ":14:" in line and "document.keywords" in line, line
    assert "more than 100 keys, values and items; that is the limit" in line
    monkeypatch.undo()
    assert CliRunner().invoke(app, ["check", str(report)]).exit_code == 0


def with_prose(folder: Path, prose: str) -> Path:
    folder.mkdir(parents=True)
    text = VALID.replace("    text: |\n      This is TD7, the minimal report; see also TD8.\n",
                         "    file: prose.md\n")
    (folder / "report.yaml").write_text(text, "utf-8")
    (folder / "prose.md").write_text(prose, "utf-8")
    return folder


INFLATING_MARKDOWN = {
    "nested-quotes": ("TD7 and TD8.\n\n" + ">" * 5000 + " deep\n",
                      "prose.md:3:1: body[0].file: block quotes and lists nest more than 8 "
                      "levels deep here; that is the limit"),
    "nested-emphasis": ("TD7 and TD8.\n\n" + "*" * 2000 + "deep" + "*" * 2000 + "\n",
                        "prose.md:3:1: body[0].file: emphasis, strong text and links nest "
                        "more than 8 levels deep here; that is the limit"),
}


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("case", list(INFLATING_MARKDOWN))
def test_deeply_nested_markdown_is_refused_with_its_place(tmp_path: Path, case: str,
                                                          command: str) -> None:
    """Deeper than the parser keeps, text would vanish; deeper still, it would crash."""
    prose, expected = INFLATING_MARKDOWN[case]
    report = with_prose(tmp_path / "content" / "r", prose)
    out = tmp_path / "out"
    result, peak = run_bounded(tmp_path, command, str(report),
                               *(["--out", str(out)] if command == "build" else []))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert [ln for ln in output.splitlines() if "prose.md:" in ln] == [
        ln for ln in output.splitlines() if expected in ln], output
    assert expected in output, output
    assert peak < REFUSAL_PEAK_MIB, peak
    assert not out.exists()


@pytest.mark.parametrize(("prose", "line"), [
    ("TD7, TD8\n\n" + "> " * 8 + "eight\n\n" + "> " * 9 + "nine\n", 5),
    ("TD7, TD8\n\n- > - > - " + "> " * 3 + "eight\n", None),  # three lists, five quotes
    ("TD7, TD8\n\n" + "*a " * 8 + "x" + " b*" * 8 + "\n\n" + "_a " * 9 + "y" + " b_" * 9 + "\n",
     5),
])
def test_markdown_nesting_limit_is_exact(tmp_path: Path, prose: str, line: int | None) -> None:
    report = with_prose(tmp_path / "r", prose)
    output = CliRunner().invoke(app, ["check", str(report)]).output
    errors = [ln for ln in output.splitlines() if "nest more than 8 levels" in ln]
    if line is None:
        assert errors == [], output
    else:
        assert len(errors) == 1 and f"prose.md:{line}:1: body[0].file: " in errors[0], output


def test_a_markdown_file_used_over_and_over_is_bounded(tmp_path: Path) -> None:
    """A thousand lines of YAML must not stand for a thousand copies of a 31 KB file."""
    report = with_prose(tmp_path / "content" / "r", "TD7 and TD8. " * 2_400 + "\n")
    text = (report / "report.yaml").read_text("utf-8")
    repeated = "      - session: one\n" + "      - file: prose.md\n" * 1000
    (report / "report.yaml").write_text(text.replace("      - session: one\n", repeated))
    result, peak = run_bounded(tmp_path, "check", str(report))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    errors = [ln for ln in output.splitlines() if "report.yaml:" in ln and "warning" not in ln]
    # 31 201 characters a use, the first being body[0].file: blocks[32] passes the limit
    assert len(errors) == 1, output
    assert ":61:9: body[0].blocks[32].file: the report's text adds up to more than 1000000 " \
        "characters here, counting a Markdown file each time it is named" in errors[0]
    assert peak < REFUSAL_PEAK_MIB, peak


def test_the_register_shown_over_and_over_is_bounded(tmp_path: Path) -> None:
    """Seventy documents tables of a 120-document register: 1 124 270 characters."""
    register = "".join(f"  - {{id: C{n}, title: {'t' * 100}}}\n" for n in range(120))
    tables = "".join("      - documents_table: {title: All}\n" for _ in range(70))
    text = VALID.replace("documents:\n", "documents:\n" + register).replace(
        "      - session: one\n", tables)
    report = tmp_path / "content" / "r"
    report.mkdir(parents=True)
    (report / "report.yaml").write_text(text, "utf-8")
    result, peak = run_bounded(tmp_path, "build", str(report), "--out", str(tmp_path / "out"))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    errors = [ln for ln in output.splitlines() if "report.yaml:" in ln and "warning" not in ln]
    assert len(errors) == 1, output
    # each table shows 16 061 characters (122 ids and titles, 2 cells a row counting 15
    # each): the 63rd passes 1 000 000
    assert ":212:9: body[0].blocks[62].documents_table: the report's text adds up to " \
        "more than 1000000 characters here" in errors[0], errors
    assert peak < REFUSAL_PEAK_MIB, peak
    assert not (tmp_path / "out").exists()


def test_shared_parts_count_each_time_they_are_shown(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "MAX_TEXT_CHARS", 1000)
    report = with_prose(tmp_path / "r", "TD7 and TD8. " * 25 + "\n")  # 326 characters
    text = (report / "report.yaml").read_text("utf-8").replace(
        "    time: \"09:30\"\n", "    time: \"09:30\"\n    file: prose.md\n")
    # prose.md counts where it is named (body[0].file, sessions[0].file) and each time the
    # session is shown, its title (12 characters) included
    for shows, refused in ((1, False), (2, True)):  # 326 * 2 + 338 = 990; + 338 = 1328
        blocks = "      - session: one\n" * shows
        (report / "report.yaml").write_text(text.replace("      - session: one\n", blocks))
        output = CliRunner().invoke(app, ["check", str(report)]).output
        assert ("text adds up to more than 1000 characters here" in output) == refused, output
    assert ":31:9: body[0].blocks[1].session: the report's text" in output


def test_table_cells_count_in_the_report_size(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A row of short cells costs the PDF's layout as much as a row of text: each cell of
    a Markdown table or a table block counts CELL_CHARS characters besides its text."""
    monkeypatch.setattr(checks, "MAX_TEXT_CHARS", 1000)
    assert checks.CELL_CHARS == 15

    def markdown_table(rows: int) -> str:  # 18 characters a line, 4 cells a row
        return "| A | B | C | D |\n|---|---|---|---|\n" + "| a | b | c | d |\n" * rows

    for rows, refused in ((9, False), (12, True)):  # 198 + 40 * 15 = 798; 252 + 780 = 1032
        report = with_prose(tmp_path / f"md-{rows}", markdown_table(rows))
        output = CliRunner().invoke(app, ["check", str(report)]).output
        assert ("body[0].file: the report's text adds up to more than 1000 characters here"
                in output) == refused, output
    assert "15 characters for each table cell; that is the limit" in output

    for rows, refused in ((20, False), (40, True)):  # 2 cells of 1 character: 32 a row
        table = "      - table:\n          columns: [{title: A}, {title: B}]\n" \
                "          rows:\n" + "            - [a, b]\n" * rows
        report = with_prose(tmp_path / f"yaml-{rows}", "TD7 and TD8.\n")
        text = (report / "report.yaml").read_text("utf-8")
        (report / "report.yaml").write_text(text.replace("      - session: one\n",
                                                         "      - session: one\n" + table))
        output = CliRunner().invoke(app, ["check", str(report)]).output
        assert ("body[0].blocks[1].table: the report's text adds up to more than 1000 "
                "characters here" in output) == refused, output
