"""Where each section of the edition's map is in the document: found by its heading (a body paragraph or a
full-width title row), searched in map order; a section whose heading is missing is found by the labels it
contains. Nothing here uses a row or column index from the blank form."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..ir import Document, Paragraph, Table
from ..maps.spec import Section, TableMap
from ..records import Region, Scope
from ..text import canon, line_score
from ..thresholds import LABEL_SURE

HEADING_OK = 0.86
TOP_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")


# ---------------------------------------------------------------- section scopes
@dataclass
class _Pos:
    block: int
    row: int  # -1 for a paragraph
    text: str


def _positions(doc: Document) -> list[_Pos]:
    out: list[_Pos] = []
    for i, b in enumerate(doc.blocks):
        if isinstance(b, Paragraph):
            if b.text.strip():
                out.append(_Pos(i, -1, b.text))
        else:
            for r in range(b.n_rows):
                if b.is_full_width(r):
                    out.append(_Pos(i, r, b.row_cells(r)[0].text))
    return out


def heading_score(text: str, heading: str) -> float:
    s = line_score(text, heading)
    ct, ch = canon(text), canon(heading)
    if len(ch) >= 4 and ct.startswith(ch) and s < 0.95:
        s = 0.95
    return s


def locate_sections(doc: Document, m: TableMap) -> list[Scope]:
    """Where each section of ``m`` is in ``doc``, in map order. ``m`` is the map of the document's edition
    (:attr:`Identified.edition_map`: every year already moved)."""
    pos = _positions(doc)
    starts: list[tuple[int, Scope]] = []  # (position index, scope)
    fallback: list[Scope] = []
    cursor = 0
    for s in m.sections:
        heads = [s.table, *s.match]
        if s.occurrence > 1 or s.followed_by:  # a heading printed several times: the map says which print
            found = _find_heading_print(doc, pos, heads, s.occurrence, s.followed_by)
        else:
            found = _find_heading(pos, heads, cursor)
        if found is None:
            sc = _by_labels(doc, s)
            fallback.append(sc)
            continue
        k, sc_ = found
        p = pos[k]
        sc = Scope(section=s, heading=p.text, heading_score=sc_)
        b = doc.blocks[p.block]
        if isinstance(b, Table):
            box = b.row_cells(p.row)[0]
            if box.tables and canon(box.text) not in {canon(h) for h in heads}:
                # the heading is a line inside a writing box that holds a nested table: the section is that table
                sc.regions = [Region(t, 0, t.n_rows) for t in box.tables]
                fallback.append(sc)
                continue
        if isinstance(b, Paragraph):
            sc.heading_paragraph = b
        else:
            sc.heading_cell = b.row_cells(p.row)[0]
        starts.append((k, sc))
        cursor = k + 1
    starts.sort(key=lambda x: x[0])
    for k, sc in starts:
        # sections sharing one heading (a form part and a grid part of one table) share its scope
        end_k = next((k2 for k2, o in starts if k2 > k and o.section.table != sc.section.table), None)
        _fill_scope(doc, pos, k, end_k, sc)
    scopes = [sc for _, sc in starts] + fallback
    order = {id(s): i for i, s in enumerate(m.sections)}
    scopes.sort(key=lambda sc: order[id(sc.section)])
    return scopes


def _find_heading(pos: list[_Pos], heads: list[str], cursor: int) -> tuple[int, float] | None:
    for lo, hi in ((cursor, len(pos)), (0, cursor)):
        best: tuple[int, float] | None = None
        for k in range(lo, hi):
            sc = max(heading_score(pos[k].text, h) for h in heads)
            if sc >= LABEL_SURE:
                return k, sc
            if sc >= HEADING_OK and (best is None or sc > best[1]):
                best = (k, sc)
        if best:
            return best
    return None


FOLLOW_BLOCKS = 3  # at most this many blocks after a heading print are searched for its `followed_by` labels


def _after(doc: Document, pos: list[_Pos], k: int) -> str:
    """Text printed after the heading print ``pos[k]`` up to the next heading print (at most FOLLOW_BLOCKS
    blocks): the rest of its table, the paragraphs and tables that follow."""
    p = pos[k]
    nxt = pos[k + 1] if k + 1 < len(pos) else None
    parts: list[str] = []
    for i in range(p.block, min(len(doc.blocks), p.block + 1 + FOLLOW_BLOCKS)):
        if nxt is not None and (i > nxt.block or (i == nxt.block and nxt.row < 0)):
            break
        b = doc.blocks[i]
        if isinstance(b, Paragraph):
            if i > p.block:
                parts.append(b.text)
            continue
        for t in b.walk():
            for c in t.cells:
                if (i > p.block or c.row > p.row) and not (nxt is not None and i == nxt.block and c.row >= nxt.row):
                    parts.append(c.text)
    return canon("\n".join(parts))


def _find_heading_print(doc: Document, pos: list[_Pos], heads: list[str], occurrence: int,
                        followed_by: list[str]) -> tuple[int, float] | None:
    """The ``occurrence``-th print of a heading (reading order, whole document), counting only prints followed
    (before the next heading, within :data:`FOLLOW_BLOCKS` blocks) by every ``followed_by`` label."""
    prints = [(k, max(heading_score(pos[k].text, h) for h in heads)) for k in range(len(pos))]
    prints = [(k, sc) for k, sc in prints if sc >= HEADING_OK]
    if followed_by:
        want = [canon(a) for a in followed_by]
        prints = [(k, sc) for k, sc in prints if all(w in _after(doc, pos, k) for w in want)]
    return prints[occurrence - 1] if len(prints) >= occurrence else None


def _fill_scope(doc: Document, pos: list[_Pos], k: int, end_k: int | None, sc: Scope) -> None:
    start = pos[k]
    end = pos[end_k] if end_k is not None else None
    in_table = start.row >= 0
    for i in range(start.block, len(doc.blocks)):
        if end is not None and (i > end.block or (i == end.block and end.row < 0)):
            break
        b = doc.blocks[i]
        if isinstance(b, Paragraph):
            if i == start.block:
                continue
            if in_table:
                if not b.text.strip():
                    continue  # an empty paragraph between a table and its continuation
                break  # a heading row's section ends with its table
            if sc.section.ends_at_top_heading and TOP_HEADING.match(b.text) and i > start.block:
                break
            sc.paragraphs.append(b)
            continue
        if in_table and i > start.block and (b.n_cols != doc.blocks[start.block].n_cols or b.is_full_width(0)):
            break  # not a continuation of the heading's table (other grid, or a new titled table)
        r0 = start.row + 1 if i == start.block else 0
        r1 = end.row if (end is not None and i == end.block) else b.n_rows
        if r1 > r0:
            sc.regions.append(Region(b, r0, r1))


def _by_labels(doc: Document, s: Section) -> Scope:
    labels = s.labels()
    best: tuple[float, Table | None] = (0.0, None)
    for b in doc.tables():
        for t in b.walk():
            texts = {canon(c.text) for c in t.cells}
            lines = [canon(x) for c in t.cells for x in c.text.splitlines()]
            hits = sum(1 for lab in labels if canon(lab) in texts or canon(lab) in lines)
            frac = hits / max(1, len(labels))
            if hits >= 2 and frac > best[0]:
                best = (frac, t)
    sc = Scope(section=s, heading=None, heading_score=0.0)
    if best[1] is not None:
        sc.regions.append(Region(best[1], 0, best[1].n_rows))
        sc.heading_score = best[0]
    return sc
