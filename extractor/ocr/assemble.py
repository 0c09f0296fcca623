"""Recognised lines → IR blocks, by geometry only (no engine): the pure half of the OCR path.

* A line belongs to the cell it was found in (lines are looked for cell by cell, so text never
  straddles two cells); segments of one visual line are joined with a space, visual lines with "\\n",
  except where a line ran to the cell's right edge and wrapped (joined directly, as the typed text was).
* Tick boxes decided by pixels are written as ☑ / □ before their option (:func:`checkbox.rewrite`).
* Paragraphs: the lines outside tables, wrapped lines joined, in reading order with the tables.
* Cell confidence (the IR's source confidence): from the lowest character probability, lowered for
  a seal over the cell, text crossing a cell border and unsure tick boxes — see :func:`cell_confidence`.
  The cell's notes say why, and its bbox (PDF points of the cleaned page) lets a reviewer see the crop.
* Tables continued on the next page are stitched (:func:`stitch`).
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from ..ir import Block, Cell, Paragraph, Table
from ..thresholds import SOURCE_OK
from ..loaders.pdf.stitch import align_columns
from .checkbox import rewrite
from .grid import Grid, GridCell
from .pipeline import PageOCR

# character probability at which a cell is still trusted; maps to SOURCE_OK, the validator's ok threshold. Chosen so
# that no misread value stayed above it, on the sample scans and on all five forms degraded harder (blur
# σ 1.0, noise σ 10, JPEG q45: ~1,200 values, none wrong and ok)
CHAR_OK = 0.93
# per OCR cell: does its last text line run to the cell's right edge (text that goes on below)?
RUNS_ON: "weakref.WeakKeyDictionary[Cell, bool]" = weakref.WeakKeyDictionary()
SEAL_SHARE = 0.004  # share of red pixels in a cell that counts as a seal over it
SEAL_FACTOR = 0.85
CROSSING_FACTOR = 0.85
DOUBT = 0.85  # source confidence of a cell with a geometric or textual reason to doubt it (below SOURCE_OK: review)
# a tick box decided at least this surely does not lower its cell: the tick-box scale of :mod:`.checkbox` (a filled
# box or a confirmed tick 0.9, a box near a threshold 0.93 × 0.95), not the validator's SOURCE_OK
MARK_OK = 0.9
MARK_FACTOR = 0.95  # an unclear tick box lowers its cell's confidence by this at least (and by mark / MARK_OK)


_ABOVE_OK = round(1 - SOURCE_OK, 10)  # 0.1, not 0.09999999999999998: the same float as before SOURCE_OK was named


def char_confidence(p: float) -> float:
    """Lowest character probability → source confidence; ``CHAR_OK`` maps to ``SOURCE_OK`` (the validator's ok
    threshold), 1.0 to 1.0 linearly; below ``CHAR_OK`` proportionally, and 2 % lower (so just below is not ok)."""
    if p >= CHAR_OK:
        return round(SOURCE_OK + _ABOVE_OK * (p - CHAR_OK) / (1 - CHAR_OK), 4)
    return round(SOURCE_OK * p / CHAR_OK * 0.98, 4)


def _region_texts(p: PageOCR) -> dict[int, list[tuple[int, tuple, str, list[float], float, int]]]:
    """Per region: (band, box, text, char probs, lowest mark confidence, number of marks) per line, in order."""
    out: dict[int, list] = {}
    for ln, rec, marks in zip(p.lines, p.rec, p.marks):
        text, probs = rewrite(rec, ln.crop[0], marks, p.text_h)
        if rec.gap < 1.0 and text.strip():
            probs = probs + [rec.gap]
        mc = min((m.confidence for m in marks), default=1.0)
        out.setdefault(ln.region, []).append((ln.band, ln.box, text, probs, mc, len(marks)))
    for v in out.values():
        v.sort(key=lambda t: (t[0], t[1][0]))
    return out


def line_end(ends: list[float], right_edge: float, text_h: float) -> float:
    """Where wrapped lines end: the right-most end shared by two lines (justified text), else near the edge."""
    ends = sorted((e for e in ends if e >= right_edge - 3 * text_h), reverse=True)
    for a, b in zip(ends, ends[1:]):
        if a - b <= 0.4 * text_h:
            return a
    return right_edge - 0.5 * text_h


def _join_lines(items: list, right_edge: float | None, text_h: float, left_edge: float | None = None) -> str:
    """Segments of one band joined by a space; bands by "\\n", or directly where the previous one wrapped."""
    bands: list[tuple[int, list]] = []
    for it in items:
        if bands and bands[-1][0] == it[0]:
            bands[-1][1].append(it)
        else:
            bands.append((it[0], [it]))
    if right_edge is not None:
        wrap_at = line_end([max(s[1][2] for s in segs) for _, segs in bands], right_edge, text_h) - 1.5 * text_h
    out = ""
    prev_x0 = prev_x1 = None
    for _, segs in bands:
        line = ""
        for s in segs:
            t = s[2].strip()
            if not t:
                continue
            line = f"{line} {t}" if line else t
        if not line:
            continue
        x0 = min(s[1][0] for s in segs)
        x1 = max(s[1][2] for s in segs)
        if out:
            wrapped = right_edge is not None and prev_x1 is not None and prev_x1 >= wrap_at \
                and (left_edge is None or prev_x0 <= left_edge + 2.2 * text_h)
            indented = left_edge is not None and x0 > left_edge + 1.5 * text_h
            if indented and right_edge is not None and abs((x0 + x1) / 2 - (left_edge + right_edge) / 2) < text_h:
                indented = False  # centred text: the rest of a wrapped line, not a new indented paragraph
            sep = "" if wrapped and not indented and not _starts_item(line) and not _KEY_LINE.match(line) else "\n"
            if sep == "" and _latin_edge(out, line):
                sep = ""
            out += sep + line
        else:
            out = line
        prev_x0, prev_x1 = x0, x1
    return out


# 一 (one) and — (dash) print alike; where only a dash makes sense, it is a dash
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=[\d.])一(?=\s*\d)")
_DASH_ONLY = re.compile(r"^\s*(一{1,2})\s*$")
DASH_WORDS = {"中国一东盟": "中国—东盟", "中国一中亚": "中国—中亚", "中国一阿拉伯": "中国—阿拉伯", "中国一东欧": "中国—东欧"}


# a date as typed in a period: 2025年7月 / 2025.07 / 2025-7-1 / 2025/07 (a period is a pair of these)
_DATE = r"(?:19|20)\d{2}\s*(?:[年.．/-]\s*\d{1,2}\s*月?(?:\s*[.．/-]?\s*\d{1,2}\s*日?)?|年)?"
# 一 between two dates is the period's dash (一 never stands there: "2025年7月一2028年12月")
_DASH_BETWEEN_DATES = re.compile(rf"({_DATE})\s*一\s*(?=(?:19|20)\d{{2}})")
# two dates and nothing between them but a line break or spaces: the period's dash was not read
_BARE_PERIOD = re.compile(rf"^\s*{_DATE}\s+{_DATE}\s*$")


def fix_dashes(text: str) -> str:
    """一 (one) read where only a dash makes sense (between digits, between the two dates of a period, alone in a
    cell, in a few fixed names) becomes the dash."""
    text = _DASH_BETWEEN_DATES.sub(lambda m: m.group(1).rstrip() + "—", text)
    text = _DASH_BETWEEN_DIGITS.sub("—", text)
    m = _DASH_ONLY.match(text)
    if m:
        return "—" * len(m.group(1))
    for k, v in DASH_WORDS.items():
        text = text.replace(k, v)
    return text


_FULL = {"(": "（", ")": "）", ":": "：", ",": "，", ";": "；", "?": "？", "!": "！"}
_HALF = {v: k for k, v in _FULL.items()}


def _cjk(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e"
                         or ch in "“”‘’…—")


def cjk_punct(text: str) -> str:
    """Brackets and punctuation in the width a Chinese typist uses: full width next to CJK text, ASCII
    between ASCII (the recogniser picks either for the same printed glyph). A closing bracket takes
    the width of its opening one."""
    out = list(text)
    stack: list[bool] = []
    for i, ch in enumerate(out):
        half = _HALF.get(ch, ch)
        if half not in _FULL:
            continue
        prev = next((c for c in reversed(out[:i]) if not c.isspace()), "")
        nxt = next((c for c in text[i + 1:] if not c.isspace()), "")
        if half == "(":
            full = _cjk(prev) or (not prev and _cjk(nxt)) or (prev in "（(" and _cjk(nxt))
            stack.append(full)
        elif half == ")":
            full = stack.pop() if stack else (_cjk(prev) or _cjk(nxt))
        elif half == ",":
            full = _cjk(prev) or (_cjk(nxt) and not prev.isdigit())
        else:
            full = _cjk(prev)
        out[i] = _FULL[half] if full else half
    return _pair_quotes("".join(out))


def _pair_quotes(text: str) -> str:
    """A straight '"' closing a '“' opened before it is the closing '”' (the recogniser reads the same printed
    glyph either way): '新“小巨人"' → '新“小巨人”'. A '"' with no '“' open before it is left alone."""
    out, open_ = [], False
    for ch in text:
        if ch == "“":
            open_ = True
        elif ch == "”":
            open_ = False
        elif ch == '"' and open_:
            ch, open_ = "”", False
        out.append(ch)
    return "".join(out)


ITEM = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十\d]+[)）、.．]|第[一二三四五六七八九十]+部分|[□☑■])")


_KEY_LINE = re.compile(r"^[^：:，。]{2,14}[：:]")  # "集群名称：…" starts a line of its own


def _starts_item(line: str) -> bool:
    return bool(ITEM.match(line))


def _latin_edge(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a[-1].isascii() and b[0].isascii()


# a number under a seal whose least sure character is at least this probable is not doubted for the seal alone
# (red-channel grey removes the seal; on the measured corpus 1 of 83 sealed cells at ≥ 0.97 was wrong, a quote
# mark; seal characters leaking into a number make it no number, which is flagged anyway)
SEAL_CHAR_OK = 0.98
_NUMBER_ONLY = re.compile(r"^[\d\s.,，．%+\-—–]*\d[\d\s.,，．%+\-—–]*$")


def cell_confidence(probs: list[float], red: float, crossing: bool, mark_conf: float,
                    text: str | None = None) -> tuple[float, list[str]]:
    """Source confidence of a cell and the notes saying why it is doubtful.

    ``probs``: character probabilities (0–1) of its text; ``red``: share (0–1) of the cell's pixels that are
    seal red; ``mark_conf``: lowest tick-box confidence (0–1); ``text``: the cell's text — a cell under a seal
    that reads as a number only (digits, separators, %, sign) with every character at least ``SEAL_CHAR_OK``
    probable is not doubted for the seal (``None``: the seal always doubts the cell)."""
    notes: list[str] = []
    low = min(probs) if probs else 1.0
    conf = char_confidence(low)
    if low < CHAR_OK:
        notes.append(f"OCR: a character read with probability {low:.2f}")
    if red >= SEAL_SHARE and not (text is not None and low >= SEAL_CHAR_OK and _NUMBER_ONLY.match(text)):
        conf *= SEAL_FACTOR
        notes.append("OCR: a red seal covers the cell")
    if crossing:
        conf *= CROSSING_FACTOR
        notes.append("OCR: text crosses the cell border")
    if mark_conf < MARK_OK:
        conf *= mark_conf / MARK_OK * MARK_FACTOR
        notes.append(f"OCR: tick box unclear ({mark_conf:.2f})")
    return round(min(1.0, conf), 4), notes


RULE_MARKS = set("T|丨Il")  # what the recogniser reads for a short piece of a ruling line (not 1: a value)
RULE_MARK_W = 0.3  # text heights: a rule piece is at most this wide ...
RULE_MARK_NEAR = 0.3  # ... and its middle this close to a column line of the table


def split_on_rule_marks(g: Grid, gc: GridCell, items: list, text_h: float) -> list[tuple[GridCell, list]]:
    """A cell spanning columns whose every inner column line shows up as a rule piece read as text ('T', '|'
    on a fax: the rule is there but broken, so the grid took the cells for one) is those columns' cells, each
    with the text on its side (the pieces dropped). Otherwise the cell as it is.

    ``items``: the cell's lines as in :func:`_region_texts` (band, box in page pixels, text, …); ``text_h`` in
    pixels. A piece is at most ``RULE_MARK_W`` text heights wide with its middle within ``RULE_MARK_NEAR`` text
    heights of the column line; no other text may cross a column line."""
    if gc.colspan < 2 or not items:
        return [(gc, items)]
    inner = g.xs[gc.col + 1:gc.col + gc.colspan]
    marks = [it for it in items if it[2].strip() and set(it[2].strip()) <= RULE_MARKS
             and it[1][2] - it[1][0] <= RULE_MARK_W * text_h]

    def at(it: tuple, x: float) -> bool:
        return abs((it[1][0] + it[1][2]) / 2 - x) <= RULE_MARK_NEAR * text_h

    if not all(any(at(m, x) for m in marks) for x in inner):
        return [(gc, items)]
    words = [it for it in items if not any(it is m for m in marks if any(at(m, x) for x in inner))]
    if any(it[1][0] < x < it[1][2] for it in words for x in inner):
        return [(gc, items)]  # text across a column line: one cell after all
    edges = [gc.box[0], *inner, gc.box[2]]
    out = []
    for j in range(gc.colspan):
        box = (edges[j], gc.box[1], edges[j + 1], gc.box[3])
        mine = [it for it in words if edges[j] <= (it[1][0] + it[1][2]) / 2 < edges[j + 1]]
        out.append((GridCell(gc.row, gc.col + j, gc.rowspan, 1, box), mine))
    return out


def page_blocks(p: PageOCR) -> list[Block]:
    """The page's tables and paragraphs, top to bottom; coordinates in PDF points of the cleaned page."""
    k = 72.0 / p.dpi
    texts = _region_texts(p)
    region_of = {(r.table, r.cell): i for i, r in enumerate(p.regions) if r.table >= 0}
    tables: list[Table] = []
    for ti, g in enumerate(p.tables):
        parts = []
        for ci, gc in enumerate(g.cells):
            ri = region_of.get((ti, ci))
            items = texts.get(ri, []) if ri is not None else []
            parts += [(ri, part, its) for part, its in split_on_rule_marks(g, gc, items, p.text_h)]
        cells = [_ocr_cell(p, p.regions[ri] if ri is not None else None, gc, items, k) for ri, gc, items in parts]
        tables.append(Table(n_rows=g.n_rows, n_cols=g.n_cols, cells=cells, page=p.page,
                            bbox=tuple(round(v * k, 2) for v in g.box)))
    _nest_tables(p, tables)
    blocks: list[tuple[float, Block]] = [(t.bbox[1], t) for t, par in zip(tables, p.parents) if par == -1]
    free = [i for i, r in enumerate(p.regions) if r.table < 0]
    for ri in free:
        for para in _paragraphs(texts.get(ri, []), p, k):
            blocks.append((para.bbox[1], para))
    blocks.sort(key=lambda b: b[0])
    return [b for _, b in blocks]


