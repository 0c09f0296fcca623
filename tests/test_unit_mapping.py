"""Unit tests of locating and mapping on tiny hand-built IR documents (issue 12, item 1).

Each group builds a few rows of a form in code (tests/irbuild.py), a map section with the pydantic models, and
runs the public stages: ``locate_sections`` → ``map_sections`` (→ ``validate.assemble`` where the status is the
point). Expectations come from the form text written in the test: which field ID gets which raw text, under
which row / column label and period.
"""
from __future__ import annotations

import pytest

from irbuild import catalogue, doc, mapped, scopes, table, tmap, validated

# ---- extractor internals (the only place this module names them) -------------------------------
from extractor.ir import Paragraph
# -----------------------------------------------------------------------------------------------


def hits_by_id(m) -> dict[str, list]:
    out: dict[str, list] = {}
    for h in m.hits:
        out.setdefault(h.id, []).append(h)
    return out


def one(m, fid: str, column_label: str | None = "*"):
    got = [h for h in m.hits if h.id == fid and (column_label == "*" or h.column_label == column_label)]
    assert len(got) == 1, [(h.id, h.column_label, h.raw) for h in got]
    return got[0]


def value(fields, fid: str, period: int | None = None):
    got = [f for f in fields if f.id == fid and (period is None or f.period == period)]
    assert len(got) == 1, [(f.id, f.period, f.raw) for f in got]
    return got[0]


# ================================================================ locate: scopes by heading / by labels
FORM_A = {"table": "一、基本情况", "layout": "form", "fields": [{"id": "a_contact", "label": "联系人"}]}
FORM_B = {"table": "二、运营机构情况", "layout": "form", "fields": [{"id": "b_contact", "label": "联系人"}]}


def test_each_section_reads_only_below_its_own_heading():
    # the same label in two sections: each section's field takes the value under its own heading
    d = doc("一、基本情况", table([["联系人", "张三"]]), "二、运营机构情况", table([["联系人", "李四"]]))
    m = mapped(d, tmap(FORM_A, FORM_B))
    assert one(m, "a_contact").raw == "张三"
    assert one(m, "b_contact").raw == "李四"
    assert one(m, "a_contact").table == "一、基本情况" and one(m, "b_contact").table == "二、运营机构情况"


def test_scopes_come_back_in_map_order_whatever_the_document_order():
    d = doc("二、运营机构情况", table([["联系人", "李四"]]), "一、基本情况", table([["联系人", "张三"]]))
    sc = scopes(d, tmap(FORM_A, FORM_B))
    assert [s.section.table for s in sc] == ["一、基本情况", "二、运营机构情况"]
    assert [s.heading for s in sc] == ["一、基本情况", "二、运营机构情况"]
    m = mapped(d, tmap(FORM_A, FORM_B))
    assert one(m, "a_contact").raw == "张三" and one(m, "b_contact").raw == "李四"


def test_heading_printed_with_a_trailing_note_is_still_the_heading():
    d = doc("一、基本情况", table([["联系人", "张三"]]), "二、运营机构情况（由集群运营机构填写）", table([["联系人", "李四"]]))
    sc = scopes(d, tmap(FORM_A, FORM_B))
    assert sc[1].heading == "二、运营机构情况（由集群运营机构填写）" and sc[1].heading_score < 1.0
    assert one(mapped(d, tmap(FORM_A, FORM_B)), "b_contact").raw == "李四"


def test_heading_as_a_full_width_title_row_of_the_table():
    t = table([["一、基本情况", "<"], ["联系人", "张三"]])
    d = doc(t)
    (sc,) = scopes(d, tmap(FORM_A))
    assert sc.heading == "一、基本情况" and sc.heading_cell is t.at(0, 0)
    assert [(r.start, r.end) for r in sc.regions] == [(1, 2)]  # the title row itself is not in the scope
    assert one(mapped(d, tmap(FORM_A)), "a_contact").raw == "张三"


def test_section_without_its_heading_is_found_by_its_labels():
    sec = {"table": "一、基本情况", "layout": "form",
           "fields": [{"id": "name", "label": "集群名称"}, {"id": "contact", "label": "联系人"}]}
    d = doc("封面", table([["集群名称", "稀土集群"], ["联系人", "王五"]]))
    (sc,) = scopes(d, tmap(sec))
    assert sc.heading is None and sc.heading_score == 1.0  # 2 of 2 labels found
    m = mapped(d, tmap(sec))
    assert one(m, "name").raw == "稀土集群" and one(m, "contact").raw == "王五"


def test_section_with_neither_heading_nor_labels_has_an_empty_scope():
    d = doc("其他内容", table([["姓名", "甲"]]))
    (sc,) = scopes(d, tmap(FORM_A))
    assert sc.heading is None and sc.regions == [] and sc.paragraphs == []
    h = one(mapped(d, tmap(FORM_A)), "a_contact")
    assert h.raw is None and h.label_score == 0.0


def test_two_sections_under_one_heading_share_its_table():
    # gx-sme 二: a grid part and a form part printed in one table under one heading
    grid = {"table": "二、主导产业情况", "layout": "grid", "columns": [{"label": "2024年"}],
            "rows": [{"id": "output", "label": "集群总产值（亿元）"}]}
    form = {"table": "二、主导产业情况", "layout": "form", "anchors": ["近三年年均增速（%）"],
            "fields": [{"id": "avg_growth", "label": "近三年年均增速（%）", "period": "edition"}]}
    d = doc("二、主导产业情况", table([["指标", "2024年"], ["集群总产值（亿元）", "35.2"], ["近三年年均增速（%）", "8.5"]]))
    m = mapped(d, tmap(grid, form))
    assert one(m, "output").raw == "35.2"
    assert one(m, "avg_growth").raw == "8.5"


