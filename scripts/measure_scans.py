#!/usr/bin/env python3
"""Measure the OCR path on generated scans and phone photos: wrong-but-ok, flagged and not-found rates.

    python scripts/measure_scans.py --out /tmp/scans --pages 30 --photos 6 --json /tmp/scans/before.json
    python scripts/measure_scans.py --out /tmp/scans --no-build --json /tmp/scans/after.json   # re-measure

Builds returns with ``samples/generate.py`` (the five ``-filled`` forms, ``messy``, ``landscape`` and the
fault-family variants ``pagesplit`` / ``sigpair`` of ``samples/variants.py``) for several seeds, renders them to
PDF with LibreOffice (``samples/render_pdf.py``, through ``scripts/measure_corpus.py``), and degrades their pages
with the functions of ``samples/render_scans.py`` (seeded: the same seeds give the same corpus):

* ``scan`` — a scanned PDF of a run of pages (the whole document for ``pagesplit``, so the split grid is in it):
  each page rotated 0.5–2° either way, blurred, noisy, JPEG; a red seal over a number on some pages (those
  pages stay in colour); one page upside down now and then; landscape pages turned 90° (as a scanner feeds
  them); per document one of: normal (200 dpi, JPEG q60), low resolution (150 dpi, JPEG q40) or fax (black
  and white);
* ``photo`` — one page photographed (JPEG q72, scaled by 0.7–1.0: a phone further away, smaller text), in one
  of three styles (``PHOTO_STYLES``): on a desk with the sheet's edge in view (perspective, lamp shading, soft
  focus, noise); close up, the page filling the frame with no edge, keystoned (``-closeup``); curling on a
  desk, its rows bowed (``-curl``). The numbers are printed per style too.

Truth of each file: the source's truth restricted to the places readable on the pages included
(``render_scans.readable``: the digital-PDF path run on a PDF of just those pages). Every truth value lands in
one bucket (``tests/truth.py: outcomes``): right, wrong-but-ok, flagged, not found. Prints a table per
rendering (scan, photo), per rendering × form and per rendering × variant, then the wrong-but-ok values
grouped by (form, table, row label) with an example file each. ``--json FILE`` writes the numbers and every
wrong-but-ok value.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import zlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "samples"), str(ROOT / "tests"), str(ROOT / "scripts"), str(ROOT)]

import generate  # noqa: E402  (samples/generate.py)
import measure_corpus as mc  # noqa: E402  (scripts/measure_corpus.py: build, render, summaries)
import render_scans as rs  # noqa: E402  (samples/render_scans.py: degradations, readable truth)

RENDERINGS = ("scan", "photo")
# photo styles, each key equally likely (desk twice: "desk2", so half the photos show the sheet's edge) → file name
# suffix: on a desk with its edge in view (rs.photo), close up with no edge in the frame and keystoned (rs.closeup),
# curling on a desk (rs.curl)
PHOTO_STYLES = {"desk": "", "desk2": "", "closeup": "-closeup", "curl": "-curl"}
# configurations used (tid, variant, base, shift): the returns that exercise the OCR path's families
SCAN_CONFS = [c for c in mc.configurations() if c[1] in ("filled", "messy", "landscape", "pagesplit", "sigpair")]
SEAL_SHARE = 0.35  # share of scanned pages with a red seal over a number
UPSIDE_DOWN_SHARE = 0.25  # share of scanned documents with one page upside down
MAX_RUN = 5  # pages in one scanned file (a run of consecutive pages), except pagesplit (whole document)


def page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(str(pdf)))


def _number_on_page(pdf: Path, number: int, rng: np.random.Generator) -> str | None:
    """A decimal number printed on the page (to stamp a seal over), or None."""
    import re

    import pypdfium2 as pdfium

    text = pdfium.PdfDocument(str(pdf))[number - 1].get_textpage().get_text_range()
    nums = re.findall(r"(?<![\d.])\d{1,5}\.\d{1,2}(?![\d.])", text)
    return str(rng.choice(nums)) if nums else None


def degrade_scan(pdf: Path, pages: list[int], rng: np.random.Generator, style: str) -> tuple[list, int, list[str]]:
    """Degraded page images of a scanned file: (list of (image, grey)), dpi, tags."""
    dpi = 150 if style == "lowres" else rs.DPI
    flip = int(rng.integers(len(pages))) if rng.random() < UPSIDE_DOWN_SHARE and len(pages) > 1 else -1
    out, tags = [], {style}
    for k, n in enumerate(pages):
        img, handle = rs.render(pdf, n)
        sealed = False
        if rng.random() < SEAL_SHARE and (num := _number_on_page(pdf, n, rng)):
            box = rs.find_text(handle, num)
            if box is not None:
                cx = (box[0] + box[2]) / 2 + rng.uniform(-30, 30)
                cy = (box[1] + box[3]) / 2 + rng.uniform(-20, 20)
                img = rs.stamp(img, (cx, cy), "某某市工业和信息化局", rng)
                sealed = True
                tags.add("seal")
        if style == "fax":
            g = cv2.cvtColor(rs.scan(img, rng, blur=0.6, noise=4.0), cv2.COLOR_RGB2GRAY)
            img = np.where(g > 150, 255, 0).astype(np.uint8)
            img = np.stack([img] * 3, axis=-1)
            sealed = False
        else:
            img = rs.scan(img, rng)
        if style == "lowres":
            img = cv2.resize(img, None, fx=dpi / rs.DPI, fy=dpi / rs.DPI, interpolation=cv2.INTER_AREA)
        if img.shape[1] > img.shape[0]:  # a landscape page goes through the feeder turned by 90°
            img = cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE if rng.random() < 0.5 else cv2.ROTATE_90_COUNTERCLOCKWISE)
            tags.add("turned90")
        if k == flip:
            img = cv2.rotate(img, cv2.ROTATE_180)
            tags.add("upside")
        out.append((img, not sealed))
    return out, dpi, sorted(tags)


def write_pdf(images: list, dpi: int, quality: int, target: Path) -> None:
    import io

    from PIL import Image

    pil = [Image.open(io.BytesIO(rs.jpeg(im, quality, grey, dpi))) for im, grey in images]
    stamp_time = time.gmtime(1743498000)
    pil[0].save(target, "PDF", save_all=True, append_images=pil[1:], resolution=dpi,
                creationDate=stamp_time, modDate=stamp_time)


def make_files(pdfs: list[tuple], out: Path, n_pages: int, n_photos: int, seed0: int) -> list[tuple]:
    """Scan and photo files until ``n_pages`` scanned pages and ``n_photos`` photos; returns the tasks
    (path, rendering, tid, variant)."""
    scans, photos = out / "scan", out / "photo"
    scans.mkdir(parents=True, exist_ok=True)
    photos.mkdir(parents=True, exist_ok=True)
    tasks: list[tuple] = []
    done_pages = done_photos = 0
    with tempfile.TemporaryDirectory(prefix="measure-scans-") as t:
        tmp = Path(t)
        for pdf, tid, var in pdfs:
            if done_pages >= n_pages and done_photos >= n_photos:
                break
            truth = json.loads(pdf.with_name(pdf.name + ".truth.json").read_text(encoding="utf-8"))
            rng = np.random.default_rng([seed0, zlib.crc32(pdf.name.encode())])
            total = page_count(pdf)
            if done_pages < n_pages:
                if var == "pagesplit" or total <= MAX_RUN:
                    pages = list(range(1, total + 1))
                else:
                    start = 1 if rng.random() < 0.4 else int(rng.integers(1, total - MAX_RUN + 2))
                    pages = list(range(start, start + MAX_RUN))
                style = str(rng.choice(["scan", "scan", "scan", "lowres", "fax"]))
                name = f"{pdf.stem}-p{pages[0]}-{pages[-1]}.pdf"
                try:
                    tr = rs.readable(pdf, pages, truth, name, tmp)
                except SystemExit as e:
                    print(f"  skip {name}: {e}", file=sys.stderr)
                else:
                    images, dpi, tags = degrade_scan(pdf, pages, rng, style)
                    write_pdf(images, dpi, 40 if style == "lowres" else 60, scans / name)
                    tr["layout_scan"] = tags
                    (scans / f"{name}.truth.json").write_text(json.dumps(tr, ensure_ascii=False), encoding="utf-8")
                    tasks.append((str(scans / name), "scan", tid, var))
                    done_pages += len(pages)
                    print(f"  {name}: {len(pages)} pages {tags}", flush=True)
            if done_photos < n_photos:
                made = 0
                for n in [int(x) + 1 for x in rng.permutation(total)][:6]:  # two photos per document
                    if made >= 2:
                        break
                    # the style from its own generator: the desk photos stay those of earlier corpora
                    srng = np.random.default_rng([seed0, zlib.crc32(f"{pdf.stem}-p{n}".encode()), 7])
                    style = str(srng.choice(list(PHOTO_STYLES)))
                    name = f"{pdf.stem}-p{n}-photo{PHOTO_STYLES[style]}.jpg"
                    try:
                        tr = rs.readable(pdf, [n], truth, name, tmp)
                    except SystemExit as e:
                        print(f"  skip {name}: {e}", file=sys.stderr)
                        continue
                    if len(tr["fields"]) + len(tr["tables"]) < 3:
                        continue
                    img, _h = rs.render(pdf, n)
                    img = {"closeup": rs.closeup, "curl": rs.curl}.get(style, rs.photo)(img, rng)
                    scale = float(rng.uniform(0.7, 1.0))
                    img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
                    (photos / name).write_bytes(rs.jpeg(img, 72, False))
                    tr["layout_scan"] = [style, f"scale{scale:.2f}"]
                    (photos / f"{name}.truth.json").write_text(json.dumps(tr, ensure_ascii=False), encoding="utf-8")
                    tasks.append((str(photos / name), "photo", tid, var))
                    done_photos += 1
                    made += 1
                    print(f"  {name}: photo x{scale:.2f}", flush=True)
    return tasks


def existing(out: Path) -> list[tuple]:
    tasks = []
    forms = sorted(generate.TEMPLATE_IDS, key=len, reverse=True)
    for r in RENDERINGS:
        for f in sorted((out / r).glob("*")):
            if f.name.endswith(".truth.json") or not f.with_name(f.name + ".truth.json").exists():
                continue
            tid = next(t for t in forms if f.name.startswith(t))
            var = f.name[len(tid) + 1:].split("-")[0]
            tasks.append((str(f), r, tid, var))
    return tasks


def flag_reasons(results: list[dict]) -> Counter:
    """How often each flag reason (digits and quoted text masked) sits on a value that was right: the
    needless flags, most common first."""
    import re

    c: Counter = Counter()
    for x in results:
        for o in x["outcomes"]:
            if o["bucket"] == "flagged" and o["right"]:
                for r in o.get("reasons") or ["(no reason)"]:
                    c[re.sub(r"\d+(\.\d+)?", "N", re.sub(r"'[^']*'|\"[^\"]*\"|「[^」]*」", "…", r))[:110]] += 1
    return c


def measure_one(args) -> dict:
    """Extract one file and put every truth value in a bucket (``measure_corpus.measure_one``)."""
    return mc.measure_one(args)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/scans"), help="corpus folder (default /tmp/scans)")
    ap.add_argument("--seeds", default="11,22,33", help="comma-separated seeds (more are added when needed)")
    ap.add_argument("--pages", type=int, default=150, help="scanned pages, at least (default 150)")
    ap.add_argument("--photos", type=int, default=30, help="photos (default 30)")
    ap.add_argument("--jobs", type=int, default=1, help="parallel extractions (the engine already uses 2 cores)")
    ap.add_argument("--json", type=Path, default=None, help="write the numbers and wrong-but-ok values here")
    ap.add_argument("--templates", type=Path, default=generate.DEFAULT_TEMPLATES)
    ap.add_argument("--soffice", default=shutil.which("soffice") or shutil.which("libreoffice"))
    ap.add_argument("--no-build", action="store_true", help="measure the files already in --out")
    ap.add_argument("--only", default="", help="measure only files whose name contains this")
    ap.add_argument("--list", type=int, default=30, help="wrong-but-ok groups to print (default 30)")
    a = ap.parse_args(argv)
    out = a.out
    t0 = time.time()
    if not a.no_build:
        if not a.soffice:
            sys.exit("LibreOffice (soffice) is needed to render the returns")
        for r in RENDERINGS:
            shutil.rmtree(out / r, ignore_errors=True)
        seeds = [int(s) for s in a.seeds.split(",") if s.strip()]
        # enough documents: ~6 pages scanned per document, 2 photos per document
        need = max(a.pages // 6 + 1, a.photos // 2 + 1)
        while len(seeds) * len(SCAN_CONFS) < need:
            seeds.append(seeds[-1] + 1)
        items = [(tid, var, f"{base}-s{seed}", shift, seed) for seed in seeds for tid, var, base, shift in SCAN_CONFS]
        items = items[: max(need, 1)]
        print(f"generating {len(items)} returns into {out}/docx …", flush=True)
        mc.build_all(items, a.templates, out / "docx")
        print("rendering PDF with LibreOffice …", flush=True)
        failed = mc.render(a.soffice, [out / "docx" / f"{it[2]}.docx" for it in items], out, ["pdf"], 2)
        if failed:
            print(f"  LibreOffice failed on {failed}", file=sys.stderr)
        pdfs = [(out / "pdf" / f"{it[2]}.pdf", it[0], it[1]) for it in items if (out / "pdf" / f"{it[2]}.pdf").exists()]
        print("degrading pages …", flush=True)
        make_files(pdfs, out, a.pages, a.photos, seeds[0])
        print(f"  built in {time.time() - t0:.0f} s", flush=True)
    tasks = [t for t in existing(out) if a.only in Path(t[0]).name]
    n_pages = sum(page_count(Path(t[0])) if t[0].endswith(".pdf") else 1 for t in tasks)
    print(f"extracting {len(tasks)} files ({n_pages} pages) …", flush=True)
    t1 = time.time()
    if a.jobs > 1:
        with ProcessPoolExecutor(max_workers=a.jobs) as ex:
            results = list(ex.map(measure_one, tasks))
    else:
        results = []
        for k, t in enumerate(tasks, 1):
            results.append(measure_one(t))
            wbo = sum(o["bucket"] == "wrong_ok" for o in results[-1]["outcomes"])
            print(f"  [{k}/{len(tasks)}] {Path(t[0]).name}: {results[-1]['seconds']:.1f} s, wrong-but-ok {wbo}",
                  flush=True)
    print(f"  extracted in {time.time() - t1:.0f} s ({(time.time() - t1) / max(n_pages, 1):.2f} s/page)", flush=True)

    agg = mc.summarise(results)
    renderings = [r for r in RENDERINGS if ("rendering", r) in agg]
    print(mc.header("per rendering", 34))
    for r in renderings:
        print(mc._row(r, agg[("rendering", r)]))
    print(mc._row("all", agg[("all",)]))
    for r in renderings:
        print(mc.header(f"{r}: per form", 34))
        for tid in generate.TEMPLATE_IDS:
            if ("form", r, tid) in agg:
                print(mc._row(tid, agg[("form", r, tid)]))
        print(mc.header(f"{r}: per variant", 34))
        for v in sorted({k[2] for k in agg if k[0] == "variant" and k[1] == r}):
            print(mc._row(v, agg[("variant", r, v)]))
    photo_styles = {"desk": [], "closeup": [], "curl": []}
    for x in results:
        if x["rendering"] == "photo":
            photo_styles[next((st for st in ("closeup", "curl") if f"-{st}." in x["path"]), "desk")].append(x)
    print(mc.header("photo: per style", 34))
    for st, xs in photo_styles.items():
        if xs:
            print(mc._row(st, mc.summarise(xs)[("all",)]))
    errs = [x for x in results if x.get("error")]
    if errs:
        print(f"\nfiles with errors ({len(errs)}):")
        for x in errs[:20]:
            print(f"  {x['path']}: {x['error']}")
    groups = mc.wbo_groups(results)
    total = sum(g["count"] for g in groups)
    print(f"\nwrong-but-ok values: {total} in {len(groups)} groups (form, table, row label); first {a.list}:")
    for g in groups[: a.list]:
        rr = " ".join(f"{k}:{v}" for k, v in sorted(g["renderings"].items()))
        print(f"\n  {g['count']:4d}  {g['form']} | {g['table']} | {g['row_label']}   [{rr}]")
        for e in g["examples"][:2]:
            print(f"        {Path(e['path']).name}  col={e['column_label']!r}\n"
                  f"          got {str(e['got'])[:90]!r}  want {str(e['want'])[:60]!r}")
    print("\nvalues right whatever their status (the issue's 'right': a flagged right value is right too):")
    for r in renderings:
        outs = [o for x in results if x["rendering"] == r for o in x["outcomes"]]
        good = sum(o["bucket"] == "right" or (o["bucket"] == "flagged" and o["right"]) for o in outs)
        print(f"  {r:6s} {good}/{len(outs)} = {100 * good / max(1, len(outs)):.2f} %")
    fw = Counter((x["rendering"], x["form"], o["table"], o["column_label"] if o["kind"] == "list" else o["row_label"])
                 for x in results for o in x["outcomes"] if o["bucket"] == "flagged" and not o["right"])
    print(f"\nflagged and wrong: {sum(fw.values())} values; places (first {a.list}):")
    for (r, form, table, place), n in fw.most_common(a.list):
        print(f"  {n:4d}  {r} {form} | {table} | {place}")
    why = flag_reasons(results)
    print(f"\nflag reasons on right values (first {a.list}):")
    for r, n in why.most_common(a.list):
        print(f"  {n:5d}  {r}")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({
            "corpus": str(out), "files": len(results), "pages": n_pages, "seconds": round(time.time() - t0),
            "summary": {"/".join(k): dict(v) for k, v in agg.items()},
            "wrong_but_ok_groups": [dict(g, renderings=dict(g["renderings"]), variants=dict(g["variants"]))
                                    for g in groups],
            "wrong_but_ok": [dict(o, path=x["path"], rendering=x["rendering"], form=x["form"], variant=x["variant"])
                             for x in results for o in x["outcomes"] if o["bucket"] == "wrong_ok"],
            "flagged_wrong": Counter(x["form"] for x in results for o in x["outcomes"]
                                     if o["bucket"] == "flagged" and not o["right"]),
            "flagged_wrong_values": [dict(o, path=x["path"], rendering=x["rendering"], form=x["form"])
                                     for x in results for o in x["outcomes"]
                                     if o["bucket"] == "flagged" and not o["right"]],
            "flag_reasons_on_right": dict(why.most_common()),
            "flagged_right": [dict(o, path=x["path"], rendering=x["rendering"], form=x["form"])
                              for x in results for o in x["outcomes"]
                              if o["bucket"] == "flagged" and o["right"]],
            "errors": [{"path": x["path"], "error": x["error"]} for x in errs],
        }, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
        print(f"\nwrote {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
