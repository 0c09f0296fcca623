"""What one stage hands to the next: the records between locating, mapping and validating.

=====================  ===============================  =========================================
record                 made by                          read by
=====================  ===============================  =========================================
:class:`Region`,       :mod:`extractor.identify`          the layouts (:mod:`extractor.layouts`)
:class:`Scope`         (where each section is)
:class:`Hit`,          the layouts (what the document   :mod:`extractor.validate` (typed values,
:class:`ListHit`,      holds at each place, raw)        status, rules)
:class:`TextHit`,
:class:`Mapped`
=====================  ===============================  =========================================

Records hold data only (no stage logic) and import nothing but the IR, so every stage may import them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .ir import Cell, Paragraph, Table

if TYPE_CHECKING:  # annotations only: the map's section models
    from .maps.spec import Section

TC = tuple[Table, Cell]
"""A cell with the table it belongs to (labels are searched in pools of these)."""


# ---------------------------------------------------------------- locate → layouts
@dataclass
class Region:
    """Rows ``start`` (inclusive) to ``end`` (exclusive) of one table."""

    table: Table
    start: int
    end: int

    def cells(self) -> list[Cell]:
        return [c for c in self.table.cells if self.start <= c.row < self.end]


@dataclass
class Scope:
    """Where one section of the map is in the document: its heading and the table rows / paragraphs under it."""

    section: Section
    heading: str | None  # the heading text found, None when found by its labels
    heading_score: float
    regions: list[Region] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    heading_paragraph: Paragraph | None = None
    heading_cell: Cell | None = None

    def cells(self) -> list[Cell]:
        return [c for r in self.regions for c in r.cells()]

    def pool(self) -> list[TC]:
        """Every cell of the scope with its table, the heading's own cell left out (where labels are searched)."""
        out: list[TC] = []
        for r in self.regions:
            out += [(r.table, c) for c in r.cells() if c is not self.heading_cell]
        return out


# ---------------------------------------------------------------- layouts → validate
@dataclass
class Hit:
    """A place of the map and what the document holds there (raw, unparsed)."""

    id: str
    table: str
    row_label: str
    column_label: str | None
    kind: str
    raw: str | None
    cell: Cell | None = None
    paragraph: Paragraph | None = None
    label_score: float = 1.0
    period: int | str | None = None
    vtype: str | None = None
    unit: str | None = None
    required: bool = True
    options: list[str] = field(default_factory=list)
    multi: bool = False
    reasons: list[str] = field(default_factory=list)
    penalty: float = 1.0
    borrowed: bool = False  # read outside its own section (a cover line found in another section's cell)
    role: str = "value"  # grid: value | growth | evidence
    group: str | None = None  # grid row key (for cross-field rules)


@dataclass
class ListHit:
    """A record list: one row of :class:`Hit` per record, and the totals row."""

    id: str
    table: str
    columns: list[str]
    rows: list[list[Hit]]
    totals: list[Hit]
    reasons: list[str] = field(default_factory=list)


@dataclass
class TextHit:
    """A narrative section's text (guidance removed)."""

    id: str
    table: str
    row_label: str
    column_label: str | None
    heading: str
    text: str | None
    limit: int | None
    required: bool
    page: int | None
    score: float
    reasons: list[str] = field(default_factory=list)
    source: float = 1.0  # lowest source confidence of the cells / paragraphs read (1.0 for a text layer)


@dataclass
class Mapped:
    """Everything the layouts read from one document."""

    hits: list[Hit] = field(default_factory=list)
    lists: list[ListHit] = field(default_factory=list)
    texts: list[TextHit] = field(default_factory=list)
