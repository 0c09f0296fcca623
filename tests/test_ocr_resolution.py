"""The resolution check (issue 9, photos): a page whose text is too small to read reliably has every value
reviewed, with the reason — measured by shrinking a sample scan (see ``extractor.ocr.assemble.MIN_TEXT_PX``)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from extractor.api import extract
from extractor.ocr.assemble import MIN_TEXT_PX, resolution_note

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "scans" / "gx-sme-2024-p4.jpg"


def test_resolution_note_boundary():
    assert MIN_TEXT_PX == 10
    assert resolution_note(10.0) is None and resolution_note(28.0) is None
    note = resolution_note(9.9)
    assert note is not None and "10 px" in note


def test_a_shrunk_scan_is_reviewed_not_trusted(tmp_path: Path):
    # at 30 % of 200 dpi the text is ~8 px high: read, values found, some wrong (measured) — none may be ok
    im = Image.open(SAMPLE).convert("RGB")
    small = im.resize((int(im.width * 0.3), int(im.height * 0.3)), Image.LANCZOS)
    path = tmp_path / "small.jpg"
    small.save(path, dpi=(60, 60))
    res = extract(path)
    found = [f for f in res.fields if f.raw]
    assert len(found) >= 15
    assert all(f.status != "ok" for f in found)
    assert all(any("px high" in r for r in f.reasons) for f in found if f.status == "review" and f.raw)
    # the same page at full size: most values ok, no resolution reason
    full = extract(SAMPLE)
    assert sum(f.status == "ok" for f in full.fields) >= 40
    assert not any("px high" in r for f in full.fields for r in f.reasons)