# ================================================================ form (key / value) sections
CAT = catalogue(
    {"id": "area", "label": "占地面积", "type": "number"},
    {"id": "enterprises", "label": "企业数量", "type": "integer"},
    {"id": "platform_count", "label": "平台数量", "type": "integer"},
)
FORM = {
    "table": "一、基本情况", "layout": "form",
    "fields": [
        {"id": "cluster_name", "label": "集群名称"},
        {"id": "dept_contact", "label": "联系人"},
        {"id": "dept_phone", "label": "联系方式"},
        {"id": "operator_contact", "label": "联系人", "occurrence": 2},
        {"id": "operator_phone", "label": "联系方式", "occurrence": 2},
        {"id": "area", "label": "集群占地面积（平方公里）", "period": "edition"},
    ],
}
FORM_ROWS = [
    ["集群名称", "北流市日用陶瓷产业集群"],
    ["联系人", "张三"],
    ["联系方式", "0775-1234567"],
    ["集群运营管理机构", "北流陶瓷协会"],
    ["联系人", "李四"],
    ["联系方式", "13800001111"],
    ["集群占地面积（平方公里）", "12.5"],
]


def test_form_value_is_the_cell_right_of_its_label():
    m = mapped(doc("一、基本情况", table(FORM_ROWS)), tmap(FORM))
    h = one(m, "cluster_name")
    assert h.raw == "北流市日用陶瓷产业集群"
    assert (h.table, h.row_label, h.column_label) == ("一、基本情况", "集群名称", None)
    assert h.label_score == 1.0 and h.reasons == []
    assert h.cell is not None and (h.cell.row, h.cell.col) == (0, 1)


def test_form_same_label_twice_is_kept_apart_by_occurrence():
    m = mapped(doc("一、基本情况", table(FORM_ROWS)), tmap(FORM))
    assert one(m, "dept_contact").raw == "张三" and one(m, "dept_phone").raw == "0775-1234567"
    assert one(m, "operator_contact").raw == "李四" and one(m, "operator_phone").raw == "13800001111"
    assert one(m, "operator_contact").reasons == []


def test_form_same_label_printed_once_where_the_map_expects_two_is_flagged():
    rows = [r for r in FORM_ROWS if r[1] not in ("李四",)]  # the operator's 联系人 row is gone
    m = mapped(doc("一、基本情况", table(rows)), tmap(FORM))
    first = one(m, "dept_contact")
    assert first.raw == "张三"
    assert any("in the map 2 times but found 1 times" in r for r in first.reasons), first.reasons
    second = one(m, "operator_contact")
    assert second.raw is None and "label '联系人' not found in the table" in second.reasons


def test_form_period_and_typed_value_through_assemble():
    d = doc("一、基本情况", table(FORM_ROWS))
    fields, _, _ = validated(d, tmap(FORM), CAT)
    area = value(fields, "area")
    assert area.value == 12.5 and area.unit == "平方公里"  # the unit printed in the label
    assert area.period == 2024 and area.status == "ok"  # period 'edition' of a 2024 map
    fields, _, _ = validated(d, tmap(FORM), CAT, shift=1)
    assert value(fields, "area").period == 2025  # the document is next year's edition


def test_form_missing_label_gives_no_hit_and_review():
    sec = {"table": "一、基本情况", "layout": "form", "fields": [{"id": "x", "label": "集群核心承载园区"}]}
    d = doc("一、基本情况", table(FORM_ROWS))
    h = one(mapped(d, tmap(sec)), "x")
    assert h.raw is None and h.cell is None and h.label_score == 0.0
    assert h.reasons == ["label '集群核心承载园区' not found in the table"]
    fields, _, _ = validated(d, tmap(sec))
    assert value(fields, "x").status == "review"


def test_form_label_differing_in_a_digit_does_not_match():
    sec = {"table": "一、基本情况", "layout": "form", "fields": [{"id": "top", "label": "前10位企业产值（亿元）"}]}
    d = doc("一、基本情况", table([["前20位企业产值（亿元）", "88"]]))
    h = one(mapped(d, tmap(sec)), "top")
    assert h.raw is None and h.label_score == 0.0
    d = doc("一、基本情况", table([["前10位企业产值（亿元）", "88"]]))
    assert one(mapped(d, tmap(sec)), "top").raw == "88"


def test_form_label_some_characters_off_matches_fuzzily_and_is_reviewed():
    sec = {"table": "一、基本情况", "layout": "form",
           "fields": [{"id": "operator", "label": "集群运营管理机构名称"}]}
    d = doc("一、基本情况", table([["集群运营机构名", "北流陶瓷协会"]]))  # three characters dropped
    h = one(mapped(d, tmap(sec)), "operator")
    assert h.raw == "北流陶瓷协会"
    assert 0.0 < h.label_score < 0.9  # read at all: at least the label threshold
    fields, _, _ = validated(d, tmap(sec))
    v = value(fields, "operator")
    assert v.status == "review" and f"label matched at {h.label_score:.2f}" in v.reasons


def test_form_label_path_group_then_sub_label():
    sec = {"table": "一、基本情况", "layout": "form", "fields": [
        {"id": "area_phase1", "label": "园区一期/面积"},
        {"id": "area_phase2", "label": "园区二期/面积"},
    ]}
    d = doc("一、基本情况", table([["园区一期", "面积", "3.5"], ["^", "企业数", "10"],
                                  ["园区二期", "面积", "7.25"], ["^", "企业数", "20"]]))
    m = mapped(d, tmap(sec))
    assert one(m, "area_phase1").raw == "3.5"
    assert one(m, "area_phase2").raw == "7.25"
    assert one(m, "area_phase2").row_label == "园区二期/面积"


def test_form_group_label_missing_falls_back_to_the_leaf_with_a_reason():
    sec = {"table": "一、基本情况", "layout": "form", "fields": [{"id": "area", "label": "园区一期/面积"}]}
    d = doc("一、基本情况", table([["园区", "面积", "3.5"]]))
    h = one(mapped(d, tmap(sec)), "area")
    assert h.raw == "3.5"
    assert "group label of '园区一期/面积' not found; matched by '面积' alone" in h.reasons
    assert h.label_score == pytest.approx(0.85)


