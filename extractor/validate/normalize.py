"""Raw cell text → typed value. Pure functions; every doubt becomes a reason, never a silent guess.

Conventions of normalised values (the output contract):
numbers in the row's unit (a typed unit that differs is converted and flagged), percentages as the
number of percent, counts as integers, dates ``YYYY-MM-DD`` / ``YYYY-MM``, phones without spaces,
choices as the option text(s) as printed. ``无`` / ``/`` / ``—`` are an explicit empty: value
``None`` with ``empty=True`` and the raw text kept.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..maps import bundled_vocabulary
from ..text import BOXES, CHECKED, canon, clean, is_blank, trim_lines, visible  # noqa: F401 - is_blank re-exported

_VOCAB = bundled_vocabulary()  # table_maps/vocabulary.yaml: unit words, empty tokens
EMPTY_TOKENS = {t.lower() for t in _VOCAB.empty_tokens}

# unit -> (dimension, factor to the dimension's base)
UNITS: dict[str, tuple[str, float]] = _VOCAB.unit_table()
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
NUMBER = re.compile(rf"^([+-]?)(\d{{1,3}}(?:,\d{{3}})+|\d+)?(\.\d+)?\s*({_UNIT_ALT})?$")


@dataclass
class Parsed:
    value: object = None
    unit: str | None = None
    empty: bool = False  # explicit empty (无 / — …)
    missing: bool = False  # nothing typed (or only the placeholder)
    invalid: bool = False
    reasons: list[str] = field(default_factory=list)
    penalty: float = 1.0  # multiplies confidence

    def doubt(self, reason: str, factor: float) -> None:
        self.reasons.append(reason)
        self.penalty *= factor


def parse(raw: str, vtype: str, unit: str | None = None, salvage: bool = False) -> Parsed:
    """``raw`` cell text → typed value (:class:`Parsed`) for ``vtype`` in ``unit``. ``salvage``: the text was
    recognised (OCR), so a number among stray marks is offered for review (:func:`salvage_number`); typed text
    that is not a number stays invalid."""
    t = clean(raw)
    if is_blank(t):
        return Parsed(missing=True)
    if t.lower().rstrip("。.") in EMPTY_TOKENS:
        return Parsed(empty=True, unit=unit)
    if vtype == "pages" and salvage:
        return _recognised_pages(trim_lines(visible(raw)), unit)
    if vtype in ("text", "narrative", "pages"):
        # text is kept as typed (full-width brackets stay), only trimmed line by line
        return Parsed(value=trim_lines(visible(raw)), unit=unit)
    if vtype in ("number", "integer", "percent"):
        p = _number_core(t, "%" if vtype == "percent" else unit, vtype, salvage)
        if vtype == "percent":
            p.unit = "%"
        return p
    fn = _PARSERS.get(vtype, _text)
    return fn(t, unit)


def _text(t: str, unit: str | None) -> Parsed:
    return Parsed(value=t, unit=unit)


# a stroke the recogniser reads for the digit 1 in a page number: ']' '|' 'l' 'I' after a digit or the P of P21
_ONE_LOOKALIKE = re.compile(r"(?<=[\dPp])[\]|lI](?=$|[\d\s\-—–~～至页、,，;；])")
MISREAD_ONE = 0.6  # confidence factor of a page reference with a lookalike read as 1: always ``review``


def _recognised_pages(t: str, unit: str | None) -> Parsed:
    """A page reference (佐证页码: ``P21``, ``P40-P47``) read by OCR: a ']' '|' 'l' or 'I' right after a digit or
    the P, before a digit, a separator or the end, is the digit 1 the recogniser misread (``P2]`` → ``P21``),
    offered for review (:data:`MISREAD_ONE`)."""
    fixed = _ONE_LOOKALIKE.sub("1", t)
    p = Parsed(value=fixed, unit=unit)
    if fixed != t:
        p.doubt(f"page number read as {t!r}: taken as {fixed!r} (1 misread)", MISREAD_ONE)
    return p


# The number at the start of a cell: sign, integer digits with any spaces/commas between them, fraction.
_HEAD = re.compile(r"^([+-]?)(\s*)(\d(?:[ ,]+\d|\d)*)(\.\d+(?:[ ,]+\d+)*)?")
# Digit groups are thousands groups only: 1-3 digits (no leading 0), then groups of exactly three, one separator.
_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+$|^[1-9]\d{0,2}(?: \d{3})+$")
UNSURE_NUMBER = 0.3  # confidence factor of a number whose digit groups are not thousands groups


def digit_groups_doubt(t: str) -> str | None:
    """Why the digits of the number ``t`` are not sure, or ``None``.

    One grammar for every source (Word, PDF, OCR): digits may be separated by spaces or commas only as
    thousands groups of three (``1 204.50``, ``1,204.50``, ``83,671``); ``1 60`` (a lost decimal point?),
    ``0 19``, ``1,20``, ``12,3456``, ``18.457,76`` or groups in the fraction are not a number we are sure of.
    ``t`` is cleaned text (NFKC: full-width digits and comma are ASCII already)."""
    m = _HEAD.match(t)
    if not m:
        return None
    intpart, frac = m.group(3), m.group(4) or ""
    if re.search(r"[ ,]", intpart) and not _GROUPED.match(intpart):
        return f"digits separated where no thousands group ends: {t!r} (decimal point lost?)"
    if re.search(r"[ ,]", frac):
        return f"digits separated after the decimal point: {t!r}"
    return None


POINT_DIGITS = 2
"""At most this many digits after the last separator for it to be read as a lost decimal point
(:func:`lost_point`): the forms ask for amounts and rates to two decimals (亿元, %); three digits after it make a
thousands group."""


def lost_point(t: str) -> str | None:
    """The number ``t`` (digit groups doubted by :func:`digit_groups_doubt`) makes when its last separator is a
    decimal point the recogniser read as ',' or lost to a space, or ``None``.

    Only when that is the one reading: no fraction yet, 1–:data:`POINT_DIGITS` digits after the last separator,
    and what precedes it plain digits or thousands groups (``13,252,77`` → ``13,252.77``; ``3,68`` → ``3.68``;
    ``1 60`` → ``1.60``; ``12,3456``, ``1,20,5`` or ``1 60 5`` give ``None``). Used on recognised pages only,
    and the value stays ``review``: a comma for a point is what the recogniser makes of a low-quality scan,
    a typist's ``1,20`` is not ours to guess."""
    m = _HEAD.match(t)
    split = re.fullmatch(r"(.*\d)[ ,]+(\d+)", m.group(3)) if m and not m.group(4) else None
    if split is None:
        return None
    head, tail = split.groups()
    if len(tail) > POINT_DIGITS or not (head.isdigit() or _GROUPED.match(head)):
        return None
    return m.group(1) + head + "." + tail + t[m.end():]


