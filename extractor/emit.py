"""Writing results: one JSON per input file; optional flat CSV / XLSX of every value for spreadsheets.

Every file is written atomically (:func:`write_atomic`: a temporary file in the same folder, then
``os.replace``): a reader (or a resumed batch) sees the old file or the whole new one, never a part.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Iterable, Union

from .contract import Result

FLAT_COLUMNS = ["file", "template", "table", "row_label", "column_label", "row_index", "id", "period", "raw", "value",
                "unit", "confidence", "status", "reasons", "page", "package", "path"]
TMP_PREFIX = ".~tmp-"  # temporary files of write_atomic (left over only by a killed run; removed by the next batch)
Item = Union[Result, "tuple[str, Result]"]  # a result, or (package, result)


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` all or nothing (temp file beside it + fsync + ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tag = hashlib.sha256(path.name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    tmp = path.with_name(f"{TMP_PREFIX}{tag}-{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_json(result: Result, path: Path) -> Path:
    return write_atomic(path, result.model_dump_json(indent=1))


def _split(item: Item) -> tuple[str, Result]:
    return item if isinstance(item, tuple) else ("", item)


def flat_rows(result: Result, package: str = "") -> list[dict]:
    """Every value of a result as one flat row (fields, list-table cells, texts), with its package and file path."""
    tid = result.template.id if result.template else ""
    base = {"file": result.source.name, "template": tid, "package": package, "path": result.source.path}
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


def write_csv(results: Iterable[Item], path: Path) -> Path:
    """One row per value (long format), UTF-8 with BOM for Excel; ``results``: Results or (package, Result)."""
    fh = io.StringIO(newline="")
    w = csv.DictWriter(fh, fieldnames=FLAT_COLUMNS)
    w.writeheader()
    for item in results:
        pkg, r = _split(item)
        w.writerows(flat_rows(r, pkg))
    return write_atomic(path, "\ufeff" + fh.getvalue())


def _xlsx_value(v: object) -> object:
    if isinstance(v, str):  # control characters are not allowed in XLSX cells
        return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 else f"\\x{ord(ch):02x}" for ch in v)
    return v


def save_workbook(wb, path: Path) -> Path:  # noqa: ANN001
    buf = io.BytesIO()
    wb.save(buf)
    return write_atomic(path, buf.getvalue())


def write_xlsx(results: Iterable[Item], path: Path) -> Path:
    """The long CSV as an XLSX sheet ``values``."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("values")
    ws.append(FLAT_COLUMNS)
    for item in results:
        pkg, r = _split(item)
        for row in flat_rows(r, pkg):
            ws.append([_xlsx_value(row[c]) for c in FLAT_COLUMNS])
    return save_workbook(wb, path)


def read_result(path: Path) -> Result:
    return Result.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