def test_form_fill_in_templates_inside_one_value_cell():
    label = "创新平台建设情况/国家级创新平台名称及数量"
    sec = {"table": "三、创新能力情况", "layout": "form", "fields": [
        {"id": "platform_count", "label": label, "kind": "fillin", "column_label": "数量", "fill": "数量：{}个"},
        {"id": "platform_names", "label": label, "kind": "fillin", "column_label": "名称", "fill": "名称：{}"},
    ]}
    d = doc("三、创新能力情况", table([["创新平台建设情况", "国家级创新平台名称及数量", "数量：3个\n名称：甲中心、乙中心、丙中心"]]))
    m = mapped(d, tmap(sec))
    n = one(m, "platform_count")
    assert (n.raw, n.column_label, n.kind) == ("3", "数量", "fillin")
    assert one(m, "platform_names").raw == "甲中心、乙中心、丙中心"
    fields, _, _ = validated(d, tmap(sec), CAT)
    assert value(fields, "platform_count").value == 3 and value(fields, "platform_count").status == "ok"


def test_form_fill_in_not_found_reads_the_whole_cell_with_a_reason():
    sec = {"table": "一、基本情况", "layout": "form",
           "fields": [{"id": "enterprises", "label": "集群企业数量", "fill": "共{}家"}]}
    d = doc("一、基本情况", table([["集群企业数量", "120"]]))
    h = one(mapped(d, tmap(sec)), "enterprises")
    assert h.raw == "120"
    assert "fill-in text '共{}家' not found; read the whole cell" in h.reasons
    assert h.penalty == pytest.approx(0.8)


def test_form_value_cell_holding_another_label_is_no_value():
    sec = {"table": "一、基本情况", "layout": "form",
           "fields": [{"id": "contact", "label": "联系人"}, {"id": "phone", "label": "联系方式"}]}
    d = doc("一、基本情况", table([["联系人", "联系方式", "13800001111"]]))  # the 联系人 value cell is missing
    m = mapped(d, tmap(sec))
    h = one(m, "contact")
    assert h.raw is None
    assert "the cell right of the label holds another label: value cell missing?" in h.reasons
    assert one(m, "phone").raw == "13800001111"


def test_form_printed_hint_alone_is_blank_and_value_in_label_cell():
    sec = {"table": "一、基本情况", "layout": "form", "fields": [
        {"id": "park", "label": "核心承载园区", "hint": "（填写园区全称）"},
        {"id": "products", "label": "主导产品", "in_label_cell": True, "fill": "主导产品：{}"},
    ]}
    d = doc("一、基本情况", table([["核心承载园区", "（填写园区全称）"], ["主导产品：日用陶瓷、艺术陶瓷", "<"]]))
    m = mapped(d, tmap(sec))
    assert one(m, "park").raw == ""
    assert one(m, "products").raw == "日用陶瓷、艺术陶瓷"
    fields, _, _ = validated(d, tmap(sec))
    park = value(fields, "park")
    assert park.status == "missing" and "required field is empty" in park.reasons


def test_form_value_in_a_table_nested_in_the_value_cell():
    t = table([["集群名称", ""]])
    t.at(0, 1).tables.append(table([["北流市日用陶瓷产业集群"]]))
    sec = {"table": "一、基本情况", "layout": "form", "fields": [{"id": "cluster_name", "label": "集群名称"}]}
    h = one(mapped(doc("一、基本情况", t), tmap(sec)), "cluster_name")
    assert h.raw == "北流市日用陶瓷产业集群" and h.reasons == []


def test_form_signature_box_reads_the_date_line():
    sec = {"table": "九、推荐意见", "layout": "form",
           "fields": [{"id": "sign_date", "label": "市级主管部门推荐意见", "kind": "signature"}]}
    d = doc("九、推荐意见", table([["市级主管部门推荐意见", "同意推荐。\n（盖章）\n2024年5月10日"]]))
    assert one(mapped(d, tmap(sec)), "sign_date").raw == "2024年5月10日"


# ================================================================ year grid
GRID = {
    "table": "二、主导产业情况", "layout": "grid",
    "columns": [{"label": "2023年"}, {"label": "2024年"},
                {"label": "增幅（%）", "suffix": "_growth", "role": "growth", "type": "percent"}],
    "rows": [
        {"id": "output", "label": "集群产值（亿元）"},
        {"id": "profit", "label": "利润总额（亿元）", "row_label": "利润"},
        {"id": "top10", "label": "前10位企业产值（亿元）"},
    ],
}
GRID_ROWS = [
    ["指标", "2023年", "2024年", "增幅（%）"],
    ["集群产值（亿元）", "100", "120", "20"],
    ["利润总额（亿元）", "8", "10", "25"],
    ["前10位企业产值（亿元）", "60", "66", "10"],
]


def test_grid_each_cell_gets_row_id_column_label_and_year_period():
    m = mapped(doc("二、主导产业情况", table(GRID_ROWS)), tmap(GRID))
    got = {(h.id, h.column_label): (h.raw, h.period, h.role, h.group) for h in m.hits}
    assert got[("output", "2023年")] == ("100", 2023, "value", "output")
    assert got[("output", "2024年")] == ("120", 2024, "value", "output")
    assert got[("output_growth", "增幅（%）")] == ("20", None, "growth", "output")
    assert got[("profit", "2024年")] == ("10", 2024, "value", "profit")
    assert got[("top10", "2023年")] == ("60", 2023, "value", "top10")
    assert len(m.hits) == 3 * 3
    assert one(m, "profit", "2023年").row_label == "利润"  # the map's reported row label
    assert one(m, "output", "2023年").row_label == "集群产值（亿元）"


