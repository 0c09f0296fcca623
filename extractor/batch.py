"""Bulk intake: packages in (folders, zips, files), one JSON per form and one summary per package out.

:func:`run_batch` is the library entry point (the CLI's ``extract`` only wraps it):

* inputs → packages (:mod:`extractor.intake`); every file found gets a record: ``converted``,
  ``attachment``, ``skipped: <reason>`` or ``error: <code>``; a package given twice (a folder and its zip:
  same files by hash) is read once, the second is ``duplicate``;
* per file, cheap evidence decides form or attachment (:mod:`extractor.triage`); forms are extracted;
  jobs run in a pool of worker processes, each bounded in time and memory (:mod:`extractor.pool`), or
  as Ray tasks;
* output tree mirrors the input: ``OUT/<package>/<path>.json`` per form, ``OUT/<package>.package.json``
  per package (written last: its presence with ``complete: true`` marks the package done);
* resumable: a package whose summary is complete for the same files and settings is not read again, a
  form whose JSON holds the same source hash is not re-extracted (``force`` redoes everything); every
  file is written atomically;
* while it runs, values go to ``OUT/_batch/values.jsonl`` and records to ``OUT/_batch/records.jsonl``;
  at the end (also on Ctrl-C / SIGTERM) ``OUT/_batch/values.csv`` (one row per value),
  ``OUT/_batch/applications.xlsx`` (one row per application) and ``OUT/_batch/report.html``.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from functools import partial
from typing import Callable

from .contract import ErrorItem, Result, Source
from .emit import TMP_PREFIX, read_result, write_atomic, write_csv, write_xlsx
from .intake import RESERVED, Intake, Item, IntakeLimits, Package
from .pool import Bounds, LocalPool, RayPool
from .emit import write_wide_xlsx
from .emit.report import append_values, write_html
from .triage import warm

TMP_DIR_PREFIX = "extractor-batch-"  # our temp folders under the system temp dir (stale ones are removed)
SUMMARY_VERSION = 2  # 2: flags, main_form, per-form counts (counts are the main form's)


class OutputDirError(Exception):
    """The output folder cannot be used (a file, not creatable, not writable): a usage error, before any work."""


class BatchInterrupted(Exception):
    """Ctrl-C or SIGTERM during a batch (``args[0]``: ``"SIGINT"`` / ``"SIGTERM"``); the batch writes its
    reports and stops. Further signals are ignored until the reports are written."""


@dataclass
class BatchSettings:
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    """worker processes (``--workers``)"""
    ocr_threads: int | None = None
    """OCR threads per worker (``--ocr-threads``); None: the cores shared out, ``cpu_count // workers``
    (one worker on two cores reads a scan with two recognition sessions at once)"""
    bounds: Bounds = field(default_factory=Bounds)
    limits: IntakeLimits = field(default_factory=IntakeLimits)
    template: str | None = None
    maps_dir: Path | None = None
    pages: int | None = None
    """read at most this many pages per document (passed to the loaders when they take ``max_pages``)"""
    force: bool = False
    """redo every package even when its outputs are complete"""
    ray: str | None = None
    """Ray address (``auto``, ``host:port``, ``ray://…``) to run the jobs as Ray tasks; None: local pool"""
    ray_num_cpus: int | None = None
    folders_are_packages: bool = False
    csv: Path | None = None
    xlsx: Path | None = None

    def key(self) -> dict:
        """What must be equal for an earlier output to be reused."""
        from .maps import MAPS_ENV

        maps = self.maps_dir or os.environ.get(MAPS_ENV) or None  # the folder in effect (None: the bundled maps)
        return {"template": self.template, "pages": self.pages, "maps": str(Path(maps).resolve()) if maps else None}


@dataclass
class BatchResult:
    outdir: Path
    summaries: list[dict] = field(default_factory=list)
    results: list[tuple[str, Result]] = field(default_factory=list)
    interrupted: str | None = None  # "SIGINT" / "SIGTERM" when stopped early
    total_packages: int = 0

    @property
    def ok(self) -> bool:
        """Every package's form converted (duplicates count as done; ``review``: several forms, converted)."""
        return not self.interrupted and all(s["status"] in ("converted", "review", "duplicate") for s in self.summaries)

    @property
    def failed(self) -> list[dict]:
        return [s for s in self.summaries if s["status"] == "failed"]


SCAN_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}
CONVERTED_SUFFIXES = {".doc", ".wps"}


