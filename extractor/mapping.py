"""Map labels to places: every field of a located section → the raw text found for it.

This stage finds cells by their labels (fuzzy), walks label paths (a group label,
then a sub-label to its right or below), and reads grids, record lists, fill-in
templates, tick boxes and narratives. It parses nothing: each place becomes a
:class:`Hit` with the raw text, where it came from and how sure the label match was.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate

from rapidfuzz import fuzz, process

from .ir import Cell, Paragraph, Table
from .locate import Scope
from .mapspec import (
    ColumnSpec,
    FieldSpec,
    FormSection,
    GridSection,
    ListSection,
    NarrativeSection,
    ParagraphSection,
)
from .normalize import BOXES, is_blank
from .text import canon, line_score, shift_years, squash, years

LABEL_OK = 0.8
SEAL = re.compile(r"[（(]\s*(?:单位)?(?:盖章|公章|签字|签章)\s*[)）]")
DATE_BLANK = re.compile(r"^\s*(\d{4})?\s*年\s*(\d{1,2})?\s*月\s*(\d{1,2})?\s*日\s*$")
DATE_VALUE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?")


@dataclass
class Hit:
    """A place of the map and what the document holds there (raw, unparsed)."""

    id: str
    table: str
    row_label: str
    column_label: str | None
    kind: str
    raw: str | None
    cell: Cell | None = None
    paragraph: Paragraph | None = None
    label_score: float = 1.0
    period: int | str | None = None
    vtype: str | None = None
    unit: str | None = None
    required: bool = True
    options: list[str] = field(default_factory=list)
    multi: bool = False
    reasons: list[str] = field(default_factory=list)
    penalty: float = 1.0
    role: str = "value"  # grid: value | growth | evidence
    group: str | None = None  # grid row key (for cross-field rules)


@dataclass
class ListHit:
    id: str
    table: str
    columns: list[str]
    rows: list[list[Hit]]
    totals: list[Hit]
    reasons: list[str] = field(default_factory=list)


@dataclass
class TextHit:
    id: str
    table: str
    row_label: str
    column_label: str | None
    heading: str
    text: str | None
    limit: int | None
    required: bool
    page: int | None
    score: float
    reasons: list[str] = field(default_factory=list)
    source: float = 1.0  # lowest source confidence of the cells / paragraphs read (1.0 for a text layer)


@dataclass
class Mapped:
    hits: list[Hit] = field(default_factory=list)
    lists: list[ListHit] = field(default_factory=list)
    texts: list[TextHit] = field(default_factory=list)


# ---------------------------------------------------------------- label paths
TC = tuple[Table, Cell]


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


def _inside(t: Table, c: Cell) -> list[TC]:
    """The cell itself: a sub-label may be a line of the parent's own box (e.g. '…工作：□…')."""
    return [(t, c)]


def find_path(pool: list[TC], path: str, shift: int, direction: str = "right") -> list[tuple[TC, float]]:
    """All cells carrying the last segment of ``path`` under its parents, in reading order."""
    if not path:
        return []
    path = shift_years(path, shift)
    segs = _merge_segments(path.split("/"))
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
    return sorted(uniq.values(), key=lambda x: (_order(x[0]), ))


def _merge_segments(segs: list[str]) -> list[str]:
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


def _order(tc: TC) -> tuple[int, int, int]:
    t, c = tc
    return (t.index, c.row, c.col)


def _pool(scope: Scope) -> list[TC]:
    out: list[TC] = []
    for r in scope.regions:
        out += [(r.table, c) for c in r.cells() if c is not scope.heading_cell]
    return out


def locate_one(scope: Scope, path: str, occurrence: int, shift: int,
               expected: int = 1) -> tuple[TC | None, float, list[str]]:
    """The ``occurrence``-th cell carrying ``path`` in the scope. ``expected``: how many times the map has this
    label in the section; when fewer are found, which answer is which is a guess (one row's label unread, the
    next row's answer would take its place): the hit carries a reason, so it is never ``ok`` by order alone."""
    pool = _pool(scope)
    found = find_path(pool, path, shift)
    reasons: list[str] = []
    if not found and "/" in path:
        leaf = path.split("/")[-1]
        found = find_path(pool, leaf, shift)
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


