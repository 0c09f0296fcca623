"""Fuzz of the Word and PDF loaders (hypothesis): mutated bytes of a small valid docx's document.xml and of a
small valid PDF never make an exception escape ``extract`` nor an ``internal_error`` record. Bounded for CI
(60 examples each, the whole file well under 60 s)."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from extractor.api import extract
from extractor.limits import Limits

LIMITS = Limits(max_pages=10, max_member_mb=2, max_stream_mb=1, max_image_pixels=4_000_000,
                max_page_pixels=1_000_000, max_page_objects=5_000)
DOC_XML = hostile.body_xml(hostile.para("申报单位：某某公司") + hostile.tbl(
    [[hostile.tc("集群名称"), hostile.tc("x", '<w:gridSpan w:val="2"/>')],
     [hostile.tc("产值", '<w:vMerge w:val="restart"/>'), hostile.tc("1"), hostile.tc("2")],
     [hostile.tc("", "<w:vMerge/>"), hostile.tc("3"), hostile.tc("4")]], grid=3))
PDF = hostile.pages_pdf([hostile.text_content(["Cluster form", "Output 12.5"]),
                         b"0 0 m 100 100 l S 10 10 200 50 re S " + hostile.text_content(["page two"])], flate=True)

# a mutation: (position as a fraction of the length, action, bytes)
MUTATION = st.tuples(st.floats(0, 1), st.sampled_from(["replace", "insert", "delete", "truncate"]),
                     st.binary(min_size=1, max_size=8))
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def mutate(data: bytes, muts) -> bytes:  # noqa: ANN001
    b = bytearray(data)
    for frac, op, chunk in muts:
        i = min(len(b), int(frac * len(b)))
        if op == "replace":
            b[i:i + len(chunk)] = chunk
        elif op == "insert":
            b[i:i] = chunk
        elif op == "delete":
            del b[i:i + len(chunk)]
        else:
            del b[i:]
    return bytes(b)


def _check(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(data)
        t = time.monotonic()
        res = extract(p, limits=LIMITS)  # an exception escaping fails the test
        assert time.monotonic() - t < 20
        assert all(e.code != "internal_error" for e in res.errors)
        assert res.status in ("ok", "review", "error", "needs_ocr")


@FUZZ
@given(st.lists(MUTATION, min_size=1, max_size=4))
def test_fuzz_docx_document_xml(muts):
    _check("f.docx", hostile.docx_with({"word/document.xml": mutate(DOC_XML, muts)}))


@FUZZ
@given(st.lists(MUTATION, min_size=1, max_size=4))
def test_fuzz_pdf_bytes(muts):
    _check("f.pdf", mutate(PDF, muts))


@FUZZ
@given(st.lists(MUTATION, min_size=1, max_size=3))
def test_fuzz_docx_zip_bytes(muts):
    _check("z.docx", mutate(hostile.docx_with({"word/document.xml": DOC_XML}), muts))
