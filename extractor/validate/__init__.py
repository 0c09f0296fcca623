"""Hits → typed values with confidence and status; cross-field rules.

Status: ``missing`` (the place is there and empty), ``invalid`` (a value that breaks a
type or a rule), ``review`` (we are not sure: repaired or converted value, place not found, low
confidence), else ``ok``. Only ``ok`` is trusted unseen.

A fuzzy label (score below :data:`~extractor.thresholds.LABEL_SURE`) lowers the confidence by its score;
the value is ``review`` when the calibrated confidence falls below the ok threshold (a label matched at
0.96 on a scan whose cell is read at 1.0 stays ``ok``: on the measured corpora such values were right as
often as the calibration says, see README "Confidence"), and then the reason names the label score.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .calibration import calibrate, ok_threshold
from ..contract import FieldValue, ListTable, Row, Text, Value
from ..maps import bundled_vocabulary, load_maps, load_vocabulary, maps_dir_of
from ..maps.spec import Indicator, TableMap
from .normalize import Parsed, parse, parse_checks, unit_from_label
from ..records import Hit, ListHit, Mapped, TextHit
from ..text import limit_of, years
from ..thresholds import LABEL_SURE, SOURCE_OK

OK_CONFIDENCE = SOURCE_OK  # a source (OCR) score below this brings the source's notes into the reasons
OK_PROBABILITY = ok_threshold()  # least calibrated confidence of an ok value (models/calibration.yaml)
_VOCAB = bundled_vocabulary()
SHARE_WORDS = re.compile("|".join(re.escape(w) for w in _VOCAB.share_words))  # legacy checks (maps without rules)
CHANGE_WORDS = re.compile("|".join(re.escape(w) for w in _VOCAB.change_words))


@dataclass
class Context:
    catalogue: dict[str, Indicator]
    edition_year: int  # of the document (map edition + year shift)
    table_map: TableMap | None = None  # the document's map (found from the catalogue's folder when not given)
    recognised_pages: frozenset[int] = frozenset()  # pages read by OCR: a number among stray marks is offered there


def _period(p: int | str | None, hit: Hit, ctx: Context) -> int | None:
    if p is None:
        return None
    if isinstance(p, int):
        return p
    s = p.strip()
    m = re.fullmatch(r"edition([+-]\d+)?", s)
    if m:
        return ctx.edition_year + int(m.group(1) or 0)
    if s == "heading":
        ys = years(hit.table)
        return ys[0] if ys else None
    ys = years(s)
    return ys[0] if ys else None


def _type_unit(hit: Hit, ctx: Context) -> tuple[str, str | None]:
    ind = ctx.catalogue.get(hit.id)
    vtype = hit.vtype or (ind.type if ind else "text")
    if hit.kind == "check":
        vtype = "choices" if hit.multi else "choice"
    unit = hit.unit or unit_from_label(hit.row_label.split("/")[-1] if hit.row_label else "") \
        or unit_from_label(hit.column_label or "") or unit_from_label(hit.row_label or "") or (ind.unit if ind else None)
    if vtype == "percent":
        unit = "%"
    return vtype, unit


def _judge(hit: Hit, vtype: str, unit: str | None, recognised: frozenset[int] = frozenset()) -> tuple[Parsed, float, str]:
    """Parse and decide confidence and status for one hit (``recognised``: the pages read by OCR)."""
    src = hit.cell.confidence if hit.cell is not None else (hit.paragraph.confidence if hit.paragraph else 1.0)
    label = 1.0 if hit.label_score >= LABEL_SURE else hit.label_score
    if hit.raw is None:
        p = Parsed(missing=True)
        p.reasons = list(hit.reasons) or ["place not found"]
        # we could not see the place: that is doubt, not a known blank
        return p, 0.0, "review"
    if vtype in ("choice", "choices"):
        ch = parse_checks(hit.raw, hit.options)
        p = Parsed(reasons=list(ch.reasons), penalty=ch.confidence)
        if vtype == "choice":
            if len(ch.chosen) > 1:
                p.invalid = True
                p.reasons.append(f"several options ticked where one is expected: {ch.chosen}")
            p.value = ch.chosen[0] if ch.chosen else None
        else:
            p.value = ch.chosen
        p.missing = not ch.chosen and not ch.reasons  # nothing ticked, and nothing doubtful seen
    else:
        page = hit.cell.page if hit.cell is not None else (hit.paragraph.page if hit.paragraph else None)
        p = parse(hit.raw, vtype, unit, salvage=page in recognised)
    p.reasons = list(hit.reasons) + p.reasons
    if src < OK_CONFIDENCE and hit.cell is not None and not p.missing:
        p.reasons += [n for n in hit.cell.notes if n not in p.reasons]  # why the source is doubtful (OCR)
    conf = calibrate(round(max(0.0, min(1.0, src * label * p.penalty * hit.penalty)), 3))  # P(value is right)
    if p.missing:
        status = "missing"
    elif p.invalid:
        status = "invalid"
    elif conf < OK_PROBABILITY or p.reasons:
        status = "review"
        if label < LABEL_SURE:
            p.reasons.append(f"label matched at {hit.label_score:.2f}")
    else:
        status = "ok"
    if status == "review" and not p.reasons:
        p.reasons.append(f"low confidence {conf:.2f}")
    return p, conf, status


def _where(hit: Hit) -> tuple[int | None, list[float] | None]:
    if hit.cell is not None:
        return hit.cell.page, list(hit.cell.bbox) if hit.cell.bbox else None
    if hit.paragraph is not None:
        return hit.paragraph.page, list(hit.paragraph.bbox) if hit.paragraph.bbox else None
    return None, None


def field_value(hit: Hit, ctx: Context) -> FieldValue:
    vtype, unit = _type_unit(hit, ctx)
    p, conf, status = _judge(hit, vtype, unit, ctx.recognised_pages)
    if status == "missing" and hit.required:
        p.reasons.append("required field is empty")
    page, bbox = _where(hit)
    return FieldValue(
        id=hit.id, period=_period(hit.period, hit, ctx), table=hit.table, row_label=hit.row_label,
        column_label=hit.column_label, kind=hit.kind, type=vtype, raw=hit.raw, value=p.value,
        unit=p.unit if vtype not in ("choice", "choices") else None, confidence=conf, status=status,
        reasons=p.reasons, empty=p.empty, page=page, bbox=bbox,
    )


def cell_value(hit: Hit, ctx: Context) -> Value:
    vtype, unit = _type_unit(hit, ctx)
    p, conf, status = _judge(hit, vtype, unit, ctx.recognised_pages)
    page, bbox = _where(hit)
    return Value(id=hit.id, raw=hit.raw, value=p.value, unit=p.unit, confidence=conf, status=status,
                 reasons=p.reasons, empty=p.empty, page=page, bbox=bbox)


def text_value(t: TextHit | Hit, ctx: Context) -> Text:
    if isinstance(t, Hit):
        raw = t.raw
        text = raw.strip() if raw else None
        page, _ = _where(t)
        src = t.cell.confidence if t.cell is not None else (t.paragraph.confidence if t.paragraph else 1.0)
        th = TextHit(id=t.id, table=t.table, row_label=t.row_label, column_label=t.column_label,
                     heading=t.row_label, text=text or None, limit=limit_of(t.row_label), required=t.required,
                     page=page, score=t.label_score, reasons=list(t.reasons), source=src)
        if src < OK_CONFIDENCE and t.cell is not None:
            th.reasons += list(t.cell.notes)
        if raw is None:
            th.reasons = th.reasons or ["place not found"]
        t = th
    chars = len(re.sub(r"\s", "", t.text or ""))
    reasons = list(t.reasons)
    conf = calibrate(round((1.0 if t.score >= LABEL_SURE else t.score) * t.source, 3))  # source: OCR score (1.0: text)
    if not t.text:
        status = "review" if reasons else "missing"
        if t.required and status == "missing":
            reasons.append("required text is empty")
    elif t.limit and chars > t.limit:
        status = "invalid"
        reasons.append(f"{chars} characters, over the limit of {t.limit}")
    elif reasons or conf < OK_PROBABILITY:
        status = "review"
    else:
        status = "ok"
    return Text(id=t.id, table=t.table, row_label=t.row_label, column_label=t.column_label, heading=t.heading,
                text=t.text, chars=chars, limit=t.limit, confidence=conf, status=status, reasons=reasons, page=t.page)


def list_table(lh: ListHit, ctx: Context, legacy: bool = True) -> tuple[ListTable, list[FieldValue]]:
    rows = []
    pairs: list[tuple[Value, Hit]] = []
    for i, rec in enumerate(lh.rows, start=1):
        vals = [cell_value(h, ctx) for h in rec]
        pairs += zip(vals, rec)
        rows.append(Row(row_index=i, cells={h.column_label: v for h, v in zip(rec, vals)}))
    totals = [field_value(h, ctx) for h in lh.totals]
    pairs += zip(totals, lh.totals)
    if legacy:  # maps without declared rules: today's inferred 增幅 / 合计 checks
        check_growth(pairs)
        _check_totals(rows, [t for t, h in zip(totals, lh.totals) if h.role in ("value", "total")])
    t = ListTable(id=lh.id, table=lh.table, columns=lh.columns, rows=rows, status="ok", reasons=list(lh.reasons))
    list_status(t)
    return t, totals


def list_status(t: ListTable) -> None:
    """A list's status from its cells (``review`` when the list itself is doubtful)."""
    statuses = {c.status for r in t.rows for c in r.cells.values()}
    t.status = "review" if t.reasons else ("invalid" if "invalid" in statuses else
                                           "review" if "review" in statuses else "ok" if t.rows else "missing")


