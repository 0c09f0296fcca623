"""The pages of a PDF (:class:`PageContent`) → the IR :class:`Document`.

Finds the text area of each page size (its left and right margins, where the body starts and ends), turns
each page's loose lines into paragraphs, stitches tables and paragraphs running onto the next page, and
reports pages without a text layer (:class:`NeedsOCR` when no page has one).
"""
from __future__ import annotations

from pathlib import Path

from ...errors import NeedsOCR
from ...ir import Document, Paragraph, Table
from .chars import PUNCT, SENTENCE_END, Para, first_token_width, join_wrapped, lines_to_paragraphs
from .grid import PTable, to_ir, doubt
from .page import PageContent, drop_running_lines
from .stitch import CellText, Stitcher, continuation_of


def page_ranges(pages: list[int]) -> str:
    """Sorted page numbers as ranges: ``[1, 2, 3, 5]`` → ``"1-3, 5"``."""
    out, i = [], 0
    while i < len(pages):
        j = i
        while j + 1 < len(pages) and pages[j + 1] == pages[j] + 1:
            j += 1
        out.append(str(pages[i]) if i == j else f"{pages[i]}-{pages[j]}")
        i = j + 1
    return ", ".join(out)


def build_document(path: Path, pages: list[PageContent], notes: list[str] | None = None) -> Document:
    """The pages of a PDF → the IR :class:`Document`; :class:`NeedsOCR` when no page has a text layer."""
    scanned = [p.number for p in pages if p.scanned]
    hidden = [p for p in pages if p.scan_reason]
    _need_text_layer(pages, scanned, hidden)
    drop_running_lines(pages)
    body_top, body_bottom = pages_to_paragraphs(pages)
    paras: dict = {}
    for p in pages:
        paras.update(p.last_paras)
    out = blocks_to_ir(pages_to_blocks(pages, CellText(paras), body_top, body_bottom))
    for b in out:
        if isinstance(b, Table):
            for t in b.walk():
                for c in t.cells:
                    _clipped(c, paras.get(id(c)))
    doc = Document(path=str(path), format="pdf", blocks=out, pages=len(pages))
    if scanned:
        doc.needs_ocr_pages = scanned
        doc.warnings.append(f"page{'s' if len(scanned) > 1 else ''} {page_ranges(scanned)} "
                            f"{'have' if len(scanned) > 1 else 'has'} no text layer (scanned): "
                            "their content is not extracted until OCR is available")
        if hidden:
            doc.warnings.append(f"read as scans: {_hidden(hidden)}")
    doc.warnings += notes or []
    return doc


def _need_text_layer(pages: list[PageContent], scanned: list[int], hidden: list[PageContent]) -> None:
    """:class:`NeedsOCR` when no page has a text layer, naming the scanned pages and why."""
    if scanned and not any(p.has_text for p in pages):
        if hidden:
            raise NeedsOCR(f"needs OCR: {_hidden(hidden)}")
        raise NeedsOCR(f"needs OCR: page{'s' if len(scanned) > 1 else ''} {page_ranges(scanned)} "
                       f"{'have' if len(scanned) > 1 else 'has'} no text layer")
    if not any(p.has_text for p in pages):
        raise NeedsOCR("needs OCR: the PDF has no text layer")


Size = tuple[int, int]  # a page size (pt, rounded): the text area is found per page size


def _size(p: PageContent) -> Size:
    return (round(p.width), round(p.height))