def _nest_tables(p: PageOCR, tables: list[Table]) -> None:
    """Each nested table put into its parent table's cell (``p.tables`` is flat, ``p.parents`` says where)."""
    for ti, (g, parent) in enumerate(zip(p.tables, p.parents)):
        if parent >= 0 and g.parent_cell is not None:
            holder = tables[parent]
            cell = next((c for c in holder.cells if (c.row, c.col) == tuple(g.parent_cell)), None)
            if cell is not None:
                cell.tables.append(tables[ti])


def _ocr_cell(p: PageOCR, reg, gc: GridCell, items: list, k: float) -> Cell:  # noqa: ANN001
    """One IR cell from a grid cell and its recognised lines (``reg``: its :class:`pipeline.Region` or None;
    ``k``: PDF points per pixel): the text joined and fixed, the confidence with its notes, and whether its
    text runs on (:data:`RUNS_ON`)."""
    x0, y0, x1, y1 = gc.box
    text = cjk_punct(fix_dashes(_join_lines(items, x1 - 4, p.text_h, x0 + 4)))
    probs = [q for it in items for q in it[3]]
    mark_conf = min((it[4] for it in items if it[5]), default=1.0)
    conf, notes = cell_confidence(probs, reg.red if reg else 0.0, bool(reg and reg.crossing and text), mark_conf, text)
    if _BARE_PERIOD.match(text):
        conf = min(conf, DOUBT)
        notes.append("OCR: two dates with no dash read between them (a period's dash may be lost)")
    if not text:
        conf, notes = (0.85, ["OCR: a red seal covers the cell"]) if reg and reg.red >= 0.02 else (1.0, [])
    cell = Cell(row=gc.row, col=gc.col, rowspan=gc.rowspan, colspan=gc.colspan, text=text, page=p.page,
                bbox=(round(x0 * k, 2), round(y0 * k, 2), round(x1 * k, 2), round(y1 * k, 2)),
                confidence=conf, notes=notes)
    if items:
        RUNS_ON[cell] = _runs_on(items, text, x1 - x0, p)
    return cell


