"""``part_of``: a 其中 (of which) value is not larger than its whole.

From the forms: gx-sme 二 "其中：集群中小企业数量" under 集群企业数量; prov-cluster 3.1 "其中：集群产业"
beside 园区总额 for every year. The part (the row printed with 其中) is made ``invalid``; the whole is named in
the reason.
"""
from __future__ import annotations

from typing import Literal

from .base import Facts, RuleBase, fail, fmt, num, registry

PART_OF_TOL = 0.011  # absolute: rounding of values typed with two decimals


@registry.register
class PartOfRule(RuleBase):
    kind: Literal["part_of"] = "part_of"
    part: str
    whole: str
    tol: float = PART_OF_TOL

    def refs(self) -> list[str]:
        return [self.part, self.whole]

    def check(self, facts: Facts) -> None:
        for p in facts.periods(self.part):
            for pv_ in facts.values(self.part, p):
                wholes = facts.values(self.whole, p if "@" not in self.whole else None, table=pv_.table)
                if not wholes:
                    continue
                w = wholes[0]
                pv, wv = num(pv_), num(w)
                if pv is None or wv is None:
                    continue
                if pv > wv + self.tol:
                    why = (f"{self.word(facts)}: {self.part} {fmt(pv)} > {self.whole} {fmt(wv)}"
                           + (f" ({p})" if p else "") + " — a part cannot exceed its whole")
                    fail(pv_, why)  # the 其中 row is the one the form constrains; the whole is named in the reason
