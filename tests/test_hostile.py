"""Hostile and broken input (issue 11): every kind of :mod:`hostile` gets its exact error code through
``extract`` (never ``internal_error``, never an exception), within its limits, and a good form still
converts after each. Limit boundaries are pinned with literal numbers (just inside, just outside)."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hostile
from extractor.api import extract
from extractor.errors import InputError
from extractor.limits import Limits
from extractor.loaders import load

KINDS = hostile.kinds()


def _good_still_converts() -> None:
    res = extract(hostile.GOOD)
    assert res.status in ("ok", "review") and res.template.id == "gx-sme-2024", res.errors


def test_corpus_is_big_enough():
    assert len(KINDS) >= 60 and len({k.name for k in KINDS}) == len(KINDS)


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_hostile_kind(tmp_path: Path, kind: hostile.Kind):
    path = kind.build(tmp_path)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.monotonic()
    res = extract(path, limits=kind.limits)
    took = time.monotonic() - t0
    grew_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    codes = [e.code for e in res.errors]
    assert "internal_error" not in codes
    if kind.code is None:
        assert res.status in ("ok", "review"), (res.status, res.errors)
    else:
        assert codes == [kind.code], [(e.code, e.message) for e in res.errors]
        assert res.errors[0].message
    if kind.warning:
        assert any(kind.warning in w for w in res.warnings), res.warnings
    assert took < (60 if kind.slow else 15), took
    assert grew_mb < 700, f"peak memory grew by {grew_mb:.0f} MB"
    _good_still_converts()


def test_limit_errors_name_the_limit_and_how_to_raise_it(tmp_path: Path):
    p = tmp_path / "k.pdf"
    p.write_bytes(hostile.pages_pdf([b""] * 1000))
    res = extract(p)
    msg = res.errors[0].message
    assert res.errors[0].code == "too_many_pages"
    assert "1000 pages" in msg and "max_pages=300" in msg and "EXTRACTOR_MAX_PAGES" in msg


# ------------------------------------------------------------------ limit boundaries (literal numbers)

def _pdf(tmp: Path, n: int) -> Path:
    p = tmp / f"p{n}.pdf"
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
    p.write_bytes(hostile.pages_pdf([hostile.text_content([f"{words[i]} is written on this page"]) for i in range(n)]))
    return p


def test_max_pages_boundary(tmp_path: Path):
    p = _pdf(tmp_path, 5)
    assert load(p, limits=Limits(max_pages=5)).pages == 5
    with pytest.raises(InputError) as e:
        load(p, limits=Limits(max_pages=4))
    assert e.value.code == "too_many_pages" and e.value.limit == "max_pages"


def test_page_range_reads_a_long_document_in_parts(tmp_path: Path):
    p = _pdf(tmp_path, 5)
    doc = load(p, limits=Limits(max_pages=2), pages=[4, 5])
    text = "\n".join(b.text for b in doc.paragraphs())
    assert "delta" in text and "echo" in text and "alpha" not in text
    assert doc.pages == 5 and any("only pages 4-5 of 5" in w for w in doc.warnings)
    with pytest.raises(InputError) as e:
        load(p, limits=Limits(max_pages=2), pages=[1, 2, 3])
    assert e.value.code == "too_many_pages"
    res = extract(p, pages=[9])
    assert res.errors[0].code == "bad_page_range"


def test_max_pages_from_environment(tmp_path: Path, monkeypatch):
    p = _pdf(tmp_path, 3)
    monkeypatch.setenv("EXTRACTOR_MAX_PAGES", "2")
    assert extract(p).errors[0].code == "too_many_pages"
    monkeypatch.setenv("EXTRACTOR_MAX_PAGES", "3")
    assert extract(p).errors[0].code == "unknown_template"
    monkeypatch.setenv("EXTRACTOR_MAX_PAGES", "lots")
    with pytest.raises(ValueError, match="EXTRACTOR_MAX_PAGES"):
        Limits.from_env()


def test_max_member_mb_boundary(tmp_path: Path):
    p = tmp_path / "b.docx"
    p.write_bytes(hostile.zip_bomb_member("word/document.xml", 3, {"[Content_Types].xml": b"<x/>"}))
    with pytest.raises(InputError) as e:  # 3 MiB of spaces: within 3 MiB, so it is read (and is not XML)
        load(p, limits=Limits(max_member_mb=3))
    assert e.value.code == "corrupt_file"
    with pytest.raises(InputError) as e:
        load(p, limits=Limits(max_member_mb=2.99))
    assert e.value.code == "too_large" and e.value.limit == "max_member_mb"


def test_max_stream_mb_boundary(tmp_path: Path):
    p = tmp_path / "s.pdf"
    p.write_bytes(hostile.stream_bomb_pdf(3))
    with pytest.raises(InputError) as e:
        load(p, limits=Limits(max_stream_mb=2.99))
    assert e.value.code == "too_large" and e.value.limit == "max_stream_mb"
    with pytest.raises(InputError) as e:  # inflated in full: 3 MiB of zeros is no text, then a needs-OCR path
        load(p, limits=Limits(max_stream_mb=3, max_page_pixels=100_000))
    assert e.value.code != "too_large"


def test_max_image_pixels_and_min_side_boundaries(tmp_path: Path):
    p = tmp_path / "d.png"
    p.write_bytes(hostile.png_declaring(3000, 2000))
    with pytest.raises(InputError) as e:
        load(p, limits=Limits(max_image_pixels=5_999_999))
    assert e.value.code == "too_large" and e.value.limit == "max_image_pixels"
    with pytest.raises(InputError) as e:  # within the limit: decoding starts and finds the data short
        load(p, limits=Limits(max_image_pixels=6_000_000))
    assert e.value.code == "corrupt_file"
    small = tmp_path / "s.png"
    small.write_bytes(hostile.png(199, 400))
    with pytest.raises(InputError) as e:
        load(small, limits=Limits(min_image_side=200))
    assert e.value.code == "too_small"
    with pytest.raises(InputError) as e:  # 200 px: big enough to try; blank, so nothing is read
        load(small, limits=Limits(min_image_side=199))
    assert e.value.code == "unreadable_image"


def test_table_limits_boundaries(tmp_path: Path):
    def doc(cols: int, rows: int) -> Path:
        p = tmp_path / f"t{cols}x{rows}.docx"
        p.write_bytes(hostile.docx_with({"word/document.xml": hostile.body_xml(
            hostile.tbl([[hostile.tc("", f'<w:gridSpan w:val="{cols}"/>')]] * rows, grid=cols))}))
        return p
    assert load(doc(50, 2), limits=Limits(max_table_cols=50)).tables()[0].n_cols == 50
    with pytest.raises(InputError) as e:
        load(doc(51, 2), limits=Limits(max_table_cols=50))
    assert e.value.code == "too_large" and e.value.limit == "max_table_cols"
    assert load(doc(50, 20), limits=Limits(max_table_cells=1000)).tables()[0].n_rows == 20
    with pytest.raises(InputError) as e:
        load(doc(50, 21), limits=Limits(max_table_cells=1000))
    assert e.value.limit == "max_table_cells"


def test_max_nesting_boundary(tmp_path: Path):
    def doc(depth: int) -> Path:
        p = tmp_path / f"n{depth}.docx"
        p.write_bytes(hostile._deep_tables(depth))
        return p
    assert load(doc(5), limits=Limits(max_nesting=5))
    with pytest.raises(InputError) as e:
        load(doc(6), limits=Limits(max_nesting=5))
    assert e.value.code == "too_complex" and e.value.limit == "max_nesting"


def test_max_page_objects_boundary(tmp_path: Path):
    p = tmp_path / "c.pdf"
    p.write_bytes(hostile.pages_pdf([hostile.text_content(["ABCDEFGHIJ"] * 10)]))  # 100 characters
    assert load(p, limits=Limits(max_page_objects=100)).pages == 1
    with pytest.raises(InputError) as e:
        load(p, limits=Limits(max_page_objects=99))
    assert e.value.code == "too_complex" and e.value.limit == "max_page_objects"


def test_max_file_mb_boundary(tmp_path: Path):
    p = tmp_path / "f.pdf"
    p.write_bytes(hostile.pages_pdf([hostile.text_content(["x"])]) + b"%" + b" " * (1024 * 1024))
    size_mb = p.stat().st_size / (1024 * 1024)
    with pytest.raises(InputError) as e:
        load(p, limits=Limits(max_file_mb=1.0))
    assert e.value.code == "too_large" and e.value.limit == "max_file_mb" and size_mb > 1.0
    assert load(p, limits=Limits(max_file_mb=1.01)).pages == 1


def test_gridspan_clamped_to_the_grid_and_flagged(tmp_path: Path):
    p = tmp_path / "g.docx"
    p.write_bytes(hostile.docx_with({"word/document.xml": hostile.body_xml(hostile.tbl(
        [[hostile.tc("a"), hostile.tc("b", '<w:gridSpan w:val="50000000"/>')],
         [hostile.tc("c", '<w:gridSpan w:val="abc"/>'), hostile.tc("d"), hostile.tc("e")]], grid=3))}))
    t = load(p).tables()[0]
    assert t.n_cols == 3
    b = next(c for c in t.cells if c.text == "b")
    assert b.colspan == 2 and b.notes and b.confidence < 1
    c = next(c for c in t.cells if c.text == "c")
    assert c.colspan == 1 and "not a number" in c.notes[0]


def test_entities_are_never_resolved(tmp_path: Path):
    """Entities in Word XML are never expanded: a DTD is refused, and the parser itself never resolves."""
    from extractor.loaders.wordml import xml_parser
    from lxml import etree

    root = etree.fromstring(b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd"><!ENTITY f "expanded">]><a>&e;&f;</a>',
                            parser=xml_parser())
    assert "root:" not in etree.tostring(root, encoding="unicode") and "expanded" not in (root.text or "")
    for spec in (hostile.XXE, hostile.LAUGHS):
        p = hostile._entity_doc(spec)(tmp_path)
        res = extract(p)
        assert res.errors[0].code == "corrupt_file"
        assert "root:" not in res.model_dump_json()


def test_sixteen_bit_scan_reads_like_the_eight_bit_one(tmp_path: Path):
    """A 16-bit greyscale PNG of a scan is scaled to 8 bits (not clipped to white) and reads like the original."""
    import numpy as np
    from PIL import Image

    src = hostile.ROOT / "samples" / "scans" / "gx-sme-2024-p3-fax.png"
    with Image.open(src) as im:
        grey = np.asarray(im.convert("L"), dtype=np.uint16)
        dpi = im.info.get("dpi")
    p16 = tmp_path / "scan16.png"
    Image.fromarray(grey * 257).save(p16, dpi=dpi) if dpi else Image.fromarray(grey * 257).save(p16)
    with Image.open(p16) as im:
        assert im.mode.startswith("I")
    res = extract(p16)
    assert res.template is not None and res.template.id == "gx-sme-2024", res.errors


@pytest.mark.parametrize("name", ["docx-xml-1GiB", "pdf-stream-1GiB", "png-15000x15000", "pdf-1000-pages",
                                  "gridspan-50000000"])
def test_bombs_with_default_limits_stay_small(tmp_path: Path, name: str):
    """The bombs of issue 11 at full size, default limits, in a fresh process: fast and small."""
    script = f"""
