"""Shared constants and small helpers of the sample generator (``samples/generate.py``).

The five template ids and their edition years, the fonts and tick glyphs typed into the forms, label
helpers (comparison form, years, the unit printed in a label), the rounding / growth rule every
consistency check of the truth relies on, and ``Val``: one drawn value (raw text as typed, value of the
truth, unit, period, status ...).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TEMPLATE_IDS = ["gx-amc-2025", "prov-cluster-2025", "nm-amc-2024", "gx-sme-2024", "tj-amc-2025"]
EDITION = {"gx-amc-2025": 2025, "prov-cluster-2025": 2025, "nm-amc-2024": 2024, "gx-sme-2024": 2024,
           "tj-amc-2025": 2025}

SONG, KAI, HEI, FANG, YAHEI = "宋体", "楷体", "黑体", "仿宋_GB2312", "微软雅黑"
LATIN = "Times New Roman"
TICKS = ["☑", "■", "√", "✓", "✔", "☒"]
EMPTY_MARKS = ["无", "/", "—"]

FW_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
YEAR_RE = re.compile(r"(?<!\d)(20[2][0-9])(?!\d)")


def norm(s: str | None) -> str:
    """Label comparison form: no whitespace, no colons."""
    if s is None:
        return ""
    return re.sub(r"[\s：:]", "", s)


def nonl(s: str) -> str:
    """Without line breaks."""
    return s.replace("\n", "")


def shift_years(s, n: int):
    """Every year 2020–2029 in ``s`` moved by ``n`` (the next-year edition)."""
    if s is None or n == 0:
        return s
    return YEAR_RE.sub(lambda m: str(int(m.group(1)) + n), s)


def first_year(s: str | None) -> int | None:
    """The first year (19xx / 20xx) in a label, else None."""
    if not s:
        return None
    m = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", s)
    return int(m.group(1)) if m else None


UNIT_WORDS = ["吨二氧化碳/万元", "吨标准煤/万元", "吨/万元", "万元/亩", "万元/人", "人/年", "亿美元", "亿元", "万元",
              "万人", "平方公里", "㎡", "亩", "%", "个", "家", "名", "件", "次", "位", "人"]


def label_unit(label: str | None) -> str | None:
    """The unit printed in a label: the first parenthesised group that starts with a unit."""
    if not label:
        return None
    for grp in re.findall(r"[（(]([^（）()]*)[）)]", label):
        head = re.split(r"[，,、]", grp)[0].strip()
        if head in UNIT_WORDS:
            return head
    return None


@dataclass
class Val:
    """One drawn value: ``raw`` as typed (None until ``Gen.style`` formats a number), ``value`` for the truth."""
    raw: str | None
    value: object = None
    unit: str | None = None
    period: int | None = None
    empty: bool = False
    status: str = "ok"
    chosen: list | None = None  # check: chosen option indices
    glyph: str | None = None
    text: str | None = None  # narrative text
    num: float | None = None  # numeric value used for growth / totals
    vtype: str = "text"


COUNT_UNITS = {"个", "家", "名", "件", "次", "位", "人", "亩", "㎡"}
GROWTH_COL = re.compile(r"增幅")


def is_growth_col(col: str | None) -> bool:
    """A 增幅 column (its cells are the growth of their row)."""
    return bool(col and GROWTH_COL.search(col))


def round2(x: float) -> float:
    """Rounded to 2 decimals as typed (through the formatted string)."""
    return float(f"{x:.2f}")


def growth(a, b):
    """Growth in percent from ``a`` to ``b``, rounded to 2 decimals; None when ``a`` is 0 or missing."""
    if a is None or b is None or a == 0:
        return None
    return round2((b - a) / a * 100)