def test_grid_columns_are_found_by_label_not_position():
    rows = [["指标", "增幅（%）", "2024年", "2023年"], ["集群产值（亿元）", "20", "120", "100"]]
    m = mapped(doc("二、主导产业情况", table(rows)), tmap(GRID))
    assert one(m, "output", "2023年").raw == "100" and one(m, "output", "2024年").raw == "120"
    assert one(m, "output_growth").raw == "20"


def test_grid_next_years_edition_reads_with_the_same_map():
    # the 2025 edition prints 2024年 / 2025年 where the 2024 map has 2023年 / 2024年: shift 1
    rows = [["指标", "2024年", "2025年", "增幅（%）"], ["集群产值（亿元）", "120", "150", "25"]]
    m = mapped(doc("二、主导产业情况", table(rows)), tmap(GRID), shift=1)
    first, second = one(m, "output", "2024年"), one(m, "output", "2025年")
    assert (first.raw, first.period) == ("120", 2024)
    assert (second.raw, second.period) == ("150", 2025)


def test_grid_missing_row_and_row_differing_in_a_digit_give_no_hit():
    rows = [GRID_ROWS[0], GRID_ROWS[1], ["前20位企业产值（亿元）", "70", "77", "10"]]  # 利润 row gone, 10 → 20
    m = mapped(doc("二、主导产业情况", table(rows)), tmap(GRID))
    for fid in ("profit", "top10"):
        hs = [h for h in m.hits if h.id.startswith(fid)]
        assert len(hs) == 3 and all(h.raw is None and h.cell is None for h in hs)
    assert "row '利润总额（亿元）' not found" in one(m, "profit", "2023年").reasons
    assert "row '前10位企业产值（亿元）' not found" in one(m, "top10", "2024年").reasons
    assert one(m, "output", "2024年").raw == "120"


def test_grid_missing_column_is_reported_per_cell():
    rows = [["指标", "2023年", "2024年"], ["集群产值（亿元）", "100", "120"]]  # no 增幅 column
    m = mapped(doc("二、主导产业情况", table(rows)), tmap(GRID))
    g = one(m, "output_growth")
    assert g.raw is None and "column '增幅（%）' not found" in g.reasons
    assert one(m, "output", "2024年").raw == "120"


def test_grid_rows_with_the_same_leaf_under_two_groups_are_kept_apart():
    sec = {"table": "三、标准制定", "layout": "grid", "columns": [{"label": "2023年"}, {"label": "2024年"}],
           "rows": [{"id": "led_nat", "label": "主持数量/国家"}, {"id": "led_ind", "label": "主持数量/行业"},
                    {"id": "joined_nat", "label": "参与数量/国家"},
                    {"id": "joined_ind", "label": "参与数量/行业", "columns": ["2024年"]}]}
    d = doc("三、标准制定", table([["类别", "<", "2023年", "2024年"], ["主持数量", "国家", "1", "2"],
                                  ["^", "行业", "3", "4"], ["参与数量", "国家", "5", "6"], ["^", "行业", "7", "8"]]))
    m = mapped(d, tmap(sec))
    assert [h.raw for h in m.hits if h.id == "led_nat"] == ["1", "2"]
    assert [h.raw for h in m.hits if h.id == "led_ind"] == ["3", "4"]
    assert [h.raw for h in m.hits if h.id == "joined_nat"] == ["5", "6"]
    # RowSpec.columns: only the listed column is a place
    assert [(h.column_label, h.raw) for h in m.hits if h.id == "joined_ind"] == [("2024年", "8")]


def test_grid_two_level_column_headers_with_suffixes():
    sec = {"table": "三、标准制定", "layout": "grid",
           "columns": [{"label": "2023年/主持数量", "suffix": "_led"}, {"label": "2023年/参与数量", "suffix": "_joined"},
                       {"label": "2024年/主持数量", "suffix": "_led"}, {"label": "2024年/参与数量", "suffix": "_joined"}],
           "rows": [{"id": "std_nat", "label": "国家"}, {"id": "std_group", "label": "团体"}]}
    d = doc("三、标准制定", table([["类别", "2023年", "<", "2024年", "<"],
                                  ["^", "主持数量", "参与数量", "主持数量", "参与数量"],
                                  ["国家", "1", "2", "3", "4"], ["团体", "5", "6", "7", "8"]]))
    m = mapped(d, tmap(sec))
    got = {(h.id, h.period): h.raw for h in m.hits}
    assert got == {("std_nat_led", 2023): "1", ("std_nat_joined", 2023): "2",
                   ("std_nat_led", 2024): "3", ("std_nat_joined", 2024): "4",
                   ("std_group_led", 2023): "5", ("std_group_joined", 2023): "6",
                   ("std_group_led", 2024): "7", ("std_group_joined", 2024): "8"}


def test_grid_values_typed_through_assemble():
    cat = catalogue({"id": "output", "label": "集群产值", "type": "number", "unit": "亿元"},
                    {"id": "output_growth", "label": "集群产值增幅", "type": "percent"})
    fields, _, _ = validated(doc("二、主导产业情况", table(GRID_ROWS[:2])), tmap(GRID), cat)
    v = value(fields, "output", 2024)
    assert (v.value, v.unit, v.status, v.row_label, v.column_label) == (120.0, "亿元", "ok", "集群产值（亿元）", "2024年")
    g = value(fields, "output_growth")
    assert (g.value, g.unit, g.status) == (20.0, "%", "ok")  # (120 - 100) / 100 = 20 %: the legacy growth check agrees


