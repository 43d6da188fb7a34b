"""HTML → PDF/A-3a and PDF/UA-1 in one file with WeasyPrint: bundled fonts, a sandboxed
URL fetcher, attachments.

WeasyPrint writes one PDF variant per file: it renders PDF/A-3a (tagged, sRGB output
intent, the attachments' /AFRelationship); the finisher then adds the PDF/UA-1 pieces
(the ``pdfuaid`` claim with the extension schema PDF/A asks for it, /Scope on table
headers) and leaves the XMP packet uncompressed, as PDF/A-2 and 3 require.

WeasyPrint is imported inside the functions, so importing this module stays cheap.
``SandboxFetcher`` (a ``weasyprint.urls.URLFetcher`` subclass) is therefore created on
first access: ``from reportgen.writers.pdf import SandboxFetcher`` imports WeasyPrint.
"""

from __future__ import annotations

import atexit
import hashlib
import mimetypes
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from reportgen.content.images import CONTENT_TYPES, sniff
from reportgen.paths import assets_dir, fonts_dir, templates_dir
from reportgen.writers.pdf import script_fonts

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

STYLESHEET = "report.css"
PDF_VARIANT = "pdf/a-3a"  # the PDF/UA-1 claim is added by the finisher (_finish)
FONT_FILES = (
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
)
_CSS_URL_RE = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
_RENDER_LOCK = threading.Lock()  # one render at a time: SOURCE_DATE_EPOCH is global


class PdfWriterError(Exception):
    """The PDF could not be written (missing font, refused or missing resource)."""


class FetchRefused(PdfWriterError):
    """A resource URL outside the sandbox (network, other files) was requested."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused to fetch {url!r}: {reason}")
        self.url = url
        self.reason = reason

    def __reduce__(self) -> tuple[type[FetchRefused], tuple[str, str]]:
        return (FetchRefused, (self.url, self.reason))  # it crosses from a forked render


class FontMissing(PdfWriterError):
    """A bundled or pinned font file is missing: the PDF would silently use another font."""


def sandbox_roots(report_dir: Path) -> tuple[Path, ...]:
    """The folders a render may read: the report's own folder, assets and templates."""
    return tuple(Path(p).resolve() for p in (report_dir, assets_dir(), templates_dir()))


# --------------------------------------------------------------------------- fonts


def check_fonts() -> tuple[Path, ...]:
    """Return the bundled font files; raise ``FontMissing`` if one is absent or empty.

    Checks both the expected Liberation Serif files and every ``url()`` of the
    stylesheet's ``@font-face`` rules (resolved against the assets folder).
    """
    expected = [fonts_dir() / name for name in FONT_FILES]
    css_path = templates_dir() / STYLESHEET
    if not css_path.is_file():
        raise PdfWriterError(f"stylesheet not found: {css_path}")
    for block in re.findall(r"@font-face\s*{[^}]*}", css_path.read_text(encoding="utf-8")):
        expected += [(assets_dir() / url).resolve() for url in _CSS_URL_RE.findall(block)]
    for path in expected:
        if not path.is_file() or path.stat().st_size == 0:
            raise FontMissing(
                f"bundled font file missing: {path} (reinstall reportgen; the PDF writer "
                "never falls back to system fonts)")
    return tuple(dict.fromkeys(expected))


# ----------------------------------------------------------------------- fetching


def resolve_file_url(url: str, roots: Sequence[Path],
                     files: Sequence[Path] = ()) -> Path:
    """The local file a ``file:`` URL names, if it lies inside one of ``roots`` or is
    one of ``files`` (the pinned script fonts).

    Symlinks and ``..`` are resolved before the check; a host other than ``localhost``,
    a path outside the roots or a path that is not a regular file raises ``FetchRefused``.
    """
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file":
            raise FetchRefused(url, "not a file: URL")
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused(url, "file: URLs must not name a host")
        path = Path(unquote(parts.path)).resolve()
    except (ValueError, OSError) as error:
        raise FetchRefused(url, f"malformed file URL ({error})") from error
    allowed = {Path(f).resolve() for f in files}
    if not any(path.is_relative_to(root) for root in roots) and path not in allowed:
        raise FetchRefused(url, "outside the report folder and the package assets")
    if not path.is_file():
        raise FetchRefused(url, "no such file")
    return path


