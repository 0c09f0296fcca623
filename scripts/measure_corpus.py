#!/usr/bin/env python3
"""Measure the extractor on a generated corpus: wrong-but-ok, flagged and not-found rates per rendering.

    python scripts/measure_corpus.py --out /tmp/corpus --json /tmp/corpus/measure.json
    python scripts/measure_corpus.py --per-rendering 20 --renderings docx,pdf --seeds 5,6
    python scripts/measure_corpus.py --out /tmp/corpus --no-build     # measure an existing corpus again

Builds, with ``samples/generate.py``, every output configuration (the five ``-filled`` forms, the
layout variants messy / long / landscape / nextyear and the fault-family variants of
``samples/variants.py``: sigpair / crowded / pagesplit / sealcell) for as many seeds as needed to
reach ``--per-rendering`` returns (each seed gives one return per configuration; the names carry the
seed: ``<name>-s<seed>.docx``), renders them with LibreOffice (``samples/render_pdf.py``: one
soffice call per chunk of files, ``--jobs`` chunks in parallel; ``.doc`` made through ``.odt``),
extracts every file with ``extractor.api.extract`` and compares it with its truth
(``tests/truth.py``: ``outcomes``). Every truth value lands in one bucket:

* right — value equal, not flagged (or flagged as the truth expects);
* wrong-but-ok — value wrong, status ok: the worst defect;
* flagged — status review / invalid (a reviewer looks at it);
* not found — no output for the place, or status missing where the truth has a value.

Prints a table per rendering, per rendering × form and per rendering × variant, then the
wrong-but-ok values grouped by (form, table, row label) with an example file each.
``--json FILE`` writes the numbers and every wrong-but-ok value, for comparing runs.
"""
from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "samples"), str(ROOT / "tests")]

import generate  # noqa: E402  (samples/generate.py)
import render_pdf  # noqa: E402  (samples/render_pdf.py)
import variants  # noqa: E402  (samples/variants.py)

RENDERINGS = ("docx", "doc", "pdf")
BUCKETS = ("right", "wrong_ok", "flagged", "not_found")


def configurations() -> list[tuple]:
    """(tid, variant, base name, shift) of every output kind the generator makes."""
    return list(generate.OUTPUTS) + list(generate.EXTRA_OUTPUTS)


def plan(per_rendering: int, seeds: list[int]) -> list[tuple]:
    confs = configurations()
    need = max(len(seeds), math.ceil(per_rendering / len(confs)))
    seeds = list(seeds)
    while len(seeds) < need:
        seeds.append(seeds[-1] + 1 if seeds else 1)
    return [(tid, var, f"{base}-s{seed}", shift, seed) for seed in seeds for tid, var, base, shift in confs]


def build_all(items: list[tuple], tdir: Path, docx_dir: Path) -> None:
    generate.load_specs(tdir)
    docx_dir.mkdir(parents=True, exist_ok=True)
    for tid, var, name, shift, seed in items:
        generate.build(tid, var, name, tdir, docx_dir, seed, shift)


