"""Open a digital PDF with pdfplumber and read it page by page into the IR :class:`Document`.

Unreadable files raise :class:`CorruptFile`, naming the page when one page's content is broken; a PDF that
needs a password raises :class:`Encrypted` (code ``encrypted``, as for Word files).

Limits (:mod:`extractor.limits`), checked before the work: every compressed stream is inflated (output
counted, not kept) at most up to ``max_stream_mb`` before pdfminer inflates it in full (:func:`check_streams`:
stream bombs), image streams by their declared size (``max_image_pixels``); the page count before any page
is read (``max_pages``, or the pages asked for); the objects of each page before its layout
(``max_page_objects``).
"""
from __future__ import annotations

import re
import zlib
from pathlib import Path

from ...errors import BadPageRange, CorruptFile, Encrypted, NeedsOCR, TooComplex, TooLarge, TooManyPages
from ...ir import Document
from ...limits import MiB, Limits, resolve
from .document import build_document, page_ranges
from .page import PageContent, read_page
from .trust import FontCheck

# seconds spent checking fonts against their rendered glyphs (rendering + recognition), summed over the
# process: the benchmark reads it
LAST_CHECK_COST = [0.0]

ENCRYPTED = "encrypted PDF: it needs a password to open; save an unprotected copy and try again"


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(str(path))
        pdf.pages  # noqa: B018  (parses the page tree)
    except Exception as e:  # pdfminer raises many kinds on broken files; pdfplumber wraps some of them
        cause = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in repr(cause).lower():
            raise Encrypted(ENCRYPTED) from e
        raise CorruptFile(f"not a readable PDF: {type(cause).__name__}: {cause}".rstrip(": ")) from e
    return pdf


_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)(?![A-Za-z])")
_DIM = re.compile(rb"/(Width|Height|BitsPerComponent)\s+(\d{1,12})")
_FONT3 = re.compile(rb"/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType)")
_CHUNK = 1 << 16  # bytes of compressed input fed at a time
_STEP = 1 << 20  # bytes of output asked for at a time (never more is held)


def _inflated_size(data: bytes, start: int, cap: int) -> int:
    """Bytes a zlib stream starting at ``start`` inflates to, counting at most ``cap + 1`` (then it stops).
    Undecodable data counts what was inflated before the error (pdfminer would fail on it anyway)."""
    d = zlib.decompressobj()
    out, pos = 0, start
    try:
        while out <= cap and not d.eof:
            buf = d.unconsumed_tail or data[pos:pos + _CHUNK]
            if not d.unconsumed_tail:
                if not buf:
                    break
                pos += len(buf)
            out += len(d.decompress(buf, _STEP))
    except zlib.error:
        pass
    return out


def check_streams(data: bytes, limits: Limits) -> None:
    """Refuse a PDF whose compressed streams would inflate past the limits, before pdfminer inflates them.

    Each Flate stream that is not an image is inflated up to ``max_stream_mb`` (fonts ×4) with the output
    counted and dropped; an image stream's declared ``/Width`` × ``/Height`` must be within
    ``max_image_pixels`` (pdfplumber never decodes image data; pdfium decodes to the declared size).
    Raises :class:`TooLarge`. Streams of an encrypted PDF are not readable here and are not checked."""
    cap = int(limits.max_stream_mb * MiB)
    for m in _STREAM.finditer(data):
        head_start = data.rfind(b"obj", max(0, m.start() - 4096), m.start())
        head = data[head_start if head_start >= 0 else max(0, m.start() - 1024):m.start()]
        if b"/Image" in head:
            dims = {k: int(v) for k, v in _DIM.findall(head)}
            px = dims.get(b"Width", 0) * dims.get(b"Height", 0)
            if px > limits.max_image_pixels:
                raise TooLarge(limits.too_big("max_image_pixels", f"an image in the PDF declares "
                                              f"{dims[b'Width']}×{dims[b'Height']} = {px:,} pixels"), "max_image_pixels")
            continue
        if not _FLATE.search(head):
            continue
        font = b"/Length1" in head or b"/Length2" in head or _FONT3.search(head) is not None
        limit = cap * 4 if font else cap
        if _inflated_size(data, m.end(), limit) > limit:
            raise TooLarge(limits.too_big("max_stream_mb", f"a compressed stream of the PDF inflates to more than "
                                          f"{limit / MiB:g} MiB (a stream bomb?)"), "max_stream_mb")


def _page_objects(page) -> int:  # noqa: ANN001
    objs = page.objects  # parses the page's content stream once (pdfplumber caches it)
    return sum(len(objs.get(k, ())) for k in ("char", "line", "rect", "curve"))


def select_pages(n: int, pages: list[int] | None, limits: Limits) -> list[int]:
    """The 1-based pages to read out of ``n``: all, or those asked for; more than ``max_pages`` is
    :class:`TooManyPages`, none of them in the document :class:`BadPageRange`."""
    if n == 0:
        raise CorruptFile("the PDF has no pages (its page tree is empty or broken)")
    if pages is None:
        if n > limits.max_pages:
            raise TooManyPages(limits.too_big("max_pages", f"the document has {n} pages"), "max_pages")
        return list(range(1, n + 1))
    got = [p for p in pages if 1 <= p <= n]
    if not got:
        raise BadPageRange(f"pages {pages[0]}–{pages[-1]} asked for: the document has {n} page{'s' * (n != 1)}")
    if len(got) > limits.max_pages:
        raise TooManyPages(limits.too_big("max_pages", f"{len(got)} pages asked for"), "max_pages")
    return got


def load_pdf(path: Path, limits: Limits | None = None, pages: list[int] | None = None) -> Document:
    """Read a digital PDF. ``limits``: :class:`~extractor.limits.Limits` (``None``: defaults + environment);
    ``pages``: the 1-based pages to read (default all). Raises :class:`NeedsOCR` when no page read has text."""
    path = Path(path)
    lim = resolve(limits)
    check_streams(path.read_bytes(), lim)
    pdf = _open(path)
    fonts = FontCheck(path)
    try:
        all_pages = pdf.pages
        if not all_pages:  # pdfminer found no page (a broken page tree or xref): pdfium may still render them
            raise NeedsOCR("needs OCR: the PDF's page tree cannot be read from its text layer")
        wanted = select_pages(len(all_pages), pages, lim)
        out: list[PageContent] = []
        for n in wanted:
            page = all_pages[n - 1]
            try:
                k = _page_objects(page)
                if k > lim.max_page_objects:
                    raise TooComplex(lim.too_big("max_page_objects", f"page {n} has {k:,} characters and drawing "
                                                 "objects"), "max_page_objects")
                out.append(read_page(page, n, fonts))
            except (CorruptFile, TooComplex):
                raise
            except RecursionError as e:
                raise TooComplex(f"page {n} of the PDF is nested too deeply to read", "max_nesting") from e
            except Exception as e:  # a broken content stream: say which page
                raise CorruptFile(f"cannot read page {n} of the PDF: {type(e).__name__}: {e}") from e
            finally:
                page.close()
    finally:
        pdf.close()
        fonts.close()
    LAST_CHECK_COST[0] += fonts.cost
    notes = [f"font {f.split('+', 1)[-1]} {why}: its text is read by OCR" for f, why in fonts.untrusted().items()]
    if pages is not None:
        notes.insert(0, f"only pages {page_ranges(wanted)} of {len(all_pages)} read")
    doc = build_document(path, out, notes)
    doc.pages = len(all_pages)
    return doc
