"""``same_value``: an indicator reported in two places for the same period agrees.

From the forms: the cover page repeats 集群名称 / 集群促进组织 / 集群核心承载园区 of part 一; prov-cluster 5.1
"上一年实际值" repeats 2.1's values of that year. Numbers must agree within ``tol``; texts after removing
spaces and punctuation width (a differing text is ``review``: it may be a legitimate short form).
"""
from __future__ import annotations

from typing import Literal

from ..text import compact
from .base import Facts, RuleBase, blank, close, doubt, fail, fmt, num, registry

SAME_VALUE_TOL = 0.011  # absolute: two decimals


@registry.register
class SameValueRule(RuleBase):
    kind: Literal["same_value"] = "same_value"
    id: str
    tol: float = SAME_VALUE_TOL

    def refs(self) -> list[str]:
        return [self.id]

    def check(self, facts: Facts) -> None:
        for p in facts.periods(self.id):
            vals = [v for v in facts.values(self.id, p) if not blank(v)]
            if len({v.table for v in vals}) < 2:
                continue
            first = vals[0]
            for other in vals[1:]:
                a, b = num(first), num(other)
                if a is not None and b is not None:
                    if not close(a, b, self.tol, 0.0):
                        why = (f"{self.word(facts)}: {self.id}" + (f" ({p})" if p else "") + f" is {fmt(a)} in "
                               f"{first.table} but {fmt(b)} in {other.table}")
                        fail(first, why)
                        fail(other, why)
                elif compact(first.value) != compact(other.value):
                    why = f"{self.word(facts)}: {self.id} is {first.value!r} in {first.table} but {other.value!r} in {other.table}"
                    doubt(first, why)
                    doubt(other, why)
