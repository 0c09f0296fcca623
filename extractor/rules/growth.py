"""``growth``: a 增幅 / 增长率 / 增速 value equals the change between two periods, in percent.

From the forms: the "增幅（%）" columns of prov-cluster 2.1 / 2.2 / 2.4, the lists' 增幅 columns and
3.1 "总额增幅"; gx-sme rows "…增长率（%）" / "…增速（%）" under the yearly values they describe.

Three ways to name the values:

* ``table``: every row of that grid section with a growth column (``role: growth``): the growth cell against
  the row's two latest years (or ``from``/``to``);
* ``list``: every row (and the totals row) of that record list: the growth column against the year columns;
The growth value is made ``invalid``; the two yearly values it was computed from are named in the reason
(they stay as they are: returns often round 增幅 loosely, and the amounts are the primary data).

* ``growth`` + ``base``: the growth indicator for each of its periods against ``base`` in that period and
  the one before (a yearly growth-rate row), or between ``from`` and ``to``.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..contract import Value
from .base import Facts, RuleBase, close, fail, fmt, num, registry, split_ref

GROWTH_TOL = 0.1  # percentage points
GROWTH_REL_TOL = 0.01  # relative to the computed change


@registry.register
class GrowthRule(RuleBase):
    kind: Literal["growth"] = "growth"
    table: str | None = Field(None, description="grid section heading: every row with a growth column")
    list_id: str | None = Field(None, alias="list", description="record list with a growth column")
    growth: str | None = Field(None, description="growth indicator (percent)")
    base: str | None = Field(None, description="the indicator whose change it is")
    from_period: str | int | None = Field(None, alias="from")
    to_period: str | int | None = Field(None, alias="to")
    tol: float = GROWTH_TOL
    rel_tol: float = GROWTH_REL_TOL

    @model_validator(mode="after")
    def _one_form(self) -> "GrowthRule":
        n = sum(x is not None for x in (self.table, self.list_id, self.growth))
        if n != 1 or (self.growth is not None) != (self.base is not None):
            raise ValueError("growth: give one of table, list, or growth + base")
        return self

    def refs(self) -> list[str]:
        return [self.growth, self.base] if self.growth and self.base else []

    def lists(self) -> list[str]:
        return [self.list_id] if self.list_id else []

    def tables(self) -> list[str]:
        return [self.table] if self.table else []

    def _judge(self, facts: Facts, g: Value, yearly: list[tuple[int, Value]]) -> None:
        if len(yearly) < 2:
            return
        if self.from_period is not None and self.to_period is not None:
            want = (facts.period(self.from_period), facts.period(self.to_period))
            pick = [x for x in yearly if x[0] in want]
            if len(pick) != 2:
                return
            (y1, va), (y2, vb) = sorted(pick, key=lambda x: x[0])
        else:
            (y1, va), (y2, vb) = yearly[-2], yearly[-1]
        gv, a, b = num(g), num(va), num(vb)
        if gv is None or a is None or b is None or a == 0:
            return
        calc = (b - a) / a * 100
        if not close(gv, calc, self.tol, self.rel_tol):
            # the growth value is the one judged (the yearly values are the evidence, named in the reason)
            fail(g, f"{self.word(facts)} {fmt(gv)}% does not match {y1}→{y2}: {calc:.2f}% ({fmt(a)} → {fmt(b)})")

    def check(self, facts: Facts) -> None:
        if self.table:
            self._grid(facts)
        elif self.list_id:
            self._list(facts)
        else:
            self._rows(facts)

    def _grid(self, facts: Facts) -> None:
        from ..maps.spec import GridSection
        from ..text import years

        for s in facts.table_map.sections:
            if not isinstance(s, GridSection) or s.table != self.table:
                continue
            growth_cols = [c for c in s.columns if c.role == "growth"]
            value_cols = [c for c in s.columns if c.role == "value" and years(c.label)]
            if not growth_cols or not value_cols:
                continue
            for r in s.rows:
                cols = [c for c in growth_cols if r.columns is None or c.label in r.columns]
                base_id = r.id + value_cols[0].suffix
                yearly = sorted(((f.period, f) for f in facts.by_id.get(base_id, [])
                                 if f.table == s.table and isinstance(f.period, int)), key=lambda x: x[0])
                for c in cols:
                    for g in facts.by_id.get(r.id + c.suffix, []):
                        if g.table == s.table:
                            self._judge(facts, g, yearly)  # type: ignore[arg-type]

    def _list(self, facts: Facts) -> None:
        from ..text import years

        sec = facts.list_section(self.list_id or "")
        lt = facts.list_table(self.list_id or "")
        if sec is None or lt is None:
            return
        gcols = [c for c in sec.columns if c.role == "growth"]
        vcols = [c for c in sec.columns if c.role == "value" and years(c.label)]
        if not gcols or len(vcols) < 2:
            return
        for r in lt.rows:
            yearly = sorted(((years(c.label)[-1], r.cells[c.label]) for c in vcols if c.label in r.cells),
                            key=lambda x: x[0])
            for gc in gcols:
                if gc.label in r.cells:
                    self._judge(facts, r.cells[gc.label], yearly)
        if sec.total:
            mine = [f for f in facts.fields if f.table == sec.table and f.id.endswith(sec.total.suffix)]
            yearly = sorted(((years(f.column_label or "")[-1], f) for f in mine
                             if f.column_label in {c.label for c in vcols} and years(f.column_label or "")),
                            key=lambda x: x[0])
            for f in mine:
                if f.column_label in {c.label for c in gcols}:
                    self._judge(facts, f, yearly)

    def _rows(self, facts: Facts) -> None:
        assert self.growth and self.base
        base_id, _ = split_ref(self.base)
        for g in facts.values(self.growth):
            if not isinstance(g.period, int):
                continue
            yearly = sorted(((f.period, f) for f in facts.by_id.get(base_id, []) if isinstance(f.period, int)
                             and (f.table == g.table or not any(x.table == g.table for x in facts.by_id[base_id]))),
                            key=lambda x: x[0])
            if self.from_period is None:
                yearly = [x for x in yearly if x[0] in (g.period - 1, g.period)]
                if len(yearly) != 2:
                    continue
            self._judge(facts, g, yearly)  # type: ignore[arg-type]
