"""Worker processes for the per-file jobs (:func:`extractor.triage.process`), bounded in time and memory.

* :class:`LocalPool` — ``workers`` processes on this machine. Each worker caps its own address space
  (``RLIMIT_AS`` = :attr:`Bounds.memory_limit_mb`); a job that runs longer than
  :attr:`Bounds.time_limit_s` gets its worker killed and replaced, and an error record with code
  ``time_limit``; one that runs out of memory gets ``memory_limit``; a worker that dies gets
  ``worker_crashed``. The batch goes on in every case.
* :class:`RayPool` — the same jobs as Ray tasks (``--ray ADDRESS|auto``); inside each task the job runs
  in a child process with the same bounds (:func:`run_bounded`), so records are the same.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Callable, Iterable

from .errors import MapError

Done = Callable[[str, dict], None]
PARENT_CHECK_S = 1.0  # seconds between a worker's checks that its parent is still alive


@dataclass
class Bounds:
    """Per-document bounds of a worker."""

    time_limit_s: float = 600.0
    """seconds one document may take (triage + extraction) before its worker is killed (``--time-limit``)"""
    memory_limit_mb: int = 4096
    """MiB of address space a worker may add to what it has mapped when it starts (RLIMIT_AS set to that
    plus this, ``--memory-limit``); 0 = no cap. Relative, because a process forked from a large parent (a
    Ray worker maps gigabytes it never touches) would otherwise be over the cap before it does anything."""


def time_record(b: Bounds) -> dict:
    return {"status": "error", "code": "time_limit", "seconds": b.time_limit_s,
            "message": f"took longer than the time limit of {b.time_limit_s:g} s per document (--time-limit, "
                       f"Bounds.time_limit_s): the worker was stopped; raise the limit to read this file"}


def memory_record(b: Bounds, detail: str = "") -> dict:
    return {"status": "error", "code": "memory_limit",
            "message": f"needed more than the memory cap of {b.memory_limit_mb} MiB per document (--memory-limit, "
                       f"Bounds.memory_limit_mb){': ' + detail if detail else ''}; raise the cap to read this file"}


def _looks_like_oom(rec: dict) -> bool:
    m = f"{rec.get('message', '')} {rec.get('trace', '')}"
    return rec.get("code") == "memory_limit" or (rec.get("code") == "internal_error" and any(
        w in m for w in ("MemoryError", "bad_alloc", "Failed to allocate", "Cannot allocate memory", "std::bad_alloc")))


def ocr_config_for(threads: int, tmp: str | None = None) -> str:
    """A copy of the OCR config (model paths made absolute) with ``threads`` per process, as a temp file path.

    Several workers each running the engine's default threads on the same cores slow every one of them
    down (measured: a scan's top strip 1.6 s alone, 9 s with two 2-thread workers on 2 cores)."""
    import dataclasses
    import tempfile

    import yaml

    from .ocr.engines import load_config

    cfg = dataclasses.asdict(load_config())
    cfg["threads"] = max(1, threads)
    fd, path = tempfile.mkstemp(prefix="extractor-ocr-", suffix=".yaml", dir=tmp)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        yaml.safe_dump(cfg, fh)
    return path


def mapped_mb() -> int:
    """MiB of address space this process has mapped now (VmSize; 0 where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def die_with_parent(parent: int) -> None:
    """Make this process die when its parent does (a ``kill -9`` of the batch leaves no workers behind).

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; everywhere (and in case the parent died before that):
    a daemon thread that checks the parent's pid every :data:`PARENT_CHECK_S` seconds and exits."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent is already gone
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_S)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def private_tempdir(tmp: str | None) -> None:
    """Send everything this process writes through :mod:`tempfile` (the loaders' copies of applicants'
    files, converters' scratch files) and child programs (``TMPDIR``) into ``tmp/w<pid>``: a folder inside
    the batch's own temp folder, removed with it (also by the stale-folder clean-up after a kill)."""
    if not tmp:
        return
    import tempfile

    d = os.path.join(tmp, f"w{os.getpid()}")
    os.makedirs(d, exist_ok=True)
    tempfile.tempdir = d
    os.environ["TMPDIR"] = d
    os.environ["TEMP"] = os.environ["TMP"] = d


MALLOC_KEEP_MB = 256  # MiB of freed heap a worker keeps for its next allocations (see keep_freed_memory)