# ================================================================ list tables
LIST = {
    "table": "营业收入排名前十企业", "layout": "list", "id": "top",
    "columns": [
        {"label": "企业名称", "id": "top_name"},
        {"label": "营业收入（亿元）/2023年", "id": "top_rev"},
        {"label": "营业收入（亿元）/2024年", "id": "top_rev"},
        {"label": "增幅（%）", "id": "top_growth", "role": "growth", "type": "percent"},
    ],
    "total": {"columns": ["营业收入（亿元）/2023年", "营业收入（亿元）/2024年", "增幅（%）"]},
}
LIST_HEAD = [["企业名称", "营业收入（亿元）", "<", "增幅（%）"], ["^", "2023年", "2024年", "^"]]
LIST_CAT = catalogue({"id": "top_rev", "label": "营业收入", "type": "number", "unit": "亿元"},
                     {"id": "top_rev_total", "label": "营业收入合计", "type": "number", "unit": "亿元"},
                     {"id": "top_growth", "label": "增幅", "type": "percent"},
                     {"id": "top_growth_total", "label": "增幅合计", "type": "percent"})


def rows_of(lh) -> list[list[str | None]]:
    return [[h.raw for h in rec] for rec in lh.rows]


def test_list_reads_every_record_row_and_the_totals_row():
    d = doc("营业收入排名前十企业", table(LIST_HEAD + [
        ["甲公司", "10", "11", "10"], ["乙公司", "5", "6", "20"], ["丙公司", "1", "1.5", "50"],
        ["合计", "16", "18.5", "15.63"]]), "下一节")
    (lh,) = mapped(d, tmap(LIST)).lists
    assert (lh.id, lh.table, lh.reasons) == ("top", "营业收入排名前十企业", [])
    assert lh.columns == ["企业名称", "营业收入（亿元）/2023年", "营业收入（亿元）/2024年", "增幅（%）"]
    assert rows_of(lh) == [["甲公司", "10", "11", "10"], ["乙公司", "5", "6", "20"], ["丙公司", "1", "1.5", "50"]]
    rec = lh.rows[1]
    assert [h.id for h in rec] == ["top_name", "top_rev", "top_rev", "top_growth"]
    assert [h.period for h in rec] == [None, 2023, 2024, None]
    assert {h.group for h in rec} == {"top#1"}
    assert [(h.id, h.raw, h.column_label, h.role) for h in lh.totals] == [
        ("top_rev_total", "16", "营业收入（亿元）/2023年", "total"),
        ("top_rev_total", "18.5", "营业收入（亿元）/2024年", "total"),
        ("top_growth_total", "15.63", "增幅（%）", "growth")]


def test_list_added_rows_blank_rows_and_a_page_continuation():
    # the blank form had 2 rows; the applicant added more, left one empty, and the table goes on over a page
    # break with its header repeated
    d = doc("营业收入排名前十企业",
            table(LIST_HEAD + [["甲公司", "10", "11", "10"], ["", "", "", ""], ["乙公司", "5", "6", "20"]]),
            table(LIST_HEAD + [["丙公司", "1", "1.5", "50"], ["丁公司", "2", "2", "0"], ["…", "…", "…", "…"],
                               ["合计", "18", "20.5", "13.89"]]))
    (lh,) = mapped(d, tmap(LIST)).lists
    assert [r[0] for r in rows_of(lh)] == ["甲公司", "乙公司", "丙公司", "丁公司"]
    assert [rec[0].group for rec in lh.rows] == ["top#0", "top#1", "top#2", "top#3"]
    assert [h.raw for h in lh.totals] == ["18", "20.5", "13.89"]


def test_list_stops_at_a_full_width_row_and_at_another_lists_header():
    other = {"table": "研发投入前十位企业", "layout": "list", "id": "rd",
             "columns": [{"label": "企业名称", "id": "rd_name"}, {"label": "研发投入（万元）", "id": "rd_amount"}]}
    one_table = table([["企业名称", "营业收入（亿元）", "<", "增幅（%）"], ["^", "2023年", "2024年", "^"],
                       ["甲公司", "10", "11", "10"],
                       ["注：以上为营业收入前十企业", "<", "<", "<"],
                       ["乙公司", "5", "6", "20"]])
    (lh,) = mapped(doc("营业收入排名前十企业", one_table), tmap(LIST)).lists
    assert rows_of(lh) == [["甲公司", "10", "11", "10"]]
    # the next list's header row in the same grid ends the first list
    two = table([["企业名称", "营业收入（亿元）", "<", "增幅（%）"], ["^", "2023年", "2024年", "^"],
                 ["甲公司", "10", "11", "10"], ["企业名称", "研发投入（万元）", "", ""], ["乙公司", "300", "", ""]])
    m = mapped(doc("营业收入排名前十企业", two), tmap(LIST, other))
    top = next(x for x in m.lists if x.id == "top")
    assert [r[0] for r in rows_of(top)] == ["甲公司"]


def test_list_without_its_header_reports_it():
    d = doc("营业收入排名前十企业", table([["名称", "金额"], ["甲公司", "10"]]))
    (lh,) = mapped(d, tmap(LIST)).lists
    assert lh.rows == [] and "header row not found" in lh.reasons
    _, tables, _ = validated(d, tmap(LIST))
    assert tables[0].status == "review"


def test_list_values_through_assemble():
    d = doc("营业收入排名前十企业", table(LIST_HEAD + [["甲公司", "10", "11", "10"], ["乙公司", "5", "6", "20"],
                                                     ["合计", "15", "17", "13.33"]]))
    fields, tables, _ = validated(d, tmap(LIST), LIST_CAT)
    (t,) = tables
    assert t.status == "ok" and [r.row_index for r in t.rows] == [1, 2]
    cell = t.rows[1].cells["营业收入（亿元）/2024年"]
    assert (cell.id, cell.value, cell.unit, cell.status) == ("top_rev", 6.0, "亿元", "ok")
    total = value(fields, "top_rev_total", 2024)
    assert (total.value, total.status, total.column_label) == (17.0, "ok", "营业收入（亿元）/2024年")


