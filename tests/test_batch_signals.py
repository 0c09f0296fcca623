"""Stopping a batch: signals sent twice, kill -9 of the main process, temp files of the workers."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from conftest import ROOT
from extractor.batch import BatchSettings, run_batch

# a batch CLI whose per-file job sleeps (no document is read: the test is about processes, not forms);
# the job also writes a temp folder the way the legacy .doc loader does
SCRIPT = textwrap.dedent("""
    import os, sys, tempfile, time
    import extractor.triage as triage

    def slow(task):
        d = tempfile.mkdtemp(prefix="extractor-")
        open(os.path.join(d, "input.doc"), "wb").write(b"x")
        print("WORKER", os.getpid(), d, flush=True)
        time.sleep(60)
        return {"status": "attachment", "kind": "other", "score": 0.0, "evidence": "name", "seconds": 0.0}

    triage.process = slow
    from extractor.cli import main
    sys.argv = ["extractor", "extract", *sys.argv[1:]]
    main()
""")


def _inbox(root: Path, n: int = 3) -> Path:
    for k in range(n):
        (root / f"P{k}").mkdir(parents=True)
        (root / f"P{k}" / "a.bin").write_bytes(bytes([k]))
    return root


def _start(tmp_path: Path, workers: int = 2) -> tuple[subprocess.Popen, Path, Path]:
    inbox = _inbox(tmp_path / "in")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    out = tmp_path / "out"
    p = subprocess.Popen([sys.executable, "-c", SCRIPT, str(inbox), "-o", str(out), "-q", "-j", str(workers)],
                         cwd=ROOT, env={**os.environ, "TMPDIR": str(tmpdir)}, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    return p, out, tmpdir


def _wait_workers(p: subprocess.Popen, n: int) -> list[tuple[int, str]]:
    got = []
    deadline = time.monotonic() + 60
    while len(got) < n and time.monotonic() < deadline:
        line = p.stdout.readline().decode()
        if not line:
            break
        if line.startswith("WORKER"):
            _, pid, d = line.split()
            got.append((int(pid), d))
    assert len(got) == n, p.stderr.read().decode() if p.poll() is not None else "workers did not start"
    return got


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_twice_still_writes_reports(tmp_path: Path, sig: int, code: int):
    """SIGTERM to the process and to its group (``timeout -s TERM``), or Ctrl-C twice 0.3 s apart: the
    second signal is ignored, the reports are written, temp folders removed, exit 143 / 130."""
    p, out, tmpdir = _start(tmp_path)
    workers = _wait_workers(p, 2)
    p.send_signal(sig)
    os.killpg(p.pid, sig)
    time.sleep(0.3)
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass
    _, err = p.communicate(timeout=60)
    err = err.decode()
    assert p.returncode == code, err
    assert "Traceback" not in err and "Aborted" not in err, err
    assert f"stopped ({'SIGTERM' if sig == signal.SIGTERM else 'SIGINT'})" in err
    batch = json.loads((out / "_batch" / "batch.json").read_text(encoding="utf-8"))
    assert batch["interrupted"] in ("SIGTERM", "SIGINT")
    assert (out / "_batch" / "report.html").exists() and (out / "_batch" / "applications.xlsx").exists()
    assert not list(tmpdir.iterdir())  # the batch's temp folder, with the workers' files in it, is gone
    assert not any(_alive(pid) for pid, _ in workers)


def test_kill9_takes_the_workers_along(tmp_path: Path):
    """kill -9 of the main process: its workers die too (PR_SET_PDEATHSIG / parent check), and what they
    wrote through tempfile (copies of applicants' files) is inside the batch's temp folder, which the next
    batch removes as stale."""
    p, out, tmpdir = _start(tmp_path)
    workers = _wait_workers(p, 2)
    batch_tmp = [d for d in tmpdir.iterdir() if d.name.startswith("extractor-batch-")]
    assert len(batch_tmp) == 1
    for _, d in workers:  # the loader's temp folder is inside the batch's own
        assert Path(d).resolve().is_relative_to(batch_tmp[0].resolve()), d
    p.kill()
    p.wait()
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid, _ in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid, _ in workers)
    from extractor.batch import remove_stale_temp

    assert remove_stale_temp(tmpdir) == batch_tmp
    assert not list(tmpdir.iterdir())


def _tempfile_job(task: dict) -> dict:
    d = tempfile.mkdtemp(prefix="extractor-")
    Path(d, "input.doc").write_bytes(b"x")
    return {"status": "attachment", "kind": "other", "score": 0.0, "evidence": d, "seconds": 0.0}


def test_worker_temp_files_inside_batch_temp(tmp_path: Path, monkeypatch):
    import extractor.triage as triage

    monkeypatch.setattr(triage, "process", _tempfile_job)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "sys"))
    (tmp_path / "sys").mkdir()
    res = run_batch([_inbox(tmp_path / "in", 2)], tmp_path / "out", BatchSettings(workers=2))
    made = [f["evidence"] for s in res.summaries for f in s["files"]]
    assert len(made) == 2
    for d in made:
        assert "/extractor-batch-" in d and "/work/w" in d, d
        assert not Path(d).exists()
    assert not list((tmp_path / "sys").iterdir())  # nothing left in the system temp folder


def _map_error_job(task: dict) -> dict:
    from extractor.errors import MapError

    raise MapError("the maps are broken")


def test_handlers_restored_when_the_batch_raises(tmp_path: Path, monkeypatch):
    """run_batch raising (here MapError from a job) gives the caller its own SIGINT / SIGTERM handlers back,
    not SIG_IGN (they were ignored for the clean-up and never restored)."""
    import extractor.triage as triage
    from extractor.errors import MapError

    monkeypatch.setattr(triage, "process", _map_error_job)

    def on_int(sig, frame):  # noqa: ANN001
        pass

    def on_term(sig, frame):  # noqa: ANN001
        pass

    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, on_int)
    signal.signal(signal.SIGTERM, on_term)
    try:
        with pytest.raises(MapError):
            run_batch([_inbox(tmp_path / "in", 1)], tmp_path / "out", BatchSettings(workers=1))
        assert signal.getsignal(signal.SIGINT) is on_int
        assert signal.getsignal(signal.SIGTERM) is on_term
    finally:
        for s, h in before.items():
            signal.signal(s, h)