# ---------------------------------------------------------------- rules
def _num(v: Value | None) -> float | None:
    if v is None or v.status not in ("ok", "review") or isinstance(v.value, bool):
        return None
    return float(v.value) if isinstance(v.value, (int, float)) else None


def _fail(v: Value, reason: str) -> None:
    v.status = "invalid"
    v.reasons.append(reason)


def _check_totals(rows: list[Row], totals: list[FieldValue]) -> None:
    """A list's totals row = the sum of its rows (the forms' 合计 rows); kept for the review station —
    maps declare it as a ``sum`` rule with ``list:`` (:mod:`extractor.rules.sum_`)."""
    word = _VOCAB.rule_words.get("sum", "sum")
    for t in totals:
        tv = _num(t)
        if tv is None:
            continue
        vals = [_num(r.cells.get(t.column_label)) for r in rows]
        vals = [v for v in vals if v is not None]
        if not vals or len(vals) < len(rows):
            continue
        s = sum(vals)
        if abs(s - tv) > max(0.011, abs(tv) * 0.001):
            _fail(t, f"{word} {tv:g} differs from the sum of the rows {s:g}")


def check_growth(pairs: list[tuple[Value, Hit]]) -> None:
    """A growth cell must equal the change between the two latest years of the same row (grid rows, list rows,
    totals); kept for the review station — maps declare it as a ``growth`` rule (:mod:`extractor.rules.growth`)."""
    word = _VOCAB.rule_words.get("growth", "growth")
    groups: dict[tuple[str, str], list[tuple[Value, Hit]]] = {}
    for v, h in pairs:
        if h.group is not None:
            groups.setdefault((h.table, h.group), []).append((v, h))
    for members in groups.values():
        growth = [v for v, h in members if h.role == "growth"]
        by_id: dict[str, list[tuple[int, Value]]] = {}
        for v, h in members:
            if h.role in ("value", "total") and isinstance(h.period, int):
                by_id.setdefault(v.id, []).append((h.period, v))
        yearly = next((sorted(x, key=lambda p: p[0]) for x in by_id.values() if len({p for p, _ in x}) >= 2), None)
        if not growth or yearly is None:
            continue
        (y1, va), (y2, vb) = yearly[-2], yearly[-1]
        a, b = _num(va), _num(vb)
        for gf in growth:
            gv = _num(gf)
            if gv is None or a is None or b is None or a == 0:
                continue
            calc = (b - a) / a * 100
            if abs(calc - gv) > max(0.1, abs(calc) * 0.01):
                _fail(gf, f"{word} {gv:g}% does not match {y1}→{y2}: {calc:.2f}%")


