"""Hostile or careless input is refused with a sentence that names it and says what to
do: no exception's name, no traceback, exit 1 (content) or 2 (usage), memory bounded by
what is actually read, nothing outside the command's own outputs touched."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfWriter

from .conftest import SEED, build_into, need_tool, run_cli, run_measured
from .test_bad_input import VALID
from .word_review import Reviewer

CLASS_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(Error|Exception)\b")
PEAK_MIB = 400  # every input below, whatever it claims or expands to
GIB = 1 << 30


def assert_refused(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output, output
    assert not CLASS_NAME.search(output), output
    for word in words:
        assert word in output, output
    return output


def write_report(folder: Path, text: str = VALID) -> Path:
    folder.mkdir(parents=True)
    (folder / "report.yaml").write_text(text, "utf-8")
    return folder


# ---------------------------------------------------------------- hostile files


def deflated_spaces(total: int, block: int = 1 << 24) -> bytes:
    """A raw deflate stream of ``total`` spaces, made in a moment: after a full flush a
    compressed block is byte-aligned and independent, so one block is repeated."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    if total < block:
        return c.compress(b" " * total) + c.flush()
    first = c.compress(b" " * block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(b" " * block) + c.flush(zlib.Z_FULL_FLUSH)
    count, rest = divmod(total, block)
    return first + again * (count - 1) + c.compress(b" " * rest) + c.flush()


def lying_docx(source: Path, target: Path, part: str, produces: int, declares: int) -> Path:
    """``source`` with ``part`` replaced by a deflated stream of ``produces`` bytes whose
    local and central ZIP headers both declare ``declares``."""
    entries = []
    with zipfile.ZipFile(source) as z:
        for info in z.infolist():
            if info.filename == part:
                crc = zlib.crc32(b" " * produces) if produces < 1 << 20 else 0  # unread
                entries.append((part, deflated_spaces(produces), 8, crc, declares))
            else:
                raw = z.read(info)
                entries.append((info.filename, raw, 0, zlib.crc32(raw), len(raw)))
    out, central = bytearray(), bytearray()
    for name, data, method, crc, size in entries:
        offset, encoded = len(out), name.encode()
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc,
                           len(data), size, len(encoded), 0) + encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21,
                               crc, len(data), size, len(encoded), 0, 0, 0, 0, 0,
                               offset) + encoded
    start = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                                 len(central), start, 0)
    target.write_bytes(bytes(out))
    return target


def with_attachment(pdf: Path, target: Path, name: str, data: bytes = b"x") -> Path:
    """The archived PDF with one more attached file, named ``name``."""
    writer = PdfWriter(clone_from=pdf)
    writer.add_attachment(name, data)
    writer.write(target)
    return target


def with_inflating_attachment(pdf: Path, target: Path, name: str, produces: int) -> Path:
    """The archived PDF with an attachment of a few MB that inflates to ``produces``."""
    doc = pikepdf.open(pdf)
    stream = pikepdf.Stream(doc, b"")
    # zlib's header, as /FlateDecode wants, then the deflated bytes; their checksum would
    # come last, and no reader that stops at its limit gets that far
    stream.write(b"\x78\xda" + deflated_spaces(produces), filter=pikepdf.Name.FlateDecode)
    stream.Type = pikepdf.Name.EmbeddedFile
    spec = doc.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String(name), UF=pikepdf.String(name),
        EF=pikepdf.Dictionary(F=stream)))
    names = doc.Root.Names.EmbeddedFiles.Names
    names.append(pikepdf.String(name))
    names.append(spec)
    doc.save(target)
    return target


def svg_of(shapes: int) -> str:
    rects = '<rect width="1" height="1"/>\n' * shapes
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">\n{rects}</svg>\n'


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The minimal report, its DOCX and its archived PDF (which carries its sources)."""
    base = tmp_path_factory.mktemp("archived")
    report = write_report(base / "content" / "r")
    built = build_into(report, base / "out")
    assert built.pdf is not None
    return report, built.docx, built.pdf


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the minimal report at content/r, committed."""
    need_tool("git")
    top = tmp_path_factory.mktemp("repo")
    write_report(top / "content" / "r")
    write_report(top / "content" / "-r")  # a folder name that looks like an option
    git = ["git", "-C", str(top), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "Rev.0"], check=True)
    return top


