"""Batch throughput: the same mixed inbox with 2 worker processes vs 1, ratios printed in one run.

    python scripts/benchmark_batch.py [--packages 24] [--rounds 2] [--keep DIR]

Two ratios, each the median of ``--rounds`` alternating runs (the machines are noisy):

* **pool scaling** — 2 workers vs 1 worker, every worker on one core (``ocr_threads=1``): what the pool
  adds. Target ≥ 1.8.
* **vs the default single worker** — 2 workers vs ``--workers 1`` as shipped, whose OCR already runs two
  recognition sessions on two cores: what a user gains on a scan-heavy inbox is less than the pool's
  scaling, because a lone worker was not using only one core.

CPU seconds of the workers are printed too: when they grow with the worker count, the cores slow each
other down (shared cache and memory), which no scheduling can win back.

The inbox is built in a temp folder from the bundled samples: one package per form (Word forms, digital
PDFs, a scanned page), each with attachments from ../shared/attachments when present (read there, not
copied into the repository) plus a text note. Every run starts from an empty output folder (no resume).
Target: ratio ≥ 1.8 on a 2-core machine that is otherwise idle.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.batch import BatchSettings, run_batch  # noqa: E402

ATTACH = ROOT.parent / "shared" / "attachments"


def build_inbox(root: Path, n: int) -> Path:
    forms = sorted((ROOT / "samples" / "docx").glob("*.docx")) + sorted((ROOT / "samples" / "pdf").glob("*-filled.pdf"))
    scans = sorted((ROOT / "samples" / "scans").glob("*.jpg"))[:1]
    attachments = sorted(ATTACH.glob("A*.*")) if ATTACH.is_dir() else []
    inbox = root / "inbox"
    for k in range(n):
        pkg = inbox / f"企业{k:02d}"
        (pkg / "附件").mkdir(parents=True)
        src = (forms + scans)[k % len(forms + scans)]
        shutil.copy(src, pkg / f"附件1：集群申报表（盖章版）{src.suffix}")
        if attachments:
            a = attachments[k % len(attachments)]
            shutil.copy(a, pkg / "附件" / a.name)
        (pkg / "附件" / "材料清单.txt").write_text(f"package {k}", encoding="utf-8")
    return inbox


def timed(inbox: Path, out: Path, workers: int, ocr_threads: int | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the workers, files) of one batch from an empty output folder."""
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = run_batch([inbox], out, BatchSettings(workers=workers, force=True, ocr_threads=ocr_threads))
    wall = time.perf_counter() - t0
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    return wall, cpu, sum(s["counts"]["files"] for s in res.summaries)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packages", type=int, default=24)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="build the inbox and outputs here (kept)")
    a = ap.parse_args()
    runs = {"1 worker, 1 core": (1, 1), "1 worker, default": (1, None), "2 workers": (2, None)}
    walls: dict[str, list[float]] = {k: [] for k in runs}
    cpus: dict[str, list[float]] = {k: [] for k in runs}
    with tempfile.TemporaryDirectory() as tmp:
        root = a.keep or Path(tmp)
        inbox = build_inbox(root, a.packages)
        _, _, files = timed(inbox, root / "warm", 1)  # page cache, imports
        for r in range(a.rounds):
            for name, (w, th) in runs.items():
                wall, cpu, _ = timed(inbox, root / f"out{r}-{w}-{th}", w, th)
                walls[name].append(wall)
                cpus[name].append(cpu)
    print(f"{a.packages} packages, {files} files, {a.rounds} round(s), medians:")
    for name in runs:
        print(f"{name:18s}: {statistics.median(walls[name]):6.2f} s wall, {statistics.median(cpus[name]):6.2f} s CPU of workers")
    two = statistics.median(walls["2 workers"])
    print(f"pool scaling (2 workers vs 1, one core each): {statistics.median(walls['1 worker, 1 core']) / two:.2f}x  (target >= 1.8)")
    print(f"2 workers vs default --workers 1           : {statistics.median(walls['1 worker, default']) / two:.2f}x")


if __name__ == "__main__":
    main()
