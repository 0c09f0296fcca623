#!/usr/bin/env python3
"""Calibrate ``confidence`` on generated scans and phone photos: fit, choose the ``ok`` threshold, measure.

    python scripts/calibration.py --corpus /tmp/scans --png /tmp/reliability.png            # measure
    python scripts/calibration.py --corpus /tmp/scans --write --splits 10                    # refit + store
    python scripts/calibration.py --corpus /tmp/scans --holdout /tmp/scans_cal                # + an unseen corpus

Corpora are the folders ``scripts/measure_scans.py`` builds (``scan/`` and ``photo/`` files with their
``.truth.json``). Every file is extracted once with calibration off (``EXTRACTOR_CALIBRATION=off``: the raw
score) and each value that has a truth is cached as a line of ``--cache`` (JSONL: file, rendering, form, kind,
type, raw confidence, status, reasons, right). Re-runs read the cache; new files are added to it.

Values: every truth value the output holds (``tests/truth.py: outcomes``, bucket other than ``not_found``);
``right`` = the value equals the truth. The returns (a source document's scans and photos together) are split
in two halves with ``--seed``: the isotonic map (scikit-learn, raw score → share right) and the ``ok``
threshold are fitted on one; every number printed as "held apart" is on the other. The map is fitted apart
below and above the old raw threshold 0.9 (every doubt's penalty was designed to bring a value under it), with
a step at 0.9, the part below capped under the part above: a value's status does not change where the fit
has no evidence (no value without doubts scores under 0.9 on scans); its confidence becomes a probability.

Threshold: a value without doubts (status ok, or review only for low confidence) is ``ok`` when its calibrated
confidence ≥ T; T is the lowest value whose wrong-but-ok share on the fit half is ≤ ``--max-wbo`` (0.1 %) —
the lowest review rate under that bound.

ECE: expected calibration error over 10 equal-width bins of [0, 1] (share of values × |mean confidence − share
right|, summed); 15 bins are printed too.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ["EXTRACTOR_CALIBRATION"] = "off"  # record raw scores (before extractor is imported)

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "samples"), str(ROOT / "tests"), str(ROOT / "scripts"), str(ROOT)]

import numpy as np  # noqa: E402

RAW_OK = 0.9
CAL_FILE = ROOT / "extractor" / "models" / "calibration.yaml"


# ------------------------------------------------------------------------------------------- records
def _objects(res, truth: dict) -> list:
    """The output object of each truth value, in the order of ``truth.outcomes`` (None when absent)."""
    from truth import list_table_pairs

    objs: list = []
    by_key: dict[tuple, list] = defaultdict(list)
    for f in res.fields:
        by_key[(f.table, f.row_label, f.column_label)].append(f)
    for t in truth["fields"]:
        got = by_key.get((t["table"], t["row_label"], t["column_label"]), [])
        occ = t.get("occurrence", 1)
        objs.append(got[occ - 1] if len(got) >= occ else None)
    for tt, lt in list_table_pairs(res, truth):
        for i, want in enumerate(tt["rows"]):
            row = lt.rows[i] if lt is not None and i < len(lt.rows) else None
            for col in want:
                objs.append(row.cells.get(col) if row is not None else None)
    texts: dict[tuple, list] = defaultdict(list)
    for x in res.texts:
        texts[(x.table, x.row_label, x.column_label)].append(x)
    for tx in truth.get("texts", []):
        got = texts.get((tx["table"], tx["row_label"], tx["column_label"]))
        objs.append(got[0] if got else None)
    return objs


def return_of(name: str) -> str:
    """The source return of a scan or photo file (``<return>-p3-7.pdf``, ``<return>-p5-photo.jpg``): a return's
    scans and photos stay on one side of the split."""
    return re.sub(r"-p\d+-(?:\d+|photo)\.\w+$", "", name)


def extract_records(task: tuple) -> list[dict]:
    from extractor.api import extract
    from truth import load_truth, outcomes, same

    path, rendering, tid, variant = task
    truth = load_truth(Path(path + ".truth.json"))
    try:
        res = extract(path)
    except Exception as e:  # noqa: BLE001
        print(f"  {Path(path).name}: {e!r}", file=sys.stderr)
        return []
    outs = outcomes(res, truth)
    objs = _objects(res, truth)
    assert len(outs) == len(objs)
    doc = return_of(Path(path).name)
    recs = []
    for o, obj in zip(outs, objs):
        if obj is None or o["bucket"] == "not_found" and o.get("status") is None:
            continue
        if o["kind"] == "text":
            right = same(obj.text or "", next(t["text"] or "" for t in truth["texts"]
                                               if (t["table"], t["row_label"], t["column_label"]) ==
                                               (o["table"], o["row_label"], o["column_label"])))
        else:
            right = same(o["got"], o["want"])
        recs.append({"file": Path(path).name, "doc": doc, "rendering": rendering, "form": tid, "variant": variant,
                     "kind": o["kind"], "type": getattr(obj, "type", o["kind"]), "conf": obj.confidence,
                     "status": obj.status, "reasons": list(obj.reasons), "right": bool(right),
                     "bucket": o["bucket"]})
    return recs


def load_records(corpora: list[Path], cache: Path) -> list[dict]:
    import measure_scans as ms

    done: dict[str, list] = defaultdict(list)
    if cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            done[r["path"]].extend(r["records"])
    tasks = [t for c in corpora for t in ms.existing(c)]
    todo = [t for t in tasks if t[0] not in done]
    if todo:
        print(f"extracting {len(todo)} files (cached: {len(tasks) - len(todo)}) …", flush=True)
        cache.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.time()
        with cache.open("a", encoding="utf-8") as fh:
            for k, t in enumerate(todo, 1):
                recs = extract_records(t)
                done[t[0]] = recs
                fh.write(json.dumps({"path": t[0], "records": recs}, ensure_ascii=False) + "\n")
                fh.flush()
                print(f"  [{k}/{len(todo)}] {Path(t[0]).name}: {len(recs)} values, {time.time() - t0:.0f} s",
                      flush=True)
    keep = {t[0] for t in tasks}
    return [dict(r, corpus=str(Path(p).parent.parent), doc=return_of(Path(p).name))
            for p, rs in done.items() if p in keep for r in rs]


# ------------------------------------------------------------------------------------------- measures
def clean(r: dict) -> bool:
    """No doubt but (possibly) a low score: such a value's status is decided by the threshold alone."""
    return r["status"] in ("ok", "review") and all(x.startswith("low confidence") for x in r["reasons"])


