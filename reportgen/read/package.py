"""A DOCX package read with limits: no part is trusted to be what it says it is.

A ZIP member's declared size is not believed: each part is decompressed in chunks and
reading stops as soon as more bytes come out than the cap allows (a ZIP bomb costs the
cap, not the memory it claims). XML is parsed without entity expansion, DTD loading or
network access.
"""

from __future__ import annotations

import copy
import io
import posixpath
import zipfile
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

MAX_PART_BYTES = 64 * 1024 * 1024  # one XML part of a large real document is a few MiB
MAX_PICTURE_BYTES = 20 * 1024 * 1024  # what a figure may weigh in a report
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # everything read from one package
MAX_MEMBERS = 20_000
MAX_PART_NODES = 500_000  # elements and attributes of one XML part, counted before parsing
CHUNK = 64 * 1024
DAMAGED = "the file is damaged or was not saved by a word processor; save it again from " \
          "Word or LibreOffice"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
RT_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


class NotReadable(Exception):
    """The file is not a DOCX this package can read; the message says why."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


class Package:
    """The parts of one DOCX (a file, or its bytes), read on demand within the limits
    above. ``max_part`` bounds one part; the count of members is read from the ZIP's end
    record before its directory is loaded (millions of entries would fill memory)."""

    def __init__(self, source: Path | bytes, max_part: int = MAX_PART_BYTES) -> None:
        self.max_part = max_part
        stream: Path | BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
        members = _declared_members(stream)
        if members is not None and members > MAX_MEMBERS:
            raise NotReadable(f"it holds {members} files, more than the {MAX_MEMBERS} a "
                              f"Word document may: {DAMAGED}")
        try:
            self.zip = zipfile.ZipFile(stream)
            infos = self.zip.infolist()
        except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
            raise NotReadable(f"not a DOCX file (a ZIP package): {_reason(exc)}; pass the "
                              ".docx file as Word or LibreOffice saved it") from None
        if len(infos) > MAX_MEMBERS:
            raise NotReadable(f"the package has {len(infos)} parts, more than a document "
                              f"holds ({MAX_MEMBERS})")
        self.infos = {info.filename: info for info in infos}
        self.names = set(self.infos)
        self.total = 0

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, name: str, cap: int | None = None) -> bytes | None:
        """The bytes of part ``name`` (None when absent), at most ``cap`` of them.

        The size the ZIP headers declare is not trusted: the part is decompressed a chunk
        at a time, the bytes actually produced are counted, and they must then equal the
        declared size (a lying header is damage)."""
        info = self.infos.get(name)
        if info is None:
            return None
        limit = self.max_part if cap is None else cap
        if info.file_size > limit:
            raise NotReadable(f"{name} is {info.file_size} bytes, larger than the {limit} "
                              "a part of a document may have")
        probe = copy.copy(info)
        probe.file_size = limit + 2 * CHUNK  # the data, not the header, says where it ends
        chunks = []
        produced = 0
        try:
            with self.zip.open(probe) as member:
                while chunk := member.read(CHUNK):
                    produced += len(chunk)
                    self.total += len(chunk)
                    if produced > limit:
                        raise NotReadable(f"{name} expands to more than {limit} bytes, "
                                          f"though its header says {info.file_size}: "
                                          f"{DAMAGED}")
                    if self.total > MAX_TOTAL_BYTES:
                        raise NotReadable(f"the package holds more than {MAX_TOTAL_BYTES} "
                                          "bytes, larger than a document")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError, zlib.error) as exc:
            raise NotReadable(f"{name} cannot be unpacked ({_reason(exc)}): "
                              f"{DAMAGED}") from None
        if produced != info.file_size:
            raise NotReadable(f"{name} holds {produced} bytes, though its header says "
                              f"{info.file_size}: {DAMAGED}")
        return b"".join(chunks)

    def xml(self, name: str) -> etree._Element | None:
        """Part ``name`` parsed as XML; None when absent. Its elements and attributes are
        counted before it is parsed (a part of millions of them is refused)."""
        data = self.read(name)
        if data is None:
            return None
        nodes = data.count(b"<") - data.count(b"</") + data.count(b"=")
        if nodes > MAX_PART_NODES:
            raise NotReadable(f"{name} has more than {MAX_PART_NODES} elements and "
                              "attributes, more than a document may")
        try:
            return etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as exc:
            raise NotReadable(f"{name} is not well-formed XML ({exc}): {DAMAGED}") from None

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


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else "it cannot be read"


def _declared_members(source: Path | BinaryIO) -> int | None:
    """How many files the ZIP's end record says it holds: in the last 64 KiB + 22 bytes,
    its signature, then the count at offset 10 (APPNOTE 4.3.16)."""
    try:
        if isinstance(source, Path):
            with source.open("rb") as f:
                tail = _tail(f)
        else:
            tail = _tail(source)
    except OSError:
        return None
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 12 > len(tail):
        return None
    return int.from_bytes(tail[at + 10:at + 12], "little")


def _tail(f: Any) -> bytes:
    f.seek(0, io.SEEK_END)
    size = f.tell()
    f.seek(max(0, size - (65536 + 22)))
    data: bytes = f.read()
    f.seek(0)
    return data
