"""The reviewer's queue: reads emitted JSON only (never calls the extraction stages)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..contract import Result

DOUBTFUL = ("invalid", "review")


@dataclass
class Item:
    file: str
    where: str
    status: str
    raw: str | None
    value: object
    confidence: float
    reasons: str
    page: int | None
    bbox: list[float] | None = None  # PDF points of the (cleaned) page, where the source gives one


def queue(result: Result, include_missing: bool = False) -> list[Item]:
    """Everything a reviewer must look at in one result, worst first."""
    states = DOUBTFUL + (("missing",) if include_missing else ())
    out: list[Item] = []
    name = result.source.name
    for e in result.errors:
        out.append(Item(name, f"[{e.stage}]", "error", None, e.message, 0.0, e.code, None))
    for f in result.fields:
        required_blank = f.status == "missing" and "required field is empty" in f.reasons
        if f.status in states or required_blank and include_missing:
            where = " / ".join(x for x in (f.table, f.row_label, f.column_label) if x)
            out.append(Item(name, where, f.status, f.raw, f.value, f.confidence, "; ".join(f.reasons), f.page,
                            f.bbox))
    for t in result.tables:
        for r in t.rows:
            for col, v in r.cells.items():
                if v.status in states:
                    out.append(Item(name, f"{t.table} / 第{r.row_index}行 / {col}", v.status, v.raw, v.value,
                                    v.confidence, "; ".join(v.reasons), v.page, v.bbox))
    for x in result.texts:
        if x.status in states:
            out.append(Item(name, f"{x.table} / {x.column_label or ''}".rstrip(" /"), x.status, None,
                            (x.text or "")[:40], x.confidence, "; ".join(x.reasons), x.page))
    order = {"error": 0, "invalid": 1, "review": 2, "missing": 3}
    out.sort(key=lambda i: (order.get(i.status, 9), i.confidence))
    return out


def load_results(paths: list[Path]) -> list[Result]:
    """The extraction's results (``<name>.json``) under ``paths``; the review station's files
    (``<name>.reviewed.json``) are not results of the extraction and are skipped in folders."""
    files = [f for p in paths for f in (sorted(x for x in p.rglob("*.json") if not x.name.endswith(".reviewed.json"))
                                        if p.is_dir() else [p])]
    out = []
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "schema_version" in data and "source" in data:  # not a package summary
            out.append(Result.model_validate(data))
    return out
