"""``required``: a place the form says must be filled is not left blank.

From the forms' 填报说明: "各必填栏目不得空缺，无相关情况时应填写“无”" (nm-amc, gx-sme). ``ids: ["*"]`` means
every place the map marks required. A blank place keeps status ``missing`` (the contract's word for an
empty place) and gets the rule's reason; an explicit 无 satisfies it.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Facts, RuleBase, registry

REQUIRED_FIELD = "required field is empty"
REQUIRED_TEXT = "required text is empty"


@registry.register
class RequiredRule(RuleBase):
    kind: Literal["required"] = "required"
    ids: list[str] = Field(default_factory=lambda: ["*"], description='indicator IDs, or ["*"]: every required place')

    def refs(self) -> list[str]:
        return [i for i in self.ids if i != "*"]

    def check(self, facts: Facts) -> None:
        every = "*" in self.ids
        why = f"{self.word(facts)}: left blank (write 无 when there is nothing to report)"
        for v in [*facts.fields, *facts.texts]:
            if v.status != "missing" or getattr(v, "empty", False):
                continue
            if (every and (REQUIRED_FIELD in v.reasons or REQUIRED_TEXT in v.reasons)) or v.id in self.ids:
                if why not in v.reasons:
                    v.reasons.append(why)
