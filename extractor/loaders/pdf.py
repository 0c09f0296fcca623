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
MAX_SPLIT_GAP = 30.0  # pt: a row split by a page break leaves less than this free at the page bottom
# a scan: a page with images over SCAN_MIN_IMAGE of its area and fewer characters than SCAN_MAX_CHARS, or
# over SCAN_FULL_IMAGE of it and only a few words (a scanner's stamp or a page number on the image)
SCAN_MAX_CHARS, SCAN_MIN_IMAGE = 10, 0.3
SCAN_FEW_CHARS, SCAN_FULL_IMAGE = 40, 0.6

_PAGE_NO = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}\s*(页)?\s*([/／]\s*\d{1,4}|共\s*\d{1,4}\s*页)?[-—–－\s]*$")
# a cell that starts like this goes on from the cell above (a hint or a seal line of the same label)
_GOES_ON = re.compile(r"^[（(]\s*(注|备注|说明|需|含|包括|不含|如|单位盖章|盖章|签字|签章)")
_SENTENCE_END = set("。：；！？:;!?")
_PUNCT = set("，。、；：？！）》」』”’,.;:?!)%")
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
    cont: bool = False  # a nested table at the top of the lower part of a split cell


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
        if len(ink) < len(g):
            g = _real_spaces(g)
        parts: list[str] = []
        prev: Ch | None = None
        for c in g:
            if prev is not None and c.text != " " and prev.text != " ":
                gap = c.x0 - prev.x1
                size = max(c.size, prev.size, 1.0)
                latin = prev.text.isascii() and c.text.isascii()
                if gap > (0.3 if latin else 1.0) * size:
                    parts.append(" " * max(1, min(4, int(round(gap / max(0.5 * size, 1.0))))))
            parts.append(c.text)
            prev = c
        text = "".join(parts).strip()
        size = max(c.size for c in ink)
        out.append(Line(g, min(c.x0 for c in ink), min(c.top for c in ink), max(c.x1 for c in ink),
                        max(c.bottom for c in ink), size, text))
    out.sort(key=lambda l: (l.top, l.x0))
    return out


def _real_spaces(g: list[Ch]) -> list[Ch]:
    """Drop space glyphs drawn over their neighbours (LibreOffice writes them around underlined runs),
    and runs of spaces: one space stands for a gap."""
    out: list[Ch] = []
    for i, c in enumerate(g):
        if c.text.strip():
            out.append(c)
            continue
        w = max(c.x1 - c.x0, 0.1)
        prev = next((x for x in reversed(g[:i]) if x.text.strip()), None)
        nxt = next((x for x in g[i + 1:] if x.text.strip()), None)
        if prev is not None and prev.x1 - c.x0 > 0.4 * w or nxt is not None and c.x1 - nxt.x0 > 0.4 * w:
            continue
        if out and not out[-1].text.strip():
            continue
        out.append(c)
    return out


def _first_token_width(line: Line, after: Line | None = None) -> float:
    """Width of what could not fit at the end of the previous line (``after``): a CJK char (plus closing
    punctuation) or a word (plus the extra space set between CJK and Latin text)."""
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
        extra = 0.25 * first.size if after is not None and after.text and not after.text[-1].isascii() else 0.0
        return end - first.x0 + extra
    w = first.x1 - first.x0
    if len(ink) > 1 and ink[1].text in _PUNCT:
        w += ink[1].x1 - ink[1].x0
    return w


def _wraps(prev: Line, nxt: Line, right: float | None = None, width: float | None = None) -> bool:
    """Does ``prev`` continue in ``nxt``: it ran up to the right edge ``right`` (page text), or it is as
    full as a column ``width`` wide allows (cell text, whatever its alignment)?"""
    if nxt.top < prev.bottom - 1:  # not below
        return False
    if nxt.top - prev.bottom > 1.8 * max(prev.size, nxt.size):
        return False
    if abs(prev.size - nxt.size) > 1.5:
        return False
    if prev.text[-1] in _SENTENCE_END:
        return False  # a sentence ends at the edge: taken as the end of its paragraph (guidance, then the answer)
    if width is not None:
        return _fills(prev, nxt, width, right)
    if prev.x0 - nxt.x0 > 2.5 * max(prev.size, nxt.size):
        return False
    # page text: ``right`` is the margin itself; the next word must really not have fitted
    return right - prev.x1 < _first_token_width(nxt, prev) - 0.02 * max(prev.size, nxt.size)


