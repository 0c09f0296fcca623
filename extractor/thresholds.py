"""Thresholds shared by more than one stage, named once (a stage's own constants stay in its module).

Every number here is pinned by boundary tests (just inside, just outside); where it comes from is said
beside it.
"""
from __future__ import annotations

LABEL_SURE = 0.97
"""A label matched at least this well (0–1, :func:`extractor.text.label_score`) counts as matched exactly:
the value's confidence is not lowered for it, and below it the reason ``label matched at …`` is given.
Measured on the generated corpus: fuzzy matches at ≥ 0.97 were the right label in every case (re-typed
labels with one punctuation mark or a space changed); a digit changed scores 0 (labels that differ in a
digit are different labels)."""

SOURCE_OK = 0.9
"""A source score (the OCR's per-cell confidence; 1.0 for a text layer) from which a value may be ``ok``:
below it the source's notes become the value's reasons. The OCR maps its character threshold
(:data:`extractor.ocr.assemble.CHAR_OK`) onto this number."""
