"""The image of a figure: found inside the report folder, checked, measured.

A figure's file is named relative to ``report.yaml`` and must stay inside the report
folder (no absolute path, no ``..`` leading out, no URL). Its kind is told by its first
bytes, never by its extension: PNG, JPEG or SVG. Bytes and pixels are bounded before
anything is decoded, so a hostile file cannot inflate memory, and a raster image is
decoded once here, so a truncated or corrupt file is refused when the report is checked,
not when it is rendered. An SVG may refer to nothing outside itself: every link
(``href``, ``url(…)``, ``@import``, a DOCTYPE) other than a ``#fragment`` is refused,
so rendering it never fetches a file or the network.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_IMAGE_BYTES = 100 * 1024 * 1024  # all the figures' files of one report
MAX_IMAGE_PIXELS = 50_000_000
# An SVG's cost is in its elements, not its bytes: rendering takes about half a
# millisecond per element (twice: the PDF, and the DOCX's PNG fallback)
MAX_SVG_ELEMENTS = 20_000
MAX_SVG_DEPTH = 64  # elements inside one another
DEFAULT_DPI = 96.0  # a raster image without a resolution, and an SVG's px
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
SVG_NS = "http://www.w3.org/2000/svg"
ImageFormat = Literal["png", "jpeg", "svg"]
CONTENT_TYPES: dict[str, str] = {"png": "image/png", "jpeg": "image/jpeg",
                                 "svg": "image/svg+xml"}
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*$")
_CM_PER_UNIT = {"": 2.54 / 96, "px": 2.54 / 96, "pt": 2.54 / 72, "pc": 2.54 / 6,
                "mm": 0.1, "cm": 1.0, "in": 2.54}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)


class ImageProblem(ValueError):
    """The image cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class LoadedImage:
    """A checked image: its bytes and its natural size."""

    name: str  # relative POSIX name inside the report folder
    path: Path  # resolved
    format: ImageFormat
    data: bytes
    width_px: int  # raster pixels; an SVG's size in CSS px
    height_px: int
    dpi: float  # the resolution its natural size is measured in

    @property
    def natural_width_cm(self) -> float:
        return self.width_px / self.dpi * 2.54

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def resolve(root: Path, name: str) -> Path:
    """The file ``name`` names inside ``root``; ``ImageProblem`` if it leads elsewhere."""
    if not name.strip():
        raise ImageProblem("no file named")
    if _URL_SCHEME.match(name) and not re.match(r"^[A-Za-z]:[\\/]", name):
        raise ImageProblem(f"{name!r} is a URL; name a file inside the report's folder")
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", name):
        raise ImageProblem(f"{name!r} is an absolute path; name the file relative to "
                           "report.yaml, inside the report's folder")
    if ".." in pure.parts:
        raise ImageProblem(f"{name!r} leads out of the report's folder ('..'); keep "
                           "figures inside it")
    base = root.resolve()
    target = (base / pure).resolve()
    if not target.is_relative_to(base):
        raise ImageProblem(f"{name!r} is outside the report's folder")
    if not target.is_file():
        raise ImageProblem(f"image file {name!r} not found beside report.yaml")
    return target


def load_image(root: Path, name: str) -> LoadedImage:
    """Find, read, identify and measure the image ``name`` of the report at ``root``."""
    path = resolve(root, name)
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise ImageProblem(f"{name!r} is {size} bytes; the limit is {MAX_IMAGE_BYTES} "
                               "(20 MiB)")
        with path.open("rb") as f:
            data = f.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        raise ImageProblem(f"cannot read {name!r}: {exc.strerror}") from None
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageProblem(f"{name!r} is larger than {MAX_IMAGE_BYTES} bytes (20 MiB)")
    rel = path.relative_to(root.resolve()).as_posix()
    kind = sniff(data)
    if kind is None:
        raise ImageProblem(f"{name!r} is not a PNG, JPEG or SVG image (judged by its "
                           "content, not its name)")
    if kind == "svg":
        width, height = svg_size(data, name)
        return LoadedImage(rel, path, "svg", data, width, height, DEFAULT_DPI)
    width, height, dpi = raster_size(data, kind, name)
    return LoadedImage(rel, path, kind, data, width, height, dpi)


def sniff(data: bytes) -> ImageFormat | None:
    """The image format by its first bytes."""
    if data.startswith(PNG_MAGIC):
        return "png"
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE")) \
            and b"<svg" in data[:65536]:
        return "svg"
    return None


