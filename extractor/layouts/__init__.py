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

A new layout touches exactly this: **one new module** here and **its import line** below. The module holds

- its section model: a subclass of :class:`~extractor.maps.spec.SectionBase` with ``layout: Literal["name"]``
  and the fields the map gives (``extra="forbid"`` is inherited), overriding ``own_labels`` / ``field_ids`` /
  ``places`` / ``reads`` so that identification, check-maps and the rules know what the section claims;
- its :class:`~extractor.layouts.base.Layout` subclass with ``section_type`` = that model and ``map()``,
  decorated with :func:`~extractor.layouts.base.register`.

Importing the module registers both: the layout in :data:`LAYOUTS` (what :func:`map_sections` runs) and the
model in the map format (:data:`extractor.maps.spec.section_types`), so ``layout: name`` validates in every map
and the published map schema lists it (``python -m extractor.schemas``). Nothing else names a layout. The five
layouts above keep their section models in :mod:`extractor.maps.spec` because stages before this one read them
(the rules read list and grid sections) and the bundled maps must load without this package; a layout that
only this package reads brings its model along, and maps that use it load once :mod:`extractor.layouts` has been
imported (the API, the CLI and the schema script import it).
"""
from __future__ import annotations

from ..maps.spec import SectionBase
from ..records import Hit, Mapped, Scope
from .base import LAYOUTS, Layout, register

# The layouts, one import line each (the import registers the module's layout):
from .form import FormLayout  # noqa: F401
from .grid import GridLayout  # noqa: F401
from .list import ListLayout  # noqa: F401
from .narrative import NarrativeLayout  # noqa: F401
from .paragraphs import ParagraphsLayout  # noqa: F401

__all__ = ["LAYOUTS", "FormLayout", "GridLayout", "Layout", "ListLayout", "NarrativeLayout", "ParagraphsLayout",
           "layout_of", "map_sections", "read_nested", "register"]


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
    doubt_shared_cells(out)
    return out


def doubt_shared_cells(out: Mapped) -> None:
    """One cell read, with the same text, for two places: a column line lost on a scan put two year columns on
    one cell, two sections with the same labels were read from one table, a cover line was found in another
    section's cell. Which place the value is is not sure: every such value is reviewed, with the reason (the list
    layout checks its own cells: :func:`.list.shared_cells`)."""
    by_cell: dict[int, list[Hit]] = {}
    for h in out.hits:
        if h.cell is not None and h.raw is not None and h.raw.strip():
            by_cell.setdefault(id(h.cell), []).append(h)
    for hs in by_cell.values():
        places = {(h.table, h.row_label, h.column_label, h.id) for h in hs}
        if len(places) < 2:
            continue
        for h in hs:  # a borrowed read (a cover line found in a table) doubts itself, not the cell's owner
            twins = [o for o in hs if o is not h and not o.borrowed and o.raw.strip() == h.raw.strip()]
            if twins:
                names = sorted({f"{o.table} / {o.row_label}" + (f" / {o.column_label}" if o.column_label else "")
                                for o in twins})
                h.reasons.append(f"the same cell was read for another place too: {'; '.join(names)}")


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
