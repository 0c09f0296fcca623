"""Rules and map-format gaps (issue 13, items 1 and 3): rule models and their tolerances, check-maps
errors naming the rule, and the small maps under tests/data/maps (labelled records, a heading printed
twice, a count with a declared unit word, identification by distinctive evidence)."""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

import docx
import pytest
import yaml
from pydantic import ValidationError

from extractor.api import extract
from extractor.contract import FieldValue, ListTable, Row, Text, Value
from extractor.errors import MapError
from extractor.maps import MAPS_DIR, _load_maps, bundled_vocabulary, keyword_warnings, load_map, load_maps
from extractor.maps.spec import TableMap
from extractor.rules import Facts, run
from extractor.rules.growth import GrowthRule
from extractor.rules.part_of import PartOfRule
from extractor.rules.ratio import RatioRule
from extractor.rules.same_value import SameValueRule
from extractor.rules.sum_ import SumRule
from extractor.validate.narratives import check_narratives

DATA = Path(__file__).parent / "data" / "maps"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"


# ---------------------------------------------------------------- a tiny map and facts for unit tests
TM = TableMap.model_validate({
    "template": "t-2025", "title": "T", "edition_year": 2025,
    "identify": {"titles": ["T"], "keywords": ["a", "b", "c"]},
    "sections": [{"table": "G", "layout": "grid", "columns": [{"label": "2024年"}, {"label": "2025年"},
                                                              {"label": "增幅（%）", "suffix": "_growth", "role": "growth"}],
                  "rows": [{"id": "total", "label": "总计"}, {"id": "a", "label": "甲"}, {"id": "b", "label": "乙"},
                           {"id": "r", "label": "比"}]}],
})


def fv(fid, value, period=2025, table="G", unit=None, vtype="number") -> FieldValue:
    return FieldValue(id=fid, raw=None if value is None else str(value), value=value, unit=unit, confidence=1.0,
                      status="missing" if value is None else "ok", period=period, table=table, row_label=fid,
                      kind="value", type=vtype)


def facts(fields, texts=(), tables=()):
    return Facts(list(fields), list(tables), list(texts), TM, {}, bundled_vocabulary(), 2025)


def test_sum_tolerance_boundary_and_blank_handling():
    rule = SumRule(total="total", parts=["a", "b"])
    inside = [fv("total", 10.0), fv("a", 5.0), fv("b", 4.989)]  # diff 0.011 = SUM_TOL
    run(facts(inside), [rule])
    assert all(f.status == "ok" for f in inside)
    outside = [fv("total", 10.0), fv("a", 5.0), fv("b", 4.988)]  # diff 0.012
    run(facts(outside), [rule])
    assert all(f.status == "invalid" for f in outside)
    assert outside[0].reasons[0].startswith("合计 10 ≠ Σ 9.988 (diff 0.012)")
    big = [fv("total", 1204.50), fv("a", 1000.0), fv("b", 204.05)]  # rel 0.001 × 1204.5 = 1.2045 > 0.45
    run(facts(big), [rule])
    assert big[0].status == "ok"
    skip = [fv("total", 10.0), fv("a", 5.0), fv("b", None)]
    run(facts(skip), [rule])
    assert skip[0].status == "ok"  # blank: skip (default)
    zero = [fv("total", 10.0), fv("a", 5.0), fv("b", None)]
    run(facts(zero), [SumRule(total="total", parts=["a", "b"], blank="zero")])
    assert zero[0].status == "invalid" and "Σ 5" in zero[0].reasons[0]


def test_part_of_tolerance_boundary():
    ok = [fv("a", 10.011), fv("total", 10.0)]
    run(facts(ok), [PartOfRule(part="a", whole="total")])
    assert ok[0].status == "ok"
    bad = [fv("a", 10.012), fv("total", 10.0)]
    run(facts(bad), [PartOfRule(part="a", whole="total")])
    assert bad[0].status == "invalid" and "a 10.012 > total 10" in bad[0].reasons[0] and bad[1].status == "ok"


def test_growth_tolerance_boundary():
    def grid(g):
        return [fv("a", 100.0, 2024), fv("a", 110.0, 2025), fv("a_growth", g, 2025, unit="%", vtype="percent")]
    ok = grid(10.1)  # 10 % computed; GROWTH_TOL 0.1 points
    run(facts(ok), [GrowthRule(table="G")])
    assert ok[2].status == "ok"
    bad = grid(10.11)
    run(facts(bad), [GrowthRule(table="G")])
    assert bad[2].status == "invalid" and "does not match 2024→2025: 10.00%" in bad[2].reasons[0]
    assert bad[0].status == "ok"  # the yearly values are named, not judged


