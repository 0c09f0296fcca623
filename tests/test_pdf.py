"""Digital PDFs and legacy .doc against truth; cross-page tables; rotated, scanned, encrypted and broken PDFs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES, TEMPLATE_IDS
from extractor.api import extract
from extractor.errors import NeedsOCR
from extractor.ir import Table
from extractor.loaders import load
from extractor.loaders.pdf import load_pdf
from truth import check_sample, load_truth

PDFS = sorted((SAMPLES / "pdf").glob("*.pdf"))
DOCS = sorted((SAMPLES / "doc").glob("*.doc"))
DATA = Path(__file__).resolve().parent / "data"
LONG = SAMPLES / "pdf" / "prov-cluster-2025-long.pdf"
LANDSCAPE = SAMPLES / "pdf" / "prov-cluster-2025-landscape.pdf"
GX_AMC = SAMPLES / "pdf" / "gx-amc-2025-filled.pdf"
HAVE_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
needs_soffice = pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) is not installed: "
                                   "apt-get install libreoffice-writer fonts-noto-cjk")


def truth_of(path: Path) -> dict:
    return load_truth(path.with_name(path.name + ".truth.json"))


def check_against_truth(path: Path, truth: dict | None = None) -> None:
    """As tests/test_samples.py: every truth field present, values equal, no wrong value marked ok."""
    check_sample(path, truth or truth_of(path))


# ---------------------------------------------------------------------------
# Samples against truth
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("pdf", PDFS, ids=[p.name for p in PDFS])
def test_pdf_sample_matches_truth(pdf: Path):
    check_against_truth(pdf)


@needs_soffice
@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_doc_sample_matches_truth(doc: Path):
    check_against_truth(doc)


@pytest.mark.parametrize("folder,suffix", [("pdf", ".pdf"), ("doc", ".doc")])
def test_there_are_samples_for_every_template(folder: str, suffix: str):
    files = sorted((SAMPLES / folder).glob(f"*{suffix}"))
    assert {truth_of(f)["template"] for f in files} >= set(TEMPLATE_IDS)


# ---------------------------------------------------------------------------
# The intermediate representation of a PDF
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("pdf", PDFS, ids=[p.name for p in PDFS])
def test_pdf_ir_is_a_true_grid_with_pages_and_boxes(pdf: Path):
    doc = load(pdf)
    assert doc.format == "pdf" and doc.pages > 1 and not doc.needs_ocr_pages
    tables = [t for b in doc.tables() for t in b.walk()]
    assert tables
    for t in tables:
        grid = t.grid()
        assert all(c is not None for row in grid for c in row), "holes in the grid"
        seen = set()
        for c in t.cells:
            assert c.page is not None and 1 <= c.page <= doc.pages
            x0, top, x1, bottom = c.bbox
            assert x0 < x1 and top < bottom
            assert all(grid[r][k] is c for r in range(c.row, c.last_row + 1) for k in range(c.col, c.last_col + 1))
            assert id(c) not in seen
            seen.add(id(c))
    for p in doc.paragraphs():
        assert p.page is not None and p.bbox is not None and p.text.strip()


def _list_table(doc, first_header: str) -> Table:
    for t in doc.tables():
        if any(c.text.startswith(first_header) for c in t.cells[:20]):
            return t
    raise AssertionError(f"no table with {first_header}")


@pytest.mark.parametrize("pdf", [LONG, LANDSCAPE], ids=["long", "landscape"])
def test_cross_page_list_table_is_one_table_in_order(pdf: Path):
    truth = truth_of(pdf)
    want = next(t for t in truth["tables"] if t["table"] == "（一）现有企业库")
    assert len(want["rows"]) >= 30
    doc = load(pdf)
    table = _list_table(doc, "企业名称（填写企业全称）")
    pages = {c.page for c in table.cells}
    assert len(pages) >= 3, f"the list should cross pages, got {sorted(pages)}"
    # the header appears once (a repeated header is dropped) and every company once, in order
    assert sum(c.text.startswith("序号") for c in table.cells) == 1
    name_col = want["columns"][0]
    names = [r[name_col] for r in want["rows"]]
    col = next(c.col for c in table.cells if c.text.startswith("企业名称"))
    got = [c.text.replace("\n", "") for c in table.cells if c.col == col and c.text.replace("\n", "") in names]
    assert got == names
    # and the pipeline gives one record list with all rows, in order
    res = extract(pdf)
    lists = [lt for lt in res.tables if lt.table == "（一）现有企业库"]
    assert len(lists) == 1
    assert [r.cells[name_col].value for r in lists[0].rows] == names


def test_landscape_section_pages():
    doc = load(LANDSCAPE)
    table = _list_table(doc, "企业名称（填写企业全称）")
    first = min(c.page for c in table.cells)
    # the landscape pages are wider than tall and the table uses their width
    x1 = max(c.bbox[2] for c in table.cells)
    assert x1 > 700, "the 四库 table should be laid out on a landscape page"
    assert first > 1


# ---------------------------------------------------------------------------
# Rotated pages
# ---------------------------------------------------------------------------

def _rotated_copy(src: Path, dst: Path, upright: bool) -> Path:
    """Pages 1–2 turned by /Rotate 90: as displayed, text sideways (``upright=False``), or the content
    turned the other way first so that it reads upright (a landscape page stored portrait)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(src))
    for i in (0, 1):
        page = pdf[i]
        if upright:
            w, h = page.get_size()
            m = raw.FS_MATRIX(0, 1, -1, 0, h, 0)
            clip = raw.FS_RECTF(0, 0, h, w)
            raw.FPDFPage_TransFormWithClip(page, ctypes.byref(m), ctypes.byref(clip))
            page.set_mediabox(0, 0, h, w)
            page.set_cropbox(0, 0, h, w)
        page.set_rotation(90)
    pdf.save(str(dst))
    pdf.close()
    return dst


