"""``Gen``: the seeded draw of every value of one document.

Combines the names, series, per-place values and list mixins; ``gen_all`` draws the list rows, then the
direct value of each place in document order, then the values that depend on others (slots, 合计 rows,
增幅 columns), and finally chooses how numbers are typed (``style`` / ``fmt``: thousands separators,
full-width digits, units, ``%``).
"""
from __future__ import annotations

import random

from gen_common import EDITION, FW_DIGITS, Val, first_year, growth, is_growth_col, label_unit
from gen_lists import ListsMixin
from gen_names import NamesMixin
from gen_places import ListLoc, Place
from gen_scenarios import SCENARIOS
from gen_series import SeriesMixin
from gen_values import ValuesMixin


def table_years(places: list[Place]) -> dict:
    """Table → the years of its value columns (the later one is the period of its 增幅 cells)."""
    tab_years: dict = {}
    for p in places:
        y = first_year(p.f["column_label"])
        if y and p.f["kind"] == "value":
            tab_years.setdefault(p.f["table"], set()).add(y)
    return tab_years


class Gen(NamesMixin, SeriesMixin, ValuesMixin, ListsMixin):
    """Produces a Val for every place and the rows of every list table."""

    def __init__(self, tid: str, rng: random.Random, variant: str, shift: int = 0):
        self.tid, self.rng, self.variant, self.shift = tid, rng, variant, shift
        self.ed = EDITION[tid] + shift  # edition year as printed in the document
        self.sc = dict(SCENARIOS[tid])
        self.cache: dict = {}
        self.people: set = set()
        self.group_people: dict = {}
        self.page = rng.randint(6, 14)
        self.vals: dict = {}
        self.scale = {"gx-sme-2024": 0.18, "nm-amc-2024": 0.9}.get(tid, 1.0)
        r = rng
        self.nums = dict(n1=r.randint(120, 260), n2=r.randint(12, 40), n3=r.randint(3, 9), n4=r.randint(60, 180),
                         n5=r.randint(8, 20), n6=r.randint(20, 40), n7=r.randint(41, 60),
                         p1=r.randint(45, 70), p2=f"{r.uniform(2.1, 3.6):.2f}")
        self.nums["v1"] = int(r.uniform(420, 900) * self.scale)
        self.nums["v2"] = int(self.nums["v1"] * r.uniform(1.3, 1.6))
        products = list(self.sc.get("products", ["产品"]))
        r.shuffle(products)
        self.nums.update(product1=products[0], product2=products[1])

    # -- everything ---------------------------------------------------------------
    CONFLICTS = {"prov-cluster-2025": [("2.1 集群主要经济指标", "税金总额（亿元）", "2024年"),
                                       ("3.1 园区主要经济指标", "园区实际使用外资（亿元）", "2025年/园区总额")]}
    DIRECT_KINDS = ("cover", "check", "fillin", "signature", "narrative")

    def gen_all(self, places: list[Place], lists: list[ListLoc]) -> dict:
        """The value of every place ({id(place): Val}) and the list rows (``self.lists``)."""
        self.profile_pre()
        self.bases = {self.base_label(p.f)[0] for p in places if p.f["kind"] == "value"}
        tab_years = table_years(places)
        list_names = {l.entry["table"] for l in lists}
        self.lists = [self.gen_list(l) for l in lists]
        conflicts = set(self.CONFLICTS.get(self.tid, [])) if self.variant == "messy" else set()
        out: dict = {}
        pending = []
        for p in places:
            f, k = p.f, p.f["kind"]
            if k not in self.DIRECT_KINDS and (
                    k == "slot" or (f["table"] in list_names and f["row_label"] == "") or is_growth_col(f["column_label"])):
                pending.append(p)
                continue
            out[id(p)] = self.direct_val(p, tab_years, conflicts)
        by_row: dict = {}
        for p in places:
            by_row.setdefault((p.f["table"], p.f["row_label"]), []).append(p)
        for p in pending:
            out[id(p)] = self.dependent_val(p, places, lists, list_names, out, by_row, tab_years)
        self.style(out)
        return out

    def direct_val(self, p: Place, tab_years: dict, conflicts: set) -> Val:
        """The value of a place that depends on no other place."""
        f, k = p.f, p.f["kind"]
        period = self.period_of(f, tab_years) if k == "value" else None
        if k == "cover":
            return self.cover_val(f)
        if k == "check":
            return self.check_val(f, p.cand)
        if k == "fillin":
            return self.fillin_val(f, p.cand)
        if k == "signature":
            raw, d = self.date()
            return Val(raw, d, vtype="date")
        if k == "narrative":
            return Val(None, text=self.narrative(f["row_label"], f["column_label"]), vtype="narrative")
        mark = self.explicit_empty(f)
        v = self.special_value(f, p.occ, period) or self.text_val(f, p.occ)
        if mark:
            unit = label_unit(f["column_label"]) or label_unit(f["row_label"])
            v = Val(mark, None, unit=unit, period=period, empty=True, vtype="empty")
        elif v is None:
            v = self.numeric(f, p.occ, period)
        if v.vtype in ("text", "phone", "email", "postcode", "pages") and not v.num:
            v.period = None
        if (f["table"], f["row_label"], f["column_label"]) in conflicts:
            rl_base, sub = self.base_label(f)
            key = rl_base + (f"|{sub}" if sub else "")
            w = int(round(self.level(key, period, "亿元") * 10000))
            v = Val(f"{w}万元", w / 10000, unit="亿元", period=period, num=w / 10000, status="review", vtype="amount")
        return v

    def dependent_val(self, p: Place, places, lists, list_names, out: dict, by_row: dict, tab_years: dict) -> Val:
        """The value of a slot (from 2.2), a 合计 cell of a list, or a 增幅 cell (from its row's values)."""
        f = p.f
        period = self.period_of(f, tab_years) if f["kind"] == "value" else None
        if f["kind"] == "slot":
            src = next(q for q in places if q.f["row_label"] == self.SLOT_ROWS[f["row_label"]] and q.f["column_label"] == "2025年")
            n = out[id(src)].num
            return Val(str(n), n, unit="个", num=n, vtype="count")
        if f["table"] in list_names and f["row_label"] == "":
            return self.list_total(lists, f, period)
        sibs = [q for q in by_row[(f["table"], f["row_label"])] if first_year(q.f["column_label"])
                and not is_growth_col(q.f["column_label"])]
        if any("园区总额" in (q.f["column_label"] or "") for q in sibs):
            sibs = [q for q in sibs if "园区总额" in q.f["column_label"]]
        sibs.sort(key=lambda q: first_year(q.f["column_label"]))
        a, b = out[id(sibs[0])].num, out[id(sibs[-1])].num
        g = growth(a, b)
        if g is None:
            return Val(self.rng.choice(["—", "/"]), None, unit="%", period=period, empty=True, vtype="empty")
        return Val(None, g, unit="%", period=period, num=g, vtype="percent")

    def style(self, out: dict):
        """Choose how the drawn numbers are typed: a few with thousands separators, full-width digits, units."""
        nums = [v for v in out.values() if v.raw is None and v.vtype in ("amount", "count", "percent")]
        order = list(nums)
        self.rng.shuffle(order)
        styles: dict = {}
        big = [v for v in order if abs(v.value) >= 1000]
        for v in big[:3]:
            styles[id(v)] = "thousands"
        rest = [v for v in order if id(v) not in styles]
        for v in rest[:3]:
            styles[id(v)] = "fullwidth"
        rest = [v for v in order if id(v) not in styles and v.unit in ("亿元", "万元", "%", "个", "家", "亿美元", "人")]
        for v in rest[:4]:
            styles[id(v)] = "unit"
        for v in nums:
            v.raw = self.fmt(v, styles.get(id(v), "plain"))

    def fmt(self, v: Val, style: str) -> str:
        """The typed text of number ``v`` in ``style`` (``%`` added to half the percentages)."""
        x = v.value
        if v.vtype == "count":
            s = f"{x:,}" if style == "thousands" else str(x)
        else:
            s = f"{x:,.2f}" if style == "thousands" else f"{x:.2f}"
        if style == "fullwidth":
            s = s.translate(FW_DIGITS)
        if style == "unit" and v.unit:
            s += v.unit
        elif v.vtype == "percent" and self.rng.random() < 0.5:
            s += "%"
        return s
