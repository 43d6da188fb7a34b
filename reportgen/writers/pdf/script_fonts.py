"""The pinned fonts for Chinese and Arabic text in the PDF.

Latin and Cyrillic text uses the bundled Liberation Serif (report.css). Chinese and
Arabic glyphs come from two fixed font files installed by the Debian packages that
``make system-deps`` installs: Noto Serif CJK SC and Amiri. They are loaded by path
through ``@font-face`` only when the document holds such text, and never looked up
through fontconfig, so the PDF is the same whatever fonts the machine offers.

Noto Serif CJK ships as a font collection (.ttc) whose first face is the Japanese one;
the URL names the Simplified Chinese face (``#face=2``) and the fetcher serves that face
alone, as a standalone OpenType font.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
AMIRI = Path("/usr/share/fonts/opentype/fonts-hosny-amiri")
FACE_FRAGMENT = re.compile(r"^face=(\d+)$")


@dataclass(frozen=True)
class ScriptFont:
    """The font of one script: a CSS family, a file (and face) per weight, its package."""

    script: str
    family: str
    regular: Path
    bold: Path
    face: int | None  # the face of a collection, None for a single font file
    package: str
    characters: re.Pattern[str]

    def url(self, path: Path) -> str:
        return path.as_uri() + (f"#face={self.face}" if self.face is not None else "")


SCRIPT_FONTS = (
    ScriptFont("cjk", "ITU CJK", NOTO_CJK / "NotoSerifCJK-Regular.ttc",
               NOTO_CJK / "NotoSerifCJK-Bold.ttc", 2, "fonts-noto-cjk",
               re.compile("[\u2e80-\u2fdf\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff"
                          "\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0002fa1f]")),
    ScriptFont("arabic", "ITU Arabic", AMIRI / "Amiri-Regular.ttf", AMIRI / "Amiri-Bold.ttf",
               None, "fonts-hosny-amiri",
               re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff"
                          "\ufe70-\ufeff]")),
)


class ScriptFontMissing(Exception):
    """A pinned font file is not installed."""


def needed(text: str) -> tuple[ScriptFont, ...]:
    """The script fonts ``text`` needs, in a fixed order."""
    return tuple(font for font in SCRIPT_FONTS if font.characters.search(text))


def files(fonts: tuple[ScriptFont, ...] = SCRIPT_FONTS) -> tuple[Path, ...]:
    """The font files of ``fonts``: the only files outside the sandbox a render reads."""
    return tuple(path for font in fonts for path in (font.regular, font.bold))


def check(fonts: tuple[ScriptFont, ...]) -> None:
    """Raise ``ScriptFontMissing`` naming the file and its package if one is absent."""
    for font in fonts:
        for path in (font.regular, font.bold):
            if not path.is_file() or path.stat().st_size == 0:
                raise ScriptFontMissing(
                    f"font file missing: {path} (the {font.script.upper()} text needs it; "
                    f"install the Debian package {font.package}, e.g. with 'make "
                    "system-deps'; the PDF writer never falls back to other fonts)")


def font_faces(fonts: tuple[ScriptFont, ...]) -> str:
    """The ``@font-face`` rules of ``fonts``, by absolute file URL."""
    rules = []
    for font in fonts:
        for weight, path in (("normal", font.regular), ("bold", font.bold)):
            rules.append(f'@font-face {{ font-family: "{font.family}"; '
                         f'src: url("{font.url(path)}"); font-weight: {weight}; '
                         "font-style: normal; }")
    return "\n".join(rules)


def face_of(fragment: str) -> int | None:
    """``face=2`` -> 2; anything else -> None."""
    match = FACE_FRAGMENT.match(fragment)
    return int(match.group(1)) if match else None


@lru_cache(maxsize=2)
def collection_face(path: Path, index: int) -> bytes:
    """Face ``index`` of a font collection (.ttc) as a standalone font: its table
    directory rewritten with the tables it uses, copied byte for byte (the ``head``
    table's whole-font checksum stays the collection's; no renderer checks it)."""
    data = path.read_bytes()
    tag, _version, count = struct.unpack(">4sLL", data[:12])
    if tag != b"ttcf" or not 0 <= index < count:
        raise ScriptFontMissing(f"{path} has no face {index}")
    (offset,) = struct.unpack(">L", data[12 + 4 * index:16 + 4 * index])
    _sfnt, num_tables = struct.unpack(">LH", data[offset:offset + 6])
    records = [struct.unpack(">4sLLL", data[offset + 12 + 16 * i:offset + 28 + 16 * i])
               for i in range(num_tables)]
    header_size = 12 + 16 * num_tables
    directory = bytearray(data[offset:offset + 12])
    body = bytearray()
    for tag_, checksum, start, length in records:
        directory += struct.pack(">4sLLL", tag_, checksum, header_size + len(body), length)
        body += data[start:start + length]
        body += b"\0" * (-len(body) % 4)
    return bytes(directory + body)