@pytest.mark.parametrize("upright", [False, True], ids=["sideways-text", "rotated-content"])
def test_rotated_pages(tmp_path: Path, upright: bool):
    pdf = _rotated_copy(GX_AMC, tmp_path / "rotated.pdf", upright)
    check_against_truth(pdf, truth_of(GX_AMC))
    doc = load(pdf)
    first = doc.tables()[0]
    assert first.page == 1 and first.cells[0].bbox[2] - first.cells[0].bbox[0] > 0


def _with_header_and_footer(src: Path, dst: Path) -> Path:
    """Every page gets a running header and a page-number footer (text objects added with pdfium)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(src))
    n = len(pdf)
    for i in range(n):
        page = pdf[i]
        _, h = page.get_size()
        for text, y in (("Cluster application 2025 - confidential", h - 40), (f"Page {i + 1} of {n}", 30)):
            obj = raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(9))
            buf = ctypes.create_string_buffer((text + "\x00").encode("utf-16-le"))
            raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
            raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 72, y)
            raw.FPDFPage_InsertObject(page, obj)
        raw.FPDFPage_GenerateContent(page)
    pdf.save(str(dst))
    pdf.close()
    return dst


def test_running_header_and_footer_do_not_break_tables(tmp_path: Path):
    pdf = _with_header_and_footer(LONG, tmp_path / "headed.pdf")
    doc = load(pdf)
    assert not [p.text for p in doc.paragraphs() if "confidential" in p.text or p.text.startswith("Page ")]
    assert len(doc.tables()) == len(load(LONG).tables())
    check_against_truth(pdf, truth_of(LONG))


# ---------------------------------------------------------------------------
# Scans, encrypted and broken files
# ---------------------------------------------------------------------------

def _scan_of(src: Path, dst: Path, pages: list[int] | None = None) -> Path:
    """A PDF of page images (no text layer), as a scanner makes."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(src))
    images = [pdf[i].render(scale=1.0).to_pil().convert("L") for i in (pages or range(len(pdf)))]
    pdf.close()
    images[0].save(dst, save_all=True, append_images=images[1:], resolution=72.0)
    return dst


def test_scanned_pdf_needs_ocr(tmp_path: Path):
    """The PDF loader finds no text layer and says so; the document is never an empty success
    (with the OCR path installed it is read by OCR instead of stopping at needs_ocr)."""
    scan = _scan_of(GX_AMC, tmp_path / "scan.pdf", pages=[0, 1, 2])
    with pytest.raises(NeedsOCR, match=r"^needs OCR: pages 1-3 have no text layer$"):
        load_pdf(scan)
    one = _scan_of(GX_AMC, tmp_path / "scan1.pdf", pages=[0])
    with pytest.raises(NeedsOCR, match=r"^needs OCR: page 1 has no text layer$"):
        load_pdf(one)
    res = extract(one)  # one page: OCR, where installed, takes a while
    if res.status == "needs_ocr":
        assert res.errors and res.errors[0].code == "needs_ocr" and "page 1" in res.errors[0].message
        assert not res.fields
    else:
        assert res.source.format != "pdf"  # handed to the OCR path
        assert res.status == "error" or res.fields, "a scanned PDF must not come out as an empty success"


def _evidence_page(dst: Path) -> Path:
    """A scanned evidence page (佐证材料: a certificate photo): one page image, no text layer."""
    from PIL import Image, ImageDraw

    im = Image.new("L", (595, 842), 235)
    d = ImageDraw.Draw(im)
    d.rectangle((60, 80, 535, 700), outline=40, width=6)
    d.ellipse((380, 520, 500, 640), outline=90, width=5)
    im.save(dst, resolution=72.0)
    return dst