def _runs_on(items: list, text: str, width: float, p: PageOCR) -> bool:
    """CJK text filling the last line of a wide cell (``width`` px), no room left for one more character: it goes
    on (on the next page, when the table is cut there)."""
    last = [it for it in items if it[0] == items[-1][0]]
    lx0, lx1 = min(it[1][0] for it in last), max(it[1][2] for it in last)
    inner = width - 2 * 0.08 * p.dpi  # cell padding (Word's default 0.19 cm) on both sides
    n_chars = sum(len(it[2].replace(" ", "")) for it in last)
    advance = (lx1 - lx0) / max(1, n_chars)
    tail = text.rstrip()[-1:]
    return (inner >= 5 * p.text_h and lx1 - lx0 >= inner - 1.3 * advance
            and n_chars >= 4 and bool(tail) and not tail.isascii())


def _paragraphs(items: list, p: PageOCR, k: float) -> list[Paragraph]:
    """The free text's lines (``items`` as in :func:`_region_texts`) as paragraphs: wrapped lines joined; specks
    and background read as text dropped. ``k``: PDF points per pixel."""
    if not items:
        return []
    left = min(it[1][0] for it in items)
    right = max(it[1][2] for it in items)
    for g, par in zip(p.tables, p.parents):
        if par == -1:
            left, right = min(left, g.box[0]), max(right, g.box[2])
    out = []
    for g in _paragraph_groups(items, left, right, p.text_h):
        para = _paragraph(g, left, right, p, k)
        if para is not None:
            out.append(para)
    return out


