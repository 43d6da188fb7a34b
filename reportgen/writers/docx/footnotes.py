"""Word footnotes: the footnotes part (word/footnotes.xml) and the references to it.

python-docx has no footnote API; the part is built here with lxml. A template that
already has a footnotes part (Word saves one with its separators) keeps it and its
notes; otherwise the part is created with the two separator notes Word expects (ids -1
and 0). Each note of the tree becomes one ``w:footnote`` whose paragraph is in the
template's "footnote text" style and starts with the note's mark (``w:footnoteRef``,
"footnote reference" style) and a TAB, as in ITU's files. Word numbers the marks by the
order of the references, which is the tree's order, so it prints the tree's numbers.
"""

from __future__ import annotations

from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from reportgen.writers.docx import oxml

SEPARATORS = (
    f'<w:footnotes {nsdecls("w", "r")}>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
    '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
    '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
    "</w:footnotes>"
)


class _Story:
    """What python-docx's Paragraph needs from its parent: the part it lives in."""

    def __init__(self, part: Part) -> None:
        self.part = part


class Footnotes:
    """The document's footnotes part, found or created when the first note is added."""

    def __init__(self, document_part: Any) -> None:
        self.document_part = document_part
        self.part: Part | None = None
        self.root: etree._Element | None = None
        self.next_id = 1

    def _open(self) -> tuple[Part, etree._Element]:
        if self.part is not None and self.root is not None:
            return self.part, self.root
        for rel in self.document_part.rels.values():
            if rel.reltype == RT.FOOTNOTES and not rel.is_external:
                part = rel.target_part
                root = part.element if isinstance(part, XmlPart) else parse_xml(part.blob)
                break
        else:
            root = parse_xml(SEPARATORS.encode())
            part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, root,
                           self.document_part.package)
            self.document_part.relate_to(part, RT.FOOTNOTES)
        ids = [int(n.get(qn("w:id"), "0")) for n in root.iter(qn("w:footnote"))]
        self.next_id = max([0, *ids]) + 1
        self.part, self.root = part, root
        return part, root

    def add(self, text_style: str, mark_style: str) -> tuple[int, etree._Element, _Story]:
        """A new note: its id, its paragraph (mark and TAB written) and its story."""
        part, root = self._open()
        note_id = self.next_id
        self.next_id += 1
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), str(note_id))
        p = OxmlElement("w:p")
        p_pr = OxmlElement("w:pPr")
        p_style = OxmlElement("w:pStyle")
        p_style.set(qn("w:val"), text_style)
        p_pr.append(p_style)
        p.append(p_pr)
        p.append(styled_run(mark_style, OxmlElement("w:footnoteRef")))
        tab = OxmlElement("w:r")
        tab.append(OxmlElement("w:tab"))
        p.append(tab)
        note.append(p)
        root.append(note)
        return note_id, p, _Story(part)

    def finish(self) -> None:
        """Write the notes into a part that python-docx holds as bytes."""
        if self.part is not None and self.root is not None and \
                not isinstance(self.part, XmlPart):
            oxml.set_blob(self.part, etree.tostring(self.root, xml_declaration=True,
                                             encoding="UTF-8", standalone=True))


def styled_run(style: str, content: etree._Element) -> etree._Element:
    """A run in the character style ``style`` holding ``content``."""
    run = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    r_style = OxmlElement("w:rStyle")
    r_style.set(qn("w:val"), style)
    r_pr.append(r_style)
    run.append(r_pr)
    run.append(content)
    return run


def reference(style: str, note_id: int) -> etree._Element:
    """The reference run that stands in the text: Word prints the note's number."""
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(note_id))
    return styled_run(style, ref)
