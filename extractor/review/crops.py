"""Image crops of the values a reviewer must check, cut from the source files of emitted results.

Reads emitted JSON (the reviewer's queue, :func:`extractor.review.queue`) and the source file each result
names; for every doubtful value with a page and a bbox it writes a PNG of that region, so the reviewer sees
what was on paper next to what was read. Scans and images are cleaned up again exactly as when they were
read (the bbox is in the cleaned page's coordinates, :func:`extractor.ocr.debug.crop`); digital PDF pages are
rendered as they are. Word files have no page geometry: their values have no bbox and get no crop.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..contract import Result
from . import Item, queue

RENDER_DPI = 144.0


@dataclass
class Crop:
    item: Item
    file: Path | None  # the PNG written, None where there was nothing to cut
    note: str = ""


def pdf_region(path: Path, page: int, bbox: list[float], dpi: float = RENDER_DPI, pad: float = 4.0) -> np.ndarray:
    """``bbox`` (PDF points, top-left origin) of a PDF page rendered as it is."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        img = np.asarray(pdf[page - 1].render(scale=dpi / 72.0).to_pil().convert("L"))
    finally:
        pdf.close()
    from ..ocr.debug import cut

    return cut(img, bbox, dpi, pad)


def region(result: Result, page: int, bbox: list[float]) -> np.ndarray:
    path = Path(result.source.path)
    if result.source.format in ("scan", "image"):
        from ..ocr.debug import crop

        return crop(path, page, tuple(bbox))
    if result.source.format == "pdf":
        return pdf_region(path, page, bbox)
    raise ValueError(f"no page images for format {result.source.format!r}")


def write_crops(results: list[Result], outdir: Path, include_missing: bool = False) -> list[Crop]:
    """One PNG per doubtful value that has a place on a page, under ``outdir/<source file name>/``."""
    import cv2

    out: list[Crop] = []
    for res in results:
        src = Path(res.source.path)
        for n, it in enumerate(queue(res, include_missing), start=1):
            if it.page is None or not it.bbox:
                out.append(Crop(it, None, "no place on a page"))
                continue
            if not src.is_file():
                out.append(Crop(it, None, f"source file not found: {src}"))
                continue
            try:
                img = region(res, it.page, it.bbox)
            except (ValueError, OSError, StopIteration) as e:
                out.append(Crop(it, None, str(e) or type(e).__name__))
                continue
            if img.size == 0:
                out.append(Crop(it, None, "empty region"))
                continue
            d = outdir / res.source.name
            d.mkdir(parents=True, exist_ok=True)
            f = d / f"{n:03d}-{it.status}-{_slug(it.where)}.png"
            cv2.imwrite(str(f), img)
            out.append(Crop(it, f))
    return out


def _slug(s: str) -> str:
    return re.sub(r"[\s/\\:*?\"<>|]+", "_", s).strip("_")[:60] or "value"
