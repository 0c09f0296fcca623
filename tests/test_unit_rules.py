"""Unit tests of every rule kind on hand-built values (issue 12, item 1).

Each rule is declared as a map declares it (a dict, validated by the map's pydantic models) and run with the
rules' entry point (``rules.run`` on ``rules.Facts``, what ``validate.assemble`` calls) on contract values built
in the test; a few tests run the whole ``locate → map → assemble`` path on a tiny document. For each kind a
case that keeps the rule and one that breaks it; tolerances are probed just inside and just outside, computed
from the rule's named constant (so a tenfold change of a constant fails a test). Reasons are compared whole:
they name the rule by the vocabulary's word and the numbers.
"""
from __future__ import annotations

import pytest

from irbuild import catalogue, check, cv, doc, fv, list_table, table, text, tmap, validated, word

# ---- extractor internals (the only place this module names them) -------------------------------
from extractor.rules import catalogue_rules
from extractor.rules.growth import GROWTH_REL_TOL, GROWTH_TOL
from extractor.rules.part_of import PART_OF_TOL
from extractor.rules.ratio import RATIO_REL_TOL, RATIO_TOL
from extractor.rules.required import REQUIRED_FIELD, REQUIRED_TEXT
from extractor.rules.same_value import SAME_VALUE_TOL
from extractor.rules.sum_ import SUM_REL_TOL, SUM_TOL
# -----------------------------------------------------------------------------------------------

INSIDE, OUTSIDE = 0.9, 1.1  # fractions of a tolerance


def shown(x: float) -> str:
    """A number as the reasons print it (documented: thousands separators, no trailing zeros)."""
    if abs(x - round(x)) < 1e-9:
        return f"{int(round(x)):,}"
    return f"{x:,.6f}".rstrip("0").rstrip(".")


def kept(*values) -> None:
    for v in values:
        assert v.status == "ok" and v.reasons == [], (v.id, v.status, v.reasons)


def broken(v, reason: str, status: str = "invalid") -> None:
    assert v.status == status and reason in v.reasons, (v.id, v.status, v.reasons, reason)


# ================================================================ sum
def sum_case(total: float, a: float = 0.5, b: float = 0.5, period: int = 2024):
    t, pa, pb = fv("total", total, period=period), fv("a", a, period=period), fv("b", b, period=period)
    check([{"kind": "sum", "total": "total", "parts": ["a", "b"]}], [t, pa, pb])
    return t, pa, pb


def test_sum_within_the_absolute_tolerance_is_kept():
    kept(*sum_case(1 + INSIDE * SUM_TOL))
    kept(*sum_case(1 - INSIDE * SUM_TOL))


def test_sum_outside_the_absolute_tolerance_breaks_total_and_parts():
    tv = 1 + OUTSIDE * SUM_TOL
    t, pa, pb = sum_case(tv)
    why = f"{word('sum')} {shown(tv)} ≠ Σ 1 (diff {shown(tv - 1)}): total = a + b (2024)"
    for v in (t, pa, pb):
        broken(v, why)


def test_sum_relative_tolerance_scales_with_the_total():
    kept(*sum_case(1000 * (1 + INSIDE * SUM_REL_TOL), 600, 400))
    tv = 1000 * (1 + OUTSIDE * SUM_REL_TOL)
    t, _, _ = sum_case(tv, 600, 400)
    broken(t, f"{word('sum')} {shown(tv)} ≠ Σ 1,000 (diff {shown(tv - 1000)}): total = a + b (2024)")


def test_sum_is_checked_per_period():
    vals = [fv("total", 10, period=2023), fv("a", 4, period=2023), fv("b", 6, period=2023),
            fv("total", 10, period=2024), fv("a", 4, period=2024), fv("b", 5, period=2024)]
    check([{"kind": "sum", "total": "total", "parts": ["a", "b"]}], vals)
    kept(*vals[:3])
    for v in vals[3:]:
        broken(v, f"{word('sum')} 10 ≠ Σ 9 (diff 1): total = a + b (2024)")


