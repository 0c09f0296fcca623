"""``range``: a number lies between ``min`` and ``max``.

Declared in the catalogue (``min`` / ``max`` of an indicator: shares 0–100 %, "比重 / 比例 / 占比 / 普及率 /
利用率") or in a map for its own IDs.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Facts, RuleBase, fail, fmt, num, registry


@registry.register
class RangeRule(RuleBase):
    kind: Literal["range"] = "range"
    ids: list[str] = Field(min_length=1)
    min: float | None = None
    max: float | None = None

    def refs(self) -> list[str]:
        return list(self.ids)

    def check(self, facts: Facts) -> None:
        wanted = set(self.ids)
        for v, _ in facts.every_value():
            if v.id not in wanted:
                continue
            x = num(v)
            if x is None:
                continue
            if (self.min is not None and x < self.min) or (self.max is not None and x > self.max):
                if self.min == 0 and self.max == 100 and v.unit == "%":
                    fail(v, f"a share must lie between 0 and 100%: {fmt(x)}")
                elif self.min == 0 and self.max is None:
                    fail(v, f"a count cannot be negative: {fmt(x)}" if float(x).is_integer()
                         else f"{self.word(facts)}: {fmt(x)} below 0")
                else:
                    lo = fmt(self.min) if self.min is not None else "−∞"
                    hi = fmt(self.max) if self.max is not None else "∞"
                    fail(v, f"{self.word(facts)}: {fmt(x)} outside [{lo}, {hi}]")
