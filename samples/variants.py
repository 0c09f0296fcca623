"""Layout variants of the sample generator that reproduce fault families seen on outside returns.

Imported by ``generate.py``; each variant is seeded (its own ``random.Random`` derived from the
seed and the output name, so the default outputs stay byte-identical) and applies only to the
forms where it fits (``FORMS``):

* ``sigpair``   — paired signature boxes (prov-cluster-2025 真实性声明: 集群促进组织负责人签字 /
  集群核心承载园区负责人签字 side by side; gx-sme-2024 真实性声明 / 推荐单位（公章）) filled with dates
  weeks apart (different month and day, either order), so reporting one box's date for both is wrong;
* ``crowded``   — two cover fill-ins on one printed line (``集群名称：X　所属地区（盟市）：Y``,
  ``集群促进组织名称：X　申报时间：Y``), the first value made long so that it runs up to the next label;
* ``pagesplit`` — a year grid (2022年 / 2023年 / 2024年 columns) split into two Word tables with a page
  break between; the continuation repeats no header row and its column widths are changed (the
  columns no longer line up with the header above);
* ``sealcell``  — the cover line with a seal label (``盟市工信主管部门（盖章）`` / ``县级行政区划中小企业主管
  部门（盖章）``), and zero to two lines before it, moved into a table of label and value cells; the
  next cover line follows the table as a paragraph.

``prepare`` runs before the values are drawn (longer names for ``crowded``), ``adjust`` after (the
signature dates), ``apply_layout`` after the values are written and verified; it returns a small
description of what it did, which ``generate.build`` stores in the truth under ``"layout"``.
"""
from __future__ import annotations

import copy
import datetime as _dt
import random
import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

FORMS = {
    "sigpair": ["prov-cluster-2025", "gx-sme-2024"],
    "crowded": ["nm-amc-2024", "gx-sme-2024", "prov-cluster-2025"],
    "pagesplit": ["prov-cluster-2025", "nm-amc-2024", "gx-sme-2024"],
    "sealcell": ["nm-amc-2024", "gx-sme-2024"],
}
NAMES = list(FORMS)

# (first label, second label) of cover lines put on one printed line, per form
CROWDED_PAIRS = {
    "nm-amc-2024": [("集群名称", "所属地区（盟市）"), ("集群促进组织名称", "申报时间")],
    "gx-sme-2024": [("集群名称", "所属地区"), ("集群运营管理机构", "申报时间")],
    "prov-cluster-2025": [("集群核心承载园区", "申报时间"), ("集群名称", "集群促进组织")],
}
LONGER_INDUSTRY = ["及关键零部件配套", "及上下游关联配套", "及高端装备应用", "与智能制造服务"]
LONGER_ORG = ["暨产业技术创新战略联盟", "（集群发展促进中心）", "暨集群公共服务平台运营中心"]
LONGER_PARK = ["（含东区、西区及配套物流园）", "暨国家级经济技术开发区"]

YEAR_CELL = re.compile(r"^20\d\d年$")


def rng_for(seed, name: str) -> random.Random:
    return random.Random(f"{seed}:{name}:layout")


def applies(variant: str, tid: str) -> bool:
    return tid in FORMS.get(variant, [])


def outputs(seeds=None) -> list[tuple]:
    """(tid, variant, name, shift) of every new variant output (one per form where it fits)."""
    return [(tid, v, f"{tid}-{v}", 0) for v in NAMES for tid in FORMS[v]]


# ---------------------------------------------------------------- values ---

def _lengthen(s: str, extra: str, tail_words=("产业集群", "集群", "产业")) -> str:
    for w in tail_words:
        if s.endswith(w):
            return s[: -len(w)] + extra + w
    return s + extra


def prepare(gen, variant: str, rng: random.Random) -> None:
    """Before the values are drawn: the ``crowded`` variant lengthens the first value of each pair."""
    if variant != "crowded":
        return
    sc = gen.sc
    sc["cluster"] = _lengthen(sc["cluster"], rng.choice(LONGER_INDUSTRY))
    sc["org"] = sc["org"] + rng.choice(LONGER_ORG)
    sc["park"] = sc["park"] + rng.choice(LONGER_PARK)


def _sig_pair(places) -> list:
    sig = [p for p in places if p.f["kind"] == "signature"]
    decl = [p for p in sig if p.f["table"] == "真实性声明"]
    if len(decl) >= 2:
        return decl[:2]
    rest = [p for p in sig if p not in decl]
    return (decl + rest)[:2] if decl and rest else []


