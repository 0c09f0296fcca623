"""One violation of each rule kind injected into real renderings, caught on Word, PDF and scans (issue 13.1).

The checked-in samples (``samples/docx``, ``samples/pdf``) and the stored OCR output of the sample scans
(``tests/data/ocr``) are loaded to the IR, one cell's text is changed there (what an applicant would have
typed), and the document is extracted: the value the rule names must come out ``invalid`` (``missing`` for
``required``) with the rule's reason. A second pass without edits must show none of those reasons.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES
from extractor.api import extract_document
from extractor.ir import Paragraph, Table
from extractor.loaders import load
from extractor.loaders.scan import load_dumped

OCR = Path(__file__).parent / "data" / "ocr"


def places(doc):
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            yield None, b
        elif isinstance(b, Table):
            for t in b.walk():
                for c in t.cells:
                    yield t, c


def swap(doc, old: str, new: str, row_hint: str | None = None, exact: bool = True) -> None:
    """Replace ``old`` by ``new`` in the one place that holds it (a cell in the row labelled ``row_hint``)."""
    def same_row(t, c) -> bool:
        if row_hint is None:
            return True
        if t is None:
            return row_hint in c.text
        return any(x.row <= c.row <= x.last_row and x.text.replace("\n", "").startswith(row_hint) for x in t.cells)

    norm = lambda s: s.replace("\n", "").strip()  # noqa: E731
    hits = [(t, c) for t, c in places(doc) if (norm(c.text) == old if exact else old in norm(c.text)) and same_row(t, c)]
    assert len(hits) >= 1, f"{old!r} not found (row {row_hint!r})"
    _, c = hits[0]
    c.text = new if exact else norm(c.text).replace(old, new)


def field(res, fid, period=None, table=None):
    got = [f for f in res.fields if f.id == fid and (period is None or f.period == period)
           and (table is None or f.table == table)]
    assert got, (fid, period, table)
    return got[0]


def raw_of(res, fid, period=None, table=None) -> str:
    return field(res, fid, period, table).raw.strip()


def hint(res, fid, period=None, table=None) -> str:
    return field(res, fid, period, table).row_label.split("/")[-1][:5]


def assert_caught(v, word: str, status: str = "invalid") -> None:
    assert v.status == status and any(word in r for r in v.reasons), (v.id, v.status, v.reasons)


RULE_WORDS = ("其中", "a share must", "a count cannot", "小数位数", "不得空缺", "日期先后", "合计", "增幅", "同一指标",
              "字数", "比值", "数量/名称")


def no_rule_reasons(res) -> None:
    vals = list(res.fields) + [c for t in res.tables for r in t.rows for c in r.cells.values()]
    bad = [(v.id, r) for v in vals for r in v.reasons if any(w in r for w in RULE_WORDS)]
    assert not bad, bad[:5]


# ---------------------------------------------------------------- gx-sme: part_of, range, integer, decimals, required, date_order
def gx_sme_checks(path: Path, loader) -> None:
    base = extract_document(loader(path))
    no_rule_reasons(base)
    doc = loader(path)
    swap(doc, raw_of(base, "cluster_sme_count", 2024), "9999", hint(base, "cluster_sme_count", 2024))
    swap(doc, raw_of(base, "sme_output_share", 2023), "145.45%", hint(base, "sme_output_share", 2023))
    swap(doc, raw_of(base, "innovative_sme_count", 2022), "-7", hint(base, "innovative_sme_count", 2022))
    swap(doc, raw_of(base, "cluster_output_value", 2023), "123.456", hint(base, "cluster_output_value", 2023))
    swap(doc, raw_of(base, "operator_contact"), "", None)
    d = raw_of(base, "county_sme_dept_declaration_date")
    swap(doc, d, d.replace("2024年", "2023年"), exact=False)
    res = extract_document(doc)
    assert_caught(field(res, "cluster_sme_count", 2024), "其中")
    assert_caught(field(res, "sme_output_share", 2023), "a share must lie between 0 and 100%")
    assert_caught(field(res, "innovative_sme_count", 2022), "a count cannot be negative")
    assert_caught(field(res, "cluster_output_value", 2023), "小数位数")
    assert_caught(field(res, "operator_contact"), "不得空缺", status="missing")
    assert_caught(field(res, "county_sme_dept_declaration_date"), "日期先后")


# ---------------------------------------------------------------- prov-cluster: sum (list), growth, same_value, chars
def prov_checks(path: Path, loader) -> None:
    base = extract_document(loader(path))
    no_rule_reasons(base)
    doc = loader(path)
    top = next(t for t in base.tables if t.id == "top_revenue_enterprises")
    row = top.rows[0]
    name = row.cells["企业名称"].raw.strip()
    rev = row.cells["营业收入（亿元）/2024年"].raw.strip()
    swap(doc, rev, f"{float(rev.replace(',', '')) + 50:.2f}", name[:5])
    swap(doc, raw_of(base, "cluster_output_value", 2025, "2.1 集群主要经济指标"), "999.99",
         hint(base, "cluster_output_value", 2025, "2.1 集群主要经济指标"))
    t51 = "5.1 未来三年集群主要经济指标发展目标"
    swap(doc, raw_of(base, "cluster_profit", 2025, t51), "1.23", hint(base, "cluster_profit", 2025, t51))
    ex = next(t for t in base.tables if t.id == "existing_enterprises")
    prof = next(c for c in ex.rows[0].cells.values() if c.id == "existing_enterprise_profile").raw.replace("\n", "").strip()
    swap(doc, prof[:12], prof[:12] + "集群配套企业协同创新" * 25, exact=False)
    res = extract_document(doc)
    tot = field(res, "top_revenue_enterprise_revenue_total", None, None)
    assert_caught(tot, "合计")
    assert "differs from the sum of the rows" in " ".join(tot.reasons)
    assert_caught(field(res, "cluster_output_value_growth"), "增幅")
    assert_caught(field(res, "cluster_profit", 2025, t51), "同一指标")
    assert_caught(field(res, "cluster_profit", 2025, "2.1 集群主要经济指标"), "同一指标")
    ex2 = next(t for t in res.tables if t.id == "existing_enterprises")
    assert_caught(next(c for c in ex2.rows[0].cells.values() if c.id == "existing_enterprise_profile"), "字数")
    assert ex2.status == "invalid"


# ---------------------------------------------------------------- nm-amc: ratio, count_matches
def nm_checks(path: Path, loader) -> None:
    base = extract_document(loader(path))
    no_rule_reasons(base)
    doc = loader(path)
    swap(doc, raw_of(base, "invention_patents_per_10k_employees"), "150.00", hint(base, "invention_patents_per_10k_employees"))
    names = raw_of(base, "national_innovation_platform_names")
    assert "、" in names
    swap(doc, names, names.split("、")[0], exact=False)
    res = extract_document(doc)
    assert_caught(field(res, "invention_patents_per_10k_employees"), "比值")
    assert "× 10,000" in " ".join(field(res, "invention_patents_per_10k_employees").reasons)
    assert_caught(field(res, "national_innovation_platform_count"), "数量/名称")
    assert_caught(field(res, "national_innovation_platform_names"), "数量/名称")


CASES = [
    ("gx-sme-2024-filled", gx_sme_checks),
    ("prov-cluster-2025-messy", prov_checks),
    ("nm-amc-2024-filled", nm_checks),
]


@pytest.mark.parametrize("name,checks", CASES, ids=[c[0] for c in CASES])
def test_injected_violations_caught_in_word(name, checks):
    checks(SAMPLES / "docx" / f"{name}.docx", load)


@pytest.mark.parametrize("name,checks", CASES, ids=[c[0] for c in CASES])
def test_injected_violations_caught_in_pdf(name, checks):
    checks(SAMPLES / "pdf" / f"{name}.pdf", load)


def test_injected_violations_caught_in_stored_ocr_output():
    """Scans: the stored OCR output of the sample scans (tests/data/ocr) edited the same way."""
    def gx(_p):
        return load_dumped(SAMPLES / "scans" / "gx-sme-2024-p4.jpg", OCR / "gx-sme-2024-p4.jpg.ocr.json", "image")

    base = extract_document(gx(None))
    doc = gx(None)
    swap(doc, raw_of(base, "cluster_sme_count", 2024), "9999", hint(base, "cluster_sme_count", 2024))
    swap(doc, raw_of(base, "sme_output_share", 2023), "145.45", hint(base, "sme_output_share", 2023))
    swap(doc, raw_of(base, "cluster_output_value", 2023), "123.456", hint(base, "cluster_output_value", 2023))
    res = extract_document(doc)
    assert_caught(field(res, "cluster_sme_count", 2024), "其中")
    assert_caught(field(res, "sme_output_share", 2023), "a share must lie between 0 and 100%")
    assert_caught(field(res, "cluster_output_value", 2023), "小数位数")

    def prov(_p):
        return load_dumped(SAMPLES / "scans" / "prov-cluster-2025-p3.jpg", OCR / "prov-cluster-2025-p3.jpg.ocr.json",
                           "image")

    base = extract_document(prov(None))
    doc = prov(None)
    t21 = "2.1 集群主要经济指标"
    swap(doc, raw_of(base, "cluster_revenue", 2025, t21), "999.99", hint(base, "cluster_revenue", 2025, t21))
    res = extract_document(doc)
    assert_caught(field(res, "cluster_revenue_growth", None, t21), "增幅")
