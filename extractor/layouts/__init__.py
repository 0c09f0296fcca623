"""Section layouts: how each kind of map section is read, one module per layout.

=================  ==================================  =============================================
layout (``map``)   module                              reads
=================  ==================================  =============================================
``form``           :mod:`~extractor.layouts.form`      label → value cell, fill-ins, ticks, signatures
``grid``           :mod:`~extractor.layouts.grid`      row labels × column headers
``list``           :mod:`~extractor.layouts.list`      record lists (header, rows, totals)
``narrative``      :mod:`~extractor.layouts.narrative` a writing box, guidance removed
``paragraphs``     :mod:`~extractor.layouts.paragraphs` fill-ins in body paragraphs (cover pages)
=================  ==================================  =============================================

Shared: :mod:`~extractor.layouts.labels` (label paths), :mod:`~extractor.layouts.columns` (header bands),
:mod:`~extractor.layouts.fill` (fill-in templates), :mod:`~extractor.layouts.guidance` (printed guidance).
Every layout implements :class:`~extractor.layouts.base.Layout`. A new layout is one module with a
:class:`Layout` subclass and one line in :data:`LAYOUTS` (plus its section model in :mod:`extractor.maps.spec`,
the map format).
"""
from __future__ import annotations

from ..maps.spec import SectionBase
from ..records import Mapped, Scope
from .base import Layout
from .form import FormLayout
from .grid import GridLayout
from .list import ListLayout
from .narrative import NarrativeLayout
from .paragraphs import ParagraphsLayout

LAYOUTS: dict[type[SectionBase], type[Layout]] = {
    cls.section_type: cls for cls in (FormLayout, GridLayout, ListLayout, NarrativeLayout, ParagraphsLayout)
}
"""Each map section class → the layout that reads it."""


def layout_of(section: SectionBase) -> Layout:
    """The layout that reads ``section``."""
    return LAYOUTS[type(section)](section)


def map_sections(scopes: list[Scope]) -> Mapped:
    """The map stage: every located section (:func:`extractor.identify.locate_sections`, on the map of the
    document's edition: nothing here shifts years) read by its layout, in map order, into raw hits
    (:class:`~extractor.records.Hit` / ``ListHit`` / ``TextHit`` in a :class:`~extractor.records.Mapped`);
    then values typed into nested tables. Nothing is parsed here."""
    out = Mapped()
    for sc in scopes:
        layout_of(sc.section).map(sc, out, scopes)
    read_nested(out, {id(r.table) for sc in scopes for r in sc.regions})
    return out


def read_nested(out: Mapped, sections: set[int]) -> None:
    """A value typed into a table nested inside an otherwise empty value cell is that cell's value (unless the
    nested table is itself a mapped section); text from several nested cells is joined and flagged."""
    for h in out.hits + [h for lh in out.lists for row in lh.rows + [lh.totals] for h in row]:
        c = h.cell
        if c is None or h.raw is None or not c.tables or c.text.strip():
            continue
        inner = [t for top in c.tables for t in top.walk()]
        if any(id(t) in sections for t in inner):
            continue
        texts = [x.text.strip() for t in inner for x in t.cells if x.text.strip()]
        if texts:
            h.raw = "\n".join(texts)
            if len(texts) > 1:
                h.reasons.append(f"value read from {len(texts)} cells of a table nested in the value cell")
