"""``chars``: a narrative (or a text cell of a list) has between ``min`` and ``max`` characters.

From the forms: "（200字以内）", "（3000字以内）", "字数控制在200字以内" (prov-cluster 现有企业库 企业概况),
"200-300字". Characters are counted without white space, as the form's limit is.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import model_validator

from .base import Facts, RuleBase, fail, registry


@registry.register
class CharsRule(RuleBase):
    kind: Literal["chars"] = "chars"
    id: str
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _bounds(self) -> "CharsRule":
        if self.min is None and self.max is None:
            raise ValueError("chars: give min, max or both")
        return self

    def refs(self) -> list[str]:
        return [self.id]

    def check(self, facts: Facts) -> None:
        targets = [t for t in facts.texts if t.id == self.id]
        targets += [v for v, _ in facts.every_value() if v.id == self.id]
        for v in targets:
            text = getattr(v, "text", None) if hasattr(v, "text") else v.value
            if not isinstance(text, str) or not text.strip():
                continue
            n = len(re.sub(r"\s", "", text))
            if self.max is not None and n > self.max:
                if any("over the limit" in r for r in v.reasons):
                    continue  # the label's own limit said so already
                fail(v, f"{self.word(facts)}: {n} characters, over the limit of {self.max}")  # type: ignore[arg-type]
            elif self.min is not None and n < self.min:
                fail(v, f"{self.word(facts)}: {n} characters, under the minimum of {self.min}")  # type: ignore[arg-type]
