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

from ..contract import Result

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
    """``result`` as indented JSON at ``path`` (atomically); returns ``path``."""
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
    """Save the openpyxl workbook ``wb`` to ``path`` atomically; returns ``path``."""
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
    """The Result stored at ``path``; raises OSError (unreadable) or ValueError (not JSON, not a Result)."""
    return Result.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))


# ---------------------------------------------------------------- the wide sheet: one row per application
WIDE_FIXED = ["package", "form", "main_form", "package_flag", "template", "status", "ok", "review", "invalid",
              "missing"]
STATUS_RANK = {"ok": 0, "review": 1, "invalid": 2, "missing": 3}
FILLS = {  # cell fill per value status (also the legend)
    "review": ("FFF2CC", "review: not sure (see the comment for the reasons)"),
    "invalid": ("F8CBAD", "invalid: breaks a rule (see the comment)"),
    "missing": ("D9D9D9", "missing: not found (a value shown here was found but not where expected)"),
    "conflict": ("F4B084", "conflict: the indicator/period is reported twice with different values (both in the comment)"),
}


def _has_value(f) -> bool:  # noqa: ANN001
    return f.value is not None and f.value != "" and f.value != []


def _same(a: object, b: object) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-9  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


def merge_field(values: list) -> tuple[object, str, str]:  # noqa: ANN001
    """(value, status, comment) of one indicator/period reported by one or more tables of a form.

    A found value beats an empty / not-found one; then ``ok`` beats review, review beats invalid; then the
    higher confidence. Two found values that disagree: the best is shown with status ``conflict`` and a
    comment naming both values and their tables. Any value not ``ok`` gets a comment with its status and
    reasons (empty comment: ``ok``)."""
    ranked = sorted(values, key=lambda f: (not _has_value(f), STATUS_RANK.get(f.status, 4), -f.confidence))
    best = ranked[0]
    found = [f for f in ranked if _has_value(f)]
    other = [f for f in found[1:] if not _same(f.value, best.value)]
    if _has_value(best) and other:
        lines = [f"conflict: {len({str(f.value) for f in found})} different values reported"]
        lines += [f"{_cell(f.value)} ({f.status}) in {f.table}" + (f" / {f.row_label}" if f.row_label else "")
                  for f in found]
        return best.value, "conflict", "\n".join(lines)
    if best.status == "ok":
        return best.value, "ok", ""
    text = f"{best.status}" + (f": {'; '.join(best.reasons)}" if best.reasons else "") + f"\n({best.table})"
    return best.value, best.status, text


def write_wide_xlsx(results: list, path: Path, catalogue_order: list[str],  # noqa: ANN001
                    packages: dict[str, dict] | None = None) -> Path:
    """One row per converted form (several forms in one package: one row each, the package flagged), one
    column per indicator+period (``id/period``, catalogue order). Cells whose value is not ``ok`` are filled
    (colour per status, legend in the sheet ``legend``) and carry a comment with the status and reasons;
    an indicator/period reported twice with different values shows the better one as ``conflict``.

    ``results``: (package, Result); ``packages``: package → ``{"main_form": path, "flag": text}``. Written
    atomically to ``path``, which is returned."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    packages = packages or {}
    items = [(p, r) for p, r in results if r.status in ("ok", "review")]
    cols = _wide_columns(items, catalogue_order)
    fills = {k: PatternFill("solid", start_color=c, end_color=c) for k, (c, _) in FILLS.items()}
    wb = Workbook()
    ws = wb.active
    ws.title = "applications"
    ws.append(WIDE_FIXED + [f"{i}/{p}" if p is not None else i for i, p in cols])
    for pkg, r in items:
        by: dict[tuple, list] = {}
        for f in r.fields:
            by.setdefault((f.id, f.period), []).append(f)
        merged = {k: merge_field(v) for k, v in by.items()}
        info = packages.get(pkg, {})
        head, status = _wide_head(pkg, r, merged, info)
        ws.append([_xlsx_value(v) for v in head] + [
            _xlsx_value(_cell(merged[c][0])) if c in merged else None for c in cols])
        _mark_wide_row(ws, ws.max_row, cols, merged, fills, status, bool(info.get("flag")))
    _write_legend(wb, fills)
    return save_workbook(wb, path)


def _wide_columns(items: list, catalogue_order: list[str]) -> list[tuple]:  # noqa: ANN001
    """Every (id, period) of the forms' fields: catalogue order, then id, then period (None first)."""
    rank = {k: i for i, k in enumerate(catalogue_order)}
    return sorted({(f.id, f.period) for _, r in items for f in r.fields},
                  key=lambda k: (rank.get(k[0], len(rank)), k[0], k[1] if k[1] is not None else -1))


def _wide_head(pkg: str, r: Result, merged: dict, info: dict) -> tuple[list, str]:
    """The fixed columns (:data:`WIDE_FIXED`) of one form's row, and its row status: invalid when any value
    breaks a rule, review when the form is review or any value conflicts, else the form's status."""
    s = r.summary
    n_conf = sum(1 for _, st, _ in merged.values() if st == "conflict")
    status = "invalid" if (s and s.invalid) else ("review" if (r.status == "review" or n_conf) else r.status)
    main = info.get("main_form")
    head = [pkg, r.source.path, ("yes" if main == r.source.path else "no") if main else "",
            info.get("flag", ""), r.template.id if r.template else "", status,
            s.ok if s else 0, s.review if s else 0, s.invalid if s else 0, s.missing if s else 0]
    return head, status


def _mark_wide_row(ws, row: int, cols: list, merged: dict, fills: dict, status: str,  # noqa: ANN001
                   flagged: bool) -> None:
    """Fill (and comment) the cells of one written row whose package is flagged, whose status is not ok, and
    whose value is not ok (missing without a value: filled, no comment)."""
    from openpyxl.comments import Comment

    if flagged:
        ws.cell(row, WIDE_FIXED.index("package_flag") + 1).fill = fills["conflict"]
    if status != "ok":
        ws.cell(row, WIDE_FIXED.index("status") + 1).fill = fills.get(status, fills["review"])
    for j, c in enumerate(cols, start=len(WIDE_FIXED) + 1):
        if c not in merged:
            continue
        value, st, text = merged[c]
        if st == "ok" or (st == "missing" and not (value is not None and value != "")):
            if st == "missing":
                ws.cell(row, j).fill = fills["missing"]
            continue
        cell = ws.cell(row, j)
        cell.fill = fills.get(st, fills["review"])
        cell.comment = Comment(_xlsx_value(text), "extractor", width=320, height=120)


def _write_legend(wb, fills: dict) -> None:  # noqa: ANN001
    """The sheet ``legend``: each fill colour and what it means."""
    lg = wb.create_sheet("legend")
    lg.append(["colour", "meaning"])
    for k, (_c, meaning) in FILLS.items():
        lg.append([k, meaning])
        lg.cell(lg.max_row, 1).fill = fills[k]
    lg.append(["", "no colour: ok. Row status: invalid when any value breaks a rule, review when any needs a look "
                   "or conflicts; package_flag: e.g. several forms in one package (main_form says which is the main one)"])
