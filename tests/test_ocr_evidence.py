"""Evidence that makes an OCR value ``review`` instead of silently wrong (issue 9, families 3 and 6), tested on
synthetic recogniser output and ink, without the engine."""
from __future__ import annotations

import numpy as np
import pytest

from extractor.ocr.cell_text import BARE_PERIOD as _BARE_PERIOD
from extractor.ocr.cell_text import fix_dashes
from extractor.ocr.engines import RecLine
from extractor.ocr.evidence import dropped_dash, unread_dot

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


# ---------------------------------------------------------------- a period's dash dropped by the recogniser
def _dated(dash_w: int | None, dash_h: int = 2, dash_top: int = 10, after: bool = False) -> tuple[RecLine, np.ndarray]:
    """'2025.09' as seven 14 px blobs (centres 17, 35, …, 125), a dash touching the last one, ``dash_w`` px long
    and ``dash_h`` high from row ``dash_top`` of a 22 px band; ``after``: a character follows the dash."""
    b = np.zeros((22, 240), np.uint8)
    xs = [17.0 + 18 * k for k in range(7)]
    for x in xs:
        b[1:21, int(x) - 7:int(x) + 7] = 255
    if dash_w is not None:
        b[dash_top:dash_top + dash_h, 132:132 + dash_w] = 255
    if after:
        b[1:21, 132 + (dash_w or 0) + 6:132 + (dash_w or 0) + 20] = 255
    return RecLine("2025.09", [1.0] * 7, xs), b


def test_a_dropped_dash_after_a_date_is_restored_for_review():
    from extractor.ocr.evidence import DASH_PROB
    from extractor.thresholds import SOURCE_OK

    r, b = _dated(28)
    out = dropped_dash(r, b, TEXT_H)
    assert out.text == "2025.09—" and out.probs[-1] == DASH_PROB < SOURCE_OK and len(out.xs) == 8
    assert dropped_dash(*_dated(None), TEXT_H).text == "2025.09"  # no ink after the date
    assert dropped_dash(*_dated(28, after=True), TEXT_H).text == "2025.09"  # a character follows: not a lone dash
    r, b = _dated(28)
    assert dropped_dash(RecLine("2025年9月", [1.0] * 7, r.xs), b, TEXT_H).text == "2025年9月"  # no digit last


def test_dropped_dash_size_boundaries():
    # DASH_CLEAR = 0.4 text heights: the tail is looked for from x = 125 + 11 = 136, the dash starts at 132;
    # DASH_MIN_W = 0.6 text heights (16.8 px) of it must lie beyond: 21 px of dash (17 beyond) yes, 20 (16) no
    assert dropped_dash(*_dated(21), TEXT_H).text.endswith("—")
    assert not dropped_dash(*_dated(20), TEXT_H).text.endswith("—")
    # DASH_MAX_H = 0.25 text heights (7 px): 7 px high yes, 8 px no
    assert dropped_dash(*_dated(28, dash_h=7, dash_top=8), TEXT_H).text.endswith("—")
    assert not dropped_dash(*_dated(28, dash_h=8, dash_top=7), TEXT_H).text.endswith("—")
    # DASH_MID = 0.3–0.75 of the line height: middle at 0.73 yes; at 0.77 (an underline) no; at 0.27 no
    assert dropped_dash(*_dated(28, dash_top=15), TEXT_H).text.endswith("—")  # (15 + 1) / 22 = 0.73
    assert not dropped_dash(*_dated(28, dash_top=16), TEXT_H).text.endswith("—")  # 17 / 22 = 0.77
    assert not dropped_dash(*_dated(28, dash_top=5), TEXT_H).text.endswith("—")  # 6 / 22 = 0.27
    assert dropped_dash(*_dated(28, dash_top=6), TEXT_H).text.endswith("—")  # 7 / 22 = 0.32


# ---------------------------------------------------------------- a space read inside a letter-spaced number
def _spaced(gaps: list[int], text: str) -> tuple[RecLine, np.ndarray]:
    """Glyphs 12 px wide separated by ``gaps`` (px); ``text`` has one character per glyph plus its spaces (at a
    space the recogniser read, its x is the middle of the gap)."""
    b = np.zeros((22, 400), np.uint8)
    x, centres = 5, []
    for k in range(len(gaps) + 1):
        b[1:21, x:x + 12] = 255
        centres.append(x + 6.0)
        if k < len(gaps):
            x += 12 + gaps[k]
    xs, g = [], 0
    for i, ch in enumerate(text):
        if ch == " ":
            xs.append((centres[g - 1] + centres[g]) / 2)
        else:
            xs.append(centres[g])
            g += 1
    return RecLine(text, [0.99] * len(text), xs), b


