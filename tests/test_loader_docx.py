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


# ---------------------------------------------------------------- what is invisible is not the value (issue 8 item 1)
WNS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _one_cell(tmp_path: Path, *runs_xml: str, block_xml: str | None = None, style_hidden: str | None = None) -> str:
    """A one-row table whose second cell holds the given runs (or a block-level element); its text as loaded."""
    from docx import Document as Docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml

    d = Docx()
    if style_hidden:
        st = d.styles.add_style(style_hidden, WD_STYLE_TYPE.CHARACTER)
        st.font.hidden = True
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "联系人"
    tc = t.cell(0, 1)._tc
    p = tc.findall(f"{{{W_URI}}}p")[0]
    for r in runs_xml:
        p.append(parse_xml(r))
    if block_xml is not None:
        p.addprevious(parse_xml(block_xml))
    d.save(tmp_path / "s.docx")
    return load(tmp_path / "s.docx").tables()[0].cells[1].text


W_URI = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _r(text: str, rpr: str = "") -> str:
    return f'<w:r {WNS}><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def test_placeholder_of_empty_content_control_is_no_text(tmp_path: Path):
    inline = (f'<w:sdt {WNS}><w:sdtPr><w:showingPlcHdr/><w:text/></w:sdtPr><w:sdtContent>'
              f'<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>单击或点击此处输入文字。</w:t></w:r>'
              '</w:sdtContent></w:sdt>')
    assert _one_cell(tmp_path, inline) == ""
    # a block-level content control (wrapping the cell's paragraph) showing its placeholder
    block = (f'<w:sdt {WNS}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
             '<w:p><w:r><w:t>单击或点击此处输入文字。</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    assert _one_cell(tmp_path, block_xml=block) == ""
    # a filled content control is read; so is one whose showingPlcHdr is switched off
    filled = inline.replace("<w:showingPlcHdr/>", "").replace("单击或点击此处输入文字。", "高宇")
    assert _one_cell(tmp_path, filled) == "高宇"
    off = inline.replace("<w:showingPlcHdr/>", '<w:showingPlcHdr w:val="0"/>').replace("单击或点击此处输入文字。", "高宇")
    assert _one_cell(tmp_path, off) == "高宇"


def test_hidden_runs_are_not_read(tmp_path: Path):
    assert _one_cell(tmp_path, _r("2.4"), _r("9", "<w:vanish/>"), _r("1")) == "2.41"
    assert _one_cell(tmp_path, _r("高宇"), _r("（旧：邵晓）", "<w:specVanish/>")) == "高宇"
    # vanish switched off is visible text
    assert _one_cell(tmp_path, _r("2.4"), _r("1", '<w:vanish w:val="false"/>')) == "2.41"
    # a vanish inside a tracked formatting change (the run's old properties) does not hide it
    assert _one_cell(tmp_path, _r("2.41", "<w:rPrChange w:id=\"1\" w:author=\"a\"><w:rPr><w:vanish/></w:rPr></w:rPrChange>")) == "2.41"


def test_runs_of_a_hiding_character_style_are_not_read(tmp_path: Path):
    text = _one_cell(tmp_path, _r("高宇"), _r("备注", '<w:rStyle w:val="HiddenNote"/>'), style_hidden="HiddenNote")
    assert text == "高宇"


def test_format_characters_are_removed(tmp_path: Path):
    assert _one_cell(tmp_path, _r("高\u200b宇\ufeff")) == "高宇"
    assert _one_cell(tmp_path, _r("\ufeff4\u200b5.\u00ad8\u200e7\u202a\u202c\u2060\u2066\u2069\u200c\u200d")) == "45.87"


def test_hidden_text_styles_follow_based_on():
    from extractor.loaders.docx import hidden_styles

    xml = (f'<w:styles {WNS}>'
           '<w:style w:styleId="A"><w:rPr><w:vanish/></w:rPr></w:style>'
           '<w:style w:styleId="B"><w:basedOn w:val="A"/></w:style>'
           '<w:style w:styleId="C"><w:basedOn w:val="A"/><w:rPr><w:vanish w:val="0"/></w:rPr></w:style>'
           '<w:style w:styleId="D"><w:basedOn w:val="E"/></w:style><w:style w:styleId="E"><w:basedOn w:val="D"/></w:style>'
           '</w:styles>').encode()
    assert hidden_styles(xml) == {"A", "B"}
    assert hidden_styles(None) == frozenset() and hidden_styles(b"<broken") == frozenset()


# ---------------------------------------------------------------- the same, end to end on a filled sample
def _edited_sample(tmp_path: Path, edit) -> Path:
    """samples/docx/gx-sme-2024-filled.docx with ``edit(root)`` applied to its document.xml."""
    import zipfile

    from lxml import etree

    from conftest import SAMPLES

    src = SAMPLES / "docx" / "gx-sme-2024-filled.docx"
    out = tmp_path / "edited.docx"
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for item in zi.infolist():
            data = zi.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                edit(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zo.writestr(item, data)
    return out


def _tc(root, text: str):
    """The one table cell whose text is ``text``."""
    hits = [tc for tc in root.iter(f"{{{W_URI}}}tc") if "".join(tc.itertext()).strip() == text]
    assert len(hits) == 1, text
    return hits[0]


def _set_cell(tc, inner_xml: str) -> None:
    from lxml import etree

    for ch in list(tc):
        if ch.tag != f"{{{W_URI}}}tcPr":
            tc.remove(ch)
    for el in etree.fromstring(f"<x {WNS}>{inner_xml}</x>"):
        tc.append(el)


def _field(result, row_label: str, column_label: str | None = None, n: int = 1):
    fs = [f for f in result.fields if f.row_label == row_label and f.column_label == column_label]
    return fs[n - 1]


RD = "集群中小企业研发投入强度（%）"


@pytest.mark.parametrize("inner,value", [
    ("<w:p><w:r><w:t>2.4</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>9</w:t></w:r><w:r><w:t>1%</w:t></w:r></w:p>", 2.41),
    ("<w:p><w:r><w:t>\u20622.4\u200b1\ufeff%</w:t></w:r></w:p>", 2.41),
    ("<w:p/><w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>2.41</w:t></w:r></w:p></w:tc></w:tr>"
     "</w:tbl><w:p/>", 2.41),
])
def test_sample_value_as_printed(tmp_path: Path, inner, value):
    from extractor.api import extract

    path = _edited_sample(tmp_path, lambda root: _set_cell(_tc(root, "2.41%"), inner))
    f = _field(extract(path), RD, "2023年")
    assert (f.value, f.status) == (pytest.approx(value), "ok"), f


def test_sample_placeholder_and_invisible_name(tmp_path: Path):
    from extractor.api import extract

    plc = ('<w:p><w:sdt><w:sdtPr><w:showingPlcHdr/><w:text/></w:sdtPr><w:sdtContent><w:r>'
           '<w:t>单击或点击此处输入文字。</w:t></w:r></w:sdtContent></w:sdt></w:p>')

    def edit(root):
        _set_cell(_tc(root, "范嘉怡"), plc)
        _set_cell(_tc(root, "钱志刚"), "<w:p><w:r><w:t>钱\u200b志\u00ad刚\u200f</w:t></w:r></w:p>")

    r = extract(_edited_sample(tmp_path, edit))
    first, second = _field(r, "联系人", n=1), _field(r, "联系人", n=2)
    assert (first.value, first.status) == ("钱志刚", "ok")
    assert second.value is None and second.status == "missing"


def test_sample_several_nested_cells_are_flagged(tmp_path: Path):
    """Text from several cells of a nested table is joined, never an ok value."""
    from extractor.api import extract

    inner = ("<w:p/><w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>2.</w:t></w:r></w:p>"
             "</w:tc><w:tc><w:p><w:r><w:t>41</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/>")
    path = _edited_sample(tmp_path, lambda root: _set_cell(_tc(root, "2.41%"), inner))
    f = _field(extract(path), RD, "2023年")
    assert f.status != "ok" and f.raw == "2.\n41"


def test_sample_nested_section_still_read():
    """gx-sme 八's target table is nested in a cell with text of its own: it stays a section, not a value."""
    from conftest import SAMPLES
    from extractor.api import extract

    r = extract(SAMPLES / "docx" / "gx-sme-2024-filled.docx")
    target = [f for f in r.fields if f.table == "1.三年总体目标"]
    assert len(target) >= 10 and all(f.status == "ok" for f in target), [f for f in target if f.status != "ok"]
    plan = next(t for t in r.texts if t.table.startswith("八"))
    assert plan.text and "方向" not in plan.text
