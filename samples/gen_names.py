"""Names, contacts, dates and narratives drawn for one document (``NamesMixin`` of ``Gen``).

People and companies are unique within a document; a group (e.g. 集群促进组织) keeps its lead, contact and
phone wherever they are asked again; signature dates follow each other by a few days; 佐证页码 grow; a
narrative is a shuffle of its category's sentences within the label's length limit.
"""
from __future__ import annotations

from gen_common import Val, shift_years
from gen_scenarios import BRANDS, COMPANY_SUFFIX, GIVEN, NARR, SURNAMES, narr_category, narr_limit


class NamesMixin:
    """Draws with ``self.rng`` from ``self.sc`` (the scenario); keeps ``self.people`` / ``self.group_people``."""

    # -- names ------------------------------------------------------------
    def person(self) -> str:
        while True:
            n = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if n not in self.people:
                self.people.add(n)
                return n

    def group_person(self, group: str, role: str) -> str:
        k = (group, role)
        if k not in self.group_people:
            self.group_people[k] = self.person()
        return self.group_people[k]

    def company(self, words=None) -> str:
        words = words or self.sc.get("words", ["科技"])
        pre = self.rng.choice([self.sc.get("short", ""), self.sc.get("short", ""), ""])
        while True:
            w, suf = self.rng.choice(words), self.rng.choice(COMPANY_SUFFIX)
            if w.endswith(("科技", "技术")) and suf.startswith("科技"):
                suf = "有限公司"
            n = pre + self.rng.choice(BRANDS) + w + suf
            if n not in self.people:
                self.people.add(n)
                return n

    def landline(self) -> str:
        ac = self.sc["area_code"]
        digits = 8 if ac in ("022", "0731") else 7
        return f"{ac}-{self.rng.randint(2, 8)}{self.rng.randint(10 ** (digits - 2), 10 ** (digits - 1) - 1)}"

    def mobile(self) -> str:
        return "1" + self.rng.choice(["38", "39", "37", "58", "86", "77", "35", "50"]) + f"{self.rng.randint(0, 99999999):08d}"

    def email(self) -> str:
        box = self.rng.choice(["office", "xch", "cyk", "gxj", "jqb", "zhaoshang", "cluster", "service"])
        if self.rng.random() < 0.35:
            return f"{box}{self.rng.randint(10, 999)}@{self.rng.choice(['163.com', '126.com', 'qq.com'])}"
        return f"{box}@{self.sc['email_dom']}"

    def phone_val(self, raw: str) -> str:
        return raw.replace(" ", "")

    def pages(self) -> Val:
        self.page += self.rng.randint(1, 4)
        raw = f"P{self.page}" if self.rng.random() < 0.8 else f"P{self.page}-{self.page + 1}"
        if raw.count("-"):
            self.page += 1
        return Val(raw, raw, vtype="pages")

    def date(self, day=True) -> tuple[str, str]:
        """Signature dates follow each other by a few days; 申报时间 is the month after the first one."""
        import datetime as _dt
        if not hasattr(self, "_d"):
            self._d = _dt.date(self.ed, 3, self.rng.randint(2, 12))
        if not day:
            d = self._d + _dt.timedelta(days=30)
            return f"{d.year}年{d.month}月", f"{d.year:04d}-{d.month:02d}"
        self._d += _dt.timedelta(days=self.rng.randint(1, 6))
        d = self._d
        return f"{d.year}年{d.month}月{d.day}日", d.isoformat()

    # -- narratives -------------------------------------------------------
    def narrative(self, label: str, col: str | None = None) -> str:
        cat = narr_category(label, col)
        limit = narr_limit(label)
        if cat == "opinion":
            limit = 80
        sents = list(NARR[cat])
        self.rng.shuffle(sents)
        fmt = dict(self.sc, **self.nums)
        want = self.rng.randint(2, 5)
        out = ""
        for s in sents:
            s = s.format(**fmt)
            if len(out) + len(s) > limit:
                continue
            out += s
            want -= 1
            if want == 0:
                break
        return shift_years(out, self.shift)


    def contact_phone(self, group: str) -> str:
        k = ("phone", group)
        if k not in self.group_people:
            self.group_people[k] = self.mobile()
        return self.group_people[k]
