"""OCR path: a year grid split by a page break, continued without a header and with other column widths (issue 9,
family 2). The continuation is aligned column by column, in order (the PDF stitcher's ``align_columns`` rule)."""
from __future__ import annotations

from extractor.ir import Cell, Table
from extractor.ocr.stitch import merge_tables

HEAD = ["指标", "2022年", "2023年", "2024年"]


def _table(xs: list[float], rows: list[list[str]], top: float, page: int) -> Table:
    ys = [top + 20.0 * i for i in range(len(rows) + 1)]
    cells = [Cell(row=r, col=k, text=t, page=page, bbox=(xs[k], ys[r], xs[k + 1], ys[r + 1]), confidence=1.0)
             for r, texts in enumerate(rows) for k, t in enumerate(texts)]
    return Table(n_rows=len(rows), n_cols=len(xs) - 1, cells=cells, page=page, bbox=(xs[0], ys[0], xs[-1], ys[-1]))


def _merged(xs2: list[float]):
    a = _table([50, 250, 350, 450, 550], [HEAD, ["产值", "1.1", "1.2", "1.3"]], 600, 1)
    b = _table(xs2, [["税金", "2.1", "2.2", "2.3"]], 72, 2)
    t = merge_tables(a, b, cut=False)
    header = {c.text: c.col for c in t.cells if c.row == 0}
    row = {c.text: c for c in t.cells if c.row == 2}
    return t, header, row


def test_moved_inner_lines_are_aligned_by_order():
    t, header, row = _merged([50, 380, 440, 500, 550])  # label column widened past two year lines
    assert t.n_cols == 4
    assert [row[v].col for v in ("税金", "2.1", "2.2", "2.3")] == [0, header["2022年"], header["2023年"],
                                                                  header["2024年"]]
    assert all(c.colspan == 1 for c in row.values())


def test_align_tolerance_boundaries():
    # an inner line 3.9 pt off is the same line (merged, nothing mapped); 4.1 pt off: mapped by order — both
    # give the same columns; an outer edge 4.1 pt off is another table shape: lines merged as before
    for dx in (3.9, 4.1):
        t, header, row = _merged([50, 250 + dx, 350, 450, 550])
        assert t.n_cols == 4 and row["2.1"].col == header["2022年"] and row["2.3"].col == header["2024年"]
    # 40 pt off (a tenfold tolerance would call it the same line): only the order rule keeps 4 columns
    t, header, row = _merged([50, 290, 350, 450, 550])
    assert t.n_cols == 4 and row["2.1"].col == header["2022年"]
    # outer edge 3.9 pt off (inside the tolerance) with moved inner lines: still aligned by order
    t, header, row = _merged([46.1, 380, 440, 500, 550])
    assert t.n_cols == 4 and row["2.1"].col == header["2022年"] and row["2.3"].col == header["2024年"]
    # outer edge moved beyond the tolerance: no order mapping (union of lines, an extra column)
    t, _, _ = _merged([45.9, 380, 440, 500, 550])
    assert t.n_cols > 4


def test_same_lines_merge_as_before():
    t, header, row = _merged([50, 250, 350, 450, 550])
    assert t.n_cols == 4 and [row[v].col for v in ("2.1", "2.2", "2.3")] == [header[y] for y in HEAD[1:]]


def test_a_third_page_meets_the_aligned_grid_not_the_ink():
    # page 2 aligned by order; page 3 has page 2's widths: it must land in the same columns (measured fault: the
    # second stitch read page 2's cells at their ink and moved the 2024 column onto 2023)
    a = _table([50, 250, 350, 450, 550], [HEAD, ["产值", "1.1", "1.2", "1.3"]], 600, 1)
    moved = [50, 380, 440, 500, 550]
    b = _table(moved, [["税金", "2.1", "2.2", "2.3"]], 72, 2)
    c = _table(moved, [["利润", "3.1", "3.2", "3.3"]], 72, 3)
    t = merge_tables(merge_tables(a, b, cut=False), c, cut=False)
    header = {x.text: x.col for x in t.cells if x.row == 0}
    for r, vals in ((2, ("2.1", "2.2", "2.3")), (3, ("3.1", "3.2", "3.3"))):
        row = {x.text: x for x in t.cells if x.row == r}
        assert [row[v].col for v in vals] == [header[y] for y in HEAD[1:]], r
    assert t.n_cols == 4