import resource, sys, time
sys.path.insert(0, {str(Path(__file__).parent)!r})
from pathlib import Path
import hostile
from extractor.api import extract
d = Path({str(tmp_path)!r})
build = {{
 "docx-xml-1GiB": lambda: hostile._write(d, "b.docx", hostile.zip_bomb_member("word/document.xml", 1024)),
 "pdf-stream-1GiB": lambda: hostile._write(d, "b.pdf", hostile.stream_bomb_pdf(1024)),
 "png-15000x15000": lambda: hostile._write(d, "b.png", hostile.png_declaring(15000, 15000)),
 "pdf-1000-pages": lambda: hostile._write(d, "k.pdf", hostile.pages_pdf([b""] * 1000)),
 "gridspan-50000000": hostile._grid_mutation("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="50000000"/>'),
}}[{name!r}]
p = build(d) if {name!r}.startswith("gridspan") else build()
def hwm():  # this process's peak resident memory, MiB (VmHWM: ru_maxrss would include the forking parent's)
    line = next(x for x in open("/proc/self/status") if x.startswith("VmHWM"))
    return int(line.split()[1]) / 1024
before = hwm()
t = time.monotonic()
r = extract(p)
import json
print(json.dumps({{"code": r.errors[0].code if r.errors else r.status, "s": time.monotonic() - t,
                   "peak_mb": hwm(), "before_mb": before}}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    expected = {"docx-xml-1GiB": "too_large", "pdf-stream-1GiB": "too_large", "png-15000x15000": "too_large",
                "pdf-1000-pages": "too_many_pages", "gridspan-50000000": "review"}[name]
    assert got["code"] == expected
    assert got["s"] < 10 and got["peak_mb"] < 400, got
