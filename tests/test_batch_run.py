"""Bulk intake end to end: packages with attachments, outputs that cannot collide, resume, limits, reports."""
from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from extractor.batch import BatchSettings, remove_stale_temp, run_batch
from extractor.cli import main
from extractor.pool import Bounds

ATTACH = ROOT.parent / "shared" / "attachments"
DOCX = SAMPLES / "docx"


def _zip_dir(folder: Path, zpath: Path) -> None:
    with zipfile.ZipFile(zpath, "w") as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(folder.parent).as_posix())


def _summary(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.package.json").read_text(encoding="utf-8"))


def _by_path(s: dict) -> dict:
    return {f["path"]: f for f in s["files"]}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("inbox")
    a = root / "企业A"
    (a / "附件").mkdir(parents=True)
    shutil.copy(DOCX / "gx-amc-2025-filled.docx", a / "附件1：集群申报表（盖章版）.docx")
    shutil.copy(ATTACH / "A02-licence-photo.jpg", a / "附件" / "营业执照.jpg")
    (a / "附件" / "说明.txt").write_text("材料清单", encoding="utf-8")
    _zip_dir(a, root / "企业A.zip")  # the same package again, zipped: processed once
    b = root / "企业B"
    b.mkdir()
    shutil.copy(DOCX / "tj-amc-2025-filled.docx", b / "附件1：集群申报表（盖章版）.docx")  # same name as in A
    c = root / "企业C"
    c.mkdir()
    shutil.copy(ATTACH / "A12-vat-invoice.png", c / "A12-vat-invoice.png")
    return root


@pytest.fixture(scope="module")
def ran(inbox: Path, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    r = CliRunner().invoke(main, ["extract", str(inbox), "-o", str(out), "-j", "2", "--xlsx", str(out.parent / "all.xlsx")])
    return r, out


def test_packages_forms_attachments(ran):
    r, out = ran
    assert r.exit_code == 1, r.output  # 企业C has no form
    a = _summary(out, "企业A")
    assert a["status"] == "converted" and a["template"] == "gx-amc-2025"
    assert a["form"] == "附件1：集群申报表（盖章版）.docx"
    files = _by_path(a)
    assert files["附件/营业执照.jpg"]["outcome"] == "attachment" and files["附件/营业执照.jpg"]["kind"] == "business_licence"
    assert files["附件/说明.txt"]["outcome"] == "attachment"
    assert a["counts"]["attachment"] == 2 and a["counts"]["converted"] == 1 and a["counts"]["ok"] > 50
    assert {x["kind"] for x in a["attachments"]} == {"business_licence", "other"}
    assert files["附件/营业执照.jpg"]["seconds"] < 8  # the top strip only, never a full OCR
    dup = _summary(out, "企业A.zip")
    assert dup["status"] == "duplicate" and dup["duplicate_of"] == "企业A"
    assert {f["outcome"] for f in dup["files"]} == {"skipped: duplicate"} and len(dup["files"]) == 3
    c = _summary(out, "企业C")
    assert c["status"] == "failed" and c["candidates"][0]["path"] == "A12-vat-invoice.png"
    assert c["candidates"][0]["score"] < 0.5
    assert "企业C" in r.output and "no known form" in r.output


def test_outputs_do_not_collide(ran):
    _, out = ran
    ja = json.loads((out / "企业A" / "附件1：集群申报表（盖章版）.docx.json").read_text(encoding="utf-8"))
    jb = json.loads((out / "企业B" / "附件1：集群申报表（盖章版）.docx.json").read_text(encoding="utf-8"))
    assert ja["template"]["id"] == "gx-amc-2025" and jb["template"]["id"] == "tj-amc-2025"
    assert ja["source"]["path"].endswith("企业A/附件1：集群申报表（盖章版）.docx")
    with open(out / "_batch" / "values.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["package"] for r in rows} == {"企业A", "企业B"}
    assert {r["path"].split("/")[-2] for r in rows} == {"企业A", "企业B"}
    lines = (out / "_batch" / "values.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(rows) and json.loads(lines[0])["package"] in ("企业A", "企业B")


def test_reports(ran):
    from openpyxl import load_workbook

    from extractor.maps import load_catalogue

    _, out = ran
    ws = load_workbook(out / "_batch" / "applications.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == sorted([r[0] for r in rows[1:]], key=["企业A", "企业B"].index) or len(rows) == 3
    assert len(rows) == 3  # header + one row per application
    from extractor.emit import WIDE_FIXED

    assert list(rows[0][:len(WIDE_FIXED)]) == WIDE_FIXED
    ids = [h.split("/")[0] for h in rows[0][len(WIDE_FIXED):]]
    order = list(load_catalogue())
    assert ids == sorted(ids, key=order.index)  # catalogue order
    col = rows[0].index("cluster_name")
    assert all(r[col] for r in rows[1:])
    html = (out / "_batch" / "report.html").read_text(encoding="utf-8")
    assert html.count("<tr class=") == 4 and 'href="../%E4%BC%81%E4%B8%9AC.package.json"' in html
    long = load_workbook(out.parent / "all.xlsx").active
    head = next(long.iter_rows(values_only=True))
    assert head[-2:] == ("package", "path")
    recs = [json.loads(x) for x in (out / "_batch" / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 3 + 3 + 1 + 1  # every file found, the duplicate's too


def test_rerun_resumes_and_force_redoes(ran, inbox: Path):
    _, out = ran
    form = out / "企业A" / "附件1：集群申报表（盖章版）.docx.json"
    before = form.stat().st_mtime_ns
    res = run_batch([inbox], out, BatchSettings(workers=1))
    assert {s["package"] for s in res.summaries if s.get("resumed")} == {"企业A", "企业A.zip", "企业B", "企业C"}
    assert form.stat().st_mtime_ns == before
    assert not res.ok and [s["package"] for s in res.failed] == ["企业C"]
    res = run_batch([inbox / "企业B"], out / "forced", BatchSettings(workers=1))
    res2 = run_batch([inbox / "企业B"], out / "forced", BatchSettings(workers=1, force=True))
    assert not res2.summaries[0].get("resumed") and res.ok and res2.ok


def test_exit_zero_when_every_package_converted(inbox: Path, tmp_path: Path):
    r = CliRunner().invoke(main, ["extract", str(inbox / "企业B"), "-o", str(tmp_path), "-q", "--one-package"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "企业B" / "附件1：集群申报表（盖章版）.docx.json").exists()


# ---------------------------------------------------------------- bounds: time and memory
def _fake_process(task: dict) -> dict:
    """Stands in for triage.process in the forked workers: sleeps / allocates as the file name says."""
    name = task["name"]
    if name.startswith("sleep"):
        time.sleep(float(name.split("-")[1]))
    if name.startswith("alloc"):
        mb = int(name.split("-")[1])
        block = bytearray(mb * 1024 * 1024)
        block[-1] = 1
    return {"status": "attachment", "kind": "other", "score": 0.0, "evidence": "name", "seconds": 0.0}


@pytest.fixture
def fake_jobs(monkeypatch):
    import extractor.triage as triage

    monkeypatch.setattr(triage, "process", _fake_process)


def test_time_limit_boundary(tmp_path: Path, fake_jobs):
    pkg = tmp_path / "in" / "P"
    pkg.mkdir(parents=True)
    (pkg / "sleep-0.2-inside.bin").write_bytes(b"1")
    (pkg / "sleep-30-outside.bin").write_bytes(b"2")
    (pkg / "after.bin").write_bytes(b"3")
    t0 = time.monotonic()
    res = run_batch([tmp_path / "in"], tmp_path / "out", BatchSettings(workers=1, bounds=Bounds(time_limit_s=1.5)))
    assert time.monotonic() - t0 < 20
    files = _by_path(res.summaries[0])
    assert files["sleep-0.2-inside.bin"]["outcome"] == "attachment"
    assert files["sleep-30-outside.bin"]["outcome"] == "error: time_limit"
    assert "--time-limit" in files["sleep-30-outside.bin"]["message"] and "1.5 s" in files["sleep-30-outside.bin"]["message"]
    assert files["after.bin"]["outcome"] == "attachment"  # the batch went on with a new worker


def test_memory_limit_boundary(tmp_path: Path, fake_jobs):
    cap = 512  # MiB the job may map on top of what its worker has mapped at start
    pkg = tmp_path / "in" / "P"
    pkg.mkdir(parents=True)
    (pkg / "alloc-448-inside.bin").write_bytes(b"1")
    (pkg / "alloc-576-outside.bin").write_bytes(b"2")
    (pkg / "alloc-1-after.bin").write_bytes(b"3")
    res = run_batch([tmp_path / "in"], tmp_path / "out", BatchSettings(workers=1, bounds=Bounds(memory_limit_mb=cap)))
    files = _by_path(res.summaries[0])
    assert files["alloc-448-inside.bin"]["outcome"] == "attachment"
    assert files["alloc-576-outside.bin"]["outcome"] == "error: memory_limit"
    assert "--memory-limit" in files["alloc-576-outside.bin"]["message"]
    assert files["alloc-1-after.bin"]["outcome"] == "attachment"


def test_settings_defaults():
    b = Bounds()
    assert b.time_limit_s == 600.0 and b.memory_limit_mb == 4096
    assert BatchSettings().workers == (os.cpu_count() or 1)


# ---------------------------------------------------------------- hostile input, names, usage errors
def test_nothing_written_outside_outdir(tmp_path: Path):
    z = tmp_path / "in" / "evil.zip"
    z.parent.mkdir()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../../escape.docx", (DOCX / "nm-amc-2024-filled.docx").read_bytes())
        zf.writestr("/tmp/abs-escape.docx", b"x")
        zf.write(DOCX / "nm-amc-2024-filled.docx", "申报表.docx")
        zf.writestr("a" * 250 + ".docx", (DOCX / "nm-amc-2024-filled.docx").read_bytes()[:100])
    before = {p for p in tmp_path.rglob("*")}
    out = tmp_path / "out"
    res = run_batch([z], out, BatchSettings(workers=1))
    after = {p for p in tmp_path.rglob("*")} - before
    assert after and all(p == out or out in p.parents for p in after)
    assert not Path("/tmp/abs-escape.docx").exists()
    files = _by_path(res.summaries[0])
    assert files["../../escape.docx"]["outcome"] == "skipped: unsafe_path"
    assert files["/tmp/abs-escape.docx"]["outcome"] == "skipped: unsafe_path"
    assert files["申报表.docx"]["outcome"] == "converted"
    long = files["a" * 250 + ".docx"]
    assert long["outcome"] == "error: corrupt_file"
    assert len(Path(long["output"]).name.encode()) <= 255 and long["output"].endswith(".docx.json")
    assert (out / long["output"]).is_file()


def test_control_characters_escaped_on_console(tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "evil\x1b[2Jname.txt").write_text("x")
    r = CliRunner().invoke(main, ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1"])
    assert r.exit_code == 1
    assert "\x1b" not in r.output and "evil\\x1b[2Jname.txt" in r.output


def test_output_folder_usage_errors(tmp_path: Path):
    f = tmp_path / "file"
    f.write_text("x")
    for bad in (f, f / "sub"):
        r = CliRunner().invoke(main, ["extract", str(DOCX / "nm-amc-2024-filled.docx"), "-o", str(bad)])
        assert r.exit_code == 2, r.output
        assert r.output.count("\n") == 1 and "output folder" in r.output


def test_stale_temp_removed(tmp_path: Path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / "extractor-batch-stale"
    stale.mkdir()
    (stale / "pid").write_text(str(dead.pid))
    live = tmp_path / "extractor-batch-live"
    live.mkdir()
    (live / "pid").write_text(str(os.getpid()))
    assert remove_stale_temp() == [stale]
    assert live.exists() and not stale.exists()
    run_batch([DOCX / "nm-amc-2024-filled.docx"], tmp_path / "out", BatchSettings(workers=1))
    assert sorted(p.name for p in tmp_path.glob("extractor-batch-*")) == ["extractor-batch-live"]  # ours cleaned up


def _cli(args: list[str], env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "extractor.cli", "extract", *args], cwd=ROOT,
                            env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_fifo_never_blocks_batch(tmp_path: Path):
    p = tmp_path / "in" / "P"
    p.mkdir(parents=True)
    os.mkfifo(p / "f.docx")
    shutil.copy(DOCX / "nm-amc-2024-filled.docx", p / "form.docx")
    proc = _cli([str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", "-j", "1"])
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    files = _by_path(_summary(tmp_path / "out", "P"))
    assert files["f.docx"]["outcome"] == "skipped: fifo" and files["form.docx"]["outcome"] == "converted"


def _kill_inbox(root: Path) -> Path:
    forms = sorted(DOCX.glob("*.docx"))
    for k in range(6):
        d = root / f"P{k}"
        (d / "sub").mkdir(parents=True)
        shutil.copy(forms[k % len(forms)], d / "form.docx")
        (d / "sub" / "note.txt").write_text(f"note {k}")
    return root


def _normal(out: Path) -> dict:
    """Every output file's content (summaries without timings), keyed by relative path."""
    got = {}
    for f in sorted(out.rglob("*")):
        rel = f.relative_to(out).as_posix()
        if f.is_dir() or rel.startswith("_batch/"):
            continue
        data = json.loads(f.read_text(encoding="utf-8"))  # every file parses: nothing partial
        if rel.endswith(".package.json"):
            data.pop("timings")
            data.pop("resumed", None)
            for x in data["files"]:
                x.pop("seconds", None)
        got[rel] = data
    return got


@pytest.mark.slow
def test_kill9_and_resume_equals_uninterrupted(tmp_path: Path):
    inbox = _kill_inbox(tmp_path / "in")
    ref = tmp_path / "ref"
    p = _cli([str(inbox), "-o", str(ref), "-q", "-j", "2"])
    p.communicate(timeout=180)
    assert p.returncode == 0
    want = _normal(ref)
    assert len(want) == 12
    out = tmp_path / "out"
    rnd = random.Random(10)
    for _ in range(3):
        p = _cli([str(inbox), "-o", str(out), "-q", "-j", "2"])
        time.sleep(rnd.uniform(1.0, 4.0))
        p.kill()  # SIGKILL: no clean-up at all
        p.wait()
        partial = _normal(out) if out.exists() else {}
        assert all(partial[k] == want[k] for k in partial)
    p = _cli([str(inbox), "-o", str(out), "-q", "-j", "2"])
    p.communicate(timeout=180)
    assert p.returncode == 0
    assert _normal(out) == want
    assert not [f for f in out.rglob(".~tmp-*")]


def test_sigterm_writes_reports_and_cleans_temp(tmp_path: Path):
    inbox = _kill_inbox(tmp_path / "in")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    p = _cli([str(inbox), "-o", str(tmp_path / "out"), "-j", "1"], env={"TMPDIR": str(tmpdir)})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list((tmp_path / "out").glob("*.package.json")):
        time.sleep(0.1)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    if p.returncode == 0:
        pytest.skip("the batch finished before SIGTERM arrived")
    assert p.returncode == 143, err.decode()
    assert "stopped (SIGTERM)" in err.decode()
    assert (tmp_path / "out" / "_batch" / "report.html").exists()
    assert (tmp_path / "out" / "_batch" / "values.csv").exists()
    assert not list(tmpdir.glob("extractor-batch-*"))


@pytest.mark.parametrize("score,outcome", [(0.549, "attachment"), (0.55, "error: unknown_template")])
def test_unknown_word_file_attachment_or_error_boundary(tmp_path: Path, monkeypatch, score: float, outcome: str):
    """A Word file that is no known form: an attachment (a letter) below 0.55, an error when it looked like a form."""
    import docx

    import extractor.triage as triage

    d = docx.Document()
    d.add_paragraph("关于推荐的说明")
    d.save(tmp_path / "x.docx")
    monkeypatch.setattr(triage, "evidence", lambda p, n, m=None: triage.Evidence(score, None, "letter", "word"))
    rec = triage.process({"path": str(tmp_path / "x.docx"), "name": "x.docx", "display": "x.docx", "sha256": ""})
    assert rec["status"] + (f": {rec['code']}" if rec["status"] == "error" else "") == outcome
    assert triage.FORM_SURE_SCORE == 0.55


def test_pages_passed_to_the_loaders(tmp_path: Path):
    """--pages 1 reads only the first page of a 21-page form: not enough to identify it."""
    pdf = SAMPLES / "pdf" / "prov-cluster-2025-long.pdf"
    r = CliRunner().invoke(main, ["extract", str(pdf), "-o", str(tmp_path), "-q", "-j", "1", "--pages", "1"])
    assert r.exit_code == 1
    rec = _by_path(_summary(tmp_path, pdf.name))[pdf.name]
    assert rec["outcome"] == "error: unknown_template" and rec["score"] >= 0.6


def test_damaged_attachment_gets_loader_code(tmp_path: Path):
    """A damaged image in a package is handed to the loader, which names the damage; the form still converts."""
    p = tmp_path / "in" / "P"
    p.mkdir(parents=True)
    shutil.copy(DOCX / "nm-amc-2024-filled.docx", p / "form.docx")
    (p / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    res = run_batch([tmp_path / "in"], tmp_path / "out", BatchSettings(workers=1))
    files = _by_path(res.summaries[0])
    assert files["photo.jpg"]["outcome"] == "error: corrupt_file" and res.summaries[0]["status"] == "converted"