def test_rows_meeting_at_the_break_align_when_other_rows_differ():
    # the part below also holds a row of two columns (lines 50, 380, 550 — 380 is a grid line of the rows
    # above too) and one of three (a line at 300 the year rows do not have): the whole parts' lines differ in
    # number, so only the rows that meet at the break can pair the columns in order
    a = _table([50, 250, 350, 450, 550], [HEAD, ["产值", "1.1", "1.2", "1.3"]], 600, 1)
    b = _table([50, 380, 440, 500, 550], [["税金", "2.1", "2.2", "2.3"]], 72, 2)
    b.cells.append(Cell(row=1, col=0, text="备注", page=2, bbox=(50, 92, 300, 112)))
    b.cells.append(Cell(row=1, col=1, text="无", page=2, bbox=(300, 92, 550, 112)))
    b.n_rows = 2
    t = merge_tables(a, b, cut=False)
    header = {x.text: x.col for x in t.cells if x.row == 0}
    row = {x.text: x for x in t.cells if x.row == 2}
    assert [row[v].col for v in ("2.1", "2.2", "2.3")] == [header[y] for y in HEAD[1:]]
    note = {x.text: x for x in t.cells if x.row == 3}
    assert note["无"].col > 0 and note["备注"].col == 0


# ---------------------------------------------------------------- list rows at a page break (issue 9, family 6)
from extractor.ocr.assemble import DOUBT, RUNS_ON  # noqa: E402
from extractor.ocr.cell_text import join_lines as _join_lines  # noqa: E402
from extractor.ocr.stitch import SPLIT_NOTE  # noqa: E402


def _list(rows: list[list[str]], page: int, top: float) -> Table:
    return _table([0, 40, 200, 300], rows, top, page)


def test_numbered_row_below_is_a_new_row_even_when_text_ran_to_the_edge():
    a = _list([["序号", "企业名称", "产品"], ["1", "株洲卓越机电集团有限公司", "城轨车辆"]], 1, 700)
    b = _list([["2", "株洲海纳电力机车集团有限公司", "IGBT 模块"]], 2, 72)
    RUNS_ON[a.cells[4]] = True  # the long name filled its cell
    m = merge_tables(a, b, cut=True)
    assert m.n_rows == 3 and m.at(1, 1).text == "株洲卓越机电集团有限公司" and m.at(2, 0).text == "2"


def test_row_joined_on_running_text_alone_is_doubted():
    a = _list([["序号", "企业名称", "产品"], ["1", "株洲卓越机电集团有限", "城轨车辆"]], 1, 700)
    b = _list([["x", "公司", "整车"]], 2, 72)
    RUNS_ON[a.cells[4]] = True
    m = merge_tables(a, b, cut=True)
    assert m.n_rows == 2 and m.at(1, 1).text == "株洲卓越机电集团有限公司"
    assert m.at(1, 1).confidence <= DOUBT and SPLIT_NOTE in m.at(1, 1).notes


def test_a_key_line_keeps_its_line_break():
    # '数量：3个' below a line that ran to the cell edge starts a fill-in of its own (not the wrapped name)
    items = [(0, (10, 0, 296, 28), "名称：广西日用陶瓷工程技术研究中心、广西陶瓷产品", [], 1.0, 0),
             (1, (10, 30, 120, 58), "数量：3个", [], 1.0, 0)]
    assert _join_lines(items, 300, 28.0, 10) == "名称：广西日用陶瓷工程技术研究中心、广西陶瓷产品\n数量：3个"
    items[1] = (1, (10, 30, 120, 58), "质量检验检测中心", [], 1.0, 0)
    assert _join_lines(items, 300, 28.0, 10) == "名称：广西日用陶瓷工程技术研究中心、广西陶瓷产品质量检验检测中心"


def _unnumbered(rows: list[list[str]], page: int, top: float) -> Table:
    return _table([0, 160, 220, 280, 360], rows, top, page)


