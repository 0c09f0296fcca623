"""Batch throughput: the same mixed inbox with 2 worker processes vs 1, ratio printed in one run.

    python scripts/benchmark_batch.py [--packages 12] [--keep DIR]

The inbox is built in a temp folder from the bundled samples: one package per form (Word forms, digital
PDFs, a scanned page), each with attachments from ../shared/attachments when present (read there, not
copied into the repository) plus a text note. Every run starts from an empty output folder (no resume).
Target: ratio ≥ 1.8 on a 2-core machine that is otherwise idle.
"""
from __future__ import annotations

import argparse
import shutil
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


def timed(inbox: Path, out: Path, workers: int) -> tuple[float, int]:
    t0 = time.perf_counter()
    res = run_batch([inbox], out, BatchSettings(workers=workers, force=True))
    return time.perf_counter() - t0, sum(s["counts"]["files"] for s in res.summaries)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packages", type=int, default=12)
    ap.add_argument("--keep", type=Path, help="build the inbox and outputs here (kept)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = a.keep or Path(tmp)
        inbox = build_inbox(root, a.packages)
        timed(inbox, root / "warm", 1)  # page cache, imports
        t1, files = timed(inbox, root / "out1", 1)
        t2, _ = timed(inbox, root / "out2", 2)
    print(f"{a.packages} packages, {files} files")
    print(f"1 worker : {t1:6.2f} s  ({t1 / a.packages:.2f} s/package)")
    print(f"2 workers: {t2:6.2f} s  ({t2 / a.packages:.2f} s/package)")
    print(f"ratio 2 vs 1: {t1 / t2:.2f}x")


if __name__ == "__main__":
    main()
