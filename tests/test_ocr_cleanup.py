"""Page clean-up on synthetic pages: seal suppression, deskew, orientation, perspective, lighting (no OCR)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from extractor.ocr import cleanup, grid, raster


def ruled_page(w: int = 1654, h: int = 2339) -> np.ndarray:
    img = np.full((h, w), 255, np.uint8)
    for y in range(300, 1901, 80):
        cv2.line(img, (200, y), (1450, y), 0, 2)
    for x in (200, 600, 1000, 1450):
        cv2.line(img, (x, 300), (x, 1900), 0, 2)
    return img


def text_page(w: int = 1654, h: int = 2339) -> np.ndarray:
    """Rows of glyph-like blobs: horizontal text lines without rules."""
    img = np.full((h, w), 255, np.uint8)
    rng = np.random.default_rng(1)
    for y in range(300, 2000, 55):
        x = 200
        while x < 1400:
            cw = int(rng.integers(18, 28))
            cv2.rectangle(img, (x, y), (x + cw, y + 26), 0, 2)
            cv2.line(img, (x, y + 13), (x + cw, y + 13), 0, 2)
            x += cw + 6
    return img


def rotate(img: np.ndarray, deg: float) -> np.ndarray:
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderValue=255)


@pytest.mark.parametrize("deg", [-2.0, -0.7, 1.3, 2.0])
def test_deskew_from_ruling_lines(deg):
    b = cleanup.binarize(rotate(ruled_page(), deg))
    # the angle found turns the page back: rotating by it levels the rules again
    assert abs(cleanup.skew_angle(b) + deg) < 0.15


@pytest.mark.parametrize("deg", [-1.5, 1.0])
def test_deskew_without_rules_uses_text_rows(deg):
    b = cleanup.binarize(rotate(text_page(), deg))
    assert abs(cleanup.skew_angle(b) + deg) < 0.3


def test_deskewed_page_gives_a_level_grid():
    img = rotate(ruled_page(), 1.8)
    b = cleanup.binarize(img)
    level = cleanup.rotate(img, cleanup.skew_angle(b), 255)
    g = grid.find_tables(cleanup.binarize(level))[0]
    assert (g.n_rows, g.n_cols) == (20, 3)


def test_text_direction():
    page = text_page()
    assert cleanup.text_direction(cleanup.binarize(page)) == 0
    assert cleanup.text_direction(cleanup.binarize(cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE))) == 90


def test_red_seal_disappears_in_the_red_channel():
    rgb = np.full((200, 400, 3), 255, np.uint8)
    cv2.putText(rgb, "8.58", (20, 120), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (0, 0, 0), 6)
    cv2.circle(rgb, (200, 100), 80, (214, 28, 34), 6)
    cv2.putText(rgb, "SEAL", (140, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (214, 28, 34), 4)
    assert cleanup.is_colour(rgb)
    red = cleanup.red_mask(rgb)
    assert red[100, 280] == 255 and red[120, 40] == 0  # the ring is red, the black digits are not
    grey = cleanup.to_grey(rgb)
    b = cleanup.binarize(grey)
    assert b[100, 280] == 0  # the seal ring is gone from the ink
    assert b[:, 20:130].sum() > 0  # the digits stay
    assert not cleanup.red_mask(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)).any()


def test_photo_page_outline_and_perspective():
    page = ruled_page()
    h, w = page.shape
    W, H = 2100, 2800
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[180, 140], [1900, 200], [1980, 2650], [120, 2600]])
    m = cv2.getPerspectiveTransform(src, dst)
    photo = cv2.warpPerspective(page, m, (W, H), borderValue=60)  # a dark desk around the sheet
    quad = cleanup.find_page_quad(photo)
    assert quad is not None
    assert np.abs(quad - dst).max() < 25
    flat = cleanup.warp(photo, quad, cleanup.quad_target(quad, 200), 255)
    assert flat.shape == (2339, 1654)
    g = grid.find_tables(cleanup.binarize(flat))[0]
    assert g.n_cols == 3 and g.n_rows == 20
    assert cleanup.find_page_quad(page) is None  # a flat scan: no outline to correct


def test_uneven_light_is_flattened():
    page = ruled_page().astype(np.float32)
    yy, xx = np.mgrid[0:page.shape[0], 0:page.shape[1]]
    shaded = (page * (0.45 + 0.55 * xx / page.shape[1])).astype(np.uint8)  # dark on the left
    flat = cleanup.flatten_light(shaded)
    paper = flat[page > 200]
    assert paper.min() > 200  # white paper everywhere after division
    g = grid.find_tables(cleanup.binarize(flat))[0]
    assert g.n_cols == 3


def test_images_and_multipage_tiff(tmp_path):
    from PIL import Image

    a = Image.fromarray(ruled_page())
    b = Image.fromarray(text_page())
    tif = tmp_path / "two.tif"
    a.save(tif, save_all=True, append_images=[b], dpi=(300, 300))
    pages = list(raster.image_pages(tif))
    assert [p.number for p in pages] == [1, 2] and pages[0].dpi == 300
    scaled = raster.scale_to(pages[0], 200)
    assert scaled.image.shape[1] == round(1654 * 200 / 300)
    png = tmp_path / "one.png"
    a.save(png)
    assert [p.dpi for p in raster.image_pages(png)] == [raster.DEFAULT_DPI]


def test_pdf_pages_rendered_at_the_chosen_dpi(tmp_path):
    from PIL import Image

    pdf = tmp_path / "scan.pdf"
    Image.fromarray(ruled_page()).save(pdf, resolution=200.0)
    (p,) = list(raster.pdf_pages(pdf, dpi=100))
    assert abs(p.image.shape[0] - 1170) <= 1 and abs(p.image.shape[1] - 827) <= 1 and p.image.ndim == 3