# ---------------------------------------------------------------- fill-in templates
def fill_regex(template: str) -> re.Pattern[str]:
    pre, suf = template.split("{}")
    gap = r"[\s_\u3000]*"

    def lit(s: str) -> str:
        s = s.replace(":", "：")
        return gap.join(re.escape(ch) for ch in s if not ch.isspace())

    body = lit(pre) + gap + r"(.*?)" + gap
    body += lit(suf) if suf.strip() else r"$"
    return re.compile(body, re.S | re.M if not suf.strip() else re.S)


def apply_fill(text: str, template: str) -> str | None:
    t = text.replace(":", "：")
    m = fill_regex(template).search(t)
    if not m:
        return None
    return m.group(1).strip(" \t\u3000_\n")


def literal_lines(template: str) -> list[str]:
    return [x for x in re.split(r"\{\}|\n", template) if x.strip()]


# ---------------------------------------------------------------- sections
def map_sections(scopes: list[Scope], shift: int, edition_year: int) -> Mapped:
    out = Mapped()
    for sc in scopes:
        s = sc.section
        if isinstance(s, FormSection):
            out.hits += [_form_field(sc, f, shift) for f in s.fields]
        elif isinstance(s, ParagraphSection):
            out.hits += [_paragraph_field(sc, f, shift) for f in s.fields]
        elif isinstance(s, GridSection):
            out.hits += _grid(sc, s, shift)
        elif isinstance(s, ListSection):
            out.lists.append(_list(sc, s, shift, [x.section for x in scopes if isinstance(x.section, ListSection)]))
        elif isinstance(s, NarrativeSection):
            out.texts.append(_narrative(sc, s, shift))
    _read_nested(out, {id(r.table) for sc in scopes for r in sc.regions})
    return out


def _read_nested(out: Mapped, sections: set[int]) -> None:
    """A value typed into a table nested inside an otherwise empty value cell is that cell's value (unless the
    nested table is itself a mapped section); text from several nested cells is joined and flagged."""
    for h in out.hits + [h for lh in out.lists for row in lh.rows + [lh.totals] for h in row]:
        c = h.cell
        if c is None or h.raw is None or not c.tables or c.text.strip():
            continue
        inner = [t for top in c.tables for t in top.walk()]
        if any(id(t) in sections for t in inner):
            continue
        texts = [x.text.strip() for t in inner for x in t.cells if x.text.strip()]
        if texts:
            h.raw = "\n".join(texts)
            if len(texts) > 1:
                h.reasons.append(f"value read from {len(texts)} cells of a table nested in the value cell")


def _base_hit(sc: Scope, f: FieldSpec, shift: int) -> Hit:
    return Hit(
        id=f.id, table=shift_years(sc.section.table, shift),
        row_label=shift_years(f.row_label if f.row_label is not None else f.label, shift),
        column_label=shift_years(f.column_label, shift) if f.column_label else None, kind=f.kind, raw=None,
        period=f.period if f.period is not None else sc.section.period, vtype=f.type, unit=f.unit,
        required=f.required, options=list(f.options), multi=f.multi,
    )


def _form_field(sc: Scope, f: FieldSpec, shift: int) -> Hit:
    h = _base_hit(sc, f, shift)
    twins = max((g.occurrence for g in sc.section.fields if g.label == f.label), default=1)
    tc, score, reasons = locate_one(sc, f.label, f.occurrence, shift, twins)
    h.reasons += reasons
    if tc is None:
        h.reasons.append(f"label {f.label!r} not found in the table")
        h.label_score = 0.0
        return h
    t, lab = tc
    h.label_score = score
    if f.kind == "check":
        cell = lab if _has_boxes(lab.text, f.options) else right_cell(t, lab)
        h.cell, h.raw = cell, cell.text if cell else None
        return h
    if f.kind in ("signature",) or (f.kind == "narrative" and f.column_label):
        return _signature(h, t, lab, f)
    if f.in_label_cell:
        cell = lab
    else:
        cell = right_cell(t, lab)
    if cell is None:
        h.reasons.append("no cell to the right of the label")
        return h
    h.cell = cell
    text = cell.text
    if f.fill:
        got = apply_fill(fill_segment(text, f.label.split("/")[-1], fill_labels(sc.section.fields)), f.fill)
        if got is None:
            rest = text
            for lit in literal_lines(f.fill) + ([f.label.split("/")[-1]] if f.in_label_cell else []):
                rest = rest.replace(lit.strip(), "")
            rest = SEAL.sub("", rest).strip(" \t\u3000_\n：:")
            rest = re.sub(r"[（(]需[^）)]*[)）]", "", rest).strip()
            if rest:
                h.reasons.append(f"fill-in text {f.fill!r} not found; read the whole cell")
                h.penalty *= 0.8
            got = rest
        h.raw = got
    elif f.kind == "narrative":
        h.raw = strip_guidance(text, [shift_years(g, shift) for g in f.guidance])
    else:
        h.raw = _strip_hint(text, f.hint)
    if not f.in_label_cell and cell is not None and _looks_like_label(sc, cell, f):
        h.reasons.append("the cell right of the label holds another label: value cell missing?")
        h.raw = None
    return h


