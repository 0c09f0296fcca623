"""Review state: the station over one or more OUTDIRs — its documents, the queue, and reviewers' decisions.

Reads emitted JSON (and, for images, the source files they name); never calls the extraction stages. Every
decision is one row in ``OUTDIR/review.sqlite`` (inserted inside an immediate transaction, so two reviewers —
two browsers or two servers on the same OUTDIR — never overwrite each other), one line of
``OUTDIR/review-log.jsonl`` and a rewrite of ``OUTDIR/<name>.reviewed.json`` (the document with every
decision applied and the cross-field rules run again). The extraction's JSON is never modified.

The parts: :mod:`.results` (result files on disk), :mod:`.reviewed` (values by locator, decisions applied,
rules re-run), :mod:`.items` (what the reviewer sees of a document), :mod:`.decisions` (the SQLite table and
the log). :class:`Station` ties them together under one lock.
"""
from __future__ import annotations

import re
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ...contract import Value
from ...validate.normalize import parse
from .decisions import (SCHEMA, append_log, connect, in_force, insert_decision, insert_mark, log_lines, now,
                        read_rows)
from .items import Doc, doc_items, document_view, field_type, item_detail, item_id, locators
from .results import is_result_json, load_preferring_reviewed, read_if_result, write_reviewed
from .reviewed import ACTION_STATUS, apply, is_not_found, value_at, values

__all__ = ["CATEGORY_RANK", "STATUS_RANK", "ReviewError", "Station",
           "load_preferring_reviewed"]  # the last: callers import it from here (its home is .results)

CATEGORY_RANK = {"rule": 0, "type": 1, "ocr": 2, "unit": 3, "label": 4, "other": 5, "not found": 9}
STATUS_RANK = {"error": 0, "invalid": 1, "review": 2, "accepted": 7, "corrected": 7, "unreadable": 7}


