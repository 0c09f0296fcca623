"""The grammar of a number in a cell, shared by every source (Word, PDF, OCR) and by the readings of
recognised text (:mod:`.recognised`): the unit words of ``table_maps/vocabulary.yaml``, the number pattern and
which digit groups are thousands groups. Pure; no values are made here (:mod:`.normalize` does)."""
from __future__ import annotations

import re

from ..maps import bundled_vocabulary

_VOCAB = bundled_vocabulary()  # table_maps/vocabulary.yaml: unit words, empty tokens
EMPTY_TOKENS = {t.lower() for t in _VOCAB.empty_tokens}

# unit -> (dimension, factor to the dimension's base)
UNITS: dict[str, tuple[str, float]] = _VOCAB.unit_table()
UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
NUMBER = re.compile(rf"^([+-]?)(\d{{1,3}}(?:,\d{{3}})+|\d+)?(\.\d+)?\s*({UNIT_ALT})?$")


# The number at the start of a cell: sign, integer digits with any spaces/commas between them, fraction.
NUMBER_HEAD = re.compile(r"^([+-]?)(\s*)(\d(?:[ ,]+\d|\d)*)(\.\d+(?:[ ,]+\d+)*)?")
# Digit groups are thousands groups only: 1-3 digits (no leading 0), then groups of exactly three, one separator.
THOUSANDS = re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+$|^[1-9]\d{0,2}(?: \d{3})+$")
UNSURE_NUMBER = 0.3  # confidence factor of a number whose digit groups are not thousands groups


def digit_groups_doubt(t: str) -> str | None:
    """Why the digits of the number ``t`` are not sure, or ``None``.

    One grammar for every source (Word, PDF, OCR): digits may be separated by spaces or commas only as
    thousands groups of three (``1 204.50``, ``1,204.50``, ``83,671``); ``1 60`` (a lost decimal point?),
    ``0 19``, ``1,20``, ``12,3456``, ``18.457,76`` or groups in the fraction are not a number we are sure of.
    ``t`` is cleaned text (NFKC: full-width digits and comma are ASCII already)."""
    m = NUMBER_HEAD.match(t)
    if not m:
        return None
    intpart, frac = m.group(3), m.group(4) or ""
    if re.search(r"[ ,]", intpart) and not THOUSANDS.match(intpart):
        return f"digits separated where no thousands group ends: {t!r} (decimal point lost?)"
    if re.search(r"[ ,]", frac):
        return f"digits separated after the decimal point: {t!r}"
    return None
