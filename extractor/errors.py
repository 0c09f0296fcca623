"""Typed exceptions: bad input (the user's file) versus map-author error (our YAML)."""


class ExtractorError(Exception):
    """Base class of every error this package raises on purpose."""

    code = "error"


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
