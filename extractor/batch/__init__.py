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

The modules, in the order a batch uses them:

* :mod:`.settings` — what a batch is told (:class:`BatchSettings`) and gives back (:class:`BatchResult`);
* :mod:`.outdir` — the output folder checked, temp folders and half-written files of killed runs removed;
* :mod:`.resume` — which outputs of an earlier run are reused;
* :mod:`.schedule` — the order jobs are handed out in (dearest first);
* :mod:`.summary` — one record per file, the main form of a package, the package summary;
* :mod:`.run` — the run loop (:func:`run_batch`): plan, hand out, collect, shut down on a signal;
* :mod:`.reports` — the batch-level reports written at the end.

Every name above is importable from ``extractor.batch`` itself.
"""
from __future__ import annotations

from .outdir import TMP_DIR_PREFIX, check_outdir, remove_stale_temp, remove_stale_writes
from .reports import in_order, write_reports
from .resume import reusable_form, reusable_summary
from .run import run_batch
from .schedule import CONVERTED_SUFFIXES, SCAN_SUFFIXES, dearest_first, expected_seconds
from .settings import BatchInterrupted, BatchResult, BatchSettings, OutputDirError
from .summary import (DRAFT_WORDS, FINAL_WORDS, SUMMARY_VERSION, choose_main, file_record, name_rank, outcome,
                      summarise)

__all__ = [
    "BatchInterrupted", "BatchResult", "BatchSettings", "CONVERTED_SUFFIXES", "DRAFT_WORDS", "FINAL_WORDS",
    "OutputDirError", "SCAN_SUFFIXES", "SUMMARY_VERSION", "TMP_DIR_PREFIX", "check_outdir", "choose_main",
    "dearest_first", "expected_seconds", "file_record", "in_order", "name_rank", "outcome", "remove_stale_temp",
    "remove_stale_writes", "reusable_form", "reusable_summary", "run_batch", "summarise", "write_reports",
]
