"""Reading-list exports: CSV (Excel-safe), Markdown digest, BibTeX."""

from tracker.export.bibtex import export_bibtex
from tracker.export.csv import CSV_COLUMNS, export_csv
from tracker.export.markdown import export_markdown

FORMATS = ("csv", "md", "bib")
"""Export formats by their ``--format`` name."""

__all__ = ["CSV_COLUMNS", "FORMATS", "export_bibtex", "export_csv", "export_markdown"]