def _paragraph_groups(items: list, left: float, right: float, text_h: float) -> list[list[list]]:
    """Lines (bands of segments) grouped into paragraphs: a line goes on from the one above when that one ran to
    the right edge, it starts at the left edge (or under the line above), close below, and starts no item or
    ``key：`` line."""
    bands: list[list] = []
    for it in items:
        if bands and bands[-1][0][0] == it[0]:
            bands[-1].append(it)
        else:
            bands.append([it])
    right_ref = line_end([max(s[1][2] for s in b) for b in bands], right, text_h)
    groups: list[list[list]] = []
    prev = None
    for b in bands:
        x0 = min(s[1][0] for s in b)
        y0 = min(s[1][1] for s in b)
        if prev is not None:
            px1 = max(s[1][2] for s in prev)
            py1 = max(s[1][3] for s in prev)
            text = " ".join(s[2] for s in b).strip()
            px0 = min(s[1][0] for s in prev)
            cont = (px1 >= right_ref - 1.5 * text_h and x0 <= max(left + 1.0 * text_h, px0 + 0.5 * text_h)
                    and y0 - py1 <= 1.6 * text_h and not _starts_item(text) and not _KEY_LINE.match(text))
            if cont:
                groups[-1].append(b)
                prev = b
                continue
        groups.append([b])
        prev = b
    return groups


