"""A result as reviewed: its values by locator, what kind of doubt each carries, and the reviewed document —
the extraction's result with reviewers' decisions applied, the cross-field rules run again and the summary
recounted.

A locator names one value of a result: ``f:<i>`` the i-th field, ``c:<table>:<row_index>:<column>`` a list's
cell, ``x:<i>`` the i-th narrative text. Pure functions of :class:`~extractor.contract.Result` objects (no
files, no database): :mod:`.store` reads the decisions, :mod:`.results` writes the reviewed JSON.
"""
from __future__ import annotations

import copy
import json
import re
from typing import Any, Iterator

from ...contract import Result, ReviewDecision, Summary, Text, Value
from ...rules import rule_reason
from ...text import years

DOUBTFUL = ("invalid", "review")
DECIDED = ("accepted", "corrected", "unreadable")
ACTION_STATUS = {"accept": "accepted", "correct": "corrected", "unreadable": "unreadable"}

# reasons the cross-field rules of extractor.validate write (re-checked on the reviewed document)
_OLD_RULE_RX = (r"^(合计 \S+ differs from the sum of the rows|增幅 \S+% does not match|a share must lie between"
                r"|a count cannot be negative)")
RULE_RX = re.compile(_OLD_RULE_RX + "|" + rule_reason().pattern)
NOT_FOUND_RX = re.compile(r"not found|not on the supplied pages|section heading not found")


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
    """The value of ``res`` at locator ``loc`` (the object itself, not a copy). Raises ``KeyError`` for an
    unknown kind of locator, ``IndexError`` / ``StopIteration`` / ``ValueError`` / ``KeyError`` for one that
    names no value of ``res``."""
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
    """What the reviewer sees as the value: a narrative's text, else the normalised value (None if empty)."""
    return v.text if isinstance(v, Text) else v.value


def category(v: Value | Text) -> str:
    """Why ``v`` is doubtful, from its status and reasons: ``rule`` (a cross-field rule or a choice's limit
    fails), ``not found``, ``type`` (invalid), ``ocr``, ``unit``, ``label`` or ``other``."""
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


def is_not_found(v: Value | Text) -> bool:
    """Whether ``v`` is a doubtful place not found on the pages: the queue shows all of a document's as one item
    (locator ``nf``), decided and undone as a group."""
    return v.status in DOUBTFUL and category(v) == "not found"


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
    """Recount ``res.summary`` (in place) after decisions: fields by status, and decisions over every value
    (fields, cells, texts); a result that was ``ok``/``review`` becomes ``review`` while anything is doubtful
    or warned about, else ``ok``. A result without a summary is left as it is."""
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


# ---------------------------------------------------------------- decisions applied
def apply(original: Result, decisions: dict[str, dict]) -> Result:
    """``original`` with the decisions in force applied and the rules re-run (a new object).

    ``decisions``: locator -> decision row (``action`` accept/correct/unreadable, ``reviewer``, ``time``; for a
    correction ``raw``, ``value`` and ``reasons`` as JSON text, ``unit``, ``empty``). A locator that names no
    value of ``original`` is skipped."""
    res = original.model_copy(deep=True)
    for loc, r in decisions.items():
        try:
            v = value_at(res, loc)
        except (KeyError, IndexError, StopIteration, ValueError):
            continue
        v.review = ReviewDecision(action=r["action"], old_value=copy.deepcopy(display(v)),
                                  old_raw=v.raw if isinstance(v, Value) else None, old_status=v.status,
                                  reviewer=r["reviewer"], time=r["time"])
        v.status = ACTION_STATUS[r["action"]]
        _apply_one(v, r)
    recheck(res)
    summarise(res)
    return res


def _apply_one(v: Value | Text, r: dict) -> None:
    """The decision row ``r`` on the value ``v`` (in place): its value, reasons and confidence."""
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
