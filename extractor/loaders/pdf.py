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
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorruptFile, NeedsOCR
from ..ir import Cell, Document, Paragraph, Table
from .docx import SYMBOLS

SNAP = 3.0  # pt: ruling lines closer than this are one line
MIN_EDGE = 3.0  # pt: shorter ruling segments are ignored
GRID_TOL = 1.5  # pt: cell boundaries closer than this are one grid line
MIN_BOX_W, MIN_BOX_H = 20.0, 10.0  # a lone rectangle smaller than this is not a table (tick boxes, underlines)
SCAN_MAX_CHARS = 10  # a page with fewer characters than this and a big image is a scan
SCAN_MIN_IMAGE = 0.3  # share of the page area covered by images on a scanned page

_PAGE_NO = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}\s*(页)?\s*([/／]\s*\d{1,4}|共\s*\d{1,4}\s*页)?[-—–－\s]*$")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


# ---------------------------------------------------------------------------
# Page objects
# ---------------------------------------------------------------------------

@dataclass
class Ch:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Line:
    chars: list[Ch]
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    text: str = ""


@dataclass
class Para:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    lines: list[Line] = field(default_factory=list)


@dataclass
class PTable:
    """A table found on one page, before it becomes an IR Table."""

    xs: list[float]
    ys: list[float]
    cells: list[Cell]
    bbox: tuple[float, float, float, float]
    page: int
    grid: list[list[Cell | None]] = field(default_factory=list)
    parent: Cell | None = None  # set for nested tables
    children: list["PTable"] = field(default_factory=list)
    chars: dict[int, list[Ch]] = field(default_factory=dict)  # id(cell) -> chars


def _char_text(c: dict) -> str:
    t = c["text"]
    if len(t) == 1 and 0xF000 <= ord(t) <= 0xF0FF:
        font = c.get("fontname", "").lower()
        for name in ("wingdings 2", "wingdings2", "wingdings"):
            if name in font:
                key = "wingdings 2" if name != "wingdings" else "wingdings"
                return SYMBOLS.get((key, "%04x" % ord(t)), "□")
    return t


def _rotation_of(chars: list[dict]) -> int:
    """How far (degrees clockwise) the page must turn for most of its text to be upright."""
    votes = {0: 0, 90: 0, 180: 0, 270: 0}
    for c in chars[:400]:
        a, b = c["matrix"][0], c["matrix"][1]
        # text direction in PDF (y up) coordinates: (a, b)
        if abs(a) >= abs(b):
            votes[0 if a > 0 else 180] += 1
        else:
            votes[90 if b > 0 else 270] += 1  # reads upwards: turn clockwise; reads downwards: counter-clockwise
    best = max(votes, key=votes.get)
    return best if votes[best] > votes[0] else 0


def _turn(rot: int, w: float, h: float):
    """Point transform (top-left origin, y down) turning a w×h page by ``rot`` degrees clockwise."""
    if rot == 90:
        return (lambda x, y: (h - y, x)), h, w
    if rot == 270:
        return (lambda x, y: (y, w - x)), h, w
    if rot == 180:
        return (lambda x, y: (w - x, h - y)), w, h
    return (lambda x, y: (x, y)), w, h


def _turn_box(f, x0, top, x1, bottom):
    ax, ay = f(x0, top)
    bx, by = f(x1, bottom)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _dedupe(chars: list[Ch]) -> list[Ch]:
    """Drop characters drawn twice at (almost) the same place: fake bold, shadowed text."""
    seen: dict[tuple[str, int, int], Ch] = {}
    out = []
    for c in chars:
        kx, ky = int(c.x0), int(c.top)
        dup = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                o = seen.get((c.text, kx + dx, ky + dy))
                if o is not None and abs(o.x0 - c.x0) <= 1.0 and abs(o.top - c.top) <= 1.0:
                    dup = True
                    break
            if dup:
                break
        if not dup:
            seen[(c.text, kx, ky)] = c
            out.append(c)
    return out


# ---------------------------------------------------------------------------
# Lines and paragraphs
# ---------------------------------------------------------------------------

