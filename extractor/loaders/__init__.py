"""Loaders: a file → the intermediate representation (:class:`extractor.ir.Document`).

Format knowledge lives here only. The type is decided from the bytes (:func:`sniff`), whatever the file
name says; a name that disagrees with the content is noted in ``Document.warnings``. The limits of
:mod:`extractor.limits` are checked before the work they bound; each exceeded limit is a typed
:class:`~extractor.errors.LimitExceeded`.
"""
from __future__ import annotations

import hashlib
import struct
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Iterable

from ..errors import (BadPageRange, CorruptFile, Encrypted, InputError, NeedsOCR, TooComplex, TooLarge, TooManyPages,
                      TooSmall, UnreadableImage, UnsupportedFormat)
from ..ir import Document, Paragraph, Table
from ..limits import MiB, Limits, active, resolve
from .docx import load_docx
from .legacy import load_legacy
from .pdf import load_pdf
from .pdf.document import page_ranges

SUPPORTED = {".docx": "docx", ".doc": "doc", ".wps": "wps", ".pdf": "pdf",
             ".jpg": "image", ".jpeg": "image", ".png": "image", ".tif": "image", ".tiff": "image"}
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"BM", b"GIF87a", b"GIF89a")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD = 1024  # bytes read to decide the type (a PDF header may follow up to 1 KB of junk)

KIND = {"docx": "a Word document (.docx)", "doc": "a legacy Word/WPS document (OLE)", "wps": "a WPS document (OLE)",
        "pdf": "a PDF file", "image": "an image", "rtf": "an RTF document", "zip": "a zip archive"}
# what a suffix promises, for the mismatch note
_EXPECT = {".docx": "docx", ".docm": "docx", ".doc": "doc", ".wps": "doc", ".pdf": "pdf", ".rtf": "rtf",
           ".jpg": "image", ".jpeg": "image", ".png": "image", ".tif": "image", ".tiff": "image",
           ".bmp": "image", ".gif": "image", ".webp": "image"}


