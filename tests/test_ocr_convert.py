"""The pure half of the OCR path: stored OCR results (tests/data/ocr, no engine) → IR → the whole pipeline.

The JSON files hold what ``extractor.ocr.pipeline.analyse_page`` produced for the sample scans
(``extractor.loaders.scan.dump_pages``); refresh them after changing the engine side:

    python -c "from pathlib import Path; from extractor.loaders.scan import dump_pages; \\
               [dump_pages(f, Path('tests/data/ocr') / (f.name + '.ocr.json')) for f in Path('samples/scans').iterdir() \\
                if not f.name.endswith('.json')]"
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES
from extractor.api import extract_document
from extractor.ir import Cell, Table
from extractor.loaders.scan import load_dumped
from extractor.ocr.assemble import char_confidence
from extractor.ocr.cell_text import cjk_punct, fix_dashes
from extractor.ocr.stitch import merge_tables
from truth import compare, load_truth

DATA = Path(__file__).parent / "data" / "ocr"
SCANS = SAMPLES / "scans"
DUMPS = sorted(DATA.glob("*.ocr.json"))


def doc_of(name: str):
    return load_dumped(SCANS / name, DATA / f"{name}.ocr.json", "scan" if name.endswith(".pdf") else "image")


@pytest.mark.parametrize("dump", DUMPS, ids=[d.name for d in DUMPS])
def test_stored_ocr_reads_like_the_truth(dump: Path):
    name = dump.name[: -len(".ocr.json")]
    truth = load_truth(SCANS / f"{name}.truth.json")
    res = extract_document(doc_of(name))
    assert res.template.id == truth["template"]
    rep = compare(res, truth)
    assert not rep.wrong_but_ok, rep.wrong_but_ok
    right = rep.checked - len(rep.missing) - len(rep.wrong)
    assert right >= 0.97 * rep.checked, rep.lines()[:10]


def cell(doc, text: str) -> Cell:
    return next(c for t in doc.tables() for tt in t.walk() for c in tt.cells if text in c.text)


def test_seal_over_a_cell_lowers_its_confidence_with_a_reason():
    doc = doc_of("gx-amc-2025-scan.pdf")
    sealed = cell(doc, "柳州市工业和信息")
    assert sealed.confidence < 0.9 and any("seal" in n for n in sealed.notes)
    assert cell(doc, "桂林市工业和信息化局").confidence >= 0.9  # an unstamped cell stays trusted
    assert sealed.page == 1 and sealed.bbox is not None and sealed.bbox[2] > sealed.bbox[0]
    assert doc.ocr_pages[0]["dpi"] == 200 and doc.ocr_pages[2]["rotation"] == 180  # page 3 was upside down


def test_table_continued_on_the_next_page_is_one_table():
    doc = doc_of("gx-amc-2025-scan.pdf")
    t = next(t for t in doc.tables() if any("二、集群发展基础条件" in c.text for c in t.cells))
    pages = {c.page for c in t.cells}
    assert pages == {1, 2}
    assert any("集群主导产业产值" in c.text for c in t.cells)
    assert t.is_full_width(0)  # the title row spans the stitched grid


def test_tick_boxes_written_from_pixels():
    doc = doc_of("nm-amc-2024-p5-photo.jpg")
    assert doc.ocr_pages[0]["warped"]  # a photo, perspective corrected
    c = cell(doc, "第一产业")
    assert c.text.replace("\n", "") == "□第一产业☑第二产业□第三产业"
    fax = doc_of("gx-sme-2024-p3-fax.png")
    assert "☑第二产业" in cell(fax, "第二产业").text


def test_single_page_without_title_is_identified():
    res = extract_document(doc_of("gx-sme-2024-p4.jpg"))  # a page from the middle: no title, no heading
    assert res.template.id == "gx-sme-2024"
    assert any(f.id == "cluster_output_value" and f.value == 178.89 for f in res.fields)


def test_char_confidence_maps_the_threshold_to_the_ok_line():
    from extractor.ocr.assemble import CHAR_OK

    assert char_confidence(1.0) == 1.0
    assert abs(char_confidence(CHAR_OK) - 0.9) < 1e-6
    assert char_confidence(CHAR_OK - 0.01) < 0.9  # a doubtful character sends the value to review
    assert char_confidence(0.5) < char_confidence(0.8)


def test_punctuation_width_and_dashes():
    assert cjk_punct("汽车制造业(36)") == "汽车制造业（36）"
    assert cjk_punct("数量:2个") == "数量：2个"
    assert cjk_punct("1,204.50") == "1,204.50"
    assert cjk_punct("xch@lz.org (x)") == "xch@lz.org (x)"
    assert fix_dashes("2025一2027年") == "2025—2027年"
    assert fix_dashes("一") == "—" and fix_dashes("一批企业") == "一批企业"


def _t(rows: list[list[tuple[str, float, float]]], page: int, top: float) -> Table:
    cells = []
    for r, row in enumerate(rows):
        for c, (text, x0, x1) in enumerate(row):
            cells.append(Cell(row=r, col=c, text=text, page=page, bbox=(x0, top + 20 * r, x1, top + 20 * r + 20)))
    return Table(n_rows=len(rows), n_cols=len(rows[0]), cells=cells, page=page, bbox=(0, top, 300, top + 20 * len(rows)))


def test_row_cut_by_the_page_break_is_joined():
    a = _t([[("名称", 0, 100), ("数量", 100, 300)], [("省级平台名称", 0, 100), ("数量：2个\n名称：陶瓷窑炉数", 100, 300)]], 1, 600)
    b = _t([[("", 0, 100), ("字化改造示范项目", 100, 300)], [("其他平台", 0, 100), ("数量：1个", 100, 300)]], 2, 70)
    m = merge_tables(a, b, cut=True)
    assert m.n_rows == 3
    assert "陶瓷窑炉数" in m.at(1, 1).text and "字化改造示范项目" in m.at(1, 1).text
    assert m.at(2, 0).text == "其他平台"
    # not at the foot of the page: the rows stay apart
    a2 = _t([[("名称", 0, 100), ("数量", 100, 300)], [("省级平台名称", 0, 100), ("x", 100, 300)]], 1, 300)
    b2 = _t([[("", 0, 100), ("y", 100, 300)]], 2, 70)
    assert merge_tables(a2, b2, cut=False).n_rows == 3
