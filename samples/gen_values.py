"""The value of each single place (``ValuesMixin`` of ``Gen``).

Text places (names, contacts, addresses, page references ... by row label), cover lines, check boxes
(single / multi choice, tick glyph), fill-ins (数量 / 名称 / ``____个``), numbers of indicator rows, the
special cells (``X/X/X/X``, gx-sme's target table typed with units) and the explicit empties of each form.
"""
from __future__ import annotations

import re

from gen_common import EDITION, TICKS, Val, first_year, is_growth_col, label_unit, round2
from gen_places import Cand


def text_of(s: str) -> Val:
    """A text place: typed as is, the truth without surrounding blanks."""
    return Val(s, s.strip(), vtype="text")


class ValuesMixin:
    """Per-place values; numbers through ``SeriesMixin.num_of``, names through ``NamesMixin``."""

    # -- per place ---------------------------------------------------------------
    EMPTIES = {
        "gx-amc-2025": [(r"^个性目标4$", None, "无")],
        "prov-cluster-2025": [(r"集群内中小企业产值占集群总产值的比重", None, "/")],
        "nm-amc-2024": [(r"^制造业单项冠军企业数量$", "2021年", "无")],
        "gx-sme-2024": [(r"国家级制造业单项冠军企业数量", None, "—"), (r"上市辅导期", "2022年", "无")],
        "tj-amc-2025": [(r"工业互联网标识解析二级节点", None, "无")],
    }
    SLOT_ROWS = {"共有企业": "企业数量（个，提供现有企业库）", "上市企业": "与主导产业相关的上市和挂牌企业数量（个，需在现有企业库中注明，同时提供佐证）",
                 "制造业单项冠军": "与主导产业相关的国家级单项冠军数量（个，需提供佐证）",
                 "专精特新“小巨人”": "与主导产业相关的国家级专精特新“小巨人”企业数量（个，需提供佐证）",
                 "规上工业企业": "规上工业企业数量（个，需在现有企业库中注明）",
                 "高新技术企业": "与主导产业相关的高新技术企业数量（个，需在现有企业库中注明）"}

    # -- text values ---------------------------------------------------------
    def text_val(self, f: dict, occ: int) -> Val | None:
        """Text places by the last part of their row label (``group/label``); None for the numbers."""
        rl, col = f["row_label"], f["column_label"]
        last = rl.split("/")[-1] if "/" in rl and not re.search(r"（[^）]*/", rl) else rl
        group = rl.rsplit("/", 1)[0] if "/" in rl else f"#{occ}"
        if "/联系人/" in rl:  # tj: contact sub-rows
            group = rl.split("/联系人/")[0]
        return self.text_cluster(last) or self.text_contact(rl, last, group, occ) or self.text_other(rl, col, last)

    def text_cluster(self, last: str) -> Val | None:
        """Cluster name, industry, cities, parks, region."""
        sc = self.sc
        T = text_of
        if re.fullmatch(r"集群名称：?(（.*）)?", last) or last == "集群名称":
            return T(sc["cluster"])
        if last == "产业领域":
            return T(sc.get("sector", sc["industry"]))
        if last == "申报城市":
            return T(sc["cities"])
        if last == "承载园区":
            return T(sc["parks"])
        if last == "申报类别":
            return T("先进制造业集群")
        if last == "集群主导产业":
            return T(sc["industry"])
        if last in ("集群地域范围", "实施范围"):
            return T(sc["region"])
        return None

    def text_contact(self, rl: str, last: str, group: str, occ: int) -> Val | None:
        """Organisations, people, titles, departments, addresses, phones, e-mails of a contact block."""
        sc = self.sc
        T = text_of
        g_is_gov = bool(re.search(r"工业和信息化部门|组织单位|#1", group)) or self.tid in ("nm-amc-2024", "gx-sme-2024") and occ == 1
        if self.tid == "tj-amc-2025" and "组织单位" in group:
            g_is_gov = True
        lead_title = {"gov": "局长" if "工业" in sc["gov"] else "副区长", "org": "会长"}
        contact_title = {"gov": "科长", "org": "秘书长"}
        gk = "gov" if g_is_gov else "org"
        if last in ("单位名称", "机构名称"):
            if "园区" in group:
                return T(sc["park"] + "管理委员会")
            return T(sc["gov"] if g_is_gov else sc["org"])
        if last == "负责人":
            return T(self.group_person(group, "lead"))
        if last == "负责人姓名、职务":
            return T(f"{self.group_person(group, 'lead')} {'主任' if '园区' in group else '会长'}")
        if last == "联系人姓名、职务":
            return T(f"{self.group_person(group, 'contact')} {'副主任' if '园区' in group else '秘书长'}")
        if last == "职务":
            if "联系人" in rl or occ == 2:
                return T(contact_title[gk])
            return T(lead_title[gk])
        if last == "联系人":
            return T(self.group_person(group, "contact"))
        if last == "所在部门":
            return T(self.rng.choice(["产业发展科", "规划发展科", "工业发展科"]) if g_is_gov else "综合服务部")
        if last in ("通信地址",):
            return T(sc["street"] if g_is_gov else sc.get("street2", sc["street"]))
        if last in ("邮编",):
            return Val(sc["postcode"], sc["postcode"], vtype="postcode")
        if re.search(r"电话|联系方式|传真", last):
            if last == "联系方式" or (last == "电话" and occ == 2):
                raw = self.contact_phone(group)
                return Val(raw, self.phone_val(raw), vtype="phone")
            if "移动" in last:
                raw = self.mobile()
            elif "固定" in last or "传真" in last:
                raw = self.landline()
            else:
                raw = self.mobile() if self.rng.random() < 0.5 else self.landline()
            if len(raw) == 11 and self.rng.random() < 0.25:
                raw = f"{raw[:3]} {raw[3:7]} {raw[7:]}"
            return Val(raw, self.phone_val(raw), vtype="phone")
        if re.search(r"电子邮箱|E-mail", last):
            raw = self.email()
            return Val(raw, raw, vtype="email")
        return None

    def text_other(self, rl: str, col: str | None, last: str) -> Val | None:
        """Park, page references, organisation names, individual goals, qualitative targets."""
        sc = self.sc
        T = text_of
        if last == "园区名称":
            return T(sc["park"])
        if last == "园区主导产业":
            return T(sc["industry"])
        if rl.startswith("是否为国/省级绿色园区"):
            return T("是")
        if last == "佐证页码" or (col and "佐证" in col):
            return self.pages()
        if last == "集群促进组织名称":
            return T(sc["org"])
        if last == "编制牵头单位":
            return T(sc["gov"])
        if last in ("盟市工业和信息化主管部门", "县级行政区划中小企业主管部门"):
            return T(sc["gov"])
        if last == "集群运营管理机构":
            return T(sc["org"])
        if re.fullmatch(r"个性目标\d", last):
            goals = {"个性目标1": f"新能源汽车产量达到{self.rng.randint(70, 95)}万辆",
                     "个性目标2": f"本地配套率提高到{self.rng.randint(55, 70)}%",
                     "个性目标3": f"建成省级以上创新平台{self.rng.randint(8, 15)}个"}
            if last in goals:
                return T(goals[last])
            return None  # 个性目标4: explicit empty, see EMPTIES
        if last == "定性描述":
            if "开放合作" in rl:
                s = "与东盟国家陶瓷产区建立稳定合作机制" if col and "基准" in col else "主导产品出口覆盖30个以上国家和地区"
            else:
                s = "建立集群发展促进机构，公共服务平台5个" if col and "基准" in col else "公共服务平台达到8个，服务企业500家次/年"
            return T(s)
        return None

    def explicit_empty(self, f: dict) -> str | None:
        for pat, col, mark in self.EMPTIES.get(self.tid, []):
            if re.search(pat, f["row_label"]) and (col is None or f["column_label"] == col):
                return mark
        return None

    def cover_val(self, f: dict) -> Val:
        rl, col = f["row_label"], f["column_label"]
        sc = self.sc
        T = lambda s: Val(s, s, vtype="text")  # noqa: E731
        if rl == "集群名称":
            return T(sc["cluster"])
        if rl in ("集群促进组织", "集群促进组织名称", "集群运营管理机构"):
            return T(sc["org"])
        if rl == "集群核心承载园区":
            return T(sc["park"])
        if rl == "申报时间":
            raw, v = self.date(day=self.rng.random() < 0.3)
            return Val(raw, v, vtype="date")
        if rl == "联系人及联系电话":
            grp = "集群促进组织" if self.tid == "prov-cluster-2025" else "#1"
            who = self.group_person(grp, "contact")
            ph = self.contact_phone(grp)
            raw = f"{who} {ph}"
            return T(raw)
        if rl == "所属地区（盟市）":
            return T(sc["city"])
        if rl == "所属地区":
            return T(sc["city"].rstrip("市") if col == "市" else sc["county"])
        if "主管部门" in rl:
            return T(sc["gov"])
        raise KeyError(rl)

    def check_val(self, f: dict, cand: Cand) -> Val:
        opts, rl = f["options"], f["row_label"]
        multi = bool(re.search(r"已开展|已提供", rl))
        if multi:
            k = self.rng.randint(2, max(2, len(opts) - 1))
            idx = sorted(self.rng.sample(range(len(opts)), min(k, len(opts))))
            value = [opts[i] for i in idx]
        else:
            if rl.startswith("主导产业所属产业类型"):
                pref = "第二产业"
            elif re.search(r"是否属于|是否发生|是否存在", rl):
                pref = "否"
            elif "高用水" in rl:
                pref = opts[-1]
            elif "高耗能" in rl:
                pref = "是" if self.tid == "gx-sme-2024" else opts[-1]
            else:
                pref = "是"
            if cand.opts_n < len(opts):  # "□是  (否": only the first option has a box
                pref = opts[0]
            i = next(i for i, o in enumerate(opts) if o == pref or o.startswith(pref))
            idx, value = [i], opts[i]
        g = self.rng.choice(TICKS)
        return Val(g, value, chosen=idx, glyph=g, vtype="choices" if multi else "choice")

    FILLIN_NAMES = {
        "nm-amc-2024": {
            "国家制造业创新中心": ["国家稀土功能材料创新中心", "白云鄂博稀土资源研究与综合利用国家重点实验室"],
            "省级制造业创新中心": ["内蒙古稀土永磁材料工程技术研究中心", "内蒙古稀土催化材料重点实验室", "自治区稀土储氢材料企业技术中心"],
            "其他平台": ["包头稀土研究院分析测试中心", "包头稀土产业知识产权运营中心"],
        },
        "gx-sme-2024": {
            "国家制造业创新中心": [],
            "省级制造业创新中心": ["广西日用陶瓷工程技术研究中心", "广西陶瓷产品质量检验检测中心"],
            "其他平台名称": ["北流市陶瓷产品设计中心", "北流陶瓷釉料研发中心", "玉林师范学院陶瓷研究所北流工作站"],
            "国家级试点示范": ["北流日用陶瓷智能制造示范工厂"],
            "省级试点示范": ["陶瓷窑炉数字化改造示范项目", "日用陶瓷工业互联网应用示范项目"],
            "其他试点示范": ["北流陶瓷电商直播基地"],
            "国家级绿色制造": ["北流三环陶瓷有限公司（国家级绿色工厂）"],
            "省级绿色制造": ["北流仁达瓷业有限公司（自治区级绿色工厂）", "北流市陶瓷产业园（自治区级绿色园区）"],
            "其他绿色制造": ["北流华鑫陶瓷有限公司（绿色设计产品）"],
            "产业联盟": ["北流市陶瓷协会", "广西日用陶瓷产业联盟", "北流市陶瓷电子商务协会"],
            "国家级中小企业公共服务": ["北流市中小企业公共服务平台"],
            "省级中小企业公共服务": ["北流市陶瓷产业公共服务中心", "玉林市中小企业服务中心北流分中心"],
            "其他中小企业公共服务": ["北流陶瓷电商孵化基地"],
        },
    }

    def fillin_names(self, rl: str) -> list[str]:
        for key, names in self.FILLIN_NAMES.get(self.tid, {}).items():
            if key in rl:
                return names
        return []

    def fillin_val(self, f: dict, cand: Cand) -> Val:
        rl, col = f["row_label"], f["column_label"]
        if cand.ctype == "suffix":
            if "E-mail" in rl:
                raw = self.email()
                return Val(raw, raw, vtype="email")
            return Val(self.sc["postcode"], self.sc["postcode"], vtype="postcode")
        if cand.ctype == "single":
            n = self.patents() if "发明专利" in rl else self.rng.randint(3, 12)
            self.cache.setdefault("@fillin:" + rl, n)
            return Val(str(n), n, unit="个", num=n, vtype="count")
        names = self.fillin_names(rl)
        if col == "数量":
            return Val(str(len(names)), len(names), unit="个", num=len(names), vtype="count")
        if not names:
            return Val("无", None, empty=True, vtype="text")
        raw = "、".join(names)
        return Val(raw, raw, vtype="text")

    def numeric(self, f: dict, occ: int, period: int | None) -> Val:
        rl_base, sub = self.base_label(f)
        unit = label_unit(f["column_label"]) or label_unit(f["row_label"])
        year = period or (EDITION[self.tid] - 1)
        key = rl_base + (f"|{sub}" if sub else "") + (f"#{occ}" if occ > 1 else "")
        if sub in ("主持数量", "参与数量") and key not in self.cache:
            lo, hi = {"国际": (0, 1), "国家": (1, 3), "行业": (2, 5), "团体": (2, 6)}.get(rl_base.split("/")[-1], (1, 4))
            if sub == "参与数量":
                lo, hi = lo + 1, hi * 2
            self.cache[key] = {"kind": "cnt", "prof": ("cnt", lo, hi, 0.0, 0.35), "vals": {2019: self.rng.uniform(lo, hi)}}
        if sub == "其中：集群产业":
            tot = self.num_of(rl_base + "|园区总额", year, unit)
            share = self.cache.setdefault("@share:" + rl_base, self.rng.uniform(0.45, 0.7))
            v = int(round(tot * share)) if isinstance(tot, int) else round2(tot * share)
        else:
            v = self.num_of(key, year, unit)
        kind = self.cache[self.ALIAS.get(key, key)]["kind"] if self.ALIAS.get(key, key) in self.cache else self.profile(key, unit)[0]
        if unit == "%" or kind in ("pct", "rate"):
            vt = "percent"
        elif isinstance(v, int) and kind == "cnt":
            vt = "count"
        else:
            vt = "amount"
        return Val(None, v, unit=unit, period=period, num=v, vtype=vt)

    def special_value(self, f: dict, occ: int, period) -> Val | None:
        rl, col = f["row_label"], f["column_label"]
        if rl.startswith("领航级/卓越级/先进级/基础级智能工厂") and col and not is_growth_col(col) and first_year(col):
            if "@smart" not in self.cache:
                a = [0, self.rng.randint(1, 2), self.rng.randint(3, 5), self.rng.randint(7, 12)]
                b = [a[0], a[1] + self.rng.randint(0, 1), a[2] + self.rng.randint(1, 2), a[3] + self.rng.randint(2, 4)]
                self.cache["@smart"] = {2024: a, 2025: b}
            parts = self.cache["@smart"][first_year(col)]
            raw = "/".join(map(str, parts))
            return Val(raw, raw, unit="个", period=period, num=sum(parts), vtype="text")
        if f["table"] == "1.三年总体目标":
            return self.target_value(f, period)
        return None

    def target_value(self, f: dict, period) -> Val | None:
        """gx-sme 八: baseline / 2027 target table (typed with units)."""
        rl, col = f["row_label"], f["column_label"]
        base = col.startswith("2024")
        y = 2024
        n = self.num_of
        if rl.endswith("近三年集群产值年均增速"):
            v = n("近三年集群主导产业产值年均增速（%）", y) if base else 12.0
            return Val(f"{v:.2f}%", v, unit="%", period=period, num=v, vtype="percent")
        if rl.endswith("优质中小企业数量"):
            b = n("主导产业相关的省级专精特新中小企业数量（年度当前值）", y) + n("主导产业相关的国家级专精特新“小巨人”企业数量（年度当前值）", y)
            v = b if base else int(round(b * 1.5))
            return Val(f"{v}家", v, unit="家", period=period, num=v, vtype="count")
        if rl.endswith("研发经费投入"):
            b = n("集群中小企业研发经费总额（亿元）", y)
            v = b if base else round2(b * 1.38)
            return Val(f"{v:.2f}亿元", v, unit="亿元", period=period, num=v, vtype="amount")
        if rl.endswith("有效发明专利数量"):
            v = self.patents() if base else int(round(self.patents() * 1.55))
            return Val(f"{v}件", v, unit="件", period=period, num=v, vtype="count")
        if rl.endswith("工业互联网普及率"):
            b = n("集群中小企业工业互联网平台应用普及率（%）", y)
            v = b if base else round2(min(b + 15, 95))
            return Val(f"{v:.2f}%", v, unit="%", period=period, num=v, vtype="percent")
        if rl.endswith("二氧化碳排放量"):
            b = round2(n("近三年集群单位产值二氧化碳排放量（吨二氧化碳/万元）", y) * n("集群总产值（亿元）", y))
            v = b if base else round2(b * 0.9)
            return Val(f"{v:.2f}万吨", v, unit="万吨", period=period, num=v, vtype="amount")
        if rl.endswith("单位工业产值能耗"):
            b = n("近三年集群单位产值能耗（吨标准煤/万元）", y)
            v = b if base else round2(b * 0.9)
            return Val(f"{v:.2f}吨标准煤/万元", v, unit="吨标准煤/万元", period=period, num=v, vtype="amount")
        return None
