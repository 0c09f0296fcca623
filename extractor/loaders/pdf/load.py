"""Open a digital PDF with pdfplumber and read it page by page into the IR :class:`Document`.

Unreadable or encrypted files raise :class:`CorruptFile`, naming the page when one page's content is broken.
"""
from __future__ import annotations

from pathlib import Path

from ...errors import CorruptFile
from ...ir import Document
from .document import build_document
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
            raise CorruptFile(ENCRYPTED) from e
        raise CorruptFile(f"not a readable PDF: {type(cause).__name__}: {cause}".rstrip(": ")) from e
    return pdf


def load_pdf(path: Path) -> Document:
    path = Path(path)
    pdf = _open(path)
    fonts = FontCheck(path)
    try:
        pages: list[PageContent] = []
        for i, page in enumerate(pdf.pages):
            try:
                pages.append(read_page(page, i + 1, fonts))
            except CorruptFile:
                raise
            except Exception as e:  # a broken content stream: say which page
                raise CorruptFile(f"cannot read page {i + 1} of the PDF: {type(e).__name__}: {e}") from e
            finally:
                page.close()
    finally:
        pdf.close()
        fonts.close()
    LAST_CHECK_COST[0] += fonts.cost
    notes = [f"font {f.split('+', 1)[-1]} {why}: its text is read by OCR" for f, why in fonts.untrusted().items()]
    return build_document(path, pages, notes)
