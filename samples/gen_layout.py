"""Layout changes of the messy / long / landscape outputs, and the reproducible save.

Repeated header rows, a landscape section with widened tables, inserted list rows, a list table split
into two Word tables, changed fonts; ``save_reproducible`` rewrites the saved zip with fixed timestamps so
that a seed gives byte-identical files.
"""
from __future__ import annotations

import copy
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from gen_common import YAHEI
from gen_write import style_run

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