def _convert(soffice: str, src: list[Path], fmt: str, outdir: Path) -> list[str]:
    """One soffice call for a chunk of files (own profile); returns the names it failed on."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="measure-lo-") as t:
        try:
            render_pdf.convert(soffice, src, fmt, outdir, Path(t))
        except SystemExit as e:  # render_pdf stops the run on a failure; here the rest goes on
            print(f"  {e}", file=sys.stderr)
    return [s.name for s in src if not (outdir / f"{s.stem}.{fmt}").exists()]


def render(soffice: str, docxs: list[Path], out: Path, renderings: list[str], jobs: int) -> list[str]:
    chunks = [docxs[i::jobs] for i in range(jobs) if docxs[i::jobs]]
    failed: list[str] = []

    def pdf(chunk):
        return _convert(soffice, chunk, "pdf", out / "pdf")

    def doc(chunk):
        bad = _convert(soffice, chunk, "odt", out / "odt")
        return bad + _convert(soffice, [out / "odt" / f"{s.stem}.odt" for s in chunk
                                        if (out / "odt" / f"{s.stem}.odt").exists()], "doc", out / "doc")

    tasks = [(pdf, c) for c in chunks if "pdf" in renderings] + [(doc, c) for c in chunks if "doc" in renderings]
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        for bad in ex.map(lambda t: t[0](t[1]), tasks):
            failed += bad
    for r in ("pdf", "doc"):
        if r in renderings:
            for s in docxs:
                target = out / r / f"{s.stem}.{r}"
                if target.exists():
                    render_pdf.copy_truth(s, target)
    shutil.rmtree(out / "odt", ignore_errors=True)
    return failed


def measure_one(args) -> dict:
    path, rendering, tid, variant = args
    from extractor.api import extract
    from truth import load_truth, outcomes

    t0 = time.time()
    truth = load_truth(Path(path + ".truth.json"))
    try:
        res = extract(path)
    except Exception as e:  # noqa: BLE001 — a crash is a result too
        recs = [{"bucket": "not_found"}] * (len(truth["fields"]) + len(truth.get("texts", [])))
        return {"path": path, "rendering": rendering, "form": tid, "variant": variant, "error": repr(e)[:300],
                "outcomes": recs, "seconds": time.time() - t0}
    err = None
    if res.template is None or res.template.id != tid:
        err = f"identified as {res.template.id if res.template else None}, status {res.status}"
    return {"path": path, "rendering": rendering, "form": tid, "variant": variant, "error": err,
            "doc_status": res.status, "outcomes": outcomes(res, truth), "seconds": time.time() - t0}


def _row(label: str, c: Counter, width: int = 34) -> str:
    n = sum(c[b] for b in BUCKETS)
    pct = lambda b: 100.0 * c[b] / n if n else 0.0  # noqa: E731
    return (f"{label:{width}s} {c['files']:5d} {n:7d} {pct('right'):7.2f} {c['wrong_ok']:6d} {pct('wrong_ok'):6.2f} "
            f"{pct('flagged'):7.2f} {pct('not_found'):7.2f}")


def header(title: str, width: int = 34) -> str:
    return (f"\n{title}\n{'':{width}s} {'files':>5s} {'values':>7s} {'right%':>7s} {'WBO':>6s} {'WBO%':>6s} "
            f"{'flag%':>7s} {'nf%':>7s}")


def summarise(results: list[dict]) -> dict:
    agg: dict = defaultdict(Counter)
    for r in results:
        for key in (("rendering", r["rendering"]), ("form", r["rendering"], r["form"]),
                    ("variant", r["rendering"], r["variant"]), ("all",)):
            c = agg[key]
            c["files"] += 1
            c["errors"] += bool(r.get("error"))
            for o in r["outcomes"]:
                c[o["bucket"]] += 1
    return agg


def wbo_groups(results: list[dict]) -> list[dict]:
    groups: dict = {}
    for r in results:
        for o in r["outcomes"]:
            if o["bucket"] != "wrong_ok":
                continue
            key = (r["form"], o["table"], o["row_label"] if o["kind"] != "list" else f"[list] {o['column_label']}")
            g = groups.setdefault(key, {"form": key[0], "table": key[1], "row_label": key[2], "count": 0,
                                        "renderings": Counter(), "variants": Counter(), "examples": []})
            g["count"] += 1
            g["renderings"][r["rendering"]] += 1
            g["variants"][r["variant"]] += 1
            if len(g["examples"]) < 3 and all(e["path"] != r["path"] for e in g["examples"]):
                g["examples"].append({"path": r["path"], "column_label": o["column_label"], "got": o["got"],
                                      "raw": o["raw"], "want": o["want"]})
    return sorted(groups.values(), key=lambda g: -g["count"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-rendering", type=int, default=50, help="returns per rendering, at least (default 50)")
    ap.add_argument("--seeds", default="11,22,33", help="comma-separated seeds; more are added when needed")
    ap.add_argument("--out", type=Path, default=None, help="corpus folder (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary corpus (a given --out is always kept)")
    ap.add_argument("--renderings", default="docx,doc,pdf", help="any of docx,doc,pdf")
    ap.add_argument("--jobs", type=int, default=2, help="parallel LibreOffice conversions and extractions")
    ap.add_argument("--json", type=Path, default=None, help="write the numbers and wrong-but-ok values here")
    ap.add_argument("--templates", type=Path, default=generate.DEFAULT_TEMPLATES)
    ap.add_argument("--soffice", default=shutil.which("soffice") or shutil.which("libreoffice"))
    ap.add_argument("--no-build", action="store_true", help="measure the files already in --out")
    ap.add_argument("--list", type=int, default=30, help="wrong-but-ok groups to print (default 30)")
    a = ap.parse_args(argv)
    renderings = [r for r in a.renderings.split(",") if r]
    if bad := set(renderings) - set(RENDERINGS):
        ap.error(f"unknown renderings {bad}")
    if ({"doc", "pdf"} & set(renderings)) and not a.soffice and not a.no_build:
        sys.exit("LibreOffice (soffice) is needed for the doc / pdf renderings")
    out = a.out or Path(tempfile.mkdtemp(prefix="corpus-"))
    items = plan(a.per_rendering, [int(s) for s in a.seeds.split(",") if s.strip()])
    t0 = time.time()
    if not a.no_build:
        print(f"generating {len(items)} returns into {out}/docx …", flush=True)
        build_all(items, a.templates, out / "docx")
        other = [r for r in renderings if r != "docx"]
        if other:
            print(f"rendering {', '.join(other)} with LibreOffice ({a.jobs} in parallel) …", flush=True)
            failed = render(a.soffice, [out / "docx" / f"{it[2]}.docx" for it in items], out, other, a.jobs)
            if failed:
                print(f"  LibreOffice failed on {len(failed)}: {failed[:10]}", file=sys.stderr)
        print(f"  built in {time.time() - t0:.0f} s", flush=True)
    tasks = []
    for tid, var, name, _shift, _seed in items:
        for r in renderings:
            p = out / r / f"{name}.{r}"
            if p.exists() and p.with_name(p.name + ".truth.json").exists():
                tasks.append((str(p), r, tid, var))
    print(f"extracting {len(tasks)} files …", flush=True)
    t1 = time.time()
    with ProcessPoolExecutor(max_workers=a.jobs) as ex:
        results = list(ex.map(measure_one, tasks, chunksize=2))
    print(f"  extracted in {time.time() - t1:.0f} s", flush=True)

    agg = summarise(results)
    print(header("per rendering", 34))
    for r in renderings:
        print(_row(r, agg[("rendering", r)]))
    print(_row("all", agg[("all",)]))
    for r in renderings:
        print(header(f"{r}: per form", 34))
        for tid in generate.TEMPLATE_IDS:
            if ("form", r, tid) in agg:
                print(_row(tid, agg[("form", r, tid)]))
        print(header(f"{r}: per variant", 34))
        for v in sorted({k[2] for k in agg if k[0] == "variant" and k[1] == r}):
            print(_row(v, agg[("variant", r, v)]))
    errs = [x for x in results if x.get("error")]
    if errs:
        print(f"\nfiles with errors ({len(errs)}):")
        for x in errs[:20]:
            print(f"  {x['path']}: {x['error']}")
    groups = wbo_groups(results)
    total = sum(g["count"] for g in groups)
    print(f"\nwrong-but-ok values: {total} in {len(groups)} groups (form, table, row label); first {a.list}:")
    for g in groups[: a.list]:
        rr = " ".join(f"{k}:{v}" for k, v in sorted(g["renderings"].items()))
        vv = " ".join(f"{k}:{v}" for k, v in g["variants"].most_common())
        print(f"\n  {g['count']:4d}  {g['form']} | {g['table']} | {g['row_label']}   [{rr}] [{vv}]")
        for e in g["examples"][:2]:
            print(f"        {e['path']}  col={e['column_label']!r}\n          got {str(e['got'])[:90]!r}  want {str(e['want'])[:60]!r}")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {"/".join(k): dict(v) for k, v in agg.items()}
        a.json.write_text(json.dumps({
            "corpus": str(out), "renderings": renderings, "files": len(results), "seconds": round(time.time() - t0),
            "summary": summary,
            "wrong_but_ok_groups": [dict(g, renderings=dict(g["renderings"]), variants=dict(g["variants"])) for g in groups],
            "wrong_but_ok": [dict(o, path=x["path"], rendering=x["rendering"], form=x["form"], variant=x["variant"])
                             for x in results for o in x["outcomes"] if o["bucket"] == "wrong_ok"],
            "errors": [{"path": x["path"], "error": x["error"]} for x in errs],
        }, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
        print(f"\nwrote {a.json}")
    if a.out is None and not a.keep:
        shutil.rmtree(out, ignore_errors=True)
    else:
        print(f"corpus kept in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