def test_sum_blank_part_skips_unless_blank_zero():
    def case(rule_blank: str | None):
        t, a, b = fv("total", 10), fv("a", 10), fv("b", None, status="missing")
        rule = {"kind": "sum", "total": "total", "parts": ["a", "b"]} | ({"blank": rule_blank} if rule_blank else {})
        check([rule], [t, a, b])
        return t, a
    kept(*case(None))  # default: a blank part leaves the rule unchecked
    kept(*case("zero"))  # 10 + 0 = 10
    t, a, b = fv("total", 11), fv("a", 10), fv("b", None, status="missing")
    check([{"kind": "sum", "total": "total", "parts": ["a", "b"], "blank": "zero"}], [t, a, b])
    broken(t, f"{word('sum')} 11 ≠ Σ 10 (diff 1): total = a + b")


LIST_SEC = {
    "table": "营业收入排名前十企业", "layout": "list", "id": "top",
    "columns": [{"label": "企业名称", "id": "top_name"},
                {"label": "营业收入（亿元）/2023年", "id": "top_rev"},
                {"label": "营业收入（亿元）/2024年", "id": "top_rev"},
                {"label": "增幅（%）", "id": "top_growth", "role": "growth"}],
    "total": {"columns": ["营业收入（亿元）/2023年", "营业收入（亿元）/2024年", "增幅（%）"]},
}
C23, C24, CG = "营业收入（亿元）/2023年", "营业收入（亿元）/2024年", "增幅（%）"


def top_list(rows: list[tuple[str, float, float, float]]):
    return list_table("top", "营业收入排名前十企业", ["企业名称", C23, C24, CG],
                      [{"企业名称": cv("top_name", n), C23: cv("top_rev", x), C24: cv("top_rev", y),
                        CG: cv("top_growth", g)} for n, x, y, g in rows])


def top_total(column: str, v: float):
    fid = "top_growth_total" if column == CG else "top_rev_total"
    return fv(fid, v, table="营业收入排名前十企业", row_label="", column_label=column)


def test_sum_of_a_list_totals_row():
    lt = top_list([("甲", 0.25, 0.5, 100), ("乙", 0.75, 0.5, -33.33)])  # each column sums to 1
    ok23, bad24 = top_total(C23, 1 + INSIDE * SUM_TOL), top_total(C24, 1 + OUTSIDE * SUM_TOL)
    check([{"kind": "sum", "list": "top"}], [ok23, bad24], [lt], sections=[LIST_SEC])
    kept(ok23)
    broken(bad24, f"{word('sum')} {shown(1 + OUTSIDE * SUM_TOL)} differs from the sum of the rows 1 "
                  f"(diff {shown(OUTSIDE * SUM_TOL)})")
    kept(*[c for r in lt.rows for c in r.cells.values()])  # the rows are the primary data


# ================================================================ part_of
def part_case(part: float, whole: float = 10.0):
    p, w = fv("sme_count", part, period=2024), fv("enterprise_count", whole, period=2024)
    check([{"kind": "part_of", "part": "sme_count", "whole": "enterprise_count"}], [p, w])
    return p, w


def test_part_of_equal_or_within_tolerance_is_kept():
    kept(*part_case(10.0))
    kept(*part_case(10.0 + INSIDE * PART_OF_TOL))


def test_part_of_larger_than_the_whole_breaks_the_part_only():
    pv = 10.0 + OUTSIDE * PART_OF_TOL
    p, w = part_case(pv)
    broken(p, f"{word('part_of')}: sme_count {shown(pv)} > enterprise_count 10 (2024) — a part cannot exceed its whole")
    kept(w)


# ================================================================ growth
def growth_case(g: float, a: float, b: float):
    vals = [fv("output", a, period=2023), fv("output", b, period=2024), fv("output_growth", g, period=2024, unit="%")]
    check([{"kind": "growth", "growth": "output_growth", "base": "output"}], vals)
    return vals


def test_growth_within_the_absolute_tolerance_is_kept():
    # 100 → 105: 5 %; the absolute tolerance (percentage points) is larger than 1 % of 5
    kept(*growth_case(5 + INSIDE * GROWTH_TOL, 100, 105))
    kept(*growth_case(5 - INSIDE * GROWTH_TOL, 100, 105))


def test_growth_outside_the_absolute_tolerance_breaks_the_growth_value():
    g = 5 + OUTSIDE * GROWTH_TOL
    a, b, gv = growth_case(g, 100, 105)
    broken(gv, f"{word('growth')} {shown(g)}% does not match 2023→2024: 5.00% (100 → 105)")
    kept(a, b)  # the yearly values are the evidence, not judged