def _paragraph(group: list[list], left: float, right: float, p: PageOCR, k: float) -> Paragraph | None:
    """One paragraph from its lines; None for no text (specks, a photo's background, a torn edge)."""
    segs = [s for b in group for s in b]
    text = _join_lines(segs, right, p.text_h, left)
    text = cjk_punct(fix_dashes(text.replace("\n", "")))  # a paragraph's wrapped lines
    if not text.strip():
        return None
    probs = [q for s in segs for q in s[3]]
    conf, _ = cell_confidence(probs, 0.0, False, 1.0)
    if not any(ch.isalnum() for ch in text) or (len(text.strip()) <= 3 and conf < 0.6):
        return None
    x0 = min(s[1][0] for s in segs)
    y0 = min(s[1][1] for s in segs)
    x1 = max(s[1][2] for s in segs)
    y1 = max(s[1][3] for s in segs)
    return Paragraph(text=text, page=p.page, bbox=(round(x0 * k, 2), round(y0 * k, 2), round(x1 * k, 2),
                                                   round(y1 * k, 2)), confidence=conf)


# ---------------------------------------------------------------- tables across pages
PAGE_NUMBER = re.compile(r"^\s*[-—–]?\s*\d{1,3}\s*[-—–]?\s*$|^第\s*\d+\s*页")


# a cell that starts like this goes on from the cell above (a note or a seal line of the same label)
_GOES_ON = re.compile(r"^[（(]\s*(注|备注|说明|需|含|包括|不含|如|单位盖章|盖章|签字|签章)")
_ROW_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
SPLIT_NOTE = "OCR: row joined with the next page's first row (text ran to the cell edge; it may be a new row)"
SPLIT_GAP = 30.0  # pt: a row cut by the page break ends this close to the lowest content of any page
# pt: column lines of two parts of a table closer than this are the same line (the PDF stitcher's 2.5 pt plus the
# jitter of lines found on a deskewed scan at 200 dpi: ±1.5 px ≈ 0.5 pt, measured on the sample scans)
ALIGN_TOL = 4.0


