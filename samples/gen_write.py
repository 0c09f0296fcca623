"""Writing the drawn values into the copy of the blank .docx, and checking them in place.

Typing into cells (over a printed hint or into the empty paragraph), narrative boxes (replacing the
guidance or after it), ticks in check boxes, fill-ins, cover lines, slots in sentences, list rows and
their 序号, the year shift of the next-year edition; ``verify_place`` reads each place back.
"""
from __future__ import annotations

import random
import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from gen_common import FANG, LATIN, SONG, YAHEI, Val, shift_years
from gen_places import ListLoc, Place

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
