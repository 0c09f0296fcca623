"""The pipeline against generated filled forms with known truth: every value, every status."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES
from extractor.api import extract
from truth import compare, load_truth

DOCS = sorted((SAMPLES / "docx").glob("*.docx"))


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_sample_matches_truth(doc: Path):
    truth = load_truth(doc.with_name(doc.name + ".truth.json"))
    res = extract(doc)
    assert res.status in ("ok", "review"), res.errors
    assert res.template.id == truth["template"]
    rep = compare(res, truth)
    assert rep.checked > 20
    assert not rep.wrong_but_ok, f"wrong values marked ok: {rep.wrong_but_ok}"
    assert not rep.missing, "\n".join(rep.missing[:20])
    assert not rep.wrong, "\n".join(rep.wrong[:20])
    assert not rep.status, "\n".join(rep.status[:20])


def test_there_are_samples_for_every_template():
    from conftest import TEMPLATE_IDS

    have = {load_truth(d.with_name(d.name + ".truth.json"))["template"] for d in DOCS}
    assert set(TEMPLATE_IDS) <= have
