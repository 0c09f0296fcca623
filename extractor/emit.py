"""Writing results: one JSON per input file; optional flat CSV / XLSX of every value for spreadsheets."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from .contract import Result

FLAT_COLUMNS = ["file", "template", "table", "row_label", "column_label", "row_index", "id", "period", "raw", "value",
                "unit", "confidence", "status", "reasons", "page"]


def write_json(result: Result, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result.model_dump_json(indent=1), encoding="utf-8")
    return path


def flat_rows(result: Result) -> list[dict]:
    """Every value of a result as one flat row (fields, list-table cells, texts)."""
    tid = result.template.id if result.template else ""
    base = {"file": result.source.name, "template": tid}
    rows = []
    for f in result.fields:
        rows.append({**base, "table": f.table, "row_label": f.row_label, "column_label": f.column_label, "row_index": None,
                     "id": f.id, "period": f.period, "raw": f.raw, "value": _cell(f.value), "unit": f.unit,
                     "confidence": f.confidence, "status": f.status, "reasons": "; ".join(f.reasons), "page": f.page})
    for t in result.tables:
        for r in t.rows:
            for col, v in r.cells.items():
                rows.append({**base, "table": t.table, "row_label": "", "column_label": col, "row_index": r.row_index,
                             "id": v.id, "period": None, "raw": v.raw, "value": _cell(v.value), "unit": v.unit,
                             "confidence": v.confidence, "status": v.status, "reasons": "; ".join(v.reasons), "page": v.page})
    for x in result.texts:
        rows.append({**base, "table": x.table, "row_label": x.row_label, "column_label": x.column_label, "row_index": None,
                     "id": x.id, "period": None, "raw": None, "value": x.text, "unit": None, "confidence": x.confidence,
                     "status": x.status, "reasons": "; ".join(x.reasons), "page": x.page})
    for e in result.errors:
        rows.append({**base, "table": "", "row_label": "", "column_label": None, "row_index": None, "id": e.code,
                     "period": None, "raw": None, "value": e.message, "unit": None, "confidence": 0.0,
                     "status": "error", "reasons": e.stage, "page": None})
    return rows


def _cell(v: object) -> object:
    if isinstance(v, list):
        return "；".join(str(x) for x in v)
    return v


def write_csv(results: list[Result], path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FLAT_COLUMNS)
        w.writeheader()
        for r in results:
            w.writerows(flat_rows(r))
    return path


def write_xlsx(results: list[Result], path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "values"
    ws.append(FLAT_COLUMNS)
    for r in results:
        for row in flat_rows(r):
            ws.append([row[c] for c in FLAT_COLUMNS])
    wb.save(path)
    return path


def read_result(path: Path) -> Result:
    return Result.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
