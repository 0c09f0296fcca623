"""Benchmark: seconds per document on the Word path, and the ratio to a bare python-docx read of the same files;
seconds per page on the digital-PDF path, and the ratio to a bare pdfplumber ``extract_tables()`` of the same pages.

Not a test: it prints numbers measured in one process, so the ratios are comparable across machines.

    python scripts/benchmark.py [FILES or folders ...] [--repeat N] [--pdf-repeat N]

Folders are searched for .docx and .pdf files (default: samples/docx and samples/pdf).
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


def bare_pdfplumber(path: Path) -> int:
    """What a user would otherwise run: open with pdfplumber and extract_tables() on every page."""
    import pdfplumber

    n = 0
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            for t in page.extract_tables():
                n += sum(len(c or "") for row in t for c in row)
            page.close()
    return n


def pdf_pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return len(pdf.pages)


def clear_caches() -> None:
    """Each repeat starts cold, as a batch of new documents would (label scores are memoised per text)."""
    from extractor import text

    text.score.cache_clear()
    text.line_score.cache_clear()
    text.canon.cache_clear()
    text._numbers.cache_clear()


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
    ap.add_argument("inputs", nargs="*", type=Path, default=[ROOT / "samples" / "docx", ROOT / "samples" / "pdf"])
    ap.add_argument("--repeat", type=int, default=5, help="repeats of the Word measurement (median)")
    ap.add_argument("--pdf-repeat", type=int, default=2, help="repeats of the PDF measurement (median)")
    a = ap.parse_args()
    files = [f for p in a.inputs for f in (sorted(list(p.glob("*.docx")) + list(p.glob("*.pdf"))) if p.is_dir() else [p])]
    docx = [f for f in files if f.suffix.lower() == ".docx"]
    pdfs = [f for f in files if f.suffix.lower() == ".pdf"]
    if not docx and not pdfs:
        sys.exit("no .docx or .pdf files to measure")
    load_maps()
    load_catalogue()  # maps are loaded once per process, as in a batch
    if docx:
        for f in docx[:2]:
            extract(f)  # warm-up
        ours = timed(extract, docx, a.repeat)
        bare = timed(bare_python_docx, docx, a.repeat)
        print(f"documents: {len(docx)}  repeat: {a.repeat}")
        print(f"word path (extract): {ours:.4f} s/document")
        print(f"bare python-docx open + read all cells: {bare:.4f} s/document")
        print(f"ratio extract / bare python-docx: {ours / bare:.2f}")
    if pdfs:
        pages = sum(pdf_pages(f) for f in pdfs)
        extract(pdfs[0])  # warm-up (imports)
        per_doc = len(pdfs) / pages  # timed() gives seconds per document: × documents / pages = per page
        from extractor.loaders.pdf import load as pdf_load

        pdf_load.LAST_CHECK_COST[0] = 0.0
        ours = timed(extract, pdfs, a.pdf_repeat) * per_doc
        check = pdf_load.LAST_CHECK_COST[0] / (a.pdf_repeat * pages)
        bare = timed(bare_pdfplumber, pdfs, a.pdf_repeat) * per_doc
        print(f"PDF documents: {len(pdfs)}  pages: {pages}  repeat: {a.pdf_repeat}")
        print(f"digital PDF path (extract): {ours:.4f} s/page")
        print(f"bare pdfplumber open + extract_tables(): {bare:.4f} s/page")
        print(f"ratio extract / bare pdfplumber: {ours / bare:.2f}")
        print(f"  of which font check (sample glyphs rendered + recognised): {check * 1000:.1f} ms/page")


if __name__ == "__main__":
    main()