def test_labelled_list_k_th_print_of_each_label_is_record_k():
    sec = {"table": "联系人信息", "layout": "list", "id": "contacts", "labelled": True,
           "columns": [{"label": "姓名", "id": "contact_name"}, {"label": "电话", "id": "contact_phone"}]}
    d = doc("联系人信息", table([["姓名", "张三", "电话", "13800001111"], ["姓名", "李四", "电话", "13900002222"],
                                ["姓名", "", "电话", ""]]))
    (lh,) = mapped(d, tmap(sec)).lists
    assert rows_of(lh) == [["张三", "13800001111"], ["李四", "13900002222"]]  # the blank third record is dropped
    assert lh.reasons == []


# ================================================================ fill-in lines (cover paragraphs)
COVER = {
    "table": "中小企业特色产业集群申报表", "layout": "paragraphs",
    "fields": [
        {"id": "cluster_name", "label": "集群名称", "kind": "cover", "fill": "集群名称：{}"},
        {"id": "region_city", "label": "所属地区", "column_label": "市", "kind": "cover", "fill": "所属地区：{}市"},
        {"id": "region_county", "label": "所属地区", "column_label": "县（市、区）", "kind": "cover",
         "fill": "市{}县（市、区）"},
        {"id": "operator", "label": "集群运营管理机构", "kind": "cover", "fill": "集群运营管理机构：{}"},
        {"id": "date", "label": "申报时间", "kind": "cover", "fill": "申报时间：{}"},
    ],
}
COVER_CAT = catalogue({"id": "date", "label": "申报时间", "type": "date"})


def test_cover_lines_fill_ins_read_from_paragraphs():
    d = doc("中小企业特色产业集群申报表", "集群名称：北流市日用陶瓷产业集群", "所属地区：玉林市北流县（市、区）",
            "集群运营管理机构：北流陶瓷协会", "申报时间：2024年5月")
    m = mapped(d, tmap(COVER))
    assert one(m, "cluster_name").raw == "北流市日用陶瓷产业集群"
    assert one(m, "region_city").raw == "玉林" and one(m, "region_city").column_label == "市"
    assert one(m, "region_county").raw == "北流" and one(m, "region_county").column_label == "县（市、区）"
    assert one(m, "operator").raw == "北流陶瓷协会"
    h = one(m, "date")
    assert h.raw == "2024年5月" and isinstance(h.paragraph, Paragraph) and h.paragraph.text == "申报时间：2024年5月"
    fields, _, _ = validated(d, tmap(COVER), COVER_CAT)
    assert value(fields, "date").value == "2024-05" and value(fields, "date").status == "ok"


def test_cover_line_left_as_underscores_is_blank_and_missing_line_is_not_found():
    d = doc("中小企业特色产业集群申报表", "集群名称：________________", "申报时间：2024年5月")
    m = mapped(d, tmap(COVER))
    assert one(m, "cluster_name").raw == ""
    op = one(m, "operator")
    assert op.raw is None and op.label_score == 0.0 and op.reasons == ["line '集群运营管理机构：{}' not found"]
    fields, _, _ = validated(d, tmap(COVER), COVER_CAT)
    assert value(fields, "cluster_name").status == "missing"
    assert "required field is empty" in value(fields, "cluster_name").reasons
    assert value(fields, "operator").status == "review"


def test_cover_two_fill_ins_on_one_line_and_a_wide_gap_for_the_colon():
    d = doc("中小企业特色产业集群申报表", "集群名称：稀土新材料产业集群\u3000集群运营管理机构：稀土产业促进会",
            "申报时间    2024年4月")
    m = mapped(d, tmap(COVER))
    assert one(m, "cluster_name").raw == "稀土新材料产业集群"
    assert one(m, "operator").raw == "稀土产业促进会"
    assert one(m, "date").raw == "2024年4月"


def test_cover_lines_retyped_as_label_and_value_cells():
    d = doc("中小企业特色产业集群申报表", table([["集群名称", "北流市日用陶瓷产业集群"], ["申报时间：", "2024年6月"]]))
    m = mapped(d, tmap(COVER))
    assert one(m, "cluster_name").raw == "北流市日用陶瓷产业集群"
    assert one(m, "date").raw == "2024年6月"
    assert one(m, "date").paragraph is None


# ================================================================ tick boxes
CHECKS = {
    "table": "一、基本情况", "layout": "form",
    "fields": [
        {"id": "sector", "label": "主导产业所属产业类型", "kind": "check", "options": ["第一产业", "第二产业", "第三产业"]},
        {"id": "restricted", "label": "是否属于限制类产业", "kind": "check", "options": ["是", "否"]},
        {"id": "recognized", "label": "是否已被认定", "kind": "check", "options": ["是", "否"]},
        {"id": "incident", "label": "是否发生事故", "kind": "check", "options": ["是（需附情况说明）", "否"]},
        {"id": "work", "label": "已开展的工作", "kind": "check", "multi": True,
         "options": ["绘制产业链图谱", "组建创新联合体", "建立风险防范机制"]},
        {"id": "software", "label": "工业软件应用率稳步提升", "kind": "check", "options": ["是", "否"]},
    ],
}


def check_doc(sector="□第一产业 ■第二产业 □第三产业", restricted="□是 √否", recognized="□是 □否",
              incident="☑是（需附情况说明） ☑否", work="☑绘制产业链图谱\n□组建创新联合体\n✓建立风险防范机制",
              software="工业软件应用率稳步提升：☑是 □否"):
    return doc("一、基本情况", table([
        ["主导产业所属产业类型", sector], ["是否属于限制类产业", restricted], ["是否已被认定", recognized],
        ["是否发生事故", incident], ["已开展的工作", work], [software, "<"]]))


def test_ticks_raw_text_is_the_box_cell_or_the_labels_own_cell():
    m = mapped(check_doc(), tmap(CHECKS))
    h = one(m, "sector")
    assert (h.raw, h.kind, h.options, h.multi) == ("□第一产业 ■第二产业 □第三产业", "check",
                                                    ["第一产业", "第二产业", "第三产业"], False)
    assert one(m, "work").multi is True
    # boxes printed in the label's own cell: that cell is the place
    assert one(m, "software").raw == "工业软件应用率稳步提升：☑是 □否"


