"""Reading a DOCX back: paragraphs, tables, footnotes, comments and tracked changes.

``read_docx(path, changes="accept")`` returns a ``WordDocument``: the body as blocks
(``Paragraph`` and ``Table``), each paragraph with its text as spans, its style by name,
the label Word numbering prints before it, its bookmarks and its 1-based index; tables
as the cells that start in each row, with their column and row spans; footnotes by id;
comments with the paragraph they start in; and every tracked change found, listed
before the text is read with the changes accepted (or rejected).

``read_marked(path, bookmark_prefix)`` returns a ``MarkedDocument``: the same file read
as a reviewer left it, nothing settled: each paragraph of the body and the footnotes
(``MarkedParagraph``) with its text with every change rejected and accepted, the
bookmarks that start and end in it, its paragraph mark inserted or deleted; every
comment, reply and change (``Mark``) in document order; the core and custom properties.

Shared by ``import`` (a Word document -> a content folder, ``read_docx``) and ``review``
(the reviewed DOCX and the one the sources make, ``read_marked``); both read the package,
its properties, comments and footnotes the same way (``parts``). Knows nothing of the
content format. A file that cannot be read raises ``NotReadable``
with a sentence saying why; parts are read within byte caps, XML without entities.
"""

from reportgen.read.changes import Change
from reportgen.read.document import (
    Block,
    Cell,
    Comment,
    Paragraph,
    Picture,
    Span,
    Table,
    WordDocument,
)
from reportgen.read.marked import Mark, MarkedDocument, MarkedParagraph, read_marked
from reportgen.read.numbering import Label, Level
from reportgen.read.package import NotReadable
from reportgen.read.reader import read_docx

__all__ = ["Block", "Cell", "Change", "Comment", "Label", "Level", "Mark", "MarkedDocument",
           "MarkedParagraph", "NotReadable", "Paragraph", "Picture", "Span", "Table",
           "WordDocument", "read_docx", "read_marked"]
