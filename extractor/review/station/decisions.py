"""Reviewers' decisions on disk: the decision table in ``OUTDIR/review.sqlite`` and the audit log
``OUTDIR/review-log.jsonl``.

The table is append-only: a decision (accept / correct / unreadable) and its undo are each a row; the decisions
in force are the rows no undo names (:func:`in_force`). Rows are inserted by :class:`.store.Station` inside an
immediate transaction, so two reviewers (two browsers or two servers on one OUTDIR) never overwrite each other.
Every decision also appends one JSON line per value to the log, flushed to disk before the call returns.
"""
from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ...contract import Result, Value
from .items import Doc
from .reviewed import display, value_at

DB_NAME = "review.sqlite"
LOG_NAME = "review-log.jsonl"

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL, locator TEXT NOT NULL,
  action TEXT NOT NULL CHECK(action IN ('accept','correct','unreadable','undo')),
  raw TEXT, value TEXT, unit TEXT, empty INTEGER DEFAULT 0, reasons TEXT,
  reviewer TEXT NOT NULL, time TEXT NOT NULL, undoes INTEGER);
CREATE INDEX IF NOT EXISTS decisions_doc ON decisions(doc, locator);
"""


def now() -> str:
    """The time a decision is stamped with: UTC, ISO 8601 to the second (``2024-05-01T08:00:00+00:00``)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------- the decision table
def connect(outdir: Path) -> sqlite3.Connection:
    """A connection to ``OUTDIR/review.sqlite`` (created if absent): autocommit (transactions are explicit),
    WAL journal, rows as :class:`sqlite3.Row`, waiting up to 30 s for another writer's lock."""
    db = sqlite3.connect(outdir / DB_NAME, timeout=30, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.row_factory = sqlite3.Row
    return db


def read_rows(db: sqlite3.Connection, dbkey: str) -> list[sqlite3.Row]:
    """Every row of the document ``dbkey`` (:attr:`.items.Doc.dbkey`), oldest first."""
    return db.execute("SELECT * FROM decisions WHERE doc=? ORDER BY id", (dbkey,)).fetchall()


def in_force(rows: list[sqlite3.Row]) -> tuple[dict[str, dict], dict[str, int]]:
    """From a document's rows (oldest first): the decisions in force (value locator -> row as a dict: not an undo
    and not undone) and the versions (locator -> id of the last row touching it, undos included).

    The rows of locator ``nf`` only version the group of places not found (:func:`insert_mark`): they count in
    the versions but are no decision of their own — the group's decision is its places' rows."""
    undone = {r["undoes"] for r in rows if r["action"] == "undo"}
    decisions: dict[str, dict] = {}
    versions: dict[str, int] = {}
    for r in rows:
        versions[r["locator"]] = r["id"]
        if r["action"] != "undo" and r["id"] not in undone and r["locator"] != "nf":
            decisions[r["locator"]] = dict(r)
    return decisions, versions


def insert_decision(db: sqlite3.Connection, dbkey: str, locator: str, action: str, rec: dict[str, Any],
                    reviewer: str, t: str) -> int:
    """Insert one decision on one value; ``rec``: ``raw``, ``value`` (stored as JSON), ``unit``, ``empty``
    (0/1), ``reasons`` (a list, stored as JSON) — all None/0 but for a correction. Returns the row's id."""
    cur = db.execute(
        "INSERT INTO decisions(doc, locator, action, raw, value, unit, empty, reasons, reviewer, time)"
        " VALUES(?,?,?,?,?,?,?,?,?,?)",
        (dbkey, locator, action, rec["raw"], json.dumps(rec["value"], ensure_ascii=False), rec["unit"],
         rec["empty"], json.dumps(rec["reasons"], ensure_ascii=False), reviewer, t))
    return cur.lastrowid


def insert_mark(db: sqlite3.Connection, dbkey: str, locator: str, action: str, reviewer: str, t: str,
                undoes: int | None = None) -> None:
    """Insert a row without a value: an undo (``action`` ``undo``, ``undoes`` = the id of the row undone) or,
    with locator ``nf``, the version row of a group of places not found."""
    db.execute("INSERT INTO decisions(doc, locator, action, reviewer, time, undoes) VALUES(?,?,?,?,?,?)",
               (dbkey, locator, action, reviewer, t, undoes))


# ---------------------------------------------------------------- the audit log
def log_lines(d: Doc, before: Result, locs: list[str], action: str, reviewer: str, t: str) -> list[str]:
    """One JSON line per value of ``locs`` just decided on ``d`` (``d.current`` already reloaded): who, when,
    which value (file, result, field id, period, labels) and its extracted, previous (``before``) and new
    value and status."""
    lines = []
    for lc in locs:
        o, b, a = value_at(d.original, lc), value_at(before, lc), value_at(d.current, lc)
        lab = d.labels[lc]
        lines.append(json.dumps({
            "time": t, "reviewer": reviewer, "action": action, "file": d.original.source.name,
            "result": d.rel, "field_id": o.id, "period": lab["period"], "table": lab["table"],
            "row_label": lab["row_label"], "column_label": lab["column_label"],
            "old_value": display(b), "old_status": b.status, "extracted_value": display(o),
            "extracted_status": o.status, "new_value": display(a), "new_status": a.status,
            "raw": a.raw if isinstance(a, Value) else None}, ensure_ascii=False, default=str))
    return lines


def append_log(outdir: Path, lines: list[str]) -> None:
    """Append ``lines`` to ``OUTDIR/review-log.jsonl`` and fsync it. Raises ``OSError`` if it cannot be written."""
    with (outdir / LOG_NAME).open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
