"""Evidence that makes an OCR value ``review`` instead of silently wrong (issue 9, families 3 and 6), tested on
synthetic recogniser output and ink, without the engine."""
from __future__ import annotations

import numpy as np

from extractor.ocr.cell_text import BARE_PERIOD as _BARE_PERIOD
from extractor.ocr.cell_text import fix_dashes
from extractor.ocr.engines import RecLine
from extractor.ocr.evidence import unread_dot

TEXT_H = 28.0  # px: text height of 10.5 pt type at 200 dpi


def _band(dot: int | None, dot_h: int = 4, dot_top: int | None = None) -> np.ndarray:
    """Ink of '61.34': four digit blobs 14 px wide, 20 px high, and a dot of ``dot`` px (None: no dot)."""
    b = np.zeros((22, 120), np.uint8)
    for x in (10, 28, 62, 80):
        b[1:21, x:x + 14] = 255
    if dot is not None:
        top = 21 - dot_h if dot_top is None else dot_top
        b[top:top + dot_h, 48:48 + dot] = 255
    return b


def _rec(text: str) -> RecLine:
    xs = {"6134": [17, 35, 69, 87], "61.34": [17, 35, 50, 69, 87]}[text]
    return RecLine(text, [0.99] * len(text), [float(x) for x in xs])


def test_dropped_decimal_point_is_caught():
    assert unread_dot(_rec("6134"), _band(4), TEXT_H)
    assert not unread_dot(_rec("61.34"), _band(4), TEXT_H)  # the dot was read
    assert not unread_dot(_rec("6134"), _band(None), TEXT_H)  # no dot ink: 6134 it is


def test_dot_size_boundaries():
    # DOT_MAX = 0.3 text heights: 8 px (0.29) is a dot, 9 px (0.32) is not
    assert unread_dot(_rec("6134"), _band(8, 8), TEXT_H)
    assert not unread_dot(_rec("6134"), _band(9, 9), TEXT_H)
    # a tiny blob is a speck, not a dot (fewer than 4 pixels)
    assert not unread_dot(_rec("6134"), _band(1, 3), TEXT_H)


def test_dot_height_boundaries():
    # DOT_LOW = 0.55 of the line height (22 px): top at row 13 (0.59) is low, at row 11 (0.50) it is not
    assert unread_dot(_rec("6134"), _band(4, 4, dot_top=13), TEXT_H)
    assert not unread_dot(_rec("6134"), _band(4, 4, dot_top=11), TEXT_H)


def test_dot_near_boundaries():
    # DOT_NEAR = 0.6 text heights (16.8 px): a '.' read 16 px from the dot explains it, one read 18 px away not
    b = _band(4)  # dot centre x = 50
    near = RecLine("61.34", [0.99] * 5, [17.0, 35.0, 66.0, 69.0, 87.0])
    far = RecLine("61.34", [0.99] * 5, [17.0, 35.0, 68.0, 69.5, 87.0])
    assert not unread_dot(near, b, TEXT_H)
    assert unread_dot(far, b, TEXT_H)


def test_period_dash_read_as_yi():
    assert fix_dashes("2025年7月一2028年12月") == "2025年7月—2028年12月"
    assert fix_dashes("2025.04一2026.09") == "2025.04—2026.09"
    assert fix_dashes("2025年一月") == "2025年一月"  # 一月 is January
    assert fix_dashes("第一2") == "第一2"


def test_two_dates_without_a_dash_are_doubted():
    assert _BARE_PERIOD.match("2025.04\n2026.09")
    assert _BARE_PERIOD.match("2025年7月 2028年12月")
    assert not _BARE_PERIOD.match("2025.04—2026.09")
    assert not _BARE_PERIOD.match("2025年3月10日")
