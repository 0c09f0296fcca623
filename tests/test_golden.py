"""Every bundled sample's output is byte-identical to the stored one (``tests/golden/``).

Guards changes of structure that must not change behaviour. After an intended change of behaviour,
``python scripts/golden.py --write`` stores the new outputs (and the diff shows what changed)."""
from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import golden  # noqa: E402


@pytest.mark.parametrize("sample", golden.sample_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_output_is_byte_identical(sample):
    want = golden.golden_path(sample)
    assert want.exists(), f"no golden output for {sample.name}: run python scripts/golden.py --write"
    got = golden.output(sample)
    assert got == want.read_text(encoding="utf-8"), f"{sample.name}: output changed (python scripts/golden.py shows which)"
