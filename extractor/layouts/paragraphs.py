"""The ``paragraphs`` layout: fill-ins typed into body paragraphs (cover page lines, 'XX' slots), or into the
cells of a cover re-typed as a table."""
from __future__ import annotations

from ..ir import Cell
from ..maps.spec import FieldSpec, ParagraphSection
from ..records import Hit, Mapped, Scope
from ..text import canon
from .base import Layout, register
from .fill import apply_fill, colon_for_gap, fill_labels, fill_segment
from .labels import field_hit, right_cell


@register
class ParagraphsLayout(Layout):
    section_type = ParagraphSection

    def map(self, scope: Scope, out: Mapped, scopes: list[Scope]) -> None:
        out.hits += [paragraph_field(scope, f) for f in self.section.fields]


def paragraph_field(sc: Scope, f: FieldSpec) -> Hit:
    h = field_hit(sc, f)
    template = f.fill or (f.label + "：{}")
    labels = fill_labels(sc.section.fields)
    own = f.label
    paras = ([sc.heading_paragraph] if sc.heading_paragraph else []) + sc.paragraphs
    texts = [(p, None, colon_for_gap(p.text, labels)) for p in paras] + \
        [(None, c, t) for c, t in _cell_lines(sc, [own, *labels])]
    for p, cell, text in texts:
        got = apply_fill(fill_segment(text, own, labels), template)
        if got is not None:
            h.paragraph, h.cell = p, cell  # where it was read: its source confidence, page and box go with it
            h.raw = got
            if cell is not None and sc.heading is None:  # the section itself not found: another section's cell
                h.borrowed = True
                h.reasons.append("read from a table cell: the section's own heading (the cover) was not found")
            return h
    h.reasons.append(f"line {template!r} not found")
    h.label_score = 0.0
    return h


def _cell_lines(sc: Scope, labels: list[str]) -> list[tuple[Cell, str]]:
    """(cell the value is in, text) of the scope's cells; a cell holding only a fill-in label (a cover line
    re-typed as a row of label and value cells) is read together with the cell to its right, as ``label：value``."""
    wanted = {canon(x) for x in labels}
    out: list[tuple[Cell, str]] = []
    for r in sc.regions:
        for c in r.cells():
            nxt = right_cell(r.table, c)
            if nxt is not None and canon(c.text) in wanted:
                out.append((nxt, c.text.strip().rstrip("：:") + "：" + nxt.text.strip()))
            else:
                out.append((c, c.text))
    return out