Make = Callable[[Path, tuple[Path, Path, Path], Path], list[str]]

# name -> (how to make the command line from tmp_path, the archived report and the
# repository; the words the refusal must hold)
HOSTILE: dict[str, tuple[Make, tuple[str, ...]]] = {
    "git:--output=FILE": (
        lambda tmp, a, repo: ["build", str(repo / "content" / "r"), "--format", "docx",
                              "--out", str(tmp / "out"), "--changes-from",
                              f"git:--output={tmp / 'FILE'}"],
        ("'--output=", "is not a commit of the repository", "name a branch, a tag or a "
         "commit")),
    "git:--list": (
        lambda tmp, a, repo: ["build", str(repo / "content" / "r"), "--format", "docx",
                              "--out", str(tmp / "out"), "--changes-from", "git:--list"],
        ("'--list' is not a commit",)),
    "git:": (
        lambda tmp, a, repo: ["build", str(repo / "content" / "r"), "--format", "docx",
                              "--out", str(tmp / "out"), "--changes-from", "git:"],
        ("name a revision after 'git:'",)),
    "attachment '.'": (
        lambda tmp, a, repo: ["build", str(a[0]), "--format", "docx", "--out",
                              str(tmp / "out"), "--changes-from",
                              str(with_attachment(a[2], tmp / "x.pdf", "."))],
        ("refused the attachment name '.'", "not made by reportgen")),
    "attachment ''": (
        lambda tmp, a, repo: ["build", str(a[0]), "--format", "docx", "--out",
                              str(tmp / "out"), "--changes-from",
                              str(with_attachment(a[2], tmp / "x.pdf", ""))],
        ("refused the attachment name ''", "it is empty")),
    "attachment with NUL": (
        lambda tmp, a, repo: ["build", str(a[0]), "--format", "docx", "--out",
                              str(tmp / "out"), "--changes-from",
                              str(with_attachment(a[2], tmp / "x.pdf", "a\0b.md"))],
        ("refused the attachment name 'a\\x00b.md'", "control character")),
    "attachment 2000 folders deep": (
        lambda tmp, a, repo: ["build", str(a[0]), "--format", "docx", "--out",
                              str(tmp / "out"), "--changes-from",
                              str(with_attachment(a[2], tmp / "x.pdf", "a/" * 2000 + "x.md"))],
        ("more than 32 folders deep",)),
    "attachment inside report.yaml": (
        lambda tmp, a, repo: ["build", str(a[0]), "--format", "docx", "--out",
                              str(tmp / "out"), "--changes-from",
                              str(with_attachment(a[2], tmp / "x.pdf", "report.yaml/x.md"))],
        ("attaches both a file 'report.yaml' and 'report.yaml/x.md'",)),
    "attachment of 2 GiB": (
        lambda tmp, a, repo: ["build", str(a[0]), "--format", "docx", "--out",
                              str(tmp / "out"), "--changes-from",
                              str(with_inflating_attachment(a[2], tmp / "x.pdf", "big.md",
                                                            2 * GIB))],
        ("the attachment 'big.md' expands to more than 20971520 bytes",)),
    "DOCX part lying about its size": (
        lambda tmp, a, repo: ["review", str(lying_docx(a[1], tmp / "x.docx",
                                                       "word/document.xml", 2_100_000_000,
                                                       1000)),
                              "--content", str(a[0])],
        ("word/document.xml expands to more than 33554432 bytes, though its header says "
         "1000", "save it again from Word or LibreOffice")),
    "SVG of 400 000 shapes": (
        lambda tmp, a, repo: ["build", str(svg_report(tmp, 400_000)), "--out",
                              str(tmp / "out")],
        ("report.yaml:31:18: body[0].blocks[1].figure.file: 'fig.svg' has more than 20000 "
         "elements (line 20001)", "simplify the drawing")),
}


