"""The pipeline against generated filled forms with known truth: every value, every status."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES
from truth import check_sample, load_truth

DOCS = sorted((SAMPLES / "docx").glob("*.docx"))


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_sample_matches_truth(doc: Path):
    check_sample(doc)


def test_there_are_samples_for_every_template():
    from conftest import TEMPLATE_IDS

    have = {load_truth(d.with_name(d.name + ".truth.json"))["template"] for d in DOCS}
    assert set(TEMPLATE_IDS) <= have
