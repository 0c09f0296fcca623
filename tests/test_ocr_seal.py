"""A red seal over a cell (issue 9): a number read sure under it is not doubted for the seal alone; anything
else under a seal is. Quote marks read straight are paired with the opening one."""
from __future__ import annotations

from extractor.ocr.assemble import CHAR_OK, SEAL_CHAR_OK, SEAL_SHARE, cell_confidence
from extractor.ocr.cell_text import cjk_punct

SEAL = "OCR: a red seal covers the cell"


def test_seal_over_a_sure_number_boundaries():
    assert SEAL_CHAR_OK == 0.98 and SEAL_SHARE == 0.004
    conf, notes = cell_confidence([0.999, 0.9801], 0.05, False, 1.0, "14,832.33")
    assert conf >= 0.9 and SEAL not in notes
    conf, notes = cell_confidence([0.999, 0.9799], 0.05, False, 1.0, "14,832.33")
    assert conf < 0.9 and SEAL in notes
    # a seal share just below SEAL_SHARE is no seal, just above it is
    assert SEAL not in cell_confidence([0.5 + CHAR_OK / 2], 0.0039, False, 1.0, "是")[1]
    assert SEAL in cell_confidence([1.0], 0.0041, False, 1.0, "是")[1]


def test_seal_over_text_or_a_number_with_seal_characters_is_doubted():
    for text in ("某838.26", "株洲海纳电力机车集团有限公司", "P84", "是"):
        conf, notes = cell_confidence([1.0], 0.05, False, 1.0, text)
        assert conf < 0.9 and SEAL in notes, text
    # no text given (older callers): the seal always doubts
    assert SEAL in cell_confidence([1.0], 0.05, False, 1.0)[1]
    for text in ("-4.60%", "3,136.04", "2024.12—2025.08", "0.71"):
        assert SEAL not in cell_confidence([1.0], 0.05, False, 1.0, text)[1], text


def test_straight_quote_closing_a_curly_one():
    assert cjk_punct('国家专精特新“小巨人"') == "国家专精特新“小巨人”"
    assert cjk_punct('say "hi"') == 'say "hi"'  # no curly quote opened: left alone
    assert cjk_punct("“小巨人”企业") == "“小巨人”企业"