def _zip_kind(path: Path) -> str:
    """What a zip holds: ``docx`` (``word/document.xml``), else a clear error for other zips."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise CorruptFile(f"not a readable .docx (broken zip): {e}") from e
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        raise UnsupportedFormat("the file is an Excel workbook (.xlsx), not an application form: save the form as .docx")
    if "ppt/presentation.xml" in names:
        raise UnsupportedFormat("the file is a PowerPoint presentation (.pptx), not an application form")
    if "mimetype" in names or "content.xml" in names:
        raise UnsupportedFormat("the file is an OpenDocument file (.odt/.ods): open it and save it as .docx")
    if "[Content_Types].xml" in names:
        raise CorruptFile("a .docx package without word/document.xml: not a Word document, or damaged")
    raise UnsupportedFormat("the file is a zip archive without a Word document in it (word/document.xml)")


def sniff(path: Path, head: bytes) -> str:
    """The file's type from its first bytes (:data:`HEAD`): docx | doc | wps | pdf | image | rtf.

    Zip with ``word/document.xml`` → docx; ``%PDF`` within the first KB → pdf; PNG/JPEG/TIFF/BMP/GIF/WebP
    magic → image; OLE2 → doc/wps (an OLE ``EncryptedPackage`` is a password-protected .docx: :class:`Encrypted`);
    ``{\\rtf`` → rtf. Content that is none of these: unsupported, or corrupt when the suffix promised a type."""
    suffix = path.suffix.lower()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _zip_kind(path)
    if head.startswith(OLE_MAGIC):
        return "wps" if suffix == ".wps" else "doc"
    if b"%PDF" in head[:HEAD]:
        return "pdf"
    if head.startswith(IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    expected = _EXPECT.get(suffix) or SUPPORTED.get(suffix)
    if expected:
        what = {"docx": "not a .docx (zip) file", "doc": "not a Word .doc/.wps file (no OLE signature)",
                "pdf": "not a PDF file (no %PDF header)", "image": "not a readable image (unknown image signature)",
                "rtf": "not an RTF file"}[expected]
        raise CorruptFile(f"{what}: the content is not a known document type")
    raise UnsupportedFormat(f"unsupported file type {suffix or '(no suffix)'}: supported are .docx, .doc, .wps, .pdf, "
                            ".jpg, .png, .tif (the type is recognised from the content)")


def _mismatch(path: Path, fmt: str) -> str | None:
    expected = _EXPECT.get(path.suffix.lower())
    actual = "doc" if fmt == "wps" else fmt
    if expected is None or expected == actual:
        return None
    return f"file named {path.suffix.lower()} is {KIND.get(fmt, fmt)}: read as such"


def _encrypted_ole(path: Path, size: int) -> bool:
    """An OLE container holding an ``EncryptedPackage`` stream: Word's password-protected .docx/.xlsx."""
    marker = "EncryptedPackage".encode("utf-16-le")
    with open(path, "rb") as fh:
        data = fh.read(min(size, 8 * MiB))  # the directory sectors of such files are small and near the start
    return marker in data


def _page_list(pages: Iterable[int] | None) -> list[int] | None:
    if pages is None:
        return None
    out = sorted({int(p) for p in pages})
    if not out:
        raise BadPageRange("the page range asked for is empty")
    if out[0] < 1:
        raise BadPageRange(f"pages are numbered from 1: page {out[0]} asked for")
    return out


def load(path: Path, *, limits: Limits | None = None, pages: Iterable[int] | None = None) -> Document:
    """Load one file into the IR.

    ``limits``: the :class:`~extractor.limits.Limits` (``None``: defaults with ``EXTRACTOR_*`` overrides).
    ``pages``: 1-based page numbers to read (e.g. ``range(1, 21)``) of a long PDF or multi-page image;
    ``max_pages`` then applies to the pages read. Word documents have no real pages: the blocks on the
    estimated pages are kept. Raises an :class:`~extractor.errors.InputError` subclass for bad input."""
    path = Path(path)
    lim = resolve(limits)
    wanted = _page_list(pages)
    try:
        size = path.stat().st_size
        if size > lim.max_file_mb * MiB:
            raise TooLarge(lim.too_big("max_file_mb", f"the file is {size / MiB:.1f} MiB"), "max_file_mb")
        with open(path, "rb") as fh:
            head = fh.read(HEAD)
    except OSError as e:
        raise CorruptFile(f"cannot read file: {e.strerror or e}") from e
    if not head:
        raise CorruptFile("the file is empty")
    fmt = sniff(path, head)
    if fmt in ("doc", "wps") and _encrypted_ole(path, size):
        raise Encrypted(f"{path.name} is password-protected (an encrypted Office package): "
                        "save an unprotected copy and try again")
    note = _mismatch(path, fmt)
    with active(lim):
        try:
            doc = _load(path, fmt, lim, wanted)
        except InputError as e:
            e.warnings = [note] if note else []  # type: ignore[attr-defined]  (the API puts them on the record)
            raise
        except RecursionError as e:
            raise TooComplex(f"the document is nested too deeply to read ({type(e).__name__})", "max_nesting") from e
        except MemoryError as e:
            raise TooLarge("the document needs more memory than is available to read it "
                           "(lower the limits or give the worker more memory)", "memory") from e
    if note:
        doc.warnings.insert(0, note)
    with open(path, "rb") as fh:
        h = hashlib.sha256()
        for chunk in iter(lambda: fh.read(MiB), b""):
            h.update(chunk)
    doc.sha256 = h.hexdigest()
    return doc


def _load(path: Path, fmt: str, lim: Limits, wanted: list[int] | None) -> Document:
    if fmt == "docx":
        doc = load_docx(path, limits=lim)
        return _word_pages(doc, lim, wanted)
    if fmt in ("doc", "wps", "rtf"):
        doc = load_legacy(path, fmt, limits=lim)
        return _word_pages(doc, lim, wanted)
    if fmt == "pdf":
        try:
            doc = load_pdf(path, limits=lim, pages=wanted)
        except NeedsOCR:
            doc = _scanned_pdf(path, lim, wanted)
        if doc.needs_ocr_pages:
            from .scan import fill_ocr_pages  # some pages scanned

            doc = _pdfium_guard(lambda: fill_ocr_pages(doc))
        return doc
    if fmt == "image":
        return _load_image(path, lim, wanted)
    raise UnsupportedFormat(f"{fmt.upper()} input is not supported yet: convert it to .docx")


def _scanned_pdf(path: Path, lim: Limits, wanted: list[int] | None) -> Document:
    """A PDF without a text layer: its pages (within the limits) read by OCR."""
    from .pdf.load import select_pages
    from .scan import load_scanned_pdf, pdf_page_count

    n = _pdfium_guard(lambda: pdf_page_count(path))
    chosen = select_pages(n, wanted, lim)
    doc = _pdfium_guard(lambda: load_scanned_pdf(path, chosen if wanted is not None else None))
    if not any((b.text.strip() if isinstance(b, Paragraph) else any(c.text.strip() for t in b.walk() for c in t.cells))
               for b in doc.blocks):
        raise UnreadableImage(f"the PDF has no text layer and no text could be read from its {n} page"
                              f"{'s' * (n != 1)} by OCR: blank, or the text is too small or blurred")
    return doc


def _pdfium_guard(fn):  # noqa: ANN001, ANN202
    """Run a rendering step; pdfium's errors on a damaged PDF are :class:`CorruptFile`."""
    import pypdfium2 as pdfium

    try:
        return fn()
    except pdfium.PdfiumError as e:
        raise CorruptFile(f"not a readable PDF (rendering): {e}") from e


def _word_pages(doc: Document, lim: Limits, wanted: list[int] | None) -> Document:
    """Word pages are estimated from page breaks: ``max_pages`` and ``pages`` apply to that estimate."""
    if wanted is not None:
        keep = set(wanted)
        doc.blocks = [b for b in doc.blocks if not isinstance(b, (Paragraph, Table)) or (b.page or 1) in keep]
        if not doc.blocks:
            raise BadPageRange(f"no content on pages {page_ranges(wanted)}: the document has about {doc.pages} pages")
        doc.warnings.append(f"only pages {page_ranges(wanted)} read (Word pages are estimated from page breaks)")
        doc.renumber()
    elif doc.pages > lim.max_pages:
        raise TooManyPages(lim.too_big("max_pages", f"the document has about {doc.pages} pages"), "max_pages")
    return doc


# what Pillow raises on broken image files (TypeError: a TIFF without dimensions, struct.error: short headers)
_IMAGE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, TypeError, KeyError, IndexError, struct.error, zlib.error)


