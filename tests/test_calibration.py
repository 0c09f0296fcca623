"""The calibration map (extractor/models/calibration.yaml): raw score → probability that the value is right."""
import pytest

from extractor.validate import calibration
from extractor.validate.calibration import Curve, calibrate, curve, load, ok_threshold
from extractor.ir import Cell
from extractor.records import Hit, TextHit
from extractor.validate import Context, OK_PROBABILITY, field_value, text_value

pytestmark = pytest.mark.skipif(not calibration.ENABLED, reason="EXTRACTOR_CALIBRATION=off")


def test_map_loads_monotone_in_unit_interval():
    c = curve()
    assert isinstance(c, Curve) and len(c.x) == len(c.y) >= 2
    assert all(b >= a for a, b in zip(c.x, c.x[1:])) and all(b >= a for a, b in zip(c.y, c.y[1:]))
    grid = [i / 2000 for i in range(2001)] + [-0.5, 1.5]
    out = [calibrate(v) for v in sorted(grid)]
    assert all(0.0 <= v <= 1.0 for v in out)
    assert all(b >= a for a, b in zip(out, out[1:]))


def test_load_rejects_a_map_that_is_not_monotone():
    with pytest.raises(ValueError):
        load("ok_threshold: 0.9\nx: [0.0, 1.0]\ny: [0.9, 0.1]\n")
    with pytest.raises(ValueError):
        load("ok_threshold: 0.9\nx: [0.0, 1.0]\ny: [0.0, 1.2]\n")


def test_threshold_boundary():
    # the chosen ok threshold (scripts/calibration.py, wrong-but-ok ≤ 0.1 % on the fit half) and the step at
    # the old raw threshold 0.9: a raw 0.9 is just inside, 0.899 (raw scores have 3 decimals) just outside
    assert ok_threshold() == OK_PROBABILITY == 0.995
    assert calibrate(1.0) == 0.998
    assert calibrate(0.9) == 0.995 >= OK_PROBABILITY
    assert calibrate(0.95) == 0.995
    assert calibrate(0.899) == 0.994 < OK_PROBABILITY
    assert calibrate(0.85) < OK_PROBABILITY


def _hit(src: float, raw: str = "12.5") -> Hit:
    cell = Cell(row=1, col=1, text=raw, page=1, confidence=src)
    return Hit(id="x", table="T", row_label="R", column_label=None, kind="value", raw=raw, cell=cell, vtype="number")


def test_value_just_below_threshold_is_review_and_just_above_ok():
    ctx = Context(catalogue={}, edition_year=2025)
    below = field_value(_hit(0.899), ctx)
    assert below.confidence == 0.994 and below.status == "review"
    above = field_value(_hit(0.9), ctx)
    assert above.confidence == 0.995 and above.status == "ok"
    assert field_value(_hit(1.0), ctx).confidence == 0.998


def test_text_just_below_threshold_is_review():
    th = dict(id="t", table="T", row_label="R", column_label=None, heading="R", text="一段文字", limit=None,
              required=False, page=1, score=1.0)
    assert text_value(TextHit(**th, source=0.899), Context(catalogue={}, edition_year=2025)).status == "review"
    ok = text_value(TextHit(**th, source=0.9), Context(catalogue={}, edition_year=2025))
    assert ok.status == "ok" and ok.confidence == 0.995
