"""Tables across pages: a table at the top of a page that continues the table at the bottom of the
previous page (same left / right edges, compatible columns, no text between) is stitched onto it.

A repeated header is dropped, a row split by the page break is joined back, a merged label column continues;
nested tables of a split cell are stitched too. The steps, in the manner of pdfplumber's ``table.py``:
:func:`continuation_of` (does the next part go on?), :func:`header_rows` / :func:`drop_header` (a repeated
header), :func:`rows_to_pairs` and :func:`rows_to_joined` (a row cut by the page break),
:func:`columns_to_alignment` and :func:`parts_to_cells` (the merged grid), :func:`nested_to_tables`. The
evidence of wrapped text comes from :class:`CellText`; :class:`Stitcher` only holds the parts so far.
"""
from __future__ import annotations

import re

from ...ir import Cell, Table
from .align import align_columns
from .align import close as _close
from .align import subset as _subset
from .chars import fills, first_token_width, join_wrapped
from .grid import PTable, cell_pad, nearest_line, row_cells, to_ir
from .settings import DEFAULT_PDF_GRID, PdfGridSettings

# a row whose label column is empty below is a split row when at least this many other cells, filled above and
# below, all ran to their cells' edges above (the text did not fit: it goes on below)
MIN_RAN_CELLS = 3
SPLIT_DOUBT = 0.6  # source confidence of cells of a row that may or may not be split (below ok)
# a cell that starts like this goes on from the cell above (a hint or a seal line of the same label)
_GOES_ON = re.compile(r"^[（(]\s*(注|备注|说明|需|含|包括|不含|如|单位盖章|盖章|签字|签章)")
_FILL_LABEL = re.compile(r"^\s*([^：:\n]{1,8})[：:]")