class ReviewError(ValueError):
    """A decision refused (bad value, unknown item, …): the message is shown to the reviewer.

    ``status``: the HTTP status the API answers with (400 a bad request, 404 unknown, 409 a conflict);
    ``extra``: more fields of the JSON error (e.g. ``version`` on a conflict)."""

    def __init__(self, message: str, status: int = 400, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.extra = extra


class Station:
    """All documents of one or more OUTDIRs with their review state.

    ``docs``: key (``"<outdir number>/<path of the JSON under OUTDIR>"``) -> :class:`~.items.Doc`; ``items``:
    item id -> (document, locator). Every public method holds ``lock`` (threads of one server); decisions of
    other servers on the same OUTDIR are seen after :meth:`refresh`. Methods raise :class:`ReviewError`."""

    def __init__(self, outdirs: list[Path]) -> None:
        self.outdirs = [Path(o).resolve() for o in outdirs]
        self.lock = threading.RLock()
        self.docs: dict[str, Doc] = {}
        for n, od in enumerate(self.outdirs):
            with connect(od) as db:
                db.executescript(SCHEMA)
            for f in sorted(x for x in od.rglob("*.json") if is_result_json(x)):
                if f.is_symlink() or not f.resolve().is_relative_to(od):
                    continue  # only results that really are under OUTDIR
                try:
                    res = read_if_result(f)
                except ValueError:  # a broken result: not reviewable here
                    continue
                if res is None:
                    continue
                rel = f.relative_to(od).as_posix()
                d = Doc(f"{n}/{rel}", od, f, rel, res)
                d.labels = {loc: lab for loc, _, lab in values(res)}
                self.docs[d.key] = d
        self.items: dict[str, tuple[Doc, str]] = {}
        for d in self.docs.values():
            self._reload(d)

    def _reload(self, doc: Doc, rows: list[sqlite3.Row] | None = None) -> None:
        if rows is None:
            with connect(doc.outdir) as db:
                rows = read_rows(db, doc.dbkey)
        doc.decisions, doc.versions = in_force(rows)
        doc.current = apply(doc.original, doc.decisions)
        for loc in locators(doc):
            self.items[item_id(doc, loc)] = (doc, loc)

    def refresh(self) -> None:
        """Pick up decisions written by another server on the same OUTDIR."""
        with self.lock:
            for d in self.docs.values():
                self._reload(d)

    # -- the queue
    def queue(self) -> list[dict]:
        """Every document's queue items (:func:`.items.doc_items`), undecided first, then by status,
        category, confidence (lowest first), document and place in the document."""
        with self.lock:
            out: list[dict] = []
            for d in self.docs.values():
                out += doc_items(d)
        out.sort(key=lambda i: (i["decided"] is not None, STATUS_RANK.get(i["status"], 5),
                                CATEGORY_RANK.get(i["category"], 5), i["confidence"], i["doc"], i["order"]))
        return out

    def item(self, iid: str) -> dict:
        """The item ``iid`` with its details (:func:`.items.item_detail`). Raises ReviewError (404) if unknown."""
        with self.lock:
            d, loc = self._find(iid)
            return item_detail(d, loc)

    def _find(self, iid: str) -> tuple[Doc, str]:
        got = self.items.get(iid)
        if got is None:
            raise ReviewError(f"no item {iid!r}", 404)
        return got

    def document(self, key: str) -> dict:
        """The document view of ``key`` (:func:`.items.document_view`). Raises ReviewError (404) if unknown."""
        with self.lock:
            d = self.docs.get(key)
            if d is None:
                raise ReviewError(f"no document {key!r}", 404)
            return document_view(d)

    # -- decisions
    def decide(self, iid: str, action: str, value: Any = None, reviewer: str = "reviewer",
               version: int | None = None) -> dict:
        """Record ``reviewer``'s decision on item ``iid`` and return the item as it is now.

        ``action``: ``accept``, ``correct`` (``value``: the value as typed, parsed as the value's type) or
        ``unreadable``; on ``nf`` it applies to every place not found (not ``correct``). ``version``: the item's
        version the reviewer saw; if another decision came meanwhile, ReviewError 409 (``extra`` has the current
        version). ReviewError 400 for an unknown action, an error item or a value that does not parse, 404 for
        an unknown item."""
        if action not in ACTION_STATUS:
            raise ReviewError(f"unknown action {action!r}: accept, correct or unreadable")
        reviewer = (reviewer or "reviewer").strip()[:80] or "reviewer"
        with self.lock:
            d, loc = self._find(iid)
            if loc.startswith("e:"):
                raise ReviewError("a document error has no value to decide: re-extract the file")
            locs = [lc for lc, v, _ in values(d.original) if is_not_found(v)] if loc == "nf" else [loc]
            if loc == "nf" and action == "correct":
                raise ReviewError("places not found cannot be corrected as a group: open the document view")
            rec: dict[str, Any] = {"raw": None, "value": None, "unit": None, "empty": 0, "reasons": None}
            if action == "correct":
                rec = self._parse_correction(d, loc, value)
            with self._transaction(d) as db:
                seen = max((r["id"] for r in read_rows(db, d.dbkey) if r["locator"] == loc), default=0)
                if version is not None and int(version) != seen:
                    raise ReviewError("another reviewer decided this item meanwhile: reload it", 409, version=seen)
                t = now()
                for lc in locs:
                    insert_decision(db, d.dbkey, lc, action, rec, reviewer, t)
                if loc == "nf":  # the group's own version
                    insert_mark(db, d.dbkey, "nf", action, reviewer, t)
                self._apply(db, d, locs, action, reviewer, t)
            return self.item(iid)

    @contextmanager
    def _transaction(self, d: Doc) -> Iterator[sqlite3.Connection]:
        """One write transaction on OUTDIR's review database; on any failure rolled back and ``d`` reloaded."""
        db = connect(d.outdir)
        try:
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            self._reload(d)
            raise
        finally:
            db.close()

    def _apply(self, db: sqlite3.Connection, d: Doc, locs: list[str], action: str, reviewer: str, t: str) -> None:
        """After the decisions are inserted: reload ``d`` from the database, log them, write the reviewed JSON."""
        before = d.current
        self._reload(d, read_rows(db, d.dbkey))
        append_log(d.outdir, log_lines(d, before, locs, action, reviewer, t))
        write_reviewed(d.json_path, d.current)

    def undo(self, reviewer: str = "reviewer", iid: str | None = None) -> dict:
        """Undo ``reviewer``'s last decision still in force (on item ``iid`` if given) and return its item as it
        is now; a decision on places not found is undone as a group (the ``nf`` item is returned; ``iid`` may be
        that item or one of its places). Raises ReviewError 409 if there is nothing of the reviewer's to undo,
        404 for an unknown item."""
        reviewer = (reviewer or "reviewer").strip()[:80] or "reviewer"
        with self.lock:
            last = self._last_decision(reviewer, self._find(iid) if iid else None)
            if last is None:
                raise ReviewError("nothing of yours to undo", 409)
            d, lc = last
            group = is_not_found(value_at(d.original, lc))
            same = self._not_found_group(d, lc) if group else [lc]
            with self._transaction(d) as db:
                t = now()
                for x in same:
                    insert_mark(db, d.dbkey, x, "undo", reviewer, t, d.decisions[x]["id"])
                if group:  # the group's own version
                    insert_mark(db, d.dbkey, "nf", "undo", reviewer, t)
                self._apply(db, d, same, "undo", reviewer, t)
            return self.item(item_id(d, "nf" if group else lc))

    def _last_decision(self, reviewer: str, target: tuple[Doc, str] | None) -> tuple[Doc, str] | None:
        """The document and value locator of ``reviewer``'s newest decision in force; with ``target`` (a
        document and locator) only a decision on that value, or for ``nf`` on one of the document's places not
        found. None if there is none."""
        best: tuple[int, Doc, str] | None = None
        for d in self.docs.values():
            for lc, r in d.decisions.items():
                if r["reviewer"] != reviewer:
                    continue
                if target and not (d is target[0] and (lc == target[1] or target[1] == "nf"
                                                       and is_not_found(value_at(d.original, lc)))):
                    continue
                if best is None or r["id"] > best[0]:
                    best = (r["id"], d, lc)
        return None if best is None else best[1:]

    @staticmethod
    def _not_found_group(d: Doc, lc: str) -> list[str]:
        """The places not found of ``d`` decided together with the one at ``lc``: same reviewer, time and action
        (a decision on the ``nf`` item inserts one row per place, all stamped alike)."""
        r0 = d.decisions[lc]
        return [x for x, r in d.decisions.items()
                if (r["time"], r["reviewer"], r["action"]) == (r0["time"], r0["reviewer"], r0["action"])
                and is_not_found(value_at(d.original, x))]

    def _parse_correction(self, d: Doc, loc: str, value: Any) -> dict:
        if value is None or not str(value).strip():
            raise ReviewError("type the value as it is on paper (or press u: unreadable)")
        raw = str(value).strip()
        if len(raw) > 5000:
            raise ReviewError("value too long")
        orig = value_at(d.original, loc)
        vtype = field_type(d, loc)
        unit = orig.unit if isinstance(orig, Value) else None
        if vtype == "choices":
            vals = [x.strip() for x in re.split(r"[；;，,、]", raw) if x.strip()]
            return {"raw": raw, "value": vals, "unit": None, "empty": 0, "reasons": []}
        p = parse(raw, "text" if vtype in ("choice",) else vtype, unit)
        if p.missing:
            raise ReviewError(f"{raw!r} is blank or a placeholder: press u if the paper cannot be read")
        if p.invalid:
            raise ReviewError(f"{raw!r} is not a valid {vtype}: " + "; ".join(p.reasons))
        return {"raw": raw, "value": p.value, "unit": p.unit or unit, "empty": int(p.empty), "reasons": p.reasons}
