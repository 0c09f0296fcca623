"""Emitted results on disk as the review station and the exports read them: which JSON files are results, the
reviewed copy beside each (``<name>.reviewed.json``) and reading files or folders preferring the reviewed copies.

The extraction's ``<name>.json`` is only read, never modified; :func:`write_reviewed` replaces a reviewed copy
atomically.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ...contract import Result

REVIEWED_SUFFIX = ".reviewed.json"


def is_result_json(p: Path) -> bool:
    """Whether ``p`` may be an extraction's result by its name: a ``.json`` that is neither a reviewed copy nor
    ``review-state.json`` (its content is checked by :func:`read_if_result`)."""
    return p.suffix == ".json" and not p.name.endswith(REVIEWED_SUFFIX) and p.name != "review-state.json"


def reviewed_path(json_path: Path) -> Path:
    """The reviewed copy of the result ``<name>.json``: ``<name>.reviewed.json`` in the same folder."""
    return json_path.with_name(json_path.name[: -len(".json")] + REVIEWED_SUFFIX)


def read_if_result(path: Path) -> Result | None:
    """The result in ``path``, or None for the other JSON files a batch writes beside them (package summaries,
    ``_batch/*.json``) and for unreadable files. Raises pydantic's ``ValidationError`` (a ``ValueError``) for
    a file that looks like a result (``schema_version`` and ``source``) but does not validate."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or "schema_version" not in data or "source" not in data:
        return None
    return Result.model_validate(data)


def load_preferring_reviewed_with_packages(paths: list[Path]) -> list[tuple[str, Result]]:
    """As :func:`load_preferring_reviewed`, each with its package: the first folder of the JSON's path under
    the folder given (a batch writes ``OUTDIR/<package>/…``), ``""`` for a result at the top or a file given."""
    out: list[tuple[str, Result]] = []
    for p in paths:
        p = Path(p)
        for res, f in _preferring_reviewed(p):
            rel = f.relative_to(p).parts if p.is_dir() else ()
            out.append((rel[0] if len(rel) > 1 else "", res))
    return out


def _preferring_reviewed(p: Path) -> list[tuple[Result, Path]]:
    files = sorted(x for x in p.rglob("*.json") if is_result_json(x)) if p.is_dir() else [p]
    out = []
    for f in files:
        res = read_if_result(f)
        if res is None:
            continue
        r = reviewed_path(f)
        rev = read_if_result(r) if r.is_file() else None
        # a reviewed copy counts only for the very source it was made from: a re-extracted new version of the
        # applicant's file (another hash) must not come out with the old version's decisions
        out.append((rev if rev is not None and rev.source.sha256 == res.source.sha256 else res, f))
    return out


def load_preferring_reviewed(paths: list[Path]) -> list[Result]:
    """Results under ``paths`` (files or folders), each read from ``<name>.reviewed.json`` where a reviewer has
    produced one for the same source file (same sha256), else from the extraction's ``<name>.json``."""
    return [res for p in paths for res, _ in _preferring_reviewed(Path(p))]


def write_reviewed(json_path: Path, res: Result) -> None:
    """Replace the reviewed copy of the result ``json_path`` with ``res`` (indented JSON, UTF-8), atomically:
    written to a temporary file beside it, then ``os.replace``. Raises ``OSError`` if the folder is not
    writable."""
    p = reviewed_path(json_path)
    tmp = p.with_name(p.name + f".{os.getpid()}.tmp")
    tmp.write_text(res.model_dump_json(indent=1), encoding="utf-8")
    os.replace(tmp, p)