def test_growth_relative_tolerance_scales_with_the_change():
    # 100 → 300: 200 %; the tolerance is GROWTH_REL_TOL of that
    kept(*growth_case(200 * (1 + INSIDE * GROWTH_REL_TOL), 100, 300))
    g = 200 * (1 + OUTSIDE * GROWTH_REL_TOL)
    _, _, gv = growth_case(g, 100, 300)
    broken(gv, f"{word('growth')} {shown(g)}% does not match 2023→2024: 200.00% (100 → 300)")


def test_growth_from_a_zero_base_is_not_judged():
    kept(*growth_case(999, 0, 5))


GRID_SEC = {"table": "2.1 集群发展总体情况", "layout": "grid",
            "columns": [{"label": "2023年"}, {"label": "2024年"},
                        {"label": "增幅（%）", "suffix": "_growth", "role": "growth"}],
            "rows": [{"id": "output", "label": "集群产值（亿元）"}, {"id": "profit", "label": "利润（亿元）"}]}


def test_growth_of_every_grid_row():
    tb = "2.1 集群发展总体情况"
    vals = [fv("output", 50, period=2023, table=tb), fv("output", 60, period=2024, table=tb),
            fv("output_growth", 20, table=tb),
            fv("profit", 4, period=2023, table=tb), fv("profit", 5, period=2024, table=tb),
            fv("profit_growth", 20, table=tb)]
    check([{"kind": "growth", "table": tb}], vals, sections=[GRID_SEC])
    kept(*vals[:5])
    broken(vals[5], f"{word('growth')} 20% does not match 2023→2024: 25.00% (4 → 5)")


def test_growth_of_every_list_row_and_its_totals_row():
    lt = top_list([("甲", 10, 11, 10), ("乙", 5, 6, 10)])  # 乙: 5 → 6 is 20 %
    totals = [top_total(C23, 15), top_total(C24, 17), top_total(CG, 13.33)]  # 15 → 17: 13.33 %
    check([{"kind": "growth", "list": "top"}], totals, [lt], sections=[LIST_SEC])
    kept(lt.rows[0].cells[CG], *totals)
    broken(lt.rows[1].cells[CG], f"{word('growth')} 10% does not match 2023→2024: 20.00% (5 → 6)")


# ================================================================ ratio
def ratio_case(x: float, n: float, d: float, factor: float = 1.0):
    vals = [fv("patents_per_10k", x), fv("patents", n), fv("employees", d)]
    rule = {"kind": "ratio", "value": "patents_per_10k", "numerator": "patents", "denominator": "employees"}
    check([rule | ({"factor": factor} if factor != 1 else {})], vals)
    return vals


def test_ratio_within_the_absolute_tolerance_is_kept():
    kept(*ratio_case(0.1 + INSIDE * RATIO_TOL, 1, 10))  # 1 ÷ 10 = 0.1: the absolute tolerance rules
    kept(*ratio_case(0.1 - INSIDE * RATIO_TOL, 1, 10))


def test_ratio_outside_the_absolute_tolerance_breaks_all_three():
    x = 0.1 + OUTSIDE * RATIO_TOL
    vals = ratio_case(x, 1, 10)
    why = f"{word('ratio')}: patents_per_10k {shown(x)} ≠ patents 1 ÷ employees 10 = 0.10"
    for v in vals:
        broken(v, why)


def test_ratio_relative_tolerance_and_factor():
    # 50 patents ÷ 5,000 employees × 10,000 = 100 per 10k employees
    kept(*ratio_case(100 * (1 + INSIDE * RATIO_REL_TOL), 50, 5000, 10000))
    x = 100 * (1 + OUTSIDE * RATIO_REL_TOL)
    v, _, _ = ratio_case(x, 50, 5000, 10000)
    broken(v, f"{word('ratio')}: patents_per_10k {shown(x)} ≠ patents 50 ÷ employees 5,000 × 10,000 = 100.00")


# ================================================================ range
def range_case(x: float, lo: float | None, hi: float | None, unit: str | None = None):
    v = fv("share", x, unit=unit)
    check([{"kind": "range", "ids": ["share"]} | ({"min": lo} if lo is not None else {})
           | ({"max": hi} if hi is not None else {})], [v])
    return v


