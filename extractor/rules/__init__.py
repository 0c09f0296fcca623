"""Declarative cross-field rules of the layout maps (issue 13).

One module per rule kind, each a pydantic model with a ``check(facts)`` method, decorated with
``@registry.register``; a new kind is one module plus its import line below (the import registers it, and
:data:`Rule`, the type of a map's ``rules``, takes every registered kind: see
:class:`~extractor.rules.base.Registry`). Maps list their rules under ``rules:``; the catalogue's
``min`` / ``max`` / ``decimals`` / type ``integer`` add rules for every form (:func:`catalogue_rules`).
:func:`run` evaluates them on a document's values after normalisation (called by
:func:`extractor.validate.assemble`); :func:`check_result` runs them again on a :class:`Result` (e.g.
after a reviewer's correction). :func:`rule_reason` matches every reason a rule writes.
"""
from __future__ import annotations

import re
from typing import Annotated, Any

from . import (  # noqa: F401 - each import registers its kind
    chars,
    count_matches,
    date_order,
    decimals,
    growth,
    integer,
    part_of,
    range_,
    ratio,
    required,
    same_value,
    sum_,
)
from .base import Facts, RuleBase, registry, split_ref

Rule = Annotated[RuleBase, registry]
"""A rule of a map: validated as the one registered kind its ``kind:`` names."""


def catalogue_rules(catalogue: dict[str, Any]) -> list[RuleBase]:
    """Rules every form gets from the catalogue: ranges, whole non-negative counts, decimals."""
    key = id(catalogue)
    if key not in _CAT_RULES or _CAT_RULES[key][0] is not catalogue:
        _CAT_RULES[key] = (catalogue, _catalogue_rules(tuple(sorted(catalogue.items()))))
    return list(_CAT_RULES[key][1])


_CAT_RULES: dict[int, tuple[dict, tuple[RuleBase, ...]]] = {}


def _catalogue_rules(items: tuple) -> tuple[RuleBase, ...]:
    out: list[RuleBase] = []
    ranges: dict[tuple, list[str]] = {}
    ints: list[str] = []
    decs: dict[int, list[str]] = {}
    for iid, ind in items:
        if ind.min is not None or ind.max is not None:
            ranges.setdefault((ind.min, ind.max), []).append(iid)
        if ind.type == "integer":
            ints.append(iid)
        if ind.decimals is not None:
            decs.setdefault(ind.decimals, []).append(iid)
    for (lo, hi), ids in ranges.items():
        out.append(range_.RangeRule(ids=ids, min=lo, max=hi, source="catalogue"))
    if ints:
        out.append(integer.IntegerRule(ids=ints, source="catalogue: type integer"))
    for places, ids in decs.items():
        out.append(decimals.DecimalsRule(places=places, ids=ids, source="catalogue"))
    return tuple(out)


def run(facts: Facts, rules: list[RuleBase]) -> None:
    """Evaluate ``rules`` (in order) on ``facts``; failures are written into the values."""
    for r in rules:
        r.check(facts)


def check_result(res: Any, table_map: Any, catalogue: dict[str, Any], vocab: Any) -> None:
    """Run the map's and the catalogue's rules on a finished :class:`~extractor.contract.Result` (in place)."""
    edition = res.template.edition_year if res.template else table_map.edition_year
    facts = Facts(res.fields, res.tables, res.texts, table_map, catalogue, vocab, edition)
    run(facts, [*table_map.rules, *catalogue_rules(catalogue)])


def rule_reason(vocab: Any = None) -> "re.Pattern[str]":
    """A pattern matching every reason a rule (or the narrative check) writes — strip those before running the
    rules again on a result (e.g. the review station after a correction). ``vocab``: default the bundled one."""
    if vocab is None:
        from ..maps import bundled_vocabulary

        vocab = bundled_vocabulary()
    words = "|".join(re.escape(w) for w in sorted(set(vocab.rule_words.values()), key=len, reverse=True))
    return re.compile(rf"^(?:(?:{words})[ :]|a share must lie between|a count cannot be negative|narrative figure )")


def problems(table_map: Any, catalogue: dict[str, Any] | None = None) -> list[str]:
    """Map errors of the rules: unknown IDs, periods the IDs are never read with, unknown lists or headings."""
    from ..maps import periods_of

    out: list[str] = []
    known_periods = periods_of(table_map)
    list_ids = {s.id for s in table_map.sections if getattr(s, "layout", "") == "list"}
    tables = {s.table for s in table_map.sections}
    claimed = set(table_map.field_ids())
    for i, r in enumerate(table_map.rules):
        where = f"rule {i + 1} ({r.kind})"
        for ref in r.refs():
            try:
                fid, p = split_ref(ref)
            except ValueError as e:
                out.append(f"{where}: {e}")
                continue
            if catalogue is not None and fid not in catalogue:
                out.append(f"{where}: unknown indicator {fid!r}")
            elif fid not in claimed:
                out.append(f"{where}: indicator {fid!r} is not read by this map")
            elif p is not None:
                want = _period_key(p, table_map.edition_year)
                if want not in known_periods.get(fid, set()):
                    have = sorted(str(x) for x in known_periods.get(fid, set()))
                    out.append(f"{where}: {fid} is never read for period {p} (read for: {', '.join(have) or 'no period'})")
        for lid in r.lists():
            if lid not in list_ids:
                out.append(f"{where}: unknown list {lid!r}")
        for t in r.tables():
            if t not in tables:
                out.append(f"{where}: no section with the heading {t!r}")
    return out


def _period_key(p: str, edition: int) -> int:
    m = re.fullmatch(r"edition([+-]\d+)?", p)
    return edition + int(m.group(1) or 0) if m else int(p)
