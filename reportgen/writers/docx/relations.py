"""Relationships, image parts and drawing ids of the DOCX being written, from indexes.

python-docx answers each of these questions by walking all that is already there: every
relationship of the part for a link's or a picture's relationship (and counting up from
rId1 for a new one), every image part for a picture's part (hashing each one's bytes,
and trying every number for a new name), every part of the package for the name of a
new SVG part, every ``id`` attribute of the document for a drawing's id. A report with
many links or figures would cost the square of their number. ``Relations`` keeps what it
has learnt and gives python-docx's answers (the same ids and names, so the same bytes):
what others add meanwhile (python-docx itself, for an attachment's cover) is read when
it is next asked, from the end of the collections, which only grow while a DOCX is
written.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from docx.image.image import Image as DocxImage
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.parts.image import ImagePart

from reportgen.writers.docx import oxml

SVG_PARTNAME = "/word/media/image%d.svg"


@dataclass
class _PartRelations:
    """The relationships of one part, by (type, target, external), and the lowest rId
    number that may be free."""

    ids: dict[tuple[str, Any, bool], str] = field(default_factory=dict)
    seen: int = 0  # how many of the part's relationships are in ``ids``
    next: int = 1


@dataclass
class _Images:
    by_sha1: dict[str, ImagePart] = field(default_factory=dict)
    numbers: set[int | None] = field(default_factory=set)  # of the image parts' names
    seen: int = 0
    next: int = 1


class Relations:
    """The relationship, image-part and drawing-id lookups of one DOCX being written."""

    def __init__(self) -> None:
        self._parts: dict[int, tuple[Part, _PartRelations]] = {}
        self._images = _Images()
        self._svg_names: set[str] | None = None
        self._shape_ids: dict[int, int] = {}
        self.lookups = 0  # relationships, parts and ids read: what the tests count

    # ----------------------------------------------------------- relationships

    def relate(self, part: Part, target: Part | str, reltype: str,
               external: bool = False) -> str:
        """``part.relate_to(target, reltype, is_external=external)``: the rId of the first
        such relationship of ``part``, or of a new one under the lowest free rId."""
        rels = part.rels
        known = self._parts.get(id(part))
        if known is None or known[0] is not part:
            known = (part, _PartRelations())
            self._parts[id(part)] = known
        state = known[1]
        self._read_relations(rels, state)
        key = (reltype, target, external)
        found = state.ids.get(key)
        if found is not None:
            return found
        while f"rId{state.next}" in rels:
            state.next += 1
            self.lookups += 1
        rid = f"rId{state.next}"
        rels.add_relationship(reltype, target, rid, is_external=external)
        state.ids[key] = rid
        state.seen = len(rels)
        return rid

    def _read_relations(self, rels: Any, state: _PartRelations) -> None:
        """Index the relationships added since the last call (all, if any went away)."""
        if len(rels) < state.seen:
            state.ids.clear()
            state.seen = 0
        new = list(itertools.islice(reversed(rels.values()), len(rels) - state.seen))
        for rel in reversed(new):
            target = rel.target_ref if rel.is_external else rel.target_part
            state.ids.setdefault((rel.reltype, target, rel.is_external), rel.rId)
            self.lookups += 1
        state.seen = len(rels)

    # ------------------------------------------------------------- image parts

    def image_part(self, package: Any, image: DocxImage) -> ImagePart:
        """``images._get_by_sha1(image.sha1) or images._add_image_part(image)`` for the
        package's image parts: the first part with the same bytes, or a new one named
        ``/word/media/imageN.ext`` with the lowest N no image part uses."""
        images = package.image_parts
        state = self._images
        parts = oxml.image_parts(package)
        if len(parts) < state.seen:
            self._images = state = _Images()
        for part in parts[state.seen:]:
            state.by_sha1.setdefault(part.sha1, part)
            state.numbers.add(part.partname.idx)
            if self._svg_names is not None:
                self._svg_names.add(str(part.partname))
            self.lookups += 1
        state.seen = len(parts)
        sha1 = image.sha1
        found = state.by_sha1.get(sha1)
        if found is not None:
            return found
        while state.next in state.numbers:
            state.next += 1
            self.lookups += 1
        partname = PackURI(f"/word/media/image{state.next}.{image.ext}")
        part = ImagePart.from_image(image, partname)
        images.append(part)
        state.by_sha1[sha1] = part
        state.numbers.add(state.next)
        state.seen = len(parts)
        if self._svg_names is not None:
            self._svg_names.add(str(partname))
        return part

    def svg_partname(self, package: Any) -> PackURI:
        """``package.next_partname("/word/media/image%d.svg")``, for a part that is related
        right after (so that the package holds it when the next name is asked)."""
        if self._svg_names is None:
            self._svg_names = {str(part.partname) for part in package.iter_parts()}
            self.lookups += len(self._svg_names)
        n = 1
        while SVG_PARTNAME % n in self._svg_names:
            n += 1
            self.lookups += 1
        name = SVG_PARTNAME % n
        self._svg_names.add(name)
        return PackURI(name)

    # -------------------------------------------------------------- drawing ids

    def shape_id(self, part: Any) -> int:
        """``part.next_id``: one more than the highest ``id`` attribute in the part's XML,
        read once; every drawing written since took the id before."""
        number = self._shape_ids.get(id(part))
        if number is None:
            number = part.next_id
            self.lookups += 1
        self._shape_ids[id(part)] = number + 1
        return number

    def forget_shape_ids(self) -> None:
        """Elements were copied in from elsewhere (an attachment's cover): read the
        highest id again when a drawing next asks."""
        self._shape_ids.clear()
