"""Table grids from ruling lines, on tables drawn with OpenCV (no OCR)."""
from __future__ import annotations

import cv2
import numpy as np

from extractor.ocr import grid
from extractor.ocr.cleanup import binarize


def page(w: int = 1400, h: int = 1000) -> np.ndarray:
    return np.full((h, w), 255, np.uint8)


def hline(img, x0, x1, y, t=2):
    cv2.line(img, (x0, y), (x1, y), 0, t)


def vline(img, x, y0, y1, t=2):
    cv2.line(img, (x, y0), (x, y1), 0, t)


def cells_of(g: grid.Grid) -> set[tuple[int, int, int, int]]:
    return {(c.row, c.col, c.rowspan, c.colspan) for c in g.cells}


XS, YS = [100, 400, 700, 1000, 1300], [100, 160, 220, 280]


def ruled(img: np.ndarray, xs: list[int], ys: list[int], vertical=vline) -> np.ndarray:
    """A plain grid of rules on ``img`` (``vertical`` draws each column line: ``(img, x, y0, y1)``)."""
    for y in ys:
        hline(img, xs[0], xs[-1], y)
    for x in xs:
        vertical(img, x, ys[0], ys[-1])
    return img


def test_plain_grid():
    xs, ys = XS, YS
    img = ruled(page(), xs, ys)
    tables = grid.find_tables(binarize(img))
    assert len(tables) == 1
    g = tables[0]
    assert (g.n_rows, g.n_cols) == (3, 4)
    assert len(g.cells) == 12
    assert all(abs(a - b) <= 2 for a, b in zip(g.xs, xs)) and all(abs(a - b) <= 2 for a, b in zip(g.ys, ys))
    c = next(c for c in g.cells if (c.row, c.col) == (1, 2))
    assert abs(c.box[0] - 700) <= 2 and abs(c.box[1] - 160) <= 2 and abs(c.box[2] - 1000) <= 2


def test_merged_cells_become_spans():
    """A title row over all columns, a label spanning two rows, a value spanning two columns."""
    img = page()
    X = [100, 300, 600, 900, 1200]
    Y = [100, 160, 220, 280, 340]
    hline(img, X[0], X[-1], Y[0])
    hline(img, X[0], X[-1], Y[1])
    hline(img, X[1], X[-1], Y[2])  # the label in column 0 spans rows 1-2: no rule under it
    hline(img, X[0], X[-1], Y[3])
    hline(img, X[0], X[-1], Y[4])
    vline(img, X[0], Y[0], Y[-1])
    vline(img, X[-1], Y[0], Y[-1])
    for x in X[1:-1]:
        vline(img, x, Y[1], Y[3])  # no column rules in the title row
    vline(img, X[1], Y[3], Y[4])
    vline(img, X[3], Y[3], Y[4])  # row 3: columns 1-2 merged
    g = grid.find_tables(binarize(img))[0]
    got = cells_of(g)
    assert (0, 0, 1, 4) in got  # full-width title row
    assert (1, 0, 2, 1) in got  # label spanning two rows
    assert (3, 1, 1, 2) in got  # value spanning two columns
    assert len(g.cells) == 1 + 1 + 3 + 3 + 3


def test_missing_outer_border_is_closed_by_the_other_rules():
    img = page()
    for y in (100, 170, 240):
        hline(img, 100, 1200, y)
    for x in (400, 800):  # no left and right border
        vline(img, x, 100, 240)
    g = grid.find_tables(binarize(img))[0]
    assert (g.n_rows, g.n_cols) == (2, 3)


def test_nested_table_touching_the_cell_border_stays_nested():
    """A table inside a writing box whose bottom rule is the box's own: two thin padding columns."""
    img = page(1400, 1200)
    hline(img, 100, 1300, 100)
    hline(img, 100, 1300, 1100)
    vline(img, 100, 100, 1100)
    vline(img, 1300, 100, 1100)
    for y in (700, 780, 860, 940, 1020):
        hline(img, 140, 1260, y)
    for x in (140, 500, 900, 1260):
        vline(img, x, 700, 1100)
    g = grid.find_tables(binarize(img))[0]
    assert len(g.cells) == 1  # the writing box
    assert len(g.nested) == 1
    n = g.nested[0]
    assert (n.n_rows, n.n_cols) == (5, 3)
    assert n.parent_cell == (0, 0)


def test_separate_nested_table_inside_a_cell():
    img = page(1400, 1000)
    for y in (100, 600):
        hline(img, 100, 1300, y)
    for x in (100, 500, 1300):
        vline(img, x, 100, 600)
    for y in (200, 300, 400):  # a small table floating inside the right cell
        hline(img, 600, 1200, y)
    for x in (600, 900, 1200):
        vline(img, x, 200, 400)
    tables = grid.find_tables(binarize(img))
    assert len(tables) == 1
    assert (tables[0].n_rows, tables[0].n_cols) == (1, 2)
    assert len(tables[0].nested) == 1 and tables[0].nested[0].parent_cell == (0, 1)