def stitch(pages: list[tuple[list[Block], float]]) -> list[Block]:
    """Join the pages' blocks; a table that ends a page and one that starts the next with the same
    left and right edges are one table (columns re-gridded on the union of both pages' column lines).

    ``pages``: (blocks, page height in points) per page, in order.
    """
    ends = sorted(max(b.bbox[3] for b in blocks if b.bbox is not None and not (isinstance(b, Paragraph)
                                                                         and PAGE_NUMBER.match(b.text)))
                  for blocks, _ in pages if any(b.bbox is not None for b in blocks))
    # the lower margin: where most full pages end (a speck low on one page must not move it)
    body_bottom = ends[min(len(ends) - 1, int(0.8 * len(ends)))] if ends else 0.0
    out: list[Block] = []
    tail: Block | None = None  # the last block of the previous page, as found on that page
    for n, (blocks, height) in enumerate(pages):
        body = [b for b in blocks if not (isinstance(b, Paragraph) and PAGE_NUMBER.match(b.text))]
        page_tail = body[-1] if body else None
        if out and body and isinstance(body[0], Table) and isinstance(tail, Table):
            prev_body = [b for b in out if not (isinstance(b, Paragraph) and PAGE_NUMBER.match(b.text))]
            last = prev_body[-1] if prev_body else None
            if isinstance(last, Table) and _continues(last, body[0]):
                cut = tail.bbox is not None and body_bottom - tail.bbox[3] <= SPLIT_GAP
                merged = merge_tables(last, body[0], cut=cut)
                out[out.index(last)] = merged
                if page_tail is body[0]:
                    page_tail = tail = body[0]
                body = body[1:]
        out += body
        tail = page_tail
    return out


def _continues(a: Table, b: Table, tol: float = 6.0) -> bool:
    if a.bbox is None or b.bbox is None or a.page == b.page:
        return False
    return abs(a.bbox[0] - b.bbox[0]) <= tol and abs(a.bbox[2] - b.bbox[2]) <= tol


def _col_lines(t: Table) -> list[float]:
    xs = sorted({c.bbox[0] for c in t.cells if c.bbox} | {c.bbox[2] for c in t.cells if c.bbox})
    return xs


_WHOLE_NUMBER = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.(\d+))?%?$|^[-+]?\d+(?:\.(\d+))?%?$")
_WHOLE_DATE = re.compile(r"^(?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[.．/-]\s*\d{1,2}(?:\s*[.．/-]\s*\d{1,2})?)$")


STACKED_MIN_DIGITS = 2  # digits of each of two stacked numbers (a lone digit may be a wrapped number's last)


def _two_values(a: str, b: str) -> bool:
    """``a`` and ``b`` are each a whole value of the same kind: two numbers of at least 2 digits with as many
    decimals (so '16.2' above '9' — one number wrapped — is not), or two whole dates (year and month at least)."""
    a, b = a.strip(), b.strip()
    ma, mb = _WHOLE_NUMBER.match(a), _WHOLE_NUMBER.match(b)
    if ma and mb:
        da, db = (ma.group(1) or ma.group(2) or ""), (mb.group(1) or mb.group(2) or "")
        digits = lambda t: sum(ch.isdigit() for ch in t)  # noqa: E731
        return digits(a) >= STACKED_MIN_DIGITS and digits(b) >= STACKED_MIN_DIGITS and len(da) == len(db)
    return bool(_WHOLE_DATE.match(a) and _WHOLE_DATE.match(b))


def _depth(text: str) -> int:
    """Brackets opened and not closed in ``text`` (full- and half-width)."""
    d = 0
    for ch in text:
        if ch in "（(":
            d += 1
        elif ch in "）)" and d > 0:
            d -= 1
    return d


def _closes(text: str) -> bool:
    """``text`` closes a bracket it did not open: the end of a bracketed part that began above."""
    d = 0
    for ch in text:
        if ch in "（(":
            d += 1
        elif ch in "）)":
            d -= 1
            if d < 0:
                return True
    return False


def _append(c: Cell, d: Cell) -> None:
    if d.text.strip():
        sep = "" if RUNS_ON.get(c, False) else "\n"  # text cut by the page break goes on directly
        c.text = c.text + sep + d.text if c.text.strip() else d.text
        c.confidence = min(c.confidence, d.confidence)
        c.notes += [n for n in d.notes if n not in c.notes]
    c.tables += d.tables


WIDE_NOTE = ("OCR: row joined with the next page's first row, where a column line was not found: the text "
             "of several columns was read as one")