def check_ranges(fields: list[FieldValue]) -> None:
    """A percentage whose label has a share word (vocabulary) lies in 0–100; kept for the review station and
    maps without rules — the catalogue's ``min`` / ``max`` replace it (:mod:`extractor.rules.range_`)."""
    for f in fields:
        v = _num(f)
        if v is None or f.unit != "%":
            continue
        label = f.row_label + (f.column_label or "")
        if SHARE_WORDS.search(label) and not CHANGE_WORDS.search(label) and not 0 <= v <= 100:
            _fail(f, f"a share must lie between 0 and 100%: {v:g}")


def check_counts(fields: list[FieldValue]) -> None:
    """A count is not negative; kept for the review station — catalogue type ``integer`` replaces it."""
    for f in fields:
        v = _num(f)
        if v is not None and f.type == "integer" and v < 0:
            _fail(f, f"a count cannot be negative: {v:g}")


def map_of(m: Mapped, ctx: Context) -> TableMap | None:
    """The document's map: ``ctx.table_map``, else the map of the catalogue's folder whose sections are the
    ones mapped (every section of a map yields its hits, found or not, so the headings identify it)."""
    if ctx.table_map is not None:
        return ctx.table_map
    d = maps_dir_of(ctx.catalogue)
    if d is None:
        return None
    heads = {h.table for h in m.hits} | {x.table for x in m.lists} | {x.table for x in m.texts}
    if not heads:
        return None
    scored = []
    for tm in load_maps(d):
        mine = {s.table for s in tm.sections}
        scored.append((len(heads & mine) / len(heads | mine), tm))
    scored.sort(key=lambda x: -x[0])
    if not scored or scored[0][0] < 0.5 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def assemble(m: Mapped, ctx: Context) -> tuple[list[FieldValue], list[ListTable], list[Text]]:
    """Values, lists and texts of a mapped document, with every cross-field rule applied.

    The rules are the map's ``rules`` plus the catalogue's (:mod:`extractor.rules`); a map that declares
    none gets today's inferred checks (:func:`check_growth`, :func:`_check_totals`, :func:`check_ranges`,
    :func:`check_counts`). Narrative figures are compared with the tables (:mod:`extractor.validate.narratives`).
    """
    from .. import rules

    tm = map_of(m, ctx)
    legacy = tm is None or not tm.rules
    scalar = [h for h in m.hits if h.kind != "narrative"]
    fields = [field_value(h, ctx) for h in scalar]
    if legacy:
        check_growth(list(zip(fields, scalar)))
        check_ranges(fields)
        check_counts(fields)
    tables: list[ListTable] = []
    for lh in m.lists:
        t, totals = list_table(lh, ctx, legacy=legacy)
        tables.append(t)
        fields += totals
    texts = [text_value(h, ctx) for h in m.hits if h.kind == "narrative"] + [text_value(t, ctx) for t in m.texts]
    if tm is not None:
        vocab = load_vocabulary(maps_dir_of(ctx.catalogue))
        facts = rules.Facts(fields, tables, texts, tm, ctx.catalogue, vocab, ctx.edition_year)
        rules.run(facts, [*(tm.rules if not legacy else []), *rules.catalogue_rules(ctx.catalogue)])
        for t in tables:
            list_status(t)
        from .narratives import check_narratives

        check_narratives(facts)
    return fields, tables, texts


def recheck(res: Any, table_map: TableMap, catalogue: dict[str, Indicator], vocab: Any = None) -> None:
    """Run every rule of ``table_map`` and the catalogue again on a finished result (in place) — the entry
    point for re-checking after a reviewer's correction (strip reasons matching
    :func:`extractor.rules.rule_reason` first)."""
    from .. import rules

    rules.check_result(res, table_map, catalogue, vocab or bundled_vocabulary())
    for t in res.tables:
        list_status(t)
