import pytest

from extractor.validate.normalize import parse, parse_checks, unit_from_label


@pytest.mark.parametrize("raw,vtype,unit,value,review", [
    ("356.42", "number", "亿元", 356.42, False),
    ("356.42亿元", "number", "亿元", 356.42, False),
    ("1,204.50", "number", "亿元", 1204.5, False),
    ("３５６.４２", "number", "亿元", 356.42, False),
    ("35642万元", "number", "亿元", 3.5642, True),
    ("12.5%", "percent", None, 12.5, False),
    ("12.5", "percent", None, 12.5, False),
    ("-3.2％", "percent", None, -3.2, False),
    ("42", "integer", "个", 42, False),
    ("42个", "integer", "个", 42, False),
    ("1,204", "integer", "家", 1204, False),
    ("12（估算）", "number", "亿元", 12.0, True),
])
def test_numbers(raw, vtype, unit, value, review):
    p = parse(raw, vtype, unit)
    assert not p.invalid and not p.missing
    assert p.value == pytest.approx(value)
    assert bool(p.reasons) == review


@pytest.mark.parametrize("raw,vtype", [("12.5", "integer"), ("abc", "number"), ("5亿元", "percent"),
                                       ("2024年13月", "date"), ("foo@", "email"), ("5300", "postcode")])
def test_invalid(raw, vtype):
    assert parse(raw, vtype, "亿元" if vtype == "percent" else None).invalid


@pytest.mark.parametrize("raw", ["无", "/", "—", "－", "暂无"])
def test_explicit_empty(raw):
    p = parse(raw, "number", "亿元")
    assert p.empty and p.value is None and not p.missing


@pytest.mark.parametrize("raw", ["", "   ", "XXX", "PXX页（下同）", "X/X/X/X", "____", "……"])
def test_placeholders_are_missing(raw):
    assert parse(raw, "text", None).missing


@pytest.mark.parametrize("raw,want", [("2024年3月", "2024-03"), ("2025年3月18日", "2025-03-18"), ("2025-3-8", "2025-03-08"),
                                      ("2025.03", "2025-03")])
def test_dates(raw, want):
    assert parse(raw, "date", None).value == want


def test_phone_and_email():
    assert parse("0771- 555 1234", "phone", None).value == "0771-5551234"
    assert parse("a.b@gx.gov.cn", "email", None).value == "a.b@gx.gov.cn"
    assert parse("530000", "postcode", None).value == "530000"


@pytest.mark.parametrize("label,unit", [("集群产值（亿元）", "亿元"), ("企业数量（个，提供现有企业库）", "个"),
                                        ("增幅（%）", "%"), ("单位产值二氧化碳排放量（吨二氧化碳/万元）", "吨二氧化碳/万元"),
                                        ("集群名称", None)])
def test_unit_from_label(label, unit):
    assert unit_from_label(label) == unit


@pytest.mark.parametrize("text,chosen", [
    ("☑是\n\n□否", ["是"]), ("□是 ■否", ["否"]), ("√是 □否", ["是"]), ("□是  (否  ", []),
    ("□是（需附情况说明）\n\n✔否", ["否"]), ("☒第一产业\n□第二产业\n✓第三产业", ["第一产业", "第三产业"]),
    ("□是 □否 □不适用", []),
])
def test_checks(text, chosen):
    opts = ["是（需附情况说明）", "否"] if "说明" in text else (["第一产业", "第二产业", "第三产业"] if "产业" in text
                                                           else ["是", "否", "不适用"] if "不适用" in text else ["是", "否"])
    assert parse_checks(text, opts).chosen == chosen


def test_check_without_boxes_is_doubtful():
    c = parse_checks("是", ["是", "否"])
    assert c.chosen == ["是"] and c.confidence < 0.9 and c.reasons


# ---------------------------------------------------------------- one number grammar (issue 8 item 3)
@pytest.mark.parametrize("raw,value", [
    ("1 204.50", 1204.5), ("1,204.50", 1204.5), ("83,671", 83671), ("１，２０４．５０", 1204.5), ("１ ２０４", 1204),
    ("12 345 678", 12345678), ("1\u00a0204", 1204), ("1\u2009204", 1204), ("1\u202f204", 1204),  # no-break / thin spaces
    ("3 000万元", 3000), ("- 12", -12), ("12 亿元", 12), ("1 204（估算）", 1204),
])
def test_thousands_groups_are_numbers(raw, value):
    p = parse(raw, "number", None)
    assert p.value == pytest.approx(value) and not p.invalid


