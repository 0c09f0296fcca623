"""Every limit the loaders enforce on one input document, in one settings object.

Limits are checked *before* the work they bound (a page count before any page is read, an image's declared
size before it is decoded, a zip member or PDF stream inflated only up to the limit), so hostile or broken
files fail fast with a typed error (:class:`~extractor.errors.LimitExceeded`: ``too_many_pages``,
``too_large``, ``too_complex``) naming the limit and how to raise it.

Defaults are generous for real forms (tens of pages, A3 scans at 600 dpi). Override them:

* API: ``extract(path, limits=Limits(max_pages=600))`` or ``load(path, limits=...)``;
* environment: ``EXTRACTOR_MAX_PAGES=600`` (one variable per field: ``EXTRACTOR_`` + the field name in capitals),
  read by :meth:`Limits.from_env`, which is what ``limits=None`` means (so batch workers and the CLI see them).

Some caps are applied inside the OCR rasteriser, whose call sites do not take arguments: the loaders make the
document's limits :func:`current` for the duration of one load (:func:`active`).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from typing import Iterator

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per-document limits (units in each name or comment)."""

    max_pages: int = 300
    """pages in one document (PDF pages, image frames, Word pages estimated from page breaks)"""
    max_file_mb: float = 512.0
    """MiB: size of the input file on disk"""
    max_member_mb: float = 64.0
    """MiB: inflated size of one zip member the Word loader reads (``word/document.xml``, ``styles.xml``)"""
    max_table_cols: int = 1000
    """grid columns of one Word table when it declares no grid (Word itself allows 63)"""
    max_table_cells: int = 250_000
    """grid positions (rows × columns) of one table"""
    max_nesting: int = 24
    """depth of tables inside table cells (and of content-control wrappers)"""
    max_image_pixels: int = 120_000_000
    """pixels (width × height, as declared in the header) of one image file frame or PDF image; checked
    before decoding (an A3 scan at 600 dpi is 70 million)"""
    max_page_pixels: int = 20_000_000
    """pixels of one page as the OCR reads it: PDF pages are rendered at a lower dpi and images are
    scaled down to stay under it (an A4 page at 200 dpi is 3.7 million)"""
    min_image_side: int = 200
    """pixels: an image whose shorter side is below this cannot hold a readable form (``too_small``)"""
    max_stream_mb: float = 32.0
    """MiB: inflated size of one compressed PDF stream that is not an image (content, font ×4, object
    streams); measured by inflating at most this much before the PDF library reads it"""
    max_page_objects: int = 60_000
    """characters + lines + rectangles + curves on one PDF page (a dense form page has about 3,000)"""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Limits":
        """Defaults overridden by ``EXTRACTOR_<FIELD>`` environment variables; a value that is not a
        positive number raises :class:`ValueError` naming the variable."""
        env = os.environ if environ is None else environ
        changes: dict[str, float | int] = {}
        for f in fields(cls):
            var = env_var(f.name)
            raw = env.get(var)
            if raw is None or not raw.strip():
                continue
            changes[f.name] = _number(var, raw, f.type)
        return replace(cls(), **changes)

    def with_(self, **changes: float | int) -> "Limits":
        """A copy with some limits changed (``None`` values are ignored: handy for CLI options)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def too_big(self, name: str, what: str) -> str:
        """The message of an exceeded limit: ``what`` (the input's measure), the limit, how to raise it."""
        value = getattr(self, name)
        shown = f"{value:g}" if isinstance(value, float) else f"{value}"
        return (f"{what}, more than {name}={shown} (raise it with the environment variable {env_var(name)}, "
                f"or limits=Limits({name}=...) in the API)")


def env_var(name: str) -> str:
    """``max_pages`` → ``EXTRACTOR_MAX_PAGES``."""
    return "EXTRACTOR_" + name.upper()


def _number(var: str, raw: str, typ: object) -> float | int:
    try:
        v: float | int = int(raw) if typ in (int, "int") else float(raw)
    except ValueError:
        raise ValueError(f"{var}={raw!r} is not a number") from None
    if v <= 0:
        raise ValueError(f"{var}={raw!r} must be positive")
    return v


DEFAULT = Limits()
_current: list[Limits] = []


def resolve(limits: Limits | None) -> Limits:
    """The limits to use: the ones given, else the defaults with the environment's overrides."""
    return limits if limits is not None else Limits.from_env()


def current() -> Limits:
    """The limits of the document being loaded (:func:`active`), else the defaults with the environment's
    overrides. Read by code deeper down (the rasteriser) that cannot be handed them."""
    return _current[-1] if _current else Limits.from_env()


@contextmanager
def active(limits: Limits) -> Iterator[Limits]:
    """Make ``limits`` :func:`current` while one document is loaded (process-wide: one document per worker)."""
    _current.append(limits)
    try:
        yield limits
    finally:
        _current.pop()
