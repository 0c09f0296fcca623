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


def test_an_inner_page_is_a_form_page_by_its_labels():
    # found by a new user: the bundled one-page scans gx-sme-2024-p4 / p9 (no title, no form word at the top) were
    # triaged as attachments and never converted by the CLI
    from extractor.maps import LABEL_MIN_CHARS
    from extractor.triage import LABEL_HEAD, PAGE_LABELS, text_score

    assert (PAGE_LABELS, LABEL_HEAD, LABEL_MIN_CHARS) == (2, 8, 6)
    labels = [("gx-sme-2024", {"集群总产值亿元", "集群总产值占所在县级行政区划工业总产值比重", "集群企业数量年度当前值"})]
    two = "2024年 2023年 集群总产值（亿元） 178.89 集群总产值占所在县级行政区划工业"  # the second one cut at 16
    assert text_score(two, [], labels=labels) == (0.5, "gx-sme-2024")
    one = "2024年 2023年 集群总产值（亿元） 178.89"
    assert text_score(one, [], labels=labels)[0] == 0.0
    # a label's first 8 characters are enough, 7 are not
    assert text_score("集群总产值（亿元） 集群总产值占所在", [], labels=labels)[0] == 0.5
    assert text_score("集群总产值（亿元） 集群总产值占所", [], labels=labels)[0] == 0.0
    # a licence's words are no form's labels
    assert text_score("营业执照 统一社会信用代码 名称 法定代表人 注册资本 成立日期 住所")[0] == 0.0


def test_the_bundled_inner_page_scans_are_read_as_forms():
    from extractor.triage import FORM_MIN_SCORE, evidence

    for name in ("gx-sme-2024-p4.jpg", "gx-sme-2024-p9.jpg"):
        path = Path(__file__).resolve().parent.parent / "samples" / "scans" / name
        ev = evidence(path, name)
        assert ev.score >= FORM_MIN_SCORE and ev.template == "gx-sme-2024", (name, ev)
