"""Curved pages straightened on their ruling lines (issue 9, photos): ``extractor.ocr.dewarp``."""
from __future__ import annotations

import cv2
import numpy as np

from extractor.ocr import cleanup, dewarp, grid
from extractor.ocr.pipeline import clean_page

from test_ocr_keystone import _page


def _curl(img: np.ndarray, bow: float) -> np.ndarray:
    """The page bent like a sheet curling on a desk: its rows bow by ``bow`` px in the middle (a half sine)."""
    h, w = img.shape
    mx, my = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    my = my + (bow * np.sin(np.pi * mx / w)).astype(np.float32)
    return cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderValue=255)


def _whole(binary: np.ndarray) -> bool:
    g = grid.find_tables(binary, grid.line_masks(binary))
    return any((t.n_rows, t.n_cols) == (15, 4) and len(t.cells) == 60 for t in g)


def test_a_curled_page_is_straightened_on_its_rules():
    curled = _curl(_page(), 40.0)
    assert not _whole(cleanup.binarize(curled))  # the bowed rules break the grid
    c = clean_page(np.dstack([curled] * 3), 200)
    assert _whole(c.binary)
    # every rule straight again: none departs more than 2 px from its line
    assert dewarp.displacement(dewarp.bowed_rules(c.binary)) <= 2.0


def test_bow_threshold():
    # BOW_MIN = 5 px of departure from the rule's straight line: a flat page and a sheet bowing 10 px in the
    # middle (departure 4.5 px) are left alone, one bowing 12 px (5.4 px) is straightened
    assert dewarp.BOW_MIN == 5.0
    assert dewarp.flatten_curve(cleanup.binarize(_page())) is None
    assert dewarp.flatten_curve(cleanup.binarize(_curl(_page(), 10.0))) is None
    assert dewarp.flatten_curve(cleanup.binarize(_curl(_page(), 12.0))) is not None
    # RULE_SPAN: rules shorter than 0.3 of the page width are not the page's rows
    short = np.full((2339, 1654), 255, np.uint8)
    for y in (400, 600, 800):
        cv2.line(short, (200, y), (600, y), 0, 2)  # 0.24 of the width
    assert dewarp.bowed_rules(cleanup.binarize(_curl(short, 40.0))) == []
