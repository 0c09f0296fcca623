"""Pages → images: PDF pages rendered with pypdfium2 at a chosen dpi; JPG/PNG/TIFF (multi-page too) read with Pillow.

Every page comes back as an RGB ``uint8`` array (colour is kept: red-seal suppression needs it) with the
dpi it is at; an image file's own dpi is used when it states a plausible one, else :data:`DEFAULT_DPI`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from ..errors import CorruptFile

DEFAULT_DPI = 200
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")


@dataclass
class PageImage:
    number: int  # 1-based
    image: np.ndarray  # H×W×3 RGB uint8 (or H×W grey)
    dpi: float


def pdf_pages(path: Path, pages: list[int] | None = None, dpi: float = DEFAULT_DPI) -> Iterator[PageImage]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        raise CorruptFile(f"not a readable PDF: {e}") from e
    try:
        wanted = pages or list(range(1, len(pdf) + 1))
        for n in wanted:
            page = pdf[n - 1]
            scale = _capped_scale(page.get_width() * page.get_height(), dpi / 72.0)  # limits: huge pages
            bitmap = page.render(scale=scale)
            img = np.asarray(bitmap.to_pil().convert("RGB"))
            yield PageImage(n, img, scale * 72.0)
            page.close()
    finally:
        pdf.close()


def image_pages(path: Path, dpi: float | None = None) -> Iterator[PageImage]:
    """Every frame of an image file (a multi-page TIFF gives several pages)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = _limits().max_image_pixels  # limits: the loader checked the header already
    try:
        im = Image.open(path)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise CorruptFile(f"not a readable image: {e}") from e
    with im:
        n = getattr(im, "n_frames", 1)
        for k in range(n):
            try:
                im.seek(k)
                frame = ImageOps.exif_transpose(im) if k == 0 else im.copy()
                file_dpi = _dpi_of(im)
                rgb = np.asarray(_to_8bit(frame))
            except (OSError, ValueError, SyntaxError, EOFError, TypeError, KeyError, Image.DecompressionBombError) as e:
                raise CorruptFile(f"broken image data (frame {k + 1}): {e}") from e
            yield _fit(PageImage(k + 1, np.ascontiguousarray(rgb), float(dpi or file_dpi or DEFAULT_DPI)))


def _dpi_of(im) -> float | None:  # noqa: ANN001
    d = im.info.get("dpi")
    try:
        v = float(d[0]) if d else None
    except (TypeError, ValueError, IndexError):
        return None
    return v if v and 100 <= v <= 1200 else None


def scale_to(img: PageImage, dpi: float) -> PageImage:
    """Resample a page to ``dpi`` (scans at 300/600 dpi are read at 200: faster, and what the OCR expects)."""
    import cv2

    if abs(img.dpi - dpi) < 1:
        return img
    h, w = img.image.shape[:2]
    f = min(dpi / img.dpi, _capped_scale(w * h, 1.0))  # limits: never past max_page_pixels
    dpi = img.dpi * f
    out = cv2.resize(img.image, (max(1, round(w * f)), max(1, round(h * f))),
                     interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
    return PageImage(img.number, out, dpi)


# --- limits (issue 11, loader side): pixel caps and 8-bit conversion of deep images ---------------------------

def _limits():  # noqa: ANN202
    from ..limits import current

    return current()


def _capped_scale(area: float, scale: float) -> float:
    """``scale`` lowered so that ``area`` (pixels at scale 1, or pt²) × scale² stays within ``max_page_pixels``."""
    cap = _limits().max_page_pixels
    if area * scale * scale <= cap:
        return scale
    return (cap / max(area, 1.0)) ** 0.5


def _fit(img: PageImage) -> PageImage:
    """A decoded frame over ``max_page_pixels`` scaled down to it (its dpi lowered to match)."""
    h, w = img.image.shape[:2]
    f = _capped_scale(w * h, 1.0)
    return img if f >= 1.0 else scale_to(img, img.dpi * f)


def _to_8bit(frame):  # noqa: ANN001, ANN202
    """A Pillow frame as 8-bit grey (``L``) or ``RGB``: 16/32-bit grey scaled by its real range (Pillow's own
    conversion clips everything over 255 to white), palette / CMYK / LA / RGBA converted."""
    mode = frame.mode
    if mode in ("1", "L"):
        return frame.convert("L")
    if mode.startswith("I") or mode == "F":
        try:
            a = np.asarray(frame, dtype=np.float64)
        except (TypeError, ValueError):
            a = np.asarray(frame.convert("I"), dtype=np.float64)
        if a.size and mode != "F" and a.min() >= 0 and a.max() <= 65535:
            a = a / 257.0  # 16-bit samples: the full 16-bit range onto 8 bits
        elif a.size:
            lo, hi = float(a.min()), float(a.max())
            a = (a - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(a)
        from PIL import Image

        return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8), "L")
    if mode in ("LA", "La"):
        return frame.convert("L")
    return frame.convert("RGB")