def adjust(tid: str, variant: str, places, vals: dict, rng: random.Random, Val) -> dict:
    """After the values are drawn: ``sigpair`` gives the two boxes dates weeks apart."""
    if variant != "sigpair":
        return {}
    pair = _sig_pair(places)
    if len(pair) != 2:
        raise RuntimeError(f"{tid}: no pair of signature boxes")
    first = _dt.date.fromisoformat(vals[id(pair[0])].value)
    while True:
        other = first + _dt.timedelta(days=rng.choice([-1, 1]) * rng.randint(12, 45))
        if other.month != first.month and other.day != first.day and other.year == first.year:
            break
    out = []
    for p, d in zip(pair, (first, other)):
        vals[id(p)] = Val(f"{d.year}年{d.month}月{d.day}日", d.isoformat(), vtype="date")
        out.append({"table": p.f["table"], "row_label": p.f["row_label"], "value": d.isoformat()})
    return {"sigpair": out}


# ---------------------------------------------------------------- layout ---

def _cover_paragraphs(doc, places) -> dict:
    """row_label → the cover paragraph (python-docx Paragraph) it was written in."""
    out = {}
    for p in places:
        if p.f["kind"] == "cover" and p.cand.para is not None:
            out.setdefault(p.f["row_label"], p.cand.para)
    return out


def crowd(doc, places, tid: str, rng: random.Random) -> list:
    paras = _cover_paragraphs(doc, places)
    done = []
    for a, b in CROWDED_PAIRS[tid]:
        pa, pb = paras.get(a), paras.get(b)
        if pa is None or pb is None or pa._p is pb._p:
            continue
        gap = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = rng.choice(["\u3000", "\u3000", " "])
        gap.append(t)
        rpr = next((r.find(qn("w:rPr")) for r in pa._p.findall(qn("w:r")) if r.find(qn("w:rPr")) is not None), None)
        if rpr is not None:
            gap.insert(0, copy.deepcopy(rpr))
            u = gap.find(qn("w:rPr")).find(qn("w:u"))
            if u is not None:
                u.getparent().remove(u)
        pa._p.append(gap)
        for r in pb._p.findall(qn("w:r")):
            pa._p.append(r)
        pb._p.getparent().remove(pb._p)
        done.append([a, b])
    return done


def _table(ncols: int, widths: list[int], borders: bool):
    tbl = OxmlElement("w:tbl")
    tblpr = OxmlElement("w:tblPr")
    tw = OxmlElement("w:tblW")
    tw.set(qn("w:w"), str(sum(widths)))
    tw.set(qn("w:type"), "dxa")
    tblpr.append(tw)
    bd = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{side}")
        e.set(qn("w:val"), "single" if borders else "nil")
        if borders:
            e.set(qn("w:sz"), "4")
        bd.append(e)
    tblpr.append(bd)
    tbl.append(tblpr)
    grid = OxmlElement("w:tblGrid")
    for w in widths:
        g = OxmlElement("w:gridCol")
        g.set(qn("w:w"), str(w))
        grid.append(g)
    tbl.append(grid)
    return tbl


def _cell(width: int, runs: list, ppr=None):
    tc = OxmlElement("w:tc")
    tcpr = OxmlElement("w:tcPr")
    w = OxmlElement("w:tcW")
    w.set(qn("w:w"), str(width))
    w.set(qn("w:type"), "dxa")
    tcpr.append(w)
    tc.append(tcpr)
    p = OxmlElement("w:p")
    if ppr is not None:
        p.append(copy.deepcopy(ppr))
    for r in runs:
        p.append(r)
    tc.append(p)
    return tc


def seal_cells(doc, places, tid: str, rng: random.Random) -> dict:
    paras = _cover_paragraphs(doc, places)
    seal = next(k for k in paras if "盖章" in k)
    order = sorted(paras, key=lambda k: list(doc.element.body).index(paras[k]._p))
    i = order.index(seal)
    k = rng.randint(0, min(2, i))
    while k and any(paras[order[j]]._p.getnext() is not paras[order[j + 1]]._p for j in range(i - k, i)):
        k -= 1  # only cover lines that follow each other directly (no hint paragraph between)
    rows = order[i - k: i + 1]
    if i + 1 >= len(order):
        raise RuntimeError(f"{tid}: no cover line after the seal line")
    widths = [rng.randint(3600, 4600), rng.randint(3800, 4600)]
    tbl = _table(2, widths, borders=rng.random() < 0.5)
    keep_colon = rng.random() < 0.5
    for lab in rows:
        par = paras[lab]._p
        runs = par.findall(qn("w:r"))
        label_runs, value_runs = [], []
        for r in runs:
            is_u = r.find(qn("w:rPr")) is not None and r.find(qn("w:rPr")).find(qn("w:u")) is not None
            (value_runs if (is_u or value_runs) else label_runs).append(r)
        if not keep_colon:
            for r in label_runs[-1:]:
                for t in r.findall(qn("w:t")):
                    t.text = re.sub(r"[：:]\s*$", "", t.text or "")
        tr = OxmlElement("w:tr")
        ppr = par.find(qn("w:pPr"))
        tr.append(_cell(widths[0], label_runs, ppr))
        tr.append(_cell(widths[1], value_runs, ppr))
        tbl.append(tr)
    first = paras[rows[0]]._p
    first.addprevious(tbl)
    for lab in rows:
        paras[lab]._p.getparent().remove(paras[lab]._p)
    return {"rows": rows, "next_line": order[i + 1], "borders": tbl.find(qn("w:tblPr")).find(qn("w:tblBorders"))
            .find(qn("w:top")).get(qn("w:val")) == "single", "label_colon": keep_colon}