def _canon(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _compatible(prev: PTable, nxt: PTable, tol: float = DEFAULT_PDF_GRID.edge_tolerance) -> bool:
    return _subset(nxt.xs, prev.xs, tol) or _subset(prev.xs, nxt.xs, tol) or len(nxt.xs) == len(prev.xs)


# --- does the next part go on? ---------------------------------------------------------------------------------
def continuation_of(first: PTable, prev: PTable, nxt: PTable, body_top: float,
                    settings: PdfGridSettings = DEFAULT_PDF_GRID) -> bool:
    """Does ``nxt`` (at the top of a page) go on with the table whose parts so far are ``first`` … ``prev``?"""
    tol = settings.edge_tolerance
    if not (_close(prev.bbox[0], nxt.bbox[0], tol) and _close(prev.bbox[2], nxt.bbox[2], tol)):
        return False
    if nxt.bbox[1] > body_top + settings.continuation_top:
        return False  # something (an empty paragraph) stands above it: a new table
    if not _compatible(prev, nxt, tol):
        return False
    head = row_cells(nxt, 0)
    if len(head) == 1 and head[0].colspan == len(nxt.xs) - 1 > 1 and len(nxt.ys) > 2:
        # starts with a full-width title row: a continuation only if it repeats the table's title row
        top = row_cells(first, 0)
        return len(top) == 1 and _canon(top[0].text) == _canon(head[0].text)
    return True


# --- a repeated header -------------------------------------------------------------------------------------------
def _row_block(t: PTable, start: int, k: int) -> list[tuple] | None:
    """Rows ``start`` … ``start + k`` of ``t`` as comparable tuples, ``None`` when a cell runs out of the block or
    the block holds no text."""
    cells = [c for c in t.cells if start <= c.row < start + k]
    if any(c.row + c.rowspan > start + k for c in cells) or not any(_canon(c.text) for c in cells):
        return None
    return sorted((c.row - start, c.bbox[0], c.bbox[2], c.rowspan, _canon(c.text)) for c in cells)


def _same_block(a: list[tuple], b: list[tuple], tol: float) -> bool:
    """Two row blocks with the same cells and mostly the same text. A repeated header may be drawn clipped
    (LibreOffice): its text a prefix of the first one's."""
    if len(a) != len(b) or not all(x[0] == y[0] and x[3] == y[3] and _close(x[1], y[1], tol) and _close(x[2], y[2], tol)
                                   for x, y in zip(a, b)):
        return False
    if not all(x[4].startswith(y[4]) or y[4].startswith(x[4]) for x, y in zip(a, b)):
        return False
    full = [x for x in a if x[4]]
    return sum(x[4] == y[4] for x, y in zip(a, b) if x[4]) * 2 >= len(full)


def header_rows(first: PTable, nxt: PTable, tol: float = DEFAULT_PDF_GRID.edge_tolerance) -> int:
    """How many top rows of ``nxt`` repeat a block of rows near the top of ``first`` (a repeated table
    header, possibly several rows with merged cells)."""
    best = 0
    n_first, n_next = len(first.ys) - 1, len(nxt.ys) - 1
    for k in range(1, min(4, n_next - 1) + 1):
        b = _row_block(nxt, 0, k)
        if b is None:
            continue
        for s in range(0, min(4, n_first - k) + 1):
            a = _row_block(first, s, k)
            if a is not None and _same_block(a, b, tol):
                best = k
                break
    return best


def drop_header(nxt: PTable, k: int) -> None:
    """Remove the top ``k`` rows of ``nxt`` (a repeated header): its cells below move up."""
    keep = [c for c in nxt.cells if c.row >= k]
    for c in keep:
        c.row -= k
    nxt.cells = keep
    nxt.ys = nxt.ys[k:]
    nxt.grid = nxt.grid[k:]


# --- the evidence of wrapped text --------------------------------------------------------------------------------
class CellText:
    """The paragraphs of each cell (by ``id``), as read from the page: did a cell's text wrap into the cell below?"""

    def __init__(self, paras: dict, settings: PdfGridSettings = DEFAULT_PDF_GRID) -> None:
        self.paras = paras
        self.settings = settings

    def n_lines(self, c: Cell) -> int:
        """How many lines the cell's text takes."""
        return sum(len(p.lines) for p in self.paras.get(id(c), []))

    def wrapped(self, a: Cell, b: Cell, strong: bool = False) -> bool:
        """Did the text of ``a`` wrap into ``b``? ``strong``: CJK text that ran into the right edge of a
        left-aligned cell (not a short value that happens to nearly fill a narrow cell)."""
        pa, pb = self.paras.get(id(a)), self.paras.get(id(b))
        if not pa or not pb:
            return False
        la, lb = pa[-1].lines[-1], pb[0].lines[0]
        pad = cell_pad(a, [l for p in pa for l in p.lines], self.settings)
        if strong:
            ca = [c for c in la.chars if c.text.strip()]
            cb = [c for c in lb.chars if c.text.strip()]
            if len(ca) < 4 or ca[-1].text.isascii() or cb[0].text.isascii() or la.x0 - a.bbox[0] > pad + 2.5 * la.size:
                return False
            return a.bbox[2] - pad - la.x1 < first_token_width(lb) + 0.25 * la.size
        return fills(la, lb, a.bbox[2] - a.bbox[0] - 2 * pad, a.bbox[2] - pad)

    def concat(self, a: Cell, b: Cell) -> str:
        """The text of ``a`` followed by that of ``b``: joined as one paragraph where ``a`` wrapped into ``b``."""
        if self.wrapped(a, b):
            pb = self.paras.get(id(b)) or []
            if pb:
                return "\n".join([join_wrapped(a.text, pb[0].text)] + [p.text for p in pb[1:]])
        return a.text + "\n" + b.text

    def join(self, a: Cell, b: Cell) -> None:
        """``a`` takes the text of ``b`` after its own; its last paragraphs are now ``b``'s."""
        a.text = self.concat(a, b)
        self.paras[id(a)] = self.paras.get(id(b), [])


# --- a row cut by the page break ---------------------------------------------------------------------------------
def rows_to_pairs(prev: PTable, nxt: PTable,
                  tol: float = DEFAULT_PDF_GRID.edge_tolerance) -> tuple[list[Cell], list[Cell], bool, bool] | None:
    """The last row of ``prev`` and the first row of ``nxt``, cell by cell: (above, below, same layout, refined),
    or ``None`` when the rows cannot be one. Refined: the lower part is finer (a header row cut by the page break,
    whose cell spanning two columns shows the next header row's two cells at once); only the cells that line up
    are paired."""
    r0 = row_cells(prev, len(prev.ys) - 2)
    r1 = row_cells(nxt, 0)
    if not r0 or not r1 or any(c.row != 0 for c in r1) or not _close(r1[0].bbox[0], r0[0].bbox[0], tol):
        return None
    if len(r0) == len(r1) and all(_close(a.bbox[0], b.bbox[0], tol) and _close(a.bbox[2], b.bbox[2], tol)
                                  for a, b in zip(r0, r1)):
        return r0, r1, True, False
    under = [[b for b in r1 if b.bbox[0] >= a.bbox[0] - tol and b.bbox[2] <= a.bbox[2] + tol] for a in r0]
    if all(under) and sum(len(u) for u in under) == len(r1) and any(len(u) > 1 for u in under):
        pairs = [(a, u[0]) for a, u in zip(r0, under)
                 if len(u) == 1 and _close(a.bbox[0], u[0].bbox[0], tol) and _close(a.bbox[2], u[0].bbox[2], tol)]
        if pairs and pairs[0][0] is r0[0]:
            return [a for a, _ in pairs], [b for _, b in pairs], False, True
    return r0, r1, False, False


def _doubt_rows(cells: list[Cell], note: str) -> None:
    for c in cells:
        if c.text.strip():
            c.confidence = min(c.confidence, SPLIT_DOUBT)
            if note not in c.notes:
                c.notes.append(note)


def _goes_on_fill(a: Cell, b: Cell) -> bool:
    """A fill-in cell (数量：… 名称：…) cut by the page break: the part below starts with another blank's
    label than the part above (the next row of such a table would start with the same one)."""
    ma, mb = _FILL_LABEL.match(a.text), _FILL_LABEL.match(b.text)
    return bool(ma and mb) and ma.group(1) != mb.group(1) and f"{mb.group(1)}：" not in a.text \
        and f"{mb.group(1)}:" not in a.text


def _split_under_empty_label(r0: list[Cell], r1: list[Cell], page: int, text: CellText, filled0: list[bool],
                             filled1: list[bool], emptied: list[int]) -> bool:
    """The label column is empty below: a split row, unless the label only spans rows (a vertical merge: then
    the row below is a new one under the same label, its cells shaped like these). Unsure rows are doubted."""
    both = [(a, b) for a, b, f0, f1 in zip(r0[1:], r1[1:], filled0[1:], filled1[1:]) if f0 and f1]
    ran = [text.wrapped(a, b) for a, b in both]  # text of the row above ran to its cell's edge
    split = filled0[0] and (
        len(r0) == 2 or len(emptied) >= 2 or any(_goes_on_fill(a, b) for a, b in both)
        or (bool(both) and all(text.wrapped(a, b, strong=True) for a, b in both))
        or (len(both) >= MIN_RAN_CELLS and all(ran)))
    if not split and filled0[0] and any(ran):
        # some cells look cut by the page break, others not: which rows the text belongs to is unsure
        _doubt_rows(r0 + r1, f"a row at the foot of page {page} may go on at the top of the next "
                             "page: its cells may be cut")
    return split


def _split_row(r0: list[Cell], r1: list[Cell], prev: PTable, text: CellText, refine: bool) -> tuple[bool, bool]:
    """Is the row below the rest of the row above (split), or, if not, does its label cell go on from the one
    above (label join)? Decided from which cells are filled above / below and whose text wrapped."""
    filled0 = [bool(c.text.strip()) for c in r0]
    filled1 = [bool(c.text.strip()) for c in r1]
    wraps = [f0 and f1 and text.wrapped(a, b) for a, b, f0, f1 in zip(r0, r1, filled0, filled1)]
    # cells filled above and empty below: short cells (a number, 序号) that did not need the next page
    emptied = [i for i, (f0, f1) in enumerate(zip(filled0, filled1)) if f0 and not f1]
    spans = r0[0].rowspan > 1 or r1[0].rowspan > 1
    if len(r0) == 1 and not refine:
        nested = any(ch.parent is r0[0] for ch in prev.children)
        return filled0[0] and (wraps[0] or text.n_lines(r0[0]) >= 3 or nested), False
    if filled1[0] and _GOES_ON.match(r1[0].text):
        return filled0[0], False
    if not emptied:
        # every cell goes on below: a split row only if most ran, as CJK text, into the right edge
        strong = [text.wrapped(a, b, strong=True) for a, b, f in zip(r0, r1, filled1) if f]
        split = sum(strong) * 2 > len(strong)
        return split, not split and wraps[0] and spans  # a new row; its label, spanning rows, was cut
    if not filled1[0]:
        return _split_under_empty_label(r0, r1, prev.page, text, filled0, filled1, emptied), False
    rest = [w for w, f in zip(wraps[1:], filled1[1:]) if f]
    if wraps[0]:
        split = not (spans and not all(rest))
        return split, not split
    # the label column starts a new paragraph below: split only if all the other text goes on
    return bool(rest) and all(rest) and not re.fullmatch(r"[\d.、\s]+", r1[0].text), False


def _move_children(a: Cell, b: Cell, nxt: PTable, settings: PdfGridSettings) -> None:
    """Nested tables of a split cell: those of the lower part go to the upper cell, stitched if they continue."""
    for ch in nxt.children:
        if ch.parent is b:
            ch.cont = ch.bbox[1] - b.bbox[1] < settings.nested_continuation_top
            ch.parent = a


def rows_to_joined(prev: PTable, nxt: PTable, gap: float, text: CellText,
                   settings: PdfGridSettings = DEFAULT_PDF_GRID) -> tuple[dict[int, Cell], bool]:
    """Is the first row of ``nxt`` the rest of the last row of ``prev`` (a row split by the page break; ``gap``:
    the room left below ``prev`` on its page)?

    Returns the cells of ``nxt`` that the cells above absorb (by ``id``), and whether the whole row was split.
    Otherwise a merged label column may go on (its cell cut by the page break): the label cell above
    absorbs the label cell below.
    """
    tol = settings.edge_tolerance
    rows = rows_to_pairs(prev, nxt, tol)
    if rows is None:
        return {}, False
    r0, r1, same_layout, refine = rows
    any_below = any(c.text.strip() for c in r1)
    split = label_join = False
    if (same_layout or refine) and any_below and gap <= settings.max_split_gap:
        split, label_join = _split_row(r0, r1, prev, text, refine)
    if split:
        merged: dict[int, Cell] = {}
        for a, b in zip(r0, r1):
            if b.text.strip():
                text.join(a, b)
            merged[id(b)] = a
            _move_children(a, b, nxt, settings)
        # same cells below: they share the row above; finer cells below: they make the row after it
        return merged, not refine
    if refine:
        return {}, False
    a, b = r0[0], r1[0]
    if label_join:
        text.join(a, b)
        return {id(b): a}, False
    # the label column continues (a vertically merged cell cut by the page break)
    if not b.text.strip() and a.text.strip() and any_below and _close(a.bbox[2], b.bbox[2], tol):
        return {id(b): a}, False
    return {}, False


# --- the merged table --------------------------------------------------------------------------------------------
class Stitcher:
    """The parts so far of a table that continues over several pages, and how each joins the part above."""

    def __init__(self, first: PTable, text: CellText, body_bottom: float, settings: PdfGridSettings = DEFAULT_PDF_GRID):
        self.settings = settings
        self.text = text
        self.body_bottom = body_bottom
        self.parts: list[PTable] = [first]
        self.absorbed: list[dict[int, Cell]] = [{}]  # per part: id(cell) -> the cell above it absorbs it
        self.split: list[bool] = [False]  # per part: its first row is the rest of the previous part's last row

    def add(self, nxt: PTable) -> None:
        """Stitch on the next part: its repeated header dropped, its first row joined to the row above if split."""
        prev = self.parts[-1]
        drop = header_rows(self.parts[0], nxt, self.settings.edge_tolerance)
        if drop:
            drop_header(nxt, drop)
        if len(nxt.ys) < 2:
            return
        absorbed, split = rows_to_joined(prev, nxt, self.body_bottom - prev.bbox[3], self.text, self.settings)
        self.parts.append(nxt)
        self.absorbed.append(absorbed)
        self.split.append(split)

    def table(self) -> Table:
        """The stitched IR :class:`Table` (nested tables of its cells stitched too)."""
        xs, aligned = columns_to_alignment([p.xs for p in self.parts], self.settings.edge_tolerance)
        cells, n_rows = parts_to_cells(self.parts, self.absorbed, self.split, xs, aligned)
        children = [ch for p in self.parts for ch in p.children]
        for c in cells:
            c.tables.extend(nested_to_tables([ch for ch in children if ch.parent is c], self.text, self.settings))
        first = self.parts[0]
        return Table(n_rows=n_rows, n_cols=len(xs) - 1, cells=cells, page=first.page, bbox=first.bbox)


def columns_to_alignment(part_xs: list[list[float]], tol: float = DEFAULT_PDF_GRID.edge_tolerance):
    """The column lines of the stitched table, and per part the mapping of its x onto them (``None``: its lines
    are merged in as they are; see :func:`align_columns`)."""
    ref = part_xs[0]
    aligned = [align_columns(ref, xs, tol) for xs in part_xs]
    out = list(ref)
    for xs, snap in zip(part_xs[1:], aligned[1:]):
        if snap is None:
            for x in xs:
                if not any(_close(x, y, tol) for y in out):
                    out = sorted(out + [x])
    return out, aligned


def parts_to_cells(parts: list[PTable], absorbed: list[dict[int, Cell]], split: list[bool], xs: list[float],
                   aligned: list) -> tuple[list[Cell], int]:
    """The cells of all parts on the stitched grid (rows numbered on, columns on ``xs``), absorbed cells
    extending the cell above instead; and the number of rows."""
    cells: list[Cell] = []
    n_rows = 0
    for p, absorbed_p, split_p, snap in zip(parts, absorbed, split, aligned):
        shift = n_rows - 1 if split_p else n_rows
        for c in p.cells:
            a = absorbed_p.get(id(c))
            if a is not None:
                a.rowspan = max(a.rowspan, c.row + shift + c.rowspan - a.row)
                continue
            c.row += shift
            x0, x1 = (snap(c.bbox[0]), snap(c.bbox[2])) if snap else (c.bbox[0], c.bbox[2])
            c.col = nearest_line(xs, x0)
            c.colspan = max(1, nearest_line(xs, x1) - c.col)
            cells.append(c)
        n_rows = shift + len(p.ys) - 1
    for c in cells:
        c.rowspan = max(1, min(c.rowspan, n_rows - c.row))
    cells.sort(key=lambda c: (c.row, c.col))
    return cells, n_rows


def nested_to_tables(kids: list[PTable], text: CellText, settings: PdfGridSettings = DEFAULT_PDF_GRID) -> list[Table]:
    """The nested tables of one cell, those continued from the part above stitched on."""
    tol = settings.edge_tolerance
    groups: list[Stitcher] = []
    for k in kids:
        if groups and k.cont:
            g = groups[-1]
            last = g.parts[-1]
            if _close(last.bbox[0], k.bbox[0], tol) and _close(last.bbox[2], k.bbox[2], tol) and _compatible(last, k, tol):
                g.body_bottom = last.bbox[3] + settings.nested_bottom  # inside a cell: no page-end evidence
                g.add(k)
                continue
        groups.append(Stitcher(k, text, k.bbox[3] + settings.nested_bottom, settings))
    return [g.table() if len(g.parts) > 1 else to_ir(g.parts[0]) for g in groups]
