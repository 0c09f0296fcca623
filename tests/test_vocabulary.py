"""Vocabulary out of code (issue 13, item 2).

Unit words and their conversions, empty tokens, share/change words, the words rules are named by and the
totals row's label live in ``extractor/table_maps/vocabulary.yaml`` (pydantic ``Vocabulary``, extra keys
rejected). The code of ``extractor/*.py`` and ``extractor/rules/*.py`` must not spell form-specific words:
strings in code are scanned (docstrings, comments and pydantic ``description=`` texts are documentation).
"""
from __future__ import annotations

import io
import tokenize
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from extractor.maps import MAPS_DIR, bundled_vocabulary
from extractor.maps.spec import Vocabulary
from extractor.validate.normalize import EMPTY_TOKENS, UNITS, parse

ROOT = Path(__file__).resolve().parents[1] / "extractor"
FORM_WORDS = ["集群", "申报", "合计", "其中", "增幅", "增速", "亿元", "万元", "美元", "比重", "占比", "普及率",
              "企业", "园区", "不得空缺", "保留", "字以内", "名称", "数量"]
# files owned elsewhere that still spell form words (reported to the lead, to move to the vocabulary)
NOT_YET: dict[str, str] = {}


def code_strings(path: Path) -> list[tuple[int, str]]:
    """String literals of a module that are code: not docstrings, not ``description=`` texts."""
    toks = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    out: list[tuple[int, str]] = []
    skip_run = False
    for i, t in enumerate(toks):
        if t.type != tokenize.STRING:
            skip_run = False if t.type not in (tokenize.NL, tokenize.COMMENT) else skip_run
            continue
        j = i - 1
        while j >= 0 and toks[j].type in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                                          tokenize.COMMENT):
            j -= 1
        prev = toks[j] if j >= 0 else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        docstring = (prev is None or prev.type == tokenize.NEWLINE or prev.type == tokenize.INDENT
                     or (prev.type == tokenize.OP and prev.string == ":")) and \
            nxt is not None and nxt.type in (tokenize.NEWLINE, tokenize.ENDMARKER)
        described = prev is not None and prev.type == tokenize.OP and prev.string == "=" and j >= 1 \
            and toks[j - 1].string == "description"
        if docstring or described or (skip_run and prev is not None and prev.type == tokenize.STRING):
            skip_run = described or (skip_run and prev is not None and prev.type == tokenize.STRING)
            continue
        out.append((t.start[0], t.string))
    return out


def test_no_form_words_in_code():
    stages = ("rules", "maps", "identify", "layouts", "validate", "emit")  # template knowledge must not hide here
    files = sorted([*ROOT.glob("*.py"), *(f for d in stages for f in (ROOT / d).rglob("*.py"))])
    assert any(f.parent.name == "validate" for f in files) and any(f.parent.name == "rules" for f in files)
    found = []
    for f in files:
        if f.name in NOT_YET:
            continue
        for line, s in code_strings(f):
            found += [f"{f.relative_to(ROOT.parent)}:{line}: {w} in {s[:60]}" for w in FORM_WORDS if w in s]
    assert not found, "\n".join(found)


def test_the_scanner_sees_code_strings_and_skips_docs(tmp_path):
    p = tmp_path / "m.py"
    p.write_text('"""合计 in a docstring."""\nX = "合计"\n# 增幅 in a comment\n'
                 'def f():\n    """其中 too."""\n    return Field(None, description="亿元 documented")\n', encoding="utf-8")
    got = [s for _, s in code_strings(p)]
    assert got == ['"合计"']


def test_units_and_tokens_come_from_the_vocabulary():
    v = bundled_vocabulary()
    assert UNITS == v.unit_table()
    assert EMPTY_TOKENS == {t.lower() for t in v.empty_tokens}
    assert UNITS["亿元"] == ("cny", 1e8) and UNITS["块"] == ("count", 1.0)
    assert parse("2块", "integer").value == 2  # a measure word of the vocabulary
    assert parse("18.247亿元", "number", "万元").value == pytest.approx(182470)


def test_vocabulary_rejects_unknown_keys_and_bad_units():
    raw = yaml.safe_load((MAPS_DIR / "vocabulary.yaml").read_text(encoding="utf-8"))
    Vocabulary.model_validate(raw)
    with pytest.raises(ValidationError):
        Vocabulary.model_validate({**raw, "unit_words": []})
    with pytest.raises(ValidationError):
        Vocabulary.model_validate({**raw, "units": [{"unit": "亿元", "dimension": "cny", "factor": 0}]})


def test_a_maps_folder_may_bring_its_own_vocabulary(tmp_path):
    import shutil

    from extractor.maps import load_vocabulary

    d = tmp_path / "maps"
    shutil.copytree(MAPS_DIR, d)
    raw = yaml.safe_load((d / "vocabulary.yaml").read_text(encoding="utf-8"))
    raw["rule_words"]["sum"] = "总计"
    (d / "vocabulary.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert load_vocabulary(d).rule_words["sum"] == "总计"
    assert load_vocabulary(None).rule_words["sum"] == "合计"