@lru_cache(maxsize=1)
def _sandbox_fetcher_class() -> type[URLFetcher]:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SandboxFetcher(URLFetcher):
        """Serves ``data:`` URLs and ``file:`` URLs inside the report folder, package
        assets and templates; refuses everything else (network included) before any
        connection is made, by raising ``FetchRefused``.

        Built with ``fail_on_errors=True``: WeasyPrint turns any fetch error into a
        ``FatalURLFetchingError`` (which stops the render) instead of dropping the
        resource silently.
        """

        def __init__(self, report_dir: Path, pictures: Mapping[str, bytes] | None = None,
                     **kwargs: Any) -> None:
            kwargs.update(allowed_protocols={"file", "data"}, allow_redirects=False,
                          fail_on_errors=True)
            super().__init__(**kwargs)
            self.roots = sandbox_roots(report_dir)
            self.fonts = tuple(p.resolve() for p in script_fonts.files())
            # figures' images as they were read and checked when the report was loaded
            # (by their URL in the HTML): served from memory, so a file changed since
            # cannot slip past the checks, and a figure of the previous version that a
            # marked copy shows needs no file
            self.pictures = dict(pictures or {})

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            try:
                scheme = urlsplit(url).scheme.lower()
            except ValueError as error:
                raise FetchRefused(url, f"malformed URL ({error})") from error
            if scheme == "data":
                return super().fetch(url, headers)
            picture = self.pictures.get(url)
            if picture is not None:
                kind = sniff(picture)
                # answered under a name that is no file: else WeasyPrint reads the file
                # again when it writes the PDF
                name = "reportgen-picture:" + hashlib.sha256(picture).hexdigest()
                return URLFetcherResponse(name, body=picture, headers={
                    "Content-Type": CONTENT_TYPES[kind] if kind else "application/octet-stream"})
            if scheme != "file":
                raise FetchRefused(url, "only file: URLs inside the report folder and "
                                        "data: URLs may be fetched")
            path = resolve_file_url(url, self.roots, self.fonts)
            face = script_fonts.face_of(urlsplit(url).fragment)
            if face is not None and path in self.fonts:  # one face of a collection
                return URLFetcherResponse(url, body=script_fonts.collection_face(path, face),
                                          headers={"Content-Type": "font/otf"})
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(),
                                      headers={"Content-Type": mime})

    return SandboxFetcher


def make_fetcher(report_dir: Path, pictures: Mapping[str, bytes] | None = None
                 ) -> URLFetcher:
    """A ``SandboxFetcher`` for one report (``pictures``: figure URL -> checked bytes)."""
    return _sandbox_fetcher_class()(report_dir, pictures)


def __getattr__(name: str) -> Any:
    """Create ``SandboxFetcher`` on first access (it needs WeasyPrint)."""
    if name == "SandboxFetcher":
        return _sandbox_fetcher_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------- rendering


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive datetime is taken as UTC); WeasyPrint appends "Z"."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


