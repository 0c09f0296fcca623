"""Review state: the queue over emitted results, reviewers' decisions in SQLite, reviewed documents and the log.

Reads emitted JSON (and, for images, the source files they name); never calls the extraction stages. Every
decision is one row in ``OUTDIR/review.sqlite`` (inserted inside an immediate transaction, so two reviewers —
two browsers or two servers on the same OUTDIR — never overwrite each other), one line of
``OUTDIR/review-log.jsonl`` and a rewrite of ``OUTDIR/<name>.reviewed.json`` (the document with every
decision applied and the cross-field rules run again). The extraction's JSON is never modified.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ...contract import FieldValue, Result, ReviewDecision, Summary, Text, Value
from ...validate.normalize import parse
from ...rules import rule_reason
from ...text import years

DB_NAME = "review.sqlite"
LOG_NAME = "review-log.jsonl"
REVIEWED_SUFFIX = ".reviewed.json"
DOUBTFUL = ("invalid", "review")
DECIDED = ("accepted", "corrected", "unreadable")
ACTION_STATUS = {"accept": "accepted", "correct": "corrected", "unreadable": "unreadable"}

# reasons the cross-field rules of extractor.validate write (re-checked on the reviewed document)
_OLD_RULE_RX = (r"^(合计 \S+ differs from the sum of the rows|增幅 \S+% does not match|a share must lie between"
                r"|a count cannot be negative)")
RULE_RX = re.compile(_OLD_RULE_RX + "|" + rule_reason().pattern)
NOT_FOUND_RX = re.compile(r"not found|not on the supplied pages|section heading not found")
CATEGORY_RANK = {"rule": 0, "type": 1, "ocr": 2, "unit": 3, "label": 4, "other": 5, "not found": 9}
STATUS_RANK = {"error": 0, "invalid": 1, "review": 2, "accepted": 7, "corrected": 7, "unreadable": 7}


class ReviewError(ValueError):
    """A decision refused (bad value, unknown item, …): the message is shown to the reviewer."""

    def __init__(self, message: str, status: int = 400, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.extra = extra


def is_result_json(p: Path) -> bool:
    return p.suffix == ".json" and not p.name.endswith(REVIEWED_SUFFIX) and p.name != "review-state.json"


def reviewed_path(json_path: Path) -> Path:
    return json_path.with_name(json_path.name[: -len(".json")] + REVIEWED_SUFFIX)


def load_preferring_reviewed_with_packages(paths: list[Path]) -> list[tuple[str, Result]]:
    """As :func:`load_preferring_reviewed`, each with its package: the first folder of the JSON's path under
    the folder given (a batch writes ``OUTDIR/<package>/…``), ``""`` for a result at the top or a file given."""
    out: list[tuple[str, Result]] = []
    for p in paths:
        p = Path(p)
        for res, f in _preferring_reviewed(p):
            rel = f.relative_to(p).parts if p.is_dir() else ()
            out.append((rel[0] if len(rel) > 1 else "", res))
    return out


def _preferring_reviewed(p: Path) -> list[tuple[Result, Path]]:
    files = sorted(x for x in p.rglob("*.json") if is_result_json(x)) if p.is_dir() else [p]
    out = []
    for f in files:
        res = read_if_result(f)
        if res is None:
            continue
        r = reviewed_path(f)
        rev = read_if_result(r) if r.is_file() else None
        # a reviewed copy counts only for the very source it was made from: a re-extracted new version of the
        # applicant's file (another hash) must not come out with the old version's decisions
        out.append((rev if rev is not None and rev.source.sha256 == res.source.sha256 else res, f))
    return out


def load_preferring_reviewed(paths: list[Path]) -> list[Result]:
    """Results under ``paths`` (files or folders), each read from ``<name>.reviewed.json`` where a reviewer has
    produced one for the same source file (same sha256), else from the extraction's ``<name>.json``."""
    return [res for p in paths for res, _ in _preferring_reviewed(Path(p))]


