"""``integer``: a count is a non-negative whole number.

Every catalogue indicator of type ``integer`` (counts printed with 个 / 家 / 项 / 件 / 位 …) gets it; a map may
declare it for IDs read as text or numbers.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Facts, RuleBase, fail, fmt, num, registry


@registry.register
class IntegerRule(RuleBase):
    kind: Literal["integer"] = "integer"
    ids: list[str] = Field(min_length=1)

    def refs(self) -> list[str]:
        return list(self.ids)

    def check(self, facts: Facts) -> None:
        wanted = set(self.ids)
        for v, _ in facts.every_value():
            if v.id not in wanted or getattr(v, "type", "integer") != "integer":
                continue  # a map may read a catalogue count as a number (e.g. 从业人员 in 万人)
            x = num(v)
            if x is None:
                continue
            if x < 0:
                fail(v, f"a count cannot be negative: {fmt(x)}")
            elif not float(x).is_integer():
                fail(v, f"{self.word(facts)}: a count must be a whole number: {fmt(x)}")
