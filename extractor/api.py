"""The library API and the one orchestrator of the pipeline. The CLI only wraps these functions.

The stages, in order: ``load`` (a file → the IR; scans and images are read in the ``ocr`` stage) →
``identify`` (which template, which edition) → ``locate`` (where each section is) → ``map`` (the values
of each section) → ``validate`` (normalise, check the rules) → ``emit`` (the :class:`Result`).
:func:`trace` runs them once and keeps what each handed on in a :class:`Trace`; :func:`extract` returns
its Result, ``extractor inspect`` prints it and the OCR overlay draws it.

``extract(path)`` never raises for a bad input file: it returns a :class:`Result` whose ``status`` is
``error`` with an :class:`ErrorItem` naming the stage that raised. A broken layout map (an error of the
map's author) raises :class:`MapError`.

Maps are read from ``maps_dir`` if given, else from the folder named by ``$EXTRACTOR_MAPS``, else
from the maps bundled in the package (``extractor/table_maps/``); see :mod:`extractor.maps`. A
``maps_dir`` (or ``$EXTRACTOR_MAPS``) that does not exist raises :class:`~extractor.maps.MapsDirNotFound`.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .contract import ErrorItem, Result, Source, Summary, TemplateMatch
from .errors import InputError, NeedsOCR, UnknownTemplate, stage_of
from .ir import Document
from .limits import Limits
from .loaders import load
from .identify import Identified, identify, identify_forced, locate_sections, map_named
from .layouts import map_sections
from .maps import load_catalogue, load_maps
from .maps.spec import TableMap
from .records import Mapped, Scope
from .text import years
from .validate import Context, assemble


@dataclass
class Trace:
    """What each stage of one extraction handed to the next. ``stage`` is the last stage entered: the one
    that stopped the run when ``result`` is an error record."""

    path: Path
    document: Document | None = None  # load / ocr: the IR
    identification: Identified | None = None  # identify: map, score, ranking, year shift
    scopes: list[Scope] = field(default_factory=list)  # locate: where each section of the map is
    mapped: Mapped | None = None  # map: the hits, lists and texts found
    result: Result | None = None  # validate + emit, or the error record
    stage: str = "load"
    forced: bool = False  # the template was given, not identified
    identify_note: str | None = None  # forced with ``explain``: why identification alone would have failed
    pages: list[Any] = field(default_factory=list)  # ``scan=True``: the OCR pages, with their cleaned images


def _source(path: Path, doc: Document | None) -> Source:
    if doc is not None:
        return Source(path=str(path), name=path.name, sha256=doc.sha256, format=doc.format, pages=doc.pages)
    try:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        sha = ""
    return Source(path=str(path), name=path.name, sha256=sha, format=path.suffix.lower().lstrip(".") or "unknown",
                  pages=0)


def trace(path: str | Path, maps_dir: str | Path | None = None, template: str | None = None, *,
          limits: Limits | None = None, pages: Iterable[int] | None = None, explain: bool = False,
          scan: bool = False) -> Trace:
    """Run every stage on one file and keep each stage's result. Bad input never raises: ``result`` is then
    the error record (``status`` ``error`` or ``needs_ocr``) and ``stage`` where it stopped.

    ``explain``: with ``template``, also rank the templates for the reader (never fails on a weak match).
    ``scan``: read the file (an image or a PDF) by OCR whatever it is, keeping the page images in ``pages``.
    Raises only for the maps, as :func:`extract`.
    """
    t = Trace(Path(path))
    try:
        if scan:
            from .loaders.scan import read_pages

            t.stage = "ocr"
            t.document, t.pages = read_pages(t.path, keep_images=True)
        else:
            t.document = load(t.path, limits=limits, pages=pages)
        run_stages(t.document, maps_dir, template, trace=t, explain=explain)
    except InputError as e:
        t.stage = stage_of(e, t.stage)
        t.result = Result(source=_source(t.path, t.document), status="needs_ocr" if isinstance(e, NeedsOCR) else "error",
                          errors=[ErrorItem(code=e.code, message=str(e), stage=t.stage)],
                          warnings=_warnings(e, t.document))
    return t


def extract(path: str | Path, maps_dir: str | Path | None = None, template: str | None = None, *,
            limits: Limits | None = None, pages: Iterable[int] | None = None) -> Result:
    """Extract one file. Bad input gives a Result with status 'error' (or 'needs_ocr'), never an exception.

    ``maps_dir``: the maps folder; ``None`` (default) means ``$EXTRACTOR_MAPS`` if set, else the bundled maps.
    ``limits``: :class:`~extractor.limits.Limits` (``None``: defaults with ``EXTRACTOR_*`` overrides); an
    exceeded limit is an error record naming it. ``pages``: 1-based pages to read of a long document.
    Raises only for the maps: :class:`MapError` (broken map) or :class:`~extractor.maps.MapsDirNotFound`.
    """
    return trace(path, maps_dir, template, limits=limits, pages=pages).result


def extract_document(doc: Document, maps_dir: str | Path | None = None, template: str | None = None) -> Result:
    """Run identify → locate → map → validate → emit on a loaded document.

    ``maps_dir``: the maps folder; ``None`` means ``$EXTRACTOR_MAPS`` or the bundled maps. Raises
    :class:`InputError` (e.g. an unknown form), :class:`MapError` (broken map) or
    :class:`~extractor.maps.MapsDirNotFound`.
    """
    return run_stages(doc, maps_dir, template).result


def run_stages(doc: Document, maps_dir: str | Path | None = None, template: str | None = None, *,
               trace: Trace | None = None, explain: bool = False) -> Trace:
    """The stages after loading, each one's result stored in ``trace`` (a new one if not given) as it is
    reached; raises as :func:`extract_document`, ``trace.stage`` naming the stage that raised."""
    t = trace if trace is not None else Trace(Path(doc.path), doc)
    t.stage = "identify"
    maps = load_maps(maps_dir)
    catalogue = load_catalogue(maps_dir)
    if template is not None:
        t.forced = True
        t.identification = identify_forced(doc, map_named(maps, template))
        if explain:
            t.identify_note = _rank_for_reader(doc, maps, t.identification)
    else:
        t.identification = identify(doc, maps)
    ident = t.identification
    m = ident.map
    em = ident.edition_map  # every year moved to the document's edition: no later stage sees the shift
    t.stage = "locate"
    t.scopes = locate_sections(doc, em)
    t.stage = "map"
    t.mapped = map_sections(t.scopes)
    t.stage = "validate"
    ctx = Context(catalogue=catalogue, edition_year=em.edition_year, table_map=em,
                  recognised_pages=frozenset(p["page"] for p in doc.ocr_pages))
    fields, tables, texts = assemble(t.mapped, ctx)
    warnings = list(doc.warnings)
    if ident.shift_tied:
        warnings.append(flag_undecided_edition(fields, tables, m.edition_year, ident.shift_tied))
    t.stage = "emit"
    counts = {k: sum(1 for f in fields if f.status == k) for k in ("ok", "review", "invalid", "missing")}
    doubtful = counts["review"] + counts["invalid"] + sum(1 for f in fields if f.status == "missing" and "required field is empty" in f.reasons)
    doubtful += sum(1 for t_ in texts if t_.status in ("review", "invalid")) + sum(1 for t_ in tables if t_.status in ("review", "invalid"))
    t.result = Result(
        source=_source(Path(doc.path), doc),
        template=TemplateMatch(id=m.template, title=m.title, score=ident.score,
                               edition_year=m.edition_year + ident.year_shift, year_shift=ident.year_shift),
        status="review" if doubtful or warnings else "ok",
        summary=Summary(fields=len(fields), **counts),
        fields=fields, tables=tables, texts=texts, warnings=warnings,
    )
    return t


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


def _rank_for_reader(doc: Document, maps: tuple[TableMap, ...], forced: Identified) -> str | None:
    """Rank the templates as identification would, for a reader (the forced score and shift stay): the
    ranking goes into ``forced.ranking``; a weak or ambiguous match is returned as a note, not raised."""
    try:
        forced.ranking = identify(doc, maps).ranking
    except UnknownTemplate as e:
        return str(e)
    return None


def _warnings(e: Exception, doc: Document | None) -> list[str]:
    """The document's warnings on an error record (e.g. a file name that disagrees with the content)."""
    return list(doc.warnings) if doc is not None else list(getattr(e, "warnings", []))


def output_name(path: str | Path) -> str:
    """`a.docx` → `a.docx.json`."""
    return Path(path).name + ".json"
