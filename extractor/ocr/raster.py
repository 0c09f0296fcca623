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
MAX_PIXELS = 12_000 * 12_000


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
            bitmap = page.render(scale=dpi / 72.0)
            img = np.asarray(bitmap.to_pil().convert("RGB"))
            yield PageImage(n, img, dpi)
            page.close()
    finally:
        pdf.close()


def image_pages(path: Path, dpi: float | None = None) -> Iterator[PageImage]:
    """Every frame of an image file (a multi-page TIFF gives several pages)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
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
                rgb = np.asarray(frame.convert("L") if frame.mode in ("1", "L", "I;16", "I") else frame.convert("RGB"))
            except (OSError, ValueError) as e:
                raise CorruptFile(f"broken image data (frame {k + 1}): {e}") from e
            yield PageImage(k + 1, np.ascontiguousarray(rgb), float(dpi or file_dpi or DEFAULT_DPI))


def _dpi_of(im) -> float | None:  # noqa: ANN001
    d = im.info.get("dpi")
    try:
        v = float(d[0]) if d else None
    except (TypeError, ValueError, IndexError):
        return None
    return v if v and 100 <= v <= 1200 else None


def count_image_pages(path: Path) -> int:
    from PIL import Image

    with Image.open(path) as im:
        return getattr(im, "n_frames", 1)


def scale_to(img: PageImage, dpi: float) -> PageImage:
    """Resample a page to ``dpi`` (scans at 300/600 dpi are read at 200: faster, and what the OCR expects)."""
    import cv2

    if abs(img.dpi - dpi) < 1:
        return img
    f = dpi / img.dpi
    h, w = img.image.shape[:2]
    out = cv2.resize(img.image, (max(1, round(w * f)), max(1, round(h * f))),
                     interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
    return PageImage(img.number, out, dpi)
