#!/usr/bin/env python3
"""Generate filled-in sample application forms (.docx) with ground truth.

    python samples/generate.py --out samples/docx [--seed N] [--templates DIR]

For every blank template in /work/shared/templates (override with
``--templates``) this script edits a COPY of the blank .docx with python-docx,
types realistic, internally consistent values into every fillable place listed
in ``<id>.fields.json`` and writes, per output document, ``<name>.docx`` and
``<name>.docx.truth.json``.  Output is deterministic for a given seed.

Documents produced (see samples/README.md):

* ``<id>-filled.docx`` for each of the five templates: a clean but realistic
  fill (explicit empties, varying tick glyphs, thousands separators,
  full-width digits, units typed into cells, percentages with/without ``%``);
* ``prov-cluster-2025-messy.docx``: extra list rows, deleted guidance
  paragraphs, changed fonts, a value typed in a conflicting unit, a list
  table split into two Word tables;
* ``gx-sme-2024-nextyear.docx``: next year's edition (every year 2020–2029 in
  the document shifted by +1 before filling).

The generator is independent of the ``extractor`` package: it locates places
through the declarative template specs (template_specs.py / form_dsl.py /
build_templates.layout_rows, imported from the templates folder) and aligns
them, in document order, with the entries of ``<id>.fields.json``.
"""
from __future__ import annotations

import argparse
import copy
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
import variants  # noqa: E402  (samples/variants.py: the fault-family layout variants)
DEFAULT_TEMPLATES = HERE.parent.parent / "shared" / "templates"

TEMPLATE_IDS = ["gx-amc-2025", "prov-cluster-2025", "nm-amc-2024", "gx-sme-2024", "tj-amc-2025"]
EDITION = {"gx-amc-2025": 2025, "prov-cluster-2025": 2025, "nm-amc-2024": 2024, "gx-sme-2024": 2024,
           "tj-amc-2025": 2025}

SONG, KAI, HEI, FANG, YAHEI = "宋体", "楷体", "黑体", "仿宋_GB2312", "微软雅黑"
LATIN = "Times New Roman"
TICKS = ["☑", "■", "√", "✓", "✔", "☒"]
EMPTY_MARKS = ["无", "/", "—"]

# filled in by load_specs()
UP = C = Table = P = Fill = Break = None
layout_rows = None
TEMPLATES = None


def load_specs(tdir: Path):
    """Import form_dsl / template_specs / build_templates from the templates folder."""
    global UP, C, Table, P, Fill, Break, layout_rows, TEMPLATES
    sys.path.insert(0, str(tdir))
    import form_dsl  # noqa: E402
    import template_specs  # noqa: E402
    import build_templates  # noqa: E402

    UP, C, Table, P, Fill, Break = form_dsl.UP, form_dsl.C, form_dsl.Table, form_dsl.P, form_dsl.Fill, form_dsl.Break
    layout_rows = build_templates.layout_rows
    TEMPLATES = template_specs.TEMPLATES


# ==========================================================================
# Small text helpers
# ==========================================================================

FW_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
YEAR_RE = re.compile(r"(?<!\d)(20[2][0-9])(?!\d)")


def norm(s: str | None) -> str:
    """Label comparison form: no whitespace, no colons."""
    if s is None:
        return ""
    return re.sub(r"[\s：:]", "", s)


def nonl(s: str) -> str:
    return s.replace("\n", "")


def shift_years(s, n: int):
    if s is None or n == 0:
        return s
    return YEAR_RE.sub(lambda m: str(int(m.group(1)) + n), s)


def first_year(s: str | None) -> int | None:
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


# ==========================================================================
# Places: candidates found through the spec, aligned with fields.json
# ==========================================================================


@dataclass
class Cand:
    kinds: tuple
    labels: list
    ctype: str = ""  # E H Hnarr box check qty name single suffix sigdate sigtext cover slot para
    mode: str = "end"  # end | start | title
    col: str | None = None  # required column_label (qty/name/cover with several blanks)
    cell: object = None  # docx _Cell
    para: object = None  # docx Paragraph
    index: int = 0  # blank / slot / box index inside its paragraph or cell
    size: float = 10.5
    spec_text: str = ""
    opts_n: int = 0


@dataclass
class Place:
    f: dict  # fields.json entry
    occ: int
    cand: Cand


@dataclass
class ListLoc:
    entry: dict
    table: object  # docx Table
    header_rows: list
    data_rows: list  # spec row indices
    total_row: int | None
    cols: list  # grid column per list column
    numcol: int | None  # grid column holding 序号 (or None)
    size: float = 10.5
    ti: int = 0


def classify(cell) -> str | None:
    if cell is None:
        return None
    if cell.role == "title":
        return "title"
    if cell.role == "diag":
        return None
    if cell.role == "hint":
        return "H"
    t = cell.text
    if cell.nested is not None:
        return "box"
    if cell.role == "left" and cell.height > 0:
        return "box"
    if t == "":
        return "E"
    if "□" in t:
        return "check"
    if "数量：" in t:
        return "qty"
    if re.match(r"^\s+个", t):
        return "single"
    if t.strip() in ("E-mail：", "邮编："):
        return "suffix"
    if re.search(r"年\s+月\s+日", t):
        return "sig"
    return None


def find_lists(spec_tables, docx_tables, list_entries):
    """Locate each list table of fields.json in the spec tables (header match)."""
    locs = []
    used = set()
    for ent in list_entries:
        want = ent["columns"]
        found = None
        for ti, (spec, dt) in enumerate(zip(spec_tables, docx_tables)):
            ncols = len(spec.widths)
            placed = layout_rows(spec.rows, ncols)
            for r in range(len(placed)):
                # candidate header rows r (and r+1 for two-level headers)
                lab = {}
                for p in placed[r]:
                    if p.cell is None or classify(p.cell) is not None:
                        continue
                    c = p.cell
                    lab[p.col] = (c.text.split("\n")[-1] if c.role == "diag" else nonl(c.text), p.span)
                hrows = [r]
                if r + 1 < len(placed) and any(q.cell is None for q in placed[r + 1]):
                    sub = [q for q in placed[r + 1] if q.cell is not None]
                    if sub and all(classify(q.cell) is None for q in sub):
                        hrows.append(r + 1)
                        parents = set()
                        kids = {}
                        for q in sub:
                            parent = next((c0 for c0, (t0, s0) in lab.items() if c0 <= q.col < c0 + s0), None)
                            if parent is not None:
                                parents.add(parent)
                                kids[q.col] = (lab[parent][0] + "/" + nonl(q.cell.text), q.span)
                        for c0 in parents:
                            del lab[c0]
                        lab.update(kids)
                by_text = {t: c0 for c0, (t, s) in lab.items()}
                if not all(w in by_text for w in want):
                    continue
                if (ti, r) in used:
                    continue
                cols = [by_text[w] for w in want]
                start = hrows[-1] + 1
                data, total = [], None
                for rr in range(start, len(placed)):
                    prow = placed[rr]
                    first = prow[0]
                    ftxt = first.cell.text if first.cell is not None else None
                    if ftxt == "合计":
                        total = rr
                        break
                    ok = True
                    for c0 in cols:
                        q = next((q for q in prow if q.col == c0), None)
                        if q is None or q.cell is None or classify(q.cell) not in ("E", "H"):
                            ok = False
                    if not ok:
                        break
                    data.append(rr)
                numcol = None
                for p in placed[r]:
                    if p.cell is not None and p.cell.text == "序号":
                        numcol = p.col
                found = ListLoc(ent, dt, hrows, data, total, cols, numcol, spec.font_size, ti)
                used.add((ti, r))
                break
            if found:
                break
        if not found:
            raise RuntimeError(f"list table not found: {ent['table']} {want}")
        locs.append(found)
    return locs


