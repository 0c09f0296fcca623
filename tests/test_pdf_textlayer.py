"""The PDF text layer checked against the page: fake bold, watermarks, untrusted font maps, hidden OCR layers.

Small PDFs are written here by hand (Helvetica, a grey 1×1 image), so no binary test files are stored; the font
check's comparison is tested on stored recognition output; the real-world cases run when they are present.
"""
from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest

from extractor.errors import NeedsOCR
from extractor.loaders.pdf import Ch, dedupe, load_pdf, read_page
from extractor.loaders.pdf.chars import DUP_SHIFT
from extractor.loaders.pdf.trust import (BIG_TEXT, LIGHT, SKEW_DEG, FontCheck, _lightness, background, body_style,
                                         hidden_text_layer, is_private_use, judge, runs, skew_of)

CASES = Path("/work/shared/cases/real-world")


# ---------------------------------------------------------------------------
# A minimal PDF writer (enough for text, a full-page image, render modes)
# ---------------------------------------------------------------------------
def make_pdf(path: Path, content: str, image: bool = False, size=(300, 300)) -> Path:
    w, h = size
    res = "/Font << /F1 5 0 R >>" + (" /XObject << /Im1 6 0 R >>" if image else "")
    stream = content.encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Resources << {res} >> /Contents 4 0 R >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length 1 >>\nstream\n\xc8\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def text_lines(n: int, mode: int = 0, y0: int = 260) -> str:
    return "".join(f"BT {mode} Tr /F1 10 Tf 20 {y0 - 14 * i} Td (Line {i} of the form 0123456789) Tj ET\n"
                   for i in range(n))


def page_text(path: Path, fonts: bool = False) -> str:
    with pdfplumber.open(str(path)) as pdf:
        pc = read_page(pdf.pages[0], 1, FontCheck(path) if fonts else None)
    return "\n".join(ln.text for it in pc.items if isinstance(it, list) for ln in it)


# ---------------------------------------------------------------------------
# 1. Fake bold: the same glyph drawn again less than DUP_SHIFT of its width away is one character
# ---------------------------------------------------------------------------
def _ch(t: str, x: float, w: float = 10.0, y: float = 100.0, font: str = "A") -> Ch:
    return Ch(t, x, y - w, x + w, y, w, ox=x, oy=y, font=font)


@pytest.mark.parametrize("text,w", [("邵", 9.5), ("1", 5.3), ("A", 6.7)])
def test_dedupe_boundary_just_inside_and_outside(text: str, w: float):
    inside = dedupe([_ch(text, 100, w), _ch(text, 100 + (DUP_SHIFT - 0.01) * w, w, font="B")])
    outside = dedupe([_ch(text, 100, w), _ch(text, 100 + (DUP_SHIFT + 0.01) * w, w)])
    assert len(inside) == 1 and len(outside) == 2


def test_dedupe_uses_the_origin_not_the_box():
    """The second copy in another font (another ascent: another ``top``) on the same baseline is a duplicate."""
    a = Ch("晓", 313.2, 192.2, 322.7, 201.7, 9.5, ox=313.2, oy=640.189, font="UKai")
    b = Ch("晓", 313.55, 193.34, 323.05, 202.84, 9.5, ox=313.55, oy=640.19, font="STSong-Light")
    assert len(dedupe([a, b])) == 1
    assert len(dedupe([_ch("平", 100), _ch("平", 110)])) == 2  # 平平 side by side stays


def test_fake_bold_in_a_generated_pdf(tmp_path: Path):
    body = text_lines(5)
    bold = "BT /F1 12 Tf 20 40 Td (Contact 2024) Tj ET\nBT /F1 12 Tf 20.35 40 Td (Contact 2024) Tj ET\n"
    pdf = make_pdf(tmp_path / "bold.pdf", body + bold)
    assert "Contact 2024" in page_text(pdf).splitlines()


# ---------------------------------------------------------------------------
# 2. Watermarks: turned, light or huge text is no part of the page's text
# ---------------------------------------------------------------------------
def _c(matrix=(1, 0, 0, 1, 0, 0), color=(0,), size=10.0) -> dict:
    return {"matrix": matrix, "non_stroking_color": color, "size": size}