@pytest.mark.parametrize("glyph", ["☑", "■", "√", "✓"])
def test_ticked_glyphs_choose_their_option_and_empty_box_does_not(glyph):
    fields, _, _ = validated(check_doc(sector=f"□第一产业 □第二产业 {glyph}第三产业"), tmap(CHECKS))
    v = value(fields, "sector")
    assert (v.type, v.value, v.status, v.reasons) == ("choice", "第三产业", "ok", [])


def test_ticks_through_assemble():
    fields, _, _ = validated(check_doc(), tmap(CHECKS))
    assert value(fields, "sector").value == "第二产业"
    assert value(fields, "restricted").value == "否"
    assert value(fields, "software").value == "是"
    # nothing ticked: missing
    rec = value(fields, "recognized")
    assert rec.value is None and rec.status == "missing" and "required field is empty" in rec.reasons
    # two ticks where one is expected: invalid
    inc = value(fields, "incident")
    assert inc.status == "invalid"
    assert "several options ticked where one is expected: ['是（需附情况说明）', '否']" in inc.reasons
    # several options may be ticked: the ticked ones in print order
    work = value(fields, "work")
    assert (work.type, work.value, work.status) == ("choices", ["绘制产业链图谱", "建立风险防范机制"], "ok")


def test_ticks_without_boxes_read_from_the_remaining_text_with_doubt():
    fields, _, _ = validated(check_doc(restricted="否"), tmap(CHECKS))  # the applicant deleted the other option
    v = value(fields, "restricted")
    assert v.value == "否" and v.status == "review"
    assert "no tick boxes found; option read from the remaining text" in v.reasons


def test_ticks_after_their_options_and_a_stray_tick():
    fields, _, _ = validated(check_doc(restricted="是√ 否□", recognized="□是 □否 √"), tmap(CHECKS))
    v = value(fields, "restricted")  # re-typed with each box after its option
    assert (v.value, v.status, v.reasons) == ("是", "ok", [])
    r = value(fields, "recognized")  # a tick next to no option: doubted, not "nothing ticked"
    assert r.value is None and r.status == "review" and "1 tick(s) next to no option" in r.reasons


# ================================================================ narratives
GOALS = {"table": "五、发展目标（20字以内）", "layout": "narrative", "id": "goals",
         "guidance": ["（围绕产业规模设定清晰、可量化的发展目标）"]}
MEASURES = {"table": "六、保障措施", "layout": "narrative", "id": "measures", "limit": 10}


def narrative_doc(goals: str, measures: list[str]):
    return doc("五、发展目标（20字以内）", "（围绕产业规模设定清晰、可量化的发展目标）", goals,
               "六、保障措施", *measures, "七、其他说明", "不属于保障措施的文字")


def test_narrative_text_guidance_removed_limit_from_heading_or_map():
    goals = "到2027年集群产值达到一百亿元。"
    m = mapped(narrative_doc(goals, ["第一条措施", "第二条"]), tmap(GOALS, MEASURES))
    g = next(t for t in m.texts if t.id == "goals")
    assert (g.text, g.limit, g.heading, g.reasons, g.score) == (goals, 20, "五、发展目标（20字以内）", [], 1.0)
    ms = next(t for t in m.texts if t.id == "measures")
    assert ms.text == "第一条措施\n第二条" and ms.limit == 10  # ends at the next top-level heading 七、


def test_narrative_at_the_limit_is_ok_one_over_is_invalid():
    at = "一二三四五\n六七八九十"  # 10 characters without white space
    _, _, texts = validated(narrative_doc("发展目标", [at]), tmap(GOALS, MEASURES))
    t = next(x for x in texts if x.id == "measures")
    assert (t.chars, t.limit, t.status) == (10, 10, "ok")
    _, _, texts = validated(narrative_doc("发展目标", [at, "十一"]), tmap(GOALS, MEASURES))
    t = next(x for x in texts if x.id == "measures")
    assert (t.chars, t.status) == (12, "invalid") and "12 characters, over the limit of 10" in t.reasons


def test_narrative_left_blank_is_missing_and_without_heading_is_reviewed():
    _, _, texts = validated(narrative_doc("", []), tmap(GOALS, MEASURES))
    t = next(x for x in texts if x.id == "measures")
    assert t.text is None and t.status == "missing" and "required text is empty" in t.reasons
    # only the guidance line under the heading: still blank
    g = next(x for x in texts if x.id == "goals")
    assert g.text is None and g.status == "missing"
    # heading not printed: the section has no scope, reported as not found
    _, _, texts = validated(doc("其他"), tmap(MEASURES))
    assert texts[0].status == "review" and "section heading not found" in texts[0].reasons


def test_narrative_field_of_a_form_takes_its_limit_from_the_label():
    sec = {"table": "二、主导产业情况", "layout": "form",
           "fields": [{"id": "chain", "label": "集群产业链强链补链情况（30字以内）", "kind": "narrative"}]}
    short = "已绘制产业链图谱。"
    d = doc("二、主导产业情况", table([["集群产业链强链补链情况（30字以内）", short]]))
    assert one(mapped(d, tmap(sec)), "chain").raw == short
    fields, _, texts = validated(d, tmap(sec))
    assert fields == [] and len(texts) == 1
    assert (texts[0].id, texts[0].limit, texts[0].chars, texts[0].status) == ("chain", 30, len(short), "ok")
    long = "链" * 31
    _, _, texts = validated(doc("二、主导产业情况", table([["集群产业链强链补链情况（30字以内）", long]])), tmap(sec))
    assert texts[0].status == "invalid" and "31 characters, over the limit of 30" in texts[0].reasons