class Walker:
    """Walk spec blocks and docx body in parallel, emitting candidates in document order."""

    def __init__(self, blocks, doc, list_rows):
        self.blocks = blocks
        self.doc = doc
        self.list_rows = list_rows  # {(table_index, row)} spec rows to skip
        self.cands: list[Cand] = []

    def run(self):
        paras = self.doc.paragraphs
        tables = self.doc.tables
        pi = ti = 0
        prev_table = False
        heading = ""
        for b in self.blocks:
            if isinstance(b, Table):
                if prev_table:
                    pi += 1
                self.table(b, tables[ti], ti, title=heading)
                ti += 1
                prev_table = True
                continue
            prev_table = False
            if isinstance(b, Break):
                pi += 1
            elif isinstance(b, Fill):
                self.fill(b, paras[pi])
                pi += 1
            elif isinstance(b, P):
                blines = b.text.split("\n")
                for k, line in enumerate(blines):
                    par = paras[pi]
                    assert par.text == line, (par.text, line)
                    self.pline(b.kind, line, par, paras, pi)
                    if line.strip():
                        heading = line
                    pi += 1
        return self.cands

    # -- paragraphs ------------------------------------------------------
    def fill(self, fill, par):
        texts = [x for x in fill.parts if isinstance(x, str)]
        nblank = sum(1 for x in fill.parts if isinstance(x, int))
        k = 0
        for i, part in enumerate(fill.parts):
            if isinstance(part, int):
                after = fill.parts[i + 1] if i + 1 < len(fill.parts) and isinstance(fill.parts[i + 1], str) else None
                self.cands.append(Cand(("cover",), [texts[0]], mode="start", ctype="cover",
                                       col=after if nblank > 1 else None, para=par, index=k))
                k += 1

    def pline(self, kind, line, par, paras, pi):
        # slots: XX / XXX / …… counts inside a sentence
        for k, m in enumerate(re.finditer(r"X{2,}|……", line)):
            before = line[: m.start()]
            lab = re.split(r"[，,（(、]", before)[-1]
            self.cands.append(Cand(("slot",), [lab], mode="slot", ctype="slot", para=par, index=k))
        # narrative written after a heading (or after the guidance line under it)
        if kind not in ("h2", "body"):
            return
        anchor = par
        if kind == "h2" and pi + 1 < len(paras) and paras[pi + 1].text.startswith("（"):
            anchor = paras[pi + 1]
        self.cands.append(Cand(("narrative",), [line], mode="start", ctype="para", para=anchor))

    # -- tables ----------------------------------------------------------
    def table(self, spec, dt, ti, title, nested_key=None):
        ncols = len(spec.widths)
        placed = layout_rows(spec.rows, ncols)
        key = nested_key if nested_key is not None else ti
        for r, prow in enumerate(placed):
            if (key, r) in self.list_rows:
                continue
            for i, p in enumerate(prow):
                cell = p.cell
                if cell is None:
                    continue
                ct = classify(cell)
                if ct is None:
                    continue
                if ct == "title":
                    title = cell.text.split("\n")[0]
                    continue
                left = None
                for j in range(i - 1, -1, -1):
                    q = prow[j]
                    qc = q.cell if q.cell is not None else next(
                        x.cell for x in placed[q.origin_row] if x.col == q.col)
                    if classify(qc) is None:
                        left = qc.text.split("\n")[-1] if qc.role == "diag" else qc.text
                        break
                dcell = dt.cell(r, p.col)
                base = dict(cell=dcell, size=spec.font_size, spec_text=cell.text)
                labels = [left]
                if ct == "E":
                    self.cands.append(Cand(("value",), labels, ctype="E", **base))
                elif ct == "H":
                    self.cands.append(Cand(("value", "narrative"), labels, ctype="H", **base))
                elif ct == "box":
                    self.cands.append(Cand(("narrative",), [left, title], ctype="box", **base))
                    if cell.nested is not None:
                        self.table(cell.nested, dcell.tables[0], ti, title=cell.text.split("\n")[-1],
                                   nested_key=(ti, r, p.col))
                elif ct == "check":
                    intro = cell.text.split("□")[0]
                    intro = intro.strip().rstrip("：:")
                    self.cands.append(Cand(("check",), [left, intro or None], ctype="check",
                                           opts_n=cell.text.count("□"), **base))
                elif ct == "qty":
                    self.cands.append(Cand(("fillin",), labels, ctype="qty", col="数量", **base))
                    self.cands.append(Cand(("fillin",), labels, ctype="name", col="名称", **base))
                elif ct == "single":
                    self.cands.append(Cand(("fillin",), labels, ctype="single", **base))
                elif ct == "suffix":
                    self.cands.append(Cand(("fillin",), [cell.text.strip()], ctype="suffix", **base))
                elif ct == "sig":
                    lines = [x for x in cell.text.split("\n") if x.strip()]
                    labs = [lines[0].strip().rstrip("：:") if lines else None, title]
                    # the label of a signature box may also be the line right before the date
                    labs += [x.strip().rstrip("：:") for x in lines[:-1]]
                    self.cands.append(Cand(("signature",), labs, ctype="sigdate", **base))
                    self.cands.append(Cand(("narrative",), labs, ctype="sigtext", **base))


def label_ok(cand: Cand, f: dict) -> bool:
    rl = f["row_label"]
    nrl = norm(rl)
    if cand.col is not None and f.get("column_label") != cand.col:
        return False
    if cand.ctype in ("qty", "name") and f.get("column_label") not in ("数量", "名称"):
        return False
    for lab in cand.labels:
        if lab is None:
            continue
        nl = norm(lab)
        if rl == "" and nl == "合计":
            return True
        if not nl or re.fullmatch(r"[\d.…]+", nl):
            continue
        if cand.mode == "start":
            if nl.startswith(nrl) and nrl:
                return True
        elif cand.mode == "slot":
            if nl == nrl:
                return True
        elif nrl.endswith(nl):
            return True
    return False


def align(cands: list[Cand], fields: list[dict]) -> list[Place]:
    places = []
    j = 0
    for c in cands:
        if j >= len(fields):
            break
        f = fields[j]
        if f["kind"] in c.kinds and label_ok(c, f):
            if c.ctype == "H":
                c.ctype = "H" if f["kind"] == "value" else "Hnarr"
            places.append(Place(f, 0, c))
            j += 1
    if j < len(fields):
        raise RuntimeError(f"could not place field #{j}: {fields[j]}")
    # occurrence among identical (table, row_label, column_label)
    seen: dict = {}
    for pl in places:
        k = (pl.f["table"], pl.f["row_label"], pl.f["column_label"])
        seen[k] = seen.get(k, 0) + 1
        pl.occ = seen[k]
    return places


