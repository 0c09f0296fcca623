"""Which form is this, and which edition: each map scored by its title lines and distinctive keywords found
in the document's own text (or, for a page without its title, by the labels it shares with a form); the
edition's year shift decided from the years the document prints."""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..errors import MapError, UnknownTemplate
from ..ir import Document, Paragraph
from ..maps import keyword_weights
from ..maps.spec import TableMap
from ..text import canon, shift_years, years

MIN_TEMPLATE_SCORE = 0.45
MIN_MARGIN = 0.1


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
