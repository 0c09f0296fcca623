import json

from extractor.schemas import FILES, MODELS_DIR, schema_of


def test_published_schemas_are_current():
    for which, name in FILES.items():
        on_disk = json.loads((MODELS_DIR / name).read_text(encoding="utf-8"))
        assert on_disk == schema_of(which), f"extractor/models/{name} is stale: run python -m extractor.schemas"
