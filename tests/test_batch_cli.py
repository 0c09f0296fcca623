"""Batches: bad files get an error record and never stop the others; the CLI is a thin shell."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from click.testing import CliRunner

from conftest import SHARED_TEMPLATES
from extractor.cli import main


def _inputs(tmp: Path) -> Path:
    src = tmp / "in"
    src.mkdir()
    shutil.copy(SHARED_TEMPLATES / "tj-amc-2025.docx", src / "天津.docx")
    (src / "broken.docx").write_bytes(b"PK\x03\x04not really a zip")
    (src / "empty.docx").write_bytes(b"")
    (src / "notes.txt").write_text("ignored")
    with zipfile.ZipFile(src / "package.zip", "w") as z:
        z.write(SHARED_TEMPLATES / "gx-amc-2025.docx", "材料/gx.docx")
        z.writestr("材料/readme.txt", "x")
    return src


def test_batch_folder_and_zip(tmp_path: Path):
    src = _inputs(tmp_path)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["extract", str(src), "-o", str(out), "--csv", str(tmp_path / "all.csv")])
    assert r.exit_code == 1, r.output  # two bad files, and notes.txt is a package without a form
    good = json.loads((out / "天津.docx.json").read_text(encoding="utf-8"))
    assert good["template"]["id"] == "tj-amc-2025" and good["status"] in ("ok", "review")
    bad = json.loads((out / "broken.docx.json").read_text(encoding="utf-8"))
    assert bad["status"] == "error" and bad["errors"][0]["code"] == "corrupt_file"
    empty = json.loads((out / "empty.docx.json").read_text(encoding="utf-8"))
    assert empty["status"] == "error"
    zipped = json.loads((out / "package.zip" / "材料" / "gx.docx.json").read_text(encoding="utf-8"))
    assert zipped["template"]["id"] == "gx-amc-2025"
    pkg = json.loads((out / "package.zip.package.json").read_text(encoding="utf-8"))
    assert pkg["status"] == "converted" and [a["path"] for a in pkg["attachments"]] == ["材料/readme.txt"]
    assert not (out / "notes.txt.json").exists()  # an attachment: a record, no JSON of its own
    notes = json.loads((out / "notes.txt.package.json").read_text(encoding="utf-8"))
    assert notes["status"] == "failed" and notes["files"][0]["outcome"] == "attachment"
    broken = json.loads((out / "broken.docx.package.json").read_text(encoding="utf-8"))
    assert broken["files"][0]["outcome"] == "error: corrupt_file"
    assert "broken.docx" in r.output
    assert (tmp_path / "all.csv").read_text(encoding="utf-8-sig").count("\n") > 50


def test_single_good_file_exit_zero(tmp_path: Path):
    r = CliRunner().invoke(main, ["extract", str(SHARED_TEMPLATES / "nm-amc-2024.docx"), "-o", str(tmp_path), "-q"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "nm-amc-2024.docx.json").exists()


def test_templates_schema_check_maps():
    runner = CliRunner()
    r = runner.invoke(main, ["templates"])
    assert r.exit_code == 0 and "prov-cluster-2025" in r.output
    r = runner.invoke(main, ["schema"])
    assert r.exit_code == 0 and json.loads(r.output)["title"] == "Result"
    r = runner.invoke(main, ["check-maps"])
    assert r.exit_code == 0, r.output


def test_unsupported_file(tmp_path: Path):
    """A file that is no form at all is an attachment; alone it makes a package without a form (exit 1)."""
    p = tmp_path / "a.xls"
    p.write_bytes(b"\x00\x01")
    r = CliRunner().invoke(main, ["extract", str(p), "-o", str(tmp_path / "o"), "-q"])
    assert r.exit_code == 1
    rec = json.loads((tmp_path / "o" / "a.xls.package.json").read_text(encoding="utf-8"))
    assert rec["status"] == "failed" and rec["files"][0]["outcome"] == "attachment"
    assert rec["candidates"][0]["path"] == "a.xls" and "a.xls" in r.output


def test_review_queue_reads_emitted_json(tmp_path: Path):
    from conftest import SAMPLES
    from extractor.review import load_results, queue

    messy = SAMPLES / "docx" / "prov-cluster-2025-messy.docx"
    r = CliRunner().invoke(main, ["extract", str(messy), "-o", str(tmp_path), "-q"])
    assert r.exit_code == 0
    items = queue(load_results([tmp_path])[0])
    assert [i.status for i in items] == ["review", "review"]  # the two 万元 typed into 亿元 rows
    assert all("万元" in i.raw for i in items)
    r = CliRunner().invoke(main, ["review", str(tmp_path)])
    assert r.exit_code == 0 and "2 item(s) to review" in r.output


def test_inspect_shows_sections():
    r = CliRunner().invoke(main, ["inspect", str(SHARED_TEMPLATES / "tj-amc-2025.docx")])
    assert r.exit_code == 0
    assert "read as tj-amc-2025" in r.output and "[list] 附表5" in r.output


def test_xlsx_export(tmp_path: Path):
    from openpyxl import load_workbook

    from conftest import SAMPLES

    doc = SAMPLES / "docx" / "tj-amc-2025-filled.docx"
    r = CliRunner().invoke(main, ["extract", str(doc), "-o", str(tmp_path), "-q", "--xlsx", str(tmp_path / "v.xlsx")])
    assert r.exit_code == 0
    ws = load_workbook(tmp_path / "v.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "file"
    from truth import load_truth

    truth = load_truth(doc.with_name(doc.name + ".truth.json"))
    want = next(f["value"] for f in truth["fields"] if f["row_label"] == "集群名称")
    got = [row[9] for row in rows[1:] if row[6] == "cluster_name"]
    assert got == [want]
    assert sum(1 for row in rows[1:] if row[5] is not None) > 10  # list-table cells carry their row index