# ==========================================================================
# Scenario data: names, organisations, narrative sentences
# ==========================================================================

SURNAMES = list("王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = ["伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "霞", "刚", "建国", "建华", "志强",
         "志明", "海涛", "晓东", "晓燕", "红梅", "卫东", "振华", "国庆", "立新", "宏伟", "文杰", "思远", "俊峰", "春雷",
         "德胜", "永刚", "雪梅", "少华", "泽宇", "雅婷", "海燕", "明辉", "国栋", "建军", "丽娟", "学文", "云飞", "宇航",
         "嘉怡", "志刚", "晓峰", "文静", "颖", "鹏", "斌", "婷", "慧敏", "玉洁", "长青", "光明", "晨", "瑞"]
BRANDS = ["华腾", "恒泰", "众联", "瑞丰", "鼎盛", "宏远", "金桥", "天成", "博瑞", "精诚", "启明", "海纳", "德润", "锦程",
          "泰和", "新锐", "嘉禾", "汇通", "安达", "永盛", "卓越", "元丰", "华拓", "凯信", "同创", "兴华", "鑫源", "晨光"]
COMPANY_SUFFIX = ["有限公司", "股份有限公司", "集团有限公司", "科技有限公司"]

SCENARIOS = {
    "gx-amc-2025": dict(
        city="柳州市", short="柳州", province="广西壮族自治区", cluster="柳州市新能源汽车及零部件产业集群",
        industry="新能源汽车", sector="汽车制造业（36）", area_code="0772", postcode="545001", mobile_pre="139772",
        email_dom="lzauto.org.cn", gov="柳州市工业和信息化局", org="柳州市新能源汽车产业发展促进会",
        park="柳州高新技术产业开发区", street="柳州市城中区三中路68号", street2="柳州市柳东新区新柳大道136号",
        cities="柳州市（牵头）、桂林市、玉林市", parks="柳州高新技术产业开发区、柳东新区汽车产业园、桂林经济技术开发区",
        partners=[("桂林市", "桂林市工业和信息化局", "0773"), ("玉林市", "玉林市工业和信息化局", "0775")],
        words=["汽车", "汽车零部件", "新能源科技", "动力系统", "精工", "汽车电子"],
        products=["新能源乘用车", "动力电池系统", "驱动电机", "汽车线束", "车身冲压件", "底盘系统", "热管理系统", "汽车座椅",
                  "电控系统", "智能座舱"]),
    "prov-cluster-2025": dict(
        city="株洲市", short="株洲", province="湖南省", cluster="株洲市先进轨道交通装备集群", industry="轨道交通装备",
        sector="铁路、船舶、航空航天和其他运输设备制造业（37）", area_code="0731", postcode="412001", mobile_pre="138731",
        email_dom="zzrail.org.cn", gov="株洲市人民政府", org="株洲市轨道交通装备产业协会",
        park="株洲高新技术产业开发区", street="株洲市天元区黄河南路355号", street2="株洲市石峰区田心大道18号",
        region="株洲市石峰区、天元区、荷塘区、芦淞区", counties=["石峰区", "天元区", "荷塘区", "芦淞区"],
        parks_list=["田心高科园", "株洲高新区天元园", "董家塅高科园", "荷塘工业集中区"],
        words=["轨道交通装备", "电力机车", "机电", "精密传动", "电气", "新材料"],
        products=["牵引变流器", "城轨车辆", "动车组", "轨道工程机械", "齿轮传动系统", "牵引电机", "制动系统", "减振元件",
                  "IGBT模块", "车载信号设备"]),
    "nm-amc-2024": dict(
        city="包头市", short="包头", province="内蒙古自治区", cluster="包头市稀土新材料产业集群", industry="稀土新材料",
        area_code="0472", postcode="014030", mobile_pre="139472", email_dom="btre.org.cn", gov="包头市工业和信息化局",
        org="包头稀土产业发展促进会", park="包头稀土高新技术产业开发区", street="包头市稀土高新区黄河大街45号",
        words=["稀土", "磁材", "新材料", "稀土功能材料", "永磁科技"],
        products=["钕铁硼永磁材料", "稀土抛光粉", "稀土储氢合金", "稀土催化材料", "高纯稀土金属", "稀土荧光材料"]),
    "gx-sme-2024": dict(
        city="玉林市", short="北流", county="北流", province="广西壮族自治区", cluster="广西北流市日用陶瓷产业",
        industry="日用陶瓷", area_code="0775", postcode="537400", mobile_pre="137775", email_dom="blceramic.cn",
        gov="北流市工业和信息化局", org="北流市陶瓷产业园管理委员会", park="北流市日用陶瓷产业园",
        street="北流市城北二路68号", city_gov="玉林市工业和信息化局",
        words=["陶瓷", "瓷业", "日用瓷", "陶瓷科技", "窑业"],
        products=["日用陶瓷餐具", "釉下彩瓷", "骨质瓷", "酒店用瓷", "工艺瓷", "陶瓷釉料"]),
    "tj-amc-2025": dict(
        city="天津市", short="滨海", province="天津市", cluster="滨海新区信息技术应用创新集群", industry="信息技术应用创新",
        sector="计算机、通信和其他电子设备制造业（39）", area_code="022", postcode="300457", mobile_pre="138220",
        email_dom="tjxinchuang.org.cn", gov="天津市滨海新区人民政府", org="天津市滨海新区信创产业协会",
        park="天津滨海高新技术产业开发区", street="天津市滨海新区第三大街19号", street2="天津市滨海新区海泰发展六道6号",
        region="滨海新区（天津经济技术开发区、滨海高新区、天津港保税区）",
        words=["信息技术", "计算机", "软件", "信创科技", "电子", "数据"],
        products=["服务器", "操作系统", "数据库", "信创整机", "网络安全设备", "工业软件", "CPU", "存储设备"]),
}

