"""``decimals``: numbers are typed with at most ``places`` decimals.

From the forms' 填报说明: nm-amc and gx-sme "数据有小数时，保留小数点后2位". ``ids: ["*"]`` means every number
and percentage of the form. Counted on the text as typed (a unit conversion adds no decimals of the
applicant's).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import Field

from .base import Facts, RuleBase, fail, num, registry

_NUM = re.compile(r"\d\.(\d+)")


@registry.register
class DecimalsRule(RuleBase):
    kind: Literal["decimals"] = "decimals"
    places: int = Field(ge=0)
    ids: list[str] = Field(default_factory=lambda: ["*"], description='indicator IDs, or ["*"]: every number')
    exclude: list[str] = Field(default_factory=list, description="IDs the rule does not apply to (with ids: ['*'])")

    def refs(self) -> list[str]:
        return [i for i in self.ids if i != "*"] + list(self.exclude)

    def check(self, facts: Facts) -> None:
        every = "*" in self.ids
        wanted = set(self.ids)
        for v, _ in facts.every_value():
            if not (every or v.id in wanted) or v.id in self.exclude or num(v) is None or not v.raw:
                continue
            m = _NUM.search(unicodedata.normalize("NFKC", v.raw))
            if m and len(m.group(1)) > self.places:
                fail(v, f"{self.word(facts)}: {v.raw.strip()!r} has {len(m.group(1))} decimals, "
                        f"the form asks for at most {self.places}")
