"""Scanned and photographed samples end to end (engine included) against their truth.

Done when: ≥ 99 % of the truth places right on the scans (≥ 97 % on the phone photo), no wrong value
ever marked ok (every OCR error is flagged review / invalid), every tick-box choice right.
Run with ``-s`` to see the accuracy and the review rate per sample.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import SAMPLES
from extractor.api import extract
from truth import compare, load_truth

SCANS = sorted(p for p in (SAMPLES / "scans").iterdir() if not p.name.endswith(".json"))


@lru_cache(maxsize=None)
def run(path: Path):
    return extract(path)


def score(path: Path):
    truth = load_truth(path.with_name(path.name + ".truth.json"))
    res = run(path)
    return truth, res, compare(res, truth)


@pytest.mark.parametrize("scan", SCANS, ids=[p.name for p in SCANS])
def test_scan_matches_truth(scan: Path):
    truth, res, rep = score(scan)
    assert res.status in ("ok", "review"), res.errors
    assert res.template.id == truth["template"]
    assert res.source.format == ("scan" if scan.suffix == ".pdf" else "image")
    assert not rep.wrong_but_ok, f"wrong values marked ok: {rep.wrong_but_ok}"
    right = rep.checked - len(rep.missing) - len(rep.wrong)
    need = 0.97 if "photo" in scan.name else 0.99
    print(f"\n{scan.name}: {right}/{rep.checked} right ({right / rep.checked:.1%}), "
          f"{rep.review} right values flagged review ({rep.review / rep.checked:.1%})")
    assert right >= need * rep.checked, "\n".join(rep.lines()[:20])


def test_all_tick_box_choices_right():
    n = 0
    for scan in SCANS:
        truth, res, _ = score(scan)
        got = {}
        for f in res.fields:
            got.setdefault((f.table, f.row_label, f.column_label), []).append(f)
        for t in truth["fields"]:
            if t["kind"] != "check":
                continue
            f = got[(t["table"], t["row_label"], t["column_label"])][t.get("occurrence", 1) - 1]
            assert f.value == t["value"], (scan.name, t["row_label"], f.raw, f.value)
            n += 1
    assert n >= 15


def test_overall_accuracy_and_review_rate():
    checked = right = review = 0
    for scan in SCANS:
        _, _, rep = score(scan)
        checked += rep.checked
        right += rep.checked - len(rep.missing) - len(rep.wrong)
        review += rep.review
    print(f"\nall scans: {right}/{checked} right ({right / checked:.2%}); review rate {review / checked:.1%}")
    assert right >= 0.99 * checked


def test_values_keep_their_region_for_review():
    _, res, _ = score(SAMPLES / "scans" / "gx-amc-2025-scan.pdf")
    sealed = [f for f in res.fields if any("seal" in r for r in f.reasons)]
    assert sealed and all(f.status in ("review", "invalid") for f in sealed)
    assert all(f.page and f.bbox and len(f.bbox) == 4 for f in res.fields if f.raw)


def test_crop_of_a_value_for_the_reviewer():
    from extractor.ocr.debug import crop

    _, res, _ = score(SAMPLES / "scans" / "gx-amc-2025-scan.pdf")
    f = next(f for f in res.fields if f.raw == "545001")
    img = crop(SAMPLES / "scans" / "gx-amc-2025-scan.pdf", f.page, tuple(f.bbox))
    assert img.ndim == 2 and img.shape[0] > 20 and img.shape[1] > 60
    assert img.min() < 100  # ink: the digits are in the crop


def test_review_crops_show_what_was_read(tmp_path: Path):
    """``extractor crops``: one PNG per doubtful value with a place on a page, cut from the source file;
    recognising each crop again gives the raw text the result holds (the crop is the right place)."""
    from click.testing import CliRunner

    from extractor.cli import main
    from extractor.emit import write_json
    from extractor.ocr.engines import get_engine
    from extractor.review import queue

    _, res, _ = score(SAMPLES / "scans" / "gx-amc-2025-scan.pdf")
    write_json(res, tmp_path / "out" / "r.json")
    r = CliRunner().invoke(main, ["crops", str(tmp_path / "out"), "--to", str(tmp_path / "crops")])
    assert r.exit_code == 0, r.output
    pngs = sorted((tmp_path / "crops" / res.source.name).glob("*.png"))
    placed = [it for it in queue(res) if it.page and it.bbox]
    assert placed and len(pngs) == len(placed)
    eng = get_engine()
    checked = 0
    for it, f in zip(placed, pngs):
        if not it.raw or "\n" in it.raw or len(it.raw) > 12:
            continue
        img = cv2.imread(str(f), cv2.IMREAD_GRAYSCALE).copy()
        dark = img < 128
        img[dark.mean(axis=1) > 0.5, :] = 255  # the cell's ruling lines
        img[:, dark.mean(axis=0) > 0.5] = 255
        on = (img < 110).sum(axis=1) > 0.04 * img.shape[1]  # rows of the value's line, not the faint seal
        on = np.convolve(on, np.ones(5), "same") > 0  # close the gaps inside a line of text
        runs, y = [], 0
        while y < len(on):
            if on[y]:
                a = y
                while y < len(on) and on[y]:
                    y += 1
                runs.append((y - a, a, y))
            y += 1
        lines = [img[max(0, a - 14):b + 14] for h, a, b in runs if h >= 12]  # a wrapped value: two lines
        read = "".join(r.text for r in eng.recognize(lines))
        assert it.raw.replace(" ", "") in read.replace(" ", ""), (it.where, it.raw, read)
        checked += 1
    assert checked >= 3


def test_images_go_through_batch_and_cli(tmp_path: Path):
    import shutil

    from click.testing import CliRunner

    from extractor.cli import main

    src = SAMPLES / "scans" / "gx-sme-2024-p3-fax.png"
    shutil.copy(src, tmp_path / "a.png")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    r = CliRunner().invoke(main, ["extract", str(tmp_path), "-o", str(tmp_path / "out"), "-q"])
    assert r.exit_code == 1  # one bad file
    good = json.loads((tmp_path / "out" / "a.png.json").read_text(encoding="utf-8"))
    assert good["template"]["id"] == "gx-sme-2024" and good["source"]["format"] == "image"
    bad = json.loads((tmp_path / "out" / "broken.jpg.json").read_text(encoding="utf-8"))
    assert bad["status"] == "error" and bad["errors"][0]["code"] == "corrupt_file"


def test_inspect_overlay(tmp_path: Path):
    from click.testing import CliRunner

    from extractor.cli import main

    r = CliRunner().invoke(main, ["inspect", str(SAMPLES / "scans" / "gx-sme-2024-p3-fax.png"),
                                  "--overlay", str(tmp_path / "ov")])
    assert r.exit_code == 0, r.output
    assert "gx-sme-2024" in r.output
    pngs = list((tmp_path / "ov").glob("*.png"))
    assert len(pngs) == 1 and pngs[0].stat().st_size > 10_000


@pytest.mark.parametrize("turn", [90, 270])
def test_page_turned_a_quarter(tmp_path: Path, turn: int):
    """A page scanned sideways: 0/90° from the shape of the text lines, 90/270° by the 180° classifier."""
    from PIL import Image

    src = SAMPLES / "scans" / "gx-sme-2024-p3-fax.png"
    dst = tmp_path / f"turned{turn}.png"
    Image.open(src).rotate(turn, expand=True).save(dst)
    truth = load_truth(src.with_name(src.name + ".truth.json"))
    res = extract(dst)
    rep = compare(res, truth)
    assert res.template.id == truth["template"]
    assert not rep.wrong_but_ok and not rep.wrong and not rep.missing, rep.lines()


def test_mixed_pdf_scanned_pages_read_by_ocr(tmp_path: Path):
    """Typed pages 1-2 and scanned pages 3-4 (one upside down) in one PDF: every place of the form read."""
    import pypdfium2 as pdfium

    typed = pdfium.PdfDocument(str(SAMPLES / "pdf" / "gx-amc-2025-filled.pdf"))
    scanned = pdfium.PdfDocument(str(SAMPLES / "scans" / "gx-amc-2025-scan.pdf"))
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(typed, [0, 1])
    mixed.import_pages(scanned, [2, 3])
    f = tmp_path / "mixed.pdf"
    mixed.save(str(f))
    res = extract(f)
    assert res.source.format == "pdf" and any("read by OCR" in w for w in res.warnings)
    rep = compare(res, load_truth(SAMPLES / "pdf" / "gx-amc-2025-filled.pdf.truth.json"))
    assert not rep.wrong_but_ok and not rep.missing and not rep.wrong, rep.lines()
