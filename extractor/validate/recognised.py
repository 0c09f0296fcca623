"""Readings of recognised (OCR) text that is not a value as it stands, offered for review: what the recogniser
makes of a number or a page reference on a low-quality scan (a decimal point read as ',' or lost, spaces between
digits, a number among a seal's stray marks or wrapped in a narrow column, ']' for 1). Used on pages read by OCR
only (:func:`extractor.validate.normalize.parse` with ``salvage``): typed text is what the applicant wrote, not
ours to guess. Each function returns the reading (and why), never a sure value: the caller flags it."""
from __future__ import annotations

import re

from .grammar import NUMBER_HEAD, THOUSANDS, UNIT_ALT

# a stroke the recogniser reads for the digit 1 in a page number: ']' '|' 'l' 'I' after a digit or the P of P21
_ONE_LOOKALIKE = re.compile(r"(?<=[\dPp])[\]|lI](?=$|[\d\s\-—–~～至页、,，;；])")
MISREAD_ONE = 0.6  # confidence factor of a page reference with a lookalike read as 1: always ``review``


def one_misread(t: str) -> tuple[str, str] | None:
    """A page reference (佐证页码: ``P21``, ``P40-P47``) with a ']' '|' 'l' or 'I' right after a digit or the P,
    before a digit, a separator or the end: the digit 1 the recogniser misread (``P2]`` → ``P21``), with the
    reason; ``None`` when there is none. The caller flags it (:data:`MISREAD_ONE`)."""
    fixed = _ONE_LOOKALIKE.sub("1", t)
    return (fixed, f"page number read as {t!r}: taken as {fixed!r} (1 misread)") if fixed != t else None


POINT_DIGITS = 2
"""At most this many digits after the last separator for it to be read as a lost decimal point
(:func:`lost_point`): the forms ask for amounts and rates to two decimals; three digits after it make a
thousands group."""


def lost_point(t: str) -> str | None:
    """The number ``t`` (digit groups doubted by :func:`digit_groups_doubt`) makes when its last separator is a
    decimal point the recogniser read as ',' or lost to a space, or ``None``.

    Only when that is the one reading: no fraction yet, 1–:data:`POINT_DIGITS` digits after the last separator,
    and what precedes it plain digits or thousands groups (``13,252,77`` → ``13,252.77``; ``3,68`` → ``3.68``;
    ``1 60`` → ``1.60``; ``12,3456``, ``1,20,5`` or ``1 60 5`` give ``None``). Used on recognised pages only,
    and the value stays ``review``: a comma for a point is what the recogniser makes of a low-quality scan,
    a typist's ``1,20`` is not ours to guess."""
    m = NUMBER_HEAD.match(t)
    split = re.fullmatch(r"(.*\d)[ ,]+(\d+)", m.group(3)) if m and not m.group(4) else None
    if split is None:
        return None
    head, tail = split.groups()
    if len(tail) > POINT_DIGITS or not (head.isdigit() or THOUSANDS.match(head)):
        return None
    return m.group(1) + head + "." + tail + t[m.end():]


def stray_spaces(t: str) -> str | None:
    """The number ``t`` makes without the spaces between its digits, when it has a decimal point and no comma
    (``2.6 9%`` → ``2.69%``, ``3 6.86`` → ``36.86``, ``6 7.2 9`` → ``67.29``), or ``None``.

    With a decimal point there, a space is no lost point; a space in the fraction is no thousands group, and
    one in the integer part was not (:func:`digit_groups_doubt` found no groups of three): the recogniser
    spaced out letter-spaced or noisy digits. Used on recognised pages only; the value stays ``review``."""
    m = NUMBER_HEAD.match(t)
    if not m or not m.group(4) or "," in m.group(3) + m.group(4):
        return None
    return m.group(1) + m.group(3).replace(" ", "") + m.group(4).replace(" ", "") + t[m.end():]


# One number token: sign, digits with thousands commas, fraction, percent sign.
_NUM_TOKEN = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?%?")
_WRAPPED_PART = re.compile(r"[+-]?[\d.,]+%?")
SALVAGE_NOISE = 4
"""At most this many other characters (not digits, not a unit word) around the one number of a cell for that
number to be offered for review: the stray marks a seal, a speck or a neighbouring column leave in a scanned
cell (measured on the generated scans: 1–4 characters, e.g. ``际\\n3.18``, ``来 10.73华 耳``); more is a sentence."""
WRAP_MIN = 3  # characters: a column too narrow for three is no column a number wraps in ('4' / '1' is two values)
SALVAGED = 0.3  # confidence factor of a number read out of a cell holding more than it: always ``review``


def salvage_number(t: str) -> tuple[str, str] | None:
    """The number a cell that is not a number most likely holds, offered for review, with the reason; or ``None``.

    Two readings only, both of what OCR makes of a number cell:

    * a number wrapped over lines of a narrow column — every line digits, no line shorter than the last or than
      :data:`WRAP_MIN` (a line wraps only when full), no leading zero made by the joining (``107.4`` / ``8`` → ``107.48``);
    * one number among at most :data:`SALVAGE_NOISE` stray characters that are no digits and no unit word
      (``际`` / ``3.18`` → ``3.18``; ``1.56%上`` → ``1.56%``).

    Two numbers (``4`` / ``210``), digits in the noise or a unit word beside the number give ``None``: which
    number is meant is not ours to guess. The caller still flags the value (:data:`SALVAGED`)."""
    lines = [x.strip() for x in t.splitlines() if x.strip()]
    if len(lines) > 1 and all(_WRAPPED_PART.fullmatch(x) for x in lines):
        joined = "".join(lines)
        # a line wraps only when full: no earlier line shorter than the last; no leading zero made by joining
        full = all(len(x) >= max(WRAP_MIN, len(lines[-1])) for x in lines[:-1])
        if full and joined.count(".") <= 1 and not re.match(r"[+-]?0\d", joined):
            return joined, f"a number broken over {len(lines)} lines, read joined: {t!r}"
        return None
    tokens = _NUM_TOKEN.findall(t)
    if len(tokens) != 1:
        return None
    rest = re.sub(r"\s+", "", t.replace(tokens[0], "", 1))
    if not rest or len(rest) > SALVAGE_NOISE or re.search(r"\d", rest) or re.search(UNIT_ALT, rest):
        return None
    return tokens[0], f"text around the number ignored: {rest!r} (in {t!r})"