def _looks_like_label(sc: Scope, cell: Cell, f: FieldSpec) -> bool:
    if not cell.text.strip() or not isinstance(sc.section, FormSection):
        return False
    ct = canon(cell.text)
    for g in sc.section.fields:
        if g is f:
            continue
        for seg in g.label.split("/"):
            if canon(seg) == ct and len(ct) >= 2:
                return True
    return False


def _strip_hint(text: str, hint: str | None) -> str:
    """Drop the issuer's placeholder; a short hint (e.g. '协会') may be part of the typed value, so only whole."""
    if not hint:
        return text
    ch = canon(hint)
    if canon(text) == ch:
        return ""
    if len(ch) >= 6 and canon(text).startswith(ch):
        return text.strip()[len(hint.strip()):].strip() if text.strip().startswith(hint.strip()) else text
    return text


def _has_boxes(text: str, options: list[str]) -> bool:
    return any(ch in BOXES for ch in text) and any(canon(o) in canon(text) for o in options)


def _signature(h: Hit, t: Table, lab: Cell, f: FieldSpec) -> Hit:
    """A signature box: the label's own cell when it holds the 年 月 日 line, else the cell right or below."""
    cands = [lab, right_cell(t, lab), t.at(lab.last_row + 1, lab.col)]
    cell = next((c for c in cands if c is not None and ("年" in c.text and "日" in c.text)), None)
    if cell is None:
        cell = next((c for c in cands[1:] if c is not None), lab)
    h.cell = cell
    if f.kind == "signature":
        m = DATE_VALUE.search(cell.text)
        h.raw = m.group(0) if m else ""
        return h
    lines = []
    label_leaf = f.label.split("/")[-1]
    for line in cell.text.splitlines():
        s = line.strip()
        if not s or line_score(s, label_leaf) >= 0.85 or SEAL.fullmatch(s) or DATE_BLANK.match(s):
            continue
        s = SEAL.sub("", s)
        s = re.sub(r"^.*?(签字|盖章|公章)[)）]?[：:]\s*", "", s) if canon(label_leaf) in canon(s) else s
        if s.strip():
            lines.append(s.strip())
    h.raw = strip_guidance("\n".join(lines), f.guidance)
    return h


def _paragraph_field(sc: Scope, f: FieldSpec, shift: int) -> Hit:
    h = _base_hit(sc, f, shift)
    template = shift_years(f.fill or (f.label + "：{}"), shift)
    labels = [shift_years(x, shift) for x in fill_labels(sc.section.fields)]
    own = shift_years(f.label, shift)
    paras = ([sc.heading_paragraph] if sc.heading_paragraph else []) + sc.paragraphs
    texts = [(p, colon_for_gap(p.text, labels)) for p in paras] + [(None, t) for t in _cell_lines(sc, [own, *labels])]
    for n, (p, text) in enumerate(texts):
        got = apply_fill(fill_segment(text, own, labels), template)
        if got is not None:
            h.paragraph = p
            h.raw = got
            return h
    h.reasons.append(f"line {template!r} not found")
    h.label_score = 0.0
    return h


def fill_labels(fields: list[FieldSpec]) -> list[str]:
    """The labels that open a fill-in (``集群名称：{}`` → ``集群名称``): where one of them stands in a line,
    the blank before it has ended (two fill-ins printed on one line)."""
    out: list[str] = []
    for f in fields:
        pre = (f.fill or "").split("{}")[0].rstrip(" \u3000_")
        if pre[-1:] in ("：", ":") and pre[:-1].strip():
            out.append(pre[:-1].strip())
    return out


