"""Compare an extraction result with a sample's truth file, field by field."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from extractor.contract import Result


@dataclass
class Report:
    checked: int = 0
    missing: list[str] = field(default_factory=list)  # truth places absent from the output
    wrong: list[str] = field(default_factory=list)  # value differs
    wrong_but_ok: list[str] = field(default_factory=list)  # value differs and status ok: the worst case
    status: list[str] = field(default_factory=list)  # expected status not met
    review: int = 0  # right values that were still flagged review

    def lines(self) -> list[str]:
        return self.missing + self.wrong + self.status


def same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))
    if isinstance(a, str) and isinstance(b, str):
        return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def load_truth(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def list_table_pairs(res: Result, truth: dict) -> list[tuple[dict, object]]:
    """Each list table of the truth with the output table it is compared to (same heading and columns; the
    n-th of several such tables in document order), or None when the output has none."""
    tables = defaultdict(list)
    for lt in res.tables:
        tables[lt.table].append(lt)
    seen: dict[str, int] = defaultdict(int)
    out = []
    for tt in truth.get("tables", []):
        idx = seen[tt["table"]]
        seen[tt["table"]] += 1
        cands = [lt for lt in tables.get(tt["table"], []) if lt.columns == tt["columns"]]
        out.append((tt, (cands[0] if len(cands) == 1 else cands[min(idx, len(cands) - 1)]) if cands else None))
    return out


def compare(res: Result, truth: dict) -> Report:
    rep = Report()
    by_key: dict[tuple, list] = defaultdict(list)
    for f in res.fields:
        by_key[(f.table, f.row_label, f.column_label)].append(f)
    for t in truth["fields"]:
        key = (t["table"], t["row_label"], t["column_label"])
        occ = t.get("occurrence", 1)
        name = f"{key} #{occ}"
        rep.checked += 1
        got = by_key.get(key, [])
        if len(got) < occ:
            rep.missing.append(f"missing field {name}")
            continue
        f = got[occ - 1]
        want = t.get("value")
        if not same(f.value, want) or bool(t.get("empty")) != bool(f.empty):
            rep.wrong.append(f"{name}: got {f.value!r} ({f.status}, raw {f.raw!r}) want {want!r}")
            if f.status == "ok":
                rep.wrong_but_ok.append(name)
            continue
        exp = t.get("expect_status", "ok")
        if exp == "review" and f.status not in ("review", "invalid"):
            rep.status.append(f"{name}: expected a review flag, got {f.status}")
        elif exp in ("ok", None) and f.status == "review":
            rep.review += 1
        elif exp in ("ok", None) and f.status not in ("ok", "review") and not t.get("empty"):
            rep.status.append(f"{name}: status {f.status} {f.reasons}")
    for tt, lt in list_table_pairs(res, truth):
        if lt is None:
            rep.missing.append(f"missing list table {tt['table']} {tt['columns'][:2]}")
            continue
        if len(lt.rows) != len(tt["rows"]):
            rep.wrong.append(f"list {tt['table']}: {len(lt.rows)} rows, want {len(tt['rows'])}")
        for i, (row, want) in enumerate(zip(lt.rows, tt["rows"])):
            for col, wv in want.items():
                rep.checked += 1
                cell = row.cells.get(col)
                if cell is None:
                    rep.missing.append(f"list {tt['table']} row {i + 1} col {col}")
                elif not same(cell.value, wv):
                    rep.wrong.append(f"list {tt['table']} row {i + 1} {col}: got {cell.value!r} ({cell.status}) want {wv!r}")
                    if cell.status == "ok":
                        rep.wrong_but_ok.append(f"list {tt['table']} row {i + 1} {col}")
                elif cell.status == "review":
                    rep.review += 1
    texts = defaultdict(list)
    for x in res.texts:
        texts[(x.table, x.row_label, x.column_label)].append(x)
    for tx in truth.get("texts", []):
        key = (tx["table"], tx["row_label"], tx["column_label"])
        rep.checked += 1
        got = texts.get(key)
        if not got:
            rep.missing.append(f"missing text {key}")
        elif not same(got[0].text or "", tx["text"] or ""):
            rep.wrong.append(f"text {key}: got {(got[0].text or '')[:60]!r} want {(tx['text'] or '')[:60]!r}")
            if got[0].status == "ok":
                rep.wrong_but_ok.append(f"text {key}")
    return rep


def check_sample(path: Path, truth: dict | None = None) -> Report:
    """Extract ``path`` and assert: every truth value present and equal, no wrong value ok, statuses as expected."""
    from extractor.api import extract

    truth = truth or load_truth(path.with_name(path.name + ".truth.json"))
    res = extract(path)
    assert res.status in ("ok", "review"), res.errors
    assert res.template.id == truth["template"]
    rep = compare(res, truth)
    assert rep.checked > 20
    assert not rep.wrong_but_ok, f"wrong values marked ok: {rep.wrong_but_ok}"
    assert not rep.missing, "\n".join(rep.missing[:20])
    assert not rep.wrong, "\n".join(rep.wrong[:20])
    assert not rep.status, "\n".join(rep.status[:20])
    return rep


# ---------------------------------------------------------------------------------------------
# Per-value outcomes (scripts/measure_corpus.py): every truth value in exactly one bucket
# ---------------------------------------------------------------------------------------------

BUCKETS = ("right", "flagged", "wrong_ok", "not_found")


def _bucket(found: bool, right: bool, status: str | None, expect: str | None = "ok", empty: bool = False) -> str:
    """right — value equal and not flagged (or flagged as the truth expects); flagged — status review /
    invalid (right or wrong value: a reviewer looks at it); wrong_ok — wrong value with status ok (the
    worst case); not_found — no output for the place, or status missing where the truth has a value."""
    if not found:
        return "not_found"
    if status in ("review", "invalid"):
        return "right" if right and expect == "review" else "flagged"
    if not right:
        if status == "ok":
            return "wrong_ok"
        return "not_found" if status == "missing" else "flagged"
    return "right"  # (a right value whose expected review flag is absent still counts as right)


def outcomes(res: Result, truth: dict) -> list[dict]:
    """One dict per truth value (fields, list-table cells, narratives), same matching as ``compare``:
    ``{"kind", "table", "row_label", "column_label", "occurrence", "want", "got", "raw", "status",
    "bucket", "right"}`` (list cells: ``row_label`` = ``row N``, ``column_label`` = the column). ``right``: the
    value equals the truth whatever its status (False when not found), compared in full — ``want`` and ``got``
    of a narrative are cut to 60 characters for display, so comparing them again is not the same test."""
    out: list[dict] = []
    by_key: dict[tuple, list] = defaultdict(list)
    for f in res.fields:
        by_key[(f.table, f.row_label, f.column_label)].append(f)
    for t in truth["fields"]:
        key = (t["table"], t["row_label"], t["column_label"])
        occ = t.get("occurrence", 1)
        got = by_key.get(key, [])
        rec = {"kind": "field", "table": key[0], "row_label": key[1], "column_label": key[2], "occurrence": occ,
               "want": t.get("value"), "got": None, "raw": None, "status": None}
        if len(got) < occ:
            rec["bucket"] = "not_found"
        else:
            f = got[occ - 1]
            right = same(f.value, t.get("value")) and bool(t.get("empty")) == bool(f.empty)
            rec.update(got=f.value, raw=f.raw, status=f.status, reasons=list(getattr(f, "reasons", []) or []))
            rec["bucket"] = _bucket(True, right, f.status, t.get("expect_status") or "ok", bool(t.get("empty")))
            rec["right"] = right
        out.append(rec)
    for tt, lt in list_table_pairs(res, truth):
        for i, want in enumerate(tt["rows"]):
            row = lt.rows[i] if lt is not None and i < len(lt.rows) else None
            for col, wv in want.items():
                cell = row.cells.get(col) if row is not None else None
                rec = {"kind": "list", "table": tt["table"], "row_label": f"row {i + 1}", "column_label": col,
                       "occurrence": 1, "want": wv, "got": None, "raw": None, "status": None}
                if cell is None:
                    rec["bucket"] = "not_found"
                else:
                    rec.update(got=cell.value, raw=getattr(cell, "raw", None), status=cell.status,
                               reasons=list(getattr(cell, "reasons", []) or []))
                    rec["right"] = same(cell.value, wv)
                    rec["bucket"] = _bucket(True, rec["right"], cell.status)
                out.append(rec)
    texts = defaultdict(list)
    for x in res.texts:
        texts[(x.table, x.row_label, x.column_label)].append(x)
    for tx in truth.get("texts", []):
        key = (tx["table"], tx["row_label"], tx["column_label"])
        got = texts.get(key)
        rec = {"kind": "text", "table": key[0], "row_label": key[1], "column_label": key[2], "occurrence": 1,
               "want": (tx["text"] or "")[:60], "got": None, "raw": None, "status": None}
        if not got:
            rec["bucket"] = "not_found"
        else:
            rec.update(got=(got[0].text or "")[:60], status=got[0].status,
                       reasons=list(getattr(got[0], "reasons", []) or []))
            rec["right"] = same(got[0].text or "", tx["text"] or "")
            rec["bucket"] = _bucket(True, rec["right"], got[0].status)
        out.append(rec)
    for rec in out:
        rec.setdefault("right", False)
    return out
