"""A corpus of hostile and broken inputs, built at test time (bombs are never stored).

Each :class:`Kind` builds one file in a folder and says what ``extract`` must give: an error ``code``, or
``None`` for "converts" (status ok/review/needs_ocr …, not error), optionally a warning that must be present,
and the :class:`~extractor.limits.Limits` to use (small, so bombs trip quickly).
"""
from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from extractor.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "samples" / "docx" / "gx-sme-2024-filled.docx"
GOOD_PDF = ROOT / "samples" / "pdf" / "gx-amc-2025-filled.pdf"
ENCRYPTED_PDF = ROOT / "tests" / "data" / "encrypted.pdf"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SMALL = Limits(max_pages=40, max_member_mb=4, max_stream_mb=2, max_image_pixels=40_000_000,
               max_page_pixels=8_000_000, max_page_objects=5_000, max_table_cells=100_000)


@dataclass
class Kind:
    name: str
    build: Callable[[Path], Path]
    code: str | None  # expected error code; None: converts (no error)
    warning: str | None = None  # a text one of the warnings must contain
    limits: Limits = field(default_factory=lambda: SMALL)
    slow: bool = False  # runs LibreOffice or OCR


# ---------------------------------------------------------------- helpers

def _write(d: Path, name: str, data: bytes) -> Path:
    p = d / name
    p.write_bytes(data)
    return p


def _rand(n: int, seed: int = 11) -> bytes:
    return random.Random(seed).randbytes(n)


def docx_with(parts: dict[str, bytes | None], base: Path = GOOD) -> bytes:
    """The good form's package with some parts replaced (``None``: removed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename in parts:
                continue
            out.writestr(info, src.read(info))
        for name, data in parts.items():
            if data is not None:
                out.writestr(name, data)
    return buf.getvalue()


def good_xml() -> str:
    with zipfile.ZipFile(GOOD) as z:
        return z.read("word/document.xml").decode("utf-8")


def body_xml(inner: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document xmlns:w="{W_NS}"><w:body>{inner}'
            f"</w:body></w:document>").encode("utf-8")


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def tbl(rows: list[list[str]], grid: int | None = None) -> str:
    g = "" if grid is None else "<w:tblGrid>" + "<w:gridCol/>" * grid + "</w:tblGrid>"
    return "<w:tbl>" + g + "".join("<w:tr>" + "".join(rows_) + "</w:tr>" for rows_ in rows) + "</w:tbl>"


def tc(text: str = "x", pr: str = "") -> str:
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{para(text)}</w:tc>"


def mutate_first(xml: str, old: str, new: str, count: int = 1) -> str:
    assert old in xml, old
    return xml.replace(old, new, count)


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in entries.items():
            z.writestr(k, v)
    return buf.getvalue()


def zip_bomb_member(name: str, inflated_mb: int, others: dict[str, bytes] | None = None) -> bytes:
    """A zip whose ``name`` inflates to ``inflated_mb`` MiB of spaces (compressed ~1000:1, streamed in)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in (others or {}).items():
            z.writestr(k, v)
        with z.open(name, "w", force_zip64=True) as fh:
            chunk = b" " * (1 << 20)
            for _ in range(inflated_mb):
                fh.write(chunk)
    return buf.getvalue()


def set_zip_flag(data: bytes, bit: int) -> bytes:
    """Set a general-purpose flag bit in every local and central header (e.g. bit 0: encrypted)."""
    b = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = b.find(sig)
        while i >= 0:
            flags = struct.unpack_from("<H", b, i + off)[0] | (1 << bit)
            struct.pack_into("<H", b, i + off, flags)
            i = b.find(sig, i + 4)
    return bytes(b)


def set_zip_method(data: bytes, method: int) -> bytes:
    b = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        i = b.find(sig)
        while i >= 0:
            struct.pack_into("<H", b, i + off, method)
            i = b.find(sig, i + 4)
    return bytes(b)


