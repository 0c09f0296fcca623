"""Scanned and photographed forms → the IR, through :mod:`extractor.ocr`.

* Image files (.jpg .jpeg .png .tif .tiff, multi-page TIFF too): format ``image``.
* PDFs without a text layer: format ``scan`` (:func:`load_scanned_pdf`); pages of a mixed PDF that the
  PDF loader lists in ``Document.needs_ocr_pages`` are read here too (:func:`ocr_pdf_pages`,
  :func:`fill_ocr_pages`).

Every page is cleaned up, its tables found from ruling lines, its text recognised line by line,
tick boxes decided by pixels; tables continued on the next page are stitched. Coordinates
(``bbox``) are PDF points of the cleaned (upright, level) page at ``Document.ocr_pages[i]["dpi"]``.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import CorruptFile
from ..ir import Block, Document, Paragraph, Table
from ..ocr import raster
from ..ocr.assemble import page_blocks
from ..ocr.engines import get_engine
from ..ocr.pipeline import PageOCR, Prepared, finish_page, prepare_page
from ..ocr.stitch import stitch

DPI = raster.DEFAULT_DPI


def _page_info(p: PageOCR) -> dict:
    return {"page": p.page, "dpi": p.dpi, "size": list(p.size), "rotation": p.rotation, "skew": round(p.skew, 3),
            "warped": p.warped}


def ocr_images(images, engine=None, keep_images: bool = False) -> list[PageOCR]:  # noqa: ANN001
    """OCR page images in order. The next page is rendered, cleaned and laid out in a worker thread while
    this one is recognised (recognition keeps both cores busy but for its tail; clean-up is mostly one core),
    so at most two pages are in memory at once."""
    engine = engine or get_engine()
    it = iter(images)

    def prepare() -> Prepared | None:
        im = next(it, None)  # the page source is only ever advanced by this one worker, one call at a time
        if im is None:
            return None
        im = raster.scale_to(im, DPI) if abs(im.dpi - DPI) > 30 else im
        return prepare_page(im.image, im.dpi, im.number)

    out = []
    with ThreadPoolExecutor(1, thread_name_prefix="ocr-prepare") as pool:
        ahead = pool.submit(prepare)
        while (prep := ahead.result()) is not None:
            ahead = pool.submit(prepare)
            out.append(finish_page(prep, engine, keep_image=keep_images))
    return out


def page_images(path: Path):  # noqa: ANN201
    """The pages of an image file or a PDF, as images (PDFs rendered at :data:`DPI`)."""
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF"):
        return raster.pdf_pages(path, None, DPI)
    return raster.image_pages(path)


def read_pages(path: Path, keep_images: bool = False) -> tuple[Document, list[PageOCR]]:
    """OCR every page of an image file or a (scanned) PDF; the document and the per-page results."""
    path = Path(path)
    pages = ocr_images(page_images(path), keep_images=keep_images)
    if not pages:
        raise CorruptFile("the file has no pages")
    fmt = "scan" if path.read_bytes()[:4] == b"%PDF" else "image"
    return document_from_pages(path, fmt, pages), pages


def document_from_pages(path: Path, fmt: str, pages: list[PageOCR], n_pages: int | None = None) -> Document:
    per_page = [(page_blocks(p), p.size[1] * 72.0 / p.dpi) for p in pages]
    blocks = stitch(per_page)
    doc = Document(path=str(path), format=fmt, blocks=blocks, pages=n_pages or len(pages))
    doc.ocr_pages = [_page_info(p) for p in pages]
    for p in pages:
        if p.rotation:
            doc.warnings.append(f"page {p.page}: turned {p.rotation}° to read it")
        if p.warped:
            doc.warnings.append(f"page {p.page}: perspective corrected (a photo)")
    return doc


def load_image(path: Path) -> Document:
    path = Path(path)
    pages = ocr_images(raster.image_pages(path))
    if not pages:
        raise CorruptFile("the image has no pages")
    return document_from_pages(path, "image", pages)


def load_scanned_pdf(path: Path, pages: list[int] | None = None) -> Document:
    path = Path(path)
    got = ocr_images(raster.pdf_pages(path, pages, DPI))
    return document_from_pages(path, "scan", got, n_pages=pdf_page_count(path))


def ocr_pdf_pages(path: Path, pages: list[int]) -> list[list[Block]]:
    """The blocks of the given (1-based) pages of a PDF, read by OCR: one list per page, in order."""
    return [page_blocks(p) for p in ocr_images(raster.pdf_pages(Path(path), pages, DPI))]


def fill_ocr_pages(doc: Document) -> Document:
    """A mixed PDF: the pages the PDF loader could not read (``needs_ocr_pages``) are read by OCR and their
    blocks put in page order among the others."""
    if not doc.needs_ocr_pages:
        return doc
    got = ocr_images(raster.pdf_pages(Path(doc.path), doc.needs_ocr_pages, DPI))
    blocks = list(doc.blocks)
    for p in got:
        new = stitch([(page_blocks(p), p.size[1] * 72.0 / p.dpi)])
        at = next((i for i, b in enumerate(blocks) if (_page_of(b) or 0) > p.page), len(blocks))
        blocks[at:at] = new
    doc.blocks = blocks
    doc.ocr_pages = [_page_info(p) for p in got]
    doc.warnings = [w for w in doc.warnings if "no text layer" not in w]
    doc.warnings.append(f"pages {', '.join(str(p) for p in doc.needs_ocr_pages)} read by OCR")
    doc.needs_ocr_pages = []
    doc.renumber()
    return doc


def _page_of(b: Block) -> int | None:
    if isinstance(b, (Paragraph, Table)):
        return b.page
    return None


def pdf_page_count(path: Path) -> int:
    """How many pages a PDF has (pdfium: also when its text layer's page tree cannot be read)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def dump_pages(path: Path, out: Path) -> None:
    """Store the OCR results of every page of ``path`` as JSON (the conversion tests run on these, no engine)."""
    import json

    _, pages = read_pages(Path(path))
    Path(out).write_text(json.dumps([p.to_json() for p in pages], ensure_ascii=False), encoding="utf-8")


def load_dumped(path: Path, dumped: Path, fmt: str = "scan") -> Document:
    """A document from stored OCR results (:func:`dump_pages`): the pure half of the OCR path."""
    import json

    pages = [PageOCR.from_json(d) for d in json.loads(Path(dumped).read_text(encoding="utf-8"))]
    return document_from_pages(Path(path), fmt, pages)
