"""A new section layout, a new rule kind and a new OCR engine are each one new module plus one registration line
(issue 12).

Each test writes the new module into ``tmp_path`` (outside the package, so nothing else of ``extractor/`` can know
about it) and performs the one registration the docs name: for a layout and a rule kind, importing the module (its
``@register`` / ``@registry.register`` does the rest, as the import line in ``layouts/__init__.py`` /
``rules/__init__.py`` would); for an engine, its line in ``ENGINES``. Then a map that uses it loads, and the
stages run it. The registries are restored afterwards (the published map schema lists only the shipped kinds).
"""
from __future__ import annotations

import importlib
import sys
import textwrap

import pytest

from irbuild import catalogue, check, doc, fv, mapped, table, tmap, validated

# ---- extractor internals (the only place this module names them) -------------------------------
from extractor.errors import MapError, MissingDependency
from extractor.layouts import LAYOUTS
from extractor.maps import load_map
from extractor.maps.spec import TableMap, section_types
from extractor.ocr import engines
from extractor.rules import registry as rule_kinds
from extractor.schemas import schema_of
# -----------------------------------------------------------------------------------------------


@pytest.fixture
def new_module(tmp_path, monkeypatch):
    """``write(name, source)``: a module ``name`` in ``tmp_path`` (importable); registries restored after."""
    monkeypatch.syspath_prepend(str(tmp_path))
    saved = dict(section_types.kinds), dict(rule_kinds.kinds), dict(LAYOUTS)
    names: list[str] = []

    def write(name: str, source: str) -> None:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        names.append(name)

    yield write
    for n in names:
        sys.modules.pop(n, None)
    for reg, kinds in ((section_types, saved[0]), (rule_kinds, saved[1])):
        reg.kinds.clear()
        reg.kinds.update(kinds)
        reg.rebuild()
    LAYOUTS.clear()
    LAYOUTS.update(saved[2])


# ================================================================ a section layout
STAMP = '''
    """The ``stamp`` layout (a toy): every cell under the heading, joined, is one value."""
    from __future__ import annotations

    from typing import Literal

    from pydantic import Field

    from extractor.layouts.base import Layout, register
    from extractor.maps.spec import Place, SectionBase
    from extractor.records import Hit, Mapped, Scope


    class StampSection(SectionBase):
        layout: Literal["stamp"]
        id: str
        joiner: str = Field(" | ", description="between the cells' texts")

        def field_ids(self) -> list[str]:
            return [self.id]

        def places(self) -> list[Place]:
            return [Place(self.table, self.table, None, "value", self.id)]

        def reads(self):
            return [(self.id, self.period, "")]


    @register
    class StampLayout(Layout):
        section_type = StampSection

        def map(self, scope: Scope, out: Mapped, scopes: list[Scope]) -> None:
            s = self.section
            cells = [c for c in scope.cells() if c is not scope.heading_cell and c.text.strip()]
            out.hits.append(Hit(id=s.id, table=s.table, row_label=s.table, column_label=None, kind="value",
                                raw=s.joiner.join(c.text.strip() for c in cells) or None,
                                cell=cells[0] if cells else None))
'''

MAP_YAML = """\
template: unit-stamp
title: 单元测试申报表
edition_year: 2024
identify: {titles: [单元测试申报表], keywords: [联系人, 印章, 甲]}
sections:
  - {table: 一、基本情况, layout: form, fields: [{id: contact, label: 联系人}]}
  - {table: 二、印章, layout: stamp, id: stamp%s}
"""


def stamp_doc():
    return doc("一、基本情况", table([["联系人", "张三"]]), "二、印章", table([["甲", "乙"], ["丙", "<"]]))


def test_a_new_layout_is_one_module_and_its_registration(tmp_path, new_module):
    path = tmp_path / "unit-stamp.yaml"
    path.write_text(MAP_YAML % "", encoding="utf-8")
    with pytest.raises(MapError, match="sections.1: Input tag 'stamp'"):  # not a layout before its module is read
        load_map(path)

    new_module("toy_stamp", STAMP)
    toy = importlib.import_module("toy_stamp")  # the registration: the import line of layouts/__init__.py

    m = load_map(path)
    assert type(m.sections[1]) is toy.StampSection and LAYOUTS[toy.StampSection] is toy.StampLayout
    assert m.field_ids() == ["contact", "stamp"]
    hits = {h.id: h for h in mapped(stamp_doc(), m).hits}
    assert hits["contact"].raw == "张三" and hits["stamp"].raw == "甲 | 乙 | 丙"
    assert (hits["stamp"].table, hits["stamp"].row_label) == ("二、印章", "二、印章")
    # the later stages take it as any place of a map
    fields, _, _ = validated(stamp_doc(), m, catalogue({"id": "stamp", "label": "印章", "type": "text"},
                                                       {"id": "contact", "label": "联系人", "type": "text"}))
    stamp = next(f for f in fields if f.id == "stamp")
    assert (stamp.value, stamp.status) == ("甲 | 乙 | 丙", "ok")
    # another edition of the map (years shifted) keeps the section
    assert type(m.shifted(1).sections[1]) is toy.StampSection
    # the published map schema lists it (python -m extractor.schemas)
    assert "StampSection" in schema_of("map")["$defs"]