def pages_to_paragraphs(pages: list[PageContent]) -> tuple[dict[Size, float], dict[Size, float]]:
    """Find the text area of each page size and turn each page's loose lines into paragraphs (``items``;
    ``text_left`` / ``text_right`` set). Returns where the text area starts and ends, per page size."""
    body_top: dict[Size, float] = {}  # per page size: where the text area starts
    body_bottom: dict[Size, float] = {}  # ... and ends
    lefts: dict[Size, list[float]] = {}
    rights: dict[Size, list[float]] = {}
    for p in pages:
        key = _size(p)
        for it in p.items:
            if isinstance(it, PTable):
                top, bottom = it.bbox[1], it.bbox[3]
            else:
                top, bottom = it[0].top, it[-1].bottom
                lefts.setdefault(key, []).extend(l.x0 for l in it)
                # where lines end, not counting punctuation hanging past the margin
                rights.setdefault(key, []).extend(l.x1 for l in it if l.text[-1] not in PUNCT)
            body_top[key] = min(body_top.get(key, top), top)
            body_bottom[key] = max(body_bottom.get(key, bottom), bottom)
    table_right: dict[Size, float] = {}  # per page size: where tables end (they span the text area)
    for key in body_top:
        ends = sorted(it.bbox[2] for p in pages if _size(p) == key for it in p.items if isinstance(it, PTable))
        if ends:
            table_right[key] = ends[len(ends) // 2]
    for p in pages:
        key = _size(p)
        tabs = [it.bbox for it in p.items if isinstance(it, PTable)]
        left = min(lefts.get(key) or [b[0] for b in tabs] or [0.0])
        right = max(_margin(rights.get(key, [])) or 0.0, table_right.get(key, 0.0)) or p.width
        p.items = [it if isinstance(it, PTable) else lines_to_paragraphs(it, right, left=left) for it in p.items]
        p.items = [x for it in p.items for x in (it if isinstance(it, list) else [it])]
        p.text_left, p.text_right = left, right
    return body_top, body_bottom


def pages_to_blocks(pages: list[PageContent], text: CellText, body_top: dict[Size, float],
                    body_bottom: dict[Size, float]) -> list:
    """The pages' items in order: tables continuing on the next page stitched (a :class:`Stitcher` each),
    paragraphs running onto the next page joined (each paragraph gets its ``page``)."""
    blocks: list = []
    stitch: Stitcher | None = None
    prev_page = None
    for p in pages:
        for k, it in enumerate(p.items):
            if isinstance(it, PTable):
                at_top = k == 0 and prev_page is not None and prev_page.number == p.number - 1
                if (at_top and stitch is not None and blocks and blocks[-1] is stitch
                        and continuation_of(stitch.parts[0], stitch.parts[-1], it, _page_top(p, body_top))):
                    stitch.add(it)
                    continue
                stitch = Stitcher(it, text, body_bottom.get(_size(p), p.height))
                blocks.append(stitch)
            else:
                prev = blocks[-1] if blocks else None
                if (k == 0 and isinstance(prev, Para) and prev_page is not None and prev_page.items
                        and prev_page.items[-1] is prev and _wraps_page(prev, it, prev_page)):
                    prev.text = join_wrapped(prev.text, it.text, prev_page.text_right - prev.lines[-1].x1, it.size)
                    prev.lines.extend(it.lines)
                    continue
                setattr(it, "page", p.number)
                blocks.append(it)
        prev_page = p
    return blocks


def blocks_to_ir(blocks: list) -> list[Paragraph | Table]:
    """Stitchers and paragraphs → IR tables and paragraphs (doubtful characters make their block doubtful)."""
    out: list[Paragraph | Table] = []
    for b in blocks:
        if isinstance(b, Stitcher):
            if len(b.parts) > 1:
                cells = [c for part in b.parts for c in part.cells]
                t = b.table()
                _carry_doubt(cells, t)
                out.append(t)
            else:
                out.append(to_ir(b.parts[0]))
        else:
            para = Paragraph(text=b.text, page=b.page, bbox=(round(b.x0, 2), round(b.top, 2),
                                                             round(b.x1, 2), round(b.bottom, 2)))
            doubt(para, [c for ln in b.lines for c in ln.chars])
            out.append(para)
    return out


# a box whose text runs down to its bottom edge (last line within CLIPPED of a line height) and stops mid-sentence
# on a full line may hold more than is printed (Word clips a fixed-height box); the cell is doubtful
CLIPPED = 0.5
CLIPPED_CONF = 0.8
CLIPPED_LINES = 3  # only boxes holding several lines (a writing box; a two-line label cell fits by design)


def _clipped(cell, ps: list[Para] | None) -> None:  # noqa: ANN001
    if not ps or not cell.text or not cell.text.endswith(ps[-1].text) or not hasattr(ps[-1], "box"):
        return  # nothing printed, or text joined from the next page
    p, ln = ps[-1], ps[-1].lines[-1]
    box, n_lines = p.box
    if n_lines < CLIPPED_LINES or ln.bottom < box[3] - CLIPPED * ln.size or p.text[-1] in SENTENCE_END:
        return
    if box[2] - ln.x1 > 2.5 * ln.size:
        return  # a short last line: the text ended there
    cell.confidence = min(cell.confidence, CLIPPED_CONF)
    note = "PDF: the text fills its box to the bottom edge and stops mid-sentence: it may be cut off"
    if note not in cell.notes:
        cell.notes.append(note)


def _carry_doubt(cells: list, table: Table) -> None:
    """Cells of a stitched table's later parts that were joined into a cell above keep their doubt: the cell
    holding their text takes their confidence and notes."""
    kept = {id(c) for c in table.cells}
    for c in cells:
        if id(c) in kept or (c.confidence >= 1.0 and not c.notes) or not c.text.strip():
            continue
        key = "".join(c.text.split())[:12]
        for f in table.cells:
            if key and key in "".join(f.text.split()) and f.bbox and c.bbox \
                    and min(f.bbox[2], c.bbox[2]) - max(f.bbox[0], c.bbox[0]) > 0:
                f.confidence = min(f.confidence, c.confidence)
                f.notes += [n for n in c.notes if n not in f.notes]
                break


def _hidden(pages: list[PageContent]) -> str:
    """Pages whose text layer is not what is printed, grouped by reason."""
    by: dict[str, list[int]] = {}
    for p in pages:
        by.setdefault(p.scan_reason, []).append(p.number)
    return "; ".join(f"page{'s' if len(n) > 1 else ''} {page_ranges(n)}: {why}" for why, n in by.items())


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
    return prev_page.text_right - a.x1 < first_token_width(b, a) - 0.02 * max(a.size, b.size)
