"""The run loop of a batch: :func:`run_batch` prepares the output folder, walks the inputs into packages,
plans each package (resumed, decided at intake, reused form, or a job), hands the jobs to the pool dearest
first, collects each job's record as it comes back (a package's summary is written when its last file is
in), and on the way out — also on Ctrl-C / SIGTERM — closes the pool and writes the reports."""
from __future__ import annotations

import json
import shutil
import signal
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Callable

from ..contract import ErrorItem, Result, Source
from ..emit import read_result, write_atomic
from ..emit.report import append_values
from ..intake import RESERVED, Intake, Item, Package
from ..pool import LocalPool, RayPool
from ..triage import warm
from .outdir import check_outdir, make_temp, remove_stale_temp, remove_stale_writes
from .reports import in_order, write_reports
from .resume import reusable_form, reusable_summary
from .schedule import dearest_first
from .settings import BatchInterrupted, BatchResult, BatchSettings
from .summary import file_record, summarise

Task = tuple[str, dict]  # (job key "<package index>:<file index>", the task for extractor.triage.process)


def run_batch(inputs: list[Path], outdir: Path, settings: BatchSettings | None = None, *,
              on_start: Callable[[int, int], None] | None = None,
              on_package: Callable[[dict], None] | None = None,
              on_file: Callable[[str, dict], None] | None = None,
              template: str | None = None) -> BatchResult:
    """Run the batch (see :mod:`extractor.batch`): ``inputs`` (folders, zips, files) into ``outdir``.

    ``on_start(packages, files)`` is called once intake is done, ``on_package(summary)`` per package done,
    ``on_file(package key, record)`` per file done; ``template`` forces one template for every form. Never
    raises for bad input; raises :class:`OutputDirError` (before any work) and
    :class:`~extractor.errors.MapError`. On Ctrl-C / SIGTERM the reports are written for what is done and
    ``BatchResult.interrupted`` says so."""
    settings = settings or BatchSettings()
    if template is not None:
        settings.template = template
    outdir = Path(outdir)
    check_outdir(outdir)
    remove_stale_temp()
    remove_stale_writes(outdir)
    run = _Run(outdir, settings, make_temp(), on_start, on_package, on_file)
    old_handlers = _stop_on_signals()
    try:
        _execute(run, inputs, old_handlers)
        in_order(run.result, run.packages)
        write_reports(run.result, settings)
    finally:  # also when the run raises (MapError, …): the caller's handlers, not SIG_IGN
        _restore(old_handlers)
    return run.result


def _execute(run: _Run, inputs: list[Path], old_handlers: dict[int, object]) -> None:
    """``run.execute(inputs)``, a Ctrl-C / SIGTERM noted in ``run.result.interrupted``; then, signals ignored
    until :func:`_restore`, the pool closed and the temp folder removed (also when the run raises)."""
    try:
        run.execute(inputs)
    except KeyboardInterrupt:
        run.result.interrupted = "SIGINT"
    except BatchInterrupted as e:
        run.result.interrupted = e.args[0] if e.args else "SIGTERM"
    finally:
        _ignore(old_handlers)  # shutting down (also after an error): no signal may cut the clean-up short
        run.close()


# ---------------------------------------------------------------- signals
def _stop_on_signals() -> dict[int, object]:
    """In the main thread: SIGINT / SIGTERM raise :class:`BatchInterrupted`; returns the handlers replaced
    (empty in any other thread, where nothing is changed)."""
    old_handlers: dict[int, object] = {}
    if threading.current_thread() is not threading.main_thread():
        return old_handlers

    def _stop(sig, _frame):  # noqa: ANN001
        # the first Ctrl-C / SIGTERM starts the shutdown; any further one (a second Ctrl-C, SIGTERM sent
        # to the process and to its group) is ignored until the reports are written
        _ignore(old_handlers)
        raise BatchInterrupted("SIGINT" if sig == signal.SIGINT else "SIGTERM")

    for s in (signal.SIGINT, signal.SIGTERM):
        old_handlers[s] = signal.signal(s, _stop)
    return old_handlers


