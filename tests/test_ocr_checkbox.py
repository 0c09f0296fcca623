"""Tick boxes by pixels (drawn with OpenCV), and the rewrite of recognised text around them (no OCR)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from extractor.validate.normalize import parse_checks
from extractor.ocr import checkbox
from extractor.ocr.checkbox import Mark
from extractor.ocr.engines import RecLine

H = 28  # text height in pixels


def line_with(kind: str) -> np.ndarray:
    """A binary line image (ink = 255) holding one box of the given kind at x 20..40."""
    img = np.zeros((H + 10, 200), np.uint8)
    x0, y0, s = 20, 9, 20
    if kind == "filled":
        cv2.rectangle(img, (x0, y0), (x0 + s, y0 + s), 255, -1)
        return img
    cv2.rectangle(img, (x0, y0), (x0 + s, y0 + s), 255, 2)
    if kind == "tick":
        cv2.line(img, (x0 + 4, y0 + 10), (x0 + 8, y0 + 16), 255, 2)
        cv2.line(img, (x0 + 8, y0 + 16), (x0 + 17, y0 + 4), 255, 2)
    elif kind == "cross":
        cv2.line(img, (x0 + 4, y0 + 4), (x0 + 16, y0 + 16), 255, 2)
        cv2.line(img, (x0 + 16, y0 + 4), (x0 + 4, y0 + 16), 255, 2)
    # an option's text to the right
    cv2.rectangle(img, (60, 10), (85, 32), 255, 2)
    cv2.line(img, (60, 21), (85, 21), 255, 2)
    return img


@pytest.mark.parametrize("kind,ticked", [("empty", False), ("tick", True), ("cross", True), ("filled", True)])
def test_box_decided_by_pixels(kind, ticked):
    marks = checkbox.find_boxes(line_with(kind), H, offset=(100, 50))
    boxes = [m for m in marks if m.x0 < 150]
    assert len(boxes) == 1
    m = boxes[0]
    assert m.ticked is ticked and m.confidence >= 0.9
    assert 115 <= m.x0 <= 125 and 55 <= m.y0 <= 62  # page coordinates


def test_interior_ratio_thresholds():
    assert checkbox.interior_decision(0.0) == (False, 1.0)
    assert checkbox.interior_decision(0.5) == (True, 1.0)
    ticked, conf = checkbox.interior_decision((checkbox.EMPTY_MAX + checkbox.TICK_MIN) / 2 + 0.001)
    assert conf < 0.9  # between the thresholds: unsure, the cell goes to review


def rec(text: str, xs: list[float], p: float = 0.99) -> RecLine:
    return RecLine(text, [p] * len(text), xs)


def test_rewrite_puts_the_pixel_decision_before_each_option():
    # the recogniser read "是□否": it dropped the ticked box before 是 and read the empty one
    r = rec("是□否", [40.0, 70.0, 95.0])
    marks = [Mark(10, 28, 0, 20, True, 1.0, "box"), Mark(62, 80, 0, 20, False, 1.0, "box")]
    text, probs = checkbox.rewrite(r, 0.0, marks, H)
    assert text == "☑是□否"
    assert len(probs) == 2  # the box characters' probabilities are not kept: pixels decided them
    assert parse_checks(text, ["是", "否"]).chosen == ["是"]


def test_rewrite_replaces_a_misread_box():
    r = rec("口是冈否", [15.0, 40.0, 70.0, 95.0])  # 口 / 冈: how a recogniser reads □ / ☒
    marks = [Mark(8, 26, 0, 20, False, 1.0, "box"), Mark(62, 80, 0, 20, True, 1.0, "box")]
    text, _ = checkbox.rewrite(r, 0.0, marks, H)
    assert text == "□是☑否"


def band(*glyphs: tuple[int, int]) -> np.ndarray:
    """A line's ink (H rows) with a block of ink for each (x0, x1)."""
    ink = np.zeros((H, 220), np.uint8)
    for a, b in glyphs:
        cv2.rectangle(ink, (a, 4), (b, H - 4), 255, 2)
    return ink


def test_confirm_keeps_boxes_and_rejects_characters_shaped_like_one():
    square = Mark(99, 122, 3, H - 3, True, 1.0, "box")  # as drawn (2-px outline)
    alone = band((100, 120), (128, 150))  # the box at the start of the line, its option after it
    inside = band((70, 96), (100, 120), (124, 150))  # the "box" glued inside a word
    # the recogniser read a box glyph there: a box, wherever it stands
    assert checkbox.confirm([square], rec("☑是", [110.0, 140.0]), 0.0, H, inside, 0, 0) == [square]
    # it read nothing there (it drops ☑ and ■): a box where an option's box stands, not inside a word
    assert checkbox.confirm([square], rec("是", [140.0]), 0.0, H, alone, 0, 0) == [square]
    assert checkbox.confirm([square], rec("出是", [83.0, 140.0]), 0.0, H, inside, 0, 0) == []
    # it read a CJK character there (国, 回, 品 …): that character, not a box
    assert checkbox.confirm([square], rec("中国家", [80.0, 110.0, 140.0]), 0.0, H, inside, 0, 0) == []
    # 口 at the start of the line is a misread box; 口 inside a word (出口) is the character
    assert checkbox.confirm([square], rec("口是", [110.0, 140.0]), 0.0, H, alone, 0, 0) == [square]
    assert checkbox.confirm([square], rec("出口", [80.0, 110.0]), 0.0, H, inside, 0, 0) == []
    # a small square low in the line (the 口 at the foot of 品) is no box
    low = Mark(99, 111, 16, 27, True, 1.0, "box")
    assert checkbox.confirm([low], rec("是", [140.0]), 0.0, H, alone, 0, 0) == []


