"""The order jobs are handed out in: dearest first (longest-processing-time-first), by a rough guess of each
file's seconds."""
from __future__ import annotations

from pathlib import Path

from ..intake import Item

SCAN_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}
CONVERTED_SUFFIXES = {".doc", ".wps"}


def expected_seconds(it: Item, form_by_name: bool) -> float:
    """A rough guess of the seconds one file takes, to hand out the dearest first.

    Longest-processing-time-first: when the big jobs go first, the last job of a batch is a short one and
    no worker idles at the end while another still reads a scan (measured on the batch benchmark: a
    scanned form handed out last left one of two workers idle for ~2 s of a 7 s batch). Guesses from this
    machine's runs: a form named as one — ``.doc``/``.wps`` 2 s (LibreOffice), PDF or image 0.5 s + 1 s per
    MB (a scan is MBs, a digital PDF ~100 KB), ``.docx`` 0.1 s; any other PDF or image 0.3 s (the top strip
    of its first page); anything else 0.01 s. Only the order depends on these numbers."""
    suffix = Path(it.rel).suffix.lower()
    if form_by_name:
        if suffix in CONVERTED_SUFFIXES:
            return 2.0
        if suffix in SCAN_SUFFIXES:
            return 0.5 + it.size / 1e6
        return 0.1
    return 0.3 if suffix in SCAN_SUFFIXES else 0.01


def dearest_first(tasks: list[tuple[str, dict]], items: dict[str, Item], maps_dir: str | None = None) -> list[tuple[str, dict]]:
    """``tasks`` (job key, task) sorted by :func:`expected_seconds`, dearest first (ties keep their order);
    ``items``: job key → its file; ``maps_dir``: the maps whose titles make a name a form's."""
    from ..triage import FORM_MIN_SCORE, text_score

    def cost(task: tuple[str, dict]) -> float:
        it = items[task[0]]
        return expected_seconds(it, text_score(Path(it.rel).stem, None, maps_dir)[0] >= FORM_MIN_SCORE)

    return sorted(tasks, key=lambda t: -cost(t))
