"""Debug overlay: what the OCR path saw on a page, drawn on the cleaned page image (PNG).

* table cells (blue; nested tables cyan), cells with doubtful source confidence (red, thick);
* text line crops handed to the recogniser (green) with the text read (when a CJK font is found);
* tick boxes decided by pixels (ticked: filled red square; empty: orange outline);
* cells under a seal (magenta cross);
* located sections (the map's section name at the top left of the rows it covers).

``extractor inspect FILE --overlay OUTDIR`` writes one ``<file>.p<N>.png`` per page: the caller reads the
file (keeping the page images) and hands over the pages and the located sections; nothing here imports a
stage after OCR.
``crop(path, page, bbox)`` cuts a value's region from the cleaned page, for a reviewer.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from .pipeline import PageOCR

FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]


def _font(size: int):  # noqa: ANN202
    from PIL import ImageFont

    for f in FONTS:
        if Path(f).exists():
            return ImageFont.truetype(f, size)
    return None


def overlay(p: PageOCR, image: np.ndarray | None = None, sections: list[tuple[str, tuple]] | None = None) -> np.ndarray:
    """An RGB image of the page with the OCR results drawn on it. ``sections``: (name, pixel box) pairs."""
    from PIL import Image, ImageDraw

    base = image if image is not None else p.image
    if base is None:
        base = np.full((p.size[1], p.size[0]), 255, np.uint8)
    rgb = cv2.cvtColor(base, cv2.COLOR_GRAY2RGB) if base.ndim == 2 else base.copy()
    rgb = (rgb.astype(np.float32) * 0.55 + 255 * 0.45).astype(np.uint8)  # pale page, strong marks
    for ti, g in enumerate(p.tables):
        colour = (0, 150, 220) if p.parents[ti] >= 0 else (30, 60, 220)
        for c in g.cells:
            x0, y0, x1, y1 = c.box
            cv2.rectangle(rgb, (x0, y0), (x1, y1), colour, 2)
    for r in p.regions:
        if r.table < 0:
            continue
        x0, y0, x1, y1 = r.box
        if r.red >= 0.004:
            cv2.line(rgb, (x0, y0), (x1, y1), (220, 0, 200), 2)
            cv2.line(rgb, (x0, y1), (x1, y0), (220, 0, 200), 2)
        if r.crossing:
            cv2.rectangle(rgb, (x0 + 3, y0 + 3), (x1 - 3, y1 - 3), (230, 30, 30), 3)
    for ln, rec, marks in zip(p.lines, p.rec, p.marks):
        x0, y0, x1, y1 = ln.crop
        low = rec.min_prob < 0.93
        cv2.rectangle(rgb, (x0, y0), (x1, y1), (230, 30, 30) if low else (20, 170, 60), 2 if low else 1)
        for m in marks:
            a, b, c, d = int(m.x0), int(m.y0), int(m.x1), int(m.y1)
            if m.ticked:
                cv2.rectangle(rgb, (a, b), (c, d), (230, 30, 30), -1)
            else:
                cv2.rectangle(rgb, (a, b), (c, d), (255, 140, 0), 2)
    im = Image.fromarray(rgb)
    draw = ImageDraw.Draw(im)
    font = _font(max(12, int(p.text_h * 0.6)))
    if font is not None:
        for ln, rec in zip(p.lines, p.rec):
            x0, y0, _, _ = ln.crop
            draw.text((x0, max(0, y0 - int(p.text_h * 0.65))), rec.text[:60], font=font, fill=(0, 110, 40))
        for name, box in sections or []:
            x0, y0 = int(box[0]), int(box[1])
            draw.rectangle((x0, y0, x0 + int(p.text_h * 0.62 * len(name)) + 8, y0 + int(p.text_h * 0.8)), fill=(255, 240, 120))
            draw.text((x0 + 4, y0), name, font=font, fill=(120, 60, 0))
    return np.asarray(im)


def write_overlays(pages: list[PageOCR], outdir: Path, name: str,
                   marks: list[tuple[str, int, tuple]] | None = None) -> list[Path]:
    """One overlay PNG per OCR page (read with its image kept), ``<name>.p<N>.png`` in ``outdir``.

    ``marks``: (section name, page, box in PDF points) of the located sections, from the caller (the
    pipeline's trace); this module draws, it runs no later stage. Returns the files written."""
    by_page: dict[int, list[tuple[str, tuple]]] = {}
    for sec, page, box in marks or []:
        by_page.setdefault(page, []).append((sec, box))
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for p in pages:
        k = p.dpi / 72.0
        secs = [(sec, tuple(v * k for v in box)) for sec, box in by_page.get(p.page, [])]
        img = overlay(p, sections=secs)
        f = outdir / f"{name}.p{p.page}.png"
        cv2.imwrite(str(f), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        written.append(f)
    return written


def crop(path: Path, page: int, bbox: tuple[float, float, float, float], pad: float = 4.0) -> np.ndarray:
    """The region ``bbox`` (PDF points of the cleaned page, as in the output) of ``page``, for a reviewer.

    The page is cleaned up again exactly as when it was read (same dpi, deskew, orientation), so the
    coordinates of the output apply; the last few cleaned pages are kept, so many crops of one page
    cost one clean-up.
    """
    grey, dpi = cleaned_page(str(path), page)
    return cut(grey, bbox, dpi, pad)


def cut(img: np.ndarray, bbox, dpi: float, pad: float = 4.0) -> np.ndarray:  # noqa: ANN001
    """The part of a page image (at ``dpi``) under ``bbox`` (PDF points, top-left origin), ``pad`` points wider."""
    k = dpi / 72.0
    x0, y0 = int(max(0, (bbox[0] - pad) * k)), int(max(0, (bbox[1] - pad) * k))
    return img[y0:int((bbox[3] + pad) * k), x0:int((bbox[2] + pad) * k)]


@lru_cache(maxsize=4)
def cleaned_page(path: str, page: int) -> tuple[np.ndarray, float]:
    from . import raster
    from .engines import get_engine
    from .pipeline import clean_page, layout, turn_over, upside_down

    dpi = raster.DEFAULT_DPI  # as the scan loader reads pages
    with open(path, "rb") as fh:
        pdf = fh.read(8).startswith(b"%PDF")
    images = raster.pdf_pages(Path(path), None, dpi) if pdf else raster.image_pages(Path(path))
    im = next(x for x in images if x.number == page)
    im = raster.scale_to(im, dpi) if abs(im.dpi - dpi) > 30 else im  # as when it was read
    c = clean_page(im.image, im.dpi)
    if upside_down(get_engine(), c.grey, layout(c.binary, c.red, im.dpi)):
        c = turn_over(c)
    return c.grey, im.dpi


