"""A Word document -> a new content folder (``reportgen import``).

``import_docx(source, target, kind=None, changes=None, force=False)`` reads the DOCX
with ``reportgen.read``, takes the cover fields from its cover table (``cover``), sorts
the rest into clauses, annexes and appendices (``body``), writes ``report.yaml`` and one
Markdown file per clause into a temporary folder beside ``target``, checks that folder
as ``reportgen check`` would, rebuilds its DOCX and compares it with the source
paragraph by paragraph (``compare``); only then is the folder renamed into place. Every
thing that had no place in the format, and every paragraph the rebuilt document would
not print the same, is a line of ``ImportResult.notes``.
"""

from reportgen.importer.run import ImportRefused, ImportResult, import_docx

__all__ = ["ImportRefused", "ImportResult", "import_docx"]
