"""Every example's PDF, and a marked copy, claims PDF/A-3a and PDF/UA-1 in its XMP and
passes both profiles of an independent validator (page-validation: veraPDF's rules, no
JVM)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import page
import pikepdf
import pytest

from .conftest import CONTENT, SEED, run_cli
from .test_revisions import revise

EXAMPLES = sorted(p.name for p in CONTENT.iterdir() if (p / "report.yaml").is_file())
MARKED = "marked copy"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example's PDF, built once in one process, as ``reportgen build`` does."""
    out = tmp_path_factory.mktemp("examples")
    result = run_cli("build", str(CONTENT), "--format", "pdf", "--out", str(out))
    assert result.returncode == 0, result.stderr
    # a revision with its changes marked (insertions, deletions, a new table row)
    revised = out / "revised" / SEED.name
    shutil.copytree(SEED, revised)
    revise(revised)
    result = run_cli("build", str(revised), "--format", "pdf", "--out", str(out / MARKED),
                     "--changes-from", str(SEED))
    assert result.returncode == 0, result.stderr
    return out


def example_pdf(built: Path, name: str) -> bytes:
    if name == MARKED:
        pdfs = sorted((built / MARKED / SEED.name).glob("*-marked.pdf"))
        assert len(pdfs) == 1, pdfs
        return pdfs[0].read_bytes()
    pdfs = sorted((built / name).glob("*.pdf"))
    assert len(pdfs) == 1, f"{name}: {pdfs}"
    return pdfs[0].read_bytes()


def claims(data: bytes) -> dict[str, str]:
    """The conformance claims of the XMP packet; the packet must not be compressed."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Filter" not in pdf.Root.Metadata, "the XMP packet is compressed"
        meta = pdf.open_metadata()
        return {key: str(meta.get(key, "")) for key in
                ("pdfaid:part", "pdfaid:conformance", "pdfuaid:part")}


def failures(data: bytes, profile: str) -> list[str]:
    report = page.validate_pdf_bytes(data, profile=profile)
    found = [f"{f.rule_id}: {f.message}" for f in report.failures]
    assert report.is_compliant or found, f"not compliant with {profile}, no failure named"
    return found


def test_every_example_is_checked() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("name", [*EXAMPLES, MARKED])
def test_example_claims_pdfa_3a_and_pdfua_1(built: Path, name: str) -> None:
    assert claims(example_pdf(built, name)) == {
        "pdfaid:part": "3", "pdfaid:conformance": "A", "pdfuaid:part": "1"}


@pytest.mark.parametrize("name", [*EXAMPLES, MARKED])
@pytest.mark.parametrize("profile", ["pdfa", "pdfua"])
def test_example_passes_the_validator(built: Path, name: str, profile: str) -> None:
    data = example_pdf(built, name)
    claimed = claims(data)
    if profile == "pdfa":  # the level the file claims, e.g. "3a"
        assert claimed["pdfaid:part"] and claimed["pdfaid:conformance"], "no PDF/A claim"
        checked = claimed["pdfaid:part"] + claimed["pdfaid:conformance"].lower()
    else:
        assert claimed["pdfuaid:part"] == "1", "no PDF/UA-1 claim"
        checked = "ua1"
    assert failures(data, checked) == []


def test_the_validator_sees_a_missing_claim(built: Path) -> None:
    """A file without the PDF/UA claim fails the PDF/UA profile: the check is not idle."""
    data = example_pdf(built, EXAMPLES[0])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            del meta["pdfuaid:part"]
        out = io.BytesIO()
        pdf.save(out, compress_streams=False)
    assert any("PDFUA1-ID" in f for f in failures(out.getvalue(), "ua1"))