def test_background_thresholds():
    import math

    def turned(deg):
        r = math.radians(deg)
        return (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0, 0)

    assert abs(skew_of(turned(35)) - 35) < 1e-6 and skew_of((0, 1, -1, 0, 0, 0)) == 0  # sideways is upright
    assert background(_c(turned(SKEW_DEG + 0.1)), 10, 0) and not background(_c(turned(SKEW_DEG - 0.1)), 10, 0)
    assert background(_c(color=(LIGHT + 0.01,)), 10, 0) and not background(_c(color=(LIGHT - 0.01,)), 10, 0)
    assert not background(_c(color=(0.75,)), 10, 0.5)  # not lighter than the page's own (grey) body text
    assert background(_c(size=BIG_TEXT * 10 + 0.1), 10, 0) and not background(_c(size=BIG_TEXT * 10 - 0.1), 10, 0)
    assert abs(_lightness((0, 0, 0, 0)) - 1.0) < 1e-9 and _lightness((0, 0, 0, 1)) == 0.0 and _lightness("pattern") is None
    assert body_style([_c(size=10), _c(size=10), _c(turned(35), size=40)]) == (10.0, 0.0)


def test_watermark_in_a_generated_pdf(tmp_path: Path):
    mark = "BT 0.75 g /F1 40 Tf 0.82 0.57 -0.57 0.82 40 40 Tm (DRAFT 68) Tj ET\n"
    big = "BT /F1 60 Tf 20 10 Td (X9) Tj ET\n"
    pdf = make_pdf(tmp_path / "mark.pdf", text_lines(5) + mark + big)
    text = page_text(pdf)
    assert "DRAFT" not in text and "68" not in text and "X9" not in text
    assert "Line 0 of the form 0123456789" in text


# ---------------------------------------------------------------------------
# 3. Fonts whose map cannot be trusted
# ---------------------------------------------------------------------------
def test_private_use_code_points():
    assert is_private_use("\ue005") and is_private_use("\U000f0001") and not is_private_use("5")


# stored recognition output (text, per-character probabilities) of rendered samples
@pytest.mark.parametrize("layer,read,probs,status", [
    ("2038", "2083", [0.99, 0.99, 0.98, 0.99], "disagree"),  # a font whose 3 and 8 are swapped
    ("13935848", "13935848", [0.99] * 8, "agree"),
    ("１．６０", "1·60", [0.99, 0.6, 0.99, 0.99], "unsure"),  # a point read as a middle dot: not the map's fault
    ("2024.06", "2024.0", [0.99] * 6, "unsure"),  # lengths differ: no verdict
    ("3", "8", [0.5], "unsure"),  # the recogniser is not sure
    ("平果市", "甲乙丙", [0.99, 0.99, 0.99], "disagree"),  # most characters read otherwise, surely
    ("平果市", "平果巾", [0.99, 0.99, 0.95], "unsure"),  # one CJK misreading: not enough
])
def test_judge_compares_text_layer_and_glyphs(layer, read, probs, status):
    assert judge(layer, read, probs).status == status


def test_runs_split_by_font_line_and_gap():
    def c(t, x, font="F", bottom=100.0):
        return {"text": t, "x0": x, "x1": x + 5, "top": bottom - 10, "bottom": bottom, "size": 10.0,
                "matrix": (1, 0, 0, 1, x, 700), "fontname": font}
    rs = runs([c("1", 0), c("2", 5), c("3", 10, "G"), c("4", 15, "G"), c("5", 60, "G"), c("6", 65, bottom=130)])
    assert [r.text for r in rs] == ["12", "34", "5", "6"]