def read_if_result(path: Path) -> Result | None:
    """The result in ``path``, or None for the other JSON files a batch writes beside them (package summaries,
    ``_batch/*.json``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or "schema_version" not in data or "source" not in data:
        return None
    return Result.model_validate(data)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------- values of a result by locator
def values(res: Result) -> Iterator[tuple[str, Value | Text, dict]]:
    """Every value of a result: (locator, value, labels) where labels = table/row/column/period/kind/type."""
    for i, f in enumerate(res.fields):
        yield f"f:{i}", f, {"table": f.table, "row_label": f.row_label, "column_label": f.column_label,
                            "period": f.period, "kind": "field", "type": f.type}
    for ti, t in enumerate(res.tables):
        for r in t.rows:
            for col, v in r.cells.items():
                ys = years(col)
                yield f"c:{ti}:{r.row_index}:{col}", v, {
                    "table": t.table, "row_label": f"第{r.row_index}行", "column_label": col,
                    "period": ys[-1] if ys else None, "kind": "cell", "type": None, "list_id": t.id,
                    "row_index": r.row_index}
    for i, x in enumerate(res.texts):
        yield f"x:{i}", x, {"table": x.table, "row_label": x.row_label, "column_label": x.column_label,
                            "period": None, "kind": "text", "type": "narrative"}


def value_at(res: Result, loc: str) -> Value | Text:
    kind, _, rest = loc.partition(":")
    if kind == "f":
        return res.fields[int(rest)]
    if kind == "x":
        return res.texts[int(rest)]
    if kind == "c":
        ti, ri, col = rest.split(":", 2)
        row = next(r for r in res.tables[int(ti)].rows if r.row_index == int(ri))
        return row.cells[col]
    raise KeyError(loc)


def display(v: Value | Text) -> Any:
    return v.text if isinstance(v, Text) else v.value


def category(v: Value | Text) -> str:
    rs = v.reasons
    raw = v.text if isinstance(v, Text) else v.raw
    if any(RULE_RX.match(r) or "several options ticked" in r or "over the limit" in r for r in rs):
        return "rule"
    if raw is None and any(NOT_FOUND_RX.search(r) for r in rs):
        return "not found"
    if v.status == "invalid":
        return "type"
    if any(r.startswith("OCR") for r in rs):
        return "ocr"
    if any(r.startswith("unit ") for r in rs):
        return "unit"
    if any(r.startswith("label matched") for r in rs):
        return "label"
    return "other"


# ---------------------------------------------------------------- re-running the rules on a reviewed document
def recheck(res: Result) -> None:
    """Run the document's rules again on ``res`` (in place), with reviewers' decisions applied.

    Rule failures written by the extraction are removed first (a value that was invalid only because of them
    goes back to review/ok), then every rule of the template's map and the catalogue runs on the current values
    (:func:`extractor.validate.recheck`). Decided values (accepted/corrected) take part as ``ok``; a rule failing
    on one keeps the reviewer's status and adds the reason. A result whose template has no map installed any
    more is left as it is.
    """
    from ...errors import MapError
    from ...maps import get_map, load_catalogue
    from ...validate import recheck as rules_recheck

    every = [v for _, v, _ in values(res) if not isinstance(v, Text)]
    for v in every:
        if any(RULE_RX.match(r) for r in v.reasons):
            v.reasons = [r for r in v.reasons if not RULE_RX.match(r)]
            if v.status == "invalid":
                v.status = "review" if v.reasons or v.confidence < 0.9 else "ok"
    real = {id(v): v.status for v in every if v.status in DECIDED}
    for v in every:
        if v.status in DECIDED:
            v.status = "missing" if v.status == "unreadable" else "ok"
    try:
        try:
            table_map = get_map(res.template.id) if res.template else None
        except MapError:
            table_map = None  # a map no longer installed: the result is shown as it is, without re-checking
        if table_map is not None:
            rules_recheck(res, table_map, load_catalogue())
    finally:
        for v in every:
            if id(v) in real:
                v.status = real[id(v)]
    for t in res.tables:
        st = {c.status for r in t.rows for c in r.cells.values()}
        t.status = ("review" if t.reasons else "invalid" if "invalid" in st else "review" if "review" in st
                    else "ok" if t.rows else "missing")


def summarise(res: Result) -> None:
    if res.summary is None:
        return
    c = {k: sum(1 for f in res.fields if f.status == k) for k in ("ok", "review", "invalid", "missing")}
    everything = [v for _, v, _ in values(res)]  # decisions are counted over every value (cells, texts too)
    dec = {k: sum(1 for v in everything if v.status == k) for k in DECIDED}
    res.summary = Summary(fields=len(res.fields), **c, **dec)
    doubtful = c["review"] + c["invalid"] + sum(1 for t in res.texts if t.status in DOUBTFUL) \
        + sum(1 for t in res.tables if t.status in DOUBTFUL) \
        + sum(1 for f in res.fields if f.status == "missing" and "required field is empty" in f.reasons)
    if res.status in ("ok", "review"):
        res.status = "review" if doubtful or res.warnings else "ok"


# ---------------------------------------------------------------- documents and the decision store
@dataclass
class Doc:
    key: str  # "<outdir number>/<path of the JSON under OUTDIR>"
    outdir: Path
    json_path: Path
    rel: str
    original: Result
    current: Result = None  # type: ignore[assignment]  # decisions applied, rules re-run
    decisions: dict[str, dict] = field(default_factory=dict)  # locator -> effective decision row
    versions: dict[str, int] = field(default_factory=dict)  # locator -> id of the last row touching it
    labels: dict[str, dict] = field(default_factory=dict)  # locator -> labels (see values())

    @property
    def dbkey(self) -> str:
        """The document in the decision store: its path under OUTDIR and its source's hash, so that decisions
        made on one version of an applicant's file never apply to another version re-extracted to the same path."""
        return f"{self.rel}@{self.original.source.sha256[:16]}"

    @property
    def package(self) -> str:
        parent = str(Path(self.rel).parent)
        return "" if parent == "." else parent

    @property
    def template(self) -> str:
        return self.original.template.id if self.original.template else ""


