"""Edits real applicants make, and values that must never pass as ok (mutations of filled samples)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from docx import Document as Docx
from docx.oxml.ns import qn

from conftest import SAMPLES
from extractor.api import extract
from truth import compare, load_truth

PROV = SAMPLES / "docx" / "prov-cluster-2025-filled.docx"
NM = SAMPLES / "docx" / "nm-amc-2024-filled.docx"
GX = SAMPLES / "docx" / "gx-amc-2025-filled.docx"


def _cell_right_of(doc, label: str, col_header: str | None = None):
    """The python-docx cell right of (or under ``col_header`` in the row of) the first cell reading ``label``."""
    for t in doc.tables:
        header = None
        for row in t.rows:
            cells = row.cells
            texts = [c.text.replace("\n", "") for c in cells]
            if col_header and col_header in texts and header is None:
                header = texts.index(col_header)
            if label in texts:
                i = texts.index(label)
                if col_header:
                    if header is not None:
                        return cells[header]
                    continue
                return next(c for c in cells[i + 1:] if c._tc is not cells[i]._tc)
    raise AssertionError(f"no cell for {label!r}")


def _save(doc, tmp: Path, name: str) -> Path:
    p = tmp / name
    doc.save(p)
    return p


def _field(res, row_label: str, column_label: str | None, occurrence: int = 1):
    fs = [f for f in res.fields if f.row_label == row_label and f.column_label == column_label]
    return fs[occurrence - 1]


@pytest.mark.parametrize("label,col,typed,status", [
    ("集群产值（亿元）", "增幅（%）", "99.99", "invalid"),  # growth that does not match the two years
    ("集群营收（亿元）", "2024年", "abc", "invalid"),  # not a number
    ("企业数量（个，提供现有企业库）", "2025年", "12.5", "invalid"),  # a count with decimals
    ("集群营收（亿元）", "2025年", "1.2.3", "invalid"),
    ("利润总额（亿元）", "2024年", "约30", "invalid"),
    ("税金总额（亿元）", "2024年", "35万美元", "review"),  # a unit of another currency
])
def test_wrong_values_never_ok(tmp_path, label, col, typed, status):
    doc = Docx(str(PROV))
    _cell_right_of(doc, label, col).text = typed
    res = extract(_save(doc, tmp_path, "m.docx"))
    f = _field(res, label, col)
    assert f.status == status, (f.raw, f.value, f.reasons)
    assert f.reasons


def test_wrong_total_is_invalid(tmp_path):
    doc = Docx(str(PROV))
    t = next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("营业收入排名前十"))
    total = next(r for r in t.rows if r.cells[0].text == "合计")
    total.cells[1].text = "1.00"
    res = extract(_save(doc, tmp_path, "t.docx"))
    f = _field(res, "", "营业收入（亿元）/2024年")
    assert f.status == "invalid" and "合计" in f.reasons[-1]


def test_two_ticks_on_a_single_choice(tmp_path):
    doc = Docx(str(NM))
    cell = _cell_right_of(doc, "集群主导产业不属于国家规定的禁止、限制和淘汰类产业")
    cell.text = "☑是\n☑否"
    res = extract(_save(doc, tmp_path, "c.docx"))
    f = _field(res, "集群主导产业不属于国家规定的禁止、限制和淘汰类产业", None)
    assert f.status == "invalid"


def test_deleted_options_are_flagged(tmp_path):
    doc = Docx(str(NM))
    _cell_right_of(doc, "集群主导产业不属于国家规定的禁止、限制和淘汰类产业").text = "是"
    res = extract(_save(doc, tmp_path, "d.docx"))
    f = _field(res, "集群主导产业不属于国家规定的禁止、限制和淘汰类产业", None)
    assert f.value == "是" and f.status == "review"


def _all_right(res, truth) -> None:
    rep = compare(res, truth)
    assert not rep.wrong_but_ok, rep.wrong_but_ok
    assert not rep.missing and not rep.wrong, (rep.missing + rep.wrong)[:10]


def _unmerge(path: Path, fill) -> Path:
    """Remove every vertical merge of the first table; continuation cells get ``fill(restart_tc)``'s paragraphs."""
    doc = Docx(str(path))
    above: dict[int, object] = {}
    for tr in doc.tables[0]._tbl.iter(qn("w:tr")):
        col = 0
        for tc in tr.iter(qn("w:tc")):
            pr = tc.tcPr
            span = pr.find(qn("w:gridSpan")) if pr is not None else None
            vm = pr.find(qn("w:vMerge")) if pr is not None else None
            if vm is not None:
                if vm.get(qn("w:val")) == "restart":
                    above[col] = tc
                else:
                    for p in tc.findall(qn("w:p")):
                        tc.remove(p)
                    for p in fill(above[col]):
                        tc.append(p)
                pr.remove(vm)
            col += int(span.get(qn("w:val"))) if span is not None else 1
    return doc


def test_unmerged_group_labels_repeated(tmp_path):
    """An applicant re-types the contact block without merged cells: the group label repeats on every row."""
    doc = _unmerge(GX, lambda tc: [copy.deepcopy(p) for p in tc.findall(qn("w:p"))])
    res = extract(_save(doc, tmp_path, "u.docx"))
    _all_right(res, load_truth(GX.with_name(GX.name + ".truth.json")))


def test_group_labels_replaced_by_ditto_never_wrong_ok(tmp_path):
    """Group cells typed as '（同上）': values may need review, but none may be wrong and ok."""
    from docx.oxml import parse_xml

    ditto = '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:r><w:t>（同上）</w:t></w:r></w:p>'
    doc = _unmerge(GX, lambda tc: [parse_xml(ditto)])
    res = extract(_save(doc, tmp_path, "d.docx"))
    rep = compare(res, load_truth(GX.with_name(GX.name + ".truth.json")))
    assert not rep.wrong_but_ok, rep.wrong_but_ok


def test_inserted_and_reordered_rows(tmp_path):
    """Extra rows inserted by the applicant and rows in another order do not move any value."""
    doc = Docx(str(PROV))
    t = next(t for t in doc.tables if t.rows[0].cells[0].text == "2.1 集群主要经济指标")
    rows = t._tbl.findall(qn("w:tr"))
    extra = copy.deepcopy(rows[3])
    for tcell in extra.iter(qn("w:t")):
        tcell.text = ""
    next(extra.iter(qn("w:t"))).text = "其他说明（申报单位自加）"
    rows[2].addnext(extra)  # a new row right under the header
    rows[4].addnext(rows[3])  # swap two data rows
    res = extract(_save(doc, tmp_path, "r.docx"))
    _all_right(res, load_truth(PROV.with_name(PROV.name + ".truth.json")))


def test_instructions_deleted_and_fonts_changed(tmp_path):
    doc = Docx(str(NM))
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        text = "".join(x.text or "" for x in p.iter(qn("w:t")))
        if text.startswith(("1.集群应如实", "填报说明", "申报指南", "本单位承诺")):
            body.remove(p)
    for r in doc.element.iter(qn("w:rFonts")):
        r.set(qn("w:eastAsia"), "微软雅黑")
    res = extract(_save(doc, tmp_path, "f.docx"))
    _all_right(res, load_truth(NM.with_name(NM.name + ".truth.json")))