def _pair_cut_row(above: list[Cell], below: list[Cell], xpos, tol: float) -> list[tuple[Cell, Cell]]:  # noqa: ANN001
    """The last row above and the first row below, cell by cell, when they have the same cells; ``[]`` if not.

    A cell below may span several cells above (its left edge on the first one's, its right edge on the last
    one's, within ``tol`` points): the short piece of a row cut by the page break, where a column line was
    not found. It is paired with the first cell it covers; the others get an empty cell with no bbox."""
    if not above or not below:
        return []
    out: list[tuple[Cell, Cell]] = []
    k = 0
    for d in below:
        if k >= len(above) or not d.bbox or not above[k].bbox or abs(above[k].bbox[0] - xpos(d, 0)) > tol:
            return []
        j = k
        while j < len(above) and above[j].bbox and above[j].bbox[2] < xpos(d, 2) - tol:
            j += 1
        if j >= len(above) or not above[j].bbox or abs(above[j].bbox[2] - xpos(d, 2)) > tol:
            return []
        out.append((above[k], d))
        out += [(c, Cell(row=d.row, col=d.col, text="", page=d.page)) for c in above[k + 1:j + 1]]
        k = j + 1
    return out if k == len(above) else []


class _Columns:
    """The column lines of two tables stitched: a continuation with as many column lines and the same outer edges
    but moved inner lines (widths changed on the next page, no repeated header) is aligned column by column, in
    order (the PDF stitcher's rule); otherwise the columns are the union of both tables' lines (points, merged
    within ``tol``)."""

    def __init__(self, a: Table, b: Table, tol: float) -> None:
        self.snap = align_columns(_col_lines(a), _col_lines(b), ALIGN_TOL)
        self.lower = {id(c) for c in b.cells}
        xs: list[float] = []
        for x in sorted(_col_lines(a) + ([] if self.snap is not None else _col_lines(b))):
            if xs and x - xs[-1] <= tol:
                continue
            xs.append(x)
        self.xs = xs

    def xpos(self, c: Cell, k: int) -> float:
        """Edge ``k`` (0 left, 2 right) of cell ``c``'s bbox, moved onto the upper table's line if snapped."""
        x = c.bbox[k]
        return self.snap(x) if self.snap is not None and id(c) in self.lower else x

    def col(self, x: float) -> int:
        """The column line nearest ``x``."""
        return min(range(len(self.xs)), key=lambda i: abs(self.xs[i] - x))


def merge_tables(a: Table, b: Table, tol: float = 4.0, cut: bool = True) -> Table:
    """``b`` (next page) appended below ``a``; columns are the union of both tables' column lines.

    A row cut by the page break (same cells, the label cell empty below) is joined back into one row;
    a label cell spanning rows that was cut (empty below, spanning above) spans the rows below too.
    """
    cols = _Columns(a, b, tol)
    last = a.n_rows - 1
    above = sorted({id(c): c for c in a.grid()[last] if c is not None}.values(), key=lambda c: c.col)
    below = sorted([c for c in b.cells if c.row == 0], key=lambda c: c.col)
    pairs = _pair_cut_row(above, below, cols.xpos, tol)
    absorbed: dict[int, Cell] = {}
    shift = a.n_rows
    if pairs and _join_cut_row(pairs, above, last, absorbed, cols, tol, cut):
        shift = a.n_rows - 1
    cells = _regrid(a, b, shift, absorbed, cols)
    return Table(n_rows=shift + b.n_rows, n_cols=max(1, len(cols.xs) - 1), cells=cells, page=a.page, bbox=a.bbox)


@dataclass
class _CutRow:
    """What the two halves of a row cut by the page break say (:func:`_cut_row_evidence`)."""

    below_only_under_text: bool  # text below only under cells with text above
    label_join: bool  # a label running on over the break, beside new rows
    strong: bool  # the row surely goes on below
    weak: bool  # it may go on (text ran to the edge), and no two whole values are stacked
    new_row: bool  # a row number of its own below: a new row


