"""Template identification and locating by meaning, on the blank forms and on edited copies."""
from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as Docx

from conftest import SHARED_TEMPLATES, TEMPLATE_IDS
from extractor.api import extract, extract_document
from extractor.errors import UnknownTemplate
from extractor.loaders import load
from extractor.identify import identify
from extractor.maps import load_maps


@pytest.mark.parametrize("tid", TEMPLATE_IDS)
def test_blank_forms_identified(tid):
    ident = identify(load(SHARED_TEMPLATES / f"{tid}.docx"), load_maps())
    assert ident.map.template == tid
    assert ident.score >= 0.8
    assert ident.year_shift == 0
    assert ident.ranking[1][1] < ident.score - 0.2


@pytest.mark.parametrize("tid", TEMPLATE_IDS)
def test_blank_form_every_place_found_and_empty(tid):
    """On a blank form every place is located (nothing 'not found') and reads as missing, never as a value."""
    res = extract(SHARED_TEMPLATES / f"{tid}.docx")
    assert res.template.id == tid
    not_found = [(f.row_label, f.column_label, f.reasons) for f in res.fields if f.status != "missing"]
    assert not not_found, not_found[:10]
    assert all(not t.rows for t in res.tables)
    assert all(t.status == "missing" for t in res.texts), [(t.id, t.text) for t in res.texts if t.status != "missing"]


def test_unknown_document(tmp_path: Path):
    d = Docx()
    d.add_paragraph("关于召开年度工作会议的通知")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "姓名"
    t.cell(1, 0).text = "单位"
    p = tmp_path / "notice.docx"
    d.save(p)
    with pytest.raises(UnknownTemplate):
        identify(load(p), load_maps())
    res = extract(p)
    assert res.status == "error" and res.errors[0].code == "unknown_template"


@pytest.mark.parametrize("tid", TEMPLATE_IDS)
def test_pipeline_output_claims_every_fillable_place_once(tid):
    """Run on the blank: the output has exactly one entry per fields.json place, under the same labels."""
    import json
    from collections import Counter

    spec = json.loads((SHARED_TEMPLATES / f"{tid}.fields.json").read_text(encoding="utf-8"))
    res = extract(SHARED_TEMPLATES / f"{tid}.docx")
    want = Counter((f["table"], f["row_label"], f["column_label"]) for f in spec["fields"])
    got = Counter((f.table, f.row_label, f.column_label) for f in res.fields)
    got += Counter((t.table, t.row_label, t.column_label) for t in res.texts)
    assert got == want, (want - got, got - want)
    assert Counter((t.table, tuple(t.columns)) for t in res.tables) == \
        Counter((t["table"], tuple(t["columns"])) for t in spec.get("list_tables", []))
