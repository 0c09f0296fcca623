from pathlib import Path

import pytest

from conftest import SHARED_TEMPLATES, TEMPLATE_IDS
from extractor.errors import CorruptFile
from extractor.ir import Paragraph, Table
from extractor.loaders import load


def test_true_grid_with_merges():
    doc = load(SHARED_TEMPLATES / "tj-amc-2025.docx")
    t = doc.tables()[0]
    assert (t.n_rows, t.n_cols) == (12, 7)
    group = next(c for c in t.cells if c.text.startswith("集群建设的组织单位"))
    assert (group.row, group.col, group.rowspan, group.colspan) == (3, 0, 5, 1)
    contact = [c for c in t.cells if c.text == "联系人"][0]
    assert (contact.rowspan, contact.col) == (3, 1)
    # every grid position covered exactly once, by distinct cells
    grid = t.grid()
    assert all(grid[r][c] is not None for r in range(t.n_rows) for c in range(t.n_cols))
    assert len({id(c) for c in t.cells}) == len(t.cells)


def test_body_order_and_nested_tables():
    doc = load(SHARED_TEMPLATES / "gx-sme-2024.docx")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds.index("Table") > 0 and isinstance(doc.blocks[0], Paragraph)
    nested = [c for t in doc.tables() for c in t.cells if c.tables]
    assert len(nested) == 1
    inner = nested[0].tables[0]
    assert (inner.n_rows, inner.n_cols) == (15, 4)
    assert "方向" not in nested[0].text  # nested text belongs to the nested table only


@pytest.mark.parametrize("tid", TEMPLATE_IDS)
def test_all_templates_load(tid):
    doc = load(SHARED_TEMPLATES / f"{tid}.docx")
    assert doc.tables() and doc.sha256 and doc.format == "docx"


def test_corrupt_docx(tmp_path: Path):
    p = tmp_path / "x.docx"
    p.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(CorruptFile):
        load(p)