def svg_report(tmp: Path, shapes: int) -> Path:
    text = VALID.replace("      - session: one\n", "      - session: one\n"
                         "      - figure: {file: fig.svg, title: Many shapes}\n")
    report = write_report(tmp / "content" / "svg", text)
    (report / "fig.svg").write_text(svg_of(shapes), "utf-8")
    return report


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_input_is_refused_with_a_sentence(case: str, tmp_path: Path,
                                                  archived: tuple[Path, Path, Path],
                                                  repo: Path) -> None:
    make, words = HOSTILE[case]
    (tmp_path / "FILE").write_bytes(b"precious")
    args = make(tmp_path, archived, repo)
    result, peak = run_measured(*args, peak_file=tmp_path / "peak")
    assert_refused(result, 1, *words)
    assert peak < PEAK_MIB, peak
    assert (tmp_path / "FILE").read_bytes() == b"precious"
    assert not (tmp_path / "out").exists()  # nothing built, not even the clean copy


def test_the_svg_limits_are_exact(tmp_path: Path) -> None:
    """20 000 elements pass (the svg element and 19 999 shapes), 20 001 do not; 64 levels
    pass, 65 do not."""
    ok = svg_report(tmp_path / "a", 19_999)
    assert run_cli("check", str(ok)).returncode == 0
    (ok / "fig.svg").write_text(svg_of(20_000), "utf-8")
    assert_refused(run_cli("check", str(ok)), 1, "has more than 20000 elements (line 20001)")
    for groups, refused in ((62, False), (63, True)):  # + the svg and the rect
        (ok / "fig.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">' + "<g>" * groups
            + '<rect width="1" height="1"/>' + "</g>" * groups + "</svg>", "utf-8")
        result = run_cli("check", str(ok))
        if refused:
            assert_refused(result, 1, "report.yaml:31:18: body[0].blocks[1].figure.file: "
                                      "'fig.svg' nests elements more than 64 levels deep")
        else:
            assert result.returncode == 0, result.stderr


def test_git_gets_the_revision_only_as_a_commit(repo: Path, tmp_path: Path) -> None:
    """A real revision works, for a report folder whose name looks like an option too."""
    for name in ("r", "-r"):
        yaml = repo / "content" / name / "report.yaml"  # Rev.1 in the working copy
        yaml.write_text(VALID.replace("  number: 7\n", "  number: 7\n  revision: 1\n"),
                        "utf-8")
        result = run_cli("build", str(repo / "content" / name), "--format", "docx", "--out",
                         str(tmp_path / "out"), "--changes-from", "git:HEAD")
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "out" / name).is_dir()
        marked = sorted((tmp_path / "out" / name).glob("*-marked.docx"))
        assert len(marked) == 1, result.stdout


def test_a_part_must_unpack_to_the_size_it_declares(archived: tuple[Path, Path, Path],
                                                    tmp_path: Path) -> None:
    """A part that tells its size is unpacked and parsed (here: 1000 spaces, no XML);
    one that says a byte less is damage, and so is one that says a byte more."""
    report, docx, _ = archived
    for produces, declares, words in (
            (1000, 1000, "word/document.xml is not well-formed XML"),
            (1000, 999, "word/document.xml holds 1000 bytes, though its header says 999"),
            (1000, 1001, "word/document.xml holds 1000 bytes, though its header says 1001")):
        package = lying_docx(docx, tmp_path / f"{declares}.docx", "word/document.xml",
                             produces, declares)
        assert_refused(run_cli("review", str(package), "--content", str(report)), 1, words,
                       "save it again from Word or LibreOffice")


# ---------------------------------------------------------------- control characters


RAW = ("\u202e", "\u2066", "\x9b", "\x1b")


