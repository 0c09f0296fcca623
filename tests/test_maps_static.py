"""Every map checked statically: valid, IDs in the catalogue, every fillable place of the blank claimed once."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from extractor.maps import MAPS_DIR, list_tables, load_catalogue, load_map, places
from conftest import SHARED_TEMPLATES, TEMPLATE_IDS


@pytest.mark.parametrize("tid", TEMPLATE_IDS)
def test_every_fillable_place_claimed_exactly_once(tid):
    m = load_map(MAPS_DIR / f"{tid}.yaml")
    assert m.template == tid
    spec = json.loads((SHARED_TEMPLATES / f"{tid}.fields.json").read_text(encoding="utf-8"))
    want = Counter((f["table"], f["row_label"], f["column_label"], f["kind"]) for f in spec["fields"])
    got = Counter((p.table, p.row_label, p.column_label, p.kind) for p in places(m))
    missing = want - got
    extra = got - want
    assert not missing, f"fields.json places not claimed by the map: {sorted(missing)[:10]}"
    assert not extra, f"map claims places that fields.json does not list (or claims one twice): {sorted(extra)[:10]}"
    want_lists = Counter((t["table"], tuple(t["columns"])) for t in spec.get("list_tables", []))
    got_lists = Counter((t, tuple(cols)) for t, cols in list_tables(m))
    assert want_lists == got_lists


@pytest.mark.parametrize("tid", TEMPLATE_IDS)
def test_every_id_in_catalogue(tid):
    cat = load_catalogue()
    m = load_map(MAPS_DIR / f"{tid}.yaml")
    unknown = []
    for fid in m.field_ids():
        if fid not in cat:
            near = process.extractOne(fid, list(cat), scorer=Levenshtein.normalized_similarity)
            unknown.append(f"{fid} (did you mean {near[0]}?)" if near and near[1] > 0.8 else fid)
    assert not unknown, f"IDs not in catalogue: {unknown}"


def test_catalogue_has_no_near_miss_spellings():
    ids = sorted(load_catalogue())
    close = []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if Levenshtein.distance(a, b) == 1 and not (a.rstrip("0123456789") == b.rstrip("0123456789")):
                close.append((a, b))
    assert not close, f"catalogue IDs one edit apart (typo?): {close}"


def test_every_catalogue_id_is_used():
    cat = load_catalogue()
    used = set()
    for tid in TEMPLATE_IDS:
        used |= set(load_map(MAPS_DIR / f"{tid}.yaml").field_ids())
    unused = sorted(set(cat) - used)
    assert not unused, f"catalogue entries no map uses: {unused}"


def test_map_author_errors_are_typed(tmp_path):
    """A broken map raises MapError (the author's error), never an input error; check-maps exits 3."""
    import shutil

    from click.testing import CliRunner

    from extractor.cli import main
    from extractor.errors import InputError, MapError
    from extractor.maps import load_maps

    shutil.copy(MAPS_DIR / "catalogue.yaml", tmp_path / "catalogue.yaml")
    text = (MAPS_DIR / "tj-amc-2025.yaml").read_text(encoding="utf-8")
    (tmp_path / "tj-amc-2025.yaml").write_text(text.replace("layout: form", "layout: from", 1), encoding="utf-8")
    with pytest.raises(MapError) as e:
        load_maps(tmp_path)
    assert not isinstance(e.value, InputError) and "tj-amc-2025.yaml" in str(e.value)
    r = CliRunner().invoke(main, ["check-maps", "--maps-dir", str(tmp_path)])
    assert r.exit_code == 3


def test_unknown_keys_are_rejected(tmp_path):
    from extractor.errors import MapError

    text = (MAPS_DIR / "gx-amc-2025.yaml").read_text(encoding="utf-8")
    p = tmp_path / "x.yaml"
    p.write_text(text.replace("edition_year: 2025", "edition_year: 2025\nedition: 2025", 1), encoding="utf-8")
    with pytest.raises(MapError, match="edition"):
        load_map(p)
