"""Columns of a table continued on the next page, mapped onto the table above: one rule for the PDF stitcher
(:mod:`.stitch`) and the OCR stitcher (:mod:`extractor.ocr.stitch`). Pure functions on column lines (x in pt)."""
from __future__ import annotations

from .grid import nearest_line
from .settings import DEFAULT_PDF_GRID


def close(a: float, b: float, tol: float = DEFAULT_PDF_GRID.edge_tolerance) -> bool:
    """``a`` and ``b`` (pt) are the same line: at most ``tol`` apart."""
    return abs(a - b) <= tol


def subset(xs: list[float], of: list[float], tol: float = DEFAULT_PDF_GRID.edge_tolerance) -> bool:
    """Every line of ``xs`` is one of ``of`` (within ``tol`` pt)."""
    return all(any(close(x, y, tol) for y in of) for x in xs)


def align_columns(ref: list[float], xs: list[float], tol: float = DEFAULT_PDF_GRID.edge_tolerance):
    """Map the column lines ``xs`` of a continuation onto the lines ``ref`` of the table above, or ``None``.

    Lines that already coincide (within ``tol`` pt) need no mapping, nor does a finer or coarser part whose
    lines are a subset of the other's (a cut header row): both give ``None`` and the parts' lines are merged.
    A part with as many column lines as the table above, the same outer edges, but inner lines moved (the
    applicant changed column widths on the next page, with no repeated header) is aligned column by column,
    in order: the returned function maps an x (pt) in the part to the matching x of ``ref``. Any other part
    gets ``None`` too; :func:`.stitch._compatible` keeps such a part (another number of columns whose lines are no
    subset of the other's) from being stitched at all, so its values are mapped as a table of its own,
    where a grid column that cannot be told is ``review`` (issue 8, item 5c).
    """
    if subset(xs, ref, tol) or subset(ref, xs, tol):
        return None
    if len(xs) != len(ref) or not (close(xs[0], ref[0], tol) and close(xs[-1], ref[-1], tol)):
        return None

    def snap(x: float) -> float:
        return ref[nearest_line(xs, x)]
    return snap


def align_cut_rows(ref_row: list[float], row: list[float], tol: float = DEFAULT_PDF_GRID.edge_tolerance):
    """Map the column lines of a continuation onto the table above by the two rows that meet at the page break,
    or ``None``: for tables whose other rows have lines of their own (a row of three columns under a year grid of
    four), so that the whole tables' lines (:func:`align_columns`) neither match nor can be paired in order.

    ``ref_row``: the lines (pt) of the last row above the break; ``row``: those of the first row below. When
    :func:`align_columns` pairs these two rows in order, the returned function moves an x within ``tol`` of one
    of ``row``'s lines onto its partner in ``ref_row`` and leaves any other x where it is (a line the two rows do
    not share belongs to other rows of the part)."""
    snap = align_columns(ref_row, row, tol)
    if snap is None:
        return None

    def move(x: float) -> float:
        return snap(x) if any(close(x, y, tol) for y in row) else x
    return move