@contextmanager
def _source_date_epoch(moment: datetime) -> Iterator[None]:
    """Set ``SOURCE_DATE_EPOCH`` to ``moment`` for the duration of a render.

    Without HarfBuzz-Subset, WeasyPrint subsets fonts with fontTools, which stamps
    "now" into each font's ``head.modified`` unless ``SOURCE_DATE_EPOCH`` is set; that
    alone made the bytes differ between runs.
    """
    epoch = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def write_pdf(
    html: str,
    *,
    report_dir: Path,
    attachments: Iterable[tuple[str, bytes]],
    identifier: str,
    created: datetime,
    document_id: str = "",
    language: str = "",
    pictures: Mapping[str, bytes] | None = None,
) -> bytes:
    """Render ``html`` to PDF/A-3a and PDF/UA-1 bytes, the same bytes for the same input.

    ``document_id`` (the document number) and ``language`` go into the XMP metadata as
    ``dc:identifier`` and ``dc:language``, beside what WeasyPrint takes from the HTML.

    ``pictures`` maps the figures' image URLs in the HTML to their checked bytes.
    ``attachments`` (name, content) are embedded as associated files with
    relationship "Source", dated ``created``; ``identifier`` is the first ``/ID`` entry.
    Raises ``FetchRefused`` when the HTML or CSS asks for anything outside the sandbox,
    ``FontMissing`` when a bundled font is absent, ``PdfWriterError`` when a resource
    inside the sandbox cannot be loaded.
    """
    check_fonts()
    scripts = script_fonts.needed(html)
    try:
        script_fonts.check(scripts)
    except script_fonts.ScriptFontMissing as error:
        raise FontMissing(str(error)) from None
    fetcher = make_fetcher(report_dir, pictures)
    stamp = _utc(created)
    with _RENDER_LOCK, _source_date_epoch(created):
        return _render(html, fetcher, attachments, identifier, stamp,
                       _dublin_core(document_id, language), scripts)


def anchor_pages(html: str, *, report_dir: Path, created: datetime,
                 pictures: Mapping[str, bytes] | None = None) -> dict[str, int]:
    """The page (from 1) each anchor (``id``) of ``html`` falls on in the PDF that
    ``write_pdf`` makes of it: the same stylesheet, fonts and pictures, laid out and not
    written. A table of contents in the DOCX takes its page numbers from here."""
    from weasyprint import HTML

    check_fonts()
    scripts = script_fonts.needed(html)
    fetcher = make_fetcher(report_dir, pictures)
    with _RENDER_LOCK, _source_date_epoch(created):
        font_config, stylesheets = _styles(_stylesheet_key(), scripts)
        document = HTML(string=html, base_url=str(templates_dir()),
                        url_fetcher=fetcher).render(stylesheets=list(stylesheets),
                                                    font_config=font_config)
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages


def _render(html: str, fetcher: URLFetcher, attachments: Iterable[tuple[str, bytes]],
            identifier: str, stamp: datetime, extra_xmp: bytes,
            scripts: tuple[script_fonts.ScriptFont, ...] = ()) -> bytes:
    from weasyprint import HTML, Attachment
    from weasyprint.urls import FatalURLFetchingError

    base_url = str(templates_dir())
    try:
        font_config, stylesheets = _styles(_stylesheet_key(), scripts)
        files = [
            Attachment(string=data, name=name, relationship="Source", created=stamp,
                       modified=stamp, url_fetcher=fetcher)
            for name, data in attachments
        ]
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=list(stylesheets),
            font_config=font_config,
            pdf_variant=PDF_VARIANT,
            pdf_tags=True,
            pdf_identifier=identifier.encode("utf-8"),
            attachments=files,
            finisher=lambda document, pdf: _finish(pdf, extra_xmp),
        )
    except FatalURLFetchingError as error:
        raise _fetch_error(error) from error


def _stylesheet_key() -> tuple[float, int]:
    stat = (templates_dir() / STYLESHEET).stat()
    return stat.st_mtime, stat.st_size