def status_at(r: dict, conf: float, t: float) -> str:
    if r["status"] not in ("ok", "review"):
        return r["status"]
    return "ok" if clean(r) and conf >= t else "review"


def ece(conf: np.ndarray, right: np.ndarray, bins: int = 10) -> float:
    if len(conf) == 0:
        return float("nan")
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    e = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            e += m.sum() / len(conf) * abs(conf[m].mean() - right[m].mean())
    return float(e)


def table(conf: np.ndarray, right: np.ndarray, bins: int = 10) -> list[tuple]:
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        m = idx == b
        rows.append((b / bins, (b + 1) / bins, int(m.sum()), float(conf[m].mean()) if m.any() else None,
                     float(right[m].mean()) if m.any() else None))
    return rows


def rates(recs: list[dict], conf: np.ndarray, t: float) -> tuple[float, float, int]:
    """Review rate (review + invalid), wrong-but-ok rate and count."""
    st = [status_at(r, c, t) for r, c in zip(recs, conf)]
    n = len(recs)
    flag = sum(s in ("review", "invalid") for s in st)
    wbo = sum(s == "ok" and not r["right"] for s, r in zip(st, recs))
    return flag / n, wbo / n, wbo


def choose_threshold(recs: list[dict], cal: np.ndarray, max_wbo: float) -> float:
    cands = sorted({float(c) for r, c in zip(recs, cal) if clean(r)})
    best = 1.0
    for t in reversed(cands):  # from the top: the review rate falls as T falls
        if rates(recs, cal, t)[1] <= max_wbo:
            best = t
        else:
            break
    return best


