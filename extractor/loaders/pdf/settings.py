"""The tunable tolerances of the PDF table grid, in one place (in the manner of pdfplumber's ``TableSettings``).

:class:`PdfGridSettings` is frozen; :data:`DEFAULT_PDF_GRID` is what the loader uses. The functions of
:mod:`.grid` (ruling lines → tables) and :mod:`.stitch` (tables across pages) take it as ``settings``.
All lengths are PDF points (1/72 inch) of the upright page, top-left origin.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PdfGridSettings:
    """Tolerances of the ruling-line grid and of the stitching of tables across pages (PDF points)."""

    edge_min_length_prefilter: float = 1.0
    """Ruling segments shorter than this are dropped before they are snapped and joined (pdfplumber's default
    ``edge_min_length_prefilter``)."""

    snap_tolerance: float = 3.0
    """Parallel ruling lines closer than this are snapped to one line (pdfplumber's default ``snap_tolerance``)."""

    join_tolerance: float = 3.0
    """Collinear segments whose ends are closer than this are joined into one line (pdfplumber's default
    ``join_tolerance``)."""

    edge_min_length: float = 3.0
    """Lines still shorter than this after joining are ignored (pdfplumber's default ``edge_min_length``)."""

    intersection_tolerance: float = 3.0
    """A horizontal and a vertical line this close meet (pdfplumber's default ``intersection_tolerance``)."""

    grid_tolerance: float = 1.5
    """Cell boundaries closer than this are one grid line of the table (this loader's value, below the snap
    tolerance: the lines are snapped already)."""

    min_box_width: float = 20.0
    """A lone rectangle narrower than this is not a table (tick boxes)."""

    min_box_height: float = 10.0
    """A lone rectangle lower than this is not a table (underlines drawn as thin rectangles)."""

    nest_slack: float = 0.5
    """A table lies inside another table's cell when it pokes out of it by no more than this (shared borders)."""

    cell_pad_min: float = 1.0
    """A cell's inner left margin, where its left-most line starts, is taken as at least this ..."""

    cell_pad_max: float = 5.8
    """... and at most this (Word's usual cell margin, 0.19 cm ≈ 5.4 pt, with a little slack)."""

    edge_tolerance: float = 2.5
    """Table edges and column lines of two parts of a table (the parts on two pages) closer than this are the
    same line."""

    continuation_top: float = 8.0
    """A table continues the one on the page before only if it starts within this of the top of the page's text
    area (more room above: something, an empty paragraph, stands between them)."""

    max_split_gap: float = 30.0
    """A row split by a page break leaves less than this free at the bottom of the page's text area."""

    nested_continuation_top: float = 12.0
    """A nested table starting within this of the top of the lower part of a split cell continues the nested
    table of the upper part."""

    nested_bottom: float = 5.0
    """Inside a cell there is no page-end evidence: a nested table's text area is taken to end this far below
    it (text rules only decide a split row)."""


DEFAULT_PDF_GRID = PdfGridSettings()
