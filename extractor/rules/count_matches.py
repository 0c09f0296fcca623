"""``count_matches``: a count agrees with the names listed for it, or with a list's rows.

From the forms: the "数量：{}个 / 名称：{}" pairs (gx-sme 三/四/五/七, nm-amc 三: "…名称及数量"), and counts
of a record list (prov-cluster 六 "现有企业库（共有企业XXX个…）" above the list of those enterprises).
Names are split at the vocabulary's ``name_separators``; an explicit empty (无) is no names.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from .base import Facts, RuleBase, blank, fail, num, registry


@registry.register
class CountMatchesRule(RuleBase):
    kind: Literal["count_matches"] = "count_matches"
    count: str
    names: str | None = Field(None, description="the names' indicator reference")
    list_id: str | None = Field(None, alias="list", description="record list whose rows are counted")
    table: str | None = Field(None, description="only the count reported under this heading")

    @model_validator(mode="after")
    def _one_form(self) -> "CountMatchesRule":
        if (self.names is None) == (self.list_id is None):
            raise ValueError("count_matches: give names or list")
        return self

    def refs(self) -> list[str]:
        return [self.count] + ([self.names] if self.names else [])

    def lists(self) -> list[str]:
        return [self.list_id] if self.list_id else []

    def tables(self) -> list[str]:
        return [self.table] if self.table else []

    def check(self, facts: Facts) -> None:
        counts = facts.values(self.count)
        if self.table:
            counts = [c for c in counts if c.table == self.table]
        for c in counts:
            n = num(c)
            if n is None:
                continue
            if self.names:
                ns = facts.values(self.names, table=c.table)
                ns = [x for x in ns if x.row_label == c.row_label] or ns
                if not ns or (ns[0].raw is None):
                    continue
                v = ns[0]
                seps = "|".join(re.escape(s) for s in facts.vocab.name_separators)
                listed = [] if blank(v) else [x for x in re.split(seps, str(v.value)) if x.strip()]
                if len(listed) != n:
                    why = f"{self.word(facts)}: {self.count} {int(n)} but {len(listed)} names listed in {self.names}"
                    fail(c, why)
                    fail(v, why)
            else:
                lt = facts.list_table(self.list_id or "")
                if lt is None:
                    continue
                rows = [r for r in lt.rows if any(not blank(x) for x in r.cells.values())]
                if len(rows) != n:
                    fail(c, f"{self.word(facts)}: {self.count} {int(n)} but the list {self.list_id} has {len(rows)} rows")
