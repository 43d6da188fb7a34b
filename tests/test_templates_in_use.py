"""The Word template is the user's: a restyled copy, or one saved by LibreOffice, is
picked up by the next build."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from .conftest import ROOT, SEED, libreoffice_pdf, need_tool, normalise, pdf_text, run_cli

TEMPLATE = ROOT / "templates" / "itu-td.docx"


def rewrite_part(docx: Path, name: str, edit: object) -> None:
    """Replace one part of a .docx by ``edit(old_text)``."""
    source = zipfile.ZipFile(io.BytesIO(docx.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == name:
                data = edit(data.decode("utf-8")).encode("utf-8")  # type: ignore[operator]
            z.writestr(info, data)
    docx.write_bytes(out.getvalue())


def normal_size(docx: Path) -> str:
    styles = zipfile.ZipFile(docx).read("word/styles.xml").decode()
    normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', styles, re.S)
    assert normal is not None
    size = re.search(r'<w:sz w:val="(\d+)"', normal.group())
    return size.group(1) if size else ""


def test_a_restyled_template_is_picked_up_by_the_next_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", str(SEED), "--out", str(out), "--format", "docx").returncode == 0
    restyled = tmp_path / "restyled.docx"
    shutil.copy(TEMPLATE, restyled)
    rewrite_part(restyled, "word/styles.xml", lambda xml: re.sub(
        r'(<w:style [^>]*w:styleId="Normal".*?<w:sz w:val=")24(")', r"\g<1>28\g<2>", xml,
        count=1, flags=re.S))
    assert normal_size(restyled) == "28"
    result = run_cli("build", str(SEED), "--out", str(out), "--format", "docx",
                     "--template", str(restyled))
    assert result.returncode == 0 and "built" in result.stdout, result.stdout + result.stderr
    docx = next((out / SEED.name).glob("*.docx"))
    assert normal_size(docx) == "28"


def test_a_template_saved_by_libreoffice_still_builds(tmp_path: Path) -> None:
    soffice = need_tool("soffice")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "lo"),
                    str(TEMPLATE)], capture_output=True, timeout=180, check=False)
    saved = tmp_path / "lo" / "itu-td.docx"
    assert saved.is_file()
    # LibreOffice renames style ids (enumlev1 -> Enumlev1) and drops the empty numbering
    names = zipfile.ZipFile(saved).namelist()
    assert "word/numbering.xml" not in names
    result = run_cli("build", str(SEED), "--out", str(tmp_path / "out"), "--format", "docx",
                     "--template", str(saved))
    assert result.returncode == 0, result.stderr
    docx = next((tmp_path / "out" / SEED.name).glob("*.docx"))
    text = normalise(pdf_text(libreoffice_pdf(docx)))
    for expected in ("TSAG-TD446", "Report of the TSAG ad hoc group on Quantum",
                     "4.1 First adhoc session", "a. organize a workshop",
                     "\u2013 Quantum experts who are however not familiar with ITU-T",
                     "Table 1 \u2013 Documents relevant to the Quantum adhoc sessions"):
        assert expected in text, expected
