"""Loading and statically checking layout maps and the indicator catalogue."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import MapError
from .mapspec import (
    Catalogue,
    FormSection,
    GridSection,
    Indicator,
    ListSection,
    NarrativeSection,
    ParagraphSection,
    TableMap,
)

MAPS_DIR = Path(__file__).resolve().parent.parent / "table_maps"
CATALOGUE_FILE = "catalogue.yaml"


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise MapError(f"{path.name}: cannot read map: {e}") from e


def load_map(path: Path) -> TableMap:
    try:
        return TableMap.model_validate(_read_yaml(path))
    except ValidationError as e:
        raise MapError(f"{path.name}: invalid map:\n{e}") from e


@lru_cache(maxsize=None)
def load_maps(maps_dir: Path = MAPS_DIR) -> tuple[TableMap, ...]:
    files = sorted(p for p in maps_dir.glob("*.yaml") if p.name != CATALOGUE_FILE)
    maps = tuple(load_map(p) for p in files)
    seen: set[str] = set()
    for m in maps:
        if m.template in seen:
            raise MapError(f"template id {m.template!r} defined twice")
        seen.add(m.template)
    return maps


def get_map(template_id: str, maps_dir: Path = MAPS_DIR) -> TableMap:
    for m in load_maps(maps_dir):
        if m.template == template_id:
            return m
    raise MapError(f"no map for template {template_id!r}")


@lru_cache(maxsize=None)
def load_catalogue(maps_dir: Path = MAPS_DIR) -> dict[str, Indicator]:
    try:
        cat = Catalogue.model_validate(_read_yaml(maps_dir / CATALOGUE_FILE))
    except ValidationError as e:
        raise MapError(f"{CATALOGUE_FILE}: invalid catalogue:\n{e}") from e
    out: dict[str, Indicator] = {}
    for ind in cat.indicators:
        if ind.id in out:
            raise MapError(f"{CATALOGUE_FILE}: indicator {ind.id!r} defined twice")
        out[ind.id] = ind
    return out


@dataclass(frozen=True)
class Place:
    """A reported place: what the output's table / row_label / column_label will say on the blank form."""

    table: str
    row_label: str
    column_label: str | None
    kind: str
    id: str


def places(m: TableMap) -> list[Place]:
    """Every scalar place the map claims, with its reported labels (list-table rows excluded)."""
    out: list[Place] = []
    for s in m.sections:
        if isinstance(s, (FormSection, ParagraphSection)):
            for f in s.fields:
                out.append(Place(s.table, f.row_label if f.row_label is not None else f.label, f.column_label, f.kind, f.id))
        elif isinstance(s, GridSection):
            for r in s.rows:
                for c in s.columns:
                    if r.columns is None or c.label in r.columns:
                        out.append(Place(s.table, r.row_label if r.row_label is not None else r.label, c.label,
                                         "value", r.id + c.suffix))
        elif isinstance(s, ListSection) and s.total:
            by_label = {c.label: c for c in s.columns}
            for lab in s.total.columns:
                col = by_label.get(lab)
                out.append(Place(s.table, s.total.row_label, lab, "value", (col.id if col and col.id else s.id) + s.total.suffix))
        elif isinstance(s, NarrativeSection):
            out.append(Place(s.table, s.table, None, "narrative", s.id))
    return out


def list_tables(m: TableMap) -> list[tuple[str, list[str]]]:
    return [(s.table, [c.label for c in s.columns]) for s in m.sections if isinstance(s, ListSection)]