def test_range_bounds_are_inclusive():
    kept(range_case(2, 2, 5), range_case(5, 2, 5))


def test_range_outside_the_bounds():
    broken(range_case(5.5, 2, 5), f"{word('range')}: 5.5 outside [2, 5]")
    broken(range_case(1.5, 2, 5), f"{word('range')}: 1.5 outside [2, 5]")
    broken(range_case(1.5, 2, None), f"{word('range')}: 1.5 outside [2, ∞]")


def test_range_share_and_count_wordings():
    broken(range_case(100.5, 0, 100, unit="%"), "a share must lie between 0 and 100%: 100.5")
    kept(range_case(100, 0, 100, unit="%"))
    broken(range_case(-1, 0, None), "a count cannot be negative: -1")
    broken(range_case(-0.5, 0, None), f"{word('range')}: -0.5 below 0")


def test_range_reaches_list_cells():
    lt = list_table("l", "名单", ["比例"], [{"比例": cv("share", 50)}, {"比例": cv("share", 150)}])
    check([{"kind": "range", "ids": ["share"], "min": 0, "max": 100}], [], [lt])
    kept(lt.rows[0].cells["比例"])
    broken(lt.rows[1].cells["比例"], f"{word('range')}: 150 outside [0, 100]")


# ================================================================ integer
def test_integer_whole_non_negative_counts():
    ok, neg, frac = fv("n", 3, vtype="integer"), fv("n", -1, vtype="integer"), fv("n", 2.5, vtype="integer")
    as_number = fv("n", 2.5, vtype="number")  # a map may read a count as a number (万人): not judged
    check([{"kind": "integer", "ids": ["n"]}], [ok, neg, frac, as_number])
    kept(ok, as_number)
    broken(neg, "a count cannot be negative: -1")
    broken(frac, f"{word('integer')}: a count must be a whole number: 2.5")


# ================================================================ decimals
def test_decimals_counted_on_the_text_as_typed():
    vals = [fv("x", 1.23, raw="1.23"), fv("x", 1.234, raw="1.234"), fv("x", 1.234, raw="１.２３４"),
            fv("y", 1.234, raw="1.234"), fv("x", 1234.5, raw="1,234.5")]
    check([{"kind": "decimals", "places": 2, "exclude": ["y"]}], vals)
    kept(vals[0], vals[3], vals[4])  # y is excluded
    broken(vals[1], f"{word('decimals')}: '1.234' has 3 decimals, the form asks for at most 2")
    broken(vals[2], f"{word('decimals')}: '１.２３４' has 3 decimals, the form asks for at most 2")


def test_decimals_only_named_ids_and_list_cells():
    lt = list_table("l", "名单", ["金额"], [{"金额": cv("amount", 1.5, raw="1.5")}, {"金额": cv("amount", 1.55, raw="1.55")}])
    other = fv("other", 1.55, raw="1.55")
    check([{"kind": "decimals", "places": 1, "ids": ["amount"]}], [other], [lt])
    kept(other, lt.rows[0].cells["金额"])
    broken(lt.rows[1].cells["金额"], f"{word('decimals')}: '1.55' has 2 decimals, the form asks for at most 1")


# ================================================================ chars
def test_chars_max_counts_without_white_space():
    at, over = text("t", "一二三四五 六七八九十"), text("t", "一二三四五六七八九十十")
    check([{"kind": "chars", "id": "t", "max": 10}], texts=[at, over])
    kept(at)
    broken(over, f"{word('chars')}: 11 characters, over the limit of 10")


def test_chars_min_and_the_labels_own_limit_said_first():
    short, enough = text("t", "一"), text("t", "一二")
    said = text("t", "一二三", status="invalid", reasons=["3 characters, over the limit of 2"])
    check([{"kind": "chars", "id": "t", "min": 2}], texts=[short, enough])
    kept(enough)
    broken(short, f"{word('chars')}: 1 characters, under the minimum of 2")
    check([{"kind": "chars", "id": "t", "max": 2}], texts=[said])
    assert said.reasons == ["3 characters, over the limit of 2"]  # not said twice