def _label_at(label: str) -> re.Pattern[str]:
    gap = r"[\s_\u3000]*"
    return re.compile(gap.join(re.escape(ch) for ch in label.replace(":", "：") if not ch.isspace()) + gap + "：")


def fill_segment(text: str, own: str, labels: list[str]) -> str:
    """The part of a line that belongs to the fill-in labelled ``own``: from ``own：`` up to the next other
    fill-in label with its colon (``集群名称：X　所属地区（盟市）：Y`` → ``集群名称：X　``). A line without
    ``own：`` is returned whole (the fill-in's template decides)."""
    t = text.replace(":", "：")
    m = _label_at(own).search(t)
    if m is None:
        return text
    end = len(t)
    for lab in labels:
        if canon(lab) == canon(own):
            continue
        n = _label_at(lab).search(t, m.end())
        if n is not None:
            end = min(end, n.start())
    return t[m.start():end]


def _cell_lines(sc: Scope, labels: list[str]) -> list[str]:
    """Texts of the scope's cells; a cell holding only a fill-in label (a cover line re-typed as a row of
    label and value cells) is read together with the cell to its right, as ``label：value``."""
    wanted = {canon(x) for x in labels}
    out: list[str] = []
    for r in sc.regions:
        for c in r.cells():
            nxt = right_cell(r.table, c)
            if nxt is not None and canon(c.text) in wanted:
                out.append(c.text.strip().rstrip("：:") + "：" + nxt.text.strip())
            else:
                out.append(c.text)
    return out


_WIDE_GAP = re.compile(r"^[ \t]{2,}|^\u3000+")


def colon_for_gap(text: str, labels: list[str]) -> str:
    """A line that starts with a fill-in label followed by a wide gap instead of the colon (a cover line
    re-typed as a borderless table: ``集群名称    X``) is read as ``集群名称：X``. Other text is returned as is."""
    t = text.lstrip()
    for lab in labels:
        k = len(lab)
        if t.startswith(lab) and _WIDE_GAP.match(t[k:]):
            return lab + "：" + t[k:].strip()
    return text


# ---------------------------------------------------------------- grids and lists
@dataclass
class _Col:
    spec: ColumnSpec
    table: Table
    cell: Cell
    score: float
    label: str  # as found (years shifted)


def _find_columns(pool: list[TC], cols: list[ColumnSpec], shift: int) -> tuple[list[_Col | None], list[str]]:
    """Header cells of the columns, taken from the one header band where most of them stand together."""
    cands = [find_path(pool, c.label, shift, direction="below") for c in cols]
    bands: dict[tuple[int, int], int] = {}
    for found in cands:
        for key in {(t.index, c.row) for (t, c), _ in found}:
            bands[key] = 0
    for key in bands:
        bands[key] = sum(1 for found in cands if any(_in_band(tc, key) for tc, _ in found))
    best = max(bands, key=lambda k: (bands[k], -k[0], -k[1])) if bands else None
    out: list[_Col | None] = []
    reasons: list[str] = []
    used: set[int] = set()
    for c, found in zip(cols, cands):
        found = [x for x in found if id(x[0][1]) not in used]
        pick = next((x for x in found if best and _in_band(x[0], best)), None)
        if pick is None:
            out.append(None)
            reasons.append(f"column {c.label!r} not found")
            continue
        (t, cell), s = pick
        used.add(id(cell))
        out.append(_Col(c, t, cell, s, shift_years(c.label, shift)))
    return out, reasons


def _in_band(tc: TC, key: tuple[int, int]) -> bool:
    t, c = tc
    return t.index == key[0] and key[1] <= c.row <= key[1] + 2


def _col_cell(col: _Col, t: Table, row: int) -> Cell | None:
    if t is col.table or t.n_cols == col.table.n_cols:
        return t.at(row, col.cell.col)
    return None


