"""Labels that differ in a digit are different labels; an undecided edition year is flagged (issue 8, item 4)."""
from __future__ import annotations

from extractor.api import flag_undecided_edition
from extractor.contract import FieldValue
from extractor.identify import MAX_YEAR_SHIFT, decide_year_shift
from extractor.maps import get_map
from extractor.text import canon, digits_conflict, line_score, score


def test_years_and_dates_that_differ_never_match():
    assert score("2023年", "2024年") == 0.0
    assert score("2020年12月31日", "2021年12月31日") == 0.0
    assert score("营业收入（亿元）/2023年", "营业收入（亿元）/2024年") == 0.0
    assert line_score("指标\n2023年", "2024年") == 0.0
    assert line_score("2023年：12", "2024年") == 0.0
    # a single digit elsewhere in a label: 5G is not 4G
    assert score("5G全连接工厂数量", "4G全连接工厂数量") == 0.0


def test_same_numbers_or_deleted_instruction_still_match():
    assert score("2024年", "2024 年") == 1.0
    assert score("营业收入（亿元）/2024年", "营业收入(亿元)2024年") == 1.0
    # the applicant deleted "（200字以内）": no conflict, the fuzzy score decides (below 1: flagged)
    s = score("集群产业链强链补链情况（200字以内）", "集群产业链强链补链情况")
    assert 0.7 < s < 1.0
    assert not digits_conflict(canon("情况（200字以内）2024年"), canon("情况2024年"))
    # runs out of order are a conflict: 12/31 is not 31/12
    assert digits_conflict(canon("12月31日说明（3项）"), canon("31日12月说明"))


def test_year_shift_decided_by_years_then_labels():
    m = get_map("gx-sme-2024")
    from extractor.identify import map_years
    my = map_years(m)
    # every map year present: shift 0, nothing tied
    assert decide_year_shift(m, set(my), set()) == (0, ())
    # every map year one later: the next edition
    assert decide_year_shift(m, {y + 1 for y in my}, set()) == (1, ())
    # the largest shift recognised, and one beyond it is not
    assert decide_year_shift(m, {y + 5 for y in my}, set())[0] == 5 == MAX_YEAR_SHIFT
    assert decide_year_shift(m, {y + 6 for y in my}, set())[0] != 6


def test_year_shift_tie_is_reported_not_picked():
    m = get_map("gx-sme-2024")
    from extractor.identify import map_years
    my = sorted(map_years(m))
    # one year that is a map year and the year after another map year: shift 0 and +1 fit equally
    y = next(y for y in my if y - 1 in my)
    doc_years = {y}
    shift, tied = decide_year_shift(m, doc_years, set())
    hits = {d: len({y + d for y in my} & doc_years) for d in tied}
    assert len(tied) >= 2 and len(set(hits.values())) == 1 and shift == tied[0] == 0 and 1 in tied
    # a label of the form, shifted, found whole in the document breaks the tie
    from extractor.identify.template import _map_labels
    from extractor.text import years
    lab = next(x for x in sorted(_map_labels(m, tied[1])) if years(x))
    shift2, tied2 = decide_year_shift(m, doc_years, {lab})
    assert shift2 in tied and (not tied2 or len(tied2) < len(tied))


def _fv(period, row, col, status="ok"):
    return FieldValue(id="x", table="T", row_label=row, column_label=col, kind="value", type="number", raw="1",
                      value=1.0, confidence=1.0, status=status, reasons=[], empty=False, period=period)


def test_undecided_edition_flags_values_with_a_year_only():
    fs = [_fv(2024, "产值", "2024年"), _fv(None, "名称", None), _fv(None, "情况/2023年", None), _fv(2024, "a", None, "invalid")]
    msg = flag_undecided_edition(fs, [], 2024, (0, 1))
    assert "2024 or 2025" in msg
    assert [f.status for f in fs] == ["review", "ok", "review", "invalid"]
    assert "edition year undecided" in fs[0].reasons[0]
