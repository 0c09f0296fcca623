"""A map's years moved to a later (or earlier) edition: the dumped data of a map with the years of its printed
texts, its periods and its rules' references moved by ``n`` (:meth:`extractor.maps.spec.TableMap.shifted`)."""
from __future__ import annotations

import re
from typing import Any

_SHIFT_TEXT = frozenset({"titles", "keywords", "table", "match", "anchors", "followed_by", "label", "row_label",
                         "column_label", "columns", "fill", "guidance"})  # keys whose texts carry printed years
_RULE_PERIODS = frozenset({"from", "to", "earlier", "later"})  # rule keys that may hold a period (a year)
_RULE_KEEP = frozenset({"kind", "source", "name"})
_REF_YEAR = re.compile(r"@((?:19|20)\d{2})$")
_TEXT_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)(?!\s*字)")  # a year, not a character limit (2000字以内)


def _shift_text(text: str, n: int) -> str:
    """:func:`~extractor.text.shift_years` that leaves character limits alone (``（2000字以内）`` is no year)."""
    return _TEXT_YEAR.sub(lambda m: str(int(m.group(1)) + n), text)


def shift(key: str, v: Any, n: int, rule: bool) -> Any:
    """``v`` (dumped map data under ``key``) with its years moved by ``n`` (see :meth:`.spec.TableMap.shifted`)."""
    if isinstance(v, list):
        return [shift(key, x, n, rule) for x in v]
    if isinstance(v, dict):
        return {k: shift(k, x, n, rule) for k, x in v.items()}
    period = key == "period" or (rule and key in _RULE_PERIODS)
    if period and isinstance(v, int) and not isinstance(v, bool):
        return v + n
    if not isinstance(v, str):
        return v
    if key in _SHIFT_TEXT or (period and re.fullmatch(r"(?:19|20)\d{2}年?", v)) or (key == "period" and not rule):
        return _shift_text(v, n)
    if rule and key not in _RULE_KEEP:  # an indicator reference: only its @year
        return _REF_YEAR.sub(lambda m: "@" + str(int(m.group(1)) + n), v)
    return v
