"""The measurement's own comparison (tests/truth.py: outcomes): a value's ``right`` is decided on the whole
value, not on the 60-character excerpt kept for display."""
from __future__ import annotations

from types import SimpleNamespace as NS

from truth import outcomes

LONG = "完善财政、金融、土地和人才等政策支持，营造良好产业发展生态。坚持创新驱动和龙头带动，着力提升新能源汽车产业链现代化水平。重点实施强链补链、创新平台建设。"


def _res(text: str) -> NS:
    t = NS(table="（二）发展思路", row_label="（二）发展思路", column_label=None, text=text, status="review",
           reasons=["OCR: a character read with probability 0.86"])
    return NS(fields=[], tables=[], texts=[t])


def _truth(text: str) -> dict:
    return {"fields": [], "texts": [{"table": "（二）发展思路", "row_label": "（二）发展思路", "column_label": None,
                                     "text": text}]}


def test_a_flagged_narrative_wrapped_in_its_first_60_characters_is_right():
    # the OCR text has a line break at character 40: its first 60 characters end one character earlier than
    # the truth's, so comparing the excerpts said 'wrong' (3 narratives of the scan corpus were miscounted)
    got = LONG[:40] + "\n" + LONG[40:]
    (o,) = outcomes(_res(got), _truth(LONG))
    assert len(LONG) > 60 and o["got"] != o["want"]
    assert o["right"] is True and o["bucket"] == "flagged"


def test_a_narrative_that_differs_after_60_characters_is_wrong():
    (o,) = outcomes(_res(LONG[:-1]), _truth(LONG))  # the final '。' lost: beyond the excerpt
    assert o["got"] == o["want"]
    assert o["right"] is False


def test_a_place_not_found_is_not_right():
    (o,) = outcomes(NS(fields=[], tables=[], texts=[]), _truth(LONG))
    assert o["bucket"] == "not_found" and o["right"] is False