def test_ratio_tolerance_boundary():
    def vals(x):
        return [fv("r", x), fv("a", 5.0), fv("b", 1000.0)]  # 5 / 1000 × 10000 = 50; RATIO_REL_TOL 1 % = 0.5
    ok = vals(50.5)
    run(facts(ok), [RatioRule(value="r", numerator="a", denominator="b", factor=10000)])
    assert ok[0].status == "ok"
    bad = vals(50.51)
    run(facts(bad), [RatioRule(value="r", numerator="a", denominator="b", factor=10000)])
    assert bad[0].status == "invalid" and "× 10,000 = 50.00" in bad[0].reasons[0]


def test_same_value_tolerance_boundary():
    ok = [fv("a", 10.0, table="G"), fv("a", 10.011, table="H")]
    run(facts(ok), [SameValueRule(id="a")])
    assert ok[1].status == "ok"
    bad = [fv("a", 10.0, table="G"), fv("a", 10.012, table="H")]
    run(facts(bad), [SameValueRule(id="a")])
    assert bad[0].status == bad[1].status == "invalid"


def test_narrative_rounding_boundary():
    def text(s):
        return Text(id="n", table="N", row_label="N", heading="N", text=s, chars=len(s), confidence=1.0, status="ok")
    cat = {"total": type("I", (), {"label": "集群产值", "synonyms": []})()}
    for written, status in (("1005亿元", "ok"), ("1006亿元", "review")):  # NARRATIVE_REL_TOL 0.5 % of 1000
        t = text(f"2025年集群产值达到{written}。")
        f = Facts([fv("total", 1000.0, unit="亿元")], [], [t], TM, cat, bundled_vocabulary(), 2025)
        check_narratives(f)
        assert t.status == status, t.reasons
    t = text("2025年集群产值达到1006亿元。")
    check_narratives(Facts([fv("total", 1000.0, unit="亿元")], [], [t], TM, cat, bundled_vocabulary(), 2025))
    assert "offset 11" in t.reasons[0] and "1,000亿元" in t.reasons[0]
    assert t.mentions[0].start == 11 and t.mentions[0].agrees is False
    t = text("2025年集群产值约1100亿元。")  # a rounded figure is not compared
    check_narratives(Facts([fv("total", 1000.0, unit="亿元")], [], [t], TM, cat, bundled_vocabulary(), 2025))
    assert t.status == "ok"


# ---------------------------------------------------------------- check-maps: rule errors name the rule
def _map_with(tmp_path: Path, rule: dict) -> Path:
    raw = yaml.safe_load((MAPS_DIR / "gx-sme-2024.yaml").read_text(encoding="utf-8"))
    raw["rules"] = [rule]
    p = tmp_path / "gx-sme-2024.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return p


@pytest.mark.parametrize("rule,message", [
    ({"kind": "part_of", "part": "cluster_sme_cnt", "whole": "cluster_enterprise_count"},
     "rule 1 (part_of): indicator 'cluster_sme_cnt' is not read by this map"),
    ({"kind": "part_of", "part": "cluster_sme_count@2019", "whole": "cluster_enterprise_count"},
     "rule 1 (part_of): cluster_sme_count is never read for period 2019 (read for: 2022, 2023, 2024)"),
    ({"kind": "sum", "list": "no_such_list"}, "rule 1 (sum): unknown list 'no_such_list'"),
    ({"kind": "growth", "table": "九、没有这一部分"}, "rule 1 (growth): no section with the heading"),
])
def test_rule_errors_are_map_errors_naming_the_rule(tmp_path, rule, message):
    with pytest.raises(MapError) as e:
        load_map(_map_with(tmp_path, rule))
    assert message in str(e.value)


def test_rules_are_pydantic_models_with_extra_forbid(tmp_path):
    with pytest.raises(MapError, match="extra|Extra"):
        load_map(_map_with(tmp_path, {"kind": "sum", "list": "x", "tolerance": 1}))
    with pytest.raises(MapError):
        load_map(_map_with(tmp_path, {"kind": "no_such_kind"}))
    with pytest.raises(ValidationError):
        SumRule(total="a", parts=["b"])  # one part is not a sum


def test_every_bundled_map_declares_its_forms_rules():
    counts = {m.template: len(m.rules) for m in load_maps(MAPS_DIR)}
    assert all(n > 0 for n in counts.values()), counts
    kinds = {r.kind for m in load_maps(MAPS_DIR) for r in m.rules}
    assert kinds >= {"sum", "part_of", "growth", "ratio", "count_matches", "same_value", "decimals", "required",
                     "chars", "date_order"}


