"""Loaders: a file → the intermediate representation (:class:`extractor.ir.Document`).

Format knowledge lives here only. Dispatch is by content (magic bytes) first, then by suffix.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import CorruptFile, NeedsOCR, UnsupportedFormat
from ..ir import Document
from .docx import load_docx
from .legacy import load_legacy
from .pdf import load_pdf

SUPPORTED = {".docx": "docx", ".doc": "doc", ".wps": "wps", ".pdf": "pdf",
             ".jpg": "image", ".jpeg": "image", ".png": "image", ".tif": "image", ".tiff": "image"}
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"II*\x00", b"MM\x00*")


def sniff(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return "docx" if suffix in (".docx", ".docm", "") or suffix not in SUPPORTED else SUPPORTED[suffix]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "wps" if suffix == ".wps" else "doc"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(IMAGE_MAGIC):
        return "image"
    if suffix in SUPPORTED:
        return SUPPORTED[suffix]
    raise UnsupportedFormat(f"unsupported file type {suffix or '(no suffix)'}: supported are .docx, .doc, .wps, .pdf, .jpg, .png, .tif")


def load(path: Path) -> Document:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CorruptFile(f"cannot read file: {e.strerror or e}") from e
    if not data:
        raise CorruptFile("the file is empty")
    fmt = sniff(path, data[:8])
    if fmt == "docx":
        if not data.startswith(b"PK"):
            raise CorruptFile("not a .docx (zip) file")
        doc = load_docx(path)
    elif fmt in ("doc", "wps"):
        doc = load_legacy(path, fmt)
    elif fmt == "pdf":
        if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
            raise CorruptFile("not a PDF file")
        try:
            doc = load_pdf(path)
        except NeedsOCR:
            from .scan import load_scanned_pdf  # no text layer at all: a scan

            doc = load_scanned_pdf(path)
        if doc.needs_ocr_pages:
            from .scan import fill_ocr_pages  # some pages scanned

            doc = fill_ocr_pages(doc)
    elif fmt == "image":
        from .scan import load_image

        doc = load_image(path)
    else:
        raise UnsupportedFormat(f"{fmt.upper()} input is not supported yet: convert it to .docx")
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc
