"""What the reviewer sees of one document: :class:`Doc` (a result with its decisions in force), the queue's items
(JSON-ready dicts), an item's details with the values a rule failure involves, and the document view.

Besides the value locators of :mod:`.reviewed`, an item may be ``nf`` (all of a document's places not found,
as one group) or ``e:<i>`` (the i-th error of the result). Functions of a :class:`Doc` only: no files, no
database, no locking (:class:`.store.Station` holds the lock while calling them).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ...contract import FieldValue, Result, Text, Value
from .reviewed import DOUBTFUL, category, display, is_not_found, value_at, values


@dataclass
class Doc:
    """One result under an OUTDIR and its review state (filled by :class:`.store.Station`)."""

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
        """The folder of the result under OUTDIR (``""`` at the top)."""
        parent = str(Path(self.rel).parent)
        return "" if parent == "." else parent

    @property
    def template(self) -> str:
        """The template id the extraction identified (``""`` if none)."""
        return self.original.template.id if self.original.template else ""


def item_id(doc: Doc, loc: str) -> str:
    """The item's id in the API: 16 hex digits from the OUTDIR, the document (:attr:`Doc.dbkey`) and the locator."""
    return hashlib.sha1(f"{doc.outdir.resolve()}\0{doc.dbkey}\0{loc}".encode()).hexdigest()[:16]


def locators(doc: Doc) -> list[str]:
    """Every item of ``doc``, doubtful or not: its values' locators, ``nf`` if any place was not found, one
    ``e:<i>`` per error."""
    out = [loc for loc, _, _ in values(doc.original)]
    if any(is_not_found(v) for _, v, _ in values(doc.original)):
        out.append("nf")
    return out + [f"e:{i}" for i in range(len(doc.original.errors))]


# ---------------------------------------------------------------- the queue's items
def doc_items(d: Doc) -> list[dict]:
    """The queue's items of ``d``: one per error, one per value doubtful on the extraction or the reviewed
    document (or decided), and one for all places not found (``count`` = how many)."""
    out = []
    for i, e in enumerate(d.original.errors):
        out.append(_base(d, f"e:{i}") | {
            "table": f"[{e.stage}]", "row_label": "", "column_label": None, "where": f"[{e.stage}] {e.code}",
            "status": "error", "category": "error", "reasons": [e.message], "raw": None, "value": None,
            "unit": None, "confidence": 0.0, "page": None, "has_box": False, "decided": None, "order": -1})
    nf = []
    for n, (loc, v, lab) in enumerate(values(d.original)):
        if loc not in d.decisions and value_at(d.current, loc).status not in DOUBTFUL:
            continue  # not doubtful on the reviewed document (a rule passes again), or never was
        if is_not_found(v):
            nf.append((loc, v, lab))
            continue
        out.append(describe(d, loc, n))
    if nf:
        decided = [d.decisions.get(loc) for loc, _, _ in nf]
        tables = sorted({lab["table"] for _, _, lab in nf})
        out.append(_base(d, "nf") | {
            "table": "; ".join(tables)[:200], "row_label": f"{len(nf)} place(s)", "column_label": None,
            "where": f"{len(nf)} place(s) not found on the supplied pages", "status": "review",
            "category": "not found", "reasons": sorted({r for _, v, _ in nf for r in v.reasons})[:50],
            "raw": None, "value": None, "unit": None, "confidence": 0.0, "page": None, "has_box": False,
            "decided": decided[0]["action"] if decided and all(decided) else None, "order": 10**6,
            "count": len(nf), "tables": tables})
    return out


def _base(d: Doc, loc: str) -> dict:
    return {"item_id": item_id(d, loc), "doc": d.key, "package": d.package, "file": d.original.source.name,
            "template": d.template, "locator": loc, "version": d.versions.get(loc, 0), "count": 1}


def describe(d: Doc, loc: str, order: int = 0) -> dict:
    """The queue item of the value at ``loc``: where it is, its status and category, raw / value / unit before
    and after review, confidence, page and bbox (PDF points), the decision in force; ``order`` sorts a
    document's items."""
    orig = value_at(d.original, loc)
    cur = value_at(d.current, loc)
    lab = d.labels[loc]
    dec = d.decisions.get(loc)
    row = lab["row_label"] or ("合计" if orig.id.endswith("_total") else "")
    where = " / ".join(str(x) for x in (lab["table"], row, lab["column_label"]) if x)
    return _base(d, loc) | {
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


def item_detail(d: Doc, loc: str) -> dict:
    """The item at ``loc`` as the item view shows it: for a value its queue item with the ``related`` values,
    ``doc_status`` and ``source_format``; for ``nf`` the group's item with its ``places``; for ``e:<i>`` the
    error's item. Raises ``StopIteration`` for an ``nf`` / ``e:<i>`` that is not in the queue."""
    if loc == "nf" or loc.startswith("e:"):
        it = next(i for i in doc_items(d) if i["locator"] == loc)
        if loc == "nf":
            it["places"] = [{"where": " / ".join(str(x) for x in (lab["table"], lab["row_label"],
                                                                   lab["column_label"]) if x),
                             "reasons": v.reasons} for _, v, lab in values(d.current) if is_not_found(v)]
        return it
    it = describe(d, loc)
    it["related"] = related(d, loc)
    it["doc_status"] = d.current.status
    it["source_format"] = d.original.source.format
    return it


def document_view(d: Doc) -> dict:
    """The document view of ``d``: its source (file, format, pages), status, template, package, summary,
    warnings, whether it has page images, and every value of the reviewed document with its item id."""
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


# ---------------------------------------------------------------- a value's type and the values around it
def field_type(d: Doc, loc: str) -> str:
    """The value type a correction at ``loc`` is parsed as: a field's own type, ``narrative`` for a text, for a
    list's cell the catalogue's type, else guessed from the extracted value (percent, integer, number, text)."""
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