@pytest.mark.parametrize("raw", ["1 60", "0 19", "18.457,76", "1,20", "12,3456", "0,123", "1,234 567", "1 2345",
                                 "1234,567", "0.123 456", "12, 13", "2 0 2 4", "1 60%", "１，２０", "1 60（估算）"])
def test_other_digit_groups_are_never_sure(raw):
    for vtype, unit in (("number", "亿元"), ("integer", "个"), ("percent", None)):
        p = parse(raw, vtype, unit)
        assert p.value is None and p.reasons and not p.missing, (raw, vtype, p)
        assert p.penalty < 1.0


@pytest.mark.parametrize("raw,sure", [
    # a group of exactly three digits after a separator: 3 in, 2 and 4 out
    ("1,234", True), ("1,23", False), ("1,2345", False), ("1 234", True), ("1 23", False), ("1 2345", False),
    # the first group has 1-3 digits: 3 in, 4 out; it does not start with 0
    ("123,456", True), ("1234,567", False), ("1 000", True), ("0 100", False), ("0,100", False),
    # one separator kind per number
    ("1,234,567", True), ("1 234 567", True), ("1,234 567", False), ("1 234,567", False),
    # separators belong to the integer part only
    ("1,234.5", True), ("1,234.56 7", False),
])
def test_digit_group_boundaries(raw, sure):
    p = parse(raw, "number", None)
    assert (p.value is not None and not p.reasons) == sure, p


def test_unsure_number_is_review_not_ok():
    from extractor.records import Hit
    from extractor.validate import _judge

    h = Hit(id="x", table="t", row_label="r", column_label=None, kind="value", raw="1 60", vtype="number", unit="吨")
    p, conf, status = _judge(h, "number", "吨")
    assert status == "review" and p.value is None and any("1 60" in r for r in p.reasons)


@pytest.mark.parametrize("raw,vtype,value", [
    ("45\u200b.87", "number", 45.87), ("\ufeff0.115", "number", 0.115), ("1\u00ad204", "integer", 1204),
    ("\u200e12.5%\u200f", "percent", 12.5), ("\u202a2025年3月8日\u202c", "date", "2025-03-08"),
    ("高\u200b宇\ufeff", "text", "高宇"), ("\u2066邵\u2060晓\u2069", "text", "邵晓"),
])
def test_format_characters_are_not_part_of_a_value(raw, vtype, value):
    """Zero-width space, BOM, soft hyphen, word joiner and bidi marks (e.g. pasted into a PDF or OCR text)."""
    p = parse(raw, vtype, None)
    assert p.value == (pytest.approx(value) if isinstance(value, float) else value) and not p.reasons


def test_canon_ignores_format_characters():
    from extractor.text import canon, visible

    assert canon("联\u200b系\u00ad人\ufeff") == canon("联系人")
    assert visible("a\u200c\u200db") == "ab" and visible("") == ""


@pytest.mark.parametrize("text,chosen,doubt", [
    ("□是 ☑否", ["否"], False),  # boxes before their options (the forms' own layout)
    ("是☑ 否□", ["是"], False),  # re-typed with each box after its option
    ("是√ 否□", ["是"], False),
    ("是□ 否■", ["否"], False),
    ("□是 □否 √", [], True),  # a tick that goes with no option: doubted, not "nothing ticked"
    ("□是 □否", [], False),
])
def test_tick_boxes_before_or_after_their_options(text, chosen, doubt):
    from extractor.validate.normalize import parse_checks

    got = parse_checks(text, ["是", "否"])
    assert got.chosen == chosen
    assert bool(got.reasons) == doubt and (got.confidence < 1.0) == doubt


# ---------------------------------------------------------------- a number among stray marks (issue 9, family 3)
@pytest.mark.parametrize("raw,vtype,value", [
    ("际\n3.18", "percent", 3.18),  # a seal character above the number
    ("1.56%上", "percent", 1.56),
    ("来 10.73华 耳五", "percent", 10.73),  # four stray characters: the most offered
    ("107.4\n8", "number", 107.48),  # wrapped in a narrow column
    ("84.1\n6", "number", 84.16),
    ("4\nt", "integer", 4),
    ("123\n4", "integer", 1234),  # WRAP_MIN = 3: a line of three characters may have wrapped
])
def test_a_number_among_stray_marks_is_offered_for_review(raw, vtype, value):
    p = parse(raw, vtype, "亿元" if vtype == "number" else None, salvage=True)  # a recognised (OCR) cell
    assert p.value == pytest.approx(value) and not p.invalid
    assert p.reasons and p.penalty <= 0.3  # never ok
    typed = parse(raw, vtype, "亿元" if vtype == "number" else None)  # typed text: what the applicant wrote
    assert typed.value is None and typed.invalid