# ---------------------------------------------------------------- item 3: the small maps of tests/data/maps
def _repeat_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("测试单位登记表")
    d.add_paragraph("联系人信息")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "单位地址", "北京路1号"
    t.cell(1, 0).text, t.cell(1, 1).text = "联系人数量", "3位"
    d.add_paragraph("联系人信息")
    t = d.add_table(rows=2, cols=4)
    for r, (name, phone) in enumerate([("张三", "13800000001"), ("李四", "13800000002")]):
        for c, x in enumerate(["姓名", name, "电话", phone]):
            t.cell(r, c).text = x
    d.add_paragraph("检测设备情况")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "检测设备数量", "2块"
    d.save(path)
    return path


def test_labelled_records_a_heading_printed_twice_and_a_declared_unit_word(tmp_path):
    res = extract(_repeat_docx(tmp_path / "repeat.docx"), maps_dir=DATA / "repeat")
    assert res.template.id == "test-repeat-2025"
    lst = next(t for t in res.tables if t.id == "contacts")
    assert [(r.cells["姓名"].value, r.cells["电话"].value) for r in lst.rows] == \
        [("张三", "13800000001"), ("李四", "13800000002")]
    assert lst.status == "ok"
    addr = next(f for f in res.fields if f.id == "unit_address")
    assert addr.value == "北京路1号" and addr.status == "ok"  # the first print of 联系人信息
    dev = next(f for f in res.fields if f.id == "device_count")
    assert dev.value == 2 and dev.status == "ok"  # "2块": 块 declared as the unit in the map
    n = next(f for f in res.fields if f.id == "contact_count")
    assert n.value == 3 and n.status == "invalid" and "the list contacts has 2 rows" in n.reasons[-1]


def test_which_print_of_a_repeated_heading_a_section_starts_at(tmp_path):
    from extractor.loaders import load
    from extractor.identify import locate_sections

    doc = load(_repeat_docx(tmp_path / "repeat.docx"))
    raw = yaml.safe_load((DATA / "repeat" / "test-repeat-2025.yaml").read_text(encoding="utf-8"))

    def list_scope(section: dict):
        raw["sections"][0] = section
        m = TableMap.model_validate(raw)
        sc = next(x for x in locate_sections(doc, m) if x.section.layout == "list")
        return [r.table.cells[0].text for r in sc.regions]

    base = {k: v for k, v in raw["sections"][0].items() if k not in ("followed_by", "occurrence")}
    assert list_scope(dict(base))[0] == "单位地址"  # plain: the first print
    assert list_scope(dict(base, followed_by=["姓名", "电话"])) == ["姓名"]  # the print followed by those labels
    assert list_scope(dict(base, occurrence=2)) == ["姓名"]  # the second print


def _with_generic(tmp_path: Path) -> Path:
    d = tmp_path / "maps"
    shutil.copytree(MAPS_DIR, d)
    shutil.copy(DATA / "generic" / "generic-cluster-2025.yaml", d)
    return d


def test_a_map_of_common_keywords_does_not_claim_other_forms(tmp_path):
    d = _with_generic(tmp_path)
    for name in ("prov-cluster-2025-filled", "gx-sme-2024-filled", "nm-amc-2024-filled"):
        res = extract(SAMPLES / "docx" / f"{name}.docx", maps_dir=d)
        assert res.status != "error", res.errors
        assert res.template.id == name.rsplit("-", 1)[0]


def test_check_maps_warns_about_keywords_that_are_not_distinctive(tmp_path, caplog):
    d = _with_generic(tmp_path)
    with caplog.at_level(logging.WARNING, logger="extractor.maps"):
        maps = load_maps(d)
    warned = [r.getMessage() for r in caplog.records]
    assert any("generic-cluster-2025: 3 of 3 identify keywords are not distinctive" in w for w in warned), warned
    assert any("may claim their documents" in w for w in warned)
    assert not keyword_warnings(load_maps(MAPS_DIR))  # the bundled maps' keywords are all their own
    assert len(maps) == 6


def test_rule_reason_matches_what_rules_write_and_nothing_else():
    from extractor.rules import rule_reason

    rx = rule_reason()
    for r in ("合计 10 ≠ Σ 9.988 (diff 0.012): total = a + b", "合计 1,204.5 differs from the sum of the rows 1,204.05",
              "增幅 10.11% does not match 2024→2025: 10.00%", "其中: a 10.012 > total 10", "小数位数: '1.234' has 3 decimals",
              "a share must lie between 0 and 100%: 145.45", "a count cannot be negative: -7",
              "narrative figure 1006亿元 at offset 11 (集群产值 → total) contradicts the table: 1,000亿元"):
        assert rx.match(r), r
    for r in ("OCR: a character read with probability 0.75", "PDF: the text fills its box", "required field is empty",
              "unit 万元 typed in a 亿元 row: converted to 亿元", "label matched at 0.91"):
        assert not rx.match(r), r
