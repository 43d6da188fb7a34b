"""Document ids as ITU writes them, and the one form the register is matched in.

ITU writes the same document several ways: ``C54``, ``C 054``, ``C054``; ``TD433R1``,
``TD433-R1``, ``TD433 R1``, ``TD 433 Rev.1``. All of them stand for one *normal* id, the
kind, the number without leading zeros and ``R`` with the revision: ``C54``,
``TD433R1``. The register is keyed by normal ids, a cited id is looked up by its normal
id, and every id is printed as its author wrote it.
"""

from __future__ import annotations

import re

# the parts of an id: kind, number, and a revision as R1, -R1, " R1", Rev.1 or " Rev. 1"
_PARTS = (r"(C|TD|R)[ \u00a0]?(\d{1,5})"
          r"(?:(?:-|[ \u00a0])?R(\d{1,2})|[ \u00a0]?Rev\.[ \u00a0]?(\d{1,2}))?")
# what the register (and agenda, minutes, revision_of) accepts
DOC_ID_PATTERN = rf"^{_PARTS}$"
_WHOLE = re.compile(DOC_ID_PATTERN)
# an id in prose: C and TD only (an "R 5" in text is too often something else). Latin
# letters and digits around an id make it part of another word; CJK text writes ids next
# to its own characters ("的文稿C54"), which do not.
IN_TEXT = re.compile(r"(?<![A-Za-z0-9_\-/.])" + _PARTS.replace("(C|TD|R)", "(C|TD)")
                     + r"(?![A-Za-z0-9_\-])")


# the compact forms only (C54, TD433R1, TD433-R1): what a Word document's text is read for
COMPACT_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9_\-/.])(?:C|TD)\d{1,4}(?:-?R\d{1,2})?(?![A-Za-z0-9_\-])")


def normal_id(written: str) -> str:
    """``TD 045 Rev.1`` -> ``TD45R1``; ``C 012`` -> ``C12``; an id not in any ITU form is
    returned as it is."""
    match = _WHOLE.match(written)
    if match is None:
        return written
    kind, number, revision, rev = match.groups()
    revision = revision or rev
    return f"{kind}{int(number)}" + (f"R{int(revision)}" if revision else "")


def is_spaced(written: str) -> bool:
    """Whether the id is written with a space inside (``C 012``, ``TD210 R1``)."""
    return any(c in written for c in " \u00a0")