def _row_texts(tr) -> list[str]:
    return ["".join(t.text or "" for t in tc.iter(qn("w:t"))).strip() for tc in tr.findall(qn("w:tc"))]


def _header_row(tbl) -> int | None:
    for ri, tr in enumerate(tbl.findall(qn("w:tr"))[:3]):
        if len({x for x in _row_texts(tr) if YEAR_CELL.match(x)}) >= 2:
            return ri
    return None


def _vmerge_continues(tr) -> bool:
    for tc in tr.findall(qn("w:tc")):
        pr = tc.find(qn("w:tcPr"))
        vm = pr.find(qn("w:vMerge")) if pr is not None else None
        if vm is not None and vm.get(qn("w:val")) != "restart":
            return True
    return False


def year_grids(doc) -> list[tuple]:
    """(table element, header row index, possible split rows) of every year grid in the document."""
    out = []
    for tbl in doc.element.body.iter(qn("w:tbl")):
        h = _header_row(tbl)
        if h is None:
            continue
        trs = tbl.findall(qn("w:tr"))
        ks = [k for k in range(h + 2, len(trs) - 1) if not _vmerge_continues(trs[k])]
        if ks:
            out.append((tbl, h, ks))
    return out


def grid_widths(tbl) -> list[int]:
    return [int(g.get(qn("w:w"))) for g in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]


def page_split(doc, rng: random.Random) -> dict:
    grids = year_grids(doc)
    tbl, h, ks = rng.choice(grids)
    ti = list(doc.element.body.iter(qn("w:tbl"))).index(tbl)
    k = rng.choice(ks)
    trs = tbl.findall(qn("w:tr"))
    new = copy.deepcopy(tbl)
    for tr in new.findall(qn("w:tr")):
        new.remove(tr)
    for tr in trs[k:]:
        for hd in tr.iter(qn("w:tblHeader")):
            hd.getparent().remove(hd)
        new.append(tr)
    # the applicant dragged the column borders: new widths, same total, at least 8 % off per column
    old = grid_widths(tbl)
    while True:
        fac = [rng.uniform(0.75, 1.3) for _ in old]
        raw = [w * f for w, f in zip(old, fac)]
        s = sum(raw)
        neww = [max(300, int(round(x * sum(old) / s))) for x in raw]
        if all(abs(a - b) >= 0.08 * b for a, b in zip(neww, old)):
            break
    for g, w in zip(new.find(qn("w:tblGrid")).findall(qn("w:gridCol")), neww):
        g.set(qn("w:w"), str(w))
    for tr in new.findall(qn("w:tr")):
        c = 0
        for tc in tr.findall(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span = pr.find(qn("w:gridSpan")) if pr is not None else None
            n = int(span.get(qn("w:val"))) if span is not None else 1
            tw = pr.find(qn("w:tcW")) if pr is not None else None
            if tw is not None:
                tw.set(qn("w:w"), str(sum(neww[c:c + n])))
                tw.set(qn("w:type"), "dxa")
            c += n
    tw = new.find(qn("w:tblPr")).find(qn("w:tblW"))
    if tw is not None and tw.get(qn("w:type"), "dxa") == "dxa":
        tw.set(qn("w:w"), str(sum(neww)))
    # the page break's paragraph is set 1 pt high, so that the continuation starts at the very top of the next
    # page (a PDF reader sees one table going on over the page break, not a new table under a blank line)
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    sp = OxmlElement("w:spacing")
    for key, val in (("w:before", "0"), ("w:after", "0"), ("w:line", "20"), ("w:lineRule", "exact")):
        sp.set(qn(key), val)
    ppr.append(sp)
    mark = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        e = OxmlElement(tag)
        e.set(qn("w:val"), "2")
        mark.append(e)
    ppr.append(mark)
    p.append(ppr)
    r = OxmlElement("w:r")
    r.append(copy.deepcopy(mark))
    br = OxmlElement("w:br")
    br.set(qn("w:type"), "page")
    r.append(br)
    p.append(r)
    tbl.addnext(p)
    p.addnext(new)
    return {"table_index": ti, "header_row": h, "header": _row_texts(trs[h]), "split_row": k,
            "first_continued_row": _row_texts(trs[k])[:2], "widths_before": old, "widths_after": neww}


def apply_layout(doc, tid: str, variant: str, places, lists, rng: random.Random) -> dict:
    """After the values are written and verified: change the layout; returns what was done."""
    if variant == "crowded":
        return {"crowded": crowd(doc, places, tid, rng)}
    if variant == "sealcell":
        return {"sealcell": seal_cells(doc, places, tid, rng)}
    if variant == "pagesplit":
        return {"pagesplit": page_split(doc, rng)}
    return {}