def item_id(doc: Doc, loc: str) -> str:
    return hashlib.sha1(f"{doc.outdir.resolve()}\0{doc.dbkey}\0{loc}".encode()).hexdigest()[:16]


SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL, locator TEXT NOT NULL,
  action TEXT NOT NULL CHECK(action IN ('accept','correct','unreadable','undo')),
  raw TEXT, value TEXT, unit TEXT, empty INTEGER DEFAULT 0, reasons TEXT,
  reviewer TEXT NOT NULL, time TEXT NOT NULL, undoes INTEGER);
CREATE INDEX IF NOT EXISTS decisions_doc ON decisions(doc, locator);
"""


class Station:
    """All documents of one or more OUTDIRs with their review state."""

    def __init__(self, outdirs: list[Path]) -> None:
        self.outdirs = [Path(o).resolve() for o in outdirs]
        self.lock = threading.RLock()
        self.docs: dict[str, Doc] = {}
        for n, od in enumerate(self.outdirs):
            with self._db(od) as db:
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

    # -- SQLite
    @staticmethod
    def _db(outdir: Path) -> sqlite3.Connection:
        db = sqlite3.connect(outdir / DB_NAME, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.row_factory = sqlite3.Row
        return db

    def _rows(self, db: sqlite3.Connection, doc: Doc) -> list[sqlite3.Row]:
        return db.execute("SELECT * FROM decisions WHERE doc=? ORDER BY id", (doc.dbkey,)).fetchall()

    def _reload(self, doc: Doc, rows: list[sqlite3.Row] | None = None) -> None:
        if rows is None:
            with self._db(doc.outdir) as db:
                rows = self._rows(db, doc)
        undone = {r["undoes"] for r in rows if r["action"] == "undo"}
        doc.decisions, doc.versions = {}, {}
        for r in rows:
            doc.versions[r["locator"]] = r["id"]
            if r["action"] != "undo" and r["id"] not in undone:
                doc.decisions[r["locator"]] = dict(r)
        doc.current = apply(doc.original, doc.decisions)
        for loc in self._locators(doc):
            self.items[item_id(doc, loc)] = (doc, loc)

    def _locators(self, doc: Doc) -> list[str]:
        out = [loc for loc, _, _ in values(doc.original)]
        if any(_is_nf(v) for _, v, _ in values(doc.original)):
            out.append("nf")
        return out + [f"e:{i}" for i in range(len(doc.original.errors))]

    def refresh(self) -> None:
        """Pick up decisions written by another server on the same OUTDIR."""
        with self.lock:
            for d in self.docs.values():
                self._reload(d)

    # -- the queue
    def queue(self) -> list[dict]:
        with self.lock:
            out: list[dict] = []
            for d in self.docs.values():
                out += self._doc_items(d)
        out.sort(key=lambda i: (i["decided"] is not None, STATUS_RANK.get(i["status"], 5),
                                CATEGORY_RANK.get(i["category"], 5), i["confidence"], i["doc"], i["order"]))
        return out

    def _doc_items(self, d: Doc) -> list[dict]:
        out = []
        for i, e in enumerate(d.original.errors):
            out.append(self._base(d, f"e:{i}") | {
                "table": f"[{e.stage}]", "row_label": "", "column_label": None, "where": f"[{e.stage}] {e.code}",
                "status": "error", "category": "error", "reasons": [e.message], "raw": None, "value": None,
                "unit": None, "confidence": 0.0, "page": None, "has_box": False, "decided": None, "order": -1})
        nf = []
        for n, (loc, v, lab) in enumerate(values(d.original)):
            if loc not in d.decisions and value_at(d.current, loc).status not in DOUBTFUL:
                continue  # not doubtful on the reviewed document (a rule passes again), or never was
            if _is_nf(v):
                nf.append((loc, v, lab))
                continue
            out.append(self._describe(d, loc, n))
        if nf:
            decided = [d.decisions.get(loc) for loc, _, _ in nf]
            tables = sorted({lab["table"] for _, _, lab in nf})
            out.append(self._base(d, "nf") | {
                "table": "; ".join(tables)[:200], "row_label": f"{len(nf)} place(s)", "column_label": None,
                "where": f"{len(nf)} place(s) not found on the supplied pages", "status": "review",
                "category": "not found", "reasons": sorted({r for _, v, _ in nf for r in v.reasons})[:50],
                "raw": None, "value": None, "unit": None, "confidence": 0.0, "page": None, "has_box": False,
                "decided": decided[0]["action"] if decided and all(decided) else None, "order": 10**6,
                "count": len(nf), "tables": tables})
        return out

    def _base(self, d: Doc, loc: str) -> dict:
        return {"item_id": item_id(d, loc), "doc": d.key, "package": d.package, "file": d.original.source.name,
                "template": d.template, "locator": loc, "version": d.versions.get(loc, 0), "count": 1}

    def _describe(self, d: Doc, loc: str, order: int = 0) -> dict:
        orig = value_at(d.original, loc)
        cur = value_at(d.current, loc)
        lab = d.labels[loc]
        dec = d.decisions.get(loc)
        row = lab["row_label"] or ("合计" if orig.id.endswith("_total") else "")
        where = " / ".join(str(x) for x in (lab["table"], row, lab["column_label"]) if x)
        return self._base(d, loc) | {
            "table": lab["table"], "row_label": lab["row_label"], "column_label": lab["column_label"],
            "period": lab["period"], "where": where, "status": cur.status, "old_status": orig.status,
            "category": category(cur if cur.status in DOUBTFUL else orig),
            "reasons": list(cur.reasons), "raw": orig.raw if isinstance(orig, Value) else None,
            "value": display(cur), "old_value": display(orig),
            "unit": cur.unit if isinstance(cur, Value) else None, "confidence": cur.confidence,
            "page": cur.page, "bbox": cur.bbox if isinstance(cur, Value) else None,
            "has_box": isinstance(cur, Value) and bool(cur.bbox) and cur.page is not None,
            "decided": dec["action"] if dec else None, "reviewer": dec["reviewer"] if dec else None,
            "order": order, "type": field_type(d, loc)}

    def item(self, iid: str) -> dict:
        with self.lock:
            d, loc = self._find(iid)
            if loc == "nf" or loc.startswith("e:"):
                it = next(i for i in self._doc_items(d) if i["locator"] == loc)
                if loc == "nf":
                    it["places"] = [{"where": " / ".join(str(x) for x in (lab["table"], lab["row_label"],
                                                                           lab["column_label"]) if x),
                                     "reasons": v.reasons} for _, v, lab in values(d.current) if _is_nf(v)]
                return it
            it = self._describe(d, loc)
            it["related"] = related(d, loc)
            it["doc_status"] = d.current.status
            it["source_format"] = d.original.source.format
            return it

    def _find(self, iid: str) -> tuple[Doc, str]:
        got = self.items.get(iid)
        if got is None:
            raise ReviewError(f"no item {iid!r}", 404)
        return got

    # -- decisions
    def decide(self, iid: str, action: str, value: Any = None, reviewer: str = "reviewer",
               version: int | None = None) -> dict:
        if action not in ACTION_STATUS:
            raise ReviewError(f"unknown action {action!r}: accept, correct or unreadable")
        reviewer = (reviewer or "reviewer").strip()[:80] or "reviewer"
        with self.lock:
            d, loc = self._find(iid)
            if loc.startswith("e:"):
                raise ReviewError("a document error has no value to decide: re-extract the file")
            locs = [lc for lc, v, _ in values(d.original) if _is_nf(v)] if loc == "nf" else [loc]
            if loc == "nf" and action == "correct":
                raise ReviewError("places not found cannot be corrected as a group: open the document view")
            rec: dict[str, Any] = {"raw": None, "value": None, "unit": None, "empty": 0, "reasons": None}
            if action == "correct":
                rec = self._parse_correction(d, loc, value)
            with self._transaction(d) as db:
                rows = self._rows(db, d)
                seen = max((r["id"] for r in rows if r["locator"] == loc), default=0)
                if version is not None and int(version) != seen:
                    raise ReviewError("another reviewer decided this item meanwhile: reload it", 409, version=seen)
                t = now()
                ids = []
                for lc in locs:
                    cur = db.execute(
                        "INSERT INTO decisions(doc, locator, action, raw, value, unit, empty, reasons, reviewer, time)"
                        " VALUES(?,?,?,?,?,?,?,?,?,?)",
                        (d.dbkey, lc, action, rec["raw"], json.dumps(rec["value"], ensure_ascii=False), rec["unit"],
                         rec["empty"], json.dumps(rec["reasons"], ensure_ascii=False), reviewer, t))
                    ids.append(cur.lastrowid)
                if loc == "nf":  # the group's own version
                    db.execute("INSERT INTO decisions(doc, locator, action, reviewer, time, undoes)"
                               " VALUES(?,?,?,?,?,NULL)", (d.dbkey, "nf", action, reviewer, t))
                self._apply(db, d, locs, action, reviewer, t)
            return self.item(iid)

    @contextmanager
    def _transaction(self, d: "Doc"):  # noqa: ANN202
        """One write transaction on OUTDIR's review database; on any failure rolled back and ``d`` reloaded."""
        db = self._db(d.outdir)
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

    def _apply(self, db: sqlite3.Connection, d: "Doc", locs: list[str], action: str, reviewer: str, t: str) -> None:
        """After the decisions are inserted: reload ``d`` from the database, log them, write the reviewed JSON."""
        before = d.current
        self._reload(d, self._rows(db, d))
        self._log(d, before, locs, action, reviewer, t)
        self._write_reviewed(d)

    def undo(self, reviewer: str = "reviewer", iid: str | None = None) -> dict:
        """Undo ``reviewer``'s last decision still in force (on item ``iid`` if given)."""
        reviewer = (reviewer or "reviewer").strip()[:80] or "reviewer"
        with self.lock:
            best: tuple[int, Doc, str] | None = None
            targets = [self._find(iid)] if iid else None
            for d in self.docs.values():
                for lc, r in d.decisions.items():
                    if r["reviewer"] != reviewer or targets and (d, lc) != targets[0] and not \
                            (targets[0][1] == "nf" and _is_nf(value_at(d.original, lc)) and d is targets[0][0]):
                        continue
                    if best is None or r["id"] > best[0]:
                        best = (r["id"], d, lc)
            if best is None:
                raise ReviewError("nothing of yours to undo", 409)
            _, d, lc = best
            t0 = d.decisions[lc]["time"]
            # a group decision (places not found) is undone as a whole
            same = [x for x, r in d.decisions.items() if r["time"] == t0 and r["reviewer"] == reviewer
                    and r["action"] == d.decisions[lc]["action"]] if _is_nf(value_at(d.original, lc)) else [lc]
            with self._transaction(d) as db:
                t = now()
                for x in same:
                    db.execute("INSERT INTO decisions(doc, locator, action, reviewer, time, undoes) VALUES(?,?,?,?,?,?)",
                               (d.dbkey, x, "undo", reviewer, t, d.decisions[x]["id"]))
                if len(same) > 1 or _is_nf(value_at(d.original, lc)):
                    db.execute("INSERT INTO decisions(doc, locator, action, reviewer, time, undoes) VALUES(?,?,?,?,?,NULL)",
                               (d.dbkey, "nf", "undo", reviewer, t))
                self._apply(db, d, same, "undo", reviewer, t)
            loc = "nf" if len(same) > 1 or _is_nf(value_at(d.original, lc)) else lc
            return self.item(item_id(d, loc))

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

    def _log(self, d: Doc, before: Result, locs: list[str], action: str, reviewer: str, t: str) -> None:
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
        with (d.outdir / LOG_NAME).open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def _write_reviewed(self, d: Doc) -> None:
        p = reviewed_path(d.json_path)
        tmp = p.with_name(p.name + f".{os.getpid()}.tmp")
        tmp.write_text(d.current.model_dump_json(indent=1), encoding="utf-8")
        os.replace(tmp, p)

    # -- documents
    def document(self, key: str) -> dict:
        with self.lock:
            d = self.docs.get(key)
            if d is None:
                raise ReviewError(f"no document {key!r}", 404)
            vals = []
            for loc, v, lab in values(d.current):
                vals.append({"item_id": item_id(d, loc), "locator": loc, "id": v.id, **lab, "status": v.status,
                             "raw": v.raw if isinstance(v, Value) else None, "value": display(v),
                             "unit": v.unit if isinstance(v, Value) else None, "confidence": v.confidence,
                             "reasons": v.reasons, "page": v.page,
                             "bbox": v.bbox if isinstance(v, Value) else None})
            s = d.current.source
            return {"doc": d.key, "file": s.name, "format": s.format, "pages": s.pages, "status": d.current.status,
                    "template": d.template, "package": d.package, "summary": d.current.summary.model_dump()
                    if d.current.summary else None, "warnings": d.current.warnings,
                    "has_images": s.format in ("pdf", "scan", "image"), "values": vals}


