"""Records and summaries: one record per file found (what happened to it), the main form of a package with
several, and the package summary written to ``OUT/<package>.package.json``."""
from __future__ import annotations

from ..contract import Result
from ..intake import Item, Package
from .settings import BatchSettings

SUMMARY_VERSION = 2  # 2: flags, main_form, per-form counts (counts are the main form's)
FINAL_WORDS = ("盖章版", "盖章", "终稿", "定稿", "正式版", "final")  # in a form's file name: the version sent
DRAFT_WORDS = ("修改前", "草稿", "draft", "旧", "old", "初稿", "征求意见稿")  # an earlier version


def outcome(rec: dict) -> str:
    """The one-word-plus-reason of a record: converted | attachment | skipped: <reason> | error: <code>."""
    if rec["status"] in ("skipped", "error"):
        return f"{rec['status']}: {rec.get('reason') or rec.get('code') or '?'}"
    return rec["status"]


def file_record(it: Item, rec: dict | None = None) -> dict:
    """The record of one file of a package: what intake found (path, input, sha256, size, mtime) and what
    happened to it — intake's own decision (``it.status``) or the job's record ``rec`` (from
    :func:`extractor.triage.process`, or a resumed form) — with its :func:`outcome`; ``output``: the form's
    JSON relative to the output folder, when one was written."""
    r = {"path": it.rel, "input": it.display, "sha256": it.sha256, "size": it.size, "mtime": it.mtime,
         "status": it.status or "error", "reason": it.reason, "message": it.message}
    if rec:
        r.update(status=rec["status"], reason=rec.get("code", "") if rec["status"] == "error" else "",
                 message=rec.get("message", ""), kind=rec.get("kind"), score=rec.get("score"),
                 template=rec.get("template"), evidence=rec.get("evidence"), seconds=rec.get("seconds", 0.0))
        if rec["status"] == "converted" or (rec["status"] == "error" and rec.get("has_output")):
            r["output"] = it.out
        if rec["status"] == "attachment":
            r["reason"] = ""
        if rec["status"] == "converted":  # how a form was found is not an outcome (and is unknown when resumed)
            r.update(kind=None, evidence=None)
    r["outcome"] = outcome(r)
    return r


def name_rank(path: str) -> tuple[int, str]:
    """+1 when the file name says final (盖章版, 终稿, final …), −1 when it says draft (修改前, 草稿, 旧 …), 0 otherwise;
    with the word found."""
    n = path.rsplit("/", 1)[-1].lower()
    for w in FINAL_WORDS:
        if w in n:
            return 1, w
    for w in DRAFT_WORDS:
        if w in n:
            return -1, w
    return 0, ""


def choose_main(forms: list[dict]) -> tuple[dict, str]:
    """The main form of a package with several (``forms``: two or more converted records): the one whose name
    says final beats one that says draft; else the newest modified; returns (record, why)."""
    ranked = sorted(forms, key=lambda r: (-name_rank(r["path"])[0], -(r.get("mtime") or 0.0), r["path"]))
    best = ranked[0]
    rk, word = name_rank(best["path"])
    if rk > name_rank(ranked[1]["path"])[0]:
        why = f"its name says {word!r}" if rk > 0 else f"the other name(s) say {name_rank(ranked[1]['path'])[1]!r}"
    elif (best.get("mtime") or 0.0) > (ranked[1].get("mtime") or 0.0):
        why = "the newest modified time (no name says final or draft)"
    else:
        why = "first by name (same evidence: no final/draft word, same modified time)"
    return best, why


def _form_counts(res: Result | None) -> dict:
    s = res.summary if res is not None else None
    return {k: (getattr(s, k) if s else 0) for k in ("ok", "review", "invalid", "missing")}


def _failed_candidates(records: list[dict]) -> list[dict]:
    """The attachments and errors with a score, best first: what might have been the form."""
    cands = sorted((r for r in records if r["status"] in ("attachment", "error") and r.get("score") is not None),
                   key=lambda r: -(r.get("score") or 0))
    return [{"path": r["path"], "score": r.get("score"), "template": r.get("template"), "outcome": r["outcome"]}
            for r in cands]


def summarise(pkg: Package, records: list[dict], results: dict[str, Result], settings: BatchSettings,
              seconds: float) -> dict:
    """The summary of one package (``OUT/<package>.package.json``): status (converted | review | failed |
    duplicate), flags and reasons, the main form, per-form counts, attachments, every file's record and the
    timings. ``records``: :func:`file_record` of each file in order; ``results``: path → Result of each
    converted form; ``seconds``: the package's wall time."""
    conv = [r for r in records if r["status"] == "converted"]
    counts = {k: sum(1 for r in records if r["status"] == k) for k in ("converted", "attachment", "skipped", "error")}
    counts["files"] = len(records)
    main, why = (choose_main(conv) if len(conv) > 1 else (conv[0] if conv else None, ""))
    counts.update(_form_counts(results.get(main["path"]) if main else None))  # the main form's, never added up
    status = "duplicate" if pkg.duplicate_of else ("converted" if conv else "failed")
    flags, reasons = [], []
    if len(conv) > 1 and status == "converted":
        status = "review"
        flags.append("several forms in one package")
        others = ", ".join(r["path"] for r in conv if r is not main)
        reasons.append(f"several forms in one package: {main['path']} and {others}; main form {main['path']} "
                       f"({why}); the others are converted too (one row each in applications.xlsx)")
    s = {
        "summary_version": SUMMARY_VERSION, "package": pkg.key, "input": pkg.display, "kind": pkg.kind,
        "summary": pkg.summary_path, "fingerprint": pkg.fingerprint, "settings": settings.key(), "complete": True,
        "status": status, "duplicate_of": pkg.duplicate_of, "flags": flags, "reasons": reasons,
        "form": main["path"] if main else None, "template": main.get("template") if main else None,
        "main_form": {"path": main["path"], "why": why} if len(conv) > 1 else None,
        "forms": [{"path": r["path"], "output": r.get("output"), "template": r.get("template"), "main": r is main,
                   "status": results[r["path"]].status if results.get(r["path"]) else None,
                   "counts": _form_counts(results.get(r["path"]))} for r in conv],
        "counts": counts,
        "attachments": [{"path": r["path"], "kind": r.get("kind"), "score": r.get("score"), "evidence": r.get("evidence"),
                         "note": r.get("message") or None}
                        for r in records if r["status"] == "attachment"],
        "files": records,
        "timings": {"seconds": round(seconds, 3),
                    "per_file": {r["path"]: r.get("seconds", 0.0) for r in records if r.get("seconds")}},
    }
    if status == "failed":
        s["message"] = "no file of this package is a known form (or every form failed): see candidates"
        s["candidates"] = _failed_candidates(records)
    return s
