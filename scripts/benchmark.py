"""Benchmark: seconds per document on the Word path, and the ratio to a bare python-docx read of the same files.

Not a test: it prints numbers measured in one process, so the ratio is comparable across machines.

    python scripts/benchmark.py [FILES or folders ...] [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.api import extract  # noqa: E402
from extractor.maps import load_catalogue, load_maps  # noqa: E402


def bare_python_docx(path: Path) -> int:
    """What a user would otherwise run: open with python-docx and read every cell's text."""
    import docx

    d = docx.Document(str(path))
    n = 0
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                n += len(cell.text)
    return n


def clear_caches() -> None:
    """Each repeat starts cold, as a batch of new documents would (label scores are memoised per text)."""
    from extractor import text

    text.score.cache_clear()
    text.line_score.cache_clear()
    text.canon.cache_clear()


def timed(fn, files: list[Path], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        clear_caches()
        t0 = time.perf_counter()
        for f in files:
            fn(f)
        runs.append((time.perf_counter() - t0) / len(files))
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="*", type=Path, default=[ROOT / "samples" / "docx"])
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    files = [f for p in a.inputs for f in (sorted(p.glob("*.docx")) if p.is_dir() else [p])]
    if not files:
        sys.exit("no .docx files to measure")
    load_maps()
    load_catalogue()  # maps are loaded once per process, as in a batch
    for f in files[:2]:
        extract(f)  # warm-up
    ours = timed(extract, files, a.repeat)
    bare = timed(bare_python_docx, files, a.repeat)
    print(f"documents: {len(files)}  repeat: {a.repeat}")
    print(f"word path (extract): {ours:.4f} s/document")
    print(f"bare python-docx open + read all cells: {bare:.4f} s/document")
    print(f"ratio extract / bare python-docx: {ours / bare:.2f}")


if __name__ == "__main__":
    main()
