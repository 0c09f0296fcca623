"""The batch-level reports written at the end of a batch (also after Ctrl-C / SIGTERM), in input order:
``OUT/_batch/values.csv``, ``applications.xlsx``, ``report.html``, ``batch.json`` and the optional
``--csv`` / ``--xlsx`` exports."""
from __future__ import annotations

import json

from ..emit import write_atomic, write_csv, write_wide_xlsx, write_xlsx
from ..emit.report import write_html
from ..intake import RESERVED, Package
from .settings import BatchResult, BatchSettings


def in_order(result: BatchResult, packages: list[Package]) -> None:
    """Summaries and results in input order (package, then file inside it), whatever order the workers
    finished in: the reports of a batch are the same with 1 worker, 2 workers or Ray. Sorts in place."""
    rank = {p.key: k for k, p in enumerate(packages)}
    files = {(p.key, it.display): i for p in packages for i, it in enumerate(p.items)}
    result.summaries.sort(key=lambda s: rank.get(s.get("package"), len(rank)))
    result.results.sort(key=lambda pr: (rank.get(pr[0], len(rank)), files.get((pr[0], pr[1].source.path), 0)))


def _display(summary: dict, rel: str) -> str:
    """How a form of this package is named in its Result (``source.path``): the record's ``input``."""
    for f in summary.get("files", []):
        if f["path"] == rel:
            return f.get("input") or rel
    return rel


def _note(result: BatchResult) -> str:
    """The line above the HTML report's table: packages done, the signal that stopped it, flagged packages."""
    flagged = [f"{s['package']}: {'; '.join(s.get('reasons') or s.get('flags'))}" for s in result.summaries if s.get("flags")]
    return (f"{len(result.summaries)} of {result.total_packages} package(s) done"
            + (f"; stopped by {result.interrupted}" if result.interrupted else "")
            + (f". Flagged — {' | '.join(flagged)}" if flagged else ""))


def write_reports(result: BatchResult, settings: BatchSettings) -> None:
    """Write the batch-level reports of ``result`` (see the module doc) into ``result.outdir / "_batch"``."""
    from ..maps import load_catalogue

    bdir = result.outdir / RESERVED
    write_csv(result.results, bdir / "values.csv")
    if settings.csv:
        write_csv(result.results, settings.csv)
    if settings.xlsx:
        write_xlsx(result.results, settings.xlsx)
    try:
        order = list(load_catalogue(settings.maps_dir))
    except Exception:  # noqa: BLE001 - the report must still be written
        order = []
    packages = {s["package"]: {"main_form": (s.get("main_form") or {}).get("path") and _display(s, s["main_form"]["path"]),
                               "flag": "; ".join(s.get("flags") or [])} for s in result.summaries}
    write_wide_xlsx(result.results, bdir / "applications.xlsx", order, packages)
    write_html(result.summaries, bdir / "report.html", note=_note(result))
    write_atomic(bdir / "batch.json", json.dumps(
        {"packages": result.total_packages, "done": len(result.summaries), "interrupted": result.interrupted,
         "failed": [s["package"] for s in result.failed],
         "summaries": [s["summary"] for s in result.summaries]}, ensure_ascii=False, indent=1))
