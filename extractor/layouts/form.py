"""The ``form`` layout: label cells with their value cells — the value right of the label, in the label's own
cell, a fill-in template, tick boxes, a narrative box or a signature box with its date."""
from __future__ import annotations

import re

from ..ir import Cell, Table
from ..maps.spec import FieldSpec, FormSection
from ..records import Hit, Mapped, Scope
from ..text import BOXES, canon, line_score
from .base import Layout, register
from .fill import apply_fill, fill_labels, fill_segment, literal_lines
from .guidance import strip_guidance
from .labels import field_hit, locate_one, right_cell, strip_hint

SEAL = re.compile(r"[（(]\s*(?:单位)?(?:盖章|公章|签字|签章)\s*[)）]")
DATE_BLANK = re.compile(r"^\s*(\d{4})?\s*年\s*(\d{1,2})?\s*月\s*(\d{1,2})?\s*日\s*$")
DATE_VALUE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?")


@register
class FormLayout(Layout):
    section_type = FormSection

    def map(self, scope: Scope, out: Mapped, scopes: list[Scope]) -> None:
        out.hits += [form_field(scope, f) for f in self.section.fields]


def form_field(sc: Scope, f: FieldSpec) -> Hit:
    h = field_hit(sc, f)
    twins = max((g.occurrence for g in sc.section.fields if g.label == f.label), default=1)
    tc, score, reasons = locate_one(sc, f.label, f.occurrence, twins)
    h.reasons += reasons
    if tc is None:
        h.reasons.append(f"label {f.label!r} not found in the table")
        h.label_score = 0.0
        return h
    t, lab = tc
    h.label_score = score
    if f.kind == "check":
        cell = lab if _has_boxes(lab.text, f.options) else right_cell(t, lab)
        h.cell, h.raw = cell, cell.text if cell else None
        return h
    if f.kind in ("signature",) or (f.kind == "narrative" and f.column_label):
        return _signature(h, t, lab, f)
    cell = lab if f.in_label_cell else right_cell(t, lab)
    if cell is None:
        h.reasons.append("no cell to the right of the label")
        return h
    h.cell = cell
    if f.fill:
        h.raw = _read_fill(sc, f, h, cell.text)
    elif f.kind == "narrative":
        h.raw = strip_guidance(cell.text, f.guidance)
    else:
        h.raw = strip_hint(cell.text, f.hint)
    if not f.in_label_cell and _looks_like_label(sc, cell, f):
        h.reasons.append("the cell right of the label holds another label: value cell missing?")
        h.raw = None
    return h


def _read_fill(sc: Scope, f: FieldSpec, h: Hit, text: str) -> str:
    """The blank of the fill-in template; the whole cell (less the template's words) when it is not found."""
    got = apply_fill(fill_segment(text, f.label.split("/")[-1], fill_labels(sc.section.fields)), f.fill)
    if got is not None:
        return got
    rest = text
    for lit in literal_lines(f.fill) + ([f.label.split("/")[-1]] if f.in_label_cell else []):
        rest = rest.replace(lit.strip(), "")
    rest = SEAL.sub("", rest).strip(" \t\u3000_\n：:")
    rest = re.sub(r"[（(]需[^）)]*[)）]", "", rest).strip()
    if rest:
        h.reasons.append(f"fill-in text {f.fill!r} not found; read the whole cell")
        h.penalty *= 0.8
    return rest


def _looks_like_label(sc: Scope, cell: Cell, f: FieldSpec) -> bool:
    if not cell.text.strip() or not isinstance(sc.section, FormSection):
        return False
    ct = canon(cell.text)
    for g in sc.section.fields:
        if g is f:
            continue
        for seg in g.label.split("/"):
            if canon(seg) == ct and len(ct) >= 2:
                return True
    return False


def _has_boxes(text: str, options: list[str]) -> bool:
    return any(ch in BOXES for ch in text) and any(canon(o) in canon(text) for o in options)


def _signature(h: Hit, t: Table, lab: Cell, f: FieldSpec) -> Hit:
    """A signature box: the label's own cell when it holds the 年 月 日 line, else the cell right or below."""
    cands = [lab, right_cell(t, lab), t.at(lab.last_row + 1, lab.col)]
    cell = next((c for c in cands if c is not None and ("年" in c.text and "日" in c.text)), None)
    if cell is None:
        cell = next((c for c in cands[1:] if c is not None), lab)
    h.cell = cell
    if f.kind == "signature":
        m = DATE_VALUE.search(cell.text)
        h.raw = m.group(0) if m else ""
        return h
    lines = []
    label_leaf = f.label.split("/")[-1]
    for line in cell.text.splitlines():
        s = line.strip()
        if not s or line_score(s, label_leaf) >= 0.85 or SEAL.fullmatch(s) or DATE_BLANK.match(s):
            continue
        s = SEAL.sub("", s)
        s = re.sub(r"^.*?(签字|盖章|公章)[)）]?[：:]\s*", "", s) if canon(label_leaf) in canon(s) else s
        if s.strip():
            lines.append(s.strip())
    h.raw = strip_guidance("\n".join(lines), f.guidance)
    return h
