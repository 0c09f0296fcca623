"""Typed exceptions: bad input (the user's file) versus map-author error (our YAML).

Every error record names the pipeline stage that raised it (:data:`STAGES`, :func:`stage_of`).
"""
from __future__ import annotations

STAGES = ("load", "ocr", "identify", "locate", "map", "validate", "emit")
_PACKAGE = __name__.rpartition(".")[0]
_OCR_MODULES = (f"{_PACKAGE}.ocr", f"{_PACKAGE}.loaders.scan")  # the OCR stage and the loader that runs it


class ExtractorError(Exception):
    """Base class of every error this package raises on purpose."""

    code = "error"
    stage: str | None = None  # the stage this error always belongs to, if any (else where it was raised)


class InputError(ExtractorError):
    """The input file cannot be used: corrupt, encrypted, unsupported, not a known form."""

    code = "bad_input"


class UnsupportedFormat(InputError):
    code = "unsupported_format"


class CorruptFile(InputError):
    code = "corrupt_file"


class UnknownTemplate(InputError):
    code = "unknown_template"


class MissingDependency(InputError):
    """A system tool needed for this file is not installed (e.g. LibreOffice for .doc)."""

    code = "missing_dependency"


class NeedsOCR(InputError):
    code = "needs_ocr"


class MapError(ExtractorError):
    """A layout map or the catalogue is wrong: an error of the map's author, not of the input."""

    code = "map_error"


class Encrypted(InputError):
    """The file is protected by a password (encrypted zip entries, an OOXML ``EncryptedPackage``)."""

    code = "encrypted"


class TooSmall(InputError):
    """An image too small to hold a readable form (e.g. 1×1 pixels)."""

    code = "too_small"


class UnreadableImage(InputError):
    """An image that decodes but from which no text at all could be read."""

    code = "unreadable_image"
    stage = "ocr"  # raised by the loader once OCR read nothing


class BadPageRange(InputError):
    """The page range asked for (``pages=``) selects no page of this document."""

    code = "bad_page_range"


class LimitExceeded(InputError):
    """The input is over one of the limits of :mod:`extractor.limits`; ``limit`` names the setting.

    The message says how big the input is, the limit, and how to raise it."""

    code = "too_large"

    def __init__(self, message: str, limit: str | None = None) -> None:
        super().__init__(message)
        self.limit = limit


class TooManyPages(LimitExceeded):
    code = "too_many_pages"


class TooLarge(LimitExceeded):
    """A size limit: file size, inflated zip member or PDF stream, pixels, table grid."""

    code = "too_large"


class TooComplex(LimitExceeded):
    """A structure limit: nesting depth, objects on one PDF page."""

    code = "too_complex"


def stage_of(e: BaseException, reached: str) -> str:
    """The stage an error was raised in. ``reached``: the stage the orchestrator had entered. While loading,
    an error raised inside the OCR code (or of a kind only OCR raises) belongs to the ``ocr`` stage."""
    if reached != "load":
        return reached
    own = getattr(e, "stage", None)
    if own:
        return own
    tb = e.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_globals.get("__name__", "")
        if any(name == m or name.startswith(m + ".") for m in _OCR_MODULES):
            return "ocr"
        tb = tb.tb_next
    return "load"