def _join(a: str, b: str, room: float = 0.0, size: float = 10.0) -> str:
    """Join a wrapped line to the next: a space between Latin words, none inside a word broken at the edge."""
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha() and room > 0.6 * size:
        return a + " " + b
    return a + b


def _paragraphs(lines: list[Line], right: float | None = None, width: float | None = None,
                left: float | None = None) -> list[Para]:
    """Lines → paragraphs. ``left``: a wrapped page paragraph goes on at the left margin."""
    out: list[Para] = []
    for ln in lines:
        if out and (left is None or ln.x0 <= max(left, out[-1].lines[-1].x0) + 0.6 * ln.size) \
                and _wraps(out[-1].lines[-1], ln, right, width):
            p = out[-1]
            last = p.lines[-1]
            room = (right - last.x1) if right is not None else 0.0
            p.text = _join(p.text, ln.text, room, ln.size)
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
                    above = grid[r - 1][k] if r > 0 else None
                    if (k == 0 and above is not None and above.col == 0 and above.colspan == k1
                            and all(grid[rr][0] is None for rr in range(r, len(grid)))):
                        # the label column ends open at the bottom (LibreOffice draws a merged label that
                        # runs to the table's last row without its last part): the label goes on
                        above.rowspan = len(grid) - above.row
                        for rr in range(r, len(grid)):
                            for j in range(k, k1):
                                grid[rr][j] = above
                        k = k1
                        continue
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


def _pad(cell: Cell, lines: list[Line]) -> float:
    """The cell's inner margin: where its left-most line starts (at most Word's usual 0.19 cm)."""
    return min(max(min(l.x0 for l in lines) - cell.bbox[0], 1.0), 5.8)


def _fills(prev: Line, nxt: Line, width: float, right: float | None = None) -> bool:
    """Would the first word of ``nxt`` have overflowed ``prev``: past the right edge ``right`` of a left-aligned
    or justified line, or (whatever the alignment) out of a column ``width`` wide? Then ``prev`` wrapped."""
    token, size = _first_token_width(nxt), max(prev.size, nxt.size)
    if prev.x0 - nxt.x0 > 2.5 * size:
        return False  # the line above starts far right of this one (right-aligned, a diagonal header)
    if right is not None and right - prev.x1 < token + 0.25 * size:
        return True
    return (prev.x1 - prev.x0) + token > width - 0.35 * size


def _cell_text(cell: Cell, chars: list[Ch]) -> tuple[str, list[Para]]:
    lines = _lines(chars)
    if not lines:
        return "", []
    pad = _pad(cell, lines)
    paras = _paragraphs(lines, cell.bbox[2] - pad, cell.bbox[2] - cell.bbox[0] - 2 * pad)
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
    text_left: float = 0.0
    text_right: float = 0.0
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
    if len(ink) < SCAN_FEW_CHARS:
        img_area = 0.0
        for im in page.images:
            iw = max(0.0, min(im["x1"], w) - max(im["x0"], 0.0))
            ih = max(0.0, min(im["bottom"], h) - max(im["top"], 0.0))
            img_area += iw * ih
        share = img_area / (w * h)
        if share >= SCAN_FULL_IMAGE or len(ink) < SCAN_MAX_CHARS and share >= SCAN_MIN_IMAGE:
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
    items: list = []
    top_tables = [t for t in tables if t.parent is None]
    # text between tables: each vertical stretch of lines becomes paragraphs later (the text area is known then)
    ti = 0
    stretch: list[Line] = []
    for ln in lines + [None]:
        while ti < len(top_tables) and (ln is None or top_tables[ti].bbox[1] <= ln.top):
            if stretch:
                items.append(stretch)
            stretch = []
            items.append(top_tables[ti])
            ti += 1
        if ln is not None:
            stretch.append(ln)
    if stretch:
        items.append(stretch)
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


def _close(a: float, b: float, tol: float = 2.5) -> bool:
    return abs(a - b) <= tol


def _subset(xs: list[float], of: list[float], tol: float = 2.5) -> bool:
    return all(any(_close(x, y, tol) for y in of) for x in xs)


def _continues(first: PTable, prev: PTable, nxt: PTable, body_top: float) -> bool:
    """Does ``nxt`` (at the top of a page) go on with the table whose parts so far are ``first`` … ``prev``?"""
    if not (_close(prev.bbox[0], nxt.bbox[0]) and _close(prev.bbox[2], nxt.bbox[2])):
        return False
    if nxt.bbox[1] > body_top + 8:
        return False  # something (an empty paragraph) stands above it: a new table
    if not _compatible(prev, nxt):
        return False
    head = _row_cells(nxt, 0)
    if len(head) == 1 and head[0].colspan == len(nxt.xs) - 1 > 1 and len(nxt.ys) > 2:
        # starts with a full-width title row: a continuation only if it repeats the table's title row
        top = _row_cells(first, 0)
        return len(top) == 1 and _canon(top[0].text) == _canon(head[0].text)
    return True


_FILL_LABEL = re.compile(r"^\s*([^：:\n]{1,8})[：:]")


def _goes_on_fill(a: Cell, b: Cell) -> bool:
    """A fill-in cell (数量：… 名称：…) cut by the page break: the part below starts with another blank's
    label than the part above (the next row of such a table would start with the same one)."""
    ma, mb = _FILL_LABEL.match(a.text), _FILL_LABEL.match(b.text)
    return bool(ma and mb) and ma.group(1) != mb.group(1) and f"{mb.group(1)}：" not in a.text \
        and f"{mb.group(1)}:" not in a.text


def _compatible(prev: PTable, nxt: PTable) -> bool:
    return _subset(nxt.xs, prev.xs) or _subset(prev.xs, nxt.xs) or len(nxt.xs) == len(prev.xs)


