"""What import and review both read from a DOCX besides its text: the main part's name,
the core and custom document properties, the comments with their replies and resolved
state, and the notes of a footnotes or endnotes part."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from reportgen.read.package import Package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
DOCUMENT = "word/document.xml"
CORE = ((f"{DC}title", "title"), (f"{DC}subject", "subject"), (f"{DC}creator", "author"),
        (f"{CP}keywords", "keywords"), (f"{DC}identifier", "identifier"),
        (f"{DC}language", "language"), (f"{DCTERMS}created", "created"),
        (f"{CP}lastModifiedBy", "last_modified_by"), (f"{DCTERMS}modified", "modified"))


def main_part(package: Package) -> str:
    """The main document part named by the package's relationships (word/document.xml)."""
    for kind, target, external in package.relationships("").values():
        if kind.endswith("/officeDocument") and not external:
            return target
    return DOCUMENT


def core_properties(package: Package) -> dict[str, str]:
    """The core properties that are set: title, subject, author, keywords, identifier,
    language, created, last_modified_by (who saved it last) and modified (when)."""
    core = package.xml("docProps/core.xml")
    out: dict[str, str] = {}
    if core is None:
        return out
    for tag, name in CORE:
        el = core.find(tag)
        if el is not None and el.text and el.text.strip():
            out[name] = el.text.strip()
    return out


def custom_properties(package: Package) -> dict[str, str]:
    """The custom document properties by name (reportgen names its report there)."""
    custom = package.xml("docProps/custom.xml")
    if custom is None:
        return {}
    return {prop.get("name", ""): "".join(prop.itertext())
            for prop in custom.iter(f"{CUSTOM}property")}


def normal_notes(part: etree._Element | None, tag: str = "footnote") -> list[etree._Element]:
    """The notes of a footnotes (or endnotes) part, without Word's separators."""
    if part is None:
        return []
    return [n for n in part.iter(f"{W}{tag}") if n.get(f"{W}type", "normal") == "normal"]


@dataclass
class CommentEntry:
    """A comment of ``word/comments.xml``, with what ``commentsExtended.xml`` says of it."""

    id: str
    author: str
    date: str
    text: str
    para_id: str  # the w14:paraId of its last paragraph
    parent: str = ""  # the para id of the comment it replies to
    done: bool = False  # resolved


def comment_entries(package: Package) -> dict[str, CommentEntry]:
    """Every comment by its id, in the order of the comments part."""
    comments = package.xml("word/comments.xml")
    out: dict[str, CommentEntry] = {}
    if comments is None:
        return out
    for c in comments.iter(f"{W}comment"):
        paras = c.findall(f"{W}p")
        text = "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in paras)
        last = paras[-1].get(f"{W14}paraId", "") if paras else ""
        cid = c.get(f"{W}id", "")
        out[cid] = CommentEntry(cid, c.get(f"{W}author", ""), c.get(f"{W}date", ""),
                                text.strip(), last)
    extended = package.xml("word/commentsExtended.xml")
    if extended is not None:
        states: dict[str, tuple[str, bool]] = {}
        for ex in extended.iter(f"{W15}commentEx"):
            states[ex.get(f"{W15}paraId", "")] = (ex.get(f"{W15}paraIdParent", ""),
                                                  ex.get(f"{W15}done", "0") in ("1", "true"))
        for entry in out.values():
            if entry.para_id in states:
                entry.parent, entry.done = states[entry.para_id]
    return out