# ------------------------------------------------------------------------------------------- drawing
def draw(png: Path, panels: list[tuple[str, np.ndarray, np.ndarray]], bins: int = 10) -> None:
    """Reliability diagrams (Pillow): per panel, share right per confidence bin (bars) against the diagonal."""
    from PIL import Image, ImageDraw

    w, h, pad = 420, 420, 50
    img = Image.new("RGB", (w * len(panels), h + 40), "white")
    d = ImageDraw.Draw(img)
    for k, (title, conf, right) in enumerate(panels):
        ox = k * w
        x = lambda v: ox + pad + v * (w - 2 * pad)  # noqa: E731
        y = lambda v: h - pad + 20 - v * (h - 2 * pad)  # noqa: E731
        d.rectangle([x(0), y(1), x(1), y(0)], outline="black")
        for g in range(0, 11, 2):
            d.text((x(g / 10) - 8, y(0) + 4), f"{g / 10:.1f}", fill="black")
            d.text((x(0) - 28, y(g / 10) - 6), f"{g / 10:.1f}", fill="black")
        for lo, hi, n, mc, acc in table(conf, right, bins):
            if n:
                d.rectangle([x(lo) + 1, y(acc), x(hi) - 1, y(0)], fill=(120, 160, 220), outline=(40, 80, 160))
                d.text((x(lo) + 2, y(acc) - 12), str(n), fill=(40, 40, 40))
                d.ellipse([x(mc) - 3, y(acc) - 3, x(mc) + 3, y(acc) + 3], fill=(200, 40, 40))
        d.line([x(0), y(0), x(1), y(1)], fill=(120, 120, 120), width=1)
        d.text((ox + pad, 8), f"{title}  ECE(10)={ece(conf, right, bins):.4f}", fill="black")
        d.text((ox + pad, 24), "x: confidence  y: share right  (bars: bins, dots: mean conf)", fill=(90, 90, 90))
    png.parent.mkdir(parents=True, exist_ok=True)
    img.save(png)


# ------------------------------------------------------------------------------------------- main
def _iso(conf: np.ndarray, right: np.ndarray, y_max: float = 1.0) -> tuple[list[float], list[float]]:
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=y_max, increasing=True, out_of_bounds="clip").fit(conf, right)
    return [round(float(v), 4) for v in iso.X_thresholds_], [round(float(v), 4) for v in iso.y_thresholds_]


def fit(conf: np.ndarray, right: np.ndarray) -> tuple[list[float], list[float]]:
    """Isotonic regression of right on the raw score, fitted apart above and below the old raw threshold
    (RAW_OK = 0.9: the score every doubt's penalty was designed to push a value under) and joined by a step at
    RAW_OK; the part below is capped 0.001 under the lowest value above (monotone, and a value below 0.9 stays
    under the ok threshold, which is chosen among values above it)."""
    lo, hi = conf < RAW_OK, conf >= RAW_OK
    if not (lo.any() and hi.any()):
        return _iso(conf, right)
    xh, yh = _iso(conf[hi], right[hi])
    xl, yl = _iso(conf[lo], right[lo], y_max=round(yh[0] - 0.001, 4))
    edge = round(RAW_OK - 1e-4, 4)
    if xl[-1] < edge:
        xl, yl = xl + [edge], yl + [yl[-1]]
    if xh[0] > RAW_OK:
        xh, yh = [RAW_OK] + xh, [yh[0]] + yh
    return xl + xh, yl + yh


def report(name: str, recs: list[dict], conf: np.ndarray, right: np.ndarray, t: float) -> dict:
    flag, wbo, nwbo = rates(recs, conf, t)
    out = {"values": len(recs), "right": float(right.mean()), "ece10": ece(conf, right, 10),
           "ece15": ece(conf, right, 15), "review_rate": flag, "wbo_rate": wbo, "wbo": nwbo, "threshold": t}
    print(f"\n{name}: {len(recs)} values, {100 * right.mean():.2f} % right; ECE 10 bins {out['ece10']:.4f}, "
          f"15 bins {out['ece15']:.4f}; at ok ≥ {t:g}: review {100 * flag:.2f} %, wrong-but-ok {nwbo} "
          f"({100 * wbo:.3f} %)")
    print(f"  {'bin':>11s} {'values':>7s} {'mean conf':>9s} {'right':>7s}")
    for lo, hi, n, mc, acc in table(conf, right):
        if n:
            print(f"  {lo:4.1f}–{hi:4.1f}  {n:7d} {mc:9.4f} {acc:7.4f}")
    return out


