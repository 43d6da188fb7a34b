"""Whether WeasyPrint will subset fonts with HarfBuzz or fall back to fontTools.

WeasyPrint 70 (``weasyprint/text/ffi.py`` and ``pdf/fonts.py``) opens HarfBuzz's
subsetter with cffi under a list of library names, and uses it when one of them loads
and HarfBuzz is at least 4.1.0; otherwise it subsets every font with fontTools, several
times slower, and says so only to its logger. The same test, made here with ctypes,
costs a millisecond and imports nothing of WeasyPrint, so a build can warn once.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

PACKAGE = "libharfbuzz-subset0"  # the Debian package of the library
# WeasyPrint's names, in its order: Linux, macOS and Windows spellings
SUBSET_NAMES = ("libharfbuzz-subset-0", "harfbuzz-subset", "harfbuzz-subset-0.0",
                "libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib",
                "libharfbuzz-subset-0.dll")
HARFBUZZ_NAMES = ("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0",
                  "libharfbuzz.0.dylib", "libharfbuzz-0.dll")
MINIMUM = (4, 1, 0)
WARNING = (f"warning: HarfBuzz's font subsetter is not installed, so WeasyPrint subsets "
           f"the PDF's fonts with fontTools, which is much slower; install {PACKAGE} "
           "(e.g. apt-get install libharfbuzz-subset0, or make runtime-deps)")


def _load(names: tuple[str, ...]) -> ctypes.CDLL | None:
    """The first library that loads, as cffi would find it: a name with a dot or a
    slash as it is, then any name through ``ctypes.util.find_library``."""
    for name in names:
        if "." in name or "/" in name:
            try:
                return ctypes.CDLL(name)
            except OSError:
                continue
    for name in names:
        path = ctypes.util.find_library(name)
        if path is not None:
            try:
                return ctypes.CDLL(path)
            except OSError:
                continue
    return None


@functools.cache
def uses_fonttools() -> bool:
    """True when WeasyPrint would subset fonts with fontTools (no usable subsetter)."""
    if _load(SUBSET_NAMES) is None:
        return True
    harfbuzz = _load(HARFBUZZ_NAMES)
    if harfbuzz is None:
        return True  # WeasyPrint cannot run at all; its own error says why
    at_least = harfbuzz.hb_version_atleast
    at_least.argtypes = [ctypes.c_uint, ctypes.c_uint, ctypes.c_uint]
    at_least.restype = ctypes.c_int
    return not at_least(*MINIMUM)
