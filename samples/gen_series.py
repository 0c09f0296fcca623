"""Numeric indicator series of one document (``SeriesMixin`` of ``Gen``).

Every row label (without its year) is a series: ``profile`` gives its kind and range from the label,
``level`` draws its value in the year before the edition and extends it year by year with the profile's
growth (seeded, cached), ``shown`` rounds it as typed.  ``num_of`` applies the links between rows
(aliases, growth rates of an amount row, derived shares and intensities, ``derived``); ``period_of`` gives
the year a place refers to.
"""
from __future__ import annotations

import re

from gen_common import COUNT_UNITS, EDITION, first_year, growth, is_growth_col, round2


def fixed_profiles(s: float) -> list:
    """(pattern, profile) tried first; ``s`` scales the amounts of the smaller forms."""
    return [
        (r"能耗降低率|下降率", ("rate", 2.5, 8.0)),
        (r"增速|增长率|增幅", ("rate", 6.0, 22.0)),
        (r"研发投入强度|R&D", ("pct", 1.8, 3.8, 0.05, 0.2)),
        (r"研发人员占", ("pct", 8, 15, 0.2, 0.8)),
        (r"利用率", ("pct", 78, 92, 0.3, 1.2)),
        (r"普及率|上云比例", ("pct", 35, 58, 2, 6)),
        (r"比例|比重", ("pct", 35, 72, 0.4, 1.8)),
        (r"二氧化碳排放", ("dec", 0.55, 1.35, -0.08, -0.03)),
        (r"能耗", ("dec", 0.18, 0.52, -0.07, -0.02)),
        (r"每万人", ("amt", 15, 45, 0.08, 0.15)),
        (r"万人", ("amt", 1.2, 9.5, 0.03, 0.08)),
        (r"劳动生产率", ("amt", 120, 260, 0.04, 0.09)),
        (r"开发面积|（亩）", ("cnt", 18000, 45000, 0.02, 0.06)),
        (r"占地面积", ("amt", 12, 60, 0.0, 0.0)),
        (r"办公场所面积", ("cnt", 600, 1500, 0.0, 0.0)),
        (r"投资强度", ("amt", 380, 560, 0.02, 0.05)),
        (r"亩均税收", ("amt", 28, 55, 0.03, 0.08)),
        (r"盟市工业总产值", ("amt", 2800, 4200, 0.05, 0.1)),
        (r"园区生产总值", ("amt", 220 * s, 450 * s, 0.06, 0.12)),
        (r"工业软件采购金额", ("amt", 900, 3500, 0.1, 0.25)),
        (r"引导基金", ("amt", 30, 120, 0.1, 0.3)),
    ]


def keyword_profile(key: str, u: str, s: float) -> tuple | None:
    """Amount / head-count profiles chosen by keyword (and the unit printed), else None."""
    if re.search(r"外资|外商直接投资", key):
        if u == "亿美元":
            return ("amt", 1.5, 6.0, 0.03, 0.15)
        if u == "万元":
            return ("amt", 8000, 30000, 0.03, 0.15)
        return ("amt", 5, 20, 0.03, 0.15)
    if re.search(r"进出口|出口", key):
        if u == "万元":
            return ("amt", 60000, 200000, 0.05, 0.18)
        return ("amt", 12 * s, 50 * s, 0.05, 0.18)
    if re.search(r"研发经费|研发投入", key):
        return ("amt", 15 * s, 38 * s, 0.08, 0.18)
    if re.search(r"利润", key):
        return ("amt", 30 * s, 70 * s, 0.05, 0.15)
    if re.search(r"税金|税收", key):
        return ("amt", 15 * s, 45 * s, 0.04, 0.12)
    if re.search(r"投资|招商引资", key):
        return ("amt", 80 * s, 260 * s, 0.08, 0.2)
    if re.search(r"产值|营收|营业收入|生产总值|销售收入", key):
        return ("amt", 420 * s, 900 * s, 0.08, 0.16)
    if re.search(r"研发人员数量", key):
        return ("cnt", 1200, 3000, 0.06, 0.12)
    if re.search(r"从业人员", key):
        return ("cnt", int(30000 * min(s, 1) + 12000), int(90000 * min(s, 1) + 15000), 0.03, 0.08)
    return None