NARR = {
    "overview": [
        "{cluster}以{industry}为主导产业，集聚规上企业{n1}家，2024年实现产值{v1}亿元，产业规模位居{province}前列。",
        "集群已形成从关键材料、核心零部件到整机集成的较完整产业链，{product1}、{product2}等产品市场占有率稳步提升。",
        "集群主要分布在{park}及周边园区，龙头企业带动作用明显，中小企业配套协作紧密。",
        "对标国家先进制造业集群，集群在高端人才、原始创新和品牌影响力方面仍有差距，下一步将重点补齐短板。",
        "近三年集群产值年均增长超过10%，主导产业占全市工业比重持续提高。",
    ],
    "chain": [
        "集群绘制了{industry}产业链图谱，梳理出关键环节和薄弱环节清单。",
        "围绕{product1}、{product2}等重点产品开展精准招商，近两年引进配套项目{n2}个。",
        "推动链主企业与本地中小企业建立稳定配套关系，本地配套率提高到{p1}%。",
        "组织产业链上下游对接活动，促成一批采购合作和联合攻关项目落地。",
    ],
    "innovation": [
        "集群企业与高校、科研院所共建研发平台，联合开展关键核心技术攻关。",
        "集群规上企业研发投入强度达到{p2}%，有效发明专利数量持续增长。",
        "依托省级以上技术创新载体，集群在{product1}领域突破了一批关键技术。",
        "集群企业主持或参与制定国家、行业标准多项，行业话语权不断增强。",
    ],
    "digital": [
        "集群推动企业上云用数赋智，建成数字化车间和智能工厂一批。",
        "引入数字化系统解决方案服务商，为中小企业提供免费诊断服务{n2}次。",
        "龙头企业建设工业互联网平台，带动上下游企业实现订单、库存和物流协同。",
        "集群组织开展智能制造能力成熟度评估，企业数字化水平明显提升。",
    ],
    "green": [
        "集群开展节能诊断和清洁生产审核，推广余热回收和光伏发电项目。",
        "建成集中供气和污水处理设施，工业用水重复利用率持续提高。",
        "集群新增国家级绿色工厂{n3}家，单位产值能耗逐年下降。",
        "推进大宗工业固废综合利用，资源利用效率明显提高。",
    ],
    "open": [
        "集群积极参加中国—东盟博览会等展会，拓展海外市场。",
        "集群企业在东南亚、中东等地设立销售和服务网点，主导产品出口额稳步增长。",
        "与境外产业园区和行业协会建立合作机制，引进先进技术和管理经验。",
        "组织企业参加国际行业展会和技术交流活动，提升集群国际知名度。",
    ],
    "quality": [
        "集群推广先进质量管理模式，组织企业开展质量诊断服务。",
        "打造区域公用品牌，集体商标获准注册，品牌影响力不断提升。",
        "集群企业主导产品通过多项国际认证，产品质量稳定可靠。",
    ],
    "environment": [
        "当地政府出台专项扶持政策，建立集群发展联席会议制度。",
        "设立中小企业服务中心，开展政策宣贯和融资对接活动。",
        "建立企业合法权益保护机制，营商环境持续优化。",
        "运用数字化手段提升园区治理能力，实现安全生产隐患动态排查。",
    ],
    "org": [
        "{org}于2019年登记成立，为非营利性社会组织法人，现有会员单位{n4}家。",
        "促进组织设立秘书处、产业研究部和服务部，配备专职工作人员{n5}名。",
        "促进组织定期举办供需对接、技术交流和人才培训活动，年均组织活动{n2}场次。",
        "促进组织与省市级智库建立战略合作关系，为集群发展提供决策咨询。",
        "促进组织负责人长期从事产业管理工作，具有丰富的行业资源和组织经验。",
        "促进组织实行会员代表大会、理事会和秘书处三级治理架构，重大事项集体决策。",
        "促进组织与多位院士专家建立工作指导机制，每年召开集群发展咨询会。",
        "促进组织牵头制定行业自律公约，推动会员企业规范经营、公平竞争。",
        "促进组织运营经费来源于会费、政府购买服务和专业服务收入，财务管理规范。",
    ],
    "park": [
        "{park}坚持项目为王，近两年新开工集群项目{n2}个，总投资超过百亿元。",
        "园区实行专班服务和“拿地即开工”审批模式，项目落地效率明显提高。",
        "园区建设标准厂房和人才公寓，持续完善水电气路等要素保障。",
        "下一步，园区将围绕强链补链开展精准招商，推动集群规模和质量同步提升。",
    ],
    "plan": [
        "坚持创新驱动和龙头带动，着力提升{industry}产业链现代化水平。",
        "到2027年，力争集群主导产业产值突破{v2}亿元，培育一批专精特新企业。",
        "重点实施强链补链、创新平台建设、数字化转型和绿色低碳四大工程。",
        "建立健全集群工作推进机制，细化责任分工和完成时限，确保各项任务落实到位。",
        "完善财政、金融、土地和人才等政策支持，营造良好产业发展生态。",
    ],
    "opinion": [
        "经审核，该集群申报材料真实有效，符合申报条件，同意推荐。",
        "该集群主导产业特色鲜明，发展基础较好，同意申报。",
        "我单位已对申报数据进行核实，同意推荐该集群参加认定。",
    ],
    "evidence": [
        "相关佐证材料包括机构登记证书、办公场所租赁合同及负责人资历证明，详见附件P{n6}至P{n7}。",
        "促进组织登记证书和章程复印件已加盖公章，附后备查。",
    ],
    "factors": [
        "集群聚集专业技术人才和高技能人才数万人，建有职业教育和实训基地。",
        "设立产业引导基金，联合金融机构推出科技贷、订单贷等专属金融产品。",
        "集群5G网络和千兆光网实现重点园区全覆盖，信息基础设施完善。",
    ],
    "guarantee": [
        "成立由区政府主要领导任组长的集群培育工作领导小组，统筹推进集群建设。",
        "出台集群培育专项政策，每年安排专项资金支持集群重点项目和公共服务平台建设。",
        "建立集群发展监测评价机制，定期评估工作进展。",
    ],
    "project": [
        "集群重点项目聚焦关键核心技术攻关和产业化，已有多个项目建成投产。",
        "重点项目由龙头企业牵头实施，带动上下游企业协同发展。",
        "通过项目建设，集群新增产能和研发能力明显提升。",
    ],
}


def narr_category(label: str, col: str | None) -> str:
    if col == "意见":
        return "opinion"
    rules = [("佐证资料", "evidence"), ("园区", "park"), ("思路|重点任务|实施方案|规划", "plan"),
             ("产业链|招商", "chain"), ("创新", "innovation"), ("数字化|新模式", "digital"),
             ("绿色|能源和资源", "green"), ("合作交流|开放合作", "open"), ("质量品牌", "quality"),
             ("发展环境", "environment"), ("促进组织|基本情况|运营情况", "org"), ("要素集聚", "factors"),
             ("保障措施", "guarantee"), ("重点项目", "project")]
    for pat, cat in rules:
        if re.search(pat, label):
            return cat
    return "overview"


def narr_limit(label: str) -> int:
    m = re.search(r"(\d+)字", label)
    return min(int(m.group(1)), 400) if m else 300


# ==========================================================================
# Values
# ==========================================================================


@dataclass
class Val:
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
    return bool(col and GROWTH_COL.search(col))


def round2(x: float) -> float:
    return float(f"{x:.2f}")


def growth(a, b):
    if a is None or b is None or a == 0:
        return None
    return round2((b - a) / a * 100)


