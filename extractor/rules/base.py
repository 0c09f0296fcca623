"""What every rule kind shares: the pydantic base, references to indicators, the facts a rule reads.

A rule of a layout map (``rules:`` in ``table_maps/<template>.yaml``) names the indicator IDs it ties
together. A reference is ``id`` (every period the document reports) or ``id@PERIOD`` where PERIOD is a
year of the map's edition (``2024``, shifted with the document like year labels), ``edition``,
``edition-1`` or ``edition+1``. Rules run after normalisation, on the values of the output contract
(:mod:`extractor.contract`), so they run the same on every rendering (Word, PDF, scan) and can run
again on a reviewed result.

A broken rule makes the values it names ``invalid`` with a reason that names the rule (by the form's
own word for it, from the vocabulary) and the numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Iterable, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler
from pydantic_core import CoreSchema

from ..contract import FieldValue, ListTable, Text, Value

DECIDED = ("accepted", "corrected")  # a reviewer's decision keeps its status; the reason is still added


class RuleBase(BaseModel):
    """Fields every rule has."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str
    source: str | None = Field(None, description="the form's words this rule comes from (e.g. 填报说明 2: 保留小数点后2位)")
    name: str | None = Field(None, description="how reasons name the rule (default: the vocabulary's rule word)")

    def refs(self) -> list[str]:
        """Every indicator reference (``id`` or ``id@period``) the rule names, for check-maps."""
        return []

    def lists(self) -> list[str]:
        """Every record-list ID the rule names, for check-maps."""
        return []

    def tables(self) -> list[str]:
        """Every section heading (``table``) the rule names, for check-maps."""
        return []

    def check(self, facts: "Facts") -> None:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def word(self, facts: "Facts") -> str:
        return self.name or facts.vocab.rule_words.get(self.kind, self.kind)


REF = re.compile(r"^([a-z0-9_]+)(?:@(edition(?:[+-]\d+)?|(?:19|20)\d{2}))?$")


def split_ref(ref: str) -> tuple[str, str | None]:
    m = REF.match(ref.strip())
    if not m:
        raise ValueError(f"not an indicator reference: {ref!r} (id or id@2024 / id@edition / id@edition-1)")
    return m.group(1), m.group(2)


@dataclass
class Facts:
    """The values of one document the rules read, indexed. ``shift``: years the document is ahead of its map."""

    fields: list[FieldValue]
    tables: list[ListTable]
    texts: list[Text]
    table_map: Any  # extractor.maps.spec.TableMap
    catalogue: dict[str, Any]
    vocab: Any  # extractor.maps.spec.Vocabulary
    edition_year: int  # of the document
    totals: dict[str, list[FieldValue]] = field(default_factory=dict)  # list table heading -> its totals row

    def __post_init__(self) -> None:
        self.by_id: dict[str, list[FieldValue]] = {}
        for f in self.fields:
            self.by_id.setdefault(f.id, []).append(f)
        self.shift = self.edition_year - self.table_map.edition_year

    def period(self, spec: str | int | None) -> int | None:
        if spec is None:
            return None
        if isinstance(spec, int):
            return spec + self.shift
        m = re.fullmatch(r"edition([+-]\d+)?", spec)
        if m:
            return self.edition_year + int(m.group(1) or 0)
        return int(spec) + self.shift

    def values(self, ref: str, period: int | None = None, table: str | None = None) -> list[FieldValue]:
        """Scalar values of a reference (``period`` narrows an ``id`` without its own period)."""
        fid, p = split_ref(ref)
        got = self.by_id.get(fid, [])
        want = self.period(p) if p is not None else period
        if want is not None:
            got = [f for f in got if f.period == want]
        if table is not None and any(f.table == table for f in got):
            got = [f for f in got if f.table == table]
        return got

    def periods(self, ref: str) -> list[int | None]:
        fid, p = split_ref(ref)
        if p is not None:
            return [self.period(p)]
        return sorted({f.period for f in self.by_id.get(fid, [])}, key=lambda x: (x is None, x or 0))

    def list_section(self, list_id: str) -> Any:
        from ..maps.spec import ListSection

        return next((s for s in self.table_map.sections if isinstance(s, ListSection) and s.id == list_id), None)

    def list_table(self, list_id: str) -> ListTable | None:
        return next((t for t in self.tables if t.id == list_id), None)

    def every_value(self) -> Iterable[tuple[Value, str | None]]:
        """Every scalar and list-cell value with its period (list cells: the year of their column, if any)."""
        from ..text import years

        for f in self.fields:
            yield f, f.period
        for t in self.tables:
            for r in t.rows:
                for col, v in r.cells.items():
                    ys = years(col)
                    yield v, (ys[-1] if ys else None)


