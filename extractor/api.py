"""The library API. The CLI only wraps these functions.

``extract(path)`` never raises for a bad input file: it returns a :class:`Result`
whose ``status`` is ``error`` with an :class:`ErrorItem`. A broken layout map
(an error of the map's author) raises :class:`MapError`.

Maps are read from ``maps_dir`` if given, else from the folder named by ``$EXTRACTOR_MAPS``, else
from the maps bundled in the package (``extractor/table_maps/``); see :mod:`extractor.maps`. A
``maps_dir`` (or ``$EXTRACTOR_MAPS``) that does not exist raises :class:`~extractor.maps.MapsDirNotFound`.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

from .contract import ErrorItem, Result, Source, Summary, TemplateMatch
from .errors import InputError, MapError, NeedsOCR
from .ir import Document
from .limits import Limits
from .loaders import load
from .locate import Identified, decide_year_shift, doc_lines, identify, locate_sections
from .mapping import map_sections
from .maps import load_catalogue, load_maps
from .mapspec import TableMap
from .text import years
from .validate import Context, assemble


def _source(path: Path, doc: Document | None) -> Source:
    if doc is not None:
        return Source(path=str(path), name=path.name, sha256=doc.sha256, format=doc.format, pages=doc.pages)
    try:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        sha = ""
    return Source(path=str(path), name=path.name, sha256=sha, format=path.suffix.lower().lstrip(".") or "unknown",
                  pages=0)


def extract_document(doc: Document, maps_dir: str | Path | None = None, template: str | None = None) -> Result:
    """Run identify → locate → map → validate on a loaded document.

    ``maps_dir``: the maps folder; ``None`` means ``$EXTRACTOR_MAPS`` or the bundled maps.
    Raises :class:`MapError` (broken map) or :class:`~extractor.maps.MapsDirNotFound`.
    """
    maps = load_maps(maps_dir)
    catalogue = load_catalogue(maps_dir)
    path = Path(doc.path)
    if template is not None:
        chosen = [m for m in maps if m.template == template]
        if not chosen:
            raise MapError(f"no map for template {template!r}")
        ident = identify_forced(doc, chosen[0])
    else:
        ident = identify(doc, maps)
    m = ident.map
    scopes = locate_sections(doc, m, ident.year_shift)
    mapped = map_sections(scopes, ident.year_shift, m.edition_year)
    ctx = Context(catalogue=catalogue, edition_year=m.edition_year + ident.year_shift, table_map=m)
    fields, tables, texts = assemble(mapped, ctx)
    warnings = list(doc.warnings)
    if ident.shift_tied:
        warnings.append(flag_undecided_edition(fields, tables, m.edition_year, ident.shift_tied))
    counts = {k: sum(1 for f in fields if f.status == k) for k in ("ok", "review", "invalid", "missing")}
    doubtful = counts["review"] + counts["invalid"] + sum(1 for f in fields if f.status == "missing" and "required field is empty" in f.reasons)
    doubtful += sum(1 for t in texts if t.status in ("review", "invalid")) + sum(1 for t in tables if t.status in ("review", "invalid"))
    return Result(
        source=_source(path, doc),
        template=TemplateMatch(id=m.template, title=m.title, score=ident.score,
                               edition_year=m.edition_year + ident.year_shift, year_shift=ident.year_shift),
        status="review" if doubtful or warnings else "ok",
        summary=Summary(fields=len(fields), **counts),
        fields=fields, tables=tables, texts=texts, warnings=warnings,
    )


def flag_undecided_edition(fields: list, tables: list, edition_year: int, tied: tuple[int, ...]) -> str:
    """Flag every ``ok`` value that carries a year when the document's edition could not be decided.

    ``tied`` are the year shifts that fit the document equally well; the values were read with the
    first. Returns the document-level warning. Values without a period or year label are left alone.
    """
    editions = " or ".join(str(edition_year + d) for d in tied)
    reason = f"edition year undecided ({editions}): the year of this value is not certain"
    for f in fields:
        if f.status == "ok" and (f.period is not None or years(f"{f.row_label}{f.column_label or ''}")):
            f.status = "review"
            f.reasons.append(reason)
    for t in tables:
        for row in t.rows:
            for col, v in row.cells.items():
                if v.status == "ok" and years(col):
                    v.status = "review"
                    v.reasons.append(reason)
                    if t.status == "ok":
                        t.status = "review"
    return f"the edition year could not be decided between {editions}; values with a year are flagged review"


def identify_forced(doc: Document, m: TableMap) -> Identified:
    """The template named by the user: skip identification, still detect the edition's year shift."""
    lines = doc_lines(doc)
    shift, tied = decide_year_shift(m, set(years("\n".join(lines))), set(lines))
    return Identified(m, 1.0, shift, [(m.template, 1.0)], tied)


def extract(path: str | Path, maps_dir: str | Path | None = None, template: str | None = None, *,
            limits: Limits | None = None, pages: Iterable[int] | None = None) -> Result:
    """Extract one file. Bad input gives a Result with status 'error' (or 'needs_ocr'), never an exception.

    ``maps_dir``: the maps folder; ``None`` (default) means ``$EXTRACTOR_MAPS`` if set, else the bundled maps.
    ``limits``: :class:`~extractor.limits.Limits` (``None``: defaults with ``EXTRACTOR_*`` overrides); an
    exceeded limit is an error record naming it. ``pages``: 1-based pages to read of a long document.
    Raises only for the maps: :class:`MapError` (broken map) or :class:`~extractor.maps.MapsDirNotFound`.
    """
    path = Path(path)
    doc: Document | None = None
    stage = "load"
    try:
        doc = load(path, limits=limits, pages=pages)
        stage = "identify"
        return extract_document(doc, maps_dir, template)
    except NeedsOCR as e:
        return Result(source=_source(path, doc), status="needs_ocr", errors=[ErrorItem(code=e.code, message=str(e), stage=stage)],
                      warnings=_warnings(e, doc))
    except InputError as e:
        return Result(source=_source(path, doc), status="error", errors=[ErrorItem(code=e.code, message=str(e), stage=stage)],
                      warnings=_warnings(e, doc))


def _warnings(e: Exception, doc: Document | None) -> list[str]:
    """The document's warnings on an error record (e.g. a file name that disagrees with the content)."""
    return list(doc.warnings) if doc is not None else list(getattr(e, "warnings", []))


def output_name(path: str | Path) -> str:
    """`a.docx` → `a.docx.json`."""
    return Path(path).name + ".json"
