"""The ``list`` layout: a record list — a header row, then one record per row (continued over pages, ended by
a full-width row or another list's header), an optional totals row; or a list whose every record repeats its
labels (``labelled``)."""
from __future__ import annotations

from typing import Iterator

from ..ir import Table
from ..maps.spec import ListSection
from ..records import Hit, ListHit, Mapped, Scope
from ..text import canon, is_blank
from .base import Layout, register
from .columns import Col, col_cell, find_columns, year_of
from .labels import find_path, reading_order, right_cell, strip_hint


@register
class ListLayout(Layout):
    section_type = ListSection

    def map(self, scope: Scope, out: Mapped, scopes: list[Scope]) -> None:
        others = [x.section for x in scopes if isinstance(x.section, ListSection) and x.section is not self.section]
        out.lists.append(labelled_list(scope, self.section) if self.section.labelled
                         else list_hit(scope, self.section, others))


def list_hit(sc: Scope, s: ListSection, other_lists: list[ListSection]) -> ListHit:
    cols, reasons = find_columns(sc.pool(), s.columns)
    lh = ListHit(id=s.id, table=s.table, columns=[c.label for c in s.columns], rows=[], totals=[], reasons=reasons)
    present = [c for c in cols if c]
    if len(present) < min(s.min_columns, len(cols)):
        lh.reasons.append("header row not found")
        return lh
    head_t = present[0].table
    first = max(c.cell.last_row for c in present if c.table is head_t) + 1
    mine = {canon(c.label.split("/")[-1]) for c in s.columns} | {canon(c.label.split("/")[0]) for c in s.columns}
    others = {canon(seg) for o in other_lists for c in o.columns for seg in c.label.split("/")} - mine
    for t, row in _body_rows(sc, head_t, first):
        cells = t.row_cells(row)
        texts = [canon(c.text) for c in cells if c.text.strip()]
        if t.is_full_width(row) and row > first:
            break
        if texts and any(x in others for x in texts) and sum(x in mine or x in others for x in texts) * 2 >= len(texts):
            break  # the header of another list: this one ends
        if texts and sum(x in mine for x in texts) * 2 >= len(texts) and len(texts) >= 2:
            continue  # a repeated header row (table continued on a new page)
        first_text = cells[0].text if cells else ""
        if s.total and canon(first_text) == canon(s.total.label):
            lh.totals = _totals(s, cols, t, row)
            continue
        rec = _record(s, cols, t, row, len(lh.rows))
        if any(h.raw and not is_blank(h.raw) and h.raw.strip() not in ("…", "...", "……") for h in rec):
            lh.rows.append(rec)
    return lh


def _body_rows(sc: Scope, head_t: Table, first: int) -> Iterator[tuple[Table, int]]:
    """The rows after the header: the rest of the header's table, then its continuations (same columns)."""
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
            yield t, row


def _record(s: ListSection, cols: list[Col | None], t: Table, row: int, k: int) -> list[Hit]:
    rec: list[Hit] = []
    for spec, col in zip(s.columns, cols):
        cell = col_cell(col, t, row) if col else None
        raw = strip_hint(cell.text, spec.hint) if cell is not None else None
        rec.append(Hit(id=spec.id or s.id, table=s.table, row_label="", column_label=spec.label,
                       kind="value", raw=raw, cell=cell, vtype=spec.type, unit=spec.unit,
                       period=spec.period if spec.period is not None else year_of(spec.label),
                       required=False, label_score=col.score if col else 0.0, role=spec.role,
                       group=f"{s.id}#{k}"))
    shared_cells(rec)
    return rec


def shared_cells(rec: list[Hit]) -> None:
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


def _totals(s: ListSection, cols: list[Col | None], t: Table, row: int) -> list[Hit]:
    out: list[Hit] = []
    by_label = {c.label: (c, col) for c, col in zip(s.columns, cols)}
    for lab in s.total.columns:
        spec, col = by_label[lab]
        cell = col_cell(col, t, row) if col else None
        out.append(Hit(id=(spec.id or s.id) + s.total.suffix, table=s.table, row_label=s.total.row_label,
                       column_label=lab, kind="value", raw=cell.text if cell else None, cell=cell,
                       vtype=spec.type, unit=spec.unit, period=year_of(lab),
                       role="total" if spec.role == "value" else spec.role, group=f"{s.id}#total",
                       label_score=col.score if col else 0.0))
    return out


def labelled_list(sc: Scope, s: ListSection) -> ListHit:
    """A list whose every record repeats its labels (``姓名 | A | 电话 | B`` per person): the k-th print of each
    column's label (reading order) belongs to record k, its value is the cell to its right."""
    lh = ListHit(id=s.id, table=s.table, columns=[c.label for c in s.columns], rows=[], totals=[])
    pool = sc.pool()
    found = [sorted(find_path(pool, c.label), key=lambda x: reading_order(x[0])) for c in s.columns]
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
            raw = strip_hint(cell.text, spec.hint) if cell is not None else None
            rec.append(Hit(id=spec.id or s.id, table=s.table, row_label="", column_label=spec.label,
                           kind="value", raw=raw, cell=cell, vtype=spec.type, unit=spec.unit,
                           period=spec.period if spec.period is not None else year_of(spec.label),
                           required=False, label_score=score, role=spec.role, group=f"{s.id}#{k}",
                           reasons=["record labels printed unevenly"] if uneven else []))
        if any(h.raw and not is_blank(h.raw) for h in rec):
            lh.rows.append(rec)
    return lh