def keep_freed_memory(mb: int = MALLOC_KEEP_MB) -> None:
    """Let glibc's malloc keep up to ``mb`` MiB of freed memory in the heap instead of returning it to the
    system (``mallopt`` M_MMAP_THRESHOLD and M_TRIM_THRESHOLD; no effect without glibc).

    A page image or a model's tensors (MBs each) are otherwise mapped fresh and unmapped for every page,
    and every page of them faults in again: measured on the batch benchmark, 0.9 M minor page faults and
    2.3 s of system time per 11 s of work in one worker, 1.5 M and 3.5 s in two."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        size = ctypes.c_int(min(mb, 1024) << 20)
        libc.mallopt(-1, size)  # M_TRIM_THRESHOLD
        libc.mallopt(-3, ctypes.c_int(min(mb, 32) << 20))  # M_MMAP_THRESHOLD (glibc caps it at 32 MiB on 64-bit)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


def _worker_main(conn, bounds: Bounds, ocr_config: str | None = None, parent: int = 0,  # noqa: ANN001
                 tmp: str | None = None) -> None:
    # Ctrl-C and SIGTERM are the parent's to handle (a signal to the whole process group must not kill a
    # worker in the middle of a file: the parent stops the workers itself, then writes its reports)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if parent:
        die_with_parent(parent)
    private_tempdir(tmp)
    keep_freed_memory()
    if ocr_config:  # one of several workers: each keeps to its share of the cores
        os.environ["EXTRACTOR_OCR_CONFIG"] = ocr_config
        os.environ["OMP_NUM_THREADS"] = "1"
        # (no cv2.setNumThreads / threadpoolctl here: resizing a pool the parent had started before the fork
        # waits forever on its threads — measured no gain either)
    if bounds.memory_limit_mb:
        import resource

        cap = (mapped_mb() + bounds.memory_limit_mb) * (1 << 20)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        except (ValueError, OSError):  # pragma: no cover - a hard limit below ours already applies
            pass
    from .triage import process

    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            break
        if msg is None:
            break
        key, task = msg
        try:
            rec = process(task)
        except MapError as e:
            conn.send((key, {"map_error": str(e)}))
            continue
        except MemoryError:
            rec = {"status": "error", "code": "memory_limit", "message": ""}
        conn.send((key, rec))
    os._exit(0)


class _Worker:
    def __init__(self, ctx, bounds: Bounds, ocr_config: str | None = None, tmp: str | None = None) -> None:  # noqa: ANN001
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, bounds, ocr_config, os.getpid(), tmp), daemon=True)
        self.proc.start()
        child.close()
        self.key: str | None = None
        self.deadline = 0.0

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, AttributeError):  # pragma: no cover
            pass
        self.proc.join(5)
        self.conn.close()


class LocalPool:
    """``workers`` processes (fork on Linux), jobs handed out one at a time, results in completion order.

    ``tmp``: a private folder (the batch's temp folder) where the workers' temp files go (see
    :func:`private_tempdir`); workers die with this process (:func:`die_with_parent`). ``preload``: run once
    in this process before the first worker is forked, with the workers' OCR config file (None: this
    process's own) — e.g. :func:`extractor.triage.warm` — so every worker
    starts with its imports and data in shared memory instead of loading them itself; skipped where
    workers are spawned, not forked. ``ocr_threads``: OCR threads per worker (None: ``cpu_count //
    workers``; one worker keeps the OCR config's own)."""

    def __init__(self, workers: int, bounds: Bounds | None = None, tmp: str | os.PathLike | None = None,
                 preload: Callable[[str | None], object] | None = None, ocr_threads: int | None = None) -> None:
        self.n = max(1, int(workers))
        self.preload = preload
        self.bounds = bounds or Bounds()
        self.tmp = str(tmp) if tmp else None
        if self.tmp:
            os.makedirs(self.tmp, exist_ok=True)
        self.ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.workers: list[_Worker] = []
        cpus = os.cpu_count() or 1
        self.ocr_config = (ocr_config_for(ocr_threads or max(1, cpus // self.n), self.tmp)
                           if self.n > 1 or ocr_threads else None)

    def _spawn(self) -> _Worker:
        return _Worker(self.ctx, self.bounds, self.ocr_config, self.tmp)

    def run(self, tasks: Iterable[tuple[str, dict]], on_done: Done, stop: Callable[[], bool] = lambda: False) -> None:
        pending = deque(tasks)
        b = self.bounds
        if self.preload is not None and pending and self.ctx.get_start_method() == "fork":
            self.preload(self.ocr_config)
            self.preload = None
        while len(self.workers) < min(self.n, len(pending)):
            self.workers.append(self._spawn())
        try:
            while not stop():
                for w in self.workers:
                    if w.key is None and pending:
                        w.key, task = pending.popleft()
                        w.deadline = time.monotonic() + b.time_limit_s
                        w.conn.send((w.key, task))
                busy = [w for w in self.workers if w.key is not None]
                if not busy:
                    return
                timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                ready = wait([w.conn for w in busy], timeout=min(timeout, 0.5))
                for w in list(busy):
                    if w.conn in ready:
                        try:
                            key, rec = w.conn.recv()
                        except (EOFError, OSError):
                            self._replace(w, on_done, {"status": "error", "code": "worker_crashed",
                                                       "message": f"the worker process died (exit code "
                                                                  f"{w.proc.exitcode}) while reading this file"})
                            continue
                        if "map_error" in rec:
                            raise MapError(rec["map_error"])
                        if _looks_like_oom(rec):
                            self._replace(w, on_done, {**memory_record(b), "seconds": rec.get("seconds", 0.0)})
                            continue
                        w.key = None
                        on_done(key, rec)
                    elif time.monotonic() >= w.deadline:
                        self._replace(w, on_done, time_record(b))
        finally:
            pass

    def _replace(self, w: _Worker, on_done: Done, rec: dict) -> None:
        key = w.key
        w.kill()
        self.workers[self.workers.index(w)] = self._spawn()
        if key is not None:
            on_done(key, rec)

    def close(self) -> None:
        for w in self.workers:
            if w.key is None:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
        for w in self.workers:
            w.proc.join(0.5 if w.key is None else 0)
            if w.proc.is_alive():
                w.kill()
        self.workers = []
        if self.ocr_config:
            try:
                os.unlink(self.ocr_config)
            except OSError:
                pass
            self.ocr_config = None


def run_bounded(task: dict, bounds: Bounds) -> dict:
    """One job in a child process under ``bounds`` (what a Ray task runs)."""
    out: list[dict] = []
    pool = LocalPool(1, bounds)
    try:
        pool.run([("t", task)], lambda _k, rec: out.append(rec))
    finally:
        pool.close()
    return out[0]


class RayPool:
    """The same jobs as Ray tasks on a Ray cluster (``address``: ``auto``, ``ray://host:port`` or ``host:port``);
    ``num_cpus`` only when starting a local Ray (tests)."""

    def __init__(self, address: str | None, bounds: Bounds | None = None, num_cpus: int | None = None) -> None:
        try:
            import ray
        except ImportError as e:
            from .errors import MissingDependency

            raise MissingDependency("--ray needs Ray: pip install 'cluster-form-extractor[ray]'") from e
        self.ray = ray
        self.bounds = bounds or Bounds()
        if not ray.is_initialized():
            kw = {"address": address} if address and address != "local" else {}
            if num_cpus:
                kw["num_cpus"] = num_cpus
            ray.init(ignore_reinit_error=True, log_to_driver=False, include_dashboard=False, **kw)
        self.job = ray.remote(max_retries=0, num_cpus=1)(run_bounded)

    def run(self, tasks: Iterable[tuple[str, dict]], on_done: Done, stop: Callable[[], bool] = lambda: False) -> None:
        refs = {self.job.remote(task, self.bounds): key for key, task in tasks}
        while refs and not stop():
            ready, _ = self.ray.wait(list(refs), num_returns=1, timeout=0.5)
            for r in ready:
                key = refs.pop(r)
                try:
                    rec = self.ray.get(r)
                except Exception as e:  # noqa: BLE001 - a lost task is that file's error, not the batch's
                    rec = {"status": "error", "code": "worker_crashed", "message": f"Ray task failed: {type(e).__name__}: {e}"}
                if "map_error" in rec:
                    raise MapError(rec["map_error"])
                on_done(key, rec)
        for r in refs:
            self.ray.cancel(r, force=True)

    def close(self) -> None:
        pass
