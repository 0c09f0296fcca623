"""Which template is this, which edition, and where is each section of its map.

Identification scores each map by its title lines and distinctive keywords found
in the document's own text. Sections are found by their headings (a body
paragraph or a full-width title row), searched in map order; a section whose
heading is missing is found by the labels it contains. Nothing here uses a
row or column index from the blank form.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .errors import MapError, UnknownTemplate
from .ir import Document, Paragraph, Table
from .maps import keyword_weights
from .mapspec import Section, TableMap
from .records import Region, Scope
from .text import canon, line_score, shift_years, years
from .thresholds import LABEL_SURE

MIN_TEMPLATE_SCORE = 0.45
MIN_MARGIN = 0.1
HEADING_OK = 0.86
TOP_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")


# ---------------------------------------------------------------- identification
@dataclass
class Identified:
    map: TableMap
    score: float
    year_shift: int
    ranking: list[tuple[str, float]]
    shift_tied: tuple[int, ...] = ()  # year shifts the evidence could not tell apart (flag, never pick silently)

    @property
    def edition_map(self) -> TableMap:
        """The map of the document's edition (every year moved by ``year_shift``): what the later stages read."""
        return self.map.shifted(self.year_shift)


def map_named(maps: tuple[TableMap, ...], template: str) -> TableMap:
    """The map of ``template`` among ``maps``; :class:`MapError` if there is none."""
    for m in maps:
        if m.template == template:
            return m
    raise MapError(f"no map for template {template!r}")


def identify_forced(doc: Document, m: TableMap) -> Identified:
    """The template named by the user: skip identification, still detect the edition's year shift."""
    lines = doc_lines(doc)
    shift, tied = decide_year_shift(m, set(years("\n".join(lines))), set(lines))
    return Identified(m, 1.0, shift, [(m.template, 1.0)], tied)


def doc_lines(doc: Document) -> list[str]:
    """Canonical non-empty lines of the whole document (paragraphs and cells, nested too)."""
    out: list[str] = []
    for line in doc.all_text().splitlines():
        c = canon(line)
        if c:
            out.append(c)
    return out


def _found(key: str, lines: list[str], lineset: set[str], joined: str) -> float:
    k = canon(key)
    if not k:
        return 0.0
    if k in lineset:
        return 1.0
    best = process.extractOne(k, lines, scorer=fuzz.ratio, score_cutoff=70)
    partial = 1.0 if k in joined else 0.0
    return max(partial * 0.95, (best[1] / 100.0) if best else 0.0)


def identify(doc: Document, maps: tuple[TableMap, ...]) -> Identified:
    lines = doc_lines(doc)
    lineset = set(lines)
    joined = "\n".join(lines)
    doc_years = set(years("\n".join(lines)))
    ranking: list[tuple[TableMap, float, int]] = []
    tied: dict[str, tuple[int, ...]] = {}
    for m in maps:
        shift, tied[m.template] = decide_year_shift(m, doc_years, lineset)
        title = max(_found(shift_years(t, shift), lines, lineset, joined) for t in m.identify.titles)
        kw = [_found(shift_years(k, shift), lines, lineset, joined) for k in m.identify.keywords]
        # evidence counts only as far as it is distinctive: a keyword another map prints too weighs 1/n
        weights = keyword_weights(maps)[m.template]
        kscore = sum((1.0 if s >= 0.9 else s * 0.5) * w for s, w in zip(kw, weights)) / len(kw)
        ranking.append((m, round(0.3 * title + 0.7 * kscore, 3), shift))
    ranking.sort(key=lambda x: -x[1])
    named = [(m.template, s) for m, s, _ in ranking]
    weak = not ranking or ranking[0][1] < MIN_TEMPLATE_SCORE
    close = len(ranking) > 1 and ranking[0][1] - ranking[1][1] < MIN_MARGIN
    if (weak or close) and ranking:
        # no title and few keywords (a single page, a part of a return): the form's own labels decide
        by_labels = _identify_by_labels(doc, [(m, shift) for m, _, shift in ranking])
        if by_labels is not None:
            by_labels.shift_tied = tied[by_labels.map.template]
            return by_labels
    if weak:
        raise UnknownTemplate(f"not a known form (best match {named[0][0]} scored {named[0][1]:.2f})" if named
                              else "no layout maps loaded")
    if close:
        raise UnknownTemplate(f"ambiguous form: {named[0][0]} {named[0][1]:.2f} vs {named[1][0]} {named[1][1]:.2f}")
    m, s, shift = ranking[0]
    return Identified(m, s, shift, named, tied[m.template])