@lru_cache(maxsize=4)
def _styles(key: tuple[float, int],
            scripts: tuple[script_fonts.ScriptFont, ...] = ()) -> tuple[Any, tuple[Any, ...]]:
    """The parsed stylesheets and their fonts, loaded once per process (a batch worker
    renders many reports); ``key`` changes when the stylesheet file does. ``scripts``
    adds the ``@font-face`` rules of the pinned Chinese and Arabic fonts."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    # the stylesheet's URLs are relative to the assets folder (see report.css)
    stylesheet = CSS(filename=templates_dir() / STYLESHEET, base_url=str(assets_dir()),
                     url_fetcher=make_fetcher(templates_dir()), font_config=font_config)
    sheets = [stylesheet]
    if scripts:
        sheets.append(CSS(string=script_fonts.font_faces(scripts), base_url=str(assets_dir()),
                          url_fetcher=make_fetcher(templates_dir()), font_config=font_config))
    # release the fonts before the interpreter tears down the libraries they use
    atexit.register(_styles.cache_clear)
    return font_config, tuple(sheets)


def warm_up() -> None:
    """Load WeasyPrint, the stylesheet and its fonts now: a resident process (watch)
    does this once, and every render it forks starts with them loaded."""
    _styles(_stylesheet_key())


def _dublin_core(document_id: str, language: str) -> bytes:
    """An rdf:Description with dc:identifier and dc:language (escaped, possibly empty)."""
    from xml.sax.saxutils import escape as xml_escape

    parts = []
    if document_id:
        parts.append(f"<dc:identifier>{xml_escape(document_id)}</dc:identifier>")
    if language:
        parts.append(f"<dc:language><rdf:Bag><rdf:li>{xml_escape(language)}</rdf:li>"
                     "</rdf:Bag></dc:language>")
    if not parts:
        return b""
    return ('<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            + "".join(parts) + "</rdf:Description>").encode("utf-8")


# The PDF/UA identification schema (ISO 14289-1, 5) and its description in the form
# PDF/A asks for a schema that is not one of XMP's own (ISO 19005-3, 6.6.2.3).
_PDFUA_ID = (
    '<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
    "<pdfuaid:part>1</pdfuaid:part></rdf:Description>"
    '<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
    ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
    ' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">"
    "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>"
    "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    "<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">"
    "<pdfaProperty:name>part</pdfaProperty:name>"
    "<pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    "<pdfaProperty:category>internal</pdfaProperty:category>"
    "<pdfaProperty:description>Indicates which part of ISO 14289 standard is followed"
    "</pdfaProperty:description>"
    "</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>"
    "</rdf:Description>"
).encode("ascii")


def _finish(pdf: Any, extra_xmp: bytes) -> None:
    _dedupe_associated_files(pdf)
    _scope_table_headers(pdf)
    _add_to_xmp(pdf, extra_xmp + _PDFUA_ID)


def _add_to_xmp(pdf: Any, description: bytes) -> None:
    """Insert ``description`` into the XMP packet WeasyPrint wrote, inside its rdf:RDF,
    and leave the packet uncompressed (PDF/A-2 and 3 forbid a filter on it)."""
    number = int(bytes(pdf.catalog["Metadata"]).split()[0])
    stream = pdf.objects[number]
    content = b"".join(stream.stream)
    stream.stream = [content.replace(b"</rdf:RDF>", description + b"</rdf:RDF>", 1)]
    stream.compress = False


def _scope_table_headers(pdf: Any) -> None:
    """Give every TH structure element a /Scope: /Column in a table's header rows
    (THead), /Row elsewhere (the cover's labels at the start of their rows).

    WeasyPrint links each TD to its headers (/Headers) but writes no /Scope; the HTML's
    ``scope`` attributes say the same, and WeasyPrint uses them for /Headers.
    """
    objects = pdf.objects

    def parent(element: Any) -> Any:
        return objects[int(bytes(element["P"]).split()[0])]

    for element in objects:
        if isinstance(element, dict) and element.get("S") == "/TH":
            group = parent(parent(element))
            scope = "/Column" if group.get("S") == "/THead" else "/Row"
            element["A"]["Scope"] = scope


def _dedupe_associated_files(pdf: Any) -> None:
    """Drop repeated entries of the catalog's /AF array.

    WeasyPrint 70 lists each attachment twice in /AF (once from /EmbeddedFiles, once
    from its scan of file specifications); one entry per associated file is enough.
    """
    entries = pdf.catalog.get("AF")
    if entries:
        unique = list(dict.fromkeys(entries))
        entries.clear()
        entries.extend(unique)


def _fetch_error(error: BaseException) -> PdfWriterError:
    """The reportgen error behind WeasyPrint's ``FatalURLFetchingError``."""
    cause = error.__cause__
    if isinstance(cause, FetchRefused):
        return FetchRefused(cause.url, cause.reason)
    return PdfWriterError(f"could not load a resource: {error} ({cause!r})")
