"""JSON Schemas published in models/, generated from the pydantic models."""
from __future__ import annotations

import json
from pathlib import Path

from .contract import Result
from .mapspec import Catalogue, TableMap

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
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