class Gen:
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

    # -- numeric series ----------------------------------------------------
    def profile(self, key: str, unit: str | None):
        """(kind, lo, hi, glo, ghi) for a row label (base label without years)."""
        s = self.scale
        u = unit or ""
        key = re.split(r"/(?![^（(]*[）)])", key.split("|")[0])[-1]
        R = [
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
        for pat, prof in R:
            if re.search(pat, key):
                return prof
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
        C_ = [
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
        for pat, (lo, hi, glo, ghi) in C_:
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

    # -- text values ---------------------------------------------------------
    def text_val(self, f: dict, occ: int) -> Val | None:
        rl, col = f["row_label"], f["column_label"]
        last = rl.split("/")[-1] if "/" in rl and not re.search(r"（[^）]*/", rl) else rl
        group = rl.rsplit("/", 1)[0] if "/" in rl else f"#{occ}"
        if "/联系人/" in rl:  # tj: contact sub-rows
            group = rl.split("/联系人/")[0]
        sc = self.sc
        T = lambda s: Val(s, s.strip(), vtype="text")  # noqa: E731
        g_is_gov = bool(re.search(r"工业和信息化部门|组织单位|#1", group)) or self.tid in ("nm-amc-2024", "gx-sme-2024") and occ == 1
        if self.tid == "tj-amc-2025" and "组织单位" in group:
            g_is_gov = True
        lead_title = {"gov": "局长" if "工业" in sc["gov"] else "副区长", "org": "会长"}
        contact_title = {"gov": "科长", "org": "秘书长"}
        gk = "gov" if g_is_gov else "org"
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

    def contact_phone(self, group: str) -> str:
        k = ("phone", group)
        if k not in self.group_people:
            self.group_people[k] = self.mobile()
        return self.group_people[k]

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
        name = loc.entry["table"]
        cols = loc.entry["columns"]
        n = self.list_count(name, loc.entry["template_rows"])
        r = self.rng
        sc = self.sc
        prods = sc.get("products", ["产品"])
        rows = []
        T = lambda s: (s, s)  # noqa: E731
        ed = EDITION[self.tid]
        if name == "一、集群基本信息":
            for city, dept, ac in sc["partners"][:n]:
                ph = f"{ac}-{r.randint(2, 8)}{r.randint(100000, 999999)}"
                em = f"gxj{r.randint(10, 99)}@{r.choice(['163.com', '126.com'])}"
                rows.append({"配合城市": T(city), "部门名称": T(dept), "联系人": T(self.person()), "电话": T(ph), "邮箱": T(em)})
        elif name == "营业收入排名前十企业发展情况":
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
        elif name == "2.3 集群重点项目建设情况":
            kinds = ["智能化生产线建设项目", "研发中心建设项目", "技术改造项目", "公共服务平台建设项目", "产业化项目", "数字化车间建设项目"]
            for i in range(n):
                inv = r.randint(50, 1500) * 100
                y0 = r.randint(ed - 1, ed)
                rows.append({cols[0]: T(self.company()), cols[1]: T(f"{r.choice(prods)}{r.choice(kinds)}"),
                             cols[2]: (self.nraw(inv, 0), inv),
                             cols[3]: T(f"{y0}.{r.randint(1, 12):02d}—{y0 + r.randint(1, 3)}.{r.randint(1, 12):02d}")})
        elif name == "省级及以上集群技术创新载体":
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
        elif name == "集群研发投入前十位企业":
            comps = list(getattr(self, "top_companies", [])) or [self.company() for _ in range(n)]
            top = r.uniform(60000, 90000)
            for i in range(n):
                c = comps[i] if i < len(comps) else self.company()
                a = round2(top * (0.75 ** i) * r.uniform(0.9, 1.1))
                b = round2(a * (1 + r.uniform(0.02, 0.3)))
                g = growth(a, b)
                rows.append({cols[0]: T(c), cols[1]: (self.nraw(a), a), cols[2]: (self.nraw(b), b), cols[3]: (self.nraw(g, pct=True), g)})
        elif name in ("省级及以上绿色工厂、绿色供应链企业名单", "省级及以上公共服务平台"):
            for i in range(n):
                lvl = "国家级" if i == 0 else "省级"
                unit = "工业和信息化部" if lvl == "国家级" else "湖南省工业和信息化厅"
                if "绿色" in name:
                    nm = self.company() + ("（绿色供应链管理企业）" if i == 2 else "")
                else:
                    nm = f"株洲{r.choice(prods)}{r.choice(['检验检测公共服务平台', '工业设计公共服务平台', '中小企业公共服务示范平台'])}"
                raw, v = self.ym(2018, ed - 1)
                rows.append({cols[0]: T(nm), cols[1]: T(lvl), cols[2]: T(unit), cols[3]: (raw, v)})
        elif name == "（一）现有企业库":
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
        elif name == "（二）拟引进企业库":
            specs = [("中国", "广东省", "深圳市"), ("中国", "江苏省", "常州市"), ("德国", "/", "慕尼黑")]
            for i in range(n):
                country, prov, city = specs[i % 3]
                c = self.company(["电气", "智能装备", "新材料", "传动技术"]) if country == "中国" else "Rheinfeld Antriebstechnik GmbH"
                p = r.sample(prods, 2)
                rows.append({cols[0]: T(c), cols[1]: T(country), cols[2]: ("/", None) if prov == "/" else T(prov),
                             cols[3]: T(city), cols[4]: T(f"行业领先的{p[0]}供应商，具有较强的研发和制造能力。"),
                             cols[5]: T("、".join(p)), cols[6]: T("是"),
                             cols[7]: T("是" if country == "中国" else "否"), cols[8]: T("否" if country == "中国" else "是")})
        elif name == "（三）在建项目库":
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
        elif name == "（四）拟建项目库":
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
        elif name == "附表1":
            top = r.uniform(180, 320)
            for i in range(n):
                s = round2(top * 0.72 ** i)
                share = round2(r.uniform(2, 15) * 0.8 ** i)
                raw = f"{share:.2f}%" if r.random() < 0.7 else f"{share:.2f}"
                rows.append({cols[0]: T(self.company()), cols[1]: (self.nraw(s), s), cols[2]: T("、".join(r.sample(prods, 2))),
                             cols[3]: (raw, share)})
        elif name == "附表2" and cols[0].startswith("国家级"):
            rows.append({cols[0]: T("国家先进计算产业创新中心"), cols[1]: T(self.company())})
        elif name == "附表2":
            rows.append({cols[0]: T("GB/T 39680—2020 信息安全技术 服务器安全技术要求和测评准则"), cols[1]: T(self.company())})
        elif name == "附表3" and cols[0].startswith("职业"):
            k = r.randint(6, 20) * 100
            rows.append({cols[0]: T("天津滨海职业学院信创产业学院"), cols[1]: T("信创软件开发与运维"), cols[2]: (self.nraw(k, 0), k)})
        elif name == "附表3":
            for i, (pn, nat) in enumerate([("国家信创产品适配验证中心（天津）", "是"), ("滨海新区信创软件测试公共服务平台", "否")][:n]):
                rows.append({cols[0]: T(pn), cols[1]: T(nat), cols[2]: T(self.company()),
                             cols[3]: T(r.choice(["产品适配验证、性能测试", "软件测评、安全检测", "技术咨询、人才培训"]))})
        elif name == "附表4":
            acts = [("信创产业供需对接会", "组织整机、软件企业与用户单位对接", "促成合作意向{}项"),
                    ("信创技术沙龙", "围绕操作系统、数据库适配开展技术交流", "参与企业{}家"),
                    ("信创人才培训班", "面向中小企业开展信创运维培训", "培训人员{}人次"),
                    ("京津冀信创产业合作论坛", "推动京津冀产业链协同", "签约项目{}个")]
            for a, b, c in acts[:n]:
                rows.append({cols[0]: T(a), cols[1]: T(b), cols[2]: T(c.format(r.randint(12, 300)))})
        elif name == "附表5 重点项目组织实施情况及成效":
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
        else:
            raise KeyError(name)
        return rows

    # -- everything ---------------------------------------------------------------
    CONFLICTS = {"prov-cluster-2025": [("2.1 集群主要经济指标", "税金总额（亿元）", "2024年"),
                                       ("3.1 园区主要经济指标", "园区实际使用外资（亿元）", "2025年/园区总额")]}

    def gen_all(self, places: list[Place], lists: list[ListLoc]) -> dict:
        self.profile_pre()
        self.bases = {self.base_label(p.f)[0] for p in places if p.f["kind"] == "value"}
        tab_years: dict = {}
        for p in places:
            y = first_year(p.f["column_label"])
            if y and p.f["kind"] == "value":
                tab_years.setdefault(p.f["table"], set()).add(y)
        list_names = {l.entry["table"] for l in lists}
        self.lists = [self.gen_list(l) for l in lists]
        conflicts = set(self.CONFLICTS.get(self.tid, [])) if self.variant == "messy" else set()
        out: dict = {}
        pending = []
        for p in places:
            f, k = p.f, p.f["kind"]
            period = self.period_of(f, tab_years) if k == "value" else None
            if k == "cover":
                v = self.cover_val(f)
            elif k == "check":
                v = self.check_val(f, p.cand)
            elif k == "fillin":
                v = self.fillin_val(f, p.cand)
            elif k == "signature":
                raw, d = self.date()
                v = Val(raw, d, vtype="date")
            elif k == "narrative":
                v = Val(None, text=self.narrative(f["row_label"], f["column_label"]), vtype="narrative")
            elif k == "slot" or (f["table"] in list_names and f["row_label"] == "") or is_growth_col(f["column_label"]):
                pending.append(p)
                continue
            else:
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
            out[id(p)] = v
        by_row: dict = {}
        for p in places:
            by_row.setdefault((p.f["table"], p.f["row_label"]), []).append(p)
        for p in pending:
            f = p.f
            period = self.period_of(f, tab_years) if f["kind"] == "value" else None
            if f["kind"] == "slot":
                src = next(q for q in places if q.f["row_label"] == self.SLOT_ROWS[f["row_label"]] and q.f["column_label"] == "2025年")
                n = out[id(src)].num
                v = Val(str(n), n, unit="个", num=n, vtype="count")
            elif f["table"] in list_names and f["row_label"] == "":
                v = self.list_total(lists, f, period)
            else:
                sibs = [q for q in by_row[(f["table"], f["row_label"])] if first_year(q.f["column_label"])
                        and not is_growth_col(q.f["column_label"])]
                if any("园区总额" in (q.f["column_label"] or "") for q in sibs):
                    sibs = [q for q in sibs if "园区总额" in q.f["column_label"]]
                sibs.sort(key=lambda q: first_year(q.f["column_label"]))
                a, b = out[id(sibs[0])].num, out[id(sibs[-1])].num
                g = growth(a, b)
                if g is None:
                    v = Val(self.rng.choice(["—", "/"]), None, unit="%", period=period, empty=True, vtype="empty")
                else:
                    v = Val(None, g, unit="%", period=period, num=g, vtype="percent")
            out[id(p)] = v
        self.style(out)
        return out

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

    def style(self, out: dict):
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


# ==========================================================================
# Writing into the docx
# ==========================================================================


def style_run(run, east: str = SONG, size: float | None = None, bold: bool | None = None):
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), LATIN if east != YAHEI else YAHEI)
    rfonts.set(qn("w:eastAsia"), east)