def test_whole_values_stacked_in_a_column_are_two_rows():
    # no 序号 column; the name ran to the cell edge above; revenue and growth below are whole numbers again
    head = ["企业名称", "2024年", "2025年", "主导产品"]
    a = _unnumbered([head, ["株洲卓越机电集团有限公司", "79.36", "89.41", "城轨车辆"]], 1, 700)
    b = _unnumbered([["株洲海纳电力机车集团有限公司", "59.38", "56.65", "IGBT 模块"]], 2, 72)
    RUNS_ON[a.cells[4]] = True
    m = merge_tables(a, b, cut=True)
    assert m.n_rows == 3 and m.at(2, 1).text == "59.38" and SPLIT_NOTE not in m.at(1, 0).notes
    # two whole dates stacked (the date cell itself filled its narrow cell)
    a = _unnumbered([head, ["湖南省动车组工程技术研究中心", "省级", "2022年12月", "湖南省科学技术厅"]], 1, 700)
    b = _unnumbered([["株洲市IGBT模块企业技术中心", "省级", "2024年10月", "湖南省工业和信息化厅"]], 2, 72)
    RUNS_ON[a.cells[4]] = RUNS_ON[a.cells[6]] = True
    assert merge_tables(a, b, cut=True).n_rows == 3
    # a number wrapped over the break ('16.2' above, '9' below): not two values — joined and doubted as before
    earlier = [["株洲安达轨道交通装备有限公司", "104.95", "105.92", "IGBT 模块"], ["株洲某某有限公司", "99.10", "98.20", "整车"]]
    a = _unnumbered([head, *earlier, ["株洲卓越机电集团有限", "16.2", "89.41", "城轨车辆"]], 1, 640)
    b = _unnumbered([["公司", "9", "", ""]], 2, 72)
    RUNS_ON[a.cells[12]] = True
    m = merge_tables(a, b, cut=True)
    assert m.n_rows == 4 and SPLIT_NOTE in m.at(3, 0).notes


def test_two_values_shapes():
    from extractor.ocr.stitch import STACKED_MIN_DIGITS, _two_values

    assert STACKED_MIN_DIGITS == 2
    assert _two_values("10", "12") and not _two_values("10", "2") and not _two_values("1", "12")  # 2 in, 1 out

    assert _two_values("3,136.04", "3393.33") and _two_values("12.66", "-4.60%") and _two_values("23", "45")
    assert not _two_values("104.9", "56")  # one decimal above, none below: a wrapped number may look so
    assert not _two_values("1", "2")  # single digits: a page number, a wrapped digit
    assert not _two_values("2022年", "12月") and not _two_values("城轨车辆", "整车")


def test_bracket_opened_above_and_closed_below_is_one_label():
    xs = [0, 200, 280, 360]
    rows = [["指标", "2021年", "2022年"], ["集群主导产业产值（亿元）", "500.10", "520.30"], ["增速（%）", "4.20", "4.00"]]

    def merged(label_above: str, label_below: str) -> Table:
        a = _table(xs, rows + [[label_above, "3136.04", "3393.33"]], 640, 1)
        b = _table(xs, [[label_below, "", ""]], 2, 72)
        RUNS_ON[a.cells[9]] = True
        return merge_tables(a, b, cut=True)

    m = merged("集群所在盟市工业总产值（亿元）（跨", "盟市联合培育集群填写牵头地情况）")
    assert m.n_rows == 4 and m.at(3, 0).text.endswith("牵头地情况）")
    assert SPLIT_NOTE not in m.at(3, 0).notes and m.at(3, 1).confidence == 1.0
    # balanced above: only the running text says so — joined but doubted, as before
    m = merged("集群所在盟市工业总产值（亿元）跨", "盟市联合培育集群填写牵头地情况")
    assert m.n_rows == 4 and SPLIT_NOTE in m.at(3, 0).notes


def _fill_in(label_below: str) -> Table:
    """gx-sme 七: the 省级 row ends page 11 with its name run to the cell edge; page 12 starts with a row whose
    label cell holds ``label_below``."""
    xs = [0, 120, 300, 420]
    a = _table(xs, [["集群中小企业公共服务平台建设情况", "建设或引入的国家级中小企业公共服务示范平台名称及数量",
                     "数量：1个\n名称：北流市中小企业公共服务平台"],
                    ["", "建设或引入的省级中小企业公共服务示范平台名称及数量",
                     "数量：2个\n名称：北流市陶瓷产业公共服务中心、玉林市中小企业服务中心北流分中心"]], 700, 1)
    a.cells[0].rowspan = 2
    a.cells = [c for c in a.cells if c.text or c.col]
    RUNS_ON[a.cells[-1]] = True  # the name filled its cell to the edge
    b = _table(xs, [["", label_below, "数量：1个\n名称：北流陶瓷电商孵化基地"]], 72, 2)
    return merge_tables(a, b, cut=True)