LABEL_MIN_HITS = 4.0  # weighted labels a page must share with a form to be read as that form
LABEL_MARGIN = 2.0  # ... and this many times more than with any other form


_MEMO: dict[tuple[int, str, int], tuple[TableMap, object]] = {}


def _memo(kind: str, m: TableMap, shift: int, make):  # noqa: ANN001, ANN202
    """Per-map results (maps are loaded once and never changed): keyed by the map object, kept alive with it."""
    key = (id(m), kind, shift)
    got = _MEMO.get(key)
    if got is None or got[0] is not m:
        got = _MEMO[key] = (m, make())
    return got[1]


def _map_labels(m: TableMap, shift: int) -> set[str]:
    """Canonical headings and labels of a map (years moved by ``shift``), four characters or longer."""
    return _memo("labels", m, shift, lambda: _labels_of(m, shift))


def _labels_of(m: TableMap, shift: int) -> set[str]:
    out: set[str] = set()
    for s in m.sections:
        for x in [s.table, *s.match, *s.labels()]:
            c = canon(shift_years(x, shift))
            if len(c) >= 4:
                out.add(c)
    return out


def _identify_by_labels(doc: Document, cands: list[tuple[TableMap, int]]) -> Identified | None:
    """Score each form by the section headings and labels of its map found in the document (each label
    weighted by 1 / the number of forms that print it), for pages without the title or keywords."""
    texts: set[str] = set(doc_lines(doc))
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            texts.add(canon(b.text))
        else:
            for t in b.walk():
                texts.update(canon(c.text) for c in t.cells)
    texts.discard("")
    labels = {m.template: _map_labels(m, shift) for m, shift in cands}
    owners: dict[str, set[str]] = {}
    for tid, ls in labels.items():
        for x in ls:
            owners.setdefault(x, set()).add(tid)
    every = list(owners)
    found: set[str] = set()
    for t in texts:  # each text counts for the label it matches best (near-identical wordings differ by form)
        if t in owners:
            found.add(t)
            continue
        best = process.extractOne(t, every, scorer=fuzz.ratio, score_cutoff=90)
        if best is not None:
            found.add(best[0])
    got: dict[str, float] = {}
    for lab in found:
        for tid in owners[lab]:
            got[tid] = got.get(tid, 0.0) + 1.0 / len(owners[lab])
    scores = sorted(((m, got.get(m.template, 0.0), shift) for m, shift in cands), key=lambda x: -x[1])
    best = scores[0]
    second = scores[1][1] if len(scores) > 1 else 0.0
    if best[1] < LABEL_MIN_HITS or best[1] < LABEL_MARGIN * second:
        return None
    named = [(m.template, round(g / (best[1] + second), 3)) for m, g, _ in scores]
    return Identified(best[0], named[0][1], best[2], named)


def map_years(m: TableMap) -> set[int]:
    """Every year written anywhere in the map (labels, guidance, periods)."""
    return _memo("years", m, 0, lambda: set(years(m.model_dump_json())))


MAX_YEAR_SHIFT = 5  # editions this many years before or after the map's are recognised


def decide_year_shift(m: TableMap, doc_years: set[int], lines: set[str]) -> tuple[int, tuple[int, ...]]:
    """The year shift of the document's edition against the map, and the shifts it could not rule out.

    Evidence, in order: how many of the map's years (shifted) the document contains; then how many
    of the map's year-bearing labels, shifted, stand in the document as whole lines (``lines``:
    canonical lines, :func:`doc_lines`). When shifts still tie, the one nearest 0 is returned with
    the tied shifts as the second item, so that the caller flags every value with a year instead
    of silently picking (issue 8, item 4). Returns ``(0, ())`` when either side has no years.
    """
    my = map_years(m)
    if not my or not doc_years:
        return 0, ()
    hits = {d: len({y + d for y in my} & doc_years) for d in range(-MAX_YEAR_SHIFT, MAX_YEAR_SHIFT + 1)}
    top = max(hits.values())
    cands = [d for d, h in hits.items() if h == top]
    if len(cands) > 1:
        by_label = {d: len({x for x in _map_labels(m, d) if years(x)} & lines) for d in cands}
        best = max(by_label.values())
        cands = [d for d in cands if by_label[d] == best]
    cands.sort(key=lambda d: (abs(d), d))
    return cands[0], (tuple(cands) if len(cands) > 1 else ())


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
