"""OCR path: a list row cut by a page break whose short piece on the next page lost a column line (two cells read
as one wide cell). The row is still joined (no extra row shifting every row below by one); the cells under the
wide piece are doubted (their text cannot be told apart). Synthetic tables, no engine."""
from __future__ import annotations

from extractor.ir import Cell, Table
from extractor.ocr.assemble import DOUBT
from extractor.ocr.stitch import WIDE_NOTE, merge_tables

XS = [0.0, 40.0, 200.0, 300.0, 360.0]


def _row(xs: list[float], texts: list[str], r: int, y0: float, y1: float, page: int) -> list[Cell]:
    return [Cell(row=r, col=k, text=t, page=page, bbox=(xs[k], y0, xs[k + 1], y1), confidence=1.0)
            for k, t in enumerate(texts)]


def _tables(right_edge_of_wide: float) -> tuple[Table, Table]:
    a_cells = _row(XS, ["序号", "企业名称", "企业概况", "主导产品"], 0, 700, 720, 1) \
        + _row(XS, ["1", "株洲泰和", "主要从事动车", "动车"], 1, 720, 740, 1)
    a = Table(n_rows=2, n_cols=4, cells=a_cells, page=1, bbox=(0, 700, 360, 740))
    # below: 序号 empty (the row goes on), 概况 and 主导产品 read as one cell (their column line not found)
    xs_b = [0.0, 40.0, right_edge_of_wide]
    b_cells = _row(xs_b, ["", "精密传动集团有限公司"], 0, 72, 120, 2)
    b_cells.append(Cell(row=0, col=2, colspan=2, text="组的研发 组", page=2, bbox=(200.0, 72, 360.0, 120), confidence=1.0))
    b_cells += _row(XS, ["2", "瑞丰电力机车科技有限公司", "主要从事牵引", "牵引变流器"], 1, 120, 140, 2)
    b = Table(n_rows=2, n_cols=4, cells=b_cells, page=2, bbox=(0, 72, 360, 140))
    return a, b


def test_row_cut_with_a_lost_column_line_is_joined_and_doubted():
    a, b = _tables(200.0)
    m = merge_tables(a, b, cut=True)
    assert m.n_rows == 3  # header, row 1 (joined), row 2 — not an extra row
    assert m.at(1, 1).text == "株洲泰和\n精密传动集团有限公司" and m.at(1, 1).confidence == 1.0
    for col in (2, 3):
        assert m.at(1, col).confidence <= DOUBT and WIDE_NOTE in m.at(1, col).notes
    assert m.at(2, 0).text == "2" and m.at(2, 1).text == "瑞丰电力机车科技有限公司"


def test_wide_cell_edges_tolerance():
    from extractor.ocr.stitch import _pair_cut_row

    a, b = _tables(200.0)
    above = [c for c in a.cells if c.row == 1]
    below = [c for c in b.cells if c.row == 0]
    xpos = lambda c, k: c.bbox[k]  # noqa: E731
    # the wide cell's right edge vs the last cell's 360.0 pt: 4.0 pt off either way still pairs, 4.5 pt does not
    for right, n in ((359.0, 4), (364.0, 4), (364.5, 0), (356.0, 4), (355.5, 0)):
        below[-1].bbox = (200.0, 72, right, 120)
        assert len(_pair_cut_row(above, below, xpos, 4.0)) == n, right