def stray_spaces(t: str) -> str | None:
    """The number ``t`` makes without the spaces between its digits, when it has a decimal point and no comma
    (``2.6 9%`` → ``2.69%``, ``3 6.86`` → ``36.86``, ``6 7.2 9`` → ``67.29``), or ``None``.

    With a decimal point there, a space is no lost point; a space in the fraction is no thousands group, and
    one in the integer part was not (:func:`digit_groups_doubt` found no groups of three): the recogniser
    spaced out letter-spaced or noisy digits. Used on recognised pages only; the value stays ``review``."""
    m = _HEAD.match(t)
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
    if not rest or len(rest) > SALVAGE_NOISE or re.search(r"\d", rest) or re.search(_UNIT_ALT, rest):
        return None
    return tokens[0], f"text around the number ignored: {rest!r} (in {t!r})"


def _number_core(t: str, unit: str | None, vtype: str, salvage: bool = False) -> Parsed:
    p = Parsed(unit=unit)
    t0 = t.replace("％", "%").replace("，", ",")
    why = digit_groups_doubt(t0)
    if why:
        # recognised text: the one reading that makes a number, offered for review
        for reading, how in ((lost_point(t0), "the last separator taken for the decimal point"),
                             (stray_spaces(t0), "the spaces dropped")) if salvage else ():
            q = _number_core(reading, unit, vtype) if reading is not None else Parsed()
            if q.value is not None:
                q.doubt(f"{why}: read as {reading!r}, {how}", UNSURE_NUMBER)
                return q
        # the digits are there but we cannot tell which number they make: no value, the raw text is kept
        p.doubt(why, UNSURE_NUMBER)
        return p
    m0 = _HEAD.match(t0)
    if m0:  # thousands separators of the leading number dropped (checked above)
        t0 = m0.group(1) + m0.group(3).replace(",", "").replace(" ", "") + (m0.group(4) or "") + t0[m0.end():]
    s = t0.replace(" ", "")
    if unit and unit not in UNITS and s.endswith(unit) and len(s) > len(unit):
        s = s[: -len(unit)]  # a unit word the map declares for this place (e.g. 台) but the vocabulary lacks
    m = NUMBER.match(s)
    if not m or (m.group(2) is None and m.group(3) is None):
        # repair: a number followed by a trailing note, e.g. "12（估算）"
        # only a bracketed note may follow the number: "12（估算）"; anything else is not a number
        m2 = re.match(rf"^([+-]?\d[\d,]*(?:\.\d+)?)\s*({_UNIT_ALT})?([（(].*)$", s)
        if not m2:
            return _salvaged(t, t0, unit, vtype) if salvage else Parsed(unit=unit, invalid=True,
                                                                         reasons=[f"not a number: {t!r}"])
        p.doubt(f"text after the number ignored: {m2.group(3)!r}", 0.6)
        m = NUMBER.match(m2.group(1) + (m2.group(2) or ""))
        if not m:
            p.invalid = True
            p.reasons.append(f"not a number: {t!r}")
            return p
    sign, intpart, frac, typed = m.groups()
    num = float((sign or "") + (intpart or "0").replace(",", "") + (frac or ""))
    if typed and unit and typed != unit:
        src, dst = UNITS.get(typed), UNITS.get(unit)
        if src and dst and src[0] == dst[0]:
            if src[1] != dst[1]:
                num = num * src[1] / dst[1]
                p.doubt(f"unit {typed} typed in a {unit} row: converted to {unit}", 0.7)
        elif typed == "%" or unit == "%":
            p.invalid = True
            p.reasons.append(f"unit {typed} does not fit a {unit} row")
            return p
        elif src and dst and src[0] == "count" and dst[0] == "count":
            pass
        else:
            p.doubt(f"unit {typed} typed in a {unit} row", 0.6)
    elif typed and not unit and typed != "%":
        p.unit = typed
    if vtype == "integer":
        if abs(num - round(num)) > 1e-9:
            p.invalid = True
            p.reasons.append(f"a count must be a whole number: {t!r}")
            return p
        p.value = int(round(num))
    else:
        p.value = round(num, 10)
    if vtype == "percent" and p.value is not None and not (-100.0 <= float(p.value) <= 1000.0):
        p.doubt(f"implausible percentage {p.value}", 0.5)
    return p


