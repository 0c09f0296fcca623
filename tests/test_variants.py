"""The fault-family variants of the sample generator (samples/variants.py) keep their own invariants.

One .docx per new variant and form (no LibreOffice, no extractor): the truth's places are in the
document, the paired signature dates differ, the crowded cover lines share one paragraph, the
seal label sits in a table cell with its value beside it, and the page-split year grid's
continuation has no header row and other column widths.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))

docx = pytest.importorskip("docx")
import generate  # noqa: E402
import variants  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

TEMPLATES = generate.DEFAULT_TEMPLATES
pytestmark = pytest.mark.skipif(not (TEMPLATES / "nm-amc-2024.docx").exists(), reason="blank templates not found")
SEED = 4242
CASES = [(tid, v) for v in variants.NAMES for tid in variants.FORMS[v]]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("variants")
    generate.load_specs(TEMPLATES)
    docs = {}
    for tid, v in CASES:
        name = f"{tid}-{v}"
        generate.build(tid, v, name, TEMPLATES, out, SEED, 0)
        truth = json.loads((out / f"{name}.docx.truth.json").read_text(encoding="utf-8"))
        docs[(tid, v)] = (docx.Document(str(out / f"{name}.docx")), truth, out / f"{name}.docx")
    return docs


def body_text(doc) -> str:
    return "".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))


@pytest.mark.parametrize("tid,variant", CASES)
def test_truth_places_in_document(built, tid, variant):
    doc, truth, _ = built[(tid, variant)]
    assert truth["layout"]["variant"] == variant
    text = body_text(doc)
    for f in truth["fields"]:
        if f["kind"] != "check" and f["raw"] is not None:
            assert f["raw"] in text, f
    for t in truth["texts"]:
        assert t["text"] in text


@pytest.mark.parametrize("tid,variant", CASES)
def test_deterministic(built, tid, variant, tmp_path):
    _, _, path = built[(tid, variant)]
    generate.build(tid, variant, f"{tid}-{variant}", TEMPLATES, tmp_path, SEED, 0)
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("tid", variants.FORMS["sigpair"])
def test_sigpair_dates_differ(built, tid):
    _, truth, _ = built[(tid, "sigpair")]
    sig = [f for f in truth["fields"] if f["kind"] == "signature"]
    pair = truth["layout"]["sigpair"]
    assert len(pair) == 2
    vals = [next(f["value"] for f in sig if f["table"] == p["table"] and f["row_label"] == p["row_label"]) for p in pair]
    assert vals == [p["value"] for p in pair]
    assert vals[0] != vals[1]
    assert vals[0][5:7] != vals[1][5:7] and vals[0][8:] != vals[1][8:]  # month and day both differ


@pytest.mark.parametrize("tid", variants.FORMS["crowded"])
def test_crowded_lines_share_a_paragraph(built, tid):
    doc, truth, _ = built[(tid, "crowded")]
    pairs = truth["layout"]["crowded"]
    assert pairs
    cover = {f["row_label"]: f["raw"] for f in truth["fields"] if f["kind"] == "cover"}
    for a, b in pairs:
        par = next(p.text for p in doc.paragraphs if p.text.startswith(a) or re.match(rf"^{re.escape(a)}[：:（]", p.text))
        assert b + "：" in par, (a, b, par)
        # the first value is followed directly (one space) by the second label
        assert re.search(re.escape(cover[a]) + r"[\u3000 ]" + re.escape(b), par), par


@pytest.mark.parametrize("tid", variants.FORMS["sealcell"])
def test_sealcell_value_beside_seal_label(built, tid):
    doc, truth, _ = built[(tid, "sealcell")]
    info = truth["layout"]["sealcell"]
    seal = next(r for r in info["rows"] if "盖章" in r)
    want = next(f["raw"] for f in truth["fields"] if f["row_label"] == seal)
    tbl = doc.tables[0]
    row = next(r for r in tbl.rows if r.cells[0].text.startswith(seal))
    assert row.cells[1].text.strip() == want
    # the next cover line follows the table as a paragraph
    nxt = tbl._tbl.getnext()
    assert "".join(t.text or "" for t in nxt.iter(qn("w:t"))).startswith(info["next_line"])


@pytest.mark.parametrize("tid", variants.FORMS["pagesplit"])
def test_pagesplit_continuation(built, tid):
    doc, truth, _ = built[(tid, "pagesplit")]
    info = truth["layout"]["pagesplit"]
    tbls = list(doc.element.body.iter(qn("w:tbl")))
    first = tbls[info["table_index"]]
    brk = first.getnext()
    assert brk.tag == qn("w:p") and any(b.get(qn("w:type")) == "page" for b in brk.iter(qn("w:br")))
    cont = brk.getnext()
    assert cont.tag == qn("w:tbl")
    rows = cont.findall(qn("w:tr"))
    texts = ["".join(t.text or "" for t in tc.iter(qn("w:t"))).strip() for tc in rows[0].findall(qn("w:tc"))]
    assert not any(variants.YEAR_CELL.match(x) for x in texts), texts  # no repeated header
    assert not list(cont.iter(qn("w:tblHeader")))
    assert variants.grid_widths(cont) != variants.grid_widths(first)
    assert variants.grid_widths(first) == info["widths_before"]
    assert variants.grid_widths(cont) == info["widths_after"]
    tcw = {int(w.get(qn("w:w"))) for w in cont.iter(qn("w:tcW"))}
    assert tcw - {int(w.get(qn("w:w"))) for w in first.iter(qn("w:tcW"))}, "cell widths unchanged"
