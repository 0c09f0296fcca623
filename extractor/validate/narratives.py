"""Narratives checked against the tables (issue 13, item 4).

Figures in a narrative (amounts with a unit word, percentages, counts with a measure word, years) are
found with spaCy: ``spacy.blank("zh")`` (no downloaded model) and an EntityRuler whose token patterns are
built from the vocabulary's unit words (``table_maps/vocabulary.yaml``). Each figure is linked to the
indicator its own clause names (the catalogue's label and ``synonyms``, the row labels the document
prints) and, where the clause or sentence names a year, to that period. A figure whose unit converts to
the indicator's and which matches none of the values the tables report for it (within rounding) makes the
narrative ``review``, with both numbers and the figure's character offset in the reason; every linked
figure is listed in the Text's ``mentions``.

Conservative by design: a figure marked as rounded ("约", "超过", "左右" …), a figure in another
dimension than its indicator (a growth rate after an amount), a clause naming no indicator, or a figure
whose sentence names no year while the tables report the indicator for several years (and it matches none
of them) is not compared.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..contract import Mention

NARRATIVE_REL_TOL = 0.005  # a prose figure may round its value by 0.5 % (amounts, percentages; counts are exact)
COUNT_DIMENSIONS = ("count", "people")


@dataclass
class Figure:
    start: int
    end: int
    text: str
    value: float
    unit: str
    dimension: str
    decimals: int
    label: str  # spaCy entity label: MONEY PERCENT COUNT QUANTITY


def _width_fold(s: str) -> str:
    """Full-width ASCII (digits, ％, ．) to ASCII, one character for one (offsets stay valid)."""
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in s)


_PIPELINES: dict[tuple[str, ...], Any] = {}


def _pipeline(vocab: Any) -> Any:
    key = tuple(u.unit for u in vocab.units)
    if key not in _PIPELINES:
        _PIPELINES[key] = _build(vocab)
    return _PIPELINES[key]


def _build(vocab: Any) -> Any:
    import spacy

    nlp = spacy.blank("zh")  # character segmentation: no model to download
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    digit = {"TEXT": {"REGEX": r"^[0-9]$"}, "OP": "+"}
    frac = [{"TEXT": "."}, {"TEXT": {"REGEX": r"^[0-9]$"}, "OP": "+"}]
    groups = [{"TEXT": ","}, {"TEXT": {"REGEX": r"^[0-9]$"}, "OP": "+"}]
    pats = []
    for u in vocab.units:
        label = {"pct": "PERCENT", "cny": "MONEY", "usd": "MONEY"}.get(u.dimension,
                                                                       "COUNT" if u.dimension in COUNT_DIMENSIONS else "QUANTITY")
        tail = [{"TEXT": ch} for ch in u.unit]
        for body in ([digit], [digit, *frac], [digit, *groups], [digit, *groups, *frac]):
            pats.append({"label": label, "pattern": [*body, *tail], "id": u.unit})
    ruler.add_patterns(pats)
    return nlp


def figures(text: str, vocab: Any) -> list[Figure]:
    """Every figure with a unit word in ``text``, with character offsets into ``text``."""
    units = {u.unit: u for u in vocab.units}
    folded = _width_fold(text)
    nlp = _pipeline(vocab)
    out = []
    for ent in nlp(folded).ents:
        s = ent.text
        unit = max((u for u in units if s.endswith(u)), key=len, default=None)
        if unit is None:
            continue
        digits = s[: -len(unit)].replace(",", "")
        if ent.start_char > 0 and re.match(r"[0-9.]", folded[ent.start_char - 1]):
            continue  # part of a longer number (a pattern started mid-way)
        try:
            value = float(digits)
        except ValueError:
            continue
        dec = len(digits.split(".")[1]) if "." in digits else 0
        out.append(Figure(ent.start_char, ent.end_char, text[ent.start_char:ent.end_char], value, unit,
                          units[unit].dimension, dec, ent.label_))
    return out


def _approx(text: str, f: Figure, vocab: Any) -> bool:
    before = text[max(0, f.start - 4): f.start]
    after = text[f.end: f.end + 3]
    inner = text[f.start: f.end]
    return any(before.endswith(w) for w in vocab.approx_before) or any(after.startswith(w) for w in vocab.approx_after) \
        or any(w in inner for w in vocab.approx_after if w in ("多", "余"))


def _names(facts: Any) -> list[tuple[str, str]]:
    """(name as it may be written, indicator ID) for every numeric indicator the document reports."""
    from ..text import canon

    out: dict[str, str] = {}
    for f in facts.fields:
        if not isinstance(f.value, (int, float)) or isinstance(f.value, bool):
            continue
        ind = facts.catalogue.get(f.id)
        cands = [f.row_label.split("/")[-1]] + ([ind.label, *ind.synonyms] if ind else [])
        for c in cands:
            for v in (re.sub(r"[（(][^）)]*[)）]", "", c), re.sub(r"[（()）]", "", c)):
                v = canon(v)
                if len(v) >= 3 and v not in out:
                    out[v] = f.id
    return sorted(out.items(), key=lambda x: -len(x[0]))


def _convert(f: Figure, unit: str | None, vtype: str, vocab: Any) -> float | None:
    units = {u.unit: u for u in vocab.units}
    if unit in units:
        if units[unit].dimension != f.dimension:
            return None
        return f.value * units[f.unit].factor / units[unit].factor
    if unit is None and vtype == "integer" and f.dimension == "count":
        return f.value
    return None


def _agrees(fig: float, f: Figure, table: float) -> bool:
    half_digit = 0.5 * 10 ** (-f.decimals)
    if f.dimension in COUNT_DIMENSIONS:
        return abs(fig - table) <= 1e-9 + (half_digit if f.decimals else 0)
    return abs(fig - table) <= max(half_digit, abs(table) * NARRATIVE_REL_TOL) + 1e-9


def check_text(t: Any, facts: Any, names: list[tuple[str, str]]) -> None:
    from ..rules.base import fmt
    from ..text import canon, years

    text = t.text or ""
    if not re.search(r"[0-9０-９]", text):
        return
    vocab = facts.vocab
    mentions: list[Mention] = []
    for f in figures(text, vocab):
        if _approx(text, f, vocab):
            continue
        cstart = max([text.rfind(b, 0, f.start) for b in vocab.clause_breaks] + [-1]) + 1
        clause = canon(text[cstart: f.start])
        sstart = max([text.rfind(b, 0, f.start) for b in ("。", "；", "\n")] + [-1]) + 1
        named = [(clause.rfind(n), n, i) for n, i in names if n in clause]
        if not named:
            continue
        _, name, fid = max(named, key=lambda x: (x[0] + len(x[1]), len(x[1])))
        ys = years(text[sstart: f.start])
        vals = [v for v in facts.by_id.get(fid, []) if isinstance(v.value, (int, float)) and not isinstance(v.value, bool)
                and v.status != "missing"]
        if ys:
            want = ys[-1]
            vals = [v for v in vals if v.period == want]
        if not vals:
            continue
        conv = [(v, _convert(f, v.unit, v.type, vocab)) for v in vals]
        conv = [(v, x) for v, x in conv if x is not None]
        if not conv:
            continue
        ok = any(_agrees(x, f, float(v.value)) for v, x in conv)
        if not ok and not ys and len({v.period for v, _ in conv}) > 1:
            continue  # no year named and the tables report several: the prose may speak of another year
        v0, x0 = conv[0]
        mentions.append(Mention(start=f.start, end=f.end, text=f.text, value=f.value, unit=f.unit, id=fid,
                                period=ys[-1] if ys else None, table_value=float(v0.value), table_unit=v0.unit,
                                agrees=ok))
        if not ok:
            shown = ", ".join(f"{fmt(float(v.value))}{v.unit or ''}" + (f" ({v.period})" if v.period else "")
                              for v, _ in conv)
            reason = (f"narrative figure {f.text} at offset {f.start} ({name} → {fid}) contradicts the table: "
                      f"{shown} in {conv[0][0].table}")
            if reason not in t.reasons:
                t.reasons.append(reason)
            if t.status == "ok":
                t.status = "review"
    if mentions:
        t.mentions = mentions


def check_narratives(facts: Any) -> None:
    """Compare the figures of every narrative of a document with its tables (in place)."""
    texts = [t for t in facts.texts if t.text and re.search(r"[0-9０-９]", t.text)]
    if not texts:
        return
    names = _names(facts)
    for t in texts:
        check_text(t, facts, names)