def _grid(sc: Scope, s: GridSection, shift: int) -> list[Hit]:
    pool = _pool(sc)
    cols, creasons = _find_columns(pool, s.columns, shift)
    header_cells = {id(c.cell) for c in cols if c}
    hits: list[Hit] = []
    for r in s.rows:
        found, score, reasons = locate_one(sc, r.label, 1, shift)
        for spec, col in zip(s.columns, cols):
            if r.columns is not None and spec.label not in r.columns:
                continue
            h = Hit(
                id=r.id + spec.suffix, table=shift_years(s.table, shift),
                row_label=shift_years(r.row_label if r.row_label is not None else r.label, shift),
                column_label=shift_years(spec.label, shift), kind="value", raw=None,
                period=spec.period if spec.period is not None else (_year_of(spec.label, shift) or s.period),
                vtype=spec.type or r.type, unit=spec.unit or r.unit, required=r.required,
                role=spec.role, group=r.id, reasons=list(reasons),
            )
            if found is None:
                h.reasons.append(f"row {r.label!r} not found")
            elif col is None:
                h.reasons += [x for x in creasons if spec.label in x]
            else:
                t, lab = found
                cell = None
                for row in range(lab.row, lab.last_row + 1):  # values may sit below a label that spans rows
                    cell = _col_cell(col, t, row)
                    if cell is not None and cell is not lab and id(cell) not in header_cells:
                        break
                if cell is None or cell is lab or id(cell) in header_cells:
                    h.reasons.append("no cell at this row and column")
                else:
                    h.cell, h.raw = cell, _strip_hint(cell.text, spec.hint)
                    h.label_score = min(score, col.score)
            hits.append(h)
    return hits


def _year_of(label: str, shift: int) -> int | None:
    ys = years(shift_years(label, shift))
    return ys[0] if ys else None


def _list(sc: Scope, s: ListSection, shift: int, all_lists: list[ListSection]) -> ListHit:
    if s.labelled:
        return _labelled_list(sc, s, shift)
    pool = _pool(sc)
    cols, reasons = _find_columns(pool, s.columns, shift)
    lh = ListHit(id=s.id, table=shift_years(s.table, shift), columns=[shift_years(c.label, shift) for c in s.columns],
                 rows=[], totals=[], reasons=reasons)
    present = [c for c in cols if c]
    if len(present) < min(s.min_columns, len(cols)):
        lh.reasons.append("header row not found")
        return lh
    head_t = present[0].table
    first = max(c.cell.last_row for c in present if c.table is head_t) + 1
    mine = {canon(shift_years(x.split("/")[-1], shift)) for c in s.columns for x in [c.label]} | \
           {canon(shift_years(x.split("/")[0], shift)) for c in s.columns for x in [c.label]}
    others = {canon(shift_years(seg, shift)) for o in all_lists if o is not s for c in o.columns
              for seg in c.label.split("/")} - mine
    regions = [r for r in sc.regions if r.table is head_t or r.table.n_cols == head_t.n_cols]
    started = False
    for reg in regions:
        t = reg.table
        r0 = max(reg.start, first) if t is head_t else reg.start
        if t is head_t:
            started = True
        if not started:
            continue
        for row in range(r0, reg.end):
            cells = t.row_cells(row)
            texts = [canon(c.text) for c in cells if c.text.strip()]
            if t.is_full_width(row) and row > first:
                return lh
            if texts and any(x in others for x in texts) and sum(x in mine or x in others for x in texts) * 2 >= len(texts):
                return lh  # the header of another list: this one ends
            if texts and sum(x in mine for x in texts) * 2 >= len(texts) and len(texts) >= 2:
                continue  # a repeated header row (table continued on a new page)
            first_text = cells[0].text if cells else ""
            if s.total and canon(first_text) == canon(s.total.label):
                lh.totals = _totals(s, cols, t, row, shift)
                continue
            rec: list[Hit] = []
            for spec, col in zip(s.columns, cols):
                cell = _col_cell(col, t, row) if col else None
                raw = _strip_hint(cell.text, spec.hint) if cell is not None else None
                rec.append(Hit(id=spec.id or s.id, table=lh.table, row_label="", column_label=shift_years(spec.label, shift),
                               kind="value", raw=raw, cell=cell, vtype=spec.type, unit=spec.unit,
                               period=spec.period if spec.period is not None else _year_of(spec.label, shift),
                               required=False, label_score=col.score if col else 0.0, role=spec.role,
                               group=f"{s.id}#{len(lh.rows)}"))
            _shared_cells(rec)
            if any(h.raw and not is_blank(h.raw) and h.raw.strip() not in ("…", "...", "……") for h in rec):
                lh.rows.append(rec)
    return lh


