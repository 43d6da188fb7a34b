"""reportgen: ITU-T TSAG documents (TDs) as DOCX and PDF from structured content."""

__version__ = "0.2.0"
