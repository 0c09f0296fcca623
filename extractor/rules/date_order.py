"""``date_order``: one date is not before another (or not before the start of a period).

From the forms: a declaration or recommendation is signed in the application year or later (the edition
year); a signature date is not before the application date.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from .base import Facts, RuleBase, blank, fail, registry


def _key(v: object) -> tuple[int, ...] | None:
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(v))
    return tuple(int(x) for x in m.groups() if x is not None) if m else None


@registry.register
class DateOrderRule(RuleBase):
    kind: Literal["date_order"] = "date_order"
    earlier: str = Field(description="a date reference, or a period: edition / edition-1 / a year")
    later: str

    def refs(self) -> list[str]:
        out = [self.later]
        if not re.fullmatch(r"edition([+-]\d+)?|(19|20)\d{2}", self.earlier):
            out.append(self.earlier)
        return out

    def check(self, facts: Facts) -> None:
        if re.fullmatch(r"edition([+-]\d+)?|(19|20)\d{2}", self.earlier):
            y = facts.period(self.earlier if self.earlier.startswith("e") else int(self.earlier))
            firsts = [(None, (y,), str(y))]
        else:
            firsts = [(v, _key(v.value), str(v.value)) for v in facts.values(self.earlier) if not blank(v)]
        for late in facts.values(self.later):
            if blank(late):
                continue
            lk = _key(late.value)
            for ev, ek, shown in firsts:
                if lk is None or ek is None:
                    continue
                n = min(len(lk), len(ek))
                if lk[:n] < ek[:n]:
                    why = f"{self.word(facts)}: {self.later} {late.value} is before {self.earlier} {shown}"
                    fail(late, why)
                    if ev is not None:
                        fail(ev, why)