def raster_size(data: bytes, kind: ImageFormat, name: str) -> tuple[int, int, float]:
    """Pixels and resolution of a PNG or JPEG, decoded once to prove it whole."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=[kind.upper()]) as im:
            width, height = im.size
            if width < 1 or height < 1:
                raise ImageProblem(f"{name!r} has no pixels")
            if width * height > MAX_IMAGE_PIXELS:
                raise ImageProblem(f"{name!r} is {width} x {height} pixels; the limit is "
                                   f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels")
            if kind == "jpeg" and im.mode not in ("L", "RGB"):
                raise ImageProblem(f"{name!r} is a {im.mode} JPEG; save it as RGB (or "
                                   "greyscale): the PDF/A archive copy is in sRGB")
            dpi = im.info.get("dpi")
            im.verify()  # the file's structure and checksums, to its end
        with Image.open(io.BytesIO(data), formats=[kind.upper()]) as im:
            im.load()  # every pixel decoded once: a truncated stream fails here
    except ImageProblem:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError) as exc:
        raise ImageProblem(f"{name!r} is not a readable {kind.upper()} image ({exc}); "
                           "it may be truncated or corrupt") from None
    resolution = DEFAULT_DPI
    if isinstance(dpi, tuple) and dpi and isinstance(dpi[0], int | float) \
            and 10 <= float(dpi[0]) <= 10_000:
        resolution = float(dpi[0])
    return width, height, resolution


def svg_size(data: bytes, name: str) -> tuple[int, int]:
    """An SVG's size in CSS px, after checking that it refers to nothing outside it."""
    from lxml import etree

    _check_size(data, name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImageProblem(f"{name!r} is not a well-formed SVG ({exc})") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ImageProblem(f"{name!r} has a DOCTYPE; SVG figures may not declare one "
                           "(entities are not read)")
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageProblem(f"{name!r} is XML but not SVG (its root is not an svg element "
                           f"in the SVG namespace)")
    _check_references(root, name)
    width = _length(root.get("width"))
    height = _length(root.get("height"))
    box = _view_box(root.get("viewBox"))
    if width is None or height is None:
        if box is None:
            raise ImageProblem(f"{name!r} gives neither width and height nor a viewBox: "
                               "its size and shape are unknown")
        bw, bh = box
        if width is None and height is None:
            width, height = bw, bh
        elif width is None:
            width = height * bw / bh  # type: ignore[operator]
        else:
            height = width * bh / bw
    assert width is not None and height is not None
    px = (round(width / _CM_PER_UNIT["px"]), round(height / _CM_PER_UNIT["px"]))
    if px[0] < 1 or px[1] < 1:
        raise ImageProblem(f"{name!r} has no size (width or height 0)")
    if px[0] * px[1] > MAX_IMAGE_PIXELS:
        raise ImageProblem(f"{name!r} is {px[0]} x {px[1]} px; the limit is "
                           f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels")
    return px


def _check_size(data: bytes, name: str) -> None:
    """Refuse an SVG of too many elements, or nested too deep, at the line where it
    passes the limit: counted as it is read, before any tree of it is built."""
    from lxml import etree

    count = depth = 0
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"),
                             resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        for event, node in events:
            if event == "end":
                depth -= 1
                node.clear()  # only the elements still open are kept
                continue
            count += 1
            depth += 1
            if count > MAX_SVG_ELEMENTS:
                raise ImageProblem(f"{name!r} has more than {MAX_SVG_ELEMENTS} elements "
                                   f"(line {node.sourceline}); simplify the drawing, or use "
                                   "a PNG of it")
            if depth > MAX_SVG_DEPTH:
                raise ImageProblem(f"{name!r} nests elements more than {MAX_SVG_DEPTH} "
                                   f"levels deep (line {node.sourceline}); ungroup the "
                                   "drawing, or use a PNG of it")
    except etree.XMLSyntaxError:
        return  # reported, as ever, by the parse that follows


def _length(value: str | None) -> float | None:
    """A width or height in cm; None when absent or relative (a percentage)."""
    if value is None:
        return None
    match = _LENGTH.match(value)
    if match is None:
        return None
    return float(match.group(1)) * _CM_PER_UNIT[match.group(2) or ""]


def _view_box(value: str | None) -> tuple[float, float] | None:
    """The viewBox's width and height in cm (its units taken as px)."""
    if not value:
        return None
    parts = value.replace(",", " ").split()
    try:
        width, height = float(parts[2]), float(parts[3])
    except (IndexError, ValueError):
        return None
    if width <= 0 or height <= 0:
        return None
    return width * _CM_PER_UNIT["px"], height * _CM_PER_UNIT["px"]


def _check_references(root: object, name: str) -> None:
    """Refuse anything in the SVG that would make a renderer fetch something."""
    from lxml import etree

    assert isinstance(root, etree._Element)
    for node in root.iter():
        if isinstance(node, etree._ProcessingInstruction):
            raise ImageProblem(f"{name!r} has a processing instruction <?{node.target} …?>; "
                               "SVG figures may not refer to other files")
        if not isinstance(node.tag, str):
            continue
        for key, value in node.attrib.items():
            local = key.rsplit("}", 1)[-1]
            if local in ("href", "src") and not value.strip().startswith("#"):
                raise ImageProblem(f"{name!r} refers to {value[:80]!r} (line "
                                   f"{node.sourceline}); SVG figures may refer only to "
                                   "their own parts (#id): embed or draw what it shows")
            _check_css(value, name, node.sourceline)
        if node.tag == f"{{{SVG_NS}}}style" or local_name(node.tag) == "style":
            _check_css(node.text or "", name, node.sourceline)
    for pi in root.getroottree().getroot().itersiblings(preceding=True):
        if isinstance(pi, etree._ProcessingInstruction):
            raise ImageProblem(f"{name!r} has a processing instruction <?{pi.target} …?>; "
                               "SVG figures may not refer to other files")


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_css(text: str, name: str, line: int | None) -> None:
    if "@import" in text.lower():
        raise ImageProblem(f"{name!r} imports a stylesheet (line {line}); SVG figures may "
                           "not refer to other files")
    for match in _CSS_URL.finditer(text):
        target = match.group(2).strip()
        if not target.startswith("#"):
            raise ImageProblem(f"{name!r} refers to url({target[:80]}) (line {line}); SVG "
                               "figures may refer only to their own parts (#id)")