def clear_runs(par):
    for r in list(par.runs):
        r._r.getparent().remove(r._r)


def cell_write(cell, text: str, size: float):
    """Type `text` into a cell: into the empty first paragraph, or over a printed hint."""
    pars = cell.paragraphs
    hint = next((p for p in pars if p.text.strip()), None)
    if hint is not None:
        first = hint.runs[0]
        first.text = text
        style_run(first, SONG, size)
        for r in hint.runs[1:]:
            r._r.getparent().remove(r._r)
        for p in pars:
            if p is not hint:
                clear_runs(p)
        return
    run = pars[0].add_run(text)
    style_run(run, SONG, size)


def new_paragraph_after(par: Paragraph, text: str, size: float, east: str = SONG) -> Paragraph:
    p = OxmlElement("w:p")
    par._p.addnext(p)
    np_ = Paragraph(p, par._parent)
    np_.paragraph_format.first_line_indent = Pt(size * 2)
    style_run(np_.add_run(text), east, size)
    return np_


def write_box(cell, text: str, size: float, replace: bool):
    pars = cell.paragraphs
    has_guidance = any(p.text.strip() for p in pars)
    if not has_guidance or (replace and not cell.tables):
        first = pars[0]
        clear_runs(first)
        for p in pars[1:]:
            p._p.getparent().remove(p._p)
        first.paragraph_format.first_line_indent = Pt(size * 2)
        style_run(first.add_run(text), SONG, size)
        return
    np_ = cell.add_paragraph()
    np_.paragraph_format.first_line_indent = Pt(size * 2)
    style_run(np_.add_run(text), SONG, size)


def tick(cell, chosen: list[int], glyph: str):
    k = 0
    for p in cell.paragraphs:
        for r in p.runs:
            if "□" not in r.text:
                continue
            out = []
            for ch in r.text:
                if ch == "□":
                    out.append(glyph if k in chosen else ch)
                    k += 1
                else:
                    out.append(ch)
            r.text = "".join(out)


def para_of(cell, pattern: str):
    for p in cell.paragraphs:
        if re.search(pattern, p.text):
            return p
    raise LookupError(pattern)


def write_place(pl: Place, v: Val, rng: random.Random, variant: str, slots: dict):
    c = pl.cand
    t = c.ctype
    if t in ("E", "H"):
        cell_write(c.cell, v.raw, c.size)
    elif t == "Hnarr":
        cell_write(c.cell, v.text, c.size)
    elif t == "box":
        write_box(c.cell, v.text, c.size, replace=(variant == "messy" or rng.random() < 0.5))
    elif t == "check":
        tick(c.cell, v.chosen, v.glyph)
    elif t == "qty":
        p = para_of(c.cell, "数量：")
        p.runs[0].text = re.sub(r"数量：\s*个", f"数量：{v.raw} 个", p.runs[0].text)
    elif t == "name":
        p = para_of(c.cell, "名称：")
        p.runs[0].text = "名称：" + v.raw
    elif t == "single":
        p = para_of(c.cell, r"^\s+个")
        p.runs[0].text = f"    {v.raw} 个"
    elif t == "suffix":
        p = para_of(c.cell, "E-mail：|邮编：")
        p.runs[0].text = p.runs[0].text.rstrip() + v.raw
    elif t == "sigdate":
        p = para_of(c.cell, r"年\s+月\s+日")
        p.runs[0].text = re.sub(r"年\s+月\s+日", v.raw, p.runs[0].text)
    elif t == "sigtext":
        pars = c.cell.paragraphs
        start = 1 if pars[0].text.strip() else 0
        p = next(p for p in pars[start:] if not p.text.strip())
        clear_runs(p)
        p.paragraph_format.first_line_indent = Pt(c.size * 2)
        style_run(p.add_run(v.text), SONG, c.size)
    elif t == "cover":
        runs = [r for r in c.para.runs if r.underline]
        runs[c.index].text = v.raw
    elif t == "slot":
        slots.setdefault(id(c.para), (c.para, {}))[1][c.index] = v.raw
    elif t == "para":
        new_paragraph_after(c.para, v.text, 12, FANG)
    else:
        raise ValueError(t)


