"""Perspective from the table grid (issue 9, photos): a close-up photo whose sheet edge is outside the frame is
squared up on its tables' outer frame (``cleanup.find_grid_quad``), so the grid is found whole."""
from __future__ import annotations

import cv2
import numpy as np

from extractor.ocr import cleanup, grid
from extractor.ocr.pipeline import clean_page

XS = [200, 600, 900, 1200, 1450]
YS = [400 + 90 * k for k in range(16)]


def _page() -> np.ndarray:
    """An A4 page at 200 dpi (1654 × 2339, grey) with a 15 × 4 table of ruled cells and a heading above it."""
    img = np.full((2339, 1654), 255, np.uint8)
    for y in YS:
        cv2.line(img, (XS[0], y), (XS[-1], y), 0, 2)
    for x in XS:
        cv2.line(img, (x, YS[0]), (x, YS[-1]), 0, 2)
    cv2.putText(img, "HEADING 2025", (400, 300), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 0, 4)
    for r in range(15):
        for c in range(4):
            cv2.putText(img, f"{r}{c}.5", (XS[c] + 30, YS[r] + 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    return img


def _keystone(img: np.ndarray, inset: float) -> np.ndarray:
    """The page photographed from below its middle: the top edge ``inset`` (share of the width) narrower on
    each side; the sheet still fills the frame (no desk, no edge)."""
    h, w = img.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[w * inset, 0], [w * (1 - inset), 0], [w, h], [0, h]])
    return cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=255)


def _grids(grey: np.ndarray) -> list:
    c = clean_page(np.dstack([grey] * 3), 200)
    return grid.find_tables(c.binary, grid.line_masks(c.binary))


def test_a_keystoned_close_up_is_squared_on_its_table_frame():
    g = _grids(_keystone(_page(), 0.05))
    big = [t for t in g if t.n_rows >= 10]
    assert len(big) == 1 and (big[0].n_rows, big[0].n_cols) == (15, 4) and len(big[0].cells) == 60
    # without the step the same photo's grid falls apart (the side rules lean 4.8°)
    binary = cleanup.binarize(cleanup.flatten_light(_keystone(_page(), 0.05)))
    plain = grid.find_tables(binary, grid.line_masks(binary))
    assert not any((t.n_rows, t.n_cols) == (15, 4) and len(t.cells) == 60 for t in plain)


def test_keystone_threshold():
    # KEYSTONE_MIN = 0.3°: the side rules of these two photos converge by 0.25° (left alone) and 0.38° (squared)
    assert cleanup.KEYSTONE_MIN == 0.3
    assert cleanup.find_grid_quad(cleanup.binarize(_keystone(_page(), 0.004))) is None
    assert cleanup.find_grid_quad(cleanup.binarize(_keystone(_page(), 0.006))) is not None
    # a plain page, and one only rotated (parallel sides however tilted), are never warped
    assert cleanup.find_grid_quad(cleanup.binarize(_page())) is None
    for angle in (0.5, 2.0, 4.0):
        assert cleanup.find_grid_quad(cleanup.binarize(cleanup.rotate(_page(), angle))) is None
    # GRID_SPAN: a table frame shorter than 0.35 of the page is no page frame (nothing to square on)
    small = np.full((2339, 1654), 255, np.uint8)
    for x in (200, 500):
        cv2.line(small, (x, 400), (x, 1100), 0, 2)
    for y in (400, 1100):
        cv2.line(small, (200, y), (500, y), 0, 2)
    assert cleanup.find_grid_quad(cleanup.binarize(_keystone(small, 0.05))) is None
    # KEYSTONE_LEN = 600 px: the keystoned page at 60 % (table sides 730–800 px) is measured, at 45 % (550–600)
    # it is not (a tenfold 60 px would measure pages too small to tell a tenth of a degree)
    k = _keystone(_page(), 0.05)
    big = cv2.resize(k, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)
    assert cleanup.find_grid_quad(cleanup.binarize(big)) is not None
    less = cv2.resize(k, None, fx=0.45, fy=0.45, interpolation=cv2.INTER_AREA)
    assert cleanup.find_grid_quad(cleanup.binarize(less)) is None


def test_a_bright_region_touching_the_frame_is_no_sheet_outline():
    # a sheet on a desk, all four corners in view: its outline
    desk = np.full((1200, 900), 60, np.uint8)
    cv2.fillConvexPoly(desk, np.int32([[80, 60], [820, 90], [840, 1130], [60, 1150]]), 235)
    assert cleanup.find_page_quad(desk) is not None
    # a close-up whose lit part touches two sides of the frame (shading, a vignette): no outline
    lit = np.full((1200, 900), 60, np.uint8)
    cv2.fillConvexPoly(lit, np.int32([[0, 0], [860, 0], [700, 1100], [0, 1150]]), 235)
    assert cleanup.find_page_quad(lit) is None
    # FRAME_MARGIN = 1 % of the frame: a corner 0.9 % from the border is on it, one 1.5 % away is not
    assert cleanup.FRAME_MARGIN == 0.01
    q = np.float32([[8, 8], [500, 9], [500, 500], [20, 500]])  # two corners 0.8–0.9 % from the border (1000 px)
    assert cleanup.on_frame(q, 1000, 1000) == 2
    q = np.float32([[15, 15], [500, 16], [500, 500], [16, 500]])
    assert cleanup.on_frame(q, 1000, 1000) == 0