def reviewed_with_controls(tmp_path: Path) -> tuple[Path, Path]:
    content = tmp_path / "content"
    shutil.copytree(SEED, content / SEED.name)
    folder = content / SEED.name
    built = build_into(folder, tmp_path / "out", "--format", "docx")
    r = Reviewer(built.docx, author="Mallory\u202e")
    r.insert("there are", " evil\u202etxt.exe")  # method.md
    r.insert("You kindly provided some", " \x9b31mred")  # a YAML statement
    r.insert("Report of the TSAG ad hoc group on Quantum", " (final)")  # clean: applied
    r.comment("Quantum experts who are however not familiar", "Look \u2066here\u2069")
    return folder, r.save(tmp_path / "reviewed.docx")


def test_review_shows_control_characters_escaped_and_apply_refuses_them(
        tmp_path: Path) -> None:
    folder, reviewed = reviewed_with_controls(tmp_path)
    listed = run_cli("review", str(reviewed), "--content", str(folder))
    assert listed.returncode == 0, listed.stderr
    out = listed.stdout + listed.stderr
    assert not [c for c in RAW if c in out], ascii(out)
    assert "insertion by Mallory\\u202e" in out and '"evil\\u202etxt.exe"' in out
    assert '"\\u009b31mred"' in out and "Look \\u2066here\\u2069" in out

    as_json = run_cli("review", str(reviewed), "--content", str(folder), "--json")
    assert as_json.returncode == 0 and not [c for c in RAW if c in as_json.stdout]
    texts = [f["text"] for f in json.loads(as_json.stdout)]  # JSON's escapes read back
    assert " evil\u202etxt.exe" in texts and "Look \u2066here\u2069" in texts

    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    method_line = next(n for n, line in enumerate(
        (folder / "method.md").read_text("utf-8").splitlines(), 1) if "there are" in line)
    applied = run_cli("review", str(reviewed), "--content", str(folder), "--apply")
    assert applied.returncode == 1, applied.stderr  # two changes not applied
    assert "1 applied, 2 not applied" in applied.stderr
    assert not [c for c in RAW if c in applied.stdout + applied.stderr]
    refusals = [ln for ln in applied.stderr.splitlines() if ": not applied: " in ln]
    assert len(refusals) == 2, applied.stderr
    assert f"method.md:{method_line}:1: not applied: " in refusals[0], refusals
    assert "it inserts \\u202e (RIGHT-TO-LEFT OVERRIDE)" in refusals[0]
    assert "report.yaml:" in refusals[1] and "it inserts \\u009b" in refusals[1]
    assert applied.stdout.count(": applied: ") == 1, applied.stdout
    for path in folder.iterdir():
        if path.is_file():
            text = path.read_text("utf-8")
            assert not [c for c in RAW if c in text], path
    assert before["method.md"] == (folder / "method.md").read_bytes()
    assert "(final)" in (folder / "report.yaml").read_text("utf-8")


def test_every_command_prints_control_characters_escaped(tmp_path: Path) -> None:
    """Here through a report folder's name, which check, build and their errors print."""
    report = write_report(tmp_path / "content" / "r\u202eevil\x1b[2J")
    checked = run_cli("check", str(report))
    assert checked.returncode == 0, checked.stderr
    assert "r\\u202eevil\\u001b[2J" in checked.stdout
    broken = write_report(tmp_path / "bad\u2067" / "r", VALID.replace("document:", "documnt:"))
    failed = run_cli("check", str(broken))
    assert_refused(failed, 1, "bad\\u2067")
    usage = run_cli("build", "--out\u202e", str(report))  # click's own words
    assert_refused(usage, 2, "No such option: --out\\u202e")
    missing = run_cli("review", str(tmp_path / "gone\x9b.docx"))
    assert_refused(missing, 2, "gone\\u009b.docx: no such file")
    for result in (checked, failed, usage, missing):
        assert not [c for c in (*RAW, "\u2067") if c in result.stdout + result.stderr]