def ole(payload: bytes = b"") -> bytes:
    """The start of an OLE2 compound file (header signature and sectors of junk) with ``payload`` inside."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    header += b"\x00" * (512 - len(header))
    return header + payload + _rand(2048, 5)


def png(w: int, h: int, mode: str = "L", color: int | tuple = 255, **save) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new(mode, (w, h), color).save(buf, "PNG", **save)
    return buf.getvalue()


def image(w: int, h: int, mode: str, fmt: str, color: int | tuple = 255, **save) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new(mode, (w, h), color).save(buf, fmt, **save)
    return buf.getvalue()


def png_declaring(w: int, h: int) -> bytes:
    """A PNG whose header declares w×h greyscale pixels, with almost no data behind it."""
    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")


# ---------------------------------------------------------------- PDF builder

def pdf_bytes(objs: list[bytes], broken_xref: bool = False, header: bytes = b"%PDF-1.4\n") -> bytes:
    """Objects 1..n (object 1 is the catalogue) with an xref table (offsets off by 37 when ``broken_xref``)."""
    out = bytearray(header)
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % (o + 37 if broken_xref else o)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", flate: bool = False) -> bytes:
    if flate:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pages_pdf(contents: list[bytes], size: tuple[float, float] = (595, 842), flate: bool = False,
              xobjects: list[bytes] | None = None, broken_xref: bool = False) -> bytes:
    """One page per content stream (Helvetica as /F1; ``xobjects`` as /Im1.. on every page)."""
    n = len(contents)
    xo = xobjects or []
    first_page = 4 + len(xo)
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objs += xo
    xres = b"".join(b"/Im%d %d 0 R " % (k + 1, 4 + k) for k in range(len(xo)))
    for i, c in enumerate(contents):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /Font << /F1 3 0 R >> "
                    b"/XObject << %s >> >> /Contents %d 0 R >>" % (size[0], size[1], xres, first_page + 2 * i + 1))
        objs.append(stream(c, flate=flate))
    return pdf_bytes(objs, broken_xref=broken_xref)


def text_content(lines: list[str], size: int = 12) -> bytes:
    ops = [b"BT /F1 %d Tf 72 770 Td %d TL" % (size, size + 2)]
    for ln in lines:
        ops.append(b"(%s) Tj T*" % ln.encode("latin-1"))
    ops.append(b"ET")
    return b"\n".join(ops)


def image_xobject(w: int, h: int, data: bytes | None = None) -> bytes:
    data = zlib.compress(b"\xff" * (w * h)) if data is None else data
    return (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (w, h, len(data)) + data + b"\nendstream")


def stream_bomb_pdf(inflated_mb: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated_mb`` MiB of zeros (compressed in chunks)."""
    c = zlib.compressobj(9)
    parts = [c.compress(b"\x00" * (1 << 20)) for _ in range(inflated_mb)]
    data = b"".join(parts) + c.flush()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"]
    return pdf_bytes(objs)


def rtf(text: str = "Hello form") -> bytes:
    return b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 " + text.encode() + b"\\par }"


# ---------------------------------------------------------------- the corpus

def _deep_tables(depth: int) -> bytes:
    inner = para("deep")
    for _ in range(depth):
        inner = f"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>"
    return docx_with({"word/document.xml": body_xml(inner + para("end"))})


def _deep_sdt(depth: int) -> bytes:
    inner = para("deep")
    for _ in range(depth):
        inner = f"<w:sdt><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    return docx_with({"word/document.xml": body_xml(inner)})


def _deep_run_sdt(depth: int) -> bytes:
    inner = "<w:r><w:t>x</w:t></w:r>"
    for _ in range(depth):
        inner = f"<w:sdt><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    return docx_with({"word/document.xml": body_xml(f"<w:p>{inner}</w:p>")})


def _grid_mutation(old: str, new: str, count: int = 1) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        return _write(d, "m.docx", docx_with({"word/document.xml": mutate_first(good_xml(), old, new, count).encode()}))
    return build


def _vmerge_chaos(d: Path) -> Path:
    xml = good_xml()
    xml = xml.replace("<w:tcPr>", '<w:tcPr><w:vMerge w:val="continue"/>', 40)
    xml = xml.replace("<w:tcPr>", '<w:tcPr><w:vMerge w:val="restart"/>', 40)
    return _write(d, "vmerge.docx", docx_with({"word/document.xml": xml.encode()}))


def _many_page_breaks(d: Path) -> Path:
    brk = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
    return _write(d, "pages.docx", docx_with({"word/document.xml": body_xml(para("x") + brk * 100)}))


XXE = ('<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;")
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + "]>", "&lol9;")
EXT_DTD = ('<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/evil.dtd">', "x")


def _entity_doc(spec: tuple[str, str]) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        return _write(d, "ent.docx", docx_with({"word/document.xml": body_xml(para(spec[1]), prolog=spec[0])}))
    return build


def _raw(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    return lambda d: _write(d, name, data())


def _copy(src: Path, name: str, cut: int | None = None) -> Callable[[Path], Path]:
    return lambda d: _write(d, name, src.read_bytes()[:cut] if cut else src.read_bytes())


def _self_kids_pdf() -> bytes:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]
    return pdf_bytes(objs)


