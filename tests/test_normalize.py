import pytest

from extractor.normalize import parse, parse_checks, unit_from_label


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