def _salvaged(t: str, t0: str, unit: str | None, vtype: str) -> Parsed:
    """A cell that is not a number (``t`` as typed, ``t0`` its separators normalised): the number
    :func:`salvage_number` finds in it, doubted (:data:`SALVAGED`), else invalid."""
    found = salvage_number(t0)
    if found is not None and found[0] != t0:
        q = _number_core(found[0], unit, vtype)
        if q.value is not None:
            q.doubt(found[1], SALVAGED)
            return q
    return Parsed(unit=unit, invalid=True, reasons=[f"not a number: {t!r}"])


_DATE = re.compile(r"^(\d{4})\s*[年\-./]\s*(\d{1,2})\s*(?:[月\-./]\s*(?:(\d{1,2})\s*日?)?)?$")


def _date(t: str, unit: str | None) -> Parsed:
    s = t.replace(" ", "")
    m = _DATE.match(s)
    if not m:
        y = re.fullmatch(r"(\d{4})年?", s)
        if y:
            p = Parsed(value=y.group(1))
            p.doubt("year only", 0.8)
            return p
        return Parsed(invalid=True, reasons=[f"not a date: {t!r}"])
    y, mo, d = int(m.group(1)), int(m.group(2)), m.group(3)
    if not 1 <= mo <= 12 or (d is not None and not 1 <= int(d) <= 31):
        return Parsed(invalid=True, reasons=[f"impossible date: {t!r}"])
    return Parsed(value=f"{y:04d}-{mo:02d}" + (f"-{int(d):02d}" if d else ""))


_PHONE = re.compile(r"^\+?[\d\-()（）]{7,20}(?:转\d+)?$")


def _phone(t: str, unit: str | None) -> Parsed:
    s = re.sub(r"\s+", "", t)
    parts = re.split(r"[、/;；,]", s)
    if all(_PHONE.match(x) for x in parts if x):
        return Parsed(value=s)
    p = Parsed(value=s)
    p.doubt(f"does not look like a phone number: {t!r}", 0.5)
    return p


_EMAIL = re.compile(r"^[\w.+\-]+@[\w\-]+(\.[\w\-]+)+$")


