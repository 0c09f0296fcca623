"""Benchmark of the OCR path: seconds per page on the sample scans, against a plain full-page RapidOCR pass.

Not a test: it prints numbers measured in one process, so the ratio is comparable across machines.

    python scripts/benchmark_ocr.py [FILES or folders ...] [--repeat N] [--no-baseline]

* ours: ``extractor.api.extract`` on each file (raster, clean-up, grid, recognition, assembly, mapping,
  validation), seconds per page;
* baseline: what a user would otherwise run: ``RapidOCR()(page)`` (detection + orientation classifier +
  recognition over the whole page, its default settings), on the same page images, with the same local
  models and the same two ONNX Runtime threads; no tables, no mapping;
* the recogniser alone on the line crops our path sends it (the share of our time that is model compute);
* peak memory: the process's maximum resident set size after our path (``resource.getrusage``: ONNX
  Runtime's buffers included, which ``tracemalloc`` would not see; tracing would also slow the run down).
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.api import extract  # noqa: E402
from extractor.loaders.scan import DPI, page_images  # noqa: E402
from extractor.maps import load_catalogue, load_maps  # noqa: E402
from extractor.ocr import raster  # noqa: E402
from extractor.ocr.engines import get_engine, load_config, wheel_models  # noqa: E402

SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}


def files_of(inputs: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in inputs:
        out += sorted(f for f in p.iterdir() if f.suffix.lower() in SUFFIXES) if p.is_dir() else [p]
    return out


def pages_of(f: Path) -> list:
    return [raster.scale_to(im, DPI) if abs(im.dpi - DPI) > 30 else im for im in page_images(f)]


def baseline_engine():
    from rapidocr import RapidOCR

    cfg = load_config()
    m = wheel_models()
    return RapidOCR(params={
        "Global.log_level": "warning",
        "Det.model_path": str(m / "PP-OCRv6_det_small.onnx"), "Rec.model_path": str(m / "PP-OCRv6_rec_small.onnx"),
        "Cls.model_path": str(m / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
        "EngineConfig.onnxruntime.intra_op_num_threads": cfg.threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


def recognition_alone(files: list[Path]) -> float:
    """Seconds per page the recogniser needs for exactly the line crops our path sends it (model time only:
    no clean-up, layout, decoding of ticks or mapping), measured apart from the run above."""
    from extractor.ocr.pipeline import analyse_page

    eng = get_engine()
    pages = [analyse_page(im.image, im.dpi, im.number, eng, keep_image=True) for f in files for im in pages_of(f)]
    crops = [[p.image[ln.crop[1]:ln.crop[3], ln.crop[0]:ln.crop[2]] for ln in p.lines] for p in pages]
    t0 = time.perf_counter()
    for c in crops:
        eng.recognize(c)
    return (time.perf_counter() - t0) / len(pages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="*", type=Path, default=[ROOT / "samples" / "scans"])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-baseline", action="store_true")
    a = ap.parse_args()
    files = files_of(a.inputs)
    if not files:
        sys.exit("no scans to measure")
    n_pages = sum(len(pages_of(f)) for f in files)
    load_maps()
    load_catalogue()
    t0 = time.perf_counter()
    get_engine()  # model sessions open once per process, as in a batch
    t_load = time.perf_counter() - t0
    extract(files[0])  # warm-up (first inference allocates)

    runs = []
    per_file: dict[str, float] = {}
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        for f in files:
            t1 = time.perf_counter()
            res = extract(f)
            per_file[f.name] = time.perf_counter() - t1
            if res.status not in ("ok", "review"):
                print(f"  {f.name}: {res.status} {res.errors[:1]}")
        runs.append((time.perf_counter() - t0) / n_pages)
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB → MiB on Linux
    ours = statistics.median(runs)

    print(f"files: {len(files)}  pages: {n_pages}  repeat: {a.repeat}  (model sessions opened in {t_load:.2f} s)")
    for name, s in per_file.items():
        print(f"  {name}: {s:.2f} s")
    print(f"ours (extract, all stages): {ours:.3f} s/page")
    print(f"peak memory: {rss_peak:.0f} MiB resident (whole process, models included)")
    rec_only = recognition_alone(files)
    print(f"  of which recognition alone (model + CTC decoding) of our line crops: {rec_only:.3f} s/page "
          f"({100 * rec_only / ours:.0f} %; each crop once, both sessions busy; the floor for this model)")
    if a.no_baseline:
        return
    eng = baseline_engine()
    images = [im.image for f in files for im in pages_of(f)]
    eng(images[0])  # warm-up
    base_runs = []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        for img in images:
            eng(img)
        base_runs.append((time.perf_counter() - t0) / len(images))
    base = statistics.median(base_runs)
    print(f"baseline (plain full-page RapidOCR, det+cls+rec): {base:.3f} s/page")
    print(f"ratio baseline / ours: {base / ours:.2f}x faster")


if __name__ == "__main__":
    main()