def write_slots(slots: dict):
    for par, repl in slots.values():
        run = next(r for r in par.runs if re.search(r"X{2,}|……", r.text))
        k = -1

        def sub(m):
            nonlocal k
            k += 1
            if k not in repl:
                return m.group(0)
            return repl[k] + ("个" if m.group(0) == "……" else "")

        run.text = re.sub(r"X{2,}|……", sub, run.text)


def tc_at(tr, col: int):
    c = 0
    for tc in tr.findall(qn("w:tc")):
        span = tc.grid_span
        if c <= col < c + span:
            return tc
        c += span
    raise LookupError(col)


def set_cell_text(tc, table, text: str, size: float):
    cell = _Cell(tc, table)
    p = cell.paragraphs[0]
    if p.runs:
        p.runs[0].text = text
        for r in p.runs[1:]:
            r._r.getparent().remove(r._r)
    else:
        style_run(p.add_run(text), SONG, size)


def write_list(loc: ListLoc, rows: list[dict], trs: list):
    cols = loc.entry["columns"]
    for i, row in enumerate(rows):
        tr = trs[i]
        if loc.numcol is not None:
            num_tc = tc_at(tr, loc.numcol)
            if _Cell(num_tc, loc.table).text.strip() in ("…", "...", ""):
                set_cell_text(num_tc, loc.table, str(i + 1), loc.size)
        for j, col in enumerate(cols):
            if col not in row:
                continue
            cell = _Cell(tc_at(tr, loc.cols[j]), loc.table)
            cell_write(cell, row[col][0], loc.size)


def shift_doc_years(doc, n: int):
    for t in doc.element.body.iter(qn("w:t")):
        if t.text:
            t.text = shift_years(t.text, n)


def verify_place(pl: Place, v: Val) -> str | None:
    c = pl.cand
    want = v.text if v.text is not None else v.raw
    if c.ctype == "check":
        txt = c.cell.text
        if txt.count(v.glyph) < len(v.chosen) or txt.count("□") != c.opts_n - len(v.chosen):
            return f"tick missing in {pl.f['row_label']}"
        return None
    txt = c.cell.text if c.cell is not None else c.para.text
    if c.ctype == "para":
        nxt = c.para._p.getnext()
        txt = "".join(t.text or "" for t in nxt.iter(qn("w:t")))
    if want is None or want not in txt:
        return f"value {want!r} not found at {pl.f['table']} / {pl.f['row_label']} / {pl.f['column_label']}"
    return None


# ==========================================================================
# Variants (messy) and the build of one document
# ==========================================================================

LONG_LIST_ROWS = 34


def repeat_header(table, rows: int = 1):
    """Mark the first ``rows`` rows of a Word table as a header repeated on every page."""
    for tr in table._tbl.findall(qn("w:tr"))[:rows]:
        trpr = tr.find(qn("w:trPr"))
        if trpr is None:
            trpr = OxmlElement("w:trPr")
            tr.insert(0, trpr)
        trpr.append(OxmlElement("w:tblHeader"))


def widen_table(tbl, factor: float):
    """Scale the fixed widths (twips) of a Word table: grid columns, table and cell widths."""
    for el in tbl.iter(qn("w:gridCol"), qn("w:tblW"), qn("w:tcW")):
        v = el.get(qn("w:w"))
        if v and v.isdigit() and el.get(qn("w:type"), "dxa") == "dxa":
            el.set(qn("w:w"), str(int(int(v) * factor)))


def landscape_section(doc, first_par, last_table):
    """Put the body from ``first_par`` to ``last_table`` (inclusive) into a landscape section of its own;
    its tables are widened to the landscape text width."""
    body_sect = doc.element.body.find(qn("w:sectPr"))
    portrait = copy.deepcopy(body_sect)
    for ref in portrait.findall(qn("w:headerReference")) + portrait.findall(qn("w:footerReference")):
        portrait.remove(ref)
    land = copy.deepcopy(portrait)
    pg = land.find(qn("w:pgSz"))
    w, h = pg.get(qn("w:w")), pg.get(qn("w:h"))
    pg.set(qn("w:w"), h)
    pg.set(qn("w:h"), w)
    pg.set(qn("w:orient"), "landscape")
    mar = land.find(qn("w:pgMar"))
    if mar is not None:  # the page turns: so do its margins
        t, r, b, l_ = (mar.get(qn(f"w:{k}")) for k in ("top", "right", "bottom", "left"))
        for k, v in (("top", l_), ("right", t), ("bottom", r), ("left", b)):
            if v is not None:
                mar.set(qn(f"w:{k}"), v)
    def text_width(sect) -> int:
        pg, mar = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
        return int(pg.get(qn("w:w"))) - int(mar.get(qn("w:left"))) - int(mar.get(qn("w:right")))

    factor = text_width(land) / text_width(portrait)
    el = first_par
    while el is not None:
        if el.tag == qn("w:tbl"):
            widen_table(el, factor)
        if el is last_table:
            break
        el = el.getnext()
    for sect, anchor, before in ((portrait, first_par, True), (land, last_table, False)):
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        ppr.append(sect)
        p.append(ppr)
        (anchor.addprevious if before else anchor.addnext)(p)


MESSY_DELETE = {"目  录", "一、集群基本信息", "二、……", "（XX市XX集群/XX市XX区XX集群/XX县（市）XX集群）"}


def insert_rows(trs: list, need: int):
    while len(trs) < need:
        new = copy.deepcopy(trs[-1])
        trs[-1].addnext(new)
        trs.append(new)


def split_table(table, k: int):
    """Move the last k rows of `table` into a new Word table right after it (empty paragraph between)."""
    tbl = table._tbl
    move = tbl.findall(qn("w:tr"))[-k:]
    new_tbl = copy.deepcopy(tbl)
    for tr in new_tbl.findall(qn("w:tr")):
        new_tbl.remove(tr)
    for tr in move:
        new_tbl.append(tr)
    p = OxmlElement("w:p")
    tbl.addnext(p)
    p.addnext(new_tbl)


def messy_fonts(doc, tables):
    for t in tables:
        for tr in t._tbl.findall(qn("w:tr")):
            for r in tr.iter(qn("w:r")):
                from docx.text.run import Run
                style_run(Run(r, None), YAHEI, 9)
    for r in doc.paragraphs[0].runs:
        style_run(r, YAHEI, 20, bold=True)


def save_reproducible(doc, path: Path):
    """Save, then rewrite the zip with fixed timestamps so that a seed gives byte-identical files."""
    import io
    import zipfile

    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(zi, src.read(info.filename))