def _shared_cells(rec: list[Hit]) -> None:
    """One cell with text under two or more of the list's columns (the rule between them not seen on a scan, or
    cells merged): whose text is which is not known, so each of those values carries a reason."""
    by_cell: dict[int, list[Hit]] = {}
    for h in rec:
        if h.cell is not None and h.cell.text.strip():
            by_cell.setdefault(id(h.cell), []).append(h)
    for hs in by_cell.values():
        if len(hs) > 1:
            names = ", ".join(repr(h.column_label) for h in hs)
            for h in hs:
                h.reasons.append(f"one cell under the columns {names}: whose text is which is not sure")


def _totals(s: ListSection, cols: list[_Col | None], t: Table, row: int, shift: int) -> list[Hit]:
    out: list[Hit] = []
    by_label = {c.label: (c, col) for c, col in zip(s.columns, cols)}
    for lab in s.total.columns:
        spec, col = by_label[lab]
        cell = _col_cell(col, t, row) if col else None
        out.append(Hit(id=(spec.id or s.id) + s.total.suffix, table=shift_years(s.table, shift), row_label=s.total.row_label,
                       column_label=shift_years(lab, shift), kind="value", raw=cell.text if cell else None, cell=cell,
                       vtype=spec.type, unit=spec.unit, period=_year_of(lab, shift),
                       role="total" if spec.role == "value" else spec.role, group=f"{s.id}#total",
                       label_score=col.score if col else 0.0))
    return out


# ---------------------------------------------------------------- narratives
GUIDANCE_SCORE = 0.9  # a line (or run of wrapped lines) this close to a printed guidance line is the guidance
MAX_WRAP = 8  # a printed guidance line may come wrapped over at most this many text lines (OCR, PDF layout)
MAX_JOINED = 3  # ... and at most this many printed guidance lines may come joined into one text line


def strip_guidance(text: str, guidance: list[str]) -> str:
    """Drop the form's printed guidance from a box's text: each guidance line, whole, wrapped over several
    lines of the text (a scan or a PDF keeps the printed line breaks) or joined with the next printed lines
    into one, is removed where the run of lines that best matches it scores at least ``GUIDANCE_SCORE``;
    the applicant's lines stay."""
    if not guidance:
        return squash_lines(text)
    printed = [g for gline in guidance for g in gline.splitlines() if canon(g)]
    # consecutive printed lines may come as one text line (a scan's layout joined them)
    variants = [canon("".join(printed[k:k + n])) for n in range(1, MAX_JOINED + 1) for k in range(len(printed) - n + 1)]
    longest = max((len(v) for v in variants), default=0)
    lines = [line for line in text.splitlines() if canon(line)]
    keep = []
    i = 0
    while i < len(lines):
        if any(line_score(lines[i], g) >= GUIDANCE_SCORE for g in printed):
            i += 1
            continue
        rest = guidance_prefix(lines[i], variants)
        if rest is not None:  # the guidance ran on into the applicant's first line (joined where it reached the edge)
            lines[i] = rest
            if not canon(rest):
                i += 1
                continue
        best, end, joined = 0.0, i, ""
        for j in range(i, min(len(lines), i + MAX_WRAP)):
            joined += canon(lines[j])
            if len(joined) > 1.2 * longest:
                break
            hit = process.extractOne(joined, variants, scorer=fuzz.ratio)
            if hit is not None and hit[1] / 100.0 > best:
                best, end = hit[1] / 100.0, j
        if best >= GUIDANCE_SCORE:
            i = end + 1
            continue
        keep.append(lines[i])
        i += 1
    return squash_lines("\n".join(keep))


GUIDANCE_PREFIX_MIN = 12  # characters (canonical): a shorter guidance line is never cut off the start of a line
# share of a guidance line's length by which the cut may fall short of it or run past it (characters the OCR
# dropped or added): the best-scoring cut in that range is taken, so dropped characters never cost the answer's
GUIDANCE_PREFIX_SLACK = 0.25


