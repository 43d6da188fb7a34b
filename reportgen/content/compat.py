"""The content format as a public interface: keys that changed name between versions.

Content written for an earlier reportgen names a key by its old name; the loader then
reports, at that key's line, the name to write now and the version that changed it,
instead of a bare "unknown key".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Renamed:
    model: str  # the content model holding the key, e.g. "Metadata" for document:
    old: str
    new: str
    since: str  # the reportgen version that renamed it

    def message(self) -> str:
        return (f"{self.old!r} was renamed {self.new!r} in reportgen {self.since}; "
                f"write {self.new!r}")


# Every rename of the content format, oldest first. A key is only ever renamed in a
# minor version, and stays listed here for good.
RENAMED: tuple[Renamed, ...] = ()


def renamed(model: str, key: str) -> Renamed | None:
    """The rename of ``key`` in ``model``, if the key is a former name."""
    for entry in RENAMED:
        if entry.model == model and entry.old == key:
            return entry
    return None