def test_bare_tick_read_by_the_recogniser_counts_as_ticked():
    ink = np.zeros((H, 200), np.uint8)
    cv2.line(ink, (10, 14), (16, 22), 255, 3)
    cv2.line(ink, (16, 22), (28, 4), 255, 3)
    marks = checkbox.tick_marks(rec("√是", [19.0, 50.0]), 0.0, ink, 0, H, [], 0, H)
    assert len(marks) == 1 and marks[0].ticked
    text, _ = checkbox.rewrite(rec("√是", [19.0, 50.0]), 0.0, marks, H)
    assert text == "☑是"


def test_dropped_tick_at_line_start_is_found():
    ink = np.zeros((H, 200), np.uint8)
    cv2.line(ink, (6, 14), (12, 22), 255, 3)
    cv2.line(ink, (12, 22), (24, 4), 255, 3)
    cv2.rectangle(ink, (30, 4), (54, 24), 255, 2)  # the option's first character, close by
    cv2.line(ink, (30, 14), (54, 14), 255, 2)
    ink[14, 26:30] = 255  # a speck of noise glues the tick to it
    r = rec("是", [42.0])  # the recogniser dropped the ✔
    marks = checkbox.orphan_marks(r, 0.0, ink, 0, H, [], 0, H)
    assert len(marks) == 1 and marks[0].ticked and marks[0].kind == "tick" and marks[0].x0 < 10


def test_filled_box_glued_to_its_option_is_found():
    ink = np.zeros((H, 200), np.uint8)
    cv2.rectangle(ink, (4, 6), (19, 21), 255, -1)  # ■
    ink[13, 20:23] = 255
    cv2.rectangle(ink, (23, 4), (47, 24), 255, 2)
    marks = checkbox.orphan_marks(rec("是", [36.0]), 0.0, ink, 0, H, [], 0, H)
    assert len(marks) == 1 and marks[0].ticked and marks[0].kind == "filled"
    # inside running text (no space before it) nothing is made up
    text = np.zeros((H, 200), np.uint8)
    cv2.rectangle(text, (4, 4), (26, 24), 255, 2)
    cv2.rectangle(text, (30, 6), (45, 21), 255, -1)
    cv2.rectangle(text, (49, 4), (72, 24), 255, 2)
    assert checkbox.orphan_marks(rec("国家", [15.0, 60.0]), 0.0, text, 0, H, [], 0, H) == []


def test_square_with_ink_stacked_above_is_part_of_a_character():
    # 品 on a fax: its lower-left 口 is a square half a text height tall, low in the line, with the upper 口 over it
    ink = np.zeros((28, 80), np.uint8)
    cv2.rectangle(ink, (8, 1), (20, 12), 255, 2)  # upper 口
    cv2.rectangle(ink, (0, 14), (13, 27), 255, 2)  # lower-left 口 (the candidate)
    cv2.rectangle(ink, (15, 14), (27, 27), 255, 2)  # lower-right 口
    part = Mark(0, 13, 14, 27, True, 1.0, "box")
    assert checkbox.stacked(ink, part, 0, 0)
    assert checkbox.confirm([part], rec("质量", [45.0, 70.0]), 0.0, 26.0, ink, 0, 0) == []
    # a box standing alone: nothing above or below it
    lone = np.zeros((28, 80), np.uint8)
    cv2.rectangle(lone, (0, 4), (18, 23), 255, 2)
    assert not checkbox.stacked(lone, Mark(0, 18, 4, 23, True, 1.0, "box"), 0, 0)


def test_stack_share_boundaries():
    assert checkbox.STACK_SHARE == 0.3 and checkbox.STACK_MARGIN == 2
    m = Mark(0, 19, 10, 20, True, 1.0, "box")  # 20 columns
    for cols, want in ((6, True), (5, False)):  # 6/20 = 0.30 ≥ 0.3; 5/20 = 0.25
        ink = np.zeros((28, 40), np.uint8)
        ink[2, 0:cols] = 255  # ink 8 rows above the square, in the first `cols` columns
        assert checkbox.stacked(ink, m, 0, 0) is want
    # ink within STACK_MARGIN (2 px) of the square is its own outline: 2 px above counts not, 3 px does
    for row, want in ((8, False), (7, True)):
        ink = np.zeros((28, 40), np.uint8)
        ink[row, 0:20] = 255
        assert checkbox.stacked(ink, m, 0, 0) is want


