"""JSON Schemas published in ``extractor/models/`` (package data, shipped in the wheel), generated from the pydantic models.

``python -m extractor.schemas`` rewrites them in the package folder (run it from a source checkout);
``tests/test_schemas.py`` fails when they are stale. Nothing here raises on purpose (an unwritable
folder gives the ``OSError``).
"""
from __future__ import annotations

import json
from pathlib import Path

from . import layouts  # noqa: F401 - every layout's section model joins the map schema
from .contract import Result
from .maps import package_data
from .maps.spec import Catalogue, TableMap

MODELS_DIR = package_data("models")
FILES = {"output": "output.schema.json", "map": "table_map.schema.json", "catalogue": "catalogue.schema.json"}


def schema_of(which: str) -> dict:
    model = {"output": Result, "map": TableMap, "catalogue": Catalogue}[which]
    return model.model_json_schema()


def write_all(models_dir: Path = MODELS_DIR) -> list[Path]:
    models_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for which, name in FILES.items():
        p = models_dir / name
        p.write_text(json.dumps(schema_of(which), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        out.append(p)
    return out


if __name__ == "__main__":
    for p in write_all():
        print(p)
