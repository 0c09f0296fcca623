"""The review station's JSON API (Starlette TestClient): every endpoint, decisions, rule re-check, safety."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

starlette = pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from extractor.review.station.app import create_app  # noqa: E402
from extractor.review.station.store import ReviewError, Station  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "t0ken-for-tests"
H = {"X-Review-Token": TOKEN, "X-Reviewer": "alice"}


def make_results(dest: Path) -> Path:
    """Two real results: a Word form with one list value typed in the wrong unit (its 合计 and 增幅 then fail
    their rules) and a digital PDF; plus a copy of the Word result whose places were not found."""
    src = dest / "src"
    src.mkdir(parents=True)
    typo = src / "prov-typo.docx"
    with zipfile.ZipFile(ROOT / "samples/docx/prov-cluster-2025-messy.docx") as zi, \
            zipfile.ZipFile(typo, "w", zipfile.ZIP_DEFLATED) as zo:
        for it in zi.infolist():
            b = zi.read(it.filename)
            if it.filename == "word/document.xml":
                b = b.decode().replace("<w:t>140.81</w:t>", "<w:t>140.81万元</w:t>", 1).encode()
            zo.writestr(it, b)
    out = dest / "out"
    subprocess.run([sys.executable, "-m", "extractor.cli", "extract", str(typo),
                    str(ROOT / "samples/pdf/gx-sme-2024-filled.pdf"), "-o", str(out), "-q"], check=True, cwd=ROOT)
    r = json.loads((out / "prov-typo.docx.json").read_text(encoding="utf-8"))
    for f in r["fields"][:5]:
        f.update(raw=None, value=None, status="review", confidence=0.0, reasons=[f"row '{f['row_label']}' not found"])
    r["source"]["name"] = "pages-missing.docx"
    (out / "pkg").mkdir()
    (out / "pkg" / "pages-missing.docx.json").write_text(json.dumps(r, ensure_ascii=False), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    return make_results(tmp_path_factory.mktemp("station"))


@pytest.fixture()
def outdir(results: Path, tmp_path: Path) -> Path:
    d = tmp_path / "out"
    shutil.copytree(results, d)
    return d


@pytest.fixture()
def client(outdir: Path) -> TestClient:
    return TestClient(create_app([outdir], TOKEN, allowed_hosts={"testserver"}))


def queue(c: TestClient, **q) -> dict:  # noqa: ANN003
    r = c.get("/api/queue", headers=H, params=q)
    assert r.status_code == 200, r.text
    return r.json()


def find(items: list[dict], **kv) -> dict:  # noqa: ANN003
    return next(i for i in items if all(str(v) in str(i[k]) for k, v in kv.items()))


def test_queue_worst_first_grouped_and_filtered(client: TestClient) -> None:
    q = queue(client)
    items = q["items"]
    assert [i["status"] for i in items[:2]] == ["invalid", "invalid"]
    assert items[0]["category"] == "rule" and "合计" in items[0]["reasons"][0]
    nf = [i for i in items if i["category"] == "not found"]
    assert len(nf) == 1 and nf[0]["count"] == 5 and nf[0]["package"] == "pkg"
    assert items.index(nf[0]) > max(items.index(i) for i in items if i["category"] in ("ocr", "unit", "rule")
                                    and i["file"] == "pages-missing.docx")
    assert q["counts"]["category"]["not found"] == 5 and q["values"] == sum(i["count"] for i in items)
    only = queue(client, package="pkg", category="not found")
    assert only["total"] == 1
    t = queue(client, template="gx-sme-2024", status="review")
    assert t["total"] >= 1 and all(i["template"] == "gx-sme-2024" for i in t["items"])
    assert queue(client, table="营业收入排名前十企业发展情况", file="x")["total"] >= 2


def test_item_crop_and_document_views(client: TestClient) -> None:
    items = queue(client)["items"]
    total = find(items, file="prov-typo.docx", category="rule", where="合计")
    it = client.get(f"/api/items/{total['item_id']}", headers=H).json()
    assert it["raw"] == "591.81" and it["unit"] == "亿元" and it["status"] == "invalid"
    summed = [r for r in it["related"] if r["why"] == "summed into 合计"]
    assert len(summed) >= 10 and any(r["raw"] == "140.81万元" for r in summed)
    r = client.get(f"/api/items/{total['item_id']}/crop.png", headers=H)  # Word: no page image, a message
    assert r.status_code == 404 and "Word" in r.json()["error"]
    pdf = find(items, file="gx-sme-2024-filled.pdf")
    r = client.get(f"/api/items/{pdf['item_id']}/crop.png", headers=H)
    assert r.status_code == 200 and r.content[:8] == b"\x89PNG\r\n\x1a\n"
    docs = client.get("/api/docs", headers=H).json()
    d = next(x for x in docs if x["file"] == "gx-sme-2024-filled.pdf")
    doc = client.get(f"/api/docs/{d['doc_id']}", headers=H).json()
    assert doc["has_images"] and any(v["bbox"] for v in doc["values"])
    page = next(v["page"] for v in doc["values"] if v["bbox"])
    r = client.get(f"/api/docs/{d['doc_id']}/pages/{page}.png", headers=H)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert client.get(f"/api/docs/{d['doc_id']}/pages/999.png", headers=H).status_code == 404
    assert client.get("/api/docs/nope", headers=H).status_code == 404
    assert client.get("/api/items/nope", headers=H).status_code == 404
    nf = find(items, category="not found")
    assert len(client.get(f"/api/items/{nf['item_id']}", headers=H).json()["places"]) == 5
    assert "Review station" in client.get("/").text


def test_correct_accept_undo_and_rule_recheck(client: TestClient, outdir: Path) -> None:
    items = queue(client)["items"]
    part = find(items, file="prov-typo.docx", category="unit", where="第1行")
    r = client.post(f"/api/items/{part['item_id']}", headers=H, json={"action": "correct", "value": "14O.81"})
    assert r.status_code == 400 and "not a valid number" in r.json()["error"]
    assert not (outdir / "review-log.jsonl").exists()  # refused values are not stored
    r = client.post(f"/api/items/{part['item_id']}", headers=H,
                    json={"action": "correct", "value": "140.81", "version": part["version"]})
    assert r.status_code == 200 and r.json()["status"] == "corrected" and r.json()["value"] == 140.81
    # the 合计 and the row's 增幅 pass their rules again: out of the queue
    after = queue(client)["items"]
    assert not [i for i in after if i["file"] == "prov-typo.docx" and i["status"] == "invalid"]
    taxes = find(after, file="prov-typo.docx", where="税金总额")
    assert client.post(f"/api/items/{taxes['item_id']}", headers=H, json={"action": "accept"}).status_code == 200
    # someone else's decision meanwhile: refused with 409, nothing lost
    r = client.post(f"/api/items/{taxes['item_id']}", headers=H, json={"action": "unreadable", "version": 0})
    assert r.status_code == 409
    log = [json.loads(x) for x in (outdir / "review-log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["action"] for x in log] == ["correct", "accept"]
    assert log[0]["old_value"] == pytest.approx(0.014081) and log[0]["new_value"] == 140.81
    assert log[0]["column_label"] == "营业收入（亿元）/2024年" and log[0]["reviewer"] == "alice" and log[0]["period"] == 2024
    rv = json.loads((outdir / "prov-typo.docx.reviewed.json").read_text(encoding="utf-8"))
    cell = rv["tables"][0]["rows"][0]["cells"]["营业收入（亿元）/2024年"]
    assert cell["status"] == "corrected" and cell["review"]["old_value"] == pytest.approx(0.014081)
    tot = next(f for f in rv["fields"] if f["id"] == "top_revenue_enterprise_revenue_total" and f["period"] == 2024)
    assert tot["status"] == "ok" and tot["reasons"] == []
    assert rv["summary"]["accepted"] == 1 and rv["summary"]["corrected"] == 1
    orig = json.loads((outdir / "prov-typo.docx.json").read_text(encoding="utf-8"))
    assert orig["tables"][0]["rows"][0]["cells"]["营业收入（亿元）/2024年"]["value"] == pytest.approx(0.014081)
    from extractor.contract import Result

    Result.model_validate(rv)
    # undo: the last decision (accept) goes, the correction stays
    r = client.post("/api/undo", headers=H, json={})
    assert r.status_code == 200 and r.json()["item_id"] == taxes["item_id"] and r.json()["status"] == "review"
    rv = json.loads((outdir / "prov-typo.docx.reviewed.json").read_text(encoding="utf-8"))
    assert rv["summary"]["accepted"] == 0 and rv["summary"]["corrected"] == 1
    # a group of places not found: unreadable as a whole, not correctable
    nf = find(queue(client)["items"], category="not found")
    assert client.post(f"/api/items/{nf['item_id']}", headers=H, json={"action": "correct", "value": "1"}).status_code == 400
    assert client.post(f"/api/items/{nf['item_id']}", headers=H, json={"action": "unreadable"}).status_code == 200
    assert not [i for i in queue(client)["items"] if i["category"] == "not found"]
    assert client.post(f"/api/items/{part['item_id']}", headers=H, json={"action": "bogus"}).status_code == 400


def test_undo_a_group_of_places_not_found(client: TestClient, outdir: Path) -> None:
    """z after a decision on the group of places not found undoes that group decision as a whole (it was a 500:
    the group's own version row, locator ``nf``, was taken for the newest decision and looked up as a value)."""
    nf = find(queue(client)["items"], category="not found")
    r = client.post(f"/api/items/{nf['item_id']}", headers=H, json={"action": "accept", "version": nf["version"]})
    assert r.status_code == 200 and r.json()["decided"] == "accept"
    r = client.post("/api/undo", headers=H, json={})
    assert r.status_code == 200, r.text
    back = r.json()
    assert back["item_id"] == nf["item_id"] and back["decided"] is None and back["count"] == 5
    assert back["version"] > nf["version"]  # a browser still showing the group decided gets a 409
    assert find(queue(client)["items"], category="not found")["item_id"] == nf["item_id"]  # to do again
    rv = json.loads((outdir / "pkg" / "pages-missing.docx.reviewed.json").read_text(encoding="utf-8"))
    assert rv["summary"]["accepted"] == 0
    log = [json.loads(x) for x in (outdir / "review-log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["action"] for x in log] == ["accept"] * 5 + ["undo"] * 5
    # the group's version row is no decision of its own: nothing is left to undo
    r = client.post("/api/undo", headers=H, json={})
    assert r.status_code == 409, r.text
    # undo aimed at the group's item, with a later decision elsewhere that stays
    assert client.post(f"/api/items/{nf['item_id']}", headers=H, json={"action": "unreadable"}).status_code == 200
    part = find(queue(client)["items"], file="prov-typo.docx", category="unit", where="第1行")
    assert client.post(f"/api/items/{part['item_id']}", headers=H, json={"action": "accept"}).status_code == 200
    r = client.post("/api/undo", headers=H, json={"item_id": nf["item_id"]})
    assert r.status_code == 200, r.text
    assert r.json()["item_id"] == nf["item_id"] and r.json()["decided"] is None
    assert client.get(f"/api/items/{part['item_id']}", headers=H).json()["decided"] == "accept"
    # the same on the Station itself, after a restart (decisions read back from review.sqlite)
    st = Station([outdir])
    st.decide(nf["item_id"], "accept", reviewer="alice")
    st = Station([outdir])
    it = st.undo("alice")  # the newest decision in force first: the group, not the value accepted before it
    assert it["item_id"] == nf["item_id"] and it["decided"] is None
    assert st.undo("alice")["item_id"] == part["item_id"]
    with pytest.raises(ReviewError) as e:
        st.undo("alice")
    assert e.value.status == 409


def test_export_prefers_reviewed(client: TestClient, outdir: Path, tmp_path: Path) -> None:
    part = find(queue(client)["items"], file="prov-typo.docx", category="unit", where="第1行")
    client.post(f"/api/items/{part['item_id']}", headers=H, json={"action": "correct", "value": "140.81"})
    x = tmp_path / "all.xlsx"
    subprocess.run([sys.executable, "-m", "extractor.cli", "export", str(outdir), "--xlsx", str(x)], check=True)
    from openpyxl import load_workbook

    ws = load_workbook(x).active
    rows = [dict(zip([c.value for c in ws[1]], [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    got = [r for r in rows if r["file"] == "prov-typo.docx" and r["id"] == "top_revenue_enterprise_revenue"
           and r["row_index"] == 1 and r["column_label"].endswith("2024年")]
    assert got and got[0]["value"] == 140.81 and got[0]["status"] == "corrected"
    # each row names its package: the result's folder under OUTDIR ("" at the top)
    assert {r["package"] or "" for r in rows if r["file"] == "pages-missing.docx"} == {"pkg"}
    assert {r["package"] or "" for r in rows if r["file"] == "prov-typo.docx"} == {""}
    # --original: the extraction's values, the correction not applied
    y = tmp_path / "orig.csv"
    subprocess.run([sys.executable, "-m", "extractor.cli", "export", str(outdir), "--original", "--csv", str(y)],
                   check=True)
    assert "corrected" not in y.read_text(encoding="utf-8-sig")


def test_decisions_belong_to_one_version_of_the_source(client: TestClient, outdir: Path) -> None:
    """An applicant's corrected file re-extracted to the same OUTDIR path (another sha256): the decisions made on
    the old version neither apply in the station nor reach the exports."""
    from extractor.review.station.store import load_preferring_reviewed

    part = find(queue(client)["items"], file="prov-typo.docx", category="unit", where="第1行")
    assert client.post(f"/api/items/{part['item_id']}", headers=H,
                       json={"action": "correct", "value": "140.81"}).status_code == 200
    assert (outdir / "prov-typo.docx.reviewed.json").is_file()
    # the new version: another hash, another value in that cell
    p = outdir / "prov-typo.docx.json"
    r = json.loads(p.read_text(encoding="utf-8"))
    r["source"]["sha256"] = "f" * 64
    cell = r["tables"][0]["rows"][0]["cells"]["营业收入（亿元）/2024年"]
    cell.update(value=99.0, raw="99", status="review", reasons=["new version"])
    p.write_text(json.dumps(r, ensure_ascii=False), encoding="utf-8")
    got = {x.source.name: x for x in load_preferring_reviewed([outdir])}["prov-typo.docx"]
    assert got.tables[0].rows[0].cells["营业收入（亿元）/2024年"].value == 99.0  # not the old correction
    st = Station([outdir])
    d = next(d for d in st.docs.values() if d.rel == "prov-typo.docx.json")
    assert d.decisions == {}  # nothing decided on this version
    assert d.current.tables[0].rows[0].cells["营业收入（亿元）/2024年"].status == "review"


def test_two_reviewers_two_servers_lose_nothing(outdir: Path) -> None:
    a, b = Station([outdir]), Station([outdir])
    ia = [i for i in a.queue() if i["category"] == "unit" and i["file"] == "prov-typo.docx"]
    a.decide(ia[0]["item_id"], "accept", reviewer="alice")
    b.decide(ia[1]["item_id"], "accept", reviewer="bob")  # b never saw a's decision in memory
    rv = json.loads((outdir / "prov-typo.docx.reviewed.json").read_text(encoding="utf-8"))
    st = [v["status"] for f in [rv["fields"], [c for t in rv["tables"] for r in t["rows"] for c in r["cells"].values()]]
          for v in f]
    assert st.count("accepted") == 2
    a.refresh()
    assert sum(1 for i in a.queue() if i["decided"]) == 2


def test_auth_host_origin(client: TestClient) -> None:
    assert client.get("/api/queue").status_code == 401
    assert client.get("/api/queue", headers={"X-Review-Token": "wrong"}).status_code == 401
    it = queue(client)["items"][0]["item_id"]
    assert client.post(f"/api/items/{it}", json={"action": "accept"}).status_code == 401
    assert client.post(f"/api/items/{it}", headers={**H, "Origin": "http://evil.example"},
                       json={"action": "accept"}).status_code == 403
    assert client.post(f"/api/items/{it}", headers={**H, "Sec-Fetch-Site": "cross-site"},
                       json={"action": "accept"}).status_code == 403
    assert client.post(f"/api/items/{it}", headers={**H, "Content-Type": "text/plain"},
                       content=b'{"action": "accept"}').status_code == 415
    assert client.get("/api/queue", headers={**H, "Host": "evil.example:8765"}).status_code == 403
    assert client.get("/", headers={"Host": "rebind.example"}).status_code == 403
    assert client.get(f"/api/items/{it}/crop.png").status_code == 401


def test_files_only_under_outdir(client: TestClient, outdir: Path, tmp_path: Path) -> None:
    ok = client.get("/api/files/0/prov-typo.docx.json", headers=H)
    assert ok.status_code == 200 and ok.json()["source"]["name"] == "prov-typo.docx"
    assert client.get("/api/files/0/pkg/pages-missing.docx.json", headers=H).status_code == 200
    assert client.get("/api/files/0/prov-typo.docx.json").status_code == 401
    secret = tmp_path / "secret.json"
    secret.write_text('{"secret": 1}')
    os.symlink(secret, outdir / "link.json")
    os.symlink(tmp_path, outdir / "linkdir")
    for bad in ["../secret.json", "pkg/../../secret.json", "link.json", "linkdir/secret.json",
                "..%2Fsecret.json", "pkg%2F..%2F..%2Fsecret.json", "%2e%2e/secret.json", str(secret),
                "/" + str(secret), "review.sqlite", "src/prov-typo.docx"]:
        r = client.get(f"/api/files/0/{bad}", headers=H)
        assert r.status_code in (400, 404), (bad, r.status_code)
        assert b"secret" not in r.content
    assert client.get("/api/files/7/prov-typo.docx.json", headers=H).status_code == 404
    # a symlinked result is not loaded as a document either
    assert all("link" not in d["doc"] for d in client.get("/api/docs", headers=H).json())


def test_station_does_not_load_the_extraction(results: Path) -> None:
    code = ("import sys; from pathlib import Path; from extractor.review.station.app import create_app; "
            f"create_app([Path({str(results)!r})], 't'); "
            "bad = [m for m in sys.modules if m in ('extractor.api', 'extractor.batch') or m.startswith('extractor.loaders')"
            " or m.startswith('extractor.ocr')]; print(bad); assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