def test_untrusted_font_text_is_read_by_ocr(tmp_path: Path):
    """A font whose map sends digits to private-use code points: the digits are read from the glyphs."""
    from extractor.loaders.pdf.page import _read_untrusted

    pdf = make_pdf(tmp_path / "pua.pdf", text_lines(5))
    fc = FontCheck(pdf)
    with pdfplumber.open(str(pdf)) as doc:
        page = doc.pages[0]
        # the page's own characters, as a broken map gives them
        chars = [dict(c, text=chr(0xE000 + int(c["text"])) if c["text"].isdigit() else c["text"]) for c in page.chars]
        fc.check(1, (300.0, 300.0), chars)
    assert "Helvetica" in fc.untrusted() and "private-use" in fc.untrusted()["Helvetica"]
    got = _read_untrusted(chars, fc.untrusted(), 1, (300.0, 300.0), fc)
    fc.close()
    text = "".join(c.text for c in sorted(got, key=lambda c: (round(c.bottom), c.x0)))
    assert "0123456789" in text and not any(is_private_use(c.text) for c in got)
    assert all(c.note.startswith("PDF text layer: font Helvetica") for c in got)


# ---------------------------------------------------------------------------
# 4. "Searchable" scans: an invisible or covered text layer is not the page's text
# ---------------------------------------------------------------------------
IMAGE = "q 300 0 0 300 0 0 cm /Im1 Do Q\n"


def test_invisible_text_over_a_page_image_is_a_scan(tmp_path: Path):
    pdf = make_pdf(tmp_path / "ocr-layer.pdf", IMAGE + text_lines(8, mode=3), image=True)
    assert "invisible" in (hidden_text_layer(pdf, 1, 0.6) or "")
    with pytest.raises(NeedsOCR, match="invisible"):
        load_pdf(pdf)


def test_text_under_a_page_image_is_a_scan(tmp_path: Path):
    pdf = make_pdf(tmp_path / "under.pdf", text_lines(8) + IMAGE, image=True)
    assert "under" in (hidden_text_layer(pdf, 1, 0.6) or "")


def test_visible_text_over_a_background_image_is_read(tmp_path: Path):
    pdf = make_pdf(tmp_path / "letterhead.pdf", IMAGE + text_lines(8), image=True)
    assert hidden_text_layer(pdf, 1, 0.6) is None
    assert "Line 7 of the form 0123456789" in page_text(pdf, fonts=True)


# ---------------------------------------------------------------------------
# The real-world cases (read-only, when present)
# ---------------------------------------------------------------------------
def _wrong_ok(name: str) -> list:
    from extractor.api import extract

    path = CASES / name
    exp = json.loads(Path(str(path) + ".expected.json").read_text(encoding="utf-8"))
    r = extract(path)
    got: dict = {}
    for f in r.fields:
        got.setdefault((f.table, f.row_label, f.column_label), []).append((f.value, f.status))
    for t in r.texts:
        got.setdefault((t.table, t.row_label, t.column_label), []).append((t.text, t.status))
    bad, seen = [], {}
    for e in exp["fields"]:
        k = (e["table"], e["row_label"], e["column_label"])
        i = seen[k] = seen.get(k, -1) + 1
        if i >= len(got.get(k, [])):
            bad.append((k, "absent"))
            continue
        v, st = got[k][i]
        v = v[0] if isinstance(v, list) and len(v) == 1 else v
        norm = (lambda x: "".join(x.split()) if isinstance(x, str) else x)
        if st == "ok" and norm(v) != norm(e["value"]) and not (isinstance(v, float) and v == e["value"]):
            bad.append((k, e["value"], v))
    return bad


@pytest.mark.skipif(not CASES.is_dir(), reason="real-world cases not present")
@pytest.mark.parametrize("name", ["P01b-fakebold-text-fields.pdf", "P03-diagonal-watermark.pdf",
                                  "P05-garbled-tounicode.pdf"])
def test_real_world_text_layer_cases(name: str):
    assert _wrong_ok(name) == []


@pytest.mark.skipif(not CASES.is_dir(), reason="real-world cases not present")
def test_real_world_searchable_scan_goes_to_ocr():
    with pytest.raises(NeedsOCR, match="invisible"):
        load_pdf(CASES / "P06-scan-with-ocr-layer.pdf")