def expected_seconds(it: Item, form_by_name: bool) -> float:
    """A rough guess of the seconds one file takes, to hand out the dearest first.

    Longest-processing-time-first: when the big jobs go first, the last job of a batch is a short one and
    no worker idles at the end while another still reads a scan (measured on the batch benchmark: a
    scanned form handed out last left one of two workers idle for ~2 s of a 7 s batch). Guesses from this
    machine's runs: a form named as one — ``.doc``/``.wps`` 2 s (LibreOffice), PDF or image 0.5 s + 1 s per
    MB (a scan is MBs, a digital PDF ~100 KB), ``.docx`` 0.1 s; any other PDF or image 0.3 s (the top strip
    of its first page); anything else 0.01 s. Only the order depends on these numbers."""
    suffix = Path(it.rel).suffix.lower()
    if form_by_name:
        if suffix in CONVERTED_SUFFIXES:
            return 2.0
        if suffix in SCAN_SUFFIXES:
            return 0.5 + it.size / 1e6
        return 0.1
    return 0.3 if suffix in SCAN_SUFFIXES else 0.01


def dearest_first(tasks: list[tuple[str, dict]], items: dict[str, Item], maps_dir: str | None = None) -> list[tuple[str, dict]]:
    """``tasks`` sorted by :func:`expected_seconds`, dearest first (ties keep their order)."""
    from .triage import FORM_MIN_SCORE, text_score

    def cost(task: tuple[str, dict]) -> float:
        it = items[task[0]]
        return expected_seconds(it, text_score(Path(it.rel).stem, None, maps_dir)[0] >= FORM_MIN_SCORE)

    return sorted(tasks, key=lambda t: -cost(t))


def outcome(rec: dict) -> str:
    """The one-word-plus-reason of a record: converted | attachment | skipped: <reason> | error: <code>."""
    if rec["status"] in ("skipped", "error"):
        return f"{rec['status']}: {rec.get('reason') or rec.get('code') or '?'}"
    return rec["status"]


# ---------------------------------------------------------------- output folder and temp folders
def check_outdir(outdir: Path) -> None:
    """Create ``outdir`` and make sure we can write there; :class:`OutputDirError` (one line) otherwise."""
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise OutputDirError(f"output folder {outdir} is a file")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        (outdir / RESERVED).mkdir(exist_ok=True)
        probe = outdir / RESERVED / f"{TMP_PREFIX}probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise OutputDirError(f"output folder {outdir} cannot be written: {e.strerror or e}") from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temp(base: Path | None = None) -> list[Path]:
    """Remove our temp folders whose run has ended (its pid, written in ``pid``, is gone)."""
    base = Path(base or tempfile.gettempdir())
    gone = []
    for d in base.glob(TMP_DIR_PREFIX + "*"):
        try:
            pid = int((d / "pid").read_text())
        except (OSError, ValueError):
            pid = 0
        if pid and _alive(pid):
            continue
        if pid or time.time() - d.stat().st_mtime > 3600:
            shutil.rmtree(d, ignore_errors=True)
            gone.append(d)
    return gone


def remove_stale_writes(outdir: Path) -> None:
    """Temporary files of a killed run's atomic writes (never complete outputs)."""
    for root, _dirs, files in os.walk(outdir):
        for f in files:
            if f.startswith(TMP_PREFIX):
                try:
                    os.unlink(os.path.join(root, f))
                except OSError:
                    pass


# ---------------------------------------------------------------- records and summaries
def _record(it: Item, rec: dict | None = None) -> dict:
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