def test_underlined_text_is_not_a_table():
    """Cover pages underline the typed value: character strokes standing on the line are no rules."""
    img = page(1400, 400)
    cv2.putText(img, "HHHH IIII", (300, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.2, 0, 5)
    hline(img, 280, 900, 203, 2)
    assert grid.find_tables(binarize(img)) == []


def test_grid_json_round_trip():
    img = page()
    for y in (100, 200, 300):
        hline(img, 100, 1200, y)
    for x in (100, 600, 1200):
        vline(img, x, 100, 300)
    g = grid.find_tables(binarize(img))[0]
    again = grid.Grid.from_json(g.to_json())
    assert cells_of(again) == cells_of(g) and again.xs == g.xs


def _stair(img: np.ndarray, x: int, y0: int, y1: int, step: int, run: int) -> None:
    """A 1 px vertical rule from y0 to y1 that steps ``step`` px sideways every ``run`` px (a thin rule on a
    deskewed scan: no single pixel column holds a long run)."""
    for k, y in enumerate(range(y0, y1, run)):
        img[y:min(y + run, y1) + 1, x + (k % 2) * step] = 0


def test_a_rule_stepping_one_pixel_sideways_is_a_rule():
    # measured fault (issue 9): a header rule lost for a 1 px step merged four header cells into one
    def column(img, x, y0, y1):  # noqa: ANN001
        if x == 700:
            _stair(img, x, y0, y1, 1, 30)  # runs of 30 px, shorter than the 35 px rule length
        else:
            vline(img, x, y0, y1)

    img = ruled(page(), XS, YS, column)
    binary = binarize(img)
    assert not grid.line_masks(binary, settings=grid.OcrGridSettings(jog=0)).vertical[120:260, 695:706].any()
    g = grid.find_tables(binary)[0]
    assert (g.n_rows, g.n_cols) == (3, 4) and len(g.cells) == 12


def test_strokes_side_by_side_are_no_rule():
    # three 30 px strokes 6 px apart, each starting where the last ends (a column of characters): a sideways
    # step of 1 px joins nothing; a tenfold step would make them one 90 px rule
    img = page()
    for k in range(3):
        img[400 + 28 * k:430 + 28 * k, 200 + 6 * k] = 0
    binary = binarize(img)
    assert not grid.line_masks(binary).vertical.any()
    assert grid.line_masks(binary, settings=grid.OcrGridSettings(jog=10)).vertical.any()


def test_a_short_stepped_stroke_is_no_rule():
    # a dash touching a digit ('2025.09—'): 38 px with a 1 px step where it meets the digit — shorter than
    # jog_len (1.5) × the rule length (35 px), so no rule (it would be wiped from the text's ink)
    img = page()
    img[500, 300:319] = 0
    img[501, 319:338] = 0
    binary = binarize(img)
    assert not grid.line_masks(binary).horizontal.any()
    assert grid.line_masks(binary, settings=grid.OcrGridSettings(jog_len=0.15)).horizontal.any()
    # the long stepping rule of test_a_rule_stepping_one_pixel_sideways_is_a_rule (180 px) is within 1.5 × 35
    # but not within a tenfold 15 × 35
    img = page()
    _stair(img, 700, 100, 280, 1, 30)
    binary = binarize(img)
    assert grid.line_masks(binary).vertical.any()
    assert not grid.line_masks(binary, settings=grid.OcrGridSettings(jog_len=15)).vertical.any()


def test_only_table_rules_and_long_free_rules_are_wiped_from_the_ink():
    # FREE_RULE = 2 rule lengths (2 × 35 px here): a free 48 px stroke (a dash by a digit's bar, '2024.04—')
    # stays ink, a free 72 px one (an underline) is wiped; a 48 px piece meeting a vertical rule is a rule
    assert grid.FREE_RULE == 2.0
    img = page()
    img[300:302, 100:148] = 0  # free, 48 px
    img[400:402, 100:172] = 0  # free, 72 px
    img[500:502, 300:348] = 0  # 48 px, meeting a vertical rule at its right end
    img[450:560, 347:349] = 0
    binary = binarize(img)
    wiped = grid.ruling_ink(grid.line_masks(binary), binary)
    assert not wiped[300:302, 100:148].any()
    assert wiped[400:402, 100:172].all()
    assert wiped[500:502, 300:346].all()
    # a tenfold FREE_RULE keeps the underline; a tenth of it wipes the dash
    from extractor.ocr import ruling

    old = ruling.FREE_RULE
    try:
        ruling.FREE_RULE = 20.0
        assert not grid.ruling_ink(grid.line_masks(binary), binary)[400:402, 100:172].any()
        ruling.FREE_RULE = 0.2
        assert grid.ruling_ink(grid.line_masks(binary), binary)[300:302, 100:148].any()
    finally:
        ruling.FREE_RULE = old