# (pattern, (lo, hi, glo, ghi)) of the count rows
COUNT_PROFILES = [
    (r"上市辅导期", (1, 3, 0.0, 0.5)),
    (r"企业数量（个，提供现有企业库）|^集群企业数量|^企业数量", (280, 650, 0.05, 0.12)),
    (r"规上|规模以上|规模工业", (110, 260, 0.04, 0.1)),
    (r"高新技术", (50, 150, 0.08, 0.15)),
    (r"上市", (3, 12, 0.05, 0.25)),
    (r"国家级单项冠军|国家级制造业单项冠军|^制造业单项冠军", (1, 4, 0.0, 0.34)),
    (r"单项冠军", (3, 12, 0.05, 0.2)),
    (r"小巨人", (4, 15, 0.1, 0.25)),
    (r"专精特新", (25, 80, 0.1, 0.25)),
    (r"创新型中小企业", (50, 160, 0.1, 0.25)),
    (r"两化融合", (12, 40, 0.1, 0.2)),
    (r"优质", (25, 60, 0.1, 0.2)),
    (r"发明专利", (150, 450, 0.1, 0.2)),
    (r"PCT", (15, 90, 0.1, 0.2)),
    (r"标准", (8, 30, 0.1, 0.2)),
    (r"国家科技进步奖", (0, 0, 0.0, 0.0)),
    (r"科技进步奖", (2, 7, 0.1, 0.3)),
    (r"国家级(技术创新载体|工业设计中心|产业公共服务平台|公共服务平台)", (1, 6, 0.0, 0.3)),
    (r"技术创新载体|工业设计中心|公共服务平台|创新载体", (8, 40, 0.05, 0.2)),
    (r"绿色工厂", (4, 20, 0.1, 0.3)),
    (r"供应链", (2, 8, 0.1, 0.3)),
    (r"智能工厂|5G工厂|优秀场景|工业互联网平台|二级节点", (2, 12, 0.1, 0.3)),
    (r"人才计划", (3, 15, 0.1, 0.2)),
    (r"人才项目", (15, 60, 0.1, 0.2)),
    (r"专职工作人员", (8, 20, 0.0, 0.1)),
    (r"活动数量", (30, 80, 0.05, 0.2)),
    (r"龙头企业数量", (12, 35, 0.05, 0.2)),
    (r"院士", (2, 6, 0.0, 0.2)),
]


