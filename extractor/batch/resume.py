"""Resuming: which outputs of an earlier run into the same folder are reused instead of read again — a whole
package whose summary is complete for the same files and settings, or one form whose JSON holds the same
source hash. ``BatchSettings.force`` reuses nothing."""
from __future__ import annotations

import json
from pathlib import Path

from ..contract import Result
from ..emit import read_result
from ..intake import Item, Package
from .settings import BatchSettings
from .summary import SUMMARY_VERSION


def reusable_summary(pkg: Package, outdir: Path, settings: BatchSettings) -> dict | None:
    """The summary an earlier run wrote for ``pkg`` when it can stand for this run: complete, same summary
    version, same fingerprint (files), same :meth:`BatchSettings.key`, same package key, and every form's
    JSON still there; else None."""
    if settings.force or not pkg.fingerprint:
        return None
    try:
        s = json.loads((outdir / pkg.summary_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (s.get("complete") is True and s.get("summary_version") == SUMMARY_VERSION and s.get("fingerprint") == pkg.fingerprint
            and s.get("settings") == settings.key() and s.get("package") == pkg.key
            and all((outdir / f["output"]).is_file() for f in s.get("forms", []) if f.get("output"))):
        return s
    return None


def reusable_form(it: Item, outdir: Path, settings: BatchSettings) -> Result | None:
    """A form JSON already written for the same source (same sha256) and read with the same settings, whose
    status is ``ok`` or ``review``; else None."""
    if settings.force or not it.out:
        return None
    try:
        r = read_result(outdir / it.out)
    except (OSError, ValueError):
        return None
    return r if r.source.sha256 == it.sha256 and r.status in ("ok", "review") else None
