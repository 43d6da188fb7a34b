"""A DOCX package read with limits: no part is trusted to be what it says it is.

A ZIP member's declared size is not believed: each part is decompressed in chunks and
reading stops as soon as more bytes come out than the cap allows (a ZIP bomb costs the
cap, not the memory it claims). XML is parsed without entity expansion, DTD loading or
network access.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

MAX_PART_BYTES = 64 * 1024 * 1024  # one XML part of a large real document is a few MiB
MAX_PICTURE_BYTES = 20 * 1024 * 1024  # what a figure may weigh in a report
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # everything read from one package
MAX_MEMBERS = 20_000
CHUNK = 64 * 1024
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
RT_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


class NotReadable(Exception):
    """The file is not a DOCX this package can read; the message says why."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


class Package:
    """The parts of one DOCX, read on demand within the limits above."""

    def __init__(self, path: Path) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            raise NotReadable(f"not a DOCX file (a ZIP package): {exc}") from None
        try:
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError) as exc:  # pragma: no cover - defensive
            raise NotReadable(f"a damaged ZIP package: {exc}") from None
        if len(infos) > MAX_MEMBERS:
            raise NotReadable(f"the package has {len(infos)} parts, more than a document "
                              f"holds ({MAX_MEMBERS})")
        self.names = {info.filename for info in infos}
        self.total = 0

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, name: str, cap: int = MAX_PART_BYTES) -> bytes | None:
        """The bytes of part ``name`` (None when absent), at most ``cap`` of them."""
        if name not in self.names:
            return None
        out = bytearray()
        try:
            with self.zip.open(name) as member:
                while True:
                    chunk = member.read(CHUNK)
                    if not chunk:
                        break
                    out += chunk
                    self.total += len(chunk)
                    if len(out) > cap:
                        raise NotReadable(f"part {name} is larger than {cap} bytes")
                    if self.total > MAX_TOTAL_BYTES:
                        raise NotReadable(f"the package holds more than {MAX_TOTAL_BYTES} "
                                          "bytes")
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError) as exc:
            raise NotReadable(f"part {name} cannot be read: {exc}") from None
        return bytes(out)

    def xml(self, name: str) -> etree._Element | None:
        """Part ``name`` parsed as XML; None when absent."""
        data = self.read(name)
        if data is None:
            return None
        try:
            return etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as exc:
            raise NotReadable(f"part {name} is not well-formed XML: {exc}") from None

    def relationships(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """The relationships of ``part``: id -> (type, target, external); an internal
        target is resolved to a part name."""
        folder, base = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, tuple[str, str, bool]] = {}
        if rels is None:
            return out
        for rel in rels.iter(f"{REL}Relationship"):
            external = rel.get("TargetMode", "") == "External"
            target = rel.get("Target", "")
            if not external:
                target = posixpath.normpath(posixpath.join(folder, target)).lstrip("/") \
                    if not target.startswith("/") else target.lstrip("/")
            out[rel.get("Id", "")] = (rel.get("Type", ""), target, external)
        return out
