"""--ray: the same per-file jobs as Ray tasks give the same outputs as the local pool (local Ray, 2 CPUs)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES
from extractor.batch import BatchSettings, run_batch

ray = pytest.importorskip("ray")


def _outputs(out: Path) -> dict:
    got = {}
    for f in sorted(out.rglob("*.json")):
        rel = f.relative_to(out).as_posix()
        if rel.startswith("_batch/"):
            continue
        data = json.loads(f.read_text(encoding="utf-8"))
        if rel.endswith(".package.json"):
            data.pop("timings")
            for x in data["files"]:
                x.pop("seconds", None)
        got[rel] = data
    return got


@pytest.mark.slow
def test_ray_matches_local_pool(tmp_path: Path):
    inbox = tmp_path / "in"
    for k, name in enumerate(["gx-amc-2025-filled.docx", "tj-amc-2025-filled.docx"]):
        d = inbox / f"P{k}"
        d.mkdir(parents=True)
        shutil.copy(SAMPLES / "docx" / name, d / "form.docx")
        (d / "note.txt").write_text("x")
    (inbox / "P2").mkdir()
    (inbox / "P2" / "letter.txt").write_text("no form")
    local = run_batch([inbox], tmp_path / "local", BatchSettings(workers=2))
    try:
        via_ray = run_batch([inbox], tmp_path / "ray", BatchSettings(ray="local", ray_num_cpus=2))
    finally:
        ray.shutdown()
    status = {s["package"]: s["status"] for s in local.summaries}
    assert status == {"P0": "converted", "P1": "converted", "P2": "failed"}
    assert {s["package"]: s["status"] for s in via_ray.summaries} == status
    assert _outputs(tmp_path / "ray") == _outputs(tmp_path / "local")
    assert len(_outputs(tmp_path / "ray")) == 5