@pytest.mark.parametrize("raw,vtype", [
    ("来 10.73华 耳五六", "percent"),  # five stray characters: a sentence, not marks
    ("0\n14.82", "percent"),  # joining would make a leading zero: two values
    ("4\n210", "integer"),  # a line shorter than the last did not wrap: two values
    ("12\n3", "integer"),  # a line of two characters did not wrap (WRAP_MIN = 3): two values
    ("1.2\n3.4", "number"),  # two decimal points
    ("-27.60%\n2", "percent"),
    ("3.26 1市工业和", "percent"),  # digits in the noise
    ("12 亿元\nx", "number"),  # a unit word beside the number
    ("abc", "number"),
])
def test_two_numbers_or_a_sentence_are_not_a_number(raw, vtype):
    p = parse(raw, vtype, "亿元" if vtype == "number" else None, salvage=True)
    assert p.value is None and (p.invalid or p.reasons)


# ---------------------------------------------------------------- a decimal point read as ',' or lost (issue 9)
@pytest.mark.parametrize("raw,vtype,value", [
    ("13,252,77", "number", 13252.77),  # fax: the last separator is a point read as ','
    ("3,68", "number", 3.68),
    ("15,42%", "percent", 15.42),
    ("1 60", "number", 1.6),  # the point lost to a space (the example)
    ("1234 56", "number", 1234.56),  # POINT_DIGITS = 2: two digits after it, just inside
])
def test_a_lost_decimal_point_is_offered_for_review_on_recognised_text(raw, vtype, value):
    p = parse(raw, vtype, "亿元" if vtype == "number" else None, salvage=True)
    assert p.value == pytest.approx(value) and not p.invalid
    assert p.penalty <= 0.3 and any("last separator taken for the decimal point" in r for r in p.reasons)
    typed = parse(raw, vtype, "亿元" if vtype == "number" else None)  # typed text: not ours to guess
    assert typed.value is None and any("decimal point lost" in r for r in typed.reasons)


@pytest.mark.parametrize("raw", [
    "1234 567",  # three digits after the last separator (POINT_DIGITS = 2: just outside)
    "12,3456",  # four
    "1,20,5",  # what precedes the last separator is no thousands grouping
    "1 60 5",
    "1,2.3 4",  # a comma and a point: neither reading is the one
])
def test_no_lost_point_reading_when_it_is_not_the_one_reading(raw):
    p = parse(raw, "number", "亿元", salvage=True)
    assert p.value is None and p.reasons


# ---------------------------------------------------------------- a page reference's 1 misread (issue 9)
@pytest.mark.parametrize("raw,value", [
    ("P2]", "P21"), ("Pl5", "P15"), ("P40至P4I", "P40至P41"), ("第2l页", "第21页"), ("P2|-P23", "P21-P23"),
])
def test_a_lookalike_of_1_in_a_recognised_page_reference_is_1_for_review(raw, value):
    p = parse(raw, "pages", None, salvage=True)
    assert p.value == value and 0.5 <= p.penalty <= 0.6 and p.reasons  # reviewed, one character to check
    assert parse(raw, "pages", None).value == raw  # typed text stays as typed


@pytest.mark.parametrize("raw", ["P21", "见附件", "I类", "P2]a"])
def test_a_page_reference_without_a_lookalike_beside_digits_is_unchanged(raw):
    p = parse(raw, "pages", None, salvage=True)
    assert p.value == raw and not p.reasons


@pytest.mark.parametrize("raw,vtype,value", [
    ("2.6 9%", "percent", 2.69), ("14.3 9", "number", 14.39),  # a space in the fraction
    ("3 6.86", "number", 36.86), ("6 7.2 9", "number", 67.29),  # in the integer part, with a point there
    ("0.123 456", "number", 0.123456),
])
def test_spaces_in_a_recognised_number_with_a_point_are_dropped_for_review(raw, vtype, value):
    p = parse(raw, vtype, "亿元" if vtype == "number" else None, salvage=True)
    assert p.value == pytest.approx(value) and p.penalty <= 0.3
    assert any("the spaces dropped" in r for r in p.reasons)
    assert parse(raw, vtype, "亿元" if vtype == "number" else None).value is None  # typed: not ours to guess
