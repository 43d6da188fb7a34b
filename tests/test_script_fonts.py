"""Chinese and Arabic in the PDF: the pinned fonts, loaded by path, whatever fonts the
machine's fontconfig offers."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from reportgen.writers.pdf import script_fonts
from reportgen.writers.pdf.write import FetchRefused, FontMissing, resolve_file_url
from tests.conftest import run_cli
from tests.test_languages import write_report

PINNED = {
    "C": {"LiberationSerif", "LiberationSerif-Bold", "NotoSerifCJKsc-Regular",
          "NotoSerifCJKsc-Bold"},
    "A": {"LiberationSerif", "LiberationSerif-Bold", "Amiri-Regular", "Amiri-Bold"},
}


def need_pinned_fonts() -> None:
    try:
        script_fonts.check(script_fonts.SCRIPT_FONTS)
    except script_fonts.ScriptFontMissing as error:
        import os

        if os.environ.get("CI") == "true":
            pytest.fail(str(error))
        pytest.skip(str(error))


def embedded_programs(pdf_path: Path) -> set[str]:
    """The PostScript names of the font programs embedded in the PDF."""
    names = set()
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                assert stream is not None, font.BaseFont
                names.add(TTFont(io.BytesIO(stream.read_bytes()))["name"].getDebugName(6))
    return names


def build_pdf(report: Path, out: Path, env: dict[str, str] | None = None) -> Path:
    result = run_cli("build", str(report), "--format", "pdf", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    return next((out / report.name).glob("*.pdf"))


@pytest.mark.parametrize("letter", ["C", "A"])
def test_same_pdf_without_any_system_cjk_or_arabic_font(tmp_path: Path, letter: str) -> None:
    """With a fontconfig that offers no font at all, the PDF is byte for byte the one
    of the normal build, and embeds exactly the pinned fonts."""
    need_pinned_fonts()
    report = write_report(tmp_path / "content", letter)
    normal = build_pdf(report, tmp_path / "normal")
    empty = tmp_path / "no-fonts"
    (empty / "fonts").mkdir(parents=True)
    config = empty / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{empty / 'fonts'}</dir><cachedir>{empty / 'cache'}</cachedir>"
        "</fontconfig>\n", encoding="utf-8")
    bare = build_pdf(report, tmp_path / "bare",
                     env={"FONTCONFIG_FILE": str(config), "FONTCONFIG_PATH": str(empty)})
    assert bare.read_bytes() == normal.read_bytes()
    assert embedded_programs(normal) == PINNED[letter]


def test_a_latin_report_loads_no_script_font() -> None:
    assert script_fonts.needed("<p>Report of the meeting, Genève, Женева</p>") == ()
    assert [f.script for f in script_fonts.needed("原文：英文 الأصل")] == ["cjk", "arabic"]


def test_a_missing_pinned_font_is_an_error_naming_its_package(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from dataclasses import replace

    from reportgen.writers.pdf.write import write_pdf

    gone = replace(script_fonts.SCRIPT_FONTS[0], regular=tmp_path / "NotoSerifCJK-Regular.ttc")
    monkeypatch.setattr(script_fonts, "SCRIPT_FONTS", (gone, *script_fonts.SCRIPT_FONTS[1:]))
    with pytest.raises(FontMissing, match=r"NotoSerifCJK-Regular\.ttc.*fonts-noto-cjk"):
        write_pdf("<p>国际电信联盟</p>", report_dir=tmp_path, attachments=[], identifier="x",
                  created=__import__("datetime").datetime(2018, 12, 10))


def test_the_sandbox_opens_the_pinned_files_and_no_other_system_font(tmp_path: Path) -> None:
    need_pinned_fonts()
    pinned = script_fonts.files()
    for path in pinned:
        assert resolve_file_url(path.as_uri(), [tmp_path], pinned) == path.resolve()
    other = script_fonts.NOTO_CJK / "NotoSansCJK-Regular.ttc"
    with pytest.raises(FetchRefused, match="outside"):
        resolve_file_url(other.as_uri(), [tmp_path], pinned)


def test_the_collection_face_is_a_standalone_font() -> None:
    need_pinned_fonts()
    font = script_fonts.SCRIPT_FONTS[0]
    assert font.face is not None
    face = TTFont(io.BytesIO(script_fonts.collection_face(font.regular, font.face)))
    assert face["name"].getDebugName(6) == "NotoSerifCJKsc-Regular"
    assert face.getBestCmap()[ord("国")]