def test_narrative_in_a_writing_box_under_a_title_row():
    sec = {"table": "八、发展规划", "layout": "narrative", "id": "plan"}
    d = doc(table([["八、发展规划（50字以内）", "<"], ["打造国内领先的陶瓷产业集群。", "<"]]))
    m = mapped(d, tmap(sec))
    (t,) = m.texts
    assert t.text == "打造国内领先的陶瓷产业集群。" and t.limit == 50 and t.heading == "八、发展规划（50字以内）"


SAME_ROWS = {"table": "三、企业情况", "layout": "grid", "columns": [{"label": "2023年"}],
             "rows": [{"id": "a", "label": "企业数量"}, {"id": "b", "label": "企业数量"}]}


def test_grid_rows_the_map_lists_twice_take_the_printed_rows_in_order():
    m = mapped(doc("三、企业情况", table([["类别", "2023年"], ["企业数量", "1"], ["企业数量", "2"]])), tmap(SAME_ROWS))
    assert (one(m, "a", "2023年").raw, one(m, "b", "2023年").raw) == ("1", "2")
    assert not one(m, "a", "2023年").reasons and not one(m, "b", "2023年").reasons


def test_grid_row_printed_fewer_times_than_the_map_lists_it_is_doubted():
    m = mapped(doc("三、企业情况", table([["类别", "2023年"], ["企业数量", "1"]])), tmap(SAME_ROWS))
    a = one(m, "a", "2023年")
    assert a.raw == "1" and any("found 1 times" in r for r in a.reasons)
    b = one(m, "b", "2023年")
    assert b.raw is None and any("not found" in r for r in b.reasons)


def test_grid_column_header_misread_is_read_between_its_neighbours_for_review():
    # measured on a scan: a seal over the first year header made '2021年' read '水 201年' — the column stands
    # left of 2022年 and 2023年, side by side: its values are read, with the reason, never ok
    sec = {"table": "二、主导产业情况", "layout": "grid",
           "columns": [{"label": "2021年"}, {"label": "2022年"}, {"label": "2023年"}],
           "rows": [{"id": "output", "label": "集群产值（亿元）"}]}
    rows = [["指标", "水 201年", "2022年", "2023年"], ["集群产值（亿元）", "90", "100", "120"]]
    m = mapped(doc("二、主导产业情况", table(rows)), tmap(sec))
    h = one(m, "output", "2021年")
    assert h.raw == "90" and h.period == 2021
    assert any("between its neighbours" in r for r in h.reasons) and h.label_score < 0.97
    # in the middle: between its two neighbours
    rows = [["指标", "2021年", "20Z2 平", "2023年"], ["集群产值（亿元）", "90", "100", "120"]]
    assert one(mapped(doc("二、主导产业情况", table(rows)), tmap(sec)), "output", "2022年").raw == "100"
    # COL_GUESS = 0.6: a header scoring below it (another word) is not taken
    rows = [["指标", "备注说明", "2022年", "2023年"], ["集群产值（亿元）", "90", "100", "120"]]
    h = one(mapped(doc("二、主导产业情况", table(rows)), tmap(sec)), "output", "2021年")
    assert h.raw is None and "column '2021年' not found" in h.reasons


# ================================================================ one cell, two places (new-user trial, issue 9)
def test_one_cell_read_for_two_places_is_doubted_unless_the_other_read_is_borrowed():
    from extractor.ir import Cell
    from extractor.layouts import doubt_shared_cells
    from extractor.records import Hit, Mapped

    c, d = Cell(row=1, col=1, text="137,267.03"), Cell(row=1, col=2, text="153434.77")
    a = Hit(id="export", table="二", row_label="出口", column_label="2022年", kind="value", raw="137,267.03", cell=c)
    b = Hit(id="export", table="二", row_label="出口", column_label="2023年", kind="value", raw="137,267.03", cell=c)
    e = Hit(id="export", table="二", row_label="出口", column_label="2024年", kind="value", raw="153434.77", cell=d)
    out = Mapped(hits=[a, b, e])
    doubt_shared_cells(out)
    assert any("read for another place too" in r for r in a.reasons + b.reasons) and a.reasons and b.reasons
    assert e.reasons == []
    # a cover line found in a table cell (borrowed) doubts itself, not the cell's own place
    own = Hit(id="org", table="一、基本情况", row_label="名称", column_label=None, kind="value", raw="某协会", cell=c)
    cover = Hit(id="org", table="封面", row_label="名称", column_label=None, kind="value", raw="某协会", cell=c,
                borrowed=True)
    doubt_shared_cells(Mapped(hits=[own, cover]))
    assert own.reasons == [] and cover.reasons


def test_a_value_cell_not_under_its_column_header_is_doubted():
    from extractor.ir import Cell
    from extractor.layouts.grid import COL_OVERLAP, off_column

    assert COL_OVERLAP == 0.5
    header = Cell(row=0, col=5, text="2024年", page=1, bbox=(428.0, 58.0, 536.0, 80.0))  # 108 pt wide
    # measured: the 2023 value under the 2024 header shared 18 of 108 pt
    assert off_column(Cell(row=18, col=4, text="1", page=1, bbox=(350.0, 631.0, 446.0, 654.0)), header)
    # sharing 54 of 108 pt (half): under it; 53: not
    assert off_column(Cell(row=9, col=5, text="1", page=1, bbox=(374.0, 300.0, 482.0, 320.0)), header) is None
    assert off_column(Cell(row=9, col=5, text="1", page=1, bbox=(373.0, 300.0, 481.0, 320.0)), header)
    # another page (a continuation aligned by order) or no geometry (Word): not judged
    assert off_column(Cell(row=1, col=5, text="1", page=2, bbox=(100.0, 0.0, 200.0, 20.0)), header) is None
    assert off_column(Cell(row=1, col=5, text="1"), Cell(row=0, col=5, text="2024年")) is None
