"""Recognised lines → IR blocks, by geometry only (no engine): the pure half of the OCR path.

* A line belongs to the cell it was found in (lines are looked for cell by cell, so text never
  straddles two cells); the cell's lines are joined and their wording fixed by :mod:`.cell_text`.
* Tick boxes decided by pixels are written as ☑ / □ before their option (:func:`checkbox.rewrite`).
* Paragraphs: the lines outside tables, wrapped lines joined, in reading order with the tables.
* Cell confidence (the IR's source confidence): from the lowest character probability, lowered for
  a seal over the cell, text crossing a cell border and unsure tick boxes — see :func:`cell_confidence`.
  The cell's notes say why, and its bbox (PDF points of the cleaned page) lets a reviewer see the crop.
* Tables continued on the next page are stitched afterwards, by :mod:`.stitch` (it reads :data:`RUNS_ON`).
"""
from __future__ import annotations

import re
import weakref

from ..ir import Block, Cell, Paragraph, Table
from ..thresholds import SOURCE_OK
from .cell_text import BARE_PERIOD, KEY_LINE, cjk_punct, fix_dashes, join_lines, line_end, put_right, starts_item
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
    """Per region: (band, box, text, char probs, lowest mark confidence, number of marks, the tone of the line's
    ink — :attr:`TextLine.tone`) per line, in order."""
    out: dict[int, list] = {}
    for ln, rec, marks in zip(p.lines, p.rec, p.marks):
        text, probs = rewrite(rec, ln.crop[0], marks, p.text_h)
        if rec.gap < 1.0 and text.strip():
            probs = probs + [rec.gap]
        mc = min((m.confidence for m in marks), default=1.0)
        out.setdefault(ln.region, []).append((ln.band, ln.box, text, probs, mc, len(marks), ln.tone))
    for v in out.values():
        v.sort(key=lambda t: (t[0], t[1][0]))
    return out


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
        for para in _paragraphs(seal_free(texts.get(ri, [])), p, k):
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


# Lines read beside a value at low probability (a black seal's characters on a fax, specks, the edge of a
# neighbour's ink): in a cell with a number read surely (every character at least SURE_LINE, half of them digits;
# beside words a faint line may be the rest of a wrapped word, 董家 / 塅高 / 科园) and at most VALUE_CHARS characters, a line of at most FAINT_CHARS characters one of which is below
# FAINT_LINE is left out, and the cell doubted. Measured on the generated fax scans: seal characters 0.10–0.54
# in lines of 1–3 characters, values 0.9–1.0.
FAINT_LINE = 0.6
FAINT_CHARS = 3
SURE_LINE = 0.9
VALUE_CHARS = 20


# Text this small is no longer read reliably: measured by shrinking the sample scans (gx-sme-2024-p4.jpg,
# prov-cluster-2025-p3.jpg) — at 9–10 px text height 85 of 89 values right, none wrong-but-ok; at 8 px
# 36 of 89 right and 2–4 wrong-but-ok; below, nothing found. Every value of such a page is reviewed.
MIN_TEXT_PX = 10


def resolution_note(text_h: float) -> str | None:
    """Why a page's every value is doubted for its resolution (``text_h``: the page's text height, px), or None."""
    if text_h >= MIN_TEXT_PX:
        return None
    return (f"OCR: text only {text_h:.0f} px high on this page (below {MIN_TEXT_PX} px it is not read reliably: "
            "scan at 200 dpi or photograph closer)")


def drop_faint_lines(items: list) -> tuple[list, list[str]]:
    """``items`` (a cell's lines as in :func:`_region_texts`) without the faint lines beside a surely read
    value, and the texts left out (empty when nothing was). Lines with tick marks are always kept."""
    def sure(it: tuple) -> bool:  # a number read surely (text beside marks may be a wrapped word: not judged)
        t = it[2].strip()
        return bool(it[3]) and min(it[3]) >= SURE_LINE and sum(ch.isdigit() for ch in t) >= max(1, len(t) / 2)

    def faint(it: tuple) -> bool:
        t = it[2].strip()
        return not it[5] and (not t or (len(t) <= FAINT_CHARS and min(it[3], default=0.0) < FAINT_LINE))

    kept = [it for it in items if not faint(it)]
    if len(kept) == len(items) or not any(sure(it) for it in kept):
        return items, []
    if sum(len(it[2].strip()) for it in kept) > VALUE_CHARS:
        return items, []
    return kept, [it[2].strip() for it in items if faint(it) and it[2].strip()]


