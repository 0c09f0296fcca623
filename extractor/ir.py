"""The one intermediate representation every loader produces and every later stage reads.

A :class:`Document` is a sequence of blocks in body (reading) order: paragraphs
and tables. A :class:`Table` is a real grid: each :class:`Cell` appears once,
with its top-left grid position and its row/column span (merged cells are not
repeated). Nested tables hang off the cell that contains them.

Coordinates: ``bbox`` is ``(x0, top, x1, bottom)`` in the loader's page units
(PDF points for PDF/scans, ``None`` for Word, which has no layout); ``page`` is
1-based (Word: counted from explicit and last-rendered page breaks).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union

BBox = tuple[float, float, float, float]


@dataclass(eq=False)
class Cell:
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str = ""
    page: int | None = None
    bbox: BBox | None = None
    confidence: float = 1.0  # source confidence: 1.0 for a text layer, OCR score otherwise
    tables: list["Table"] = field(default_factory=list)  # nested tables, in order
    notes: list[str] = field(default_factory=list)  # why the source is doubtful (OCR: seal over the cell, …)

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(eq=False)
class Table:
    n_rows: int
    n_cols: int
    cells: list[Cell]
    page: int | None = None
    bbox: BBox | None = None
    index: int = -1  # position among all tables of the document (nested ones too) in reading order
    _grid: list[list[Cell | None]] | None = field(default=None, repr=False)

    def grid(self) -> list[list[Cell | None]]:
        """Each grid position -> the cell covering it (``None`` for a hole)."""
        if self._grid is None:
            g: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
            for c in self.cells:
                for r in range(c.row, min(c.row + c.rowspan, self.n_rows)):
                    for k in range(c.col, min(c.col + c.colspan, self.n_cols)):
                        g[r][k] = c
            self._grid = g
        return self._grid

    def at(self, row: int, col: int) -> Cell | None:
        if 0 <= row < self.n_rows and 0 <= col < self.n_cols:
            return self.grid()[row][col]
        return None

    def row_cells(self, row: int) -> list[Cell]:
        """Distinct cells covering ``row``, left to right."""
        out: list[Cell] = []
        for c in self.grid()[row]:
            if c is not None and (not out or out[-1] is not c):
                out.append(c)
        return out

    def is_full_width(self, row: int) -> bool:
        cells = self.row_cells(row)
        return len(cells) == 1 and cells[0].colspan == self.n_cols and cells[0].row == row

    def walk(self) -> Iterator["Table"]:
        """This table and every table nested in it, depth first."""
        yield self
        for c in self.cells:
            for t in c.tables:
                yield from t.walk()


@dataclass(eq=False)
class Paragraph:
    text: str
    page: int | None = None
    bbox: BBox | None = None
    style: str = ""
    confidence: float = 1.0
    notes: list[str] = field(default_factory=list)  # why the source is doubtful (as Cell.notes)


Block = Union[Paragraph, Table]


@dataclass(eq=False)
class Document:
    path: str
    format: str  # docx | pdf | scan | ...
    blocks: list[Block]
    pages: int = 1
    sha256: str = ""
    needs_ocr_pages: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[dict] = field(default_factory=list)  # pages read by OCR: page, dpi, size, rotation, skew, warped

    def __post_init__(self) -> None:
        self.renumber()

    def renumber(self) -> None:
        """Number every table (nested ones after their parent) in reading order; loaders that edit blocks call this."""
        n = 0
        for b in self.blocks:
            if isinstance(b, Table):
                for t in b.walk():
                    t.index = n
                    n += 1

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def all_text(self) -> str:
        """All text of the document (paragraphs and cells, nested tables too), for identification."""
        parts: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                parts.append(b.text)
            else:
                for t in b.walk():
                    parts.extend(c.text for c in t.cells)
        return "\n".join(parts)
