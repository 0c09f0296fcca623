"""Places of a blank form: where the generator types, found through the template specs.

``load_specs`` imports the declarative specs of the templates folder (``form_dsl``, ``template_specs``,
``build_templates.layout_rows``).  ``find_lists`` locates each list table of ``<id>.fields.json`` in the
spec tables (by header texts); ``Walker`` walks spec blocks and the docx body in parallel and emits a
``Cand`` (fillable candidate) per place in document order; ``align`` matches the candidates, in order,
with the ``fields`` entries of fields.json and numbers identical places (``occurrence``).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from gen_common import nonl, norm

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


def header_labels(placed, r: int) -> tuple[dict, list]:
    """Column labels of candidate header row ``r`` (and r+1 for two-level headers, ``parent/child``):
    ({grid column: (label, span)}, header row indices)."""
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
    return lab, hrows


def data_rows(placed, start: int, cols: list) -> tuple[list, int | None]:
    """Spec rows of a list from ``start``: rows whose list cells are all fillable, up to 合计 (its row index)."""
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
    return data, total


def find_list(ent: dict, spec_tables, docx_tables, used: set) -> ListLoc | None:
    """The first header row (not in ``used``) of any spec table holding all the columns of list ``ent``."""
    want = ent["columns"]
    for ti, (spec, dt) in enumerate(zip(spec_tables, docx_tables)):
        ncols = len(spec.widths)
        placed = layout_rows(spec.rows, ncols)
        for r in range(len(placed)):
            lab, hrows = header_labels(placed, r)
            by_text = {t: c0 for c0, (t, s) in lab.items()}
            if not all(w in by_text for w in want):
                continue
            if (ti, r) in used:
                continue
            cols = [by_text[w] for w in want]
            data, total = data_rows(placed, hrows[-1] + 1, cols)
            numcol = None
            for p in placed[r]:
                if p.cell is not None and p.cell.text == "序号":
                    numcol = p.col
            used.add((ti, r))
            return ListLoc(ent, dt, hrows, data, total, cols, numcol, spec.font_size, ti)
    return None


def find_lists(spec_tables, docx_tables, list_entries):
    """Locate each list table of fields.json in the spec tables (header match)."""
    locs = []
    used = set()
    for ent in list_entries:
        found = find_list(ent, spec_tables, docx_tables, used)
        if not found:
            raise RuntimeError(f"list table not found: {ent['table']} {ent['columns']}")
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
                left = left_label(placed, prow, i)
                self.cell_cands(ct, cell, dt.cell(r, p.col), spec, (ti, r, p.col), left, title)

    def cell_cands(self, ct, cell, dcell, spec, where, left, title):
        """The candidates of one fillable spec cell (class ``ct``) at ``where`` = (table, row, column)."""
        ti = where[0]
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
                           nested_key=where)
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


def left_label(placed, prow, i: int) -> str | None:
    """Text of the nearest label cell left of cell ``i`` of a placed row (merged cells: their origin)."""
    for j in range(i - 1, -1, -1):
        q = prow[j]
        qc = q.cell if q.cell is not None else next(
            x.cell for x in placed[q.origin_row] if x.col == q.col)
        if classify(qc) is None:
            return qc.text.split("\n")[-1] if qc.role == "diag" else qc.text
    return None


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