def _is_nf(v: Value | Text) -> bool:
    return v.status in DOUBTFUL and category(v) == "not found"


def field_type(d: Doc, loc: str) -> str:
    v = value_at(d.original, loc)
    if isinstance(v, FieldValue):
        return v.type
    if isinstance(v, Text):
        return "narrative"
    try:  # list cells carry no type: the catalogue's (read-only; maps are package data, no extraction)
        from ...maps import load_catalogue

        ind = load_catalogue().get(v.id)
        if ind is not None and getattr(ind, "type", None):
            return ind.type
    except Exception:  # noqa: BLE001 - fall back on the value itself
        pass
    if v.unit == "%":
        return "percent"
    if isinstance(v.value, bool) or v.value is None:
        return "text"
    if isinstance(v.value, int):
        return "integer"
    if isinstance(v.value, float):
        return "number"
    return "text"


def apply(original: Result, decisions: dict[str, dict]) -> Result:
    """``original`` with the decisions in force applied and the rules re-run (a new object)."""
    res = original.model_copy(deep=True)
    for loc, r in decisions.items():
        try:
            v = value_at(res, loc)
        except (KeyError, IndexError, StopIteration, ValueError):
            continue
        dec = ReviewDecision(action=r["action"], old_value=copy.deepcopy(display(v)),
                             old_raw=v.raw if isinstance(v, Value) else None, old_status=v.status,
                             reviewer=r["reviewer"], time=r["time"])
        v.review = dec
        v.status = ACTION_STATUS[r["action"]]
        if r["action"] == "correct":
            new = json.loads(r["value"]) if r["value"] is not None else None
            if isinstance(v, Text):
                v.text = new
                v.chars = len(re.sub(r"\s", "", new or ""))
            else:
                v.raw, v.value, v.unit, v.empty = r["raw"], new, r["unit"], bool(r["empty"])
            v.reasons = [f"corrected by {r['reviewer']}"] + (json.loads(r["reasons"]) if r["reasons"] else [])
            v.confidence = 1.0
        elif r["action"] == "accept":
            v.reasons = [f"accepted by {r['reviewer']}"] + [x for x in v.reasons if not RULE_RX.match(x)]
            v.confidence = 1.0
        else:
            if isinstance(v, Text):
                v.text = None
            else:
                v.value = None
            v.reasons = [f"unreadable on paper ({r['reviewer']})"] + v.reasons
            v.confidence = 0.0
    recheck(res)
    summarise(res)
    return res