def test_a_space_between_evenly_spaced_digits_is_dropped_for_review():
    from extractor.ocr.evidence import SPACE_PROB, spaced_digits

    out = spaced_digits(*_spaced([8, 8, 8, 8, 8], "5.5 6%1"), TEXT_H)
    assert out.text == "5.56%1" and out.probs[3] == SPACE_PROB and len(out.xs) == 6
    # a thousands gap (the gap 3 times the others) is a typed space: kept
    assert spaced_digits(*_spaced([12, 4, 4, 4, 4], "1 204.5"), TEXT_H).text == "1 204.5"
    # between words, spaces are not ours to judge
    r, b = _spaced([8, 8, 8, 8, 8], "ab cdef")
    assert spaced_digits(r, b, TEXT_H).text == "ab cdef"


def test_spaced_digits_ratio_boundary():
    from extractor.ocr.evidence import SPACE_RATIO, spaced_digits

    assert SPACE_RATIO == 1.6
    # median of the other gaps 5 px: a gap of 8 (1.6 ×) is letter spacing, 9 (1.8 ×) a typed space
    assert spaced_digits(*_spaced([5, 8, 5, 5, 5], "12 3.45"), TEXT_H).text == "123.45"
    assert spaced_digits(*_spaced([5, 9, 5, 5, 5], "12 3.45"), TEXT_H).text == "12 3.45"


# ---------------------------------------------------------------- faint marks beside a value (a fax's black seal)
def _line(text: str, probs: list[float], marks: int = 0) -> tuple:
    return (0, (0, 0, 10, 10), text, probs, 1.0, marks)


def test_faint_marks_beside_a_sure_value_are_left_out():
    from extractor.ocr.assemble import drop_faint_lines

    items = [_line("4", [1.0]), _line("T", [0.1]), _line("林", [0.59])]
    kept, faint = drop_faint_lines(items)
    assert [it[2] for it in kept] == ["4"] and faint == ["T", "林"]
    # FAINT_LINE = 0.6: a mark read at 0.6 stays
    assert drop_faint_lines([_line("4", [1.0]), _line("林", [0.6])])[1] == []
    # FAINT_CHARS = 3: a faint line of 4 characters is text, not marks
    assert drop_faint_lines([_line("4", [1.0]), _line("林米果海", [0.2] * 4)])[1] == []
    assert drop_faint_lines([_line("4", [1.0]), _line("林米果", [0.2] * 3)])[1] == ["林米果"]
    # SURE_LINE = 0.9: no line read surely, nothing left out; a tick-box line is never left out
    assert drop_faint_lines([_line("4", [0.89]), _line("T", [0.1])])[1] == []
    assert drop_faint_lines([_line("4", [0.9]), _line("T", [0.1])])[1] == ["T"]
    assert drop_faint_lines([_line("4", [1.0]), _line("☑", [0.1], marks=1)])[1] == []
    # VALUE_CHARS = 20: beside a longer text nothing is judged
    assert drop_faint_lines([_line("1" * 20, [1.0] * 20), _line("T", [0.1])])[1] == ["T"]
    assert drop_faint_lines([_line("1" * 21, [1.0] * 21), _line("T", [0.1])])[1] == []
    # beside words a faint line is the rest of a wrapped word (董家 / 塅高 / 科园, measured): kept
    assert drop_faint_lines([_line("董家", [1.0, 1.0]), _line("塅高", [0.3, 0.9]), _line("科园", [1.0, 1.0])])[1] == []
    # half the sure line's characters digits: P24 is a number read beside marks, PXX4 not
    assert drop_faint_lines([_line("P24", [1.0] * 3), _line("T", [0.1])])[1] == ["T"]
    assert drop_faint_lines([_line("PX24", [1.0] * 4), _line("T", [0.1])])[1] == ["T"]
    assert drop_faint_lines([_line("PXX4", [1.0] * 4), _line("T", [0.1])])[1] == []


# ---------------------------------------------------------------- the seal's own text in a sealed cell
def test_the_seals_light_text_is_left_out_of_a_sealed_cell():
    from extractor.ocr.assemble import SEAL_TONE, drop_seal_lines
    from extractor.ocr.pipeline import ink_tone

    assert SEAL_TONE == 140
    def ln(text: str, tone: float, marks: int = 0) -> tuple:
        return (0, (0, 0, 10, 10), text, [1.0] * len(text), 1.0, marks, tone)

    # measured: the seal's lines 164–188, black print 90–116 (10th percentile of the ink's grey)
    kept, gone = drop_seal_lines([ln("54.48", 98.0), ln("和信", 140.0)])
    assert [it[2] for it in kept] == ["54.48"] and gone == ["和信"]
    assert drop_seal_lines([ln("54.48", 98.0), ln("和信", 139.0)])[1] == []
    assert drop_seal_lines([ln("和信", 180.0), ln("专用", 185.0)])[1] == []  # all light: nothing else to read
    assert drop_seal_lines([ln("54.48", 98.0), ln("☑", 180.0, marks=1)])[1] == []
    # ink_tone: the darkest tenth of the ink in the box
    grey = np.full((10, 10), 255, np.uint8)
    ink = np.zeros((10, 10), np.uint8)
    grey[2:8, 2:8] = 180
    grey[2:8, 2] = 60
    ink[2:8, 2:8] = 255
    assert ink_tone(grey, ink, (0, 0, 10, 10)) == 60.0
    grey[2:8, 2] = 180
    assert ink_tone(grey, ink, (0, 0, 10, 10)) == 180.0