# A line of a sealed cell whose darkest ink is this light (grey level, 0–255) or lighter is the seal's own text:
# where the red channel does not wipe it (a low-quality JPEG smears the red) it is read like print, at high
# probability (和信, 专用 at 1.0 over the numbers of a 150 dpi q40 return). Measured on that return: the seal's
# lines 164–188 (10th percentile of their ink), black print under and beside the seal 90–116.
SEAL_TONE = 140


def seal_free(items: list) -> list:
    """The free text's lines (``items`` as in :func:`_region_texts`) without those in a seal's light ink
    (:data:`SEAL_TONE`; the tone is measured on pages with a red seal only, 0 elsewhere). Outside tables nothing
    is kept for being the only text: a seal sticking out above a table continued from the page before was read
    as paragraphs (工业和信…) between the two parts, and the table was not stitched (40 values not found)."""
    return [it for it in items if not (len(it) > 6 and it[6] >= SEAL_TONE and not it[5])]


def drop_seal_lines(items: list) -> tuple[list, list[str]]:
    """``items`` (a cell's lines as in :func:`_region_texts`, the 7th element each line's ink tone) without the
    lines in the seal's light ink (:data:`SEAL_TONE`), and their texts; all kept when every line is light."""
    light = [it for it in items if len(it) > 6 and it[6] >= SEAL_TONE and not it[5]
             and any(ch.isalnum() for ch in it[2])]  # a lone dash is thin, so light: print
    if not light or len(light) == len(items):
        return items, []
    return [it for it in items if not any(it is x for x in light)], [it[2].strip() for it in light if it[2].strip()]


def _ocr_cell(p: PageOCR, reg, gc: GridCell, items: list, k: float) -> Cell:  # noqa: ANN001
    """One IR cell from a grid cell and its recognised lines (``reg``: its :class:`pipeline.Region` or None;
    ``k``: PDF points per pixel): the text joined and fixed, the confidence with its notes, and whether its
    text runs on (:data:`RUNS_ON`)."""
    x0, y0, x1, y1 = gc.box
    items, faint = drop_faint_lines(items)
    items, sealed = drop_seal_lines(items) if reg and reg.red >= SEAL_SHARE else (items, [])
    text, doubts, script_notes = put_right(cjk_punct(fix_dashes(join_lines(items, x1 - 4, p.text_h, x0 + 4))))
    probs = [q for it in items for q in it[3]] + doubts
    mark_conf = min((it[4] for it in items if it[5]), default=1.0)
    conf, notes = cell_confidence(probs, reg.red if reg else 0.0, bool(reg and reg.crossing and text), mark_conf, text)
    notes += script_notes
    if faint:
        conf = min(conf, DOUBT)
        notes.append(f"OCR: marks read at low probability beside the value left out: {faint}")
    if sealed:
        conf = min(conf, DOUBT)
        notes.append(f"OCR: text in the seal's ink left out: {sealed}")
    small = resolution_note(p.text_h)
    if small and text:
        conf = min(conf, DOUBT)
        notes.append(small)
    if BARE_PERIOD.match(text):
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
                    and y0 - py1 <= 1.6 * text_h and not starts_item(text) and not KEY_LINE.match(text))
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
    text = join_lines(segs, right, p.text_h, left)
    text, doubts, _ = put_right(cjk_punct(fix_dashes(text.replace("\n", ""))))  # a paragraph's wrapped lines
    if not text.strip():
        return None
    probs = [q for s in segs for q in s[3]] + doubts
    conf, _ = cell_confidence(probs, 0.0, False, 1.0)
    if not any(ch.isalnum() for ch in text) or (len(text.strip()) <= 3 and conf < 0.6):
        return None
    x0 = min(s[1][0] for s in segs)
    y0 = min(s[1][1] for s in segs)
    x1 = max(s[1][2] for s in segs)
    y1 = max(s[1][3] for s in segs)
    small = resolution_note(p.text_h)
    return Paragraph(text=text, page=p.page, bbox=(round(x0 * k, 2), round(y0 * k, 2), round(x1 * k, 2),
                                                   round(y1 * k, 2)),
                     confidence=min(conf, DOUBT) if small else conf, notes=[small] if small else [])