def test_mixed_pdf_keeps_typed_pages(tmp_path: Path):
    import pypdfium2 as pdfium

    scan = _evidence_page(tmp_path / "evidence.pdf")
    typed = pdfium.PdfDocument(str(GX_AMC))
    n = len(typed)
    typed.import_pages(pdfium.PdfDocument(str(scan)))  # a scanned evidence page at the end
    mixed = tmp_path / "mixed.pdf"
    typed.save(str(mixed))
    typed.close()
    doc = load_pdf(mixed)
    assert doc.needs_ocr_pages == [n + 1]
    assert any(f"page {n + 1} has no text layer" in w for w in doc.warnings)
    assert [t.page for t in doc.tables()] == [t.page for t in load_pdf(GX_AMC).tables()]
    check_against_truth(mixed, truth_of(GX_AMC))


def test_encrypted_pdf_is_a_clean_error():
    res = extract(DATA / "encrypted.pdf")
    assert res.status == "error"
    assert res.errors[0].code == "encrypted" and "encrypted PDF" in res.errors[0].message


@pytest.mark.parametrize("data", [b"%PDF-1.4\nnot really a pdf\n", b"%PDF-1.7\n" + b"\x00" * 64],
                         ids=["garbage", "zeros"])
def test_broken_pdf_is_a_clean_error(tmp_path: Path, data: bytes):
    f = tmp_path / "broken.pdf"
    f.write_bytes(data)
    res = extract(f)
    assert res.status == "error" and res.errors[0].code == "corrupt_file"


def test_truncated_pdf_is_a_clean_error(tmp_path: Path):
    f = tmp_path / "truncated.pdf"
    f.write_bytes(GX_AMC.read_bytes()[:20000])
    res = extract(f)
    assert res.status == "error"


# ---------------------------------------------------------------------------
# Legacy Word without LibreOffice
# ---------------------------------------------------------------------------

def test_doc_without_libreoffice_names_what_to_install(monkeypatch, tmp_path: Path):
    doc = DOCS[0] if DOCS else tmp_path / "x.doc"
    if not DOCS:
        doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    res = extract(doc)
    assert res.status == "error"
    assert res.errors[0].code == "missing_dependency"
    assert "libreoffice" in res.errors[0].message.lower()


# ---------------------------------------------------------------------------
# Text details
# ---------------------------------------------------------------------------

def test_fake_bold_duplicates_are_removed_and_wrapped_lines_joined():
    """CJK text drawn twice (Word's fake bold) counts once; a line that ran to the cell's edge goes on in
    the next line (one paragraph), a short line ends its paragraph."""
    from extractor.ir import Cell
    from extractor.loaders.pdf import Ch, cell_text, dedupe

    def line(text: str, x: float, top: float, size: float = 10.0) -> list[Ch]:
        return [Ch(t, x + i * size, top, x + (i + 1) * size, top + size, size) for i, t in enumerate(text)]

    bold = line("集群名称", 100, 100)
    shadow = [Ch(c.text, c.x0 + 0.3, c.top + 0.2, c.x1 + 0.3, c.bottom + 0.2, c.size) for c in bold]
    assert "".join(c.text for c in dedupe(bold + shadow)) == "集群名称"
    assert len(dedupe(line("好好", 100, 100))) == 2  # the same character side by side stays

    cell = Cell(row=0, col=0, page=1, bbox=(95.0, 95.0, 205.0, 160.0))  # 100 pt of text width, 5 pt margins
    chars = line("负责人姓名职务及联系", 100, 100) + line("方式", 100, 114) + line("（盖章）", 100, 128)
    text, _ = cell_text(cell, chars)
    assert text == "负责人姓名职务及联系方式\n（盖章）"


def test_region_of_a_value_on_a_digital_pdf_page():
    """``extractor crops`` on a digital PDF: the page rendered as it is, the value's bbox cut from it, and the
    ink in it spans the text (a crop of the right cell, not of the margin)."""
    import numpy as np

    from extractor.review.crops import pdf_region

    pdf = SAMPLES / "pdf" / "gx-amc-2025-filled.pdf"
    res = extract(pdf)
    f = next(f for f in res.fields if f.raw == "829.06")
    img = pdf_region(pdf, f.page, f.bbox)
    assert img.ndim == 2 and img.shape[0] > 20 and img.shape[1] > 40
    dark = img < 128
    dark[dark.mean(axis=1) > 0.5, :] = False  # the cell's ruling lines
    dark[:, dark.mean(axis=0) > 0.5] = False
    cols = np.flatnonzero(dark.any(axis=0))
    assert len(cols) and 20 < cols[-1] - cols[0] < img.shape[1] - 10  # the digits inside the cell
