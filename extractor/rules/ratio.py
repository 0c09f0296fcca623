"""``ratio``: a value the form defines as a quotient: value = numerator ÷ denominator × factor.

From the forms: gx-sme 三 "集群中小企业从业人员每万人有效发明专利拥有量" (patents ÷ employees × 10 000);
nm-amc 三 "集群每万人有效发明专利拥有量"; intensities (研发投入强度 = 研发经费 ÷ 营业收入 × 100) where the
form asks for both figures.
"""
from __future__ import annotations

from typing import Literal

from .base import Facts, RuleBase, close, fail, fmt, num, registry

RATIO_TOL = 0.01  # absolute, in the value's unit (two decimals)
RATIO_REL_TOL = 0.01  # relative to the computed value


@registry.register
class RatioRule(RuleBase):
    kind: Literal["ratio"] = "ratio"
    value: str
    numerator: str
    denominator: str
    factor: float = 1.0
    tol: float = RATIO_TOL
    rel_tol: float = RATIO_REL_TOL

    def refs(self) -> list[str]:
        return [self.value, self.numerator, self.denominator]

    def check(self, facts: Facts) -> None:
        for p in facts.periods(self.value):
            for v in facts.values(self.value, p):
                ns = facts.values(self.numerator, p if "@" not in self.numerator else None, table=v.table)
                ds = facts.values(self.denominator, p if "@" not in self.denominator else None, table=v.table)
                if not ns or not ds:
                    continue
                x, n, d = num(v), num(ns[0]), num(ds[0])
                if x is None or n is None or d is None or d == 0:
                    continue
                calc = n / d * self.factor
                if not close(x, calc, self.tol, self.rel_tol):
                    why = (f"{self.word(facts)}: {self.value} {fmt(x)} ≠ {self.numerator} {fmt(n)} ÷ "
                           f"{self.denominator} {fmt(d)}" + (f" × {fmt(self.factor)}" if self.factor != 1 else "")
                           + f" = {calc:.2f}")
                    for y in (v, ns[0], ds[0]):
                        fail(y, why)
