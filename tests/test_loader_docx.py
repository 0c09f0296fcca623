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


def test_symbol_ticks_and_tracked_changes(tmp_path: Path):
    """Wingdings ticks (w:sym) become ☑/□; deleted revisions are not text; inserted ones are."""
    from docx import Document as Docx
    from docx.oxml import parse_xml

    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    d = Docx()
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "工业软件应用率稳步提升"
    p = t.cell(0, 1).paragraphs[0]._p
    p.append(parse_xml(f'<w:r {W}><w:sym w:font="Wingdings" w:char="F0FE"/><w:t>是</w:t></w:r>'))
    p.append(parse_xml(f'<w:r {W}><w:sym w:font="Wingdings" w:char="F0A8"/><w:t>否</w:t></w:r>'))
    p.append(parse_xml(f'<w:del {W} w:id="1" w:author="a"><w:r><w:delText>旧值</w:delText></w:r></w:del>'))
    p.append(parse_xml(f'<w:ins {W} w:id="2" w:author="a"><w:r><w:t>（已核）</w:t></w:r></w:ins>'))
    d.save(tmp_path / "s.docx")
    cell = load(tmp_path / "s.docx").tables()[0].cells[1]
    assert cell.text == "☑是□否（已核）"
