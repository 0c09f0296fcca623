"""The review station in a real browser (headless Chromium + chromedriver): keyboard only, end to end."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("starlette")
webdriver = pytest.importorskip("selenium.webdriver")

from test_review_station_api import make_results  # noqa: E402

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
pytestmark = pytest.mark.skipif(not (CHROMIUM.exists() and DRIVER.exists()),
                                reason="needs Debian chromium + chromium-driver (see .ci/run)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(tmp_path: Path):  # noqa: ANN201
    out = make_results(tmp_path)
    port = free_port()
    p = subprocess.Popen([sys.executable, "-m", "extractor.cli", "serve", str(out), "--port", str(port)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    url = None
    t0 = time.time()
    while time.time() - t0 < 30:
        line = p.stdout.readline()
        if "?token=" in line:
            url = line.split("open ", 1)[1].strip()
            break
    assert url and url.startswith(f"http://127.0.0.1:{port}/?token="), url
    while time.time() - t0 < 30:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield url, out
    p.terminate()
    p.wait(10)


@pytest.fixture()
def browser():  # noqa: ANN201
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    o = Options()
    o.binary_location = str(CHROMIUM)
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}", "--window-size=1400,1000",
              "--disable-dev-shm-usage"):
        o.add_argument(a)
    d = webdriver.Chrome(service=Service(str(DRIVER)), options=o)
    d.set_page_load_timeout(30)
    yield d
    d.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait(cond, timeout: float = 15.0):  # noqa: ANN001, ANN201
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            v = cond()
            if v:
                return v
        except Exception:  # noqa: BLE001 - the page is still rendering
            pass
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_keyboard_review_in_chromium(server, browser) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, out = server
    t0 = time.time()
    browser.get(url)
    assert "token" not in browser.current_url  # the page keeps the token, the address bar drops it
    h3 = lambda: browser.find_element(By.CSS_SELECTOR, "#view h3").text  # noqa: E731
    wait(lambda: "合计" in h3())  # worst first: the 合计 that fails its rule
    assert "invalid" in browser.find_element(By.ID, "status").text
    assert "summed into 合计" in browser.find_element(By.ID, "related").text

    def key(*k: str) -> None:
        browser.switch_to.active_element.send_keys(*k)

    # j until the mistyped part of that 合计 (unit 万元 typed in a 亿元 column), keyboard only
    view = lambda: browser.find_element(By.ID, "view").text  # noqa: E731
    for _ in range(20):
        if "第1行 / 营业收入（亿元）/2024年" in h3() and "prov-typo.docx" in view():
            break
        before = h3()
        key("j")
        wait(lambda: h3() != before)
    assert "第1行 / 营业收入（亿元）/2024年" in h3() and "prov-typo.docx" in view()
    # a value that is not a number is refused with a message, nothing saved
    key("14O.81", Keys.ENTER)
    wait(lambda: "not a valid number" in browser.find_element(By.ID, "msg").text)
    assert not (out / "review-log.jsonl").exists()
    key(Keys.ESCAPE)
    key("140.81", Keys.ENTER)
    wait(lambda: "saved: correct" in browser.find_element(By.ID, "okmsg").text)
    # the rules ran again: the 合计 and the row's 增幅 are no longer invalid, so the queue has none
    wait(lambda: browser.execute_script(
        "return items.length > 0 && items.filter(i => i.file === 'prov-typo.docx' && i.status === 'invalid').length === 0"))
    # go to a PDF value (has a page crop) and accept it with Enter
    for _ in range(20):
        if browser.find_elements(By.ID, "crop") and "gx-sme-2024-filled.pdf" in browser.find_element(By.ID, "view").text:
            break
        before = h3()
        key("j")
        wait(lambda: h3() != before)
    accepted_where = h3()
    wait(lambda: browser.find_element(By.ID, "crop").get_attribute("src").startswith("blob:"))
    wait(lambda: browser.execute_script("return document.getElementById('crop').naturalWidth") > 100)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "review-station-item.png"))
    key(Keys.ENTER)
    wait(lambda: "saved: accept" in browser.find_element(By.ID, "okmsg").text)

    log = [json.loads(x) for x in (out / "review-log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["action"] for x in log] == ["correct", "accept"]
    assert log[0]["new_value"] == 140.81 and log[0]["old_value"] == pytest.approx(0.014081)
    assert accepted_where.endswith(log[1]["column_label"] or "")
    rv = json.loads((out / "prov-typo.docx.reviewed.json").read_text(encoding="utf-8"))
    assert rv["tables"][0]["rows"][0]["cells"]["营业收入（亿元）/2024年"]["status"] == "corrected"
    tot = next(f for f in rv["fields"] if f["id"] == "top_revenue_enterprise_revenue_total" and f["period"] == 2024)
    assert tot["status"] == "ok"
    pdf = json.loads((out / "gx-sme-2024-filled.pdf.reviewed.json").read_text(encoding="utf-8"))
    assert pdf["summary"]["accepted"] == 1
    # z undoes the accept
    key("z")
    wait(lambda: "undone" in browser.find_element(By.ID, "okmsg").text)
    assert json.loads((out / "gx-sme-2024-filled.pdf.reviewed.json").read_text(encoding="utf-8"))["summary"]["accepted"] == 0
    assert time.time() - t0 < 60
