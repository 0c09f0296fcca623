"""Loading and statically checking layout maps and the indicator catalogue.

Where maps are read from (first that applies):

1. the ``maps_dir`` argument (the CLI's ``--maps DIR``);
2. the folder named by the environment variable ``$EXTRACTOR_MAPS``;
3. the maps bundled with the package, ``extractor/table_maps/`` (package data inside the wheel,
   found with :mod:`importlib.resources`).

A maps folder holds ``catalogue.yaml`` (the indicator catalogue) and one ``<template>.yaml`` per
form; every file is validated with the pydantic models of :mod:`extractor.maps.spec` (unknown keys
are rejected). Errors: a folder that does not exist raises :class:`MapsDirNotFound` (a usage
error); a folder without ``catalogue.yaml``, without any map, or with a map or catalogue that
cannot be read or does not validate raises :class:`~extractor.errors.MapError` (an error of the
map's author) with a one-line message naming the file.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterator

import yaml
from pydantic import ValidationError

from ..errors import ExtractorError, MapError
from .spec import Catalogue, Indicator, ListSection, Place, TableMap, Vocabulary

_log = logging.getLogger("extractor.maps")
MAPS_ENV = "EXTRACTOR_MAPS"
CATALOGUE_FILE = "catalogue.yaml"
VOCABULARY_FILE = "vocabulary.yaml"
DATA_FILES = (CATALOGUE_FILE, VOCABULARY_FILE)  # in a maps folder, beside the maps
_keep_extracted = contextlib.ExitStack()
atexit.register(_keep_extracted.close)


def package_data(name: str) -> Path:
    """A file or folder shipped inside the ``extractor`` package (``extractor/<name>``), as a real path.

    Read through :mod:`importlib.resources`, so it works from a source checkout, an editable install
    and an installed wheel alike (a zipped package is extracted to a temporary folder once).
    """
    res = resources.files("extractor").joinpath(name)
    if isinstance(res, Path):
        return res
    return _keep_extracted.enter_context(resources.as_file(res))  # pragma: no cover - zipped installs only


MAPS_DIR = package_data("table_maps")  # the bundled maps


class MapsDirNotFound(ExtractorError, FileNotFoundError):
    """The maps folder named by ``--maps`` / ``$EXTRACTOR_MAPS`` does not exist (a usage error)."""

    code = "maps_dir_not_found"


def maps_dir_from(maps_dir: str | os.PathLike[str] | None = None) -> Path:
    """The maps folder to use: ``maps_dir`` if given, else ``$EXTRACTOR_MAPS`` if set, else the bundled maps.

    Raises :class:`MapsDirNotFound` when the chosen folder does not exist or is not a folder.
    """
    source = "maps folder"
    if maps_dir is None and os.environ.get(MAPS_ENV):
        maps_dir, source = os.environ[MAPS_ENV], f"${MAPS_ENV}"
    if maps_dir is None:
        return MAPS_DIR
    d = Path(maps_dir).expanduser()
    if not d.is_dir():
        raise MapsDirNotFound(f"{source} {str(d)!r} {'is not a folder' if d.exists() else 'does not exist'}")
    return d.resolve()


@contextlib.contextmanager
def using_maps_dir(maps_dir: str | os.PathLike[str] | None) -> Iterator[Path]:
    """Within the block, every default lookup reads ``maps_dir`` (by setting ``$EXTRACTOR_MAPS``; restored after).

    ``None`` changes nothing. Used by the CLI so that ``--maps`` reaches every command's code path.
    """
    d = maps_dir_from(maps_dir)
    if maps_dir is None:
        yield d
        return
    before = os.environ.get(MAPS_ENV)
    os.environ[MAPS_ENV] = str(d)
    try:
        yield d
    finally:
        if before is None:
            os.environ.pop(MAPS_ENV, None)
        else:
            os.environ[MAPS_ENV] = before


def _one_line(e: ValidationError, most: int = 3) -> str:
    errs = e.errors()
    parts = [f"{'.'.join(str(x) for x in err['loc']) or '(top)'}: {err['msg']}{_hint(err)}" for err in errs[:most]]
    more = f" (+{len(errs) - most} more)" if len(errs) > most else ""
    return "; ".join(parts) + more


def _hint(err: dict) -> str:
    """An unknown ``layout:`` may be a layout whose module declares its own section model and was not imported."""
    if (err["type"] == "union_tag_invalid" and err.get("ctx", {}).get("discriminator") == "'layout'"
            and "extractor.layouts" not in sys.modules):
        return " (a layout module of extractor/layouts/ adds its layout when extractor.layouts is imported)"
    return ""


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        msg = " ".join(str(e).split())
        raise MapError(f"{path}: cannot read map: {msg}") from e


def load_map(path: Path) -> TableMap:
    """Read and validate one map file. Raises :class:`MapError` if it cannot be read or is not a valid map
    (its ``rules`` included: a rule naming an ID the map does not read, a period it is never read for, an
    unknown list or heading is a map error naming the rule)."""
    try:
        m = TableMap.model_validate(_read_yaml(path))
    except ValidationError as e:
        raise MapError(f"{path}: invalid map: {_one_line(e)}") from e
    from ..rules import problems

    bad = problems(m)
    if bad:
        more = f" (+{len(bad) - 3} more)" if len(bad) > 3 else ""
        raise MapError(f"{path}: invalid rules: {'; '.join(bad[:3])}{more}")
    return m


def load_maps(maps_dir: str | os.PathLike[str] | None = None) -> tuple[TableMap, ...]:
    """Every map in the maps folder (see :func:`maps_dir_from`), validated; loaded once per folder.

    Raises :class:`MapsDirNotFound` (no such folder) or :class:`MapError` (no map, a broken map,
    a template id defined twice).
    """
    return _load_maps(maps_dir_from(maps_dir))


@lru_cache(maxsize=None)
def _load_maps(maps_dir: Path) -> tuple[TableMap, ...]:
    files = sorted(p for p in maps_dir.glob("*.yaml") if p.name not in DATA_FILES)
    if not files:
        raise MapError(f"{maps_dir}: no layout maps (<template>.yaml) in this maps folder")
    maps = tuple(load_map(p) for p in files)
    seen: set[str] = set()
    for m in maps:
        if m.template in seen:
            raise MapError(f"{maps_dir}: template id {m.template!r} defined twice")
        seen.add(m.template)
    for w in keyword_warnings(maps):
        _log.warning("%s: %s", maps_dir, w)
    return maps


def get_map(template_id: str, maps_dir: str | os.PathLike[str] | None = None) -> TableMap:
    """The map of ``template_id`` from the maps folder; :class:`MapError` if there is none."""
    for m in load_maps(maps_dir):
        if m.template == template_id:
            return m
    raise MapError(f"no map for template {template_id!r}")


def load_catalogue(maps_dir: str | os.PathLike[str] | None = None) -> dict[str, Indicator]:
    """The indicator catalogue (``catalogue.yaml`` of the maps folder), by ID; loaded once per folder.

    Raises :class:`MapsDirNotFound` (no such folder) or :class:`MapError` (no ``catalogue.yaml``,
    invalid, an ID defined twice).
    """
    return _load_catalogue(maps_dir_from(maps_dir))


@lru_cache(maxsize=None)
def _load_catalogue(maps_dir: Path) -> dict[str, Indicator]:
    path = maps_dir / CATALOGUE_FILE
    if not path.is_file():
        raise MapError(f"{maps_dir}: no {CATALOGUE_FILE} (a maps folder needs the indicator catalogue beside its maps)")
    try:
        cat = Catalogue.model_validate(_read_yaml(path))
    except ValidationError as e:
        raise MapError(f"{path}: invalid catalogue: {_one_line(e)}") from e
    out: dict[str, Indicator] = {}
    for ind in cat.indicators:
        if ind.id in out:
            raise MapError(f"{path}: indicator {ind.id!r} defined twice")
        out[ind.id] = ind
    _CATALOGUE_DIRS[id(out)] = maps_dir
    return out


_CATALOGUE_DIRS: dict[int, Path] = {}


def maps_dir_of(catalogue: dict[str, Indicator]) -> Path | None:
    """The maps folder a catalogue returned by :func:`load_catalogue` was read from (``None``: not one of ours)."""
    return _CATALOGUE_DIRS.get(id(catalogue))


def places(m: TableMap) -> list[Place]:
    """Every scalar place the map claims, with its reported labels (list-table rows excluded)."""
    return [p for s in m.sections for p in s.places()]


def list_tables(m: TableMap) -> list[tuple[str, list[str]]]:
    return [(s.table, [c.label for c in s.columns]) for s in m.sections if isinstance(s, ListSection)]


# ---------------------------------------------------------------- vocabulary, rules, check-maps warnings
def _read_vocabulary(path: Path) -> Vocabulary:
    try:
        return Vocabulary.model_validate(_read_yaml(path))
    except ValidationError as e:
        raise MapError(f"{path}: invalid vocabulary: {_one_line(e)}") from e


@lru_cache(maxsize=None)
def bundled_vocabulary() -> Vocabulary:
    """The vocabulary shipped with the package (``extractor/table_maps/vocabulary.yaml``)."""
    return _read_vocabulary(MAPS_DIR / VOCABULARY_FILE)


def load_vocabulary(maps_dir: str | os.PathLike[str] | None = None) -> Vocabulary:
    """The maps folder's ``vocabulary.yaml`` if it has one, else the bundled vocabulary.

    Units and empty tokens are read by :mod:`extractor.validate.normalize` from the bundled file at import (a
    folder's own units are not used for parsing yet); rule words, share/change words and name separators
    come from this function.
    """
    return _load_vocabulary(maps_dir_from(maps_dir))


@lru_cache(maxsize=None)
def _load_vocabulary(maps_dir: Path) -> Vocabulary:
    path = maps_dir / VOCABULARY_FILE
    return _read_vocabulary(path) if path.is_file() else bundled_vocabulary()


def periods_of(m: TableMap) -> dict[str, set[int | None]]:
    """Every indicator ID the map reads with the periods it is read for (years of the map's edition)."""
    from ..text import years

    def resolve(p: int | str | None, label: str, heading: str) -> int | None:
        if isinstance(p, int):
            return p
        if isinstance(p, str):
            s = p.strip()
            if s.startswith("edition"):
                return m.edition_year + int(s[len("edition"):] or 0)
            ys = years(heading if s == "heading" else s)
            return ys[0] if ys else None
        ys = years(label)
        return ys[-1] if ys else None

    out: dict[str, set[int | None]] = {}
    for s in m.sections:
        for fid, p, label in s.reads():
            out.setdefault(fid, set()).add(resolve(p, label, s.table))
    return out


def rule_problems(m: TableMap, catalogue: dict[str, Indicator]) -> list[str]:
    """Errors in a map's ``rules`` (unknown IDs, periods never read, unknown lists or headings), one line each."""
    from ..rules import problems

    return [f"{m.template}: {p}" for p in problems(m, catalogue)]


def _printed_texts(maps: tuple[TableMap, ...] | list[TableMap]) -> dict[str, str]:
    """Per map: everything it prints (titles, keywords, headings, labels), canonical, one string."""
    from ..text import canon

    def printed(m: TableMap) -> str:
        parts = [m.title, *m.identify.titles, *m.identify.keywords]
        for s in m.sections:
            parts += [s.table, *s.match, *s.anchors]
            for f in getattr(s, "fields", []) or []:
                parts.append(f.label)
            for r in getattr(s, "rows", []) or []:
                parts.append(r.label)
            for c in getattr(s, "columns", []) or []:
                parts.append(c.label)
        return canon("\n".join(parts))

    return {m.template: printed(m) for m in maps}


_KW_WEIGHTS: dict[int, tuple[tuple[TableMap, ...], dict[str, list[float]]]] = {}


def keyword_weights(maps: tuple[TableMap, ...]) -> dict[str, list[float]]:
    """Per map, per identify keyword: 1 / the number of maps that print it (1.0 when only this map does)."""
    from ..text import canon

    got = _KW_WEIGHTS.get(id(maps))
    if got is not None and got[0] is maps:
        return got[1]
    texts = _printed_texts(maps)
    out = {m.template: [1.0 / max(1, sum(1 for o in maps if canon(k) and canon(k) in texts[o.template]))
                        for k in m.identify.keywords] for m in maps}
    _KW_WEIGHTS[id(maps)] = (maps, out)
    return out


def keyword_warnings(maps: tuple[TableMap, ...] | list[TableMap]) -> list[str]:
    """Warnings for identification keywords that are not distinctive: a keyword of one map that another map
    also lists or prints (in its title, headings, labels), so it cannot tell the two forms apart."""
    from ..text import canon

    texts = _printed_texts(maps)
    out: list[str] = []
    for m in maps:
        shared = []
        for k in m.identify.keywords:
            ck = canon(k)
            others = [o.template for o in maps if o.template != m.template and ck and ck in texts[o.template]]
            if others:
                shared.append(f"{k!r} (also in {', '.join(others)})")
        if shared:
            out.append(f"{m.template}: {len(shared)} of {len(m.identify.keywords)} identify keywords are not "
                       f"distinctive: " + "; ".join(shared))
        if len(shared) * 2 > len(m.identify.keywords):
            out.append(f"{m.template}: most identify keywords are shared with other maps: this map may claim "
                       f"their documents (add keywords only this form prints)")
    return out


LABEL_MIN_CHARS = 6  # a map's label counts as page evidence from this many characters (集群总产值（亿元）, not 2024年)


def identify_words(maps_dir: str | None = None) -> list[tuple[str, list[str], list[str]]]:
    """Per map: its template id, its title lines and its keywords (canonical) — what a form's first page shows."""
    from ..text import canon

    return [(m.template, [canon(t) for t in m.identify.titles], [canon(k) for k in m.identify.keywords])
            for m in load_maps(maps_dir)]


def page_labels(maps_dir: str | None = None) -> list[tuple[str, set[str]]]:
    """Per map, its distinctive labels (section headings, row, field and column labels and their path parts,
    canonical, at least :data:`LABEL_MIN_CHARS` characters): what an inner page of the form shows without its title."""
    from ..text import canon

    out = []
    for m in load_maps(maps_dir):
        found: set[str] = set()
        for s in m.sections:
            names = [s.table] + [x.label for key in ("fields", "rows", "columns") for x in getattr(s, key, None) or []]
            found |= {canon(part) for n in names if n for part in n.split("/") if len(canon(part)) >= LABEL_MIN_CHARS}
        out.append((m.template, found))
    return out

