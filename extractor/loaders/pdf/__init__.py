"""Digital PDF loader (text layer, pdfplumber): the same IR as the Word loader.

* Tables come from ruling lines: line and rectangle edges are snapped and joined
  (pdfplumber's ``merge_edges``), their intersections give the cells
  (``intersections_to_cells``); the grid is built from the cells' x / y
  boundaries, so a merged cell is one :class:`Cell` with its row/column span.
  Single-cell boxes (narrative boxes) are kept as 1×1 tables; a table lying
  inside a cell of another is that cell's nested table.
* Text: characters (CJK duplicates drawn twice for fake bold removed) are put
  into the innermost cell that holds their centre, else onto the page. They are
  grouped into visual lines, and lines into paragraphs: a line that runs to the
  right edge of its cell / text area continues in the next line (a wrapped
  Word paragraph), otherwise the next line starts a new paragraph. Cell text =
  its paragraphs joined with ``"\\n"`` (as the Word loader), page text = one
  :class:`Paragraph` per paragraph, in reading order.
* Pages: ``/Rotate`` is applied by pdfplumber (coordinates as displayed); a page
  whose text runs sideways (a table turned on a portrait page) is turned so that
  its text is upright. ``page`` is 1-based, ``bbox`` = (x0, top, x1, bottom) in
  PDF points of the (upright) page.
* Tables across pages: a table at the top of a page that continues the table at
  the bottom of the previous page (same left / right edges, compatible columns,
  no text between) is stitched onto it: a repeated header is dropped, a row
  split by the page break is joined back, a merged label column continues.
* Pages without a text layer (scans) are listed in ``Document.needs_ocr_pages``;
  a PDF made only of such pages raises :class:`NeedsOCR`.

Modules (each one job): :mod:`.chars` (characters → lines → paragraphs), :mod:`.grid` (ruling lines → table
grids, cell text), :mod:`.page` (one page → :class:`PageContent`, page numbers, running headers / footers),
:mod:`.stitch` (tables across pages), :mod:`.document` (pages → :class:`Document`), :mod:`.load` (open the
file, read its pages).
"""
from __future__ import annotations

from .chars import Ch, dedupe
from .document import build_document
from .grid import cell_text
from .load import ENCRYPTED, load_pdf
from .page import PageContent, read_page

__all__ = ["ENCRYPTED", "Ch", "PageContent", "build_document", "cell_text", "dedupe", "load_pdf", "read_page"]