FINAL_WORDS = ("盖章版", "盖章", "终稿", "定稿", "正式版", "final")  # in a form's file name: the version sent
DRAFT_WORDS = ("修改前", "草稿", "draft", "旧", "old", "初稿", "征求意见稿")  # an earlier version


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
    """The main form of a package with several: the one whose name says final beats one that says draft;
    else the newest modified; returns (record, why)."""
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


def summarise(pkg: Package, records: list[dict], results: dict[str, Result], settings: BatchSettings,
              seconds: float) -> dict:
    conv = [r for r in records if r["status"] == "converted"]
    counts = {k: sum(1 for r in records if r["status"] == k) for k in ("converted", "attachment", "skipped", "error")}
    counts["files"] = len(records)
    main, why = (choose_main(conv) if len(conv) > 1 else (conv[0] if conv else None, ""))
    counts.update(_form_counts(results.get(main["path"]) if main else None))  # the main form's, never added up
    if pkg.duplicate_of:
        status = "duplicate"
    else:
        status = "converted" if conv else "failed"
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
        cands = sorted((r for r in records if r["status"] in ("attachment", "error") and r.get("score") is not None),
                       key=lambda r: -(r.get("score") or 0))
        s["message"] = "no file of this package is a known form (or every form failed): see candidates"
        s["candidates"] = [{"path": r["path"], "score": r.get("score"), "template": r.get("template"),
                            "outcome": r["outcome"]} for r in cands]
    return s