def _email(t: str, unit: str | None) -> Parsed:
    s = t.replace(" ", "")
    if _EMAIL.match(s):
        return Parsed(value=s)
    return Parsed(value=s, invalid=True, reasons=[f"not an e-mail address: {t!r}"])


def _postcode(t: str, unit: str | None) -> Parsed:
    s = t.replace(" ", "")
    if re.fullmatch(r"\d{6}", s):
        return Parsed(value=s)
    return Parsed(value=s, invalid=True, reasons=[f"a postcode has 6 digits: {t!r}"])


_PARSERS = {
    "text": _text, "narrative": _text, "pages": _text,
    "date": _date, "phone": _phone, "email": _email, "postcode": _postcode,
}


@lru_cache(maxsize=4096)
def unit_from_label(label: str) -> str | None:
    """The unit printed in a label: '集群产值（亿元）' → 亿元, '企业数量（个，需…）' → 个, '（%）' → %."""
    for m in reversed(list(re.finditer(r"[（(]([^（）()]*)[)）]", label))):
        head = re.split(r"[，,、]", m.group(1).strip())[0].strip()
        head = head.replace("％", "%")
        if head in UNITS:
            return head
    return None


@dataclass
class Choice:
    chosen: list[str]
    reasons: list[str]
    confidence: float
    seen_boxes: int


def parse_checks(text: str, options: list[str]) -> Choice:
    """Which options carry a tick. Options are matched longest-first on the text after each box glyph
    (``□是 ☑否``); when that finds fewer options than the text with each box *after* its option
    (``是☑ 否□``, as some applicants re-type the line), the second reading is taken."""
    t = unicodedata.normalize("NFC", text)
    idx = [i for i, ch in enumerate(t) if ch in BOXES and _is_box(t, i)]
    opts = sorted(options, key=lambda o: len(canon(o)), reverse=True)
    after = [(t[i], t[i + 1:(idx[n + 1] if n + 1 < len(idx) else len(t))]) for n, i in enumerate(idx)]
    before = [(t[i], t[(idx[n - 1] + 1 if n else 0):i]) for n, i in enumerate(idx)]
    chosen, seen, stray = _ticked(after, opts, lambda seg, co: seg.startswith(co))
    if len(seen) < len(options):
        chosen2, seen2, stray2 = _ticked(before, opts, lambda seg, co: seg.endswith(co))
        if len(seen2) > len(seen):
            chosen, seen, stray = chosen2, seen2, stray2
    reasons: list[str] = []
    conf = 1.0
    if not idx:
        # no box glyphs: the applicant may have deleted the unchosen options
        ct = canon(t)
        hits = [o for o in opts if canon(o) and canon(o) in ct]
        if hits:
            chosen = {hits[0]}
            reasons.append("no tick boxes found; option read from the remaining text")
            conf = 0.6
    elif len(seen) < len(options):
        reasons.append(f"options not found next to a box: {[o for o in options if o not in seen]}")
        conf = 0.8
    if stray:  # a tick that goes with no option (□是 □否 √): the applicant meant one of them
        reasons.append(f"{stray} tick(s) next to no option")
        conf = min(conf, 0.8)
    return Choice([o for o in options if o in chosen], reasons, conf, len(idx))


def _ticked(segments: list[tuple[str, str]], opts: list[str], fits) -> tuple[set[str], set[str], int]:  # noqa: ANN001
    """(ticked options, options found, ticks that go with no option) of ``segments`` (box glyph, the text
    that goes with it); ``fits(canon text, canon option)`` says whether the option is that text's."""
    chosen: set[str] = set()
    seen: set[str] = set()
    stray = 0
    for glyph, seg in segments:
        cs = canon(seg)
        for o in opts:
            co = canon(o)
            if co and fits(cs, co) and o not in seen:
                seen.add(o)
                if glyph in CHECKED:
                    chosen.add(o)
                break
        else:
            stray += glyph in CHECKED
    return chosen, seen, stray


def _is_box(t: str, i: int) -> bool:
    """'(' and '（' count as a box only where an option follows directly (the nm-amc '(否' quirk)."""
    ch = t[i]
    if ch in "(（":
        before = t[i - 1] if i else " "
        return before in " \u3000\n\t□" and i + 1 < len(t) and t[i + 1] not in "）)"
    if ch in "R×þ":
        return i + 1 < len(t) and not t[i + 1].isascii()
    return True