def _cut_row_evidence(pairs: list[tuple[Cell, Cell]], absorbed: dict[int, Cell], last: int) -> _CutRow:
    """Whether the paired last row above and first row below are one row cut by the page break."""
    below_only_under_text = any(d.text.strip() for _, d in pairs) and all(
        c.text.strip() or not d.text.strip() for c, d in pairs)
    both = [(c, d) for c, d in pairs if c.text.strip() and d.text.strip()]
    label_join = bool(pairs) and not absorbed and len(pairs) > 1 and pairs[0][0].text.strip() \
        and pairs[0][1].text.strip() and RUNS_ON.get(pairs[0][0], False) and pairs[0][1].rowspan > 1
    strong = bool(pairs) and (
        (not pairs[0][1].text.strip() and bool(pairs[0][0].text.strip()))  # the row's label cell empty below
        or bool(_GOES_ON.match(pairs[0][1].text))  # the label goes on: （注：…） （需…）
        or (_depth(pairs[0][0].text) > 0 and _closes(pairs[0][1].text))  # '（跨' above, '…情况）' below
        or (last <= 2 and any(c.text.strip() and not d.text.strip() for c, d in pairs)))  # a header row cut
    weak = bool(pairs) and (any(RUNS_ON.get(c, False) for c, _ in both)  # text above ran on into the next page
                            or (len(pairs) == 1 and pairs[0][0].text.count("\n") >= 2))  # a box goes on
    # a row number of its own below (序号 1, 2 …, other than the one above): a new row, never the rest of one
    new_row = bool(pairs) and bool(_ROW_NUMBER.match(pairs[0][0].text)) and bool(
        _ROW_NUMBER.match(pairs[0][1].text)) and pairs[0][0].text.strip() != pairs[0][1].text.strip()
    # two complete values of the same kind stacked in one column (79.36 above, 59.38 below; 2022年12月 above,
    # 2024年10月 below): a value is never continued by another whole value, so these are two rows
    stacked = any(_two_values(c.text, d.text) for c, d in both)
    return _CutRow(below_only_under_text, bool(label_join), strong, weak and not stacked, new_row)


def _join_cut_row(pairs: list[tuple[Cell, Cell]], above: list[Cell], last: int, absorbed: dict[int, Cell],
                  cols: _Columns, tol: float, cut: bool) -> bool:
    """Join the halves of a row cut by the page break into the cells above (``absorbed``: id of a cell below →
    the cell above that took its text); True when the whole row was joined (the tables share a row)."""
    # above cells whose continuation below was read as part of a wider cell (a column line of the short piece of
    # the row on the next page was not found): their text cannot be told apart, so they are doubted when joined
    wide = {id(c) for c, d in pairs if d.bbox is None or (d.bbox is not None and c.bbox is not None and
                                                            abs(c.bbox[2] - cols.xpos(d, 2)) > tol)}
    if above[0].rowspan > 1 or above[0].row != last:
        c, d = pairs.pop(0)  # a label spanning rows, cut by the page break: it spans the rows below too
        _append(c, d)
        absorbed[id(d)] = c
    ev = _cut_row_evidence(pairs, absorbed, last)
    split = not ev.label_join and not ev.new_row and cut and bool(pairs) and ev.below_only_under_text \
        and (ev.strong or ev.weak)
    if split:  # one row cut in two: the lower part's text goes on in the cells above
        _absorb_row(pairs, absorbed, wide, doubt=not ev.strong and bool(pairs[0][1].text.strip()))
        return True
    if ev.label_join:
        c, d = pairs[0]  # a label running on over the break, beside new rows: one label spanning them
        _append(c, d)
        absorbed[id(d)] = c
    return False


def _absorb_row(pairs: list[tuple[Cell, Cell]], absorbed: dict[int, Cell], wide: set[int], doubt: bool) -> None:
    """Every lower half appended to its upper half; cells read too wide below doubted (:data:`WIDE_NOTE`), and
    all of them when only text running to an edge said the row goes on (``doubt``: maybe a new row)."""
    for c, d in pairs:
        _append(c, d)
        absorbed[id(d)] = c
    for c, _d in pairs:
        if id(c) in wide:
            c.confidence = min(c.confidence, DOUBT)
            c.notes.append(WIDE_NOTE)
    if doubt:
        for c, _d in pairs:
            c.confidence = min(c.confidence, DOUBT)
            c.notes.append(SPLIT_NOTE)


def _regrid(a: Table, b: Table, shift: int, absorbed: dict[int, Cell], cols: _Columns) -> list[Cell]:
    """Both tables' cells on the joined columns, ``b``'s rows moved down by ``shift``; a cell absorbed into one
    above widens that cell's row span instead."""
    cells: list[Cell] = []
    for t, r0 in ((a, 0), (b, shift)):
        for c in t.cells:
            if c.bbox is None:
                continue
            host = absorbed.get(id(c))
            if host is not None:
                host.rowspan = max(host.rowspan, c.row + r0 + c.rowspan - host.row)
                continue
            c0, c1 = cols.col(cols.xpos(c, 0)), cols.col(cols.xpos(c, 2))
            c.row += r0
            c.col, c.colspan = c0, max(1, c1 - c0)
            cells.append(c)
    hosts = {id(h) for h in absorbed.values()}
    for c in cells:
        if id(c) in hosts:
            c0, c1 = cols.col(c.bbox[0]), cols.col(c.bbox[2])
            c.col, c.colspan = c0, max(1, c1 - c0)
    cells.sort(key=lambda c: (c.row, c.col))
    return cells
