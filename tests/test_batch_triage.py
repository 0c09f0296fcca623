"""Triage of a package's files: empty files, content that is not what the extension says, names that
already say what an attachment is (no OCR)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES
import extractor.triage as triage

ATTACH = ROOT.parent / "shared" / "attachments"


def _run(path: Path) -> dict:
    return triage.process({"path": str(path), "name": path.name, "display": path.name, "sha256": ""})


@pytest.mark.parametrize("name", ["集群申报表-空.pdf", "营业执照.jpg", "x.docx", "note.txt"])
def test_empty_file_is_corrupt(tmp_path: Path, name: str):
    (tmp_path / name).write_bytes(b"")
    rec = _run(tmp_path / name)
    assert (rec["status"], rec["code"]) == ("error", "corrupt_file")
    assert "0 bytes" in rec["message"]


def test_text_named_docx(tmp_path: Path):
    (tmp_path / "财务报表.docx").write_text("资产 100\n负债 50\n", encoding="utf-8")
    rec = _run(tmp_path / "财务报表.docx")
    assert rec["status"] == "attachment" and rec["kind"] == "financial_statement"
    assert "extension .docx" in rec["message"] and "text" in rec["message"]
    assert rec["score"] < triage.FORM_MIN_SCORE
    (tmp_path / "集群申报表.docx").write_text("not a word file", encoding="utf-8")
    rec = _run(tmp_path / "集群申报表.docx")
    assert (rec["status"], rec["code"]) == ("error", "corrupt_file") and "extension .docx" in rec["message"]


def test_sniff():
    pdf = next((SAMPLES / "pdf").glob("*.pdf"))
    docx = next((SAMPLES / "docx").glob("*.docx"))
    assert triage.sniff(pdf) == "pdf" and triage.sniff(docx) == "zip"
    assert triage.content_mismatch(docx, "a.docx") == ("", "")
    assert triage.content_mismatch(pdf, "a.docx")[0] == "pdf"


def test_name_says_attachment_no_ocr(tmp_path: Path, monkeypatch):
    def no_ocr(*_a, **_k):
        raise AssertionError("OCR run on a file whose name says what it is")

    monkeypatch.setattr(triage, "ocr_top", no_ocr)
    shutil.copy(ATTACH / "A02-licence-photo.jpg", tmp_path / "营业执照.jpg")
    ev = triage.evidence(tmp_path / "营业执照.jpg", "营业执照.jpg")
    assert (ev.kind, ev.how) == ("business_licence", "name") and ev.score < triage.FORM_MIN_SCORE
    shutil.copy(ATTACH / "A02-licence-photo.jpg", tmp_path / "荣誉证书.png")
    assert triage.evidence(tmp_path / "荣誉证书.png", "荣誉证书.png").how == "name"
    # a form word in the name: not decided by the name's attachment word alone
    shutil.copy(ATTACH / "A02-licence-photo.jpg", tmp_path / "申报表.jpg")
    assert triage.evidence(tmp_path / "申报表.jpg", "申报表.jpg").how != "name"  # its top strip is read