# ================================================================ count_matches
def count_case(n: int, names: str | None, empty: bool = False):
    c = fv("platform_count", n, vtype="integer", row_label="国家级平台")
    s = fv("platform_names", names, raw=names if names is not None else "无", empty=empty, row_label="国家级平台")
    check([{"kind": "count_matches", "count": "platform_count", "names": "platform_names"}], [c, s])
    return c, s


def test_count_matches_names_split_at_the_separators():
    kept(*count_case(3, "甲中心、乙中心，丙中心"))
    kept(*count_case(0, None, empty=True))  # 无: no names


def test_count_matches_breaks_count_and_names():
    c, s = count_case(3, "甲中心、乙中心")
    why = f"{word('count_matches')}: platform_count 3 but 2 names listed in platform_names"
    broken(c, why)
    broken(s, why)


def test_count_matches_rows_of_a_list():
    lt = top_list([("甲", 10, 11, 10), ("乙", 5, 6, 20)])
    ok, bad = fv("enterprise_total", 2, table="六"), fv("enterprise_total", 3, table="七")
    check([{"kind": "count_matches", "count": "enterprise_total", "list": "top"}], [ok, bad], [lt],
          sections=[LIST_SEC])
    kept(ok)
    broken(bad, f"{word('count_matches')}: enterprise_total 3 but the list top has 2 rows")


# ================================================================ date_order
def test_date_order_against_the_edition_year():
    ok, same_year, early = (fv("sign_date", "2024-05-10"), fv("sign_date", "2024-01"), fv("sign_date", "2023-12-31"))
    check([{"kind": "date_order", "earlier": "edition", "later": "sign_date"}], [ok, same_year, early])
    kept(ok, same_year)
    broken(early, f"{word('date_order')}: sign_date 2023-12-31 is before edition 2024")


def test_date_order_edition_moves_with_the_documents_year():
    v = fv("sign_date", "2024-12-01")
    check([{"kind": "date_order", "earlier": "edition", "later": "sign_date"}], [v], doc_edition=2025)
    broken(v, f"{word('date_order')}: sign_date 2024-12-01 is before edition 2025")


def test_date_order_between_two_dates():
    rule = [{"kind": "date_order", "earlier": "apply_date", "later": "sign_date"}]
    a, s = fv("apply_date", "2024-05-10"), fv("sign_date", "2024-05-10")
    check(rule, [a, s])
    kept(a, s)
    a, s = fv("apply_date", "2024-05"), fv("sign_date", "2024-05-01")  # compared on the common precision
    check(rule, [a, s])
    kept(a, s)
    a, s = fv("apply_date", "2024-05-10"), fv("sign_date", "2024-05-09")
    check(rule, [a, s])
    why = f"{word('date_order')}: sign_date 2024-05-09 is before apply_date 2024-05-10"
    broken(a, why)
    broken(s, why)


# ================================================================ same_value
def same_case(a: float, b: float, tb: str = "二、情况"):
    x, y = fv("output", a, period=2024, table="一、情况"), fv("output", b, period=2024, table=tb)
    check([{"kind": "same_value", "id": "output"}], [x, y])
    return x, y


def test_same_value_numbers_within_the_tolerance_are_kept():
    kept(*same_case(1, 1 + INSIDE * SAME_VALUE_TOL))


def test_same_value_numbers_outside_the_tolerance_break_both():
    b = 1 + OUTSIDE * SAME_VALUE_TOL
    x, y = same_case(1, b)
    why = f"{word('same_value')}: output (2024) is 1 in 一、情况 but {shown(b)} in 二、情况"
    broken(x, why)
    broken(y, why)


def test_same_value_within_one_table_is_not_compared():
    kept(*same_case(1, 5, tb="一、情况"))


def test_same_value_texts_differing_only_in_spaces_or_width_agree_others_are_reviewed():
    a, b = fv("name", "北流 陶瓷（集群）", table="封面"), fv("name", "北流陶瓷(集群)", table="一、基本情况")
    check([{"kind": "same_value", "id": "name"}], [a, b])
    kept(a, b)
    a, b = fv("name", "北流陶瓷集群", table="封面"), fv("name", "北流市日用陶瓷产业集群", table="一、基本情况")
    check([{"kind": "same_value", "id": "name"}], [a, b])
    why = f"{word('same_value')}: name is '北流陶瓷集群' in 封面 but '北流市日用陶瓷产业集群' in 一、基本情况"
    broken(a, why, status="review")  # may be a legitimate short form: doubt, not invalid
    broken(b, why, status="review")