def _prev_loop_pdf() -> bytes:
    base = pages_pdf([text_content(["loop"])])
    x = base.rfind(b"startxref\n") + len(b"startxref\n")
    off = int(base[x:base.find(b"\n", x)])
    return base.replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Prev %d >>" % off)


def _many_chars_pdf() -> bytes:
    return pages_pdf([text_content(["A" * 120] * 60, size=6)])


def _tiff_frames(n: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    frames = [Image.new("L", (300, 300), 255) for _ in range(n)]
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


def _png_bad_crc() -> bytes:
    b = bytearray(png(400, 400))
    b[29] ^= 0xFF  # inside the IHDR CRC
    return bytes(b)


def kinds() -> list[Kind]:
    K = Kind
    ks: list[Kind] = [
        # empty, random, wrong content
        K("empty-docx", _raw("e.docx", lambda: b""), "corrupt_file"),
        K("empty-pdf", _raw("e.pdf", lambda: b""), "corrupt_file"),
        K("empty-png", _raw("e.png", lambda: b""), "corrupt_file"),
        K("whitespace-pdf", _raw("w.pdf", lambda: b" \n" * 100), "corrupt_file"),
        K("zeros-docx", _raw("z.docx", lambda: b"\x00" * 4096), "corrupt_file"),
        K("html-named-doc", _raw("h.doc", lambda: b"<html><body>form</body></html>"), "corrupt_file"),
    ]
    for ext in (".docx", ".doc", ".wps", ".pdf", ".png", ".jpg", ".tif", ".tiff", ".jpeg"):
        ks.append(K(f"random{ext}", _raw("r" + ext, lambda: _rand(3000)), "corrupt_file"))
    ks += [
        K("random.xyz", _raw("r.xyz", lambda: _rand(3000)), "unsupported_format"),
        K("random-no-suffix", _raw("noext", lambda: _rand(3000)), "unsupported_format"),
        # Word package
        K("truncated-docx-half", _copy(GOOD, "t.docx", GOOD.stat().st_size // 2), "corrupt_file"),
        K("truncated-docx-100", _copy(GOOD, "t.docx", 100), "corrupt_file"),
        K("zip-without-document-xml", _raw("n.docx", lambda: docx_with({"word/document.xml": None})), "corrupt_file"),
        K("zip-of-text-named-docx", _raw("a.docx", lambda: zip_bytes({"a.txt": b"hello"})), "unsupported_format"),
        K("xlsx-named-docx", _raw("x.docx", lambda: zip_bytes({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})),
          "unsupported_format"),
        K("docx-in-zip-named-docx", _raw("z.docx", lambda: zip_bytes({"inner.docx": GOOD.read_bytes()})),
          "unsupported_format"),
        K("document-xml-not-xml", _raw("b.docx", lambda: docx_with({"word/document.xml": b"this is not xml <<<"})), "corrupt_file"),
        K("document-xml-empty", _raw("b.docx", lambda: docx_with({"word/document.xml": b""})), "corrupt_file"),
        K("document-xml-no-body", _raw("b.docx", lambda: docx_with({"word/document.xml": f'<w:document xmlns:w="{W_NS}"/>'.encode()})),
          "corrupt_file"),
        K("document-xml-binary", _raw("b.docx", lambda: docx_with({"word/document.xml": _rand(5000)})), "corrupt_file"),
        K("styles-xml-broken", _raw("s.docx", lambda: docx_with({"word/styles.xml": b"<not xml"})), None),
        K("xxe-file-entity", _entity_doc(XXE), "corrupt_file"),
        K("billion-laughs", _entity_doc(LAUGHS), "corrupt_file"),
        K("external-dtd-network", _entity_doc(EXT_DTD), "corrupt_file"),
        K("document-xml-bomb", _raw("bomb.docx", lambda: zip_bomb_member("word/document.xml", 24, {"[Content_Types].xml": b"<x/>"})),
          "too_large"),
        K("styles-xml-bomb", _raw("sb.docx", _styles_bomb), "too_large"),
        K("lying-size-header", _raw("ly.docx", _lying_size), "corrupt_file"),
        K("encrypted-zip-entries", _raw("enc.docx", lambda: set_zip_flag(GOOD.read_bytes(), 0)), "encrypted"),
        K("unknown-compression", _raw("cm.docx", lambda: set_zip_method(GOOD.read_bytes(), 99)), "corrupt_file"),
        K("ole-encrypted-package-docx", _raw("pw.docx", lambda: ole("EncryptedPackage".encode("utf-16-le"))), "encrypted"),
        K("ole-encrypted-package-doc", _raw("pw.doc", lambda: ole("EncryptedPackage".encode("utf-16-le"))), "encrypted"),
        K("huge-gridspan", _grid_mutation("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="50000000"/>'), None, "gridSpan=50000000"),
        K("gridspan-abc", _grid_mutation("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="abc"/>'), None, "not a number"),
        K("gridspan-negative", _grid_mutation("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="-7"/>'), None),
        K("gridspan-everywhere", _grid_mutation("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="9"/>', 500), None, "clamped"),
        K("gridbefore-huge", _grid_mutation("<w:tr>", '<w:tr><w:trPr><w:gridBefore w:val="99999999"/></w:trPr>'), None,
          "gridBefore"),
        K("vmerge-chaos", _vmerge_chaos, None),
        K("vmerge-first-row", _raw("v.docx", lambda: docx_with({"word/document.xml": body_xml(
            tbl([[tc("a", '<w:vMerge/>'), tc("b", '<w:vMerge w:val="restart"/>')],
                 [tc("c", '<w:vMerge/><w:gridSpan w:val="2"/>')], [tc("d", '<w:vMerge/>')]], grid=2))})), "unknown_template"),
        K("nested-tables-100", _raw("n.docx", lambda: _deep_tables(100)), "too_complex"),
        K("nested-sdt-900", _raw("s.docx", lambda: _deep_sdt(900)), "too_complex"),
        K("nested-run-sdt-900", _raw("r.docx", lambda: _deep_run_sdt(900)), "too_complex"),
        K("xml-depth-3000", _raw("r.docx", lambda: _deep_run_sdt(3000)), "corrupt_file"),
        K("grid-10000-columns", _raw("g.docx", lambda: docx_with({"word/document.xml": body_xml(
            tbl([[tc("a")]], grid=10000))})), "too_large"),
        K("row-5000-cells-no-grid", _raw("g.docx", lambda: docx_with({"word/document.xml": body_xml(
            tbl([[tc("")] * 5000]))})), "too_large"),
        K("table-too-many-cells", _raw("g.docx", lambda: docx_with({"word/document.xml": body_xml(
            tbl([[tc("", '<w:gridSpan w:val="900"/>')]] * 200, grid=900))})), "too_large"),
        K("docx-100-page-breaks", _many_page_breaks, "too_many_pages"),
        K("not-a-form-docx", _raw("p.docx", lambda: docx_with({"word/document.xml": body_xml(para("hello"))})),
          "unknown_template"),
        # type from content
        K("docx-named-pdf", _copy(GOOD, "form.pdf"), None, "file named .pdf is a Word document"),
        K("docx-named-png", _copy(GOOD, "form.png"), None, "file named .png is a Word document"),
        K("pdf-named-docx", _copy(GOOD_PDF, "form.docx"), None, "file named .docx is a PDF file"),
        K("png-1x1-named-pdf", _raw("i.pdf", lambda: png(1, 1)), "too_small", "file named .pdf is an image"),
        K("pdf-after-junk", _raw("j.pdf", lambda: b"junk" * 100 + pages_pdf([text_content(["hello"])])), "unknown_template"),
        # images
        K("png-1x1", _raw("one.png", lambda: png(1, 1)), "too_small"),
        K("png-huge-declared", _raw("huge.png", lambda: png_declaring(100_000, 100_000)), "too_large"),
        K("png-15000-declared", _raw("big.png", lambda: png_declaring(15_000, 15_000)), "too_large"),
        K("png-truncated", _raw("t.png", lambda: png(600, 600, "RGB", (255, 0, 0))[:200]), "corrupt_file"),
        K("png-bad-crc", _raw("c.png", _png_bad_crc), "corrupt_file"),
        K("jpeg-truncated", _raw("t.jpg", lambda: image(800, 800, "RGB", "JPEG", (200, 10, 10))[:300]), "corrupt_file"),
        K("jpeg-header-only", _raw("h.jpg", lambda: b"\xff\xd8\xff\xe0 not really a jpeg"), "corrupt_file"),
        K("tiff-41-frames", _raw("f.tif", lambda: _tiff_frames(41)), "too_many_pages"),
        K("tiff-truncated", _raw("f.tif", lambda: _tiff_frames(2)[:500]), "corrupt_file"),
        K("png-blank", _raw("blank.png", lambda: png(600, 800)), "unreadable_image", slow=True),
        K("png-16bit-blank", _raw("b16.png", lambda: png(600, 800, "I;16", 65535)), "unreadable_image", slow=True),
        K("png-palette-blank", _raw("p.png", lambda: png(600, 800, "P", 0)), "unreadable_image", slow=True),
        K("png-la-blank", _raw("la.png", lambda: png(600, 800, "LA", (255, 255))), "unreadable_image", slow=True),
        K("jpeg-cmyk-blank", _raw("c.jpg", lambda: image(600, 800, "CMYK", "JPEG", (0, 0, 0, 0))), "unreadable_image",
          slow=True),
        K("bmp-blank-named-png", _raw("b.png", lambda: image(600, 800, "RGB", "BMP", (255, 255, 255))),
          "unreadable_image", slow=True),
        K("gif-tiny", _raw("g.gif", lambda: image(50, 50, "P", "GIF", 0)), "too_small"),
        K("webp-tiny-named-jpg", _raw("w.jpg", lambda: image(40, 40, "RGB", "WEBP", (1, 2, 3))), "too_small"),
        # PDF
        K("truncated-pdf", _copy(GOOD_PDF, "t.pdf", 2000), "corrupt_file"),
        K("pdf-header-only", _raw("h.pdf", lambda: b"%PDF-1.7\n"), "corrupt_file"),
        K("pdf-broken-xref", _raw("x.pdf", lambda: pages_pdf([text_content(["hello broken xref"])], broken_xref=True)),
          "unknown_template"),
        K("pdf-not-a-form", _raw("p.pdf", lambda: pages_pdf([text_content(["hello world"] * 3)])), "unknown_template"),
        K("pdf-huge-page", _raw("hp.pdf", lambda: pages_pdf([b""], size=(14400, 14400))), "unreadable_image", slow=True),
        K("pdf-1000-blank-pages", _raw("k.pdf", lambda: pages_pdf([b""] * 1000)), "too_many_pages",
          limits=Limits()),
        K("pdf-stream-bomb", _raw("sb.pdf", lambda: stream_bomb_pdf(40)), "too_large"),
        K("pdf-image-declares-huge", _raw("ib.pdf", lambda: pages_pdf([b"q 595 0 0 842 0 0 cm /Im1 Do Q"],
                                                                     xobjects=[image_xobject(100_000, 100_000, b"x")])),
          "too_large"),
        K("pdf-only-images-blank", _raw("oi.pdf", lambda: pages_pdf([b"q 595 0 0 842 0 0 cm /Im1 Do Q"] * 2,
                                                                    xobjects=[image_xobject(400, 560)])),
          "unreadable_image", slow=True),
        K("pdf-too-many-chars", _raw("mc.pdf", _many_chars_pdf), "too_complex"),
        K("pdf-kids-loop", _raw("kl.pdf", _self_kids_pdf), "corrupt_file"),
        K("pdf-prev-loop", _raw("pl.pdf", _prev_loop_pdf), "corrupt_file"),
        K("encrypted-pdf", _copy(ENCRYPTED_PDF, "enc.pdf"), "encrypted"),
        # converted by LibreOffice
        K("rtf-named-doc", _raw("r.doc", lambda: rtf()), "unknown_template", "file named .doc is an RTF document", slow=True),
        K("rtf-named-docx", _raw("r.docx", lambda: rtf()), "unknown_template", "is an RTF document", slow=True),
        K("ole-junk-named-docx", _raw("o.docx", lambda: ole()), "corrupt_file", slow=True),
    ]
    return ks


def _styles_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(GOOD) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "word/styles.xml":
                out.writestr(info, src.read(info))
        with out.open("word/styles.xml", "w", force_zip64=True) as fh:
            for _ in range(24):
                fh.write(b" " * (1 << 20))
    return buf.getvalue()


def _lying_size() -> bytes:
    """document.xml's headers declare 1000 bytes; the data inflates to 24 MiB."""
    data = bytearray(zip_bomb_member("word/document.xml", 24))
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        i = data.find(sig)
        if i >= 0 and struct.unpack_from("<I", data, i + off)[0] != 0xFFFFFFFF:
            struct.pack_into("<I", data, i + off, 1000)
    return bytes(data)


if __name__ == "__main__":  # write the corpus to a folder, for a look or a batch run
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for k in kinds():
        d = out / k.name
        d.mkdir(parents=True, exist_ok=True)
        print(k.name, k.build(d), os.path.getsize(next(d.iterdir())))
