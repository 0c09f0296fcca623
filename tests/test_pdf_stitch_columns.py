"""A year grid split by a page break, continued without a header and with other column widths (issue 8, 5c).

The continuation is aligned to the header above by column geometry (same number of column lines, same outer
edges: column by column, in order), never by where its lines happen to fall under the header's.
"""
from __future__ import annotations

from extractor.ir import Cell
from extractor.loaders.pdf.grid import PTable
from extractor.loaders.pdf.stitch import CellText, Stitcher, _compatible, align_columns


def _part(xs: list[float], rows: list[list[str]], top: float, page: int) -> PTable:
    ys = [top + 20.0 * i for i in range(len(rows) + 1)]
    cells, grid = [], []
    for r, texts in enumerate(rows):
        line = []
        for k, text in enumerate(texts):
            c = Cell(row=r, col=k, text=text, page=page, bbox=(xs[k], ys[r], xs[k + 1], ys[r + 1]))
            cells.append(c)
            line.append(c)
        grid.append(line)
    return PTable(xs=list(xs), ys=ys, cells=cells, bbox=(xs[0], ys[0], xs[-1], ys[-1]), page=page, grid=grid)


HEAD = ["指标", "2022年", "2023年", "2024年"]


def _stitched(xs2: list[float]):
    first = _part([50, 250, 350, 450, 550], [HEAD, ["产值", "1.1", "1.2", "1.3"]], 600, 1)
    # bottom of page 1 far below the table: the next part starts a new row (no split row)
    st = Stitcher(first, CellText({}), body_bottom=790)
    st.add(_part(xs2, [["税金", "2.1", "2.2", "2.3"]], 72, 2))
    t = st.table()
    header = {c.text: c.col for c in t.cells if c.row == 0}
    row = {c.text: c for c in t.cells if c.row == 2}
    return header, row


def test_widened_label_column_is_aligned_by_order():
    # the label column now reaches past the first year column's line (x=350 > 250, and beyond 300)
    header, row = _stitched([50, 380, 440, 500, 550])
    assert row["2.1"].col == header["2022年"]
    assert row["2.2"].col == header["2023年"]
    assert row["2.3"].col == header["2024年"]
    assert all(c.confidence == 1.0 and not c.notes for c in row.values())


def test_lines_that_coincide_are_merged_as_before():
    header, row = _stitched([50, 250, 350, 450, 550])
    assert [row[v].col for v in ("2.1", "2.2", "2.3")] == [header[y] for y in HEAD[1:]]


def test_align_columns_boundaries():
    ref = [50.0, 250.0, 350.0, 450.0, 550.0]
    # within the 2.5 pt tolerance: the same lines, nothing to map
    assert align_columns(ref, [50.0, 252.4, 350.0, 450.0, 550.0]) is None
    # just outside it: the same count and edges, so mapped by order
    snap = align_columns(ref, [50.0, 252.6, 350.0, 450.0, 550.0])
    assert snap is not None and snap(252.6) == 250.0 and snap(450.0) == 450.0
    # outer edge moved beyond the tolerance, or another number of columns: not aligned
    assert align_columns(ref, [47.4, 300.0, 350.0, 450.0, 550.0]) is None
    assert align_columns(ref, [50.0, 300.0, 400.0, 550.0]) is None


def test_part_with_other_columns_is_not_stitched():
    prev = _part([50, 250, 350, 450, 550], [HEAD], 600, 1)
    assert not _compatible(prev, _part([50, 300, 420, 550], [["税金", "2.1", "2.2"]], 72, 2))
    assert _compatible(prev, _part([50, 380, 440, 500, 550], [["税金", "2.1", "2.2", "2.3"]], 72, 2))


# ---------------------------------------------------------------- a list row cut by the page break
from extractor.loaders.pdf.stitch import SPLIT_DOUBT  # noqa: E402
from extractor.validate import OK_CONFIDENCE  # noqa: E402


class _Ran(CellText):
    """Text-wrap evidence given: ``ran`` holds the texts (above) that ran to their edge."""

    ran: set[str] = set()

    def wrapped(self, a, b, strong=False):  # noqa: ANN001
        return not strong and a.text in self.ran


def _list_parts(n: int):
    xs = [50.0 + 60.0 * i for i in range(n + 2)]
    first = _part(xs, [["序号"] + [f"列{i}" for i in range(n)], ["1"] + [f"上{i}" for i in range(n)]], 700, 1)
    nxt = _part(xs, [[""] + [f"下{i}" for i in range(n)]], 72, 2)
    return first, nxt


def _run(n: int, ran: set[str]):
    first, nxt = _list_parts(n)
    text = _Ran({})
    text.ran = ran
    st = Stitcher(first, text, body_bottom=first.bbox[3])  # the row touches the foot of the page
    st.add(nxt)
    return st.table()


def test_row_split_when_enough_cells_ran_to_their_edge():
    n = 3  # MIN_RAN_CELLS
    t = _run(n, {f"上{i}" for i in range(n)})
    assert t.n_rows == 2  # header + one record: the lower part joined the row above
    assert {c.text for c in t.cells if c.row == 1 and c.col == 1} == {"上0\n下0"}


def test_too_few_cells_ran_is_a_new_row_but_flagged():
    n = 2  # one less than MIN_RAN_CELLS
    t = _run(n, {f"上{i}" for i in range(n)})
    assert t.n_rows == 3
    vals = [c for c in t.cells if c.row >= 1 and c.text.strip()]
    assert vals and all(c.confidence == 0.6 == SPLIT_DOUBT and c.notes for c in vals)  # the confidence reported
    assert SPLIT_DOUBT < OK_CONFIDENCE


def test_some_cells_ran_is_flagged_none_is_trusted():
    n = 3
    t = _run(n, {"上0"})
    assert t.n_rows == 3 and all(c.confidence < OK_CONFIDENCE for c in t.cells if c.row >= 1 and c.text.strip())
    t = _run(n, set())
    assert t.n_rows == 3 and all(c.confidence == 1.0 and not c.notes for c in t.cells)