def _load_image(path: Path, lim: Limits, wanted: list[int] | None) -> Document:
    """Check an image's declared size and frame count (header only, nothing decoded), then OCR it."""
    from PIL import Image

    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # the declared size is checked below, against max_image_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as im:  # lazy: reads the header only
                w, h = im.size
                frames = getattr(im, "n_frames", 1)
    except _IMAGE_ERRORS as e:
        raise CorruptFile(f"not a readable image: {type(e).__name__}: {e}") from e
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    if w * h > lim.max_image_pixels:
        raise TooLarge(lim.too_big("max_image_pixels", f"the image is {w}×{h} = {w * h:,} pixels"), "max_image_pixels")
    if min(w, h) < lim.min_image_side:
        raise TooSmall(f"the image is {w}×{h} pixels: too small to hold a readable form "
                       f"(the shorter side needs at least min_image_side={lim.min_image_side} px)")
    count = len(wanted) if wanted is not None else frames
    if count > lim.max_pages:
        raise TooManyPages(lim.too_big("max_pages", f"the image has {frames} pages (frames)"), "max_pages")
    if wanted is not None and wanted[0] > frames:
        raise BadPageRange(f"pages {page_ranges(wanted)} asked for: the image has {frames} page{'s' * (frames > 1)}")
    from .scan import load_image

    try:
        doc = load_image(path)
    except InputError:
        raise
    except _IMAGE_ERRORS as e:
        raise CorruptFile(f"broken image data: {type(e).__name__}: {e}") from e
    if not any((b.text.strip() if isinstance(b, Paragraph) else any(c.text.strip() for t in b.walk() for c in t.cells))
               for b in doc.blocks):
        raise UnreadableImage(f"no text could be read from the image ({w}×{h} pixels): blank, or the text is too "
                              "small or blurred; scan the form at 200–300 dpi")
    if wanted is not None:
        keep = set(wanted)
        doc.blocks = [b for b in doc.blocks if (getattr(b, "page", None) or 1) in keep]
        doc.warnings.append(f"only pages {page_ranges(wanted)} read")
        doc.renumber()
    return doc