# ================================================================ required
def test_required_adds_its_reason_to_blank_required_places_only():
    blank_req = fv("a", None, status="missing", reasons=[REQUIRED_FIELD])
    explicit = fv("b", None, raw="无", status="missing", empty=True, reasons=[REQUIRED_FIELD])
    optional = fv("c", None, status="missing")
    filled = fv("d", "甲")
    blank_text = text("t", None, status="missing", reasons=[REQUIRED_TEXT])
    check([{"kind": "required"}], [blank_req, explicit, optional, filled], texts=[blank_text])
    why = f"{word('required')}: left blank (write 无 when there is nothing to report)"
    broken(blank_req, why, status="missing")  # stays missing: the contract's word for a blank place
    broken(blank_text, why, status="missing")
    assert why not in explicit.reasons and why not in optional.reasons
    kept(filled)


def test_required_named_ids_apply_even_where_the_map_says_optional():
    optional = fv("c", None, status="missing")
    check([{"kind": "required", "ids": ["c"]}], [optional])
    assert optional.status == "missing"
    assert optional.reasons == [f"{word('required')}: left blank (write 无 when there is nothing to report)"]


# ================================================================ magnitude of every tolerance
# The boundary tests above move with the named constants. These probes are literals from the forms' meaning
# (figures typed with two decimals, growth rates rounded to one decimal …): each "inside" lies above a tenth of
# its tolerance and each "outside" below ten times it, so a tenfold change of a constant, either way, fails
# here and must be a deliberate decision.
def _sum3(total: float, parts: tuple[float, float, float]):
    t = fv("total", total)
    ps = [fv(f"p{i}", x) for i, x in enumerate(parts)]
    check([{"kind": "sum", "total": "total", "parts": ["p0", "p1", "p2"]}], [t, *ps])
    return t


def test_tolerance_magnitudes_sum():
    assert 0.01 <= SUM_TOL < 0.05 and 5 / 10_000 <= SUM_REL_TOL < 50 / 10_000  # the probes below fit these
    kept(_sum3(1.00, (0.33, 0.33, 0.33)))  # ⅓ each, typed with two decimals: off by 0.01
    assert _sum3(1.00, (0.33, 0.33, 0.29)).status == "invalid"  # off by 0.05: a typing error
    kept(_sum3(10_000, (3_333, 3_333, 3_329)))  # off by 5 in 10,000 (0.05 %)
    assert _sum3(10_000, (3_333, 3_333, 3_284)).status == "invalid"  # off by 50 (0.5 %)


def test_tolerance_magnitudes_part_of_and_same_value():
    assert 0.01 <= PART_OF_TOL < 0.05 and 0.01 <= SAME_VALUE_TOL < 0.05
    kept(*part_case(10.01))  # 其中 larger by a rounding of the second decimal
    assert part_case(10.05)[0].status == "invalid"
    kept(*same_case(3.14, 3.15))
    assert same_case(3.14, 3.19)[0].status == "invalid"


def test_tolerance_magnitudes_growth():
    assert 0.05 <= GROWTH_TOL < 0.5 and 0.005 <= GROWTH_REL_TOL < 0.025
    kept(*growth_case(2.05, 100, 102))  # 2 % typed as 2.05: within a rounding of the first decimal
    assert growth_case(2.5, 100, 102)[2].status == "invalid"  # half a percentage point off
    kept(*growth_case(201, 100, 300))  # 200 %: 1 point off is 0.5 % of the change
    assert growth_case(205, 100, 300)[2].status == "invalid"  # 2.5 % of the change


def test_tolerance_magnitudes_ratio():
    assert 0.005 <= RATIO_TOL < 0.05 and 0.005 <= RATIO_REL_TOL < 0.05
    kept(*ratio_case(0.105, 1, 10))  # 0.1 typed as 0.105
    assert ratio_case(0.15, 1, 10)[0].status == "invalid"
    kept(*ratio_case(100.5, 50, 5000, 10000))  # 0.5 % off
    assert ratio_case(105, 50, 5000, 10000)[0].status == "invalid"  # 5 % off


