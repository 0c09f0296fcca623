"""The review station: a local web app over emitted results where reviewers accept, correct or mark unreadable
the values the tool is unsure of (``extractor serve OUTDIR…``).

It reads the emitted JSON and the source files they name (for page images) and never calls the extraction
stages. Decisions live in ``OUTDIR/review.sqlite``, are appended to ``OUTDIR/review-log.jsonl`` and applied
in ``OUTDIR/<name>.reviewed.json`` (the extraction's JSON is never changed). The web parts (Starlette,
uvicorn) are the optional extra ``serve``; :mod:`.store` and the modules it uses work without them.
"""
from __future__ import annotations

from pathlib import Path

from .decisions import LOG_NAME
from .results import REVIEWED_SUFFIX, load_preferring_reviewed, load_preferring_reviewed_with_packages
from .store import ReviewError, Station

__all__ = ["LOG_NAME", "REVIEWED_SUFFIX", "ReviewError", "Station", "export", "load_preferring_reviewed"]


def export(outdirs: list[Path], csv_path: Path | None = None, xlsx_path: Path | None = None) -> int:
    """Write the batch exports (extractor.emit's CSV / XLSX) from reviewed results where they exist, else the
    originals, each row with its package (the result's first folder under OUTDIR). Returns the number of
    documents written."""
    from ...emit import write_csv, write_xlsx

    results = load_preferring_reviewed_with_packages(list(outdirs))
    if csv_path:
        write_csv(results, csv_path)
    if xlsx_path:
        write_xlsx(results, xlsx_path)
    return len(results)
