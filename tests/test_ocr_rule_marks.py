"""A ruling line broken on a fax (issue 9): the grid takes two header cells for one, and the recogniser reads the
rule's pieces as 'T'. Such a cell is split back at the column lines; anything else stays one cell."""
from __future__ import annotations

from extractor.ocr.assemble import RULE_MARK_NEAR, RULE_MARK_W, split_on_rule_marks
from extractor.ocr.grid import Grid, GridCell

H = 20.0  # text height, px
XS = [200, 700, 950, 1200, 1450]


def _grid() -> tuple[Grid, GridCell]:
    gc = GridCell(0, 2, 1, 2, (950, 200, 1450, 260))
    return Grid((200, 200, 1450, 800), XS, [200, 260, 800], [gc]), gc


def _item(x0: int, x1: int, text: str, band: int = 1) -> tuple:
    return (band, (x0, 216, x1, 242), text, [0.99] * len(text), 1.0, 0)


def test_header_cell_split_at_a_rule_read_as_T():
    g, gc = _grid()
    items = [_item(1199, 1202, "T", 0), _item(1030, 1120, "2023年"), _item(1199, 1202, "T"), _item(1280, 1370, "2024年")]
    parts = split_on_rule_marks(g, gc, items, H)
    assert [(c.col, c.colspan, c.box[0], c.box[2]) for c, _ in parts] == [(2, 1, 950, 1200), (3, 1, 1200, 1450)]
    assert [[it[2] for it in its] for _, its in parts] == [["2023年"], ["2024年"]]


def test_rule_mark_boundaries():
    assert RULE_MARK_W == 0.3 and RULE_MARK_NEAR == 0.3
    g, gc = _grid()
    words = [_item(1030, 1120, "2023年"), _item(1280, 1370, "2024年")]
    # width 6 px = 0.3 text heights: a rule piece; 7 px: a glyph
    assert len(split_on_rule_marks(g, gc, words + [_item(1197, 1203, "T")], H)) == 2
    assert len(split_on_rule_marks(g, gc, words + [_item(1197, 1204, "T")], H)) == 1
    # middle 6 px (0.3 text heights) from the column line: still the rule; 7 px: not
    assert len(split_on_rule_marks(g, gc, words + [_item(1205, 1207, "T")], H)) == 2
    assert len(split_on_rule_marks(g, gc, words + [_item(1206, 1208, "T")], H)) == 1


def test_merged_cells_stay_merged():
    g, gc = _grid()
    # a real merged header: text centred across the line, nothing read at the line
    assert len(split_on_rule_marks(g, gc, [_item(1100, 1300, "营业收入（亿元）")], H)) == 1
    # a digit 1 at the line is a value, never a rule piece
    assert len(split_on_rule_marks(g, gc, [_item(1199, 1203, "1")], H)) == 1
    # text across the column line besides the piece: one cell
    assert len(split_on_rule_marks(g, gc, [_item(1199, 1202, "T"), _item(1150, 1260, "跨线文字")], H)) == 1
