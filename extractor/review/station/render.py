"""Page images for the review station: a value in context (its row and the table's header in view, the value's
box drawn) and whole pages with every value's box.

Digital PDFs are rendered as they are (pypdfium2); scans and images are cleaned up again exactly as when they
were read (:func:`extractor.ocr.debug.cleaned_page`, the same path ``extractor crops`` uses), because the boxes
in the output are in the cleaned page's coordinates. Word files have no page geometry: no image.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ...contract import Result
from ..crops import RENDER_DPI

COLOURS = {  # BGR
    "ok": (90, 160, 60), "review": (0, 140, 255), "invalid": (40, 40, 220), "missing": (150, 150, 150),
    "accepted": (200, 120, 0), "corrected": (200, 60, 160), "unreadable": (90, 90, 90),
}


class NoImage(LookupError):
    """This value or page has no image (Word file, no box, source file gone)."""


def source_file(res: Result, outdir: Path) -> Path:
    """The source file a result names: as written (relative to the working folder), else beside OUTDIR."""
    p = Path(res.source.path)
    for c in ([p] if p.is_absolute() else [Path.cwd() / p, outdir / p, outdir.parent / p]) + [outdir / res.source.name]:
        if c.is_file():
            return c
    raise NoImage(f"source file not found: {res.source.path}")


@lru_cache(maxsize=8)
def _page(path: str, mtime: float, fmt: str, page: int) -> tuple[np.ndarray, float]:
    if fmt in ("scan", "image"):
        from ...ocr.debug import cleaned_page

        grey, dpi = cleaned_page(path, page)
        return grey, float(dpi)
    if fmt == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(path)
        try:
            if not 1 <= page <= len(pdf):
                raise NoImage(f"no page {page}")
            img = np.asarray(pdf[page - 1].render(scale=RENDER_DPI / 72.0).to_pil().convert("L"))
        finally:
            pdf.close()
        return img, RENDER_DPI
    raise NoImage(f"no page images for format {fmt!r}")


def page_image(res: Result, outdir: Path, page: int) -> tuple[np.ndarray, float]:
    """Grey page image and its dpi."""
    if res.source.format not in ("pdf", "scan", "image"):
        raise NoImage(f"a {res.source.format} file has no page images")
    f = source_file(res, outdir)
    try:
        return _page(str(f), f.stat().st_mtime, res.source.format, page)
    except (OSError, StopIteration, ValueError) as e:
        raise NoImage(str(e) or type(e).__name__) from e


def _png(img: np.ndarray) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:
        raise NoImage("could not encode the image")
    return buf.tobytes()


def context_png(res: Result, outdir: Path, page: int, bbox: list[float], table_boxes: list[list[float]]) -> bytes:
    """The value's row across the page plus the table's header rows, the value's box drawn in red.

    ``table_boxes``: boxes of the other values of the same table on this page (where the table starts)."""
    import cv2

    grey, dpi = page_image(res, outdir, page)
    k = dpi / 72.0
    h, w = grey.shape[:2]
    img = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    x0, y0, x1, y1 = bbox
    cv2.rectangle(img, (int(x0 * k) - 3, int(y0 * k) - 3), (int(x1 * k) + 3, int(y1 * k) + 3), (0, 0, 230), 3)
    top = min([b[1] for b in table_boxes if b] + [y0])
    lo, hi = max(0, int((y0 - 10) * k)), min(h, int((y1 + 10) * k))
    head_lo, head_hi = max(0, int((top - 70) * k)), max(0, int((top + 2) * k))
    xs = [b[0] for b in table_boxes if b] + [x0]
    xe = [b[2] for b in table_boxes if b] + [x1]
    cx0, cx1 = max(0, int((min(xs) - 230) * k)), min(w, int((max(xe) + 20) * k))
    if head_hi >= lo - int(60 * k):  # header close above: one window
        out = img[min(head_lo, lo):hi, cx0:cx1]
    else:
        sep = np.full((6, cx1 - cx0, 3), 200, np.uint8)
        out = np.vstack([img[head_lo:head_hi, cx0:cx1], sep, img[lo:hi, cx0:cx1]])
    if out.size == 0:
        raise NoImage("empty region")
    if out.shape[1] > 1400:
        s = 1400 / out.shape[1]
        out = cv2.resize(out, (1400, max(1, int(out.shape[0] * s))), interpolation=cv2.INTER_AREA)
    return _png(out)


def page_png(res: Result, outdir: Path, page: int, boxes: list[tuple[list[float], str, bool]],
             width: int = 1100) -> bytes:
    """Page ``page`` with every value's box drawn in its status colour (thick: the selected one)."""
    import cv2

    grey, dpi = page_image(res, outdir, page)
    k = dpi / 72.0
    img = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    for bbox, status, strong in boxes:
        c = COLOURS.get(status, (0, 0, 0))
        cv2.rectangle(img, (int(bbox[0] * k), int(bbox[1] * k)), (int(bbox[2] * k), int(bbox[3] * k)), c,
                      4 if strong else 2)
    if img.shape[1] > width:
        s = width / img.shape[1]
        img = cv2.resize(img, (width, int(img.shape[0] * s)), interpolation=cv2.INTER_AREA)
    return _png(img)
