"""applications.xlsx (one row per form) and packages holding several forms."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import SAMPLES
from extractor.api import extract
from extractor.batch import BatchSettings, choose_main, run_batch
from extractor.emit import merge_field, write_wide_xlsx

DOCX = SAMPLES / "docx" / "nm-amc-2024-filled.docx"


@pytest.fixture(scope="module")
def result():
    return extract(DOCX)


def _field(res, status="ok"):
    return next(f for f in res.fields if f.status == status and f.value not in (None, "") and f.period is not None)


def test_merge_prefers_found_and_ok_and_flags_conflicts(result):
    f = _field(result)
    empty = f.model_copy(update={"value": None, "raw": None, "status": "missing", "table": "5.1 其他"})
    assert merge_field([f, empty])[:2] == (f.value, "ok")
    assert merge_field([empty, f])[:2] == (f.value, "ok")  # the later, empty one does not overwrite
    doubt = f.model_copy(update={"status": "review", "reasons": ["fuzzy label"], "table": "5.1 其他"})
    assert merge_field([doubt, f])[:2] == (f.value, "ok")
    other = f.model_copy(update={"value": 12345.5, "table": "5.1 其他"})
    value, status, comment = merge_field([f, other])
    assert status == "conflict" and str(f.value) in comment and "12345.5" in comment
    assert f.table in comment and "5.1 其他" in comment
    value, status, comment = merge_field([doubt])
    assert status == "review" and "fuzzy label" in comment


def test_wide_sheet_colours_comments_legend_and_row_status(result, tmp_path: Path):
    f = _field(result)
    bad = result.model_copy(deep=True)
    bad.fields.append(f.model_copy(update={"value": 999.0, "table": "5.1 其他"}))
    from collections import Counter

    n = Counter((x.id, x.period) for x in bad.fields)
    g = next(x for x in bad.fields if x.status == "ok" and n[(x.id, x.period)] == 1 and x.value not in (None, ""))
    bad.fields[bad.fields.index(g)] = g.model_copy(update={"status": "invalid", "reasons": ["合计 ≠ sum of rows"]})
    bad.summary.invalid += 1
    out = write_wide_xlsx([("P", bad), ("Q", result)], tmp_path / "a.xlsx", [],
                          {"P": {"main_form": bad.source.path, "flag": "several forms in one package"}})
    wb = load_workbook(out)
    ws = wb["applications"]
    head = [c.value for c in ws[1]]
    assert head[:6] == ["package", "form", "main_form", "package_flag", "template", "status"]
    row = {h: c for h, c in zip(head, ws[2])}
    assert row["status"].value == "invalid" and row["main_form"].value == "yes"
    assert row["package_flag"].value == "several forms in one package"
    col = f"{f.id}/{f.period}"
    assert row[col].comment is not None and "999" in row[col].comment.text and row[col].fill.fgColor.rgb.endswith("F4B084")
    gcol = f"{g.id}/{g.period}" if g.period is not None else g.id
    assert "合计" in row[gcol].comment.text and row[gcol].fill.fgColor.rgb.endswith("F8CBAD")
    q = {h: c for h, c in zip(head, ws[3])}
    assert q[col].comment is None and q[col].value == f.value
    assert "legend" in wb.sheetnames and wb["legend"].max_row >= 5


def test_choose_main():
    a = {"path": "集群申报表（修改前）.docx", "mtime": 200.0}
    b = {"path": "集群申报表（盖章版）.pdf", "mtime": 100.0}
    assert choose_main([a, b])[0] is b and "盖章版" in choose_main([a, b])[1]
    c = {"path": "x1.docx", "mtime": 100.0}
    d = {"path": "x2.docx", "mtime": 300.0}
    assert choose_main([c, d])[0] is d and "newest" in choose_main([c, d])[1]


def test_two_forms_in_one_package(tmp_path: Path):
    p = tmp_path / "in" / "企业A"
    p.mkdir(parents=True)
    shutil.copy(DOCX, p / "集群申报表（盖章版）.docx")
    shutil.copy(SAMPLES / "docx" / "tj-amc-2025-filled.docx", p / "集群申报表（修改前）.docx")
    res = run_batch([tmp_path / "in"], tmp_path / "out", BatchSettings(workers=1))
    s = res.summaries[0]
    assert s["status"] == "review" and s["flags"] == ["several forms in one package"]
    assert "集群申报表（盖章版）.docx" in s["reasons"][0] and "集群申报表（修改前）.docx" in s["reasons"][0]
    assert s["form"] == "集群申报表（盖章版）.docx" and "盖章版" in s["main_form"]["why"]
    main = next(f for f in s["forms"] if f["main"])
    assert {k: s["counts"][k] for k in ("ok", "review", "invalid", "missing")} == main["counts"]  # not added up
    assert len(s["forms"]) == 2 and res.ok
    ws = load_workbook(tmp_path / "out" / "_batch" / "applications.xlsx")["applications"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2 and sorted(r[2] for r in rows) == ["no", "yes"]
    assert all(r[3] == "several forms in one package" for r in rows)
    assert "several forms in one package" in (tmp_path / "out" / "_batch" / "report.html").read_text(encoding="utf-8")