def _reusable(pkg: Package, outdir: Path, settings: BatchSettings) -> dict | None:
    if settings.force or not pkg.fingerprint:
        return None
    try:
        s = json.loads((outdir / pkg.summary_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (s.get("complete") is True and s.get("summary_version") == SUMMARY_VERSION and s.get("fingerprint") == pkg.fingerprint
            and s.get("settings") == settings.key() and s.get("package") == pkg.key
            and all((outdir / f["output"]).is_file() for f in s.get("forms", []) if f.get("output"))):
        return s
    return None


def _reuse_form(it: Item, outdir: Path, settings: BatchSettings) -> Result | None:
    """A form JSON already written for the same source (same sha256) and read with the same settings."""
    if settings.force or not it.out:
        return None
    try:
        r = read_result(outdir / it.out)
    except (OSError, ValueError):
        return None
    return r if r.source.sha256 == it.sha256 and r.status in ("ok", "review") else None


# ---------------------------------------------------------------- the batch
def run_batch(inputs: list[Path], outdir: Path, settings: BatchSettings | None = None, *,
              on_start: Callable[[int, int], None] | None = None,
              on_package: Callable[[dict], None] | None = None,
              on_file: Callable[[str, dict], None] | None = None,
              template: str | None = None) -> BatchResult:
    """Run the batch (see the module doc). Never raises for bad input; raises :class:`OutputDirError`
    (before any work) and :class:`~extractor.errors.MapError`. On Ctrl-C / SIGTERM the reports are
    written for what is done and ``BatchResult.interrupted`` says so."""
    settings = settings or BatchSettings()
    if template is not None:
        settings.template = template
    outdir = Path(outdir)
    check_outdir(outdir)
    remove_stale_temp()
    remove_stale_writes(outdir)
    bdir = outdir / RESERVED
    tmp = Path(tempfile.mkdtemp(prefix=TMP_DIR_PREFIX))
    (tmp / "pid").write_text(str(os.getpid()))
    result = BatchResult(outdir)
    old_handlers: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        def _stop(sig, _frame):  # noqa: ANN001
            # the first Ctrl-C / SIGTERM starts the shutdown; any further one (a second Ctrl-C, SIGTERM sent
            # to the process and to its group) is ignored until the reports are written
            for s in old_handlers:
                signal.signal(s, signal.SIG_IGN)
            raise BatchInterrupted("SIGINT" if sig == signal.SIGINT else "SIGTERM")

        for s in (signal.SIGINT, signal.SIGTERM):
            old_handlers[s] = signal.signal(s, _stop)
    pool = None
    values_fh = records_fh = None
    packages: list[Package] = []
    try:
        packages = Intake(tmp, settings.limits, exclude=(outdir,)).packages(list(inputs), settings.folders_are_packages)
        result.total_packages = len(packages)
        if on_start:
            on_start(len(packages), sum(len(p.items) for p in packages))
        values_fh = open(bdir / "values.jsonl", "w", encoding="utf-8")
        records_fh = open(bdir / "records.jsonl", "w", encoding="utf-8")
        state: dict[str, dict] = {}  # package key → records, results, pending, start

        def finish(pkg: Package) -> None:
            st = state[pkg.key]
            recs = [st["records"][i] for i in sorted(st["records"])]
            s = summarise(pkg, recs, st["results"], settings, time.monotonic() - st["t0"] + st.get("prior", 0.0))
            write_atomic(outdir / pkg.summary_path, json.dumps(s, ensure_ascii=False, indent=1))
            result.summaries.append(s)
            if on_package:
                on_package(s)

        def record(pkg: Package, i: int, rec: dict) -> None:
            st = state[pkg.key]
            st["records"][i] = rec
            records_fh.write(json.dumps({"package": pkg.key, **rec}, ensure_ascii=False) + "\n")
            records_fh.flush()
            if on_file:
                on_file(pkg.key, rec)
            st["pending"] -= 1
            if st["pending"] == 0:
                finish(pkg)

        def converted(pkg: Package, it: Item, res: Result) -> None:
            state[pkg.key]["results"][it.rel] = res
            result.results.append((pkg.key, res))
            append_values(values_fh, pkg.key, res)

        tasks: list[tuple[str, dict]] = []
        where: dict[str, tuple[Package, int]] = {}
        for pi, pkg in enumerate(packages):
            state[pkg.key] = {"records": {}, "results": {}, "pending": len(pkg.items), "t0": time.monotonic()}
            old = _reusable(pkg, outdir, settings)
            if old is not None:  # resume: this package is done
                for f in old.get("forms", []):
                    try:
                        res = read_result(outdir / f["output"])
                    except (OSError, ValueError):
                        continue
                    state[pkg.key]["results"][f["path"]] = res
                    result.results.append((pkg.key, res))
                    append_values(values_fh, pkg.key, res)
                old["resumed"] = True
                result.summaries.append(old)
                for rec in old.get("files", []):
                    records_fh.write(json.dumps({"package": pkg.key, **rec}, ensure_ascii=False) + "\n")
                if on_package:
                    on_package(old)
                continue
            if not pkg.items:
                finish(pkg)
                continue
            for i, it in enumerate(pkg.items):
                if it.status is not None:  # refused / skipped during intake
                    record(pkg, i, _record(it))
                    continue
                prior = _reuse_form(it, outdir, settings)
                if prior is not None:
                    converted(pkg, it, prior)
                    record(pkg, i, _record(it, {"status": "converted", "template": prior.template.id if prior.template else None,
                                                "score": prior.template.score if prior.template else None,
                                                "evidence": "resumed", "seconds": 0.0}))
                    continue
                key = f"{pi}:{i}"
                where[key] = (pkg, i)
                tasks.append((key, {"path": str(it.path), "name": it.rel.rsplit("/", 1)[-1], "display": it.display,
                                    "sha256": it.sha256, "template": settings.template,
                                    "maps_dir": str(settings.maps_dir) if settings.maps_dir else None,
                                    "pages": settings.pages}))

        def done(key: str, rec: dict) -> None:
            pkg, i = where[key]
            it = pkg.items[i]
            text = rec.pop("result", None)
            if rec["status"] == "error" and text is None and it.out:  # time / memory limit, crash: an error JSON
                text = Result(source=Source(path=it.display, name=it.rel.rsplit("/", 1)[-1], sha256=it.sha256,
                                            format=Path(it.rel).suffix.lower().lstrip(".") or "unknown", pages=0),
                              status="error", errors=[ErrorItem(code=rec["code"], stage="extract",
                                                                message=rec.get("message", ""))]).model_dump_json(indent=1)
            if text is not None and it.out and rec["status"] in ("converted", "error"):
                write_atomic(outdir / it.out, text)
                rec["has_output"] = True
                if rec["status"] == "converted":
                    converted(pkg, it, Result.model_validate_json(text))
            record(pkg, i, _record(it, rec))

        if tasks:
            tasks = dearest_first(tasks, {k: p.items[i] for k, (p, i) in where.items()},
                                  str(settings.maps_dir) if settings.maps_dir else None)
            pool = (RayPool(settings.ray, settings.bounds, settings.ray_num_cpus) if settings.ray
                    else LocalPool(min(settings.workers, len(tasks)), settings.bounds, tmp=tmp / "work",
                                   ocr_threads=settings.ocr_threads,
                                   preload=partial(warm, str(settings.maps_dir) if settings.maps_dir else None)))
            pool.run(tasks, done)
    except KeyboardInterrupt:
        result.interrupted = "SIGINT"
    except BatchInterrupted as e:
        result.interrupted = e.args[0] if e.args else "SIGTERM"
    finally:
        for s in old_handlers:  # shutting down (also after an error): no signal may cut the clean-up short
            signal.signal(s, signal.SIG_IGN)
        try:
            if pool is not None:
                pool.close()
            for fh in (values_fh, records_fh):
                if fh is not None:
                    fh.close()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    in_order(result, packages)
    try:
        _write_reports(result, settings)
    finally:
        for s, h in old_handlers.items():
            signal.signal(s, h)
    return result


def in_order(result: BatchResult, packages: list[Package]) -> None:
    """Summaries and results in input order (package, then file inside it), whatever order the workers
    finished in: the reports of a batch are the same with 1 worker, 2 workers or Ray."""
    rank = {p.key: k for k, p in enumerate(packages)}
    files = {(p.key, it.display): i for p in packages for i, it in enumerate(p.items)}
    result.summaries.sort(key=lambda s: rank.get(s.get("package"), len(rank)))
    result.results.sort(key=lambda pr: (rank.get(pr[0], len(rank)), files.get((pr[0], pr[1].source.path), 0)))


def _display(summary: dict, rel: str) -> str:
    """How a form of this package is named in its Result (``source.path``): the record's ``input``."""
    for f in summary.get("files", []):
        if f["path"] == rel:
            return f.get("input") or rel
    return rel


def _write_reports(result: BatchResult, settings: BatchSettings) -> None:
    from .maps import load_catalogue

    bdir = result.outdir / RESERVED
    write_csv(result.results, bdir / "values.csv")
    if settings.csv:
        write_csv(result.results, settings.csv)
    if settings.xlsx:
        write_xlsx(result.results, settings.xlsx)
    try:
        order = list(load_catalogue(settings.maps_dir))
    except Exception:  # noqa: BLE001 - the report must still be written
        order = []
    packages = {s["package"]: {"main_form": (s.get("main_form") or {}).get("path") and _display(s, s["main_form"]["path"]),
                               "flag": "; ".join(s.get("flags") or [])} for s in result.summaries}
    write_wide_xlsx(result.results, bdir / "applications.xlsx", order, packages)
    flagged = [f"{s['package']}: {'; '.join(s.get('reasons') or s.get('flags'))}" for s in result.summaries if s.get("flags")]
    note = (f"{len(result.summaries)} of {result.total_packages} package(s) done"
            + (f"; stopped by {result.interrupted}" if result.interrupted else "")
            + (f". Flagged — {' | '.join(flagged)}" if flagged else ""))
    write_html(result.summaries, bdir / "report.html", note=note)
    write_atomic(bdir / "batch.json", json.dumps(
        {"packages": result.total_packages, "done": len(result.summaries), "interrupted": result.interrupted,
         "failed": [s["package"] for s in result.failed],
         "summaries": [s["summary"] for s in result.summaries]}, ensure_ascii=False, indent=1))