# ================================================================ shared behaviour
def test_a_reviewers_decision_keeps_its_status_and_the_rule_name_can_be_given():
    p, w = fv("part", 11, status="accepted"), fv("whole", 10)
    check([{"kind": "part_of", "part": "part", "whole": "whole", "name": "其中项"}], [p, w])
    assert p.status == "accepted"
    assert p.reasons == ["其中项: part 11 > whole 10 — a part cannot exceed its whole"]


def test_blank_or_unparsed_values_are_not_judged():
    vals = [fv("total", 10), fv("a", None, status="missing"), fv("b", "很多", vtype="number", status="invalid")]
    check([{"kind": "sum", "total": "total", "parts": ["a", "b"], "blank": "zero"}], vals)
    kept(vals[0])


@pytest.mark.parametrize("bad", [
    {"kind": "sum", "total": "t", "parts": ["a"]},
    {"kind": "sum", "total": "t", "parts": ["a", "b"], "list": "l"},
    {"kind": "growth", "growth": "g"},
    {"kind": "chars", "id": "t"},
    {"kind": "count_matches", "count": "c"},
    {"kind": "nonsense", "ids": ["a"]},
])
def test_malformed_rules_are_rejected_by_the_map_model(bad):
    with pytest.raises(ValueError):
        tmap(rules=[bad])


# ================================================================ rules through validate.assemble
GRID = {"table": "二、主导产业情况", "layout": "grid",
        "columns": [{"label": "2023年"}, {"label": "2024年"},
                    {"label": "增幅（%）", "suffix": "_growth", "role": "growth", "type": "percent"}],
        "rows": [{"id": "output", "label": "集群产值（亿元）"}, {"id": "sme_share", "label": "中小企业产值占比（%）"}]}
CAT = catalogue({"id": "output", "label": "集群产值", "type": "number", "unit": "亿元"},
                {"id": "output_growth", "label": "集群产值增幅", "type": "percent"},
                {"id": "sme_share", "label": "中小企业产值占比", "type": "percent", "min": 0, "max": 100},
                {"id": "sme_share_growth", "label": "占比增幅", "type": "percent"})


def grid_doc(growth: str = "20", share24: str = "60"):
    return doc("二、主导产业情况", table([["指标", "2023年", "2024年", "增幅（%）"],
                                          ["集群产值（亿元）", "100", "120", growth],
                                          ["中小企业产值占比（%）", "50", share24, ""]]))


def test_assemble_runs_the_maps_rules():
    m = tmap(GRID, rules=[{"kind": "growth", "table": "二、主导产业情况"}])
    fields, _, _ = validated(grid_doc(), m, CAT)
    kept(*[f for f in fields if f.id.startswith("output")])
    fields, _, _ = validated(grid_doc(growth="25"), m, CAT)
    g = next(f for f in fields if f.id == "output_growth")
    broken(g, f"{word('growth')} 25% does not match 2023→2024: 20.00% (100 → 120)")


def test_assemble_runs_the_catalogues_rules():
    assert any(r.kind == "range" and r.ids == ["sme_share"] for r in catalogue_rules(CAT))
    m = tmap(GRID, rules=[{"kind": "growth", "table": "二、主导产业情况"}])
    fields, _, _ = validated(grid_doc(share24="100.5"), m, CAT)
    v = next(f for f in fields if f.id == "sme_share" and f.period == 2024)
    broken(v, "a share must lie between 0 and 100%: 100.5")
    fields, _, _ = validated(grid_doc(share24="100"), m, CAT)
    kept(next(f for f in fields if f.id == "sme_share" and f.period == 2024))


def test_assemble_without_declared_rules_uses_the_legacy_growth_check():
    fields, _, _ = validated(grid_doc(growth="25"), tmap(GRID), CAT)
    g = next(f for f in fields if f.id == "output_growth")
    broken(g, f"{word('growth')} 25% does not match 2023→2024: 20.00%")  # the legacy wording: no amounts
    # a map that declares any rule drops the legacy checks: only its own rules judge
    fields, _, _ = validated(grid_doc(growth="25"), tmap(GRID, rules=[{"kind": "required"}]), CAT)
    kept(next(f for f in fields if f.id == "output_growth"))