def test_a_new_layout_section_keeps_strict_validation(tmp_path, new_module):
    new_module("toy_stamp", STAMP)
    importlib.import_module("toy_stamp")
    path = tmp_path / "unit-stamp.yaml"
    path.write_text(MAP_YAML % ", colour: red", encoding="utf-8")
    with pytest.raises(MapError, match=r"sections\.1\.stamp\.colour: Extra inputs are not permitted"):
        load_map(path)
    path.write_text(MAP_YAML.replace("id: stamp%s", "joiner: '/'"), encoding="utf-8")
    with pytest.raises(MapError, match=r"sections\.1\.stamp\.id: Field required"):
        load_map(path)
    path.write_text(MAP_YAML % ", joiner: '/'", encoding="utf-8")
    assert mapped(stamp_doc(), load_map(path)).hits[-1].raw == "甲/乙/丙"


def test_a_layout_name_is_taken_once(new_module):
    new_module("toy_stamp", STAMP)
    importlib.import_module("toy_stamp")
    new_module("toy_stamp_again", STAMP.replace("class StampSection", "class OtherStampSection")
               .replace("= StampSection", "= OtherStampSection"))
    with pytest.raises(ValueError, match="layout 'stamp' is taken by toy_stamp.StampSection"):
        importlib.import_module("toy_stamp_again")


def test_the_registries_hold_only_the_shipped_kinds_otherwise():
    # what the fixture restores: the shipped layouts and rule kinds, and the map schema published for them
    assert list(section_types.kinds) == ["form", "grid", "list", "narrative", "paragraphs"]
    assert len(LAYOUTS) == 5
    assert "even" not in rule_kinds.kinds and "StampSection" not in TableMap.model_json_schema()["$defs"]


# ================================================================ a rule kind
EVEN = '''
    """``even`` (a toy rule kind): the values of ``ids`` are even numbers."""
    from __future__ import annotations

    from typing import Literal

    from pydantic import Field

    from extractor.rules.base import Facts, RuleBase, fail, fmt, num, registry


    @registry.register
    class EvenRule(RuleBase):
        kind: Literal["even"] = "even"
        ids: list[str] = Field(min_length=1)

        def refs(self) -> list[str]:
            return list(self.ids)

        def check(self, facts: Facts) -> None:
            for ref in self.ids:
                for v in facts.values(ref):
                    x = num(v)
                    if x is not None and x % 2:
                        fail(v, f"{self.word(facts)}: {fmt(x)} is odd")
'''

FORM = {"table": "一、基本情况", "layout": "form", "fields": [{"id": "a", "label": "甲"}, {"id": "b", "label": "乙"}]}


def test_a_new_rule_kind_is_one_module_and_its_registration(tmp_path, new_module):
    with pytest.raises(ValueError, match="Input tag 'even'"):
        tmap(FORM, rules=[{"kind": "even", "ids": ["a"]}])

    new_module("toy_even", EVEN)
    toy = importlib.import_module("toy_even")  # the registration: the import line of rules/__init__.py

    m = tmap(FORM, rules=[{"kind": "even", "ids": ["a", "b"], "source": "unit"}])
    assert type(m.rules[0]) is toy.EvenRule
    a, b = fv("a", 4), fv("b", 7)
    check([{"kind": "even", "ids": ["a", "b"]}], [a, b], sections=[FORM])
    assert (a.status, b.status) == ("ok", "invalid") and b.reasons == ["even: 7 is odd"]
    # a map file with the rule loads (check-maps: the rule's IDs are read by the map), strictly
    text = MAP_YAML.replace("  - {table: 二、印章, layout: stamp, id: stamp%s}\n", "")
    path = tmp_path / "unit-even.yaml"
    path.write_text(text + "rules:\n  - {kind: even, ids: [contact]}\n", encoding="utf-8")
    assert type(load_map(path).rules[0]) is toy.EvenRule
    path.write_text(text + "rules:\n  - {kind: even, ids: [nobody]}\n", encoding="utf-8")
    with pytest.raises(MapError, match="rule 1 \\(even\\): indicator 'nobody' is not read by this map"):
        load_map(path)
    path.write_text(text + "rules:\n  - {kind: even, ids: [contact], odd: true}\n", encoding="utf-8")
    with pytest.raises(MapError, match=r"rules\.0\.even\.odd: Extra inputs are not permitted"):
        load_map(path)
    assert "EvenRule" in schema_of("map")["$defs"]


# ================================================================ an OCR engine
TOY_ENGINE = '''
    """A toy OCR engine: every crop reads ``toy``."""
    from __future__ import annotations

    from extractor.ocr.engines import OcrConfig, RecLine


    class ToyEngine:
        name = "toy"

        def __init__(self, cfg: OcrConfig) -> None:
            self.threads = cfg.threads

        def recognize(self, crops):
            return [RecLine("toy", [0.9, 0.9, 0.9], [4.0, 12.0, 20.0]) for _ in crops]

        def classify(self, crops):
            return [0.0 for _ in crops]

        def detect(self, image):
            return []

        def after_fork(self) -> None:
            pass
'''


def test_a_new_ocr_engine_is_one_module_and_its_line_in_engines(tmp_path, new_module, monkeypatch):
    config = tmp_path / "ocr.yaml"
    config.write_text("engine: toy\nthreads: 3\n", encoding="utf-8")
    monkeypatch.setenv("EXTRACTOR_OCR_CONFIG", str(config))
    engines._engine.cache_clear()
    try:
        with pytest.raises(MissingDependency, match="unknown OCR engine 'toy'"):
            engines.get_engine()
        new_module("toy_engine", TOY_ENGINE)
        monkeypatch.setitem(engines.ENGINES, "toy", "toy_engine:ToyEngine")  # the registration: its line
        eng = engines.get_engine()
        assert type(eng).__name__ == "ToyEngine" and eng.threads == 3
        assert [r.text for r in eng.recognize([None, None])] == ["toy", "toy"]
    finally:
        engines._engine.cache_clear()
