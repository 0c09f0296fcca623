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

from ..text import BOXES, CHECKED, canon, clean, is_blank, trim_lines, visible  # noqa: F401 - is_blank re-exported
from .grammar import (EMPTY_TOKENS, NUMBER, NUMBER_HEAD, UNIT_ALT, UNITS, UNSURE_NUMBER,  # noqa: F401 - re-exported
                      digit_groups_doubt)
from .recognised import MISREAD_ONE, SALVAGED, lost_point, one_misread, salvage_number, stray_spaces



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
    if vtype == "pages" and salvage and (misread := one_misread(trim_lines(visible(raw)))):
        p = Parsed(value=misread[0], unit=unit)
        p.doubt(misread[1], MISREAD_ONE)
        return p
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


def _number_core(t: str, unit: str | None, vtype: str, salvage: bool = False) -> Parsed:
    p = Parsed(unit=unit)
    t0 = t.replace("％", "%").replace("，", ",")
    why = digit_groups_doubt(t0)
    if why:
        return _doubted_digits(t0, why, unit, vtype, salvage)
    m0 = NUMBER_HEAD.match(t0)
    if m0:  # thousands separators of the leading number dropped (checked above)
        t0 = m0.group(1) + m0.group(3).replace(",", "").replace(" ", "") + (m0.group(4) or "") + t0[m0.end():]
    s = t0.replace(" ", "")
    if unit and unit not in UNITS and s.endswith(unit) and len(s) > len(unit):
        s = s[: -len(unit)]  # a unit word the map declares for this place (e.g. 台) but the vocabulary lacks
    m = NUMBER.match(s)
    if not m or (m.group(2) is None and m.group(3) is None):
        # repair: a number followed by a trailing note, e.g. "12（估算）"
        # only a bracketed note may follow the number: "12（估算）"; anything else is not a number
        m2 = re.match(rf"^([+-]?\d[\d,]*(?:\.\d+)?)\s*({UNIT_ALT})?([（(].*)$", s)
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


def _doubted_digits(t0: str, why: str, unit: str | None, vtype: str, salvage: bool) -> Parsed:
    """A number whose digit groups are doubted (``why``, :func:`digit_groups_doubt`): on recognised text the one
    reading that makes a number (:func:`lost_point`, :func:`stray_spaces`), offered for review; otherwise no
    value — the digits are there but we cannot tell which number they make — with the raw text kept."""
    for reading, how in ((lost_point(t0), "the last separator taken for the decimal point"),
                         (stray_spaces(t0), "the spaces dropped")) if salvage else ():
        q = _number_core(reading, unit, vtype) if reading is not None else Parsed()
        if q.value is not None:
            q.doubt(f"{why}: read as {reading!r}, {how}", UNSURE_NUMBER)
            return q
    p = Parsed(unit=unit)
    p.doubt(why, UNSURE_NUMBER)
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
