"""Review markup written into a DOCX the way Word writes it: tracked insertions and
deletions (w:ins, w:del + w:delText, a deleted paragraph mark), comments with their
ranges, replies and resolved state (comments.xml, commentsExtended.xml).

With ``tracked=False`` the same edits are made as a reviewer makes them with track
changes off: the text itself changes, paragraphs are removed, joined (the second's
bookmarks move into the first, as Word and LibreOffice do), split (the bookmark's end
goes with the second half) or added, and the document records who saved it last."""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{WNS}}}"
W14NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15NS = "http://schemas.microsoft.com/office/word/2012/wordml"
DATE = "2026-11-20T10:00:00Z"


@dataclass
class Reviewer:
    """Edits one DOCX in memory; ``save`` writes the reviewed copy."""

    source: Path
    author: str = "Chair Person"
    parts: dict[str, bytes] = field(default_factory=dict)
    next_id: int = 9000
    comments: list[tuple[int, str, str, bool, int | None]] = field(default_factory=list)
    tracked: bool = True

    def __post_init__(self) -> None:
        with zipfile.ZipFile(self.source) as z:
            self.parts = {n: z.read(n) for n in z.namelist()}
        self.doc = etree.fromstring(self.parts["word/document.xml"])
        notes = self.parts.get("word/footnotes.xml")
        self.notes = etree.fromstring(notes) if notes is not None else None

    # ---------------------------------------------------------------- finding

    def paragraph(self, containing: str) -> etree._Element:
        """The first paragraph holding ``containing``: the document's, then the notes'."""
        parts = [self.doc] if self.notes is None else [self.doc, self.notes]
        for p in (p for part in parts for p in part.iter(f"{W}p")):
            if containing in "".join(t.text or "" for t in p.iter(f"{W}t")):
                return p
        raise AssertionError(f"no paragraph contains {containing!r}")

    def _split(self, p: etree._Element, needle: str) -> etree._Element:
        """Split runs so that ``needle`` is exactly one run; return it."""
        for t in list(p.iter(f"{W}t")):
            text = t.text or ""
            at = text.find(needle)
            if at < 0:
                continue
            run = t.getparent()
            pieces = [text[:at], needle, text[at + len(needle):]]
            made = []
            for piece in pieces:
                if not piece:
                    made.append(None)
                    continue
                r = copy.deepcopy(run)
                for old in r.findall(f"{W}t"):
                    r.remove(old)
                nt = etree.SubElement(r, f"{W}t")
                nt.text = piece
                nt.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                made.append(r)
            for r in made:
                if r is not None:
                    run.addprevious(r)
            run.getparent().remove(run)
            return made[1]
        raise AssertionError(f"{needle!r} is not within one run")

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def _change(self, tag: str) -> etree._Element:
        el = etree.Element(f"{W}{tag}")
        el.set(f"{W}id", self._id())
        el.set(f"{W}author", self.author)
        el.set(f"{W}date", DATE)
        return el

    # ---------------------------------------------------------------- changes

    def insert(self, after: str, text: str) -> None:
        """A tracked insertion of ``text`` right after ``after``."""
        run = self._split(self.paragraph(after), after)
        if not self.tracked:
            run.find(f"{W}t").text = after + text
            return
        ins = self._change("ins")
        new = copy.deepcopy(run)
        new.find(f"{W}t").text = text
        ins.append(new)
        run.addnext(ins)

    def delete(self, text: str) -> None:
        """A tracked deletion of ``text`` (within one run)."""
        run = self._split(self.paragraph(text), text)
        self._delete_run(run)

    def _delete_run(self, run: etree._Element) -> None:
        if not self.tracked:
            run.getparent().remove(run)
            return
        d = self._change("del")
        run.addprevious(d)
        d.append(run)
        for t in run.findall(f"{W}t"):
            t.tag = f"{W}delText"

    def replace(self, old: str, new: str) -> None:
        run = self._split(self.paragraph(old), old)
        if not self.tracked:
            run.find(f"{W}t").text = new
            return
        inserted = copy.deepcopy(run)
        self._delete_run(run)
        ins = self._change("ins")
        inserted.find(f"{W}t").text = new
        ins.append(inserted)
        run.getparent().addnext(ins)

    def delete_paragraph(self, containing: str) -> None:
        p = self.paragraph(containing)
        if not self.tracked:
            p.getparent().remove(p)
            return
        for run in list(p.findall(f"{W}r")):
            self._delete_run(run)
        self._mark(p, "del")

    def delete_across(self, tail: str, head: str) -> None:
        """Delete ``tail`` (the end of one paragraph), its paragraph mark and ``head``
        (the start of the next)."""
        first = self.paragraph(tail)
        self._delete_run(self._split(first, tail))
        second = self.paragraph(head)
        self._delete_run(self._split(second, head))
        if not self.tracked:
            self._join(first, second)
            return
        self._mark(first, "del")

    def join(self, end: str) -> None:
        """Join the paragraph ending with ``end`` with the next one (untracked)."""
        first = self.paragraph(end)
        self._join(first, first.getnext())

    @staticmethod
    def _join(first: etree._Element, second: etree._Element) -> None:
        """Word's and LibreOffice's join: the second's content, bookmarks included,
        moves to the end of the first; the first's bookmark ends with the whole."""
        ends = [e for e in first if e.tag == f"{W}bookmarkEnd"]
        for e in ends:
            first.remove(e)
        for child in list(second):
            if child.tag != f"{W}pPr":
                first.append(child)
        first.extend(ends)
        second.getparent().remove(second)

    def split(self, after: str) -> None:
        """A new paragraph begins after ``after`` (untracked): the text after it, and the
        end of the paragraph's bookmark, go to the new paragraph, in the same style."""
        p = self.paragraph(after)
        run = self._split(p, after)
        new = etree.Element(f"{W}p")
        p_pr = p.find(f"{W}pPr")
        if p_pr is not None:
            new.append(copy.deepcopy(p_pr))
        for child in list(run.itersiblings()):
            new.append(child)
        p.addnext(new)

    def add_paragraph(self, after: str, text: str) -> None:
        """A paragraph typed after the one holding ``after``, in its style (untracked),
        without the bookmark of any block."""
        p = self.paragraph(after)
        new = etree.Element(f"{W}p")
        p_pr = p.find(f"{W}pPr")
        if p_pr is not None:
            new.append(copy.deepcopy(p_pr))
        run = etree.SubElement(new, f"{W}r")
        t = etree.SubElement(run, f"{W}t")
        t.text = text
        p.addnext(new)

    def _mark(self, p: etree._Element, tag: str) -> None:
        p_pr = p.find(f"{W}pPr")
        if p_pr is None:
            p_pr = etree.SubElement(p, f"{W}pPr")
            p.insert(0, p_pr)
        r_pr = p_pr.find(f"{W}rPr")
        if r_pr is None:
            r_pr = etree.SubElement(p_pr, f"{W}rPr")
        r_pr.append(self._change(tag))

    def reformat(self, text: str) -> None:
        """Make ``text`` bold as a tracked formatting change (w:rPrChange)."""
        run = self._split(self.paragraph(text), text)
        r_pr = run.find(f"{W}rPr")
        if r_pr is None:
            r_pr = etree.Element(f"{W}rPr")
            run.insert(0, r_pr)
        change = self._change("rPrChange")
        change.append(copy.deepcopy(r_pr))
        etree.SubElement(r_pr, f"{W}b")
        r_pr.append(change)

    def move(self, text: str, after: str) -> None:
        """Move ``text`` to just after ``after`` (w:moveFrom / w:moveTo)."""
        run = self._split(self.paragraph(text), text)
        moved = copy.deepcopy(run)
        source = self._change("moveFrom")
        run.addprevious(source)
        source.append(run)
        for t in run.findall(f"{W}t"):
            t.tag = f"{W}delText"
        target_run = self._split(self.paragraph(after), after)
        target = self._change("moveTo")
        target.append(moved)
        target_run.addnext(target)

    def remove_bookmarks(self, containing: str) -> None:
        p = self.paragraph(containing)
        for b in list(p.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd")):
            b.getparent().remove(b)

    # --------------------------------------------------------------- comments

    def comment(self, anchor: str, text: str, resolved: bool = False,
                reply_to: int | None = None) -> int:
        """A comment on ``anchor`` (a reply when ``reply_to`` names another comment)."""
        run = self._split(self.paragraph(anchor), anchor) if reply_to is None else None
        cid = len(self.comments)
        if run is None:  # a reply shares its parent's range, as Word writes it
            run = self.doc.find(f".//{W}commentRangeStart[@{W}id='{reply_to}']").getnext()
        start = etree.Element(f"{W}commentRangeStart")
        start.set(f"{W}id", str(cid))
        run.addprevious(start)
        end = etree.Element(f"{W}commentRangeEnd")
        end.set(f"{W}id", str(cid))
        run.addnext(end)
        ref = etree.Element(f"{W}r")
        etree.SubElement(ref, f"{W}commentReference").set(f"{W}id", str(cid))
        end.addnext(ref)
        self.comments.append((cid, text, self.author, resolved, reply_to))
        return cid

    def _comment_parts(self) -> None:
        root = etree.Element(f"{W}comments", nsmap={"w": WNS, "w14": W14NS})
        ext = etree.Element(f"{{{W15NS}}}commentsEx", nsmap={"w15": W15NS})
        for cid, text, author, resolved, parent in self.comments:
            c = etree.SubElement(root, f"{W}comment")
            c.set(f"{W}id", str(cid))
            c.set(f"{W}author", author)
            c.set(f"{W}date", DATE)
            p = etree.SubElement(c, f"{W}p")
            p.set(f"{{{W14NS}}}paraId", f"{0x100 + cid:08X}")
            etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}t").text = text
            e = etree.SubElement(ext, f"{{{W15NS}}}commentEx")
            e.set(f"{{{W15NS}}}paraId", f"{0x100 + cid:08X}")
            if parent is not None:
                e.set(f"{{{W15NS}}}paraIdParent", f"{0x100 + parent:08X}")
            e.set(f"{{{W15NS}}}done", "1" if resolved else "0")
        self.parts["word/comments.xml"] = etree.tostring(root, xml_declaration=True,
                                                         encoding="UTF-8", standalone=True)
        self.parts["word/commentsExtended.xml"] = etree.tostring(
            ext, xml_declaration=True, encoding="UTF-8", standalone=True)
        types = self.parts["[Content_Types].xml"].decode()
        types = types.replace("</Types>", (
            '<Override PartName="/word/comments.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.comments+xml"/>'
            '<Override PartName="/word/commentsExtended.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/></Types>'))
        self.parts["[Content_Types].xml"] = types.encode()
        rels = self.parts["word/_rels/document.xml.rels"].decode()
        rels = rels.replace("</Relationships>", (
            '<Relationship Id="rIdReview1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/comments" Target="comments.xml"/>'
            '<Relationship Id="rIdReview2" Type="http://schemas.microsoft.com/office/2011/'
            'relationships/commentsExtended" Target="commentsExtended.xml"/>'
            "</Relationships>"))
        self.parts["word/_rels/document.xml.rels"] = rels.encode()

    def save(self, target: Path) -> Path:
        if not self.tracked:
            self._last_saved_by()
        if self.comments:
            self._comment_parts()
        self.parts["word/document.xml"] = etree.tostring(self.doc, xml_declaration=True,
                                                         encoding="UTF-8", standalone=True)
        if self.notes is not None:
            self.parts["word/footnotes.xml"] = etree.tostring(
                self.notes, xml_declaration=True, encoding="UTF-8", standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.parts.items():
                z.writestr(name, data)
        target.write_bytes(out.getvalue())
        return target

    def _last_saved_by(self) -> None:
        core = etree.fromstring(self.parts["docProps/core.xml"])
        ns = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
        by = core.find(f"{ns}lastModifiedBy")
        if by is None:
            by = etree.SubElement(core, f"{ns}lastModifiedBy")
        by.text = self.author
        modified = core.find("{http://purl.org/dc/terms/}modified")
        if modified is not None:
            modified.text = DATE
        self.parts["docProps/core.xml"] = etree.tostring(core, xml_declaration=True,
                                                         encoding="UTF-8", standalone=True)