def test_stack_test_only_for_squares_below_max_height():
    assert checkbox.STACK_MAX_H == 0.7
    text_h = 20.0
    for y0, kept in ((7, False), (5, True)):  # square 13 px (0.65 text heights) tested; 15 px (0.75) not
        ink = np.zeros((24, 60), np.uint8)
        m = Mark(0, 14, y0, 20, True, 1.0, "box")
        cv2.rectangle(ink, (0, y0), (14, 20), 255, 2)
        ink[0:2, 0:14] = 255  # a stroke above it (a tick drawn out of its box, or the upper part of 品)
        out = checkbox.confirm([m], rec("是", [45.0]), 0.0, text_h, ink, 0, 0)
        assert (out == [m]) is kept, (y0, out)


def _option_line(tick: bool) -> tuple[np.ndarray, RecLine]:
    """An option line's ink (a ✔ at the start when ``tick``, then three characters) and what the recogniser read:
    the characters only (it drops a faint ✔)."""
    ink = np.zeros((H, 200), np.uint8)
    if tick:
        cv2.line(ink, (6, 14), (12, 22), 255, 3)
        cv2.line(ink, (12, 22), (24, 4), 255, 3)
    for x in (34, 62, 90):
        cv2.rectangle(ink, (x, 4), (x + 22, 24), 255, 2)
        cv2.line(ink, (x, 14), (x + 22, 14), 255, 2)
    return ink, rec("是否否", [45.0, 73.0, 101.0])


@pytest.mark.parametrize("ticked_lines,found", [(1, 0), (2, 2), (3, 3)])
def test_a_cell_with_orphan_marks_on_two_lines_holds_options(ticked_lines, found):
    # no box found and no box glyph read in the cell: only the ✔ the recogniser dropped say it holds options;
    # ORPHAN_LINES = 2 such lines make it an option cell, one is a speck as often as a mark
    lines = [_option_line(k < ticked_lines) for k in range(4)]
    marks = checkbox.add_orphans([7] * 4, [r for _, r in lines], [ink for ink, _ in lines], [0] * 4,
                                 [(0, H)] * 4, H, [[] for _ in lines])
    assert sum(len(m) for m in marks) == found
    assert all(m.ticked and m.kind == "tick" for ms in marks for m in ms)
    # only the orphans said the cell holds options (bullets look the same): its marks are doubted, the cell reviewed
    from extractor.ocr.assemble import MARK_OK, cell_confidence

    assert all(m.confidence == checkbox.ORPHAN_ONLY < MARK_OK for ms in marks for m in ms)
    if found:
        conf, notes = cell_confidence([0.99], 0.0, False, min(m.confidence for ms in marks for m in ms))
        assert 0.8 <= conf < 0.9 and any("tick box unclear" in n for n in notes)  # doubted, not unreadable


def test_orphan_marks_of_a_cell_with_a_box_found_keep_their_confidence():
    lines = [_option_line(True), _option_line(False)]
    box = [Mark(100, 118, 0, H, False, 1.0, "box")]  # a box found on the second line: an option cell anyway
    marks = checkbox.add_orphans([3, 3], [r for _, r in lines], [ink for ink, _ in lines], [0, 0], [(0, H)] * 2, H,
                                 [[], box])
    assert [m.confidence for m in marks[0]] == [0.9]


def test_orphan_marks_are_not_looked_for_outside_tables():
    lines = [_option_line(True) for _ in range(3)]
    marks = checkbox.add_orphans([-1] * 3, [r for _, r in lines], [ink for ink, _ in lines], [0] * 3,
                                 [(0, H)] * 3, H, [[] for _ in lines])
    assert marks == [[], [], []]


@pytest.mark.parametrize("box_x,orphan", [(24.0, False), (32.0, False), (34.0, True)])
def test_a_mark_the_recogniser_read_beside_the_glyph_is_no_orphan(box_x, orphan):
    # nm-amc at 150 dpi: '□' read 6 px beyond its 12 px glyph was taken for a second, ticked mark before an empty
    # option. READ_MARK_NEAR = 0.5 text heights (14 px): the read '□' at 24 or 32 is that glyph (its right edge
    # is at 19), at 34 it is not
    ink = np.zeros((H, 200), np.uint8)
    cv2.line(ink, (6, 14), (10, 22), 255, 2)
    cv2.line(ink, (10, 22), (18, 4), 255, 2)
    cv2.rectangle(ink, (26, 4), (50, 24), 255, 2)
    cv2.line(ink, (26, 14), (50, 14), 255, 2)
    marks = checkbox.orphan_marks(rec("□是", [box_x, 38.0]), 0.0, ink, 0, H, [], 0, H)
    assert bool(marks) is orphan