class SeriesMixin:
    """Series cached in ``self.cache``; uses ``self.rng``, ``self.tid``, ``self.scale``, ``self.bases``."""

    # -- numeric series ----------------------------------------------------
    def profile(self, key: str, unit: str | None):
        """(kind, lo, hi, glo, ghi) for a row label (base label without years)."""
        s = self.scale
        u = unit or ""
        key = re.split(r"/(?![^（(]*[）)])", key.split("|")[0])[-1]
        for pat, prof in fixed_profiles(s):
            if re.search(pat, key):
                return prof
        prof = keyword_profile(key, u, s)
        if prof is not None:
            return prof
        for pat, (lo, hi, glo, ghi) in COUNT_PROFILES:
            if re.search(pat, key):
                return ("cnt", lo, hi, glo, ghi)
        if u in COUNT_UNITS or "数量" in key:
            return ("cnt", 5, 30, 0.05, 0.2)
        return ("amt", 10, 100, 0.05, 0.15)

    def level(self, key: str, year: int, unit: str | None = None) -> float:
        """Unrounded level of series `key` in `year` (years as in the original template).

        The level is drawn in the profile's range for the year before the edition
        and extended forwards / backwards with the profile's yearly growth."""
        ser = self.cache.get(key)
        if ser is None:
            prof = self.profile(key, unit)
            kind = prof[0]
            anchor = EDITION[self.tid] - 1
            vals = {} if kind == "rate" else {anchor: self.rng.uniform(prof[1], prof[2])}
            ser = {"kind": kind, "prof": prof, "vals": vals}
            self.cache[key] = ser
        vals = ser["vals"]
        if ser["kind"] == "rate":
            if year not in vals:
                vals[year] = self.rng.uniform(ser["prof"][1], ser["prof"][2])
            return vals[year]
        kind, lo, hi, glo, ghi = ser["prof"]
        while max(vals) < year:
            y = max(vals)
            prev, g = vals[y], self.rng.uniform(glo, ghi)
            if kind == "cnt":
                nxt = max(prev * (1 + g), prev)
            elif kind == "pct":
                nxt = min(prev + g, 99.0)
            else:
                nxt = prev * (1 + g)
            vals[y + 1] = nxt
        while min(vals) > year:
            y = min(vals)
            nxt, g = vals[y], self.rng.uniform(glo, ghi)
            if kind == "pct":
                prev = max(nxt - g, 0.5)
            else:
                prev = nxt / (1 + g)
            vals[y - 1] = prev
        return vals[year]

    def shown(self, key: str, year: int, unit=None) -> float:
        """The rounded value as typed in the form."""
        kind = self.cache[key]["kind"] if key in self.cache else self.profile(key, unit)[0]
        v = self.level(key, year, unit)
        return int(round(v)) if kind == "cnt" else round2(v)

    # -- labels -> period / unit -------------------------------------------
    HEADING_PERIOD = {("gx-amc-2025", "1.共性目标"): 2026}
    ALIAS = {"集群营业收入（亿元）": "集群营收（亿元）", "集群规模工业企业（个）": "规上工业企业数量（个，需在现有企业库中注明）",
             "集群利润（亿元）": "利润总额（亿元）", "集群上交税金（亿元）": "税金总额（亿元）"}

    def period_of(self, f: dict, table_years: dict) -> int | None:
        """Year the value refers to (original, unshifted years)."""
        col, rl, tab = f["column_label"], f["row_label"], f["table"]
        if col and is_growth_col(col):
            ys = table_years.get(tab)
            return max(ys) if ys else None
        y = first_year(col)
        if y:
            return y
        if col == "上一年实际值":
            return EDITION[self.tid]
        m = re.search(r"/((?:19|20)\d{2})年$", rl)
        if m:
            return int(m.group(1))
        if "上年度" in rl:
            return EDITION[self.tid] - 1
        if (self.tid, tab) in self.HEADING_PERIOD:
            return self.HEADING_PERIOD[(self.tid, tab)]
        return first_year(tab)

    @staticmethod
    def base_label(f: dict) -> tuple[str, str]:
        rl = re.sub(r"/((?:19|20)\d{2})年$", "", f["row_label"])
        col = f["column_label"] or ""
        sub = col.split("/", 1)[1] if "/" in col and first_year(col.split("/")[0]) else ""
        return rl, sub


    # -- numeric values --------------------------------------------------------
    RATE_BASE = {"集群主导产业产值增速（%）": "集群总产值（亿元）",
                 "集群中小企业研发经费增速（%）": "集群中小企业研发经费总额（亿元）"}

    def rate_base(self, rl: str) -> str | None:
        if rl in self.RATE_BASE and self.RATE_BASE[rl] in self.bases:
            return self.RATE_BASE[rl]
        for a, b in (("增速（%）", "（亿元）"), ("增长率（%）", "（万元）"), ("增速（%）", "总额（亿元）"), ("增长率（%）", "（亿元）")):
            if a in rl:
                cand = rl.replace(a, b)
                if cand in self.bases:
                    return cand
        return None

    def num_of(self, key: str, year: int, unit=None):
        """Typed (rounded) number for base label `key` in `year`, applying links and derivations."""
        k = self.ALIAS.get(key, key)
        d = self.derived(k, year)
        if d is not None:
            return d
        prof = self.profile(k, unit)
        if prof[0] == "rate":
            base = self.rate_base(k)
            if base:
                return growth(self.num_of(base, year - 1), self.num_of(base, year))
        return self.shown(k, year, unit)

    def derived(self, k: str, y: int):
        n = self.num_of
        if k == "其中：集群中小企业数量（年度当前值）":
            return int(round(n("集群企业数量（年度当前值）", y) * 0.955))
        if k in ("集群上云中小企业数量", "集群接入工业互联网平台的中小企业数量"):
            share = self.level("@cloud" if "上云" in k else "@iip", y, None)
            return int(round(n("其中：集群中小企业数量（年度当前值）", y) * share / 100))
        if k == "集群中小企业上云比例（%）":
            return round2(n("集群上云中小企业数量", y) / n("其中：集群中小企业数量（年度当前值）", y) * 100)
        if k == "集群中小企业工业互联网平台应用普及率（%）":
            return round2(n("集群接入工业互联网平台的中小企业数量", y) / n("其中：集群中小企业数量（年度当前值）", y) * 100)
        if k == "集群营收（亿元）" and "集群产值（亿元）" in self.bases:
            f = self.cache.setdefault("@rev", self.rng.uniform(0.93, 1.02))
            return round2(n("集群产值（亿元）", y) * f)
        if k == "集群规上企业R&D经费支出占集群营业收入比重（%）":
            return round2(n("集群研发经费（亿元）", y) * 0.85 / n("集群营收（亿元）", y) * 100)
        if k == "集群中小企业研发投入强度（%）":
            return round2(n("集群中小企业研发经费总额（亿元）", y) / n("集群总产值（亿元）", y) * 100)
        if k == "集群中小企业研发经费总额（亿元）":
            return round2(n("集群总产值（亿元）", y) * self.level("@rdint", y, None) / 100)
        if k == "集群规上企业研发投入强度（%）":
            return round2(n("集群规上企业研发投入总额（亿元）", y) / n("集群总产值（亿元）", y) * 100)
        if k == "集群规上企业研发投入总额（亿元）":
            return round2(n("集群总产值（亿元）", y) * self.level("@rdint", y, None) / 100)
        if k == "近三年集群主导产业产值年均增速（%）":
            a, b = n("集群总产值（亿元）", y - 3), n("集群总产值（亿元）", y)
            return round2(((b / a) ** (1 / 3) - 1) * 100)
        if k == "近三年集群单位产值能耗降低率（%）":
            e = "近三年集群单位产值能耗（吨标准煤/万元）"
            a, b = n(e, y - 2), n(e, y)
            return round2((a - b) / a * 100)
        if k == "集群每万人有效发明专利拥有量":
            return round2(self.patents() / n("集群产业从业人员数量", y) * 10000)
        if k == "集群中小企业从业人员每万人有效发明专利拥有量":
            return round2(self.patents() / n("集群中小企业从业人员数量", y) * 10000)
        return None

    def patents(self) -> int:
        if "@patents" not in self.cache:
            self.cache["@patents"] = self.rng.randint(150, 420) if self.tid == "gx-sme-2024" else self.rng.randint(350, 800)
        return self.cache["@patents"]

    def profile_pre(self):
        """Fixed shares used by derived values."""
        self.cache["@cloud"] = {"kind": "pct", "prof": ("pct", 0, 0, 3, 7), "vals": {2019: self.rng.uniform(30, 42)}}
        self.cache["@iip"] = {"kind": "pct", "prof": ("pct", 0, 0, 2, 5), "vals": {2019: self.rng.uniform(18, 28)}}
        self.cache["@rdint"] = {"kind": "pct", "prof": ("pct", 0, 0, 0.05, 0.2), "vals": {2019: self.rng.uniform(1.8, 2.6)}}
