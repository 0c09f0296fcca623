"""Rows of the list tables (enterprise / project / platform lists) and their totals (``ListsMixin``).

``list_count`` says how many rows a list gets (more in the messy and long variants), ``gen_list`` draws
them (one method per list table of the five forms), each cell a ``(typed text, truth value)`` pair;
``list_total`` is the value of a list's 合计 cell.
"""
from __future__ import annotations

from gen_common import EDITION, FW_DIGITS, Val, first_year, growth, is_growth_col, label_unit, round2
from gen_places import ListLoc

LONG_LIST_ROWS = 34


def same(s) -> tuple:
    """A text cell: typed and truth value alike."""
    return (s, s)


# list table name(s) -> the ListsMixin method drawing its rows (附表2 / 附表3: ListsMixin.list_maker)
LIST_MAKERS = [
    (("一、集群基本信息",), "rows_partner_cities"),
    (("营业收入排名前十企业发展情况",), "rows_top_revenue"),
    (("2.3 集群重点项目建设情况",), "rows_key_projects"),
    (("省级及以上集群技术创新载体",), "rows_innovation_carriers"),
    (("集群研发投入前十位企业",), "rows_top_rd"),
    (("省级及以上绿色工厂、绿色供应链企业名单", "省级及以上公共服务平台"), "rows_green_or_platforms"),
    (("（一）现有企业库",), "rows_existing_firms"),
    (("（二）拟引进企业库",), "rows_firms_to_attract"),
    (("（三）在建项目库",), "rows_projects_building"),
    (("（四）拟建项目库",), "rows_projects_planned"),
    (("附表1",), "rows_tj_top_firms"),
    (("附表4",), "rows_tj_activities"),
    (("附表5 重点项目组织实施情况及成效",), "rows_tj_key_projects"),
]


