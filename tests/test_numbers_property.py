"""Property tests of the one number grammar (issue 8 item 3): whatever way a number is written correctly, it
parses back to its value and is sure; digits separated anywhere but at a thousands boundary are never sure."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.records import Hit
from extractor.validate.normalize import parse
from extractor.validate import _judge

FAST = settings(max_examples=200, deadline=None)
FULL = str.maketrans("0123456789.,%-", "０１２３４５６７８９．，％－")
SEPS = [",", " ", "，", "\u00a0", "\u2009"]  # comma, space, full-width comma, no-break space, thin space


def is_ok(p) -> bool:
    """What validate calls ok for a value read from a text layer under an exact label."""
    return not (p.invalid or p.missing or p.empty or p.reasons) and p.penalty == 1.0


def status(raw: str, vtype: str, unit: str | None) -> tuple[object, str]:
    h = Hit(id="x", table="t", row_label="r", column_label=None, kind="value", raw=raw, vtype=vtype, unit=unit)
    p, _, s = _judge(h, vtype, unit)
    return p.value, s


def grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@st.composite
def written_numbers(draw, signed: bool = True):
    """(text, value) for a decimal written plainly or with thousands groups, maybe in full-width characters."""
    n = draw(st.integers(min_value=0, max_value=10**12))
    frac = draw(st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=4)))
    neg = signed and draw(st.booleans())
    sep = draw(st.sampled_from([None] + SEPS))
    body = str(n) if sep is None else grouped(n, sep)
    text = ("-" if neg else "") + body + ("." + frac if frac else "")
    value = float(Decimal(("-" if neg else "") + str(n) + ("." + frac if frac else "")))
    if draw(st.booleans()):
        text = text.translate(FULL)
    return text, value


@FAST
@given(written_numbers())
def test_written_number_round_trips(nv):
    text, value = nv
    p = parse(text, "number", None)
    assert is_ok(p), (text, p)
    assert p.value == pytest.approx(value, rel=1e-12, abs=1e-12)


@FAST
@given(written_numbers(), st.sampled_from(["亿元", "万元", "元", "吨", "万吨标准煤", "万元/人"]), st.booleans())
def test_number_with_the_rows_unit_round_trips(nv, unit, space):
    text, value = nv
    p = parse(text + (" " if space else "") + unit, "number", unit)
    assert is_ok(p), (text, p)
    assert p.value == pytest.approx(value, rel=1e-12, abs=1e-12) and p.unit == unit


@FAST
@given(written_numbers(signed=False), st.sampled_from([("万元", "亿元", 1e-4), ("亿元", "万元", 1e4), ("万人", "人", 1e4)]))
def test_other_unit_of_the_dimension_is_converted_and_flagged(nv, conv):
    text, value = nv
    typed, row, factor = conv
    p = parse(text + typed, "number", row)
    assert p.value == pytest.approx(value * factor, rel=1e-9, abs=1e-12)
    assert not is_ok(p) and any("converted" in r for r in p.reasons)


@FAST
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([None] + SEPS), st.sampled_from(["", "个", "家", "项"]),
       st.booleans())
def test_count_round_trips(n, sep, unit, full):
    text = (str(n) if sep is None else grouped(n, sep)) + unit
    if full:
        text = text.translate(FULL)
    p = parse(text, "integer", unit or None)
    assert is_ok(p) and p.value == n and isinstance(p.value, int), (text, p)


@FAST
@given(written_numbers(), st.sampled_from(["", "%", "％", " %"]))
def test_percentage_round_trips(nv, pct):
    text, value = nv
    p = parse(text + pct, "percent", None)
    if not -100 <= value <= 1000:
        assert not is_ok(p)  # implausible percentage: flagged, value kept
        return
    assert is_ok(p), (text + pct, p)
    assert p.value == pytest.approx(value, rel=1e-12, abs=1e-12) and p.unit == "%"


@FAST
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.sampled_from(["{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{y}-{m}-{d}", "{y}.{m}.{d}", "{y}/{m}/{d}",
                        "{y}年{m:02d}月{d:02d}日", "{y} 年 {m} 月 {d} 日"]), st.booleans())
def test_date_round_trips(day, fmt, full):
    text = fmt.format(y=day.year, m=day.month, d=day.day)
    if full:
        text = text.translate(FULL)
    p = parse(text, "date", None)
    assert is_ok(p) and p.value == day.isoformat(), (text, p)


def _valid_grouping(groups: list[str], seps: list[str]) -> bool:
    """Independent statement of the grammar: thousands groups only, one separator kind."""
    kinds = {"," if s in ",，" else " " for s in seps}
    return (len(kinds) <= 1 and 1 <= len(groups[0]) <= 3 and groups[0][0] != "0"
            and all(len(g) == 3 for g in groups[1:]))


@st.composite
def misgrouped(draw):
    """A digit string split by spaces/commas somewhere that is not a (consistent) thousands boundary."""
    digits = draw(st.text("0123456789", min_size=2, max_size=12))
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=len(digits) - 1), min_size=1, max_size=4)))
    groups = [digits[a:b] for a, b in zip([0] + cuts, cuts + [len(digits)])]
    seps = [draw(st.sampled_from(SEPS)) for _ in cuts]
    if _valid_grouping(groups, seps):
        # make it wrong: a group of two or four at the end, or a leading zero
        groups[-1] = groups[-1][:2] if draw(st.booleans()) else groups[-1] + "5"
    assert not _valid_grouping(groups, seps)
    text = groups[0] + "".join(s + g for s, g in zip(seps, groups[1:]))
    return text


@FAST
@given(misgrouped(), st.sampled_from(["", ".5", ".25"]), st.sampled_from([("number", "亿元", ""), ("number", "亿元", "亿元"),
       ("integer", "个", ""), ("integer", "家", "家"), ("percent", None, ""), ("percent", None, "%")]), st.booleans())
def test_misgrouped_digits_are_never_ok(text, frac, kind, full):
    vtype, unit, typed = kind
    raw = text + frac + typed
    if full:
        raw = raw.translate(FULL)
    p = parse(raw, vtype, unit)
    assert not is_ok(p), (raw, p)
    value, s = status(raw, vtype, unit)
    assert s != "ok" and value is None, (raw, value, s)


@FAST
@given(st.text("0123456789", min_size=1, max_size=6), st.text("0123456789", min_size=1, max_size=3),
       st.text("0123456789", min_size=1, max_size=3), st.sampled_from(SEPS))
def test_digits_grouped_after_the_decimal_point_are_never_ok(a, b, c, sep):
    raw = f"{a}.{b}{sep}{c}"
    assert not is_ok(parse(raw, "number", None)), raw
    assert status(raw, "number", None)[1] != "ok"


@FAST
@given(written_numbers())
def test_sure_number_is_ok_through_validation(nv):
    text, value = nv
    v, s = status(text, "number", None)
    assert s == "ok" and v == pytest.approx(value, rel=1e-12, abs=1e-12)