def test_a_sibling_label_below_the_break_starts_a_new_row():
    # the label below begins as the one above (建设或引入的…): a new row of the group, though text ran to the edge
    m = _fill_in("建设或引入的其他中小企业公共服务示范平台名称及数量")
    assert m.n_rows == 3
    assert m.at(1, 2).text.endswith("北流分中心") and SPLIT_NOTE not in m.at(1, 2).notes
    assert m.at(2, 2).text.endswith("孵化基地")


def test_sibling_prefix_boundaries():
    # SIBLING_PREFIX = 4: four characters alike ('建设或引') make siblings; three ('建设或') do not, and a label's
    # tail below ('及数量（需…）') goes on in the row above, doubted
    assert _fill_in("建设或引进的其他平台").n_rows == 3
    assert _fill_in("建设或新增的其他平台").n_rows == 2
    # or ending alike (gx-sme 三: '省级…创新平台名称及数量' above, '其他平台名称及数量' below): four, not three
    assert _fill_in("其他平台示范平台名称及数量").n_rows == 3
    assert _fill_in("其他平台示范平台名称和数量").n_rows == 2
    m = _fill_in("（按认定文件填写）")
    assert m.n_rows == 2 and SPLIT_NOTE in m.at(1, 2).notes


def test_a_full_width_heading_below_a_one_row_table_is_a_new_row():
    # prov-cluster 四: '集群促进组织名称 | 株洲市…协会' ends page 10; page 11 starts with the full-width heading row
    # '4.1 基本情况'. The heading spans both cells above; the filler paired with the value cell is no cell seen
    # empty, so the 'header row cut' rule must not join them (the section 4.1 was lost)
    a = _table([0, 120, 420], [["集群促进组织名称", "株洲市轨道交通装备产业协会"]], 760, 1)
    b = _table([0, 420], [["4.1 基本情况"], ["株洲市轨道交通装备产业协会于2019年登记成立"]], 72, 2)
    m = merge_tables(a, b, cut=True)
    assert m.n_rows == 3
    assert m.at(0, 0).text == "集群促进组织名称" and m.at(1, 0).text == "4.1 基本情况"
    assert all(not c.notes for c in m.cells)
    # a header row really cut (its cells seen empty below) is still joined
    b2 = _table([0, 120, 420], [["（单位）", ""], ["产值", "1.1"]], 72, 2)
    m2 = merge_tables(a, b2, cut=True)
    assert m2.n_rows == 2 and m2.at(0, 0).text.endswith("（单位）")


def test_row_one_below_a_header_that_ends_a_page_is_a_new_row():
    # prov-cluster （四）拟建项目库: the two header rows end page 15 (序号 … span both; 姓名 | 联系电话 under 项目联系人),
    # row 1 starts page 16. It was joined into the header (its names ran to their cells' edges) and lost, rows
    # 2 and 3 moved up to 1 and 2, all ok
    xs = [0, 30, 150, 250, 300, 360]
    a = _table(xs, [["序号", "项目名称", "建设地点", "项目联系人", ""], ["", "", "", "姓名", "联系电话"]], 740, 1)
    for c in a.cells:
        if c.row == 0 and c.col < 3:
            c.rowspan = 2
    a.cells = [c for c in a.cells if c.text or c.row == 0]
    head = [c for c in a.cells if c.row == 0 and c.col == 3][0]
    head.colspan = 2
    a.cells = [c for c in a.cells if not (c.row == 0 and c.col == 4)]
    for c in a.cells:
        RUNS_ON[c] = True  # header texts wrap to their cells' edges
    b = _table(xs, [["1", "车载信号设备配套产业园项目", "株洲市荷塘区", "丁鹏", "17771917731"],
                    ["2", "轨道工程机械研发及产业化项目", "株洲市天元区", "丁霞", "15825254442"]], 72, 2)
    m = merge_tables(a, b, cut=True)
    assert m.n_rows == 4
    assert m.at(0, 0).text == "序号" and m.at(2, 0).text == "1" and m.at(2, 1).text == "车载信号设备配套产业园项目"