def related(d: Doc, loc: str) -> list[dict]:
    """The other values a rule failure involves: the row's values (growth: the two years) and, for a 合计, the
    column's values in every row of its list."""
    res = d.current
    v = value_at(res, loc)
    lab = d.labels[loc]
    out = []

    def add(lc: str, why: str) -> None:
        if lc == loc:
            return
        x = value_at(res, lc)
        lb = d.labels[lc]
        out.append({"item_id": item_id(d, lc), "why": why, "table": lb["table"], "row_label": lb["row_label"],
                    "column_label": lb["column_label"], "id": x.id, "raw": x.raw if isinstance(x, Value) else None,
                    "value": display(x), "unit": x.unit if isinstance(x, Value) else None, "status": x.status})

    if lab["kind"] == "field":
        for lc, x, lb in values(res):
            if lb["kind"] == "field" and lb["table"] == lab["table"] and lb["row_label"] == lab["row_label"]:
                add(lc, "same row")
        list_ti = next((i for i, t in enumerate(res.tables) if t.table == lab["table"]), None)
        if list_ti is not None and v.id.endswith("_total"):
            t = res.tables[list_ti]
            for r in t.rows:
                if lab["column_label"] in r.cells:
                    add(f"c:{list_ti}:{r.row_index}:{lab['column_label']}", "summed into 合计")
    elif lab["kind"] == "cell":
        ti = int(loc.split(":")[1])
        t = res.tables[ti]
        row = next(r for r in t.rows if r.row_index == lab["row_index"])
        for col in row.cells:
            add(f"c:{ti}:{row.row_index}:{col}", "same row")
        for i, f in enumerate(res.fields):
            if f.table == t.table and f.id.endswith("_total") and f.column_label == lab["column_label"]:
                add(f"f:{i}", "合计 of this column")
    return out