def num(v: Value | None) -> float | None:
    """The number a value holds, or ``None`` (blank, not a number, a reviewer's 'unreadable')."""
    if v is None or v.status in ("missing", "unreadable") or isinstance(v.value, bool):
        return None
    return float(v.value) if isinstance(v.value, (int, float)) else None


def blank(v: Value | None) -> bool:
    return v is None or v.value is None or v.status in ("missing", "unreadable")


def fail(v: Value, reason: str) -> None:
    """Mark ``v`` invalid with ``reason`` (a reviewer's decision keeps its status, the reason is still added)."""
    if reason not in v.reasons:
        v.reasons.append(reason)
    if v.status not in DECIDED:
        v.status = "invalid"


def doubt(v: Value | Text, reason: str) -> None:
    """Mark ``v`` review (not invalid): the rule cannot be decided from the values alone."""
    if reason not in v.reasons:
        v.reasons.append(reason)
    if v.status == "ok":
        v.status = "review"


def fmt(x: float) -> str:
    """A number as a reason prints it: thousands separators, no trailing zeros (``1,204.5``)."""
    if abs(x - round(x)) < 1e-9:
        return f"{int(round(x)):,}"
    s = f"{x:,.6f}".rstrip("0").rstrip(".")
    return s


def close(a: float, b: float, tol: float, rel_tol: float) -> bool:
    """``|a - b| <= max(tol, |b| * rel_tol)`` — every rule's tolerance has this shape."""
    return abs(a - b) <= max(tol, abs(b) * rel_tol) + 1e-12


M = TypeVar("M", bound=BaseModel)


class Registry:
    """Pydantic models told apart by one ``Literal`` field, by that field's value: the rule kinds here (``kind``),
    the map's section layouts in :data:`extractor.maps.spec.section_types` (``layout``).

    ``Annotated[Base, registry]`` is a field type that validates as the discriminated union of every model
    registered (in registration order; unknown keys rejected by each model, an unknown value by the union),
    and so does the published JSON Schema. A model registered after a model using the field was built joins it
    too: :meth:`register` rebuilds every model named with :meth:`used_by`. So a new kind is one module with its
    model and its registration (``@registry.register``), imported once.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        self.kinds: dict[str, type[BaseModel]] = {}
        self._users: list[type[BaseModel]] = []

    def register(self, cls: type[M]) -> type[M]:
        """Add ``cls`` under each value of its ``Literal`` :attr:`key` field (a class decorator). Registering a
        class again changes nothing; another class under a value already taken is an error (a module reloaded
        replaces its own class)."""
        f = cls.model_fields.get(self.key)
        tags = get_args(f.annotation) if f is not None and get_origin(f.annotation) is Literal else ()
        if not tags:
            raise TypeError(f"{cls.__name__} needs a field {self.key}: Literal[...] to be registered")
        changed = False
        for tag in tags:
            old = self.kinds.get(tag)
            if old is cls:
                continue
            if old is not None and (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
                raise ValueError(f"{self.key} {tag!r} is taken by {old.__module__}.{old.__qualname__}")
            self.kinds[tag] = cls
            changed = True
        if changed:
            self.rebuild()
        return cls

    def used_by(self, model: type[M]) -> type[M]:
        """``model`` has a field of this registry's type: rebuild it whenever a class is registered."""
        self._users.append(model)
        return model

    def rebuild(self) -> None:
        for model in self._users:
            model.model_rebuild(force=True)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        models = tuple(dict.fromkeys(self.kinds.values()))
        if not models:
            raise TypeError(f"nothing registered by {self.key!r} yet")
        return handler.generate_schema(Annotated[Union[models], Field(discriminator=self.key)])


registry = Registry("kind")
"""The rule kinds (``kind:`` of a rule in a map)."""