def _canon(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _header_rows(first: PTable, nxt: PTable) -> int:
    """How many top rows of ``nxt`` repeat a block of rows near the top of ``first`` (a repeated table
    header, possibly several rows with merged cells)."""
    def block(t: PTable, start: int, k: int):
        cells = [c for c in t.cells if start <= c.row < start + k]
        if any(c.row + c.rowspan > start + k for c in cells) or not any(_canon(c.text) for c in cells):
            return None
        return sorted((c.row - start, c.bbox[0], c.bbox[2], c.rowspan, _canon(c.text)) for c in cells)

    def same(a, b) -> bool:
        # a repeated header may be drawn clipped (LibreOffice): its text a prefix of the first one's
        if len(a) != len(b) or not all(x[0] == y[0] and x[3] == y[3] and _close(x[1], y[1]) and _close(x[2], y[2])
                                       for x, y in zip(a, b)):
            return False
        if not all(x[4].startswith(y[4]) or y[4].startswith(x[4]) for x, y in zip(a, b)):
            return False
        full = [x for x in a if x[4]]
        return sum(x[4] == y[4] for x, y in zip(a, b) if x[4]) * 2 >= len(full)

    best = 0
    n_first, n_next = len(first.ys) - 1, len(nxt.ys) - 1
    for k in range(1, min(4, n_next - 1) + 1):
        b = block(nxt, 0, k)
        if b is None:
            continue
        for s in range(0, min(4, n_first - k) + 1):
            a = block(first, s, k)
            if a is not None and same(a, b):
                best = k
                break
    return best


class _Stitcher:
    """Builds the merged grid of a table that continues over several pages."""

    def __init__(self, first: PTable, paras: dict, body_bottom: float):
        self.parts: list[PTable] = [first]
        self.paras = paras
        self.body_bottom = body_bottom
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
        gap = self.body_bottom - prev.bbox[3]
        absorbed, split = self._join_rows(prev, nxt, gap)
        self.parts.append(nxt)
        self.absorbed.append(absorbed)
        self.split.append(split)

    def _join_rows(self, prev: PTable, nxt: PTable, gap: float) -> tuple[dict[int, Cell], bool]:
        """Is the first row of ``nxt`` the rest of the last row of ``prev`` (a row split by the page break)?

        Returns the cells of ``nxt`` that the cells above absorb, and whether the whole row was split.
        Otherwise a merged label column may go on (its cell cut by the page break): the label cell above
        absorbs the label cell below.
        """
        last = len(prev.ys) - 2
        r0 = _row_cells(prev, last)
        r1 = _row_cells(nxt, 0)
        if not r0 or not r1 or any(c.row != 0 for c in r1) or not _close(r1[0].bbox[0], r0[0].bbox[0]):
            return {}, False
        same_layout = len(r0) == len(r1) and all(_close(a.bbox[0], b.bbox[0]) and _close(a.bbox[2], b.bbox[2])
                                                 for a, b in zip(r0, r1))
        refine = False
        if not same_layout:
            # the lower part may be finer: a header row cut by the page break, whose cell spanning two
            # columns shows the next header row's two cells at once. Compare the cells that line up.
            under = [[b for b in r1 if b.bbox[0] >= a.bbox[0] - 2.5 and b.bbox[2] <= a.bbox[2] + 2.5] for a in r0]
            if all(under) and sum(len(u) for u in under) == len(r1) and any(len(u) > 1 for u in under):
                pairs = [(a, u[0]) for a, u in zip(r0, under)
                         if len(u) == 1 and _close(a.bbox[0], u[0].bbox[0]) and _close(a.bbox[2], u[0].bbox[2])]
                if pairs and pairs[0][0] is r0[0]:
                    refine = True
                    r0, r1 = [a for a, _ in pairs], [b for _, b in pairs]
        filled0 = [bool(c.text.strip()) for c in r0]
        filled1 = [bool(c.text.strip()) for c in r1]
        split = False
        label_join = False
        if (same_layout or refine) and any(filled1) and gap <= MAX_SPLIT_GAP:
            wraps = [f0 and f1 and self._wrapped(a, b) for a, b, f0, f1 in zip(r0, r1, filled0, filled1)]
            # cells filled above and empty below: short cells (a number, 序号) that did not need the next page
            emptied = [i for i, (f0, f1) in enumerate(zip(filled0, filled1)) if f0 and not f1]
            spans = r0[0].rowspan > 1 or r1[0].rowspan > 1
            if len(r0) == 1 and not refine:
                nested = any(ch.parent is r0[0] for ch in prev.children)
                split = filled0[0] and (wraps[0] or self._lines(r0[0]) >= 3 or nested)
            elif filled1[0] and _GOES_ON.match(r1[0].text):
                split = filled0[0]
            elif not emptied:
                # every cell goes on below: a split row only if most ran, as CJK text, into the right edge
                strong = [self._wrapped(a, b, strong=True) for a, b, f in zip(r0, r1, filled1) if f]
                split = sum(strong) * 2 > len(strong)
                label_join = not split and wraps[0] and spans  # a new row; its label, spanning rows, was cut
            elif not filled1[0]:
                # the label column is empty below: a split row, unless the label only spans rows (a vertical
                # merge: then the row below is a new one under the same label, its cells shaped like these)
                both = [(a, b) for a, b, f0, f1 in zip(r0[1:], r1[1:], filled0[1:], filled1[1:]) if f0 and f1]
                split = filled0[0] and (
                    len(r0) == 2 or len(emptied) >= 2 or any(_goes_on_fill(a, b) for a, b in both)
                    or (bool(both) and all(self._wrapped(a, b, strong=True) for a, b in both)))
            elif wraps[0]:
                rest = [w for w, f in zip(wraps[1:], filled1[1:]) if f]
                split = not (spans and not all(rest))
                label_join = not split
            else:
                # the label column starts a new paragraph below: split only if all the other text goes on
                rest = [w for w, f in zip(wraps[1:], filled1[1:]) if f]
                split = bool(rest) and all(rest) and not re.fullmatch(r"[\d.、\s]+", r1[0].text)
        if split:
            merged: dict[int, Cell] = {}
            for a, b in zip(r0, r1):
                if b.text.strip():
                    a.text = self._concat(a, b)
                    self.paras[id(a)] = self.paras.get(id(b), [])
                merged[id(b)] = a
                self._move_children(a, b, nxt)
            # same cells below: they share the row above; finer cells below: they make the row after it
            return merged, not refine
        if refine:
            return {}, False
        a, b = r0[0], r1[0]
        if label_join:
            a.text = self._concat(a, b)
            self.paras[id(a)] = self.paras.get(id(b), [])
            return {id(b): a}, False
        # the label column continues (a vertically merged cell cut by the page break)
        if not b.text.strip() and a.text.strip() and any(filled1) and _close(a.bbox[2], b.bbox[2]):
            return {id(b): a}, False
        return {}, False

    def _lines(self, c: Cell) -> int:
        return sum(len(p.lines) for p in self.paras.get(id(c), []))

    def _move_children(self, a: Cell, b: Cell, nxt: PTable) -> None:
        """Nested tables of a split cell: those of the lower part go to the upper cell, stitched if they continue."""
        kids = [ch for ch in nxt.children if ch.parent is b]
        if not kids:
            return
        for ch in kids:
            ch.cont = ch.bbox[1] - b.bbox[1] < 12
            ch.parent = a

    def _nested(self, kids: list[PTable]) -> list[Table]:
        """The nested tables of one cell, those continued from the part above stitched on."""
        groups: list[_Stitcher] = []
        for k in kids:
            if groups and k.cont:
                g = groups[-1]
                last = g.parts[-1]
                if _close(last.bbox[0], k.bbox[0]) and _close(last.bbox[2], k.bbox[2]) and _compatible(last, k):
                    g.body_bottom = last.bbox[3] + 5.0  # inside a cell: no page-end evidence, text rules only
                    g.add(k)
                    continue
            groups.append(_Stitcher(k, self.paras, k.bbox[3] + 5.0))
        return [g.table() if len(g.parts) > 1 else _to_ir(g.parts[0]) for g in groups]

    def _wrapped(self, a: Cell, b: Cell, strong: bool = False) -> bool:
        """Did the text of ``a`` wrap into ``b``? ``strong``: CJK text that ran into the right edge of a
        left-aligned cell (not a short value that happens to nearly fill a narrow cell)."""
        pa, pb = self.paras.get(id(a)), self.paras.get(id(b))
        if not pa or not pb:
            return False
        la, lb = pa[-1].lines[-1], pb[0].lines[0]
        pad = _pad(a, [l for p in pa for l in p.lines])
        if strong:
            ca = [c for c in la.chars if c.text.strip()]
            cb = [c for c in lb.chars if c.text.strip()]
            if len(ca) < 4 or ca[-1].text.isascii() or cb[0].text.isascii() or la.x0 - a.bbox[0] > pad + 2.5 * la.size:
                return False
            return a.bbox[2] - pad - la.x1 < _first_token_width(lb) + 0.25 * la.size
        return _fills(la, lb, a.bbox[2] - a.bbox[0] - 2 * pad, a.bbox[2] - pad)

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
            c.tables.extend(self._nested([ch for ch in children if ch.parent is c]))
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


ENCRYPTED = "encrypted PDF: it needs a password to open; save an unprotected copy and try again"


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(str(path))
        pdf.pages  # noqa: B018  (parses the page tree)
    except Exception as e:  # pdfminer raises many kinds on broken files; pdfplumber wraps some of them
        cause = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in repr(cause).lower():
            raise CorruptFile(ENCRYPTED) from e
        raise CorruptFile(f"not a readable PDF: {type(cause).__name__}: {cause}".rstrip(": ")) from e
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
    _drop_running_lines(pages)
    body_top: dict[tuple[int, int], float] = {}  # per page size: where the text area starts
    body_bottom: dict[tuple[int, int], float] = {}  # ... and ends
    lefts: dict[tuple[int, int], list[float]] = {}
    rights: dict[tuple[int, int], list[float]] = {}
    for p in pages:
        key = (round(p.width), round(p.height))
        for it in p.items:
            if isinstance(it, PTable):
                top, bottom = it.bbox[1], it.bbox[3]
            else:
                top, bottom = it[0].top, it[-1].bottom
                lefts.setdefault(key, []).extend(l.x0 for l in it)
                # where lines end, not counting punctuation hanging past the margin
                rights.setdefault(key, []).extend(l.x1 for l in it if l.text[-1] not in _PUNCT)
            body_top[key] = min(body_top.get(key, top), top)
            body_bottom[key] = max(body_bottom.get(key, bottom), bottom)
    table_right: dict[tuple[int, int], float] = {}  # per page size: where tables end (they span the text area)
    for key in body_top:
        ends = sorted(it.bbox[2] for p in pages if (round(p.width), round(p.height)) == key
                      for it in p.items if isinstance(it, PTable))
        if ends:
            table_right[key] = ends[len(ends) // 2]
    for p in pages:
        key = (round(p.width), round(p.height))
        tabs = [it.bbox for it in p.items if isinstance(it, PTable)]
        left = min(lefts.get(key) or [b[0] for b in tabs] or [0.0])
        right = max(_margin(rights.get(key, [])) or 0.0, table_right.get(key, 0.0)) or p.width
        p.items = [it if isinstance(it, PTable) else _paragraphs(it, right, left=left) for it in p.items]
        p.items = [x for it in p.items for x in (it if isinstance(it, list) else [it])]
        p.text_left, p.text_right = left, right
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
                        and _continues(stitch.parts[0], stitch.parts[-1], it, _page_top(p, body_top))):
                    stitch.add(it)
                    continue
                stitch = _Stitcher(it, paras, body_bottom.get((round(p.width), round(p.height)), p.height))
                blocks.append(stitch)
            else:
                prev = blocks[-1] if blocks else None
                if (k == 0 and isinstance(prev, Para) and prev_page is not None and prev_page.items
                        and prev_page.items[-1] is prev and _wraps_page(prev, it, prev_page)):
                    prev.text = _join(prev.text, it.text, prev_page.text_right - prev.lines[-1].x1, it.size)
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


def _drop_running_lines(pages: list[PageContent]) -> None:
    """Remove running headers and footers: a line at the very top or bottom of the page whose text (its
    numbers aside) comes back on at least half of the pages. They are no part of the Word body, and
    would stand between a table and its continuation."""
    def edge_lines(p: PageContent):
        out = []
        if p.items and isinstance(p.items[0], list) and p.items[0][0].bottom < p.height * 0.12:
            out.append((0, 0))
        if p.items and isinstance(p.items[-1], list) and p.items[-1][-1].top > p.height * 0.88:
            out.append((len(p.items) - 1, len(p.items[-1]) - 1))
        return out

    def key(ln: Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", ln.text))

    typed = [p for p in pages if p.items]
    if len(typed) < 2:
        return
    seen: dict[str, int] = {}
    for p in typed:
        for k in {key(p.items[i][j]) for i, j in edge_lines(p)}:
            seen[k] = seen.get(k, 0) + 1
    running = {k for k, n in seen.items() if n >= 2 and n * 2 >= len(typed)}
    if not running:
        return
    for p in typed:
        for i, j in sorted(edge_lines(p), reverse=True):
            if key(p.items[i][j]) in running:
                del p.items[i][j]
        p.items = [it for it in p.items if not isinstance(it, list) or it]


def _margin(ends: list[float]) -> float | None:
    """The right margin: the right-most x where at least two lines end (a justified paragraph's lines)."""
    ends = sorted(ends, reverse=True)
    for a, b in zip(ends, ends[1:]):
        if a - b <= 0.6:
            return a
    return None


def _page_top(p: PageContent, body_top: dict) -> float:
    return body_top.get((round(p.width), round(p.height)), 0.0)


def _wraps_page(prev: Para, nxt: Para, prev_page: PageContent) -> bool:
    """A paragraph running from the bottom of one page onto the next."""
    a, b = prev.lines[-1], nxt.lines[0]
    if abs(a.size - b.size) > 1.5 or a.bottom < prev_page.height * 0.7:
        return False
    if b.x0 > max(prev_page.text_left, a.x0) + 0.6 * b.size:
        return False
    return prev_page.text_right - a.x1 < _first_token_width(b, a) - 0.02 * max(a.size, b.size)
