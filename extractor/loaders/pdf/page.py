"""One PDF page → :class:`PageContent`: its tables and loose text lines in reading order.

A page with no text layer (a scan) is only marked; a page whose text runs sideways is turned upright; the
characters go into the innermost table cell that holds their centre, else onto the page. Page numbers are
dropped here, running headers and footers (repeated on most pages) once all pages are read.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .chars import Ch, Line, char_text, chars_to_lines, dedupe
from .grid import cell_text, find_tables, innermost_cell
from .trust import FontCheck, background, body_style, hidden_text_layer, is_private_use, runs

# an untrusted font's characters that cannot be read by OCR (sideways, no crop) keep the text layer at this
# probability: below the ok threshold, so their values are review
UNREAD_PROB = 0.5

# a scan: a page with images over SCAN_MIN_IMAGE of its area and fewer characters than SCAN_MAX_CHARS, or
# over SCAN_FULL_IMAGE of it and only a few words (a scanner's stamp or a page number on the image)
SCAN_MAX_CHARS, SCAN_MIN_IMAGE = 10, 0.3
SCAN_FEW_CHARS, SCAN_FULL_IMAGE = 40, 0.6
_PAGE_NO = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}\s*(页)?\s*([/／]\s*\d{1,4}|共\s*\d{1,4}\s*页)?[-—–－\s]*$")


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    items: list  # Para | PTable (top-level), in reading order
    scanned: bool = False
    has_text: bool = False
    scan_reason: str = ""  # why a page with a text layer is read as a scan
    text_left: float = 0.0
    text_right: float = 0.0
    last_paras: dict = field(default_factory=dict)  # id(cell) -> paragraphs (for split-row joins)


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


def read_page(page, number: int, fonts: FontCheck | None = None) -> PageContent:
    """One page. ``fonts``: the document's font check (untrusted fonts read by OCR); it also names the file, for
    the check of hidden text layers."""
    w, h = float(page.width), float(page.height)
    raw = page.chars
    if raw:
        size, light = body_style(raw)
        raw = [c for c in raw if background(c, size, light) is None]  # watermarks, background text
    ink = [c for c in raw if c["text"].strip()]
    scan = _as_scan(page, number, ink, fonts)
    if scan is not None:
        return scan
    rot = _rotation_of(ink) if ink else 0
    f, w2, h2 = _turn(rot, w, h)
    chars = _page_chars(raw, ink, number, (w, h), fonts)
    if rot:
        for ch in chars:
            ch.x0, ch.top, ch.x1, ch.bottom = _turn_box(f, ch.x0, ch.top, ch.x1, ch.bottom)
    chars = dedupe(chars)
    tables = find_tables(_page_edges(page, f, rot), number)
    loose: list[Ch] = []
    by_cell: dict[int, list[Ch]] = {}
    for c in chars:
        hit = innermost_cell(tables, c.cx, c.cy) if tables else None
        if hit is None:
            loose.append(c)
        else:
            by_cell.setdefault(id(hit[1]), []).append(c)
    content = PageContent(number, w2, h2, [], has_text=bool(ink))
    for t in tables:
        for cell in t.cells:
            cell.text, paras = cell_text(cell, by_cell.get(id(cell), []))
            content.last_paras[id(cell)] = paras
    lines = [l for l in chars_to_lines(loose) if not _is_page_number(l, h2)]
    content.items = _reading_order(lines, [t for t in tables if t.parent is None])
    return content


def _as_scan(page, number: int, ink: list[dict], fonts: FontCheck | None) -> PageContent | None:  # noqa: ANN001
    """The page as a scan (no content read), or ``None``: images cover most of it and it has few characters, or
    its text layer is hidden (invisible, or under a page-sized image)."""
    w, h = float(page.width), float(page.height)
    img_area = 0.0
    for im in page.images:
        iw = max(0.0, min(im["x1"], w) - max(im["x0"], 0.0))
        ih = max(0.0, min(im["bottom"], h) - max(im["top"], 0.0))
        img_area = max(img_area, iw * ih) if len(ink) >= SCAN_FEW_CHARS else img_area + iw * ih
    share = img_area / (w * h)
    if len(ink) < SCAN_FEW_CHARS:
        if share >= SCAN_FULL_IMAGE or len(ink) < SCAN_MAX_CHARS and share >= SCAN_MIN_IMAGE:
            return PageContent(number, w, h, [], scanned=True)
    elif share >= SCAN_FULL_IMAGE and fonts is not None:
        why = hidden_text_layer(fonts.path, number, SCAN_FULL_IMAGE)
        if why:
            return PageContent(number, w, h, [], scanned=True, scan_reason=why)
    return None


def _page_chars(raw: list[dict], ink: list[dict], number: int, size: tuple[float, float],
                fonts: FontCheck | None) -> list[Ch]:
    """The page's characters (as drawn, not yet turned upright); those in untrusted fonts read by OCR."""
    untrusted: dict[str, str] = {}
    if fonts is not None and ink:
        fonts.check(number, size, raw)
        untrusted = fonts.untrusted()
    chars = []
    for c in raw:
        if c["fontname"] in untrusted:
            continue
        m = c["matrix"]
        chars.append(Ch(char_text(c), c["x0"], c["top"], c["x1"], c["bottom"], float(c.get("size") or (c["bottom"] - c["top"])),
                        ox=float(m[4]), oy=float(m[5]), font=c["fontname"]))
    if untrusted:
        chars += _read_untrusted([c for c in raw if c["fontname"] in untrusted], untrusted, number, size, fonts)
    return chars


