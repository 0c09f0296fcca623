"""``sum``: a total equals the sum of its parts.

From the forms: a list's ``合计`` row (prov-cluster 2.1 营业收入排名前十企业, 研发投入前十位企业, 2.3 重点项目:
"合计"), and nested totals a form prints as 总计 / 合计 rows (资产总计 = 流动资产合计 + 非流动资产合计).

Either ``total`` + ``parts`` (indicator references, checked per period when they carry none) or ``list``
(every number in the list's totals row = the sum of its column). ``blank: skip`` (default) leaves the rule
unchecked while a part is blank; ``blank: zero`` counts a blank part as 0. A ``total`` + ``parts`` failure makes
the total and every part ``invalid``; a list's failure makes the totals-row value ``invalid`` (its rows are the
primary data, the reason names the sum).
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Facts, RuleBase, blank, close, fail, fmt, num, registry

SUM_TOL = 0.011  # absolute: rounding of values typed with two decimals
SUM_REL_TOL = 0.001  # relative to the total


@registry.register
class SumRule(RuleBase):
    kind: Literal["sum"] = "sum"
    total: str | None = Field(None, description="the total's indicator reference")
    parts: list[str] = Field(default_factory=list, description="the parts' indicator references")
    list_id: str | None = Field(None, alias="list", description="record list whose totals row sums its columns")
    columns: list[str] | None = Field(None, description="list: only these column labels of the totals row")
    blank: Literal["zero", "skip"] = "skip"
    tol: float = SUM_TOL
    rel_tol: float = SUM_REL_TOL

    @model_validator(mode="after")
    def _one_form(self) -> "SumRule":
        if (self.total is None) == (self.list_id is None):
            raise ValueError("sum: give either total + parts or list")
        if self.total is not None and len(self.parts) < 2:
            raise ValueError("sum: a total needs at least two parts")
        return self

    def refs(self) -> list[str]:
        return [self.total, *self.parts] if self.total else []

    def lists(self) -> list[str]:
        return [self.list_id] if self.list_id else []

    def check(self, facts: Facts) -> None:
        if self.list_id:
            self._check_list(facts)
            return
        assert self.total is not None
        for p in facts.periods(self.total):
            for t in facts.values(self.total, p):
                tv = num(t)
                if tv is None:
                    continue
                parts = []
                for ref in self.parts:
                    got = facts.values(ref, p, table=t.table)
                    if not got:
                        break
                    parts.append(got[0])
                else:
                    if any(blank(v) for v in parts) and self.blank == "skip":
                        continue
                    nums = [num(v) if not blank(v) else 0.0 for v in parts]
                    if any(x is None for x in nums):
                        continue
                    s = sum(nums)  # type: ignore[arg-type]
                    if not close(s, tv, self.tol, self.rel_tol):
                        why = (f"{self.word(facts)} {fmt(tv)} ≠ Σ {fmt(s)} (diff {fmt(abs(tv - s))}): "
                               f"{self.total} = {' + '.join(self.parts)}" + (f" ({p})" if p else ""))
                        for v in (t, *parts):
                            fail(v, why)

    def _check_list(self, facts: Facts) -> None:
        sec = facts.list_section(self.list_id or "")
        lt = facts.list_table(self.list_id or "")
        if sec is None or lt is None or sec.total is None:
            return
        by_label = {c.label: c for c in sec.columns}
        for label in sec.total.columns:
            col = by_label.get(label)
            if col is None or col.role == "growth" or (self.columns is not None and label not in self.columns):
                continue
            tid = (col.id or sec.id) + sec.total.suffix
            totals = [f for f in facts.fields if f.table == sec.table and f.id == tid and f.column_label == label]
            for t in totals:
                tv = num(t)
                if tv is None:
                    continue
                cells = [r.cells.get(label) for r in lt.rows]
                if any(blank(c) for c in cells) and self.blank == "skip":
                    continue
                vals = [0.0 if blank(c) else num(c) for c in cells]
                if not vals or any(v is None for v in vals):
                    continue
                s = sum(vals)  # type: ignore[arg-type]
                if not close(s, tv, self.tol, self.rel_tol):
                    why = f"{self.word(facts)} {fmt(tv)} differs from the sum of the rows {fmt(s)} (diff {fmt(abs(tv - s))})"
                    fail(t, why)  # the rows are the primary data: the totals row is the value judged