def split(recs: list[dict], seed: int) -> tuple[list[dict], list[dict], set]:
    docs = sorted({(r["corpus"], r["doc"]) for r in recs})
    random.Random(seed).shuffle(docs)
    fit_docs = set(docs[: len(docs) // 2])
    return ([r for r in recs if (r["corpus"], r["doc"]) in fit_docs],
            [r for r in recs if (r["corpus"], r["doc"]) not in fit_docs], fit_docs)


def splits(recs: list[dict], seed0: int, k: int, max_wbo: float) -> None:
    """Held-apart numbers for k seeds of the split: how much they depend on which returns land where."""
    from extractor.validate.calibration import Curve

    print(f"\nsplit seeds (held apart; ECE 10 bins): seed, values fit/held, T, ECE before → after, review before → "
          f"after, wrong-but-ok fit (at T) / held before → after")
    arr = lambda rs, key: np.array([float(r[key]) for r in rs])  # noqa: E731
    for sd in range(seed0, seed0 + k):
        fr, hr, _ = split(recs, sd)
        cv = Curve(*map(tuple, fit(arr(fr, "conf"), arr(fr, "right"))), 1.0)
        cf = np.array([round(cv(c), 3) for c in arr(fr, "conf")])
        t = choose_threshold(fr, cf, max_wbo)
        hc, hy = arr(hr, "conf"), arr(hr, "right")
        hcal = np.array([round(cv(c), 3) for c in hc])
        rb, ra = rates(hr, hc, RAW_OK), rates(hr, hcal, t)
        print(f"  {sd:4d} {len(fr):5d}/{len(hr):5d} T={t:.3f} ECE {ece(hc, hy):.4f} → {ece(hcal, hy):.4f}  review "
              f"{100 * rb[0]:5.2f} → {100 * ra[0]:5.2f} %  wbo fit {rates(fr, cf, t)[2]} held {rb[2]} → {ra[2]}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, action="append", help="measure_scans corpus (repeatable; /tmp/scans)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/calibration/records.jsonl"))
    ap.add_argument("--seed", type=int, default=13, help="seed of the fit / held-apart split of the returns")
    ap.add_argument("--max-wbo", type=float, default=0.001, help="wrong-but-ok share allowed on the fit half")
    ap.add_argument("--png", type=Path, default=None, help="write the reliability diagrams here")
    ap.add_argument("--write", action="store_true", help=f"store the fitted map and threshold in {CAL_FILE.name}")
    ap.add_argument("--json", type=Path, default=None, help="write the numbers here")
    ap.add_argument("--extract-only", action="store_true", help="fill the cache and stop")
    ap.add_argument("--holdout", type=Path, action="append", default=[],
                    help="corpus measured whole with the fitted map (none of it fitted on; repeatable)")
    ap.add_argument("--splits", type=int, default=0, help="also print held-apart numbers for this many other seeds")
    a = ap.parse_args(argv)
    corpora = a.corpus or [Path("/tmp/scans")]
    recs = load_records(corpora, a.cache)
    extra = load_records(a.holdout, a.cache) if a.holdout else []
    if a.extract_only:
        return 0
    if a.splits:
        splits(recs, a.seed, a.splits, a.max_wbo)
    fit_r, held, fit_docs = split(recs, a.seed)
    n_docs = len({(r["corpus"], r["doc"]) for r in recs})
    print(f"{len(recs)} values from {n_docs} returns: fit {len(fit_r)} values, held apart {len(held)}")
    arr = lambda rs, k: np.array([float(r[k]) for r in rs])  # noqa: E731
    xs, ys = fit(arr(fit_r, "conf"), arr(fit_r, "right"))
    from extractor.validate.calibration import Curve

    cv = Curve(tuple(xs), tuple(ys), 1.0)
    cal_fit = np.array([round(cv(c), 3) for c in arr(fit_r, "conf")])
    t = choose_threshold(fit_r, cal_fit, a.max_wbo)
    print(f"isotonic map: {len(xs)} breakpoints; ok threshold (fit half, wrong-but-ok ≤ {100 * a.max_wbo:g} %): {t:g}")
    out = {"seed": a.seed, "threshold": t, "breakpoints": len(xs)}
    out["fit_before"] = report("fit half, raw score (before)", fit_r, arr(fit_r, "conf"), arr(fit_r, "right"), RAW_OK)
    out["fit_after"] = report("fit half, calibrated (after)", fit_r, cal_fit, arr(fit_r, "right"), t)
    hc, hy = arr(held, "conf"), arr(held, "right")
    hcal = np.array([round(cv(c), 3) for c in hc])
    out["held_before"] = report("HELD APART, raw score (before)", held, hc, hy, RAW_OK)
    out["held_after"] = report("HELD APART, calibrated (after)", held, hcal, hy, t)
    for rend in sorted({r["rendering"] for r in held}):
        m = [i for i, r in enumerate(held) if r["rendering"] == rend]
        sub = [held[i] for i in m]
        print(f"  held apart, {rend}: {len(m)} values; ECE(10) before {ece(hc[m], hy[m]):.4f} "
              f"after {ece(hcal[m], hy[m]):.4f}; review before {100 * rates(sub, hc[m], RAW_OK)[0]:.2f} % "
              f"after {100 * rates(sub, hcal[m], t)[0]:.2f} %; wrong-but-ok before {rates(sub, hc[m], RAW_OK)[2]} "
              f"after {rates(sub, hcal[m], t)[2]}")
        out[f"held_{rend}"] = {"values": len(m), "ece_before": ece(hc[m], hy[m]), "ece_after": ece(hcal[m], hy[m])}
    if extra:
        ec, ey = arr(extra, "conf"), arr(extra, "right")
        ecal = np.array([round(cv(c), 3) for c in ec])
        names = ", ".join(str(c) for c in a.holdout)
        out["holdout_before"] = report(f"HOLD-OUT CORPUS {names}, raw score (before)", extra, ec, ey, RAW_OK)
        out["holdout_after"] = report(f"HOLD-OUT CORPUS {names}, calibrated (after)", extra, ecal, ey, t)
        worst: dict[str, int] = defaultdict(int)
        for r in extra:
            worst[r["doc"]] += status_at(r, r["conf"], RAW_OK) == "ok" and not r["right"]
        for doc, n in sorted(worst.items(), key=lambda x: -x[1])[:3]:
            if n:
                m = [i for i, r in enumerate(extra) if r["doc"] != doc]
                print(f"  wrong-but-ok in return {doc}: {n}; without it ECE(10) {ece(ec[m], ey[m]):.4f} → "
                      f"{ece(ecal[m], ey[m]):.4f}")
    if a.png:
        draw(a.png, [("held apart: raw", hc, hy), ("held apart: calibrated", hcal, hy)])
        print(f"wrote {a.png}")
    if a.write:
        head = (f"# Raw confidence -> calibrated probability that the value is right (extractor/validate/calibration.py).\n"
                f"# Isotonic regression fitted by scripts/calibration.py on {len(fit_r)} values of {len(fit_docs)} "
                f"generated returns\n# (scans and phone photos: {', '.join(str(c) for c in corpora)}; seed {a.seed}); "
                f"linear between breakpoints, clipped at the ends.\n"
                f"# ok_threshold: least calibrated confidence of an ok value (wrong-but-ok <= {100 * a.max_wbo:g} % "
                f"of the fit half).\n")
        body = {"method": "isotonic", "fitted_on": {"values": len(fit_r), "returns": len(fit_docs), "seed": a.seed},
                "ok_threshold": t, "x": xs, "y": ys}
        import yaml

        CAL_FILE.write_text(head + yaml.safe_dump(body, sort_keys=False, default_flow_style=None, width=110),
                            encoding="utf-8")
        print(f"wrote {CAL_FILE}")
    if a.json:
        a.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