def _reading_order(lines: list[Line], top_tables: list) -> list:
    """Tables and the stretches of lines between them, top to bottom (each stretch becomes paragraphs later,
    once the text area is known)."""
    items: list = []
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
    return items


def _read_untrusted(chars: list[dict], untrusted: dict[str, str], number: int, size: tuple[float, float],
                    fonts: FontCheck) -> list[Ch]:
    """Characters in fonts whose map is not trusted, read by OCR of their own boxes: one :class:`Ch` per
    recognised character, placed where the recogniser saw it, with its probability and a note giving both
    readings. Characters that cannot be cropped (not upright) keep the text layer, doubtful."""
    out: list[Ch] = []
    rs = [r for r in runs(chars)]
    upright = {id(c) for r in rs for c in r.chars}
    for c in chars:
        if id(c) not in upright and c["text"].strip():
            out.append(Ch(char_text(c), c["x0"], c["top"], c["x1"], c["bottom"], float(c.get("size") or 1.0),
                          font=c["fontname"], prob=UNREAD_PROB,
                          note=f"PDF text layer: font {_font_name(c['fontname'])} {untrusted[c['fontname']]}; not re-read"))
    got = fonts.recognise(number, size, rs) if rs else []
    if got is None:
        got = [None] * len(rs)
    for r, g in zip(rs, got):
        x0, top, x1, bottom = r.bbox
        note = f"PDF text layer: font {_font_name(r.font)} {untrusted[r.font]}"
        if g is None:
            out.extend(Ch(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], r.size, font=r.font, prob=UNREAD_PROB,
                          note=note + "; not re-read") for c in r.chars)
            continue
        left, scale, rec = g
        note += f"; read by OCR: {rec.text!r} (text layer {r.text!r})"
        out.extend(_merge(r, left, scale, rec, fonts.fonts[r.font].verdict_from_glyphs, note))
    return out


def _merge(r, left: float, scale: float, rec, glyphs_lie: bool, note: str) -> list[Ch]:  # noqa: ANN001
    """One untrusted run: the text layer and the recogniser's reading, character by character. Where they agree
    the character is sure; a private-use code point takes the recognised character (at the recogniser's
    probability); where they disagree, the recognised character is taken if the font's glyphs were seen to
    disagree with its map, else the text layer's, doubtful either way. Readings of different lengths: the
    recognised text, doubtful."""
    x0, top, x1, bottom = r.bbox
    ink = [(k, ch) for k, ch in enumerate(rec.text) if not ch.isspace()]
    layer = [c for c in r.chars if c["text"].strip()]
    out: list[Ch] = []

    def at(k: int, ch: str, p: float, c: dict | None) -> Ch:
        if c is not None:
            return Ch(ch, c["x0"], c["top"], c["x1"], c["bottom"], r.size, font=r.font, prob=p, note=note)
        w = (x1 - x0) / max(1, len(ink))
        cx = left + rec.xs[k] / scale if k < len(rec.xs) else x0 + (k + 0.5) * w
        return Ch(ch, cx - w / 2, top, cx + w / 2, bottom, r.size, font=r.font, prob=p, note=note)

    def prob(k: int) -> float:
        return min(rec.probs[k] if k < len(rec.probs) else 0.0, rec.gap)

    if len(ink) != len(layer):
        return [at(k, ch, min(prob(k), UNREAD_PROB), None) for k, ch in ink]
    for (k, ch), c in zip(ink, layer):
        t = c["text"]
        if unicodedata.normalize("NFKC", t) == unicodedata.normalize("NFKC", ch):
            out.append(at(k, t, 1.0, c))
        elif len(t) == 1 and is_private_use(t):
            out.append(at(k, ch, prob(k), c))
        else:
            out.append(at(k, ch if glyphs_lie else t, min(prob(k), UNREAD_PROB), c))
    return out


def _font_name(font: str) -> str:
    return font.split("+", 1)[-1]


def _is_page_number(line: Line, page_h: float) -> bool:
    return (line.top > page_h * 0.88 or line.bottom < page_h * 0.08) and bool(_PAGE_NO.match(line.text))


def drop_running_lines(pages: list[PageContent]) -> None:
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