def _lines(chars: list[Ch]) -> list[Line]:
    """Group characters into visual lines, top to bottom, each left to right."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda c: (c.top, c.x0))
    groups: list[list[Ch]] = []
    spans: list[list[float]] = []  # [top, bottom] of each open line
    for c in chars:
        cy = c.cy
        placed = False
        for i in range(len(groups) - 1, max(-1, len(groups) - 4), -1):
            t, b = spans[i]
            if t - 0.5 <= cy <= b + 0.5:
                groups[i].append(c)
                if c.text.strip():
                    spans[i][0] = min(t, c.top)
                    spans[i][1] = max(b, c.bottom)
                placed = True
                break
        if not placed:
            groups.append([c])
            spans.append([c.top, c.bottom])
    out = []
    for g in groups:
        g.sort(key=lambda c: c.x0)
        ink = [c for c in g if c.text.strip()]
        if not ink:
            continue
        parts: list[str] = []
        prev: Ch | None = None
        for c in g:
            if prev is not None and c.text != " " and prev.text != " ":
                gap = c.x0 - prev.x1
                if gap > 0.3 * max(c.size, prev.size, 1.0):
                    parts.append(" " * max(1, min(4, int(round(gap / max(0.5 * c.size, 1.0))))))
            parts.append(c.text)
            prev = c
        text = "".join(parts).strip()
        size = max(c.size for c in ink)
        out.append(Line(g, min(c.x0 for c in ink), min(c.top for c in ink), max(c.x1 for c in ink),
                        max(c.bottom for c in ink), size, text))
    out.sort(key=lambda l: (l.top, l.x0))
    return out


def _first_token_width(line: Line) -> float:
    """Width of what could not fit at the end of the previous line: a CJK char (plus closing punctuation) or a word."""
    ink = [c for c in line.chars if c.text.strip()]
    if not ink:
        return 0.0
    first = ink[0]
    if _ASCII_WORD.match(first.text):
        end = first.x1
        for c in ink[1:]:
            if c.x0 - end > 0.2 * c.size or not _ASCII_WORD.match(c.text) and c.text not in ".,-%)":
                break
            end = c.x1
        return end - first.x0
    w = first.x1 - first.x0
    if len(ink) > 1 and ink[1].text in "，。、；：？！）》」』”’,.;:?!)%":
        w += ink[1].x1 - ink[1].x0
    return w


def _wraps(prev: Line, nxt: Line, right: float) -> bool:
    """Does ``prev`` continue in ``nxt`` (it ran up to the right edge ``right``)?"""
    if nxt.top < prev.bottom - 1:  # not below
        return False
    if nxt.top - prev.bottom > 1.2 * max(prev.size, nxt.size):
        return False
    if abs(prev.size - nxt.size) > 1.5:
        return False
    room = right - prev.x1
    return room < _first_token_width(nxt) + 0.6 * max(prev.size, nxt.size)


def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def _paragraphs(lines: list[Line], right: float) -> list[Para]:
    out: list[Para] = []
    for ln in lines:
        if out and _wraps(out[-1].lines[-1], ln, right):
            p = out[-1]
            p.text = _join(p.text, ln.text)
            p.x0, p.x1 = min(p.x0, ln.x0), max(p.x1, ln.x1)
            p.bottom = max(p.bottom, ln.bottom)
            p.lines.append(ln)
        else:
            out.append(Para(ln.text, ln.x0, ln.top, ln.x1, ln.bottom, ln.size, [ln]))
    return out


# ---------------------------------------------------------------------------
# Tables on one page
# ---------------------------------------------------------------------------

def _cluster(values: list[float], tol: float = GRID_TOL) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(xs: list[float], v: float) -> int:
    """Index of the grid line nearest to ``v``."""
    i = bisect_right(xs, v)
    if i == 0:
        return 0
    if i == len(xs):
        return len(xs) - 1
    return i if xs[i] - v < v - xs[i - 1] else i - 1


def _find_tables(edges: list[dict], page_no: int) -> list[PTable]:
    from pdfplumber.table import edges_to_intersections, intersections_to_cells, merge_edges

    edges = [e for e in edges if (e["height"] if e["orientation"] == "v" else e["width"]) >= 1]
    if not edges:
        return []
    edges = merge_edges(edges, SNAP, SNAP, SNAP, SNAP)
    edges = [e for e in edges if (e["height"] if e["orientation"] == "v" else e["width"]) >= MIN_EDGE]
    inter = edges_to_intersections(edges, SNAP, SNAP)
    boxes = intersections_to_cells(inter)
    if not boxes:
        return []
    # group cells sharing a corner (union-find)
    parent = list(range(len(boxes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    corner_owner: dict[tuple[float, float], int] = {}
    for i, (x0, t, x1, b) in enumerate(boxes):
        for pt in ((x0, t), (x0, b), (x1, t), (x1, b)):
            j = corner_owner.setdefault(pt, i)
            if j != i:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[ri] = rj
    groups: dict[int, list[tuple]] = {}
    for i, bx in enumerate(boxes):
        groups.setdefault(find(i), []).append(bx)
    tables = []
    for cells in groups.values():
        if len(cells) == 1:
            x0, t, x1, b = cells[0]
            if x1 - x0 < MIN_BOX_W or b - t < MIN_BOX_H:
                continue
        xs = _cluster([v for c in cells for v in (c[0], c[2])])
        ys = _cluster([v for c in cells for v in (c[1], c[3])])
        out: list[Cell] = []
        grid: list[list[Cell | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
        for (x0, t, x1, b) in sorted(cells, key=lambda c: (c[1], c[0])):
            c0, c1, r0, r1 = _index(xs, x0), _index(xs, x1), _index(ys, t), _index(ys, b)
            if c1 <= c0 or r1 <= r0:
                continue
            if any(grid[r][k] is not None for r in range(r0, r1) for k in range(c0, c1)):
                continue  # overlapping cell (an inner partial line): keep the first
            cell = Cell(row=r0, col=c0, rowspan=r1 - r0, colspan=c1 - c0, page=page_no,
                        bbox=(round(x0, 2), round(t, 2), round(x1, 2), round(b, 2)))
            out.append(cell)
            for r in range(r0, r1):
                for k in range(c0, c1):
                    grid[r][k] = cell
        # holes (a border missing on one side): give each run of uncovered positions in a row one cell
        for r, row in enumerate(grid):
            k = 0
            while k < len(row):
                if row[k] is None:
                    k1 = k
                    while k1 < len(row) and row[k1] is None:
                        k1 += 1
                    cell = Cell(row=r, col=k, colspan=k1 - k, page=page_no,
                                bbox=(round(xs[k], 2), round(ys[r], 2), round(xs[k1], 2), round(ys[r + 1], 2)))
                    out.append(cell)
                    for j in range(k, k1):
                        row[j] = cell
                    k = k1
                else:
                    k += 1
        out.sort(key=lambda c: (c.row, c.col))
        bbox = (round(xs[0], 2), round(ys[0], 2), round(xs[-1], 2), round(ys[-1], 2))
        tables.append(PTable(xs, ys, out, bbox, page_no, grid))
    # nesting: a table inside a cell of another is that cell's nested table
    tables.sort(key=lambda t: (t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]))
    for i, small in enumerate(tables):
        x0, t, x1, b = small.bbox
        best: tuple[float, PTable, Cell] | None = None
        for big in tables[i + 1:]:
            bx0, bt, bx1, bb = big.bbox
            if not (bx0 <= x0 + 0.5 and x1 <= bx1 + 0.5 and bt <= t + 0.5 and b <= bb + 0.5):
                continue
            cell = _cell_at(big, (x0 + x1) / 2, (t + b) / 2)
            if cell is None:
                continue
            cx0, ct, cx1, cb = cell.bbox
            if cx0 <= x0 + 0.5 and x1 <= cx1 + 0.5 and ct <= t + 0.5 and b <= cb + 0.5:
                area = (cx1 - cx0) * (cb - ct)
                if best is None or area < best[0]:
                    best = (area, big, cell)
        if best is not None:
            small.parent = best[2]
            best[1].children.append(small)
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return tables


def _cell_at(t: PTable, x: float, y: float) -> Cell | None:
    if not (t.xs[0] <= x <= t.xs[-1] and t.ys[0] <= y <= t.ys[-1]):
        return None
    c = min(max(bisect_right(t.xs, x) - 1, 0), len(t.xs) - 2)
    r = min(max(bisect_right(t.ys, y) - 1, 0), len(t.ys) - 2)
    return t.grid[r][c]


def _innermost(tables: list[PTable], x: float, y: float) -> tuple[PTable, Cell] | None:
    """The innermost table cell holding (x, y)."""
    found = None
    for t in tables:
        if t.parent is not None:
            continue
        cur = t
        cell = _cell_at(cur, x, y)
        while cell is not None:
            found = (cur, cell)
            nxt = None
            for ch in cur.children:
                if ch.parent is cell:
                    cc = _cell_at(ch, x, y)
                    if cc is not None:
                        nxt = (ch, cc)
                        break
            if nxt is None:
                break
            cur, cell = nxt
        if found is not None:
            return found
    return found


def _cell_text(cell: Cell, chars: list[Ch]) -> tuple[str, list[Para]]:
    lines = _lines(chars)
    if not lines:
        return "", []
    x0, _, x1, _ = cell.bbox
    pad = min(max(min(l.x0 for l in lines) - x0, 1.0), 7.0)
    paras = _paragraphs(lines, x1 - pad)
    return "\n".join(p.text for p in paras), paras


def _to_ir(t: PTable) -> Table:
    for c in t.cells:
        for ch in t.children:
            if ch.parent is c:
                c.tables.append(_to_ir(ch))
    return Table(n_rows=len(t.ys) - 1, n_cols=len(t.xs) - 1, cells=t.cells, page=t.page, bbox=t.bbox)


# ---------------------------------------------------------------------------
# One page
# ---------------------------------------------------------------------------

@dataclass
class PageContent:
    number: int
    width: float
    height: float
    items: list  # Para | PTable (top-level), in reading order
    scanned: bool = False
    has_text: bool = False
    last_paras: dict = field(default_factory=dict)  # id(cell) -> paragraphs (for split-row joins)


def _edge(x0, top, x1, bottom, orientation) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": orientation, "object_type": "line"}


def _page_edges(page, f, rot: int) -> list[dict]:
    out = []
    for e in page.edges:
        x0, top, x1, bottom = _turn_box(f, e["x0"], e["top"], e["x1"], e["bottom"])
        o = e["orientation"]
        if rot in (90, 270):
            o = "h" if o == "v" else "v"
        out.append(_edge(x0, top, x1, bottom, o))
    return out


def read_page(page, number: int) -> PageContent:
    raw = page.chars
    w, h = float(page.width), float(page.height)
    ink = [c for c in raw if c["text"].strip()]
    if len(ink) < SCAN_MAX_CHARS:
        img_area = 0.0
        for im in page.images:
            iw = max(0.0, min(im["x1"], w) - max(im["x0"], 0.0))
            ih = max(0.0, min(im["bottom"], h) - max(im["top"], 0.0))
            img_area += iw * ih
        if img_area >= SCAN_MIN_IMAGE * w * h:
            return PageContent(number, w, h, [], scanned=True)
    rot = _rotation_of(ink) if ink else 0
    f, w2, h2 = _turn(rot, w, h)
    chars = []
    for c in raw:
        x0, top, x1, bottom = _turn_box(f, c["x0"], c["top"], c["x1"], c["bottom"]) if rot else (
            c["x0"], c["top"], c["x1"], c["bottom"])
        chars.append(Ch(_char_text(c), x0, top, x1, bottom, float(c.get("size") or (bottom - top))))
    chars = _dedupe(chars)
    tables = _find_tables(_page_edges(page, f, rot), number)
    loose: list[Ch] = []
    by_cell: dict[int, list[Ch]] = {}
    for c in chars:
        hit = _innermost(tables, c.cx, c.cy) if tables else None
        if hit is None:
            loose.append(c)
        else:
            by_cell.setdefault(id(hit[1]), []).append(c)
    content = PageContent(number, w2, h2, [], has_text=bool(ink))
    for t in tables:
        for cell in t.cells:
            cell.text, paras = _cell_text(cell, by_cell.get(id(cell), []))
            content.last_paras[id(cell)] = paras
    lines = [l for l in _lines(loose) if not _is_page_number(l, h2)]
    right = max([l.x1 for l in lines] + [t.bbox[2] for t in tables if t.parent is None] + [0.0])
    items: list = []
    top_tables = [t for t in tables if t.parent is None]
    # paragraphs between tables: group the lines of each vertical stretch separately
    ti = 0
    stretch: list[Line] = []
    for ln in lines + [None]:
        while ti < len(top_tables) and (ln is None or top_tables[ti].bbox[1] <= ln.top):
            items.extend(_paragraphs(stretch, right))
            stretch = []
            items.append(top_tables[ti])
            ti += 1
        if ln is not None:
            stretch.append(ln)
    items.extend(_paragraphs(stretch, right))
    content.items = items
    return content


def _is_page_number(line: Line, page_h: float) -> bool:
    return (line.top > page_h * 0.88 or line.bottom < page_h * 0.08) and bool(_PAGE_NO.match(line.text))


# ---------------------------------------------------------------------------
# Stitching tables across pages
# ---------------------------------------------------------------------------

def _row_cells(t: PTable, r: int) -> list[Cell]:
    out: list[Cell] = []
    for c in t.grid[r]:
        if c is not None and (not out or out[-1] is not c):
            out.append(c)
    return out


def _layout(cells: list[Cell], xs: list[float]) -> list[tuple[float, float]]:
    return [(round(c.bbox[0]), round(c.bbox[2])) for c in cells]


def _close(a: float, b: float, tol: float = 2.5) -> bool:
    return abs(a - b) <= tol


def _subset(xs: list[float], of: list[float], tol: float = 2.5) -> bool:
    return all(any(_close(x, y, tol) for y in of) for x in xs)


def _continues(prev: PTable, nxt: PTable, body_top: float) -> bool:
    if not (_close(prev.bbox[0], nxt.bbox[0]) and _close(prev.bbox[2], nxt.bbox[2])):
        return False
    if nxt.bbox[1] > body_top + 8:
        return False  # something (an empty paragraph) stands above it: a new table
    if not (_subset(nxt.xs, prev.xs) or _subset(prev.xs, nxt.xs) or len(nxt.xs) == len(prev.xs)):
        return False
    first = _row_cells(nxt, 0)
    if len(first) == 1 and first[0].colspan == len(nxt.xs) - 1 and len(nxt.ys) > 2:
        # starts with a full-width title row: a continuation only if it repeats the previous table's top row
        top = _row_cells(prev, 0)
        return len(top) == 1 and _canon(top[0].text) == _canon(first[0].text)
    return True


def _canon(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _header_rows(first: PTable, nxt: PTable) -> int:
    """How many top rows of ``nxt`` repeat rows near the top of ``first`` (a repeated table header)."""
    best = 0
    for s in range(0, min(4, len(first.ys) - 1)):
        k = 0
        while k < len(nxt.ys) - 2 and s + k < len(first.ys) - 1:
            a, b = _row_cells(first, s + k), _row_cells(nxt, k)
            if any(c.rowspan != 1 for c in a + b):
                break
            if len(a) != len(b) or any(_canon(x.text) != _canon(y.text) or not _close(x.bbox[0], y.bbox[0])
                                       or not _close(x.bbox[2], y.bbox[2]) for x, y in zip(a, b)):
                break
            if not any(_canon(x.text) for x in a):
                break
            k += 1
        best = max(best, k)
    return best


class _Stitcher:
    """Builds the merged grid of a table that continues over several pages."""

    def __init__(self, first: PTable, paras: dict):
        self.parts: list[PTable] = [first]
        self.paras = paras
        self.absorbed: list[dict[int, Cell]] = [{}]  # per part: id(cell) -> the cell above it absorbs it
        self.split: list[bool] = [False]  # per part: its first row is the rest of the previous part's last row

    def add(self, nxt: PTable) -> None:
        prev = self.parts[-1]
        drop = _header_rows(self.parts[0], nxt)
        if drop:
            keep = [c for c in nxt.cells if c.row >= drop]
            for c in keep:
                c.row -= drop
            nxt.cells = keep
            nxt.ys = nxt.ys[drop:]
            nxt.grid = nxt.grid[drop:]
        if len(nxt.ys) < 2:
            return
        absorbed, split = self._join_rows(prev, nxt)
        self.parts.append(nxt)
        self.absorbed.append(absorbed)
        self.split.append(split)

    def _join_rows(self, prev: PTable, nxt: PTable) -> tuple[dict[int, Cell], bool]:
        """A row split by the page break, or a merged label column going on: merge into the cells above."""
        last = len(prev.ys) - 2
        r0 = _row_cells(prev, last)
        r1 = _row_cells(nxt, 0)
        if not r0 or not r1 or any(c.row != 0 for c in r1):
            return {}, False
        if r1[0].text.strip() or not _close(r1[0].bbox[0], r0[0].bbox[0]):
            return {}, False
        same_layout = [(round(c.bbox[0]), round(c.bbox[2])) for c in r0] == [(round(c.bbox[0]), round(c.bbox[2])) for c in r1]
        full0 = [c for c in r0 if c.text.strip()]
        full1 = [c for c in r1 if c.text.strip()]
        split = False
        if same_layout and full1:
            if len(full1) < len(full0) - 1:
                split = True
            else:
                split = any(a.text.strip() and b.text.strip() and self._wrapped(a, b) for a, b in zip(r0, r1))
        if split:
            merged: dict[int, Cell] = {}
            for a, b in zip(r0, r1):
                if b.text.strip():
                    a.text = self._concat(a, b)
                    self.paras[id(a)] = self.paras.get(id(b), [])
                merged[id(b)] = a
            return merged, True
        # the label column continues (a vertically merged cell cut by the page break)
        a, b = r0[0], r1[0]
        if a.text.strip() and full1 and _close(a.bbox[2], b.bbox[2]):
            return {id(b): a}, False
        return {}, False

    def _wrapped(self, a: Cell, b: Cell) -> bool:
        pa, pb = self.paras.get(id(a)), self.paras.get(id(b))
        if not pa or not pb:
            return False
        la, lb = pa[-1].lines[-1], pb[0].lines[0]
        pad = min(max(min(l.x0 for p in pa for l in p.lines) - a.bbox[0], 1.0), 7.0)
        room = a.bbox[2] - pad - la.x1
        return room < _first_token_width(lb) + 0.6 * max(la.size, lb.size)

    def _concat(self, a: Cell, b: Cell) -> str:
        if self._wrapped(a, b):
            pb = self.paras.get(id(b)) or []
            if pb:
                return "\n".join([_join(a.text, pb[0].text)] + [p.text for p in pb[1:]])
        return a.text + "\n" + b.text

    def table(self) -> Table:
        xs = list(self.parts[0].xs)
        for p in self.parts[1:]:
            for x in p.xs:
                if not any(_close(x, y) for y in xs):
                    xs = sorted(xs + [x])
        cells: list[Cell] = []
        n_rows = 0
        for p, absorbed, split in zip(self.parts, self.absorbed, self.split):
            shift = n_rows - 1 if split else n_rows
            for c in p.cells:
                a = absorbed.get(id(c))
                if a is not None:
                    a.rowspan = max(a.rowspan, c.row + shift + c.rowspan - a.row)
                    continue
                c.row += shift
                cells.append(c)
            n_rows = shift + len(p.ys) - 1
        for c in cells:
            c.col = _index(xs, c.bbox[0])
            c.colspan = max(1, _index(xs, c.bbox[2]) - c.col)
            c.rowspan = max(1, min(c.rowspan, n_rows - c.row))
        cells.sort(key=lambda c: (c.row, c.col))
        first = self.parts[0]
        children = [ch for p in self.parts for ch in p.children]
        for c in cells:
            for ch in children:
                if ch.parent is c:
                    c.tables.append(_to_ir(ch))
        return Table(n_rows=n_rows, n_cols=len(xs) - 1, cells=cells, page=first.page, bbox=first.bbox)


# ---------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------

def _ranges(pages: list[int]) -> str:
    out, i = [], 0
    while i < len(pages):
        j = i
        while j + 1 < len(pages) and pages[j + 1] == pages[j] + 1:
            j += 1
        out.append(str(pages[i]) if i == j else f"{pages[i]}-{pages[j]}")
        i = j + 1
    return ", ".join(out)


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(str(path))
        pdf.pages  # noqa: B018  (parses the page tree)
    except (PDFPasswordIncorrect, PDFEncryptionError) as e:
        raise CorruptFile("encrypted PDF: it needs a password to open; save an unprotected copy and try again") from e
    except PDFSyntaxError as e:
        raise CorruptFile(f"not a readable PDF: {e}") from e
    except Exception as e:  # pdfminer raises many kinds on broken files
        if "password" in str(e).lower() or "encrypt" in type(e).__name__.lower():
            raise CorruptFile("encrypted PDF: it needs a password to open; save an unprotected copy and try again") from e
        raise CorruptFile(f"not a readable PDF: {type(e).__name__}: {e}") from e
    return pdf


def load_pdf(path: Path) -> Document:
    path = Path(path)
    pdf = _open(path)
    try:
        pages: list[PageContent] = []
        for i, page in enumerate(pdf.pages):
            try:
                pages.append(read_page(page, i + 1))
            except CorruptFile:
                raise
            except Exception as e:  # a broken content stream: say which page
                raise CorruptFile(f"cannot read page {i + 1} of the PDF: {type(e).__name__}: {e}") from e
            finally:
                page.close()
    finally:
        pdf.close()
    return build_document(path, pages)


def build_document(path: Path, pages: list[PageContent]) -> Document:
    scanned = [p.number for p in pages if p.scanned]
    if scanned and not any(p.has_text for p in pages):
        raise NeedsOCR(f"needs OCR: page{'s' if len(scanned) > 1 else ''} {_ranges(scanned)} "
                       f"{'have' if len(scanned) > 1 else 'has'} no text layer")
    if not any(p.has_text for p in pages):
        raise NeedsOCR("needs OCR: the PDF has no text layer")
    body_top: dict[tuple[int, int], float] = {}  # per page size: where the text area starts
    for p in pages:
        key = (round(p.width), round(p.height))
        for it in p.items:
            top = it.bbox[1] if isinstance(it, PTable) else it.top
            body_top[key] = min(body_top.get(key, top), top)
    blocks: list = []
    paras: dict = {}
    for p in pages:
        paras.update(p.last_paras)
    stitch: _Stitcher | None = None
    prev_page = None
    for p in pages:
        for k, it in enumerate(p.items):
            if isinstance(it, PTable):
                at_top = k == 0 and prev_page is not None and prev_page.number == p.number - 1
                if (at_top and stitch is not None and blocks and blocks[-1] is stitch
                        and _continues(stitch.parts[-1], it, _page_top(p, body_top))):
                    stitch.add(it)
                    continue
                stitch = _Stitcher(it, paras)
                blocks.append(stitch)
            else:
                prev = blocks[-1] if blocks else None
                if (k == 0 and isinstance(prev, Para) and prev_page is not None and prev_page.items
                        and prev_page.items[-1] is prev and _wraps_page(prev, it, prev_page)):
                    prev.text = _join(prev.text, it.text)
                    prev.lines.extend(it.lines)
                    continue
                setattr(it, "page", p.number)
                blocks.append(it)
        prev_page = p
    out: list[Paragraph | Table] = []
    for b in blocks:
        if isinstance(b, _Stitcher):
            out.append(b.table() if len(b.parts) > 1 else _to_ir(b.parts[0]))
        else:
            out.append(Paragraph(text=b.text, page=b.page, bbox=(round(b.x0, 2), round(b.top, 2),
                                                                 round(b.x1, 2), round(b.bottom, 2))))
    doc = Document(path=str(path), format="pdf", blocks=out, pages=len(pages))
    if scanned:
        doc.needs_ocr_pages = scanned
        doc.warnings.append(f"page{'s' if len(scanned) > 1 else ''} {_ranges(scanned)} "
                            f"{'have' if len(scanned) > 1 else 'has'} no text layer (scanned): "
                            "their content is not extracted until OCR is available")
    return doc


def _page_top(p: PageContent, body_top: dict) -> float:
    return body_top.get((round(p.width), round(p.height)), 0.0)


def _wraps_page(prev: Para, nxt: Para, prev_page: PageContent) -> bool:
    """A paragraph running from the bottom of one page onto the next."""
    ln = prev.lines[-1]
    right = max([l.x1 for it in prev_page.items if isinstance(it, Para) for l in it.lines] + [0.0])
    room = right - ln.x1
    if abs(ln.size - nxt.size) > 1.5:
        return False
    return room < _first_token_width(nxt.lines[0]) + 0.6 * ln.size and ln.bottom > prev_page.height * 0.75