class ListsMixin:
    """List rows in ``self.lists`` (one list of row dicts per ``ListLoc``)."""

    # -- list tables ---------------------------------------------------------------
    def list_count(self, name: str, template_rows: int) -> int:
        if self.variant == "messy":
            if name == "营业收入排名前十企业发展情况":
                return 12
            if name == "（三）在建项目库":
                return 6
        if self.variant in ("long", "landscape") and name == "（一）现有企业库":
            return LONG_LIST_ROWS  # a list table crossing pages (PDF samples)
        fixed = {"一、集群基本信息": 2, "2.3 集群重点项目建设情况": 8, "省级及以上集群技术创新载体": 6,
                 "集群研发投入前十位企业": 10, "（一）现有企业库": 8, "（二）拟引进企业库": 3, "（三）在建项目库": 3,
                 "（四）拟建项目库": 3, "附表5 重点项目组织实施情况及成效": 2}
        return fixed.get(name, template_rows)

    def nraw(self, v, dec=2, pct=False) -> str:
        """Typed form of a number inside a list table (sometimes with separators / full-width digits)."""
        s = f"{v:.{dec}f}" if dec else str(int(v))
        r = self.rng.random()
        if abs(v) >= 1000 and r < 0.25:
            s = f"{v:,.{dec}f}" if dec else f"{int(v):,}"
        elif r > 0.95:
            s = s.translate(FW_DIGITS)
        if pct and self.rng.random() < 0.5:
            s += "%"
        return s

    def ym(self, y0: int, y1: int) -> tuple[str, str]:
        y, m = self.rng.randint(y0, y1), self.rng.randint(1, 12)
        return f"{y}年{m}月", f"{y:04d}-{m:02d}"

    def gen_list(self, loc: ListLoc) -> list[dict]:
        """The rows of one list table: {column: (typed text, truth value)} each."""
        name = loc.entry["table"]
        cols = loc.entry["columns"]
        n = self.list_count(name, loc.entry["template_rows"])
        return self.list_maker(name, cols)(name, n, cols)

    def list_maker(self, name: str, cols: list):
        """The ``rows_*`` method drawing the rows of list ``name`` (附表2 / 附表3: two lists each)."""
        if name == "附表2":
            return self.rows_tj_national_platform if cols[0].startswith("国家级") else self.rows_tj_standard
        if name == "附表3":
            return self.rows_tj_training if cols[0].startswith("职业") else self.rows_tj_service_platforms
        for names, method in LIST_MAKERS:
            if name in names:
                return getattr(self, method)
        raise KeyError(name)

    def rows_partner_cities(self, name: str, n: int, cols: list) -> list[dict]:
        """一、集群基本信息."""
        r = self.rng
        sc = self.sc
        T = same
        rows = []
        for city, dept, ac in sc["partners"][:n]:
            ph = f"{ac}-{r.randint(2, 8)}{r.randint(100000, 999999)}"
            em = f"gxj{r.randint(10, 99)}@{r.choice(['163.com', '126.com'])}"
            rows.append({"配合城市": T(city), "部门名称": T(dept), "联系人": T(self.person()), "电话": T(ph), "邮箱": T(em)})
        return rows

    def rows_top_revenue(self, name: str, n: int, cols: list) -> list[dict]:
        """营业收入排名前十企业发展情况."""
        r = self.rng
        prods = self.sc.get("products", ["产品"])
        T = same
        rows = []
        top = self.num_of("集群营收（亿元）", 2024) * r.uniform(0.15, 0.2)
        self.top_companies = []
        for i in range(n):
            a = round2(top * (0.78 ** i) * r.uniform(0.95, 1.05))
            b = round2(a * (1 + r.uniform(-0.06, 0.25)))
            c = self.company()
            self.top_companies.append(c)
            g = growth(a, b)
            rows.append({cols[0]: T(c), cols[1]: (self.nraw(a), a), cols[2]: (self.nraw(b), b),
                         cols[3]: (self.nraw(g, pct=True), g), cols[4]: T("、".join(r.sample(prods, r.randint(1, 3))))})
        return rows

    def rows_key_projects(self, name: str, n: int, cols: list) -> list[dict]:
        """2.3 集群重点项目建设情况."""
        r = self.rng
        prods = self.sc.get("products", ["产品"])
        ed = EDITION[self.tid]
        T = same
        rows = []
        kinds = ["智能化生产线建设项目", "研发中心建设项目", "技术改造项目", "公共服务平台建设项目", "产业化项目", "数字化车间建设项目"]
        for i in range(n):
            inv = r.randint(50, 1500) * 100
            y0 = r.randint(ed - 1, ed)
            rows.append({cols[0]: T(self.company()), cols[1]: T(f"{r.choice(prods)}{r.choice(kinds)}"),
                         cols[2]: (self.nraw(inv, 0), inv),
                         cols[3]: T(f"{y0}.{r.randint(1, 12):02d}—{y0 + r.randint(1, 3)}.{r.randint(1, 12):02d}")})
        return rows

    def rows_innovation_carriers(self, name: str, n: int, cols: list) -> list[dict]:
        """省级及以上集群技术创新载体."""
        r = self.rng
        prods = self.sc.get("products", ["产品"])
        ed = EDITION[self.tid]
        T = same
        rows = []
        kinds = [("国家级", "国家企业技术中心", "国家发展改革委"), ("国家级", "国家工程研究中心", "国家发展改革委"),
                 ("省级", "工程技术研究中心", "湖南省科学技术厅"), ("省级", "企业技术中心", "湖南省工业和信息化厅"),
                 ("省级", "工业设计中心", "湖南省工业和信息化厅"), ("省级", "重点实验室", "湖南省科学技术厅"),
                 ("省级", "制造业创新中心", "湖南省工业和信息化厅")]
        for i in range(n):
            lvl, kind, unit = kinds[i % len(kinds)]
            raw, v = self.ym(2015, ed - 1)
            nm = f"{r.choice(['湖南省', '株洲市', ''])}{r.choice(prods)}{kind}" if lvl == "省级" else f"{r.choice(prods)}{kind}"
            if lvl == "国家级" and kind == "国家企业技术中心":
                nm = f"{self.company()}{kind}"
            rows.append({cols[0]: T(nm), cols[1]: T(lvl), cols[2]: (raw, v), cols[3]: T(unit)})
        return rows

    def rows_top_rd(self, name: str, n: int, cols: list) -> list[dict]:
        """集群研发投入前十位企业."""
        r = self.rng
        T = same
        rows = []
        comps = list(getattr(self, "top_companies", [])) or [self.company() for _ in range(n)]
        top = r.uniform(60000, 90000)
        for i in range(n):
            c = comps[i] if i < len(comps) else self.company()
            a = round2(top * (0.75 ** i) * r.uniform(0.9, 1.1))
            b = round2(a * (1 + r.uniform(0.02, 0.3)))
            g = growth(a, b)
            rows.append({cols[0]: T(c), cols[1]: (self.nraw(a), a), cols[2]: (self.nraw(b), b), cols[3]: (self.nraw(g, pct=True), g)})
        return rows

    def rows_green_or_platforms(self, name: str, n: int, cols: list) -> list[dict]:
        """省级及以上绿色工厂、绿色供应链企业名单 / 省级及以上公共服务平台."""
        r = self.rng
        prods = self.sc.get("products", ["产品"])
        ed = EDITION[self.tid]
        T = same
        rows = []
        for i in range(n):
            lvl = "国家级" if i == 0 else "省级"
            unit = "工业和信息化部" if lvl == "国家级" else "湖南省工业和信息化厅"
            if "绿色" in name:
                nm = self.company() + ("（绿色供应链管理企业）" if i == 2 else "")
            else:
                nm = f"株洲{r.choice(prods)}{r.choice(['检验检测公共服务平台', '工业设计公共服务平台', '中小企业公共服务示范平台'])}"
            raw, v = self.ym(2018, ed - 1)
            rows.append({cols[0]: T(nm), cols[1]: T(lvl), cols[2]: T(unit), cols[3]: (raw, v)})
        return rows

    def rows_existing_firms(self, name: str, n: int, cols: list) -> list[dict]:
        """（一）现有企业库."""
        r = self.rng
        sc = self.sc
        prods = self.sc.get("products", ["产品"])
        T = same
        rows = []
        brands = ["国家专精特新“小巨人”", "国家单项冠军、中国制造业企业500强", "省级专精特新“小巨人”", "无",
                  "国家专精特新“小巨人”、省级单项冠军", "民营企业500强"]
        for i in range(n):
            c = self.company()
            p = r.sample(prods, r.randint(1, 3))
            gs = "是" if i < n - 1 else "否"
            rev = round2(r.uniform(3, 120) if gs == "是" else r.uniform(0.5, 1.8))
            br = brands[i % len(brands)]
            row = {cols[0]: T(c), cols[1]: T(sc["city"]), cols[2]: T(r.choice(sc["counties"])),
                   cols[3]: T(r.choice(sc["parks_list"])),
                   cols[4]: T(f"主要从事{'、'.join(p[:2])}的研发、生产和销售，现有员工{r.randint(80, 3000)}人，拥有有效发明专利{r.randint(5, 120)}项。"),
                   cols[5]: T("、".join(p)), cols[6]: T(gs), cols[7]: (self.nraw(rev), rev),
                   cols[8]: ("无", None) if br == "无" else T(br),
                   cols[9]: T(self.person()), cols[10]: T(self.mobile())}
            rows.append(row)
        return rows

    def rows_firms_to_attract(self, name: str, n: int, cols: list) -> list[dict]:
        """（二）拟引进企业库."""
        r = self.rng
        prods = self.sc.get("products", ["产品"])
        T = same
        rows = []
        specs = [("中国", "广东省", "深圳市"), ("中国", "江苏省", "常州市"), ("德国", "/", "慕尼黑")]
        for i in range(n):
            country, prov, city = specs[i % 3]
            c = self.company(["电气", "智能装备", "新材料", "传动技术"]) if country == "中国" else "Rheinfeld Antriebstechnik GmbH"
            p = r.sample(prods, 2)
            rows.append({cols[0]: T(c), cols[1]: T(country), cols[2]: ("/", None) if prov == "/" else T(prov),
                         cols[3]: T(city), cols[4]: T(f"行业领先的{p[0]}供应商，具有较强的研发和制造能力。"),
                         cols[5]: T("、".join(p)), cols[6]: T("是"),
                         cols[7]: T("是" if country == "中国" else "否"), cols[8]: T("否" if country == "中国" else "是")})
        return rows

    def rows_projects_building(self, name: str, n: int, cols: list) -> list[dict]:
        """（三）在建项目库."""
        r = self.rng
        sc = self.sc
        prods = self.sc.get("products", ["产品"])
        ed = EDITION[self.tid]
        T = same
        rows = []
        for i in range(n):
            p = r.choice(prods)
            y0 = r.randint(ed - 1, ed)
            m0 = r.randint(1, 12)
            raw_s, v_s = f"{y0}年{m0}月", f"{y0:04d}-{m0:02d}"
            inv = round2(r.uniform(1.5, 30))
            rows.append({cols[0]: T(f"{p}{r.choice(['产业化项目', '扩能改造项目', '智能制造基地项目'])}"),
                         cols[1]: T(sc["city"]), cols[2]: T(r.choice(sc["counties"])), cols[3]: T(r.choice(sc["parks_list"])),
                         cols[4]: T(self.company()), cols[5]: (self.nraw(inv), inv),
                         cols[6]: T(f"{y0}—{y0 + r.randint(2, 3)}年"), cols[7]: (raw_s, v_s),
                         cols[8]: T(f"新建厂房{r.randint(2, 9)}万平方米，购置{p}生产及检测设备{r.randint(50, 300)}台（套）。"),
                         cols[9]: T(r.choice(["主体厂房已封顶，设备安装中", f"已完成投资{r.randint(30, 80)}%", "部分产线已投产"])),
                         cols[10]: T(self.person()), cols[11]: T(self.mobile())})
        return rows

    def rows_projects_planned(self, name: str, n: int, cols: list) -> list[dict]:
        """（四）拟建项目库."""
        r = self.rng
        sc = self.sc
        prods = self.sc.get("products", ["产品"])
        ed = EDITION[self.tid]
        T = same
        rows = []
        for i in range(n):
            p = r.choice(prods)
            y0 = ed + 1
            raw_s, v_s = self.ym(y0, y0)
            inv = round2(r.uniform(2, 25))
            rows.append({cols[0]: T(f"{p}{r.choice(['研发及产业化项目', '绿色智能工厂项目', '配套产业园项目'])}"),
                         cols[1]: T(f"{sc['city']}{r.choice(sc['counties'])}"), cols[2]: T(f"{y0}—{y0 + r.randint(1, 3)}年"),
                         cols[3]: (raw_s, v_s), cols[4]: T(self.company()), cols[5]: (self.nraw(inv), inv),
                         cols[6]: T(f"建设{p}生产线{r.randint(1, 4)}条及配套设施。"),
                         cols[7]: T(self.person()), cols[8]: T(self.mobile())})
        return rows

    def rows_tj_top_firms(self, name: str, n: int, cols: list) -> list[dict]:
        """附表1."""
        r = self.rng
        prods = self.sc.get("products", ["产品"])
        T = same
        rows = []
        top = r.uniform(180, 320)
        for i in range(n):
            s = round2(top * 0.72 ** i)
            share = round2(r.uniform(2, 15) * 0.8 ** i)
            raw = f"{share:.2f}%" if r.random() < 0.7 else f"{share:.2f}"
            rows.append({cols[0]: T(self.company()), cols[1]: (self.nraw(s), s), cols[2]: T("、".join(r.sample(prods, 2))),
                         cols[3]: (raw, share)})
        return rows

    def rows_tj_national_platform(self, name: str, n: int, cols: list) -> list[dict]:
        """附表2, the national platforms list (first column 国家级…)."""
        T = same
        rows = []
        rows.append({cols[0]: T("国家先进计算产业创新中心"), cols[1]: T(self.company())})
        return rows

    def rows_tj_standard(self, name: str, n: int, cols: list) -> list[dict]:
        """附表2, the standards list."""
        T = same
        rows = []
        rows.append({cols[0]: T("GB/T 39680—2020 信息安全技术 服务器安全技术要求和测评准则"), cols[1]: T(self.company())})
        return rows

    def rows_tj_training(self, name: str, n: int, cols: list) -> list[dict]:
        """附表3, the vocational training list (first column 职业…)."""
        r = self.rng
        T = same
        rows = []
        k = r.randint(6, 20) * 100
        rows.append({cols[0]: T("天津滨海职业学院信创产业学院"), cols[1]: T("信创软件开发与运维"), cols[2]: (self.nraw(k, 0), k)})
        return rows

    def rows_tj_service_platforms(self, name: str, n: int, cols: list) -> list[dict]:
        """附表3, the service platforms list."""
        r = self.rng
        T = same
        rows = []
        for i, (pn, nat) in enumerate([("国家信创产品适配验证中心（天津）", "是"), ("滨海新区信创软件测试公共服务平台", "否")][:n]):
            rows.append({cols[0]: T(pn), cols[1]: T(nat), cols[2]: T(self.company()),
                         cols[3]: T(r.choice(["产品适配验证、性能测试", "软件测评、安全检测", "技术咨询、人才培训"]))})
        return rows

    def rows_tj_activities(self, name: str, n: int, cols: list) -> list[dict]:
        """附表4."""
        r = self.rng
        T = same
        rows = []
        acts = [("信创产业供需对接会", "组织整机、软件企业与用户单位对接", "促成合作意向{}项"),
                ("信创技术沙龙", "围绕操作系统、数据库适配开展技术交流", "参与企业{}家"),
                ("信创人才培训班", "面向中小企业开展信创运维培训", "培训人员{}人次"),
                ("京津冀信创产业合作论坛", "推动京津冀产业链协同", "签约项目{}个")]
        for a, b, c in acts[:n]:
            rows.append({cols[0]: T(a), cols[1]: T(b), cols[2]: T(c.format(r.randint(12, 300)))})
        return rows

    def rows_tj_key_projects(self, name: str, n: int, cols: list) -> list[dict]:
        """附表5 重点项目组织实施情况及成效."""
        r = self.rng
        prods = self.sc.get("products", ["产品"])
        ed = EDITION[self.tid]
        T = same
        rows = []
        for i in range(n):
            plan = r.randint(20, 400) * 100
            done = int(plan * r.uniform(0.2, 0.8) // 100 * 100)
            y0 = r.randint(ed - 1, ed)
            rows.append({cols[0]: T(f"{r.choice(prods)}{r.choice(['研发及产业化项目', '适配验证平台建设项目'])}"),
                         cols[1]: T(self.company()), cols[2]: T(f"建成{r.choice(prods)}生产及测试能力，年产能提升{r.randint(20, 60)}%。"),
                         cols[3]: (self.nraw(plan, 0), plan), cols[4]: (self.nraw(done, 0), done),
                         cols[5]: T(f"已完成投资{int(done / plan * 100)}%，主体工程建设中，预计{y0 + 1}年底投产。"),
                         cols[6]: T(f"{y0}.{r.randint(1, 12):02d}—{y0 + 2}.{r.randint(1, 12):02d}"),
                         cols[7]: ("/", None) if i == 1 else T("市级重点项目")})
        return rows

    def list_total(self, lists, f, period) -> Val:
        i = next(i for i, l in enumerate(lists) if l.entry["table"] == f["table"])
        rows, cols = self.lists[i], lists[i].entry["columns"]
        col = f["column_label"]
        unit = label_unit(col)
        if is_growth_col(col):
            ycols = [c for c in cols if first_year(c)]
            a = round2(sum(r[ycols[0]][1] for r in rows))
            b = round2(sum(r[ycols[-1]][1] for r in rows))
            g = growth(a, b)
            return Val(None, g, unit="%", period=period, num=g, vtype="percent")
        vals = [r[col][1] for r in rows if col in r]
        if vals and all(isinstance(x, (int, float)) for x in vals):
            s = sum(vals)
            s = int(s) if all(isinstance(x, int) for x in vals) else round2(s)
            return Val(None, s, unit=unit, period=period, num=s, vtype="count" if isinstance(s, int) else "amount")
        return Val(self.rng.choice(["—", "/"]), None, unit=None, period=None, empty=True, vtype="empty")