def test_a_thin_dash_under_a_seal_is_print():
    # measured: '2024—2026年' under a seal lost its dash (a 1 px stroke is light however black its ink)
    from extractor.ocr.assemble import drop_seal_lines

    line = lambda text, tone: (0, (0, 0, 10, 10), text, [1.0] * len(text), 1.0, 0, tone)  # noqa: E731
    assert drop_seal_lines([line("2024", 90.0), line("—", 170.0), line("2026年", 95.0)])[1] == []
    assert drop_seal_lines([line("2024", 90.0), line("—十", 170.0)])[1] == ["—十"]


def test_a_point_read_twice_between_digits_is_one_point():
    assert fix_dashes("2024,.05—\n2027.09") == "2024.05—\n2027.09"
    assert fix_dashes("3.,5") == "3.5"
    assert fix_dashes("1,234.5") == "1,234.5" and fix_dashes("是,.否") == "是,.否"  # only between digits



# ---------------------------------------------------------------- look-alikes of the other script (issue 9)
from extractor.ocr.assemble import CHAR_OK, cell_confidence  # noqa: E402
from extractor.ocr.cell_text import LOOKALIKE_PROB, cross_script  # noqa: E402


@pytest.mark.parametrize("text,want", [
    ("荷塘I业集中区", "荷塘工业集中区"),  # Latin I between ideographs
    ("轨道工程机械、IGB丁模块", "轨道工程机械、IGBT模块"),  # 丁 right after a Latin capital
    ("5G丁8", "5GT8"), ("IGB丁", "IGBT"),  # at the text's end too
])
def test_a_look_alike_of_the_other_script_is_put_right(text, want):
    assert cross_script(text) == (want, 1)


@pytest.mark.parametrize("text", ["IGBT模块", "I类", "第I", "丁香", "3丁二烯", "市丁家", "ABC", "荷塘I\n业"])
def test_a_character_with_a_neighbour_of_its_own_script_or_none_stays(text):
    assert cross_script(text) == (text, 0)


def test_a_cell_with_a_look_alike_put_right_is_reviewed():
    # the pieces of the line were read at 0.99: the cell's text is ours where a look-alike was put right; one
    # character to check, so it stays above what was barely read (< 0.5) in the review queue
    conf, notes = cell_confidence([0.99] * 6 + [LOOKALIKE_PROB], 0.0, False, 1.0)
    assert LOOKALIKE_PROB < CHAR_OK and 0.5 <= conf < 0.9 and notes


# ---------------------------------------------------------------- traditional characters read (issue 9)
from extractor.ocr.cell_text import TRADITIONAL_PROB, simplified  # noqa: E402


@pytest.mark.parametrize("text,want,trad", [
    ("崔靜", "崔静", "靜"), ("姚\n靜", "姚\n静", "靜"),  # the recogniser's 靜 for 静 (a fresh user's scans, ok)
    ("後來的發展", "后来的发展", "後來發"),
    ("乾坤", "乾坤", ""), ("董家塅高科园", "董家塅高科园", ""), ("IGBT", "IGBT", ""),  # nothing to convert
])
def test_traditional_characters_read_are_taken_as_simplified(text, want, trad):
    assert simplified(text) == (want, trad)


def test_a_cell_with_traditional_characters_read_is_reviewed():
    conf, notes = cell_confidence([0.99] * 2 + [TRADITIONAL_PROB], 0.0, False, 1.0)
    assert TRADITIONAL_PROB < CHAR_OK and 0.5 <= conf < 0.9 and notes  # one character to check: not unreadable


def test_the_seals_light_text_outside_tables_is_no_paragraph():
    # a seal sticking out above a table continued from the page before: its text (tone 174–187) was read as
    # paragraphs between the table's two parts, and they were not stitched (40 values not found)
    from extractor.ocr.assemble import seal_free

    def ln(text: str, tone: float, marks: int = 0) -> tuple:
        return (0, (0, 0, 10, 10), text, [1.0] * len(text), 1.0, marks, tone)

    items = [ln("工业和信", 179.0), ln("信", 140.0), ln("二、集群发展", 139.0), ln("□", 180.0, marks=1), ln("标题", 0.0)]
    assert [it[2] for it in seal_free(items)] == ["二、集群发展", "□", "标题"]  # tone 0: a page without a seal
    assert seal_free([ln("工业和信", 179.0)]) == []  # the only free text: still the seal's