def _ignore(handlers: dict[int, object]) -> None:
    for s in handlers:
        signal.signal(s, signal.SIG_IGN)


def _restore(handlers: dict[int, object]) -> None:
    """Put back the handlers :func:`_stop_on_signals` replaced."""
    for s, h in handlers.items():
        signal.signal(s, h)


# ---------------------------------------------------------------- one run
@dataclass
class _PackageState:
    """A package while its files are out: records by file index, Results by path, files still to come."""

    pending: int
    t0: float  # time.monotonic() when it was planned
    records: dict[int, dict] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict)


class _Run:
    """The state of one :func:`run_batch`: packages, per-package progress, the open JSON Lines files, the pool."""

    def __init__(self, outdir: Path, settings: BatchSettings, tmp: Path,
                 on_start: Callable[[int, int], None] | None, on_package: Callable[[dict], None] | None,
                 on_file: Callable[[str, dict], None] | None) -> None:
        self.outdir, self.settings, self.tmp = outdir, settings, tmp
        self.on_start, self.on_package, self.on_file = on_start, on_package, on_file
        self.result = BatchResult(outdir)
        self.packages: list[Package] = []
        self.pool: LocalPool | RayPool | None = None
        self.values_fh: IO[str] | None = None
        self.records_fh: IO[str] | None = None
        self.state: dict[str, _PackageState] = {}  # package key → its progress
        self.where: dict[str, tuple[Package, int]] = {}  # job key → (package, file index)

    def execute(self, inputs: list[Path]) -> None:
        """Intake, then plan every package, then run the jobs (returns when every job is done)."""
        s = self.settings
        self.packages = Intake(self.tmp, s.limits, exclude=(self.outdir,)).packages(list(inputs), s.folders_are_packages)
        self.result.total_packages = len(self.packages)
        if self.on_start:
            self.on_start(len(self.packages), sum(len(p.items) for p in self.packages))
        bdir = self.outdir / RESERVED
        self.values_fh = open(bdir / "values.jsonl", "w", encoding="utf-8")
        self.records_fh = open(bdir / "records.jsonl", "w", encoding="utf-8")
        tasks: list[Task] = []
        for pi, pkg in enumerate(self.packages):
            tasks += self.plan(pi, pkg)
        if tasks:
            self.run_jobs(tasks)

    def close(self) -> None:
        """Close the pool and the JSON Lines files; remove the run's temp folder whatever happens."""
        try:
            if self.pool is not None:
                self.pool.close()
            for fh in (self.values_fh, self.records_fh):
                if fh is not None:
                    fh.close()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- planning
    def plan(self, pi: int, pkg: Package) -> list[Task]:
        """The jobs of package number ``pi``; what needs no job (resumed package, files decided at intake,
        forms reused from an earlier run) is recorded here and now."""
        self.state[pkg.key] = _PackageState(pending=len(pkg.items), t0=time.monotonic())
        old = reusable_summary(pkg, self.outdir, self.settings)
        if old is not None:  # resume: this package is done
            self.resume(pkg, old)
            return []
        if not pkg.items:
            self.finish(pkg)
            return []
        tasks: list[Task] = []
        for i, it in enumerate(pkg.items):
            if it.status is not None:  # refused / skipped during intake
                self.record(pkg, i, file_record(it))
                continue
            prior = reusable_form(it, self.outdir, self.settings)
            if prior is not None:
                self.keep(pkg, it.rel, prior)
                self.record(pkg, i, file_record(it, {
                    "status": "converted", "template": prior.template.id if prior.template else None,
                    "score": prior.template.score if prior.template else None, "evidence": "resumed", "seconds": 0.0}))
                continue
            key = f"{pi}:{i}"
            self.where[key] = (pkg, i)
            tasks.append((key, self.task(it)))
        return tasks

    def task(self, it: Item) -> dict:
        """The task of one file for :func:`extractor.triage.process`."""
        s = self.settings
        return {"path": str(it.path), "name": it.rel.rsplit("/", 1)[-1], "display": it.display,
                "sha256": it.sha256, "template": s.template,
                "maps_dir": str(s.maps_dir) if s.maps_dir else None, "pages": s.pages}

    def resume(self, pkg: Package, old: dict) -> None:
        """Take over an earlier run's complete summary ``old`` of ``pkg``: its forms' Results, its records."""
        for f in old.get("forms", []):
            try:
                res = read_result(self.outdir / f["output"])
            except (OSError, ValueError):
                continue
            self.keep(pkg, f["path"], res)
        old["resumed"] = True
        self.result.summaries.append(old)
        for rec in old.get("files", []):
            self.records_fh.write(json.dumps({"package": pkg.key, **rec}, ensure_ascii=False) + "\n")
        if self.on_package:
            self.on_package(old)

    # -- running
    def run_jobs(self, tasks: list[Task]) -> None:
        """Hand ``tasks`` to a local pool (or Ray) dearest first; each record comes back through :meth:`done`."""
        s = self.settings
        maps_dir = str(s.maps_dir) if s.maps_dir else None
        tasks = dearest_first(tasks, {k: p.items[i] for k, (p, i) in self.where.items()}, maps_dir)
        self.pool = (RayPool(s.ray, s.bounds, s.ray_num_cpus) if s.ray
                     else LocalPool(min(s.workers, len(tasks)), s.bounds, tmp=self.tmp / "work",
                                    ocr_threads=s.ocr_threads, preload=partial(warm, maps_dir)))
        self.pool.run(tasks, self.done)

    def done(self, key: str, rec: dict) -> None:
        """A job's record is back: write the form's JSON (or an error JSON) and record the file."""
        pkg, i = self.where[key]
        it = pkg.items[i]
        text = rec.pop("result", None)
        if rec["status"] == "error" and text is None and it.out:  # time / memory limit, crash: an error JSON
            text = _error_json(it, rec)
        if text is not None and it.out and rec["status"] in ("converted", "error"):
            write_atomic(self.outdir / it.out, text)
            rec["has_output"] = True
            if rec["status"] == "converted":
                self.keep(pkg, it.rel, Result.model_validate_json(text))
        self.record(pkg, i, file_record(it, rec))

    # -- collecting
    def keep(self, pkg: Package, rel: str, res: Result) -> None:
        """A converted form's Result: into the package's state, the batch result and ``values.jsonl``."""
        self.state[pkg.key].results[rel] = res
        self.result.results.append((pkg.key, res))
        append_values(self.values_fh, pkg.key, res)

    def record(self, pkg: Package, i: int, rec: dict) -> None:
        """File ``i`` of ``pkg`` is done: its record into ``records.jsonl``; the package's last one finishes it."""
        st = self.state[pkg.key]
        st.records[i] = rec
        self.records_fh.write(json.dumps({"package": pkg.key, **rec}, ensure_ascii=False) + "\n")
        self.records_fh.flush()
        if self.on_file:
            self.on_file(pkg.key, rec)
        st.pending -= 1
        if st.pending == 0:
            self.finish(pkg)

    def finish(self, pkg: Package) -> None:
        """Every file of ``pkg`` is in: write its summary (``OUT/<package>.package.json``) last."""
        st = self.state[pkg.key]
        recs = [st.records[i] for i in sorted(st.records)]
        s = summarise(pkg, recs, st.results, self.settings, time.monotonic() - st.t0)
        write_atomic(self.outdir / pkg.summary_path, json.dumps(s, ensure_ascii=False, indent=1))
        self.result.summaries.append(s)
        if self.on_package:
            self.on_package(s)


def _error_json(it: Item, rec: dict) -> str:
    """The Result JSON of a file whose job ended without one (time / memory limit, crash): status ``error``
    with the record's code and message."""
    return Result(source=Source(path=it.display, name=it.rel.rsplit("/", 1)[-1], sha256=it.sha256,
                                format=Path(it.rel).suffix.lower().lstrip(".") or "unknown", pages=0),
                  status="error", errors=[ErrorItem(code=rec["code"], stage="extract",
                                                    message=rec.get("message", ""))]).model_dump_json(indent=1)