def guidance_prefix(line: str, variants: list[str]) -> str | None:
    """The rest of ``line`` when it starts with printed guidance followed by more text, else None.

    ``variants``: canonical guidance lines (single or joined). The start of the line whose canonical length is
    that of a variant give or take ``GUIDANCE_PREFIX_SLACK`` of it (characters the OCR dropped or added) must
    score at least ``GUIDANCE_SCORE`` against it; variants shorter than ``GUIDANCE_PREFIX_MIN`` characters are not tried.
    Punctuation right after the cut (the guidance's own '。') goes with the guidance."""
    pos = [k for k, ch in enumerate(line) if canon(ch)]  # index in ``line`` of each canonical character
    heads = list(accumulate(canon(line[k]) for k in pos))  # heads[m - 1]: the canonical first m characters
    best, cut = 0.0, None
    for v in variants:
        n = len(v)
        if n < GUIDANCE_PREFIX_MIN:
            continue
        slack = max(1, int(n * GUIDANCE_PREFIX_SLACK))
        for m in range(max(1, n - slack), min(len(pos) - 1, n + slack) + 1):
            sc = fuzz.ratio(heads[m - 1], v) / 100.0
            if sc > best:
                best, cut = sc, pos[m - 1] + 1
    if cut is None or best < GUIDANCE_SCORE:
        return None
    return re.sub(r"^[\s。．.，,；;：:、]+", "", line[cut:])


def squash_lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _narrative(sc: Scope, s: NarrativeSection, shift: int) -> TextHit:
    parts: list[str] = []
    page = None
    source = 1.0
    notes: list[str] = []
    for p in sc.paragraphs:
        parts.append(p.text)
        page = page or p.page
        source = min(source, p.confidence)
    for reg in sc.regions:
        for c in reg.cells():
            if c is sc.heading_cell:
                continue
            parts.append(c.text)
            page = page or c.page
            if c.text.strip():
                source = min(source, c.confidence)
                notes += [n for n in c.notes if n not in notes]
    heading = sc.heading or s.table
    if sc.heading_paragraph is not None:
        page = page or sc.heading_paragraph.page
    text = strip_guidance("\n".join(parts), [shift_years(g, shift) for g in s.guidance + [s.table]])
    limit = s.limit or limit_of(heading) or limit_of(s.table)
    reasons = ([] if sc.heading else ["section heading not found"]) + notes
    return TextHit(id=s.id, table=shift_years(s.table, shift), row_label=shift_years(s.table, shift), column_label=None,
                   heading=squash(heading), text=text or None, limit=limit, required=s.required, page=page,
                   score=sc.heading_score if sc.heading else 0.5, reasons=reasons, source=source)


def limit_of(text: str) -> int | None:
    """The character limit printed in a heading or label: '（1000字以内）' → 1000."""
    m = re.search(r"(\d{2,5})\s*字", text)
    return int(m.group(1)) if m else None


def _labelled_list(sc: Scope, s: ListSection, shift: int) -> ListHit:
    """A list whose every record repeats its labels (``姓名 | A | 电话 | B`` per person): the k-th print of each
    column's label (reading order) belongs to record k, its value is the cell to its right."""
    lh = ListHit(id=s.id, table=shift_years(s.table, shift), columns=[shift_years(c.label, shift) for c in s.columns],
                 rows=[], totals=[])
    pool = _pool(sc)
    found = [sorted(find_path(pool, c.label, shift), key=lambda x: _order(x[0])) for c in s.columns]
    n = max((len(f) for f in found), default=0)
    if n == 0:
        lh.reasons.append("no record labels found")
        return lh
    uneven = len({len(f) for f in found}) > 1
    if uneven:
        lh.reasons.append(f"record labels printed unevenly ({', '.join(f'{c.label}×{len(f)}' for c, f in zip(s.columns, found))}): "
                          f"which value belongs to which record is not sure")
    for k in range(n):
        rec: list[Hit] = []
        for spec, f in zip(s.columns, found):
            (t, lab), score = f[k] if k < len(f) else ((None, None), 0.0)
            cell = right_cell(t, lab) if lab is not None else None
            raw = _strip_hint(cell.text, spec.hint) if cell is not None else None
            rec.append(Hit(id=spec.id or s.id, table=lh.table, row_label="", column_label=shift_years(spec.label, shift),
                           kind="value", raw=raw, cell=cell, vtype=spec.type, unit=spec.unit,
                           period=spec.period if spec.period is not None else _year_of(spec.label, shift),
                           required=False, label_score=score, role=spec.role, group=f"{s.id}#{k}",
                           reasons=["record labels printed unevenly"] if uneven else []))
        if any(h.raw and not is_blank(h.raw) for h in rec):
            lh.rows.append(rec)
    return lh
