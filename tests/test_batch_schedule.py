"""How the batch hands out work: dearest file first, workers forked after a warm-up, OCR threads per
worker, and reports in input order whatever order the workers finish in."""
from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import yaml

from conftest import SAMPLES
from extractor.batch import BatchSettings, dearest_first, expected_seconds, run_batch
from extractor.intake import Item
from extractor.pool import LocalPool

DOCX = SAMPLES / "docx"


def _item(rel: str, size: int) -> Item:
    return Item(package="p", rel=rel, display=f"p/{rel}", size=size)


def test_expected_seconds_ranks_scanned_forms_first():
    form_scan = _item("附件1：集群申报表（盖章版）.pdf", 2_000_000)
    form_pdf = _item("申报表.pdf", 0)
    form_doc = _item("申报表.doc", 10_000)
    form_docx = _item("申报表.docx", 2_000_000)
    licence = _item("营业执照.jpg", 5_000_000)
    note = _item("说明.txt", 100)
    assert expected_seconds(form_scan, True) == 2.5
    assert expected_seconds(form_doc, True) == 2.0  # LibreOffice first
    assert expected_seconds(form_pdf, True) == 0.5 > expected_seconds(licence, False) == 0.3  # just above an attachment
    assert expected_seconds(form_docx, True) == 0.1  # a Word file's size says little
    assert expected_seconds(note, False) == 0.01
    items = {"0": note, "1": form_docx, "2": licence, "3": form_scan, "4": form_doc}
    tasks = [(k, {}) for k in items]
    assert [k for k, _ in dearest_first(tasks, items)] == ["3", "4", "2", "1", "0"]
    # ties keep the input order
    items2 = {"a": _item("x.txt", 1), "b": _item("y.txt", 1)}
    assert [k for k, _ in dearest_first([("a", {}), ("b", {})], items2)] == ["a", "b"]


def test_ocr_threads_per_worker(tmp_path: Path):
    one = LocalPool(1, tmp=tmp_path)
    assert one.ocr_config is None  # a lone worker keeps the OCR config's own threads
    for n, threads, want in ((1, 1, 1), (2, None, max(1, (os.cpu_count() or 1) // 2)), (2, 3, 3)):
        pool = LocalPool(n, tmp=tmp_path, ocr_threads=threads)
        assert yaml.safe_load(Path(pool.ocr_config).read_text(encoding="utf-8"))["threads"] == want
        pool.close()
        assert pool.ocr_config is None


def test_preload_runs_once_in_the_parent_with_the_workers_config(tmp_path: Path):
    note = tmp_path / "说明.txt"
    note.write_text("材料清单", encoding="utf-8")
    calls = []
    pool = LocalPool(2, tmp=tmp_path / "w", preload=lambda cfg: calls.append((os.getpid(), cfg)))
    cfg = pool.ocr_config
    done = []
    task = {"path": str(note), "name": note.name, "display": note.name, "sha256": "", "template": None,
            "maps_dir": None, "pages": None}
    try:
        pool.run([("a", task), ("b", task), ("c", task)], lambda k, rec: done.append((k, rec["status"])))
        pool.run([("d", task)], lambda k, rec: done.append((k, rec["status"])))
    finally:
        pool.close()
    assert calls == [(os.getpid(), cfg)]
    assert sorted(done) == [(k, "attachment") for k in "abcd"]


def test_reports_follow_the_input_order_with_two_workers(tmp_path: Path):
    """The last package holds the dearest file, so it is handed out first and finishes early; summaries and
    the values CSV still list the packages in input order."""
    inbox = tmp_path / "inbox"
    names = ["企业1", "企业2", "企业3"]
    for name, src in zip(names, ["gx-amc-2025-filled.docx", "tj-amc-2025-filled.docx", "nm-amc-2024-filled.docx"]):
        (inbox / name).mkdir(parents=True)
        shutil.copy(DOCX / src, inbox / name / f"附件1：集群申报表{'.docx'}")
    big = inbox / "企业3" / "附件2：营业执照.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 3_000_000)  # dear by its size; a broken PDF: an attachment
    res = run_batch([inbox], tmp_path / "out", BatchSettings(workers=2))
    assert [s["package"] for s in res.summaries] == names
    assert [pkg for pkg, _ in res.results] == names
    with open(tmp_path / "out" / "_batch" / "values.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    seen = list(dict.fromkeys(r["package"] for r in rows))
    assert seen == names
