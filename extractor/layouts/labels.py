"""Finding places by their labels, shared by the layouts: label paths (a group label, then a sub-label to its
right or below), the n-th print of a label, the cell right of a label, the issuer's placeholder text."""
from __future__ import annotations

from ..ir import Cell, Table
from ..maps.spec import FieldSpec
from ..records import TC, Hit, Scope
from ..text import canon, line_score

LABEL_OK = 0.8  # a cell scoring this well against a label carries it


def _cands(pool: list[TC], label: str) -> list[tuple[TC, float]]:
    scored = [((t, c), line_score(c.text, label)) for t, c in pool if c.text.strip()]
    scored = [x for x in scored if x[1] >= LABEL_OK]
    if not scored:
        return []
    top = max(s for _, s in scored)
    return [x for x in scored if x[1] >= top - 0.02]


def _right_of(t: Table, c: Cell) -> list[TC]:
    return [(t, x) for x in t.cells if c.row <= x.row <= c.last_row and x.col > c.last_col]


def _below(t: Table, c: Cell) -> list[TC]:
    return [(t, x) for x in t.cells if x.row > c.last_row and c.col <= x.col <= c.last_col]


def find_path(pool: list[TC], path: str, direction: str = "right") -> list[tuple[TC, float]]:
    """All cells carrying the last segment of ``path`` under its parents, in reading order."""
    if not path:
        return []
    segs = merge_segments(path.split("/"))
    cur = [x for x in _cands(pool, path) if x[1] >= 0.999] if len(segs) > 1 else []  # a label containing '/'
    if cur:
        segs = [path]
    else:
        cur = _cands(pool, segs[0])
    for seg in segs[1:]:
        nxt: list[tuple[TC, float]] = []
        for (t, c), s in cur:
            sub = _right_of(t, c) if direction == "right" else _below(t, c)
            found = _cands(sub, seg)
            if not found and direction == "right":
                found = _cands(_below(t, c) if c.colspan > 1 else [], seg)
            nxt += [(tc, min(s, s2)) for tc, s2 in found]
        cur = nxt
    uniq: dict[int, tuple[TC, float]] = {}
    for (t, c), s in cur:
        key = id(c)
        if key not in uniq or uniq[key][1] < s:
            uniq[key] = ((t, c), s)
    return sorted(uniq.values(), key=lambda x: (reading_order(x[0]), ))


def merge_segments(segs: list[str]) -> list[str]:
    """Re-join '/' that belongs to a label (e.g. '吨二氧化碳/万元' inside brackets)."""
    out: list[str] = []
    depth = 0
    for s in segs:
        if out and depth > 0:
            out[-1] += "/" + s
        else:
            out.append(s)
        depth += s.count("（") + s.count("(") - s.count("）") - s.count(")")
        depth = max(depth, 0)
    return out


def reading_order(tc: TC) -> tuple[int, int, int]:
    t, c = tc
    return (t.index, c.row, c.col)


def locate_one(scope: Scope, path: str, occurrence: int, expected: int = 1) -> tuple[TC | None, float, list[str]]:
    """The ``occurrence``-th cell carrying ``path`` in the scope. ``expected``: how many times the map has this
    label in the section; when fewer are found, which answer is which is a guess (one row's label unread, the
    next row's answer would take its place): the hit carries a reason, so it is never ``ok`` by order alone."""
    pool = scope.pool()
    found = find_path(pool, path)
    reasons: list[str] = []
    if not found and "/" in path:
        leaf = path.split("/")[-1]
        found = find_path(pool, leaf)
        if found:
            reasons.append(f"group label of {path!r} not found; matched by {leaf!r} alone")
            found = [(tc, s * 0.85) for tc, s in found]
    if len(found) < occurrence:
        return None, 0.0, reasons
    if len(found) < expected:
        reasons.append(f"label {path!r} is in the map {expected} times but found {len(found)} times here: "
                       f"which row answers which is not sure")
    tc, s = found[occurrence - 1]
    return tc, s, reasons


def right_cell(t: Table, c: Cell) -> Cell | None:
    return t.at(c.row, c.last_col + 1)


def strip_hint(text: str, hint: str | None) -> str:
    """Drop the issuer's placeholder; a short hint (e.g. '协会') may be part of the typed value, so only whole."""
    if not hint:
        return text
    ch = canon(hint)
    if canon(text) == ch:
        return ""
    if len(ch) >= 6 and canon(text).startswith(ch):
        return text.strip()[len(hint.strip()):].strip() if text.strip().startswith(hint.strip()) else text
    return text


def field_hit(sc: Scope, f: FieldSpec) -> Hit:
    """The hit of a single place before it is read: its reported labels, period, type and options."""
    return Hit(
        id=f.id, table=sc.section.table, row_label=f.row_label if f.row_label is not None else f.label,
        column_label=f.column_label or None, kind=f.kind, raw=None,
        period=f.period if f.period is not None else sc.section.period, vtype=f.type, unit=f.unit,
        required=f.required, options=list(f.options), multi=f.multi,
    )