def build(tid: str, variant: str, name: str, tdir: Path, outdir: Path, seed: int, shift: int = 0) -> dict:
    rng = random.Random(f"{seed}:{name}")
    spec = json.loads((tdir / f"{tid}.fields.json").read_text(encoding="utf-8"))
    blocks = TEMPLATES[tid][3]
    dst = outdir / f"{name}.docx"
    shutil.copyfile(tdir / f"{tid}.docx", dst)
    doc = Document(str(dst))

    spec_tables = [b for b in blocks if isinstance(b, Table)]
    lists = find_lists(spec_tables, doc.tables, spec.get("list_tables", []))
    list_rows = {(l.ti, r) for l in lists for r in l.data_rows}
    places = align(Walker(blocks, doc, list_rows).run(), spec["fields"])

    gen = Gen(tid, rng, variant, shift)
    new_variant = variant in variants.NAMES
    if new_variant:
        if not variants.applies(variant, tid):
            raise ValueError(f"variant {variant} does not apply to {tid} (forms: {variants.FORMS[variant]})")
        lrng = variants.rng_for(seed, name)
        variants.prepare(gen, variant, lrng)
    vals = gen.gen_all(places, lists)
    layout = variants.adjust(tid, variant, places, vals, lrng, Val) if new_variant else {}

    if shift:
        shift_doc_years(doc, shift)
    trs_by_list = [[l.table.rows[r]._tr for r in l.data_rows] for l in lists]
    for l, trs, rows in zip(lists, trs_by_list, gen.lists):
        if len(rows) > len(trs):
            insert_rows(trs, len(rows))

    slots: dict = {}
    for pl in places:
        write_place(pl, vals[id(pl)], rng, variant, slots)
    write_slots(slots)
    for l, trs, rows in zip(lists, trs_by_list, gen.lists):
        write_list(l, rows, trs)

    problems = [e for e in (verify_place(pl, vals[id(pl)]) for pl in places) if e]
    if problems:
        raise RuntimeError(f"{name}: " + "; ".join(problems[:5]))

    if variant == "messy":
        by_name = {l.entry["table"]: l for l in lists}
        messy_fonts(doc, [doc.tables[1], doc.tables[2], by_name["（一）现有企业库"].table])
        for p in list(doc.paragraphs):
            if p.text in MESSY_DELETE:
                p._p.getparent().remove(p._p)
        split_table(by_name["集群研发投入前十位企业"].table, 4)
    if variant in ("long", "landscape"):
        by_name = {l.entry["table"]: l for l in lists}
        if variant == "long":
            repeat_header(by_name["（一）现有企业库"].table, rows=2)  # its header has two rows
        else:
            head = next(p for p in doc.paragraphs if p.text.startswith("六、"))
            landscape_section(doc, head._p, by_name["（四）拟建项目库"].table._tbl)
    if new_variant:
        layout.update(variants.apply_layout(doc, tid, variant, places, lists, lrng))
    save_reproducible(doc, dst)

    # ---- truth -------------------------------------------------------------
    S = lambda s: shift_years(s, shift)  # noqa: E731
    fields, texts = [], []
    for pl in places:
        f, v = pl.f, vals[id(pl)]
        if f["kind"] == "narrative":
            texts.append({"table": S(f["table"]), "row_label": S(f["row_label"]), "column_label": S(f["column_label"]),
                          "text": v.text})
            continue
        fields.append({"table": S(f["table"]), "row_label": S(f["row_label"]), "column_label": S(f["column_label"]),
                       "kind": f["kind"], "occurrence": pl.occ, "raw": v.raw, "value": v.value, "unit": v.unit,
                       "period": v.period + shift if v.period is not None else None, "empty": v.empty,
                       "expect_status": v.status})
    tables = []
    for l, rows in zip(lists, gen.lists):
        cols = l.entry["columns"]
        tables.append({"table": l.entry["table"], "columns": cols,
                       "rows": [{c: (row[c][1] if c in row else None) for c in cols} for row in rows]})
    truth = {"template": tid, "document": dst.name, "fields": fields, "tables": tables, "texts": texts}
    if new_variant:  # what the layout variant did (samples/variants.py); absent from the other truths
        truth["layout"] = {"variant": variant, **layout}
    (outdir / f"{name}.docx.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    # ---- re-read the saved file: every typed string is in it ----------------------------
    saved = Document(str(dst))
    alltext = "".join(t.text or "" for t in saved.element.body.iter(qn("w:t")))
    missing = [x["raw"] for x in fields if x["kind"] != "check" and x["raw"] not in alltext]
    missing += [x["text"][:20] for x in texts if x["text"] not in alltext]
    missing += [row[c][0] for rows in gen.lists for row in rows for c in row if row[c][0] not in alltext]
    if missing:
        raise RuntimeError(f"{name}: not found after saving: {missing[:5]}")
    return {"document": dst.name, "bytes": dst.stat().st_size, "fields": len(fields), "texts": len(texts),
            "list_rows": sum(len(r) for r in gen.lists),
            "review": sum(1 for x in fields if x["expect_status"] == "review"),
            "empty": sum(1 for x in fields if x["empty"])}


OUTPUTS = [(tid, "filled", f"{tid}-filled", 0) for tid in TEMPLATE_IDS] + [
    ("prov-cluster-2025", "messy", "prov-cluster-2025-messy", 0),
    ("gx-sme-2024", "nextyear", "gx-sme-2024-nextyear", 1),
]
# Layout variants for the PDF samples (samples/render_pdf.py); made only when named on the command line.
EXTRA_OUTPUTS = [
    ("prov-cluster-2025", "long", "prov-cluster-2025-long", 0),  # （一）现有企业库 with 34 rows, header repeated
    ("prov-cluster-2025", "landscape", "prov-cluster-2025-landscape", 0),  # 四库 in a landscape section, 34 rows
] + variants.outputs()  # fault-family variants (samples/variants.py): <id>-sigpair / -crowded / -pagesplit / -sealcell


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate filled sample forms with ground truth.")
    ap.add_argument("--out", type=Path, default=HERE / "docx", help="output folder (default: samples/docx)")
    ap.add_argument("--seed", type=int, default=20250318, help="random seed (default: 20250318)")
    ap.add_argument("--templates", type=Path, default=DEFAULT_TEMPLATES, help="folder of the blank templates")
    ap.add_argument("names", nargs="*", help="only these outputs (e.g. gx-amc-2025-filled); the layout variants "
                    "prov-cluster-2025-long / -landscape only when named")
    args = ap.parse_args(argv)
    load_specs(args.templates)
    args.out.mkdir(parents=True, exist_ok=True)
    for out in OUTPUTS + EXTRA_OUTPUTS:
        tid, variant, name, shift = out
        wanted = name in args.names if args.names else out not in EXTRA_OUTPUTS
        if not wanted:
            continue
        info = build(tid, variant, name, args.templates, args.out, args.seed, shift)
        print(f"{info['document']:36s} {info['bytes'] / 1024:6.1f} KB  fields={info['fields']:3d}  "
              f"texts={info['texts']:2d}  list_rows={info['list_rows']:3d}  empty={info['empty']}  review={info['review']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
