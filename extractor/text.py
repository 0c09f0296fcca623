"""Text helpers every stage shares: the forms of a text, fuzzy label scores, years, tick-box glyphs, blanks.

Pure functions. The forms of a text, from the lightest touch to the strongest:

==================  ==========================================================================================
:func:`visible`     invisible format characters removed (every loader's text goes through it)
:func:`trim_lines`  each line trimmed, blank lines dropped; characters kept as typed (narratives, text values)
:func:`clean`       :func:`visible` + NFKC (full-width digits and punctuation → ASCII) + :func:`trim_lines`:
                    the text a value is parsed from (numbers, dates, phones)
:func:`compact`     NFKC, every whitespace removed, punctuation kept: two typed values compared (``same_value``)
:func:`squash`      display form of a heading: line breaks removed between CJK, runs of spaces made one
:func:`canon`       matching form of a label: NFKC, lower case, no spaces, punctuation or invisible characters
==================  ==========================================================================================
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from .thresholds import LABEL_SURE

_PUNCT = re.compile(r"[\s\u3000_:：,，.。、;；!！?？\"'“”‘’()（）\[\]【】<>《》〈〉—\-–~～·•…/／\\|]+")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


# Unicode format characters (category Cf): zero-width space / (non-)joiners, word joiner, BOM, soft hyphen,
# bidi marks and embeddings/isolates, … Nothing is printed for them, so they are never part of a value or a label.
_FORMAT_CHARS = re.compile("[%s]" % "".join(
    re.escape(chr(cp)) for cp in [*range(0x10000), *range(0xE0000, 0xE0080)] if unicodedata.category(chr(cp)) == "Cf"))


def visible(text: str) -> str:
    """The text as printed: invisible format characters (U+200B, U+FEFF, U+00AD, U+200E, U+202A–U+202E, …) removed.

    Every loader's text goes through this before parsing and matching (:func:`canon`, :func:`clean`)."""
    return _FORMAT_CHARS.sub("", text) if text else text


def trim_lines(text: str) -> str:
    """Each line trimmed (spaces, tabs, U+3000), blank lines dropped; nothing else changed."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def clean(raw: str) -> str:
    """The text a value is parsed from: invisible format characters removed (:func:`visible`), NFKC (full-width
    digits and punctuation → ASCII), U+3000 made a space, then :func:`trim_lines` (line breaks kept)."""
    return trim_lines(unicodedata.normalize("NFKC", visible(raw)).replace("\u3000", " "))


def compact(value: object) -> str:
    """Two typed values compared: NFKC (width ignored) and every whitespace removed; punctuation and case kept."""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


@lru_cache(maxsize=65536)
def canon(text: str) -> str:
    """Matching form of a label: NFKC (full-width → ASCII), lower-case, no spaces, punctuation or invisible characters."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", visible(text))).lower()


def squash(text: str) -> str:
    """Display form of a heading: line breaks (and the spaces around them) removed, other runs of spaces made one."""
    t = re.sub(r"[ \t\u3000]*\n[ \t\u3000]*", "", text.strip())
    return re.sub(r"[ \t\u3000]+", " ", t)


def shift_years(text: str, delta: int) -> str:
    """Every year (1900–2099, not part of a longer number) moved by ``delta``."""
    if not delta:
        return text
    return YEAR.sub(lambda m: str(int(m.group(1)) + delta), text)


def years(text: str) -> list[int]:
    """The years written in ``text``, in order."""
    return [int(y) for y in YEAR.findall(text)]


def limit_of(text: str) -> int | None:
    """The character limit printed in a heading or label: '（1000字以内）' → 1000."""
    m = re.search(r"(\d{2,5})\s*字", text)
    return int(m.group(1)) if m else None


_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=65536)
def _numbers(c: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Digit runs and years of a canonical label (memoised: labels are compared many times)."""
    if not any(ch.isdigit() for ch in c):
        return (), ()
    return tuple(_DIGITS.findall(c)), tuple(YEAR.findall(c))


def digits_conflict(ca: str, cb: str) -> bool:
    """Whether two canonical labels name different things by their numbers.

    ``2023年`` is not ``2024年`` and ``2020年12月31日`` is not ``2021年12月31日``, however
    close their letters (issue 8, item 4). The digit runs of the two labels conflict when
    both have years and the years differ, or when both have the same number of runs and a
    run differs. One label's runs being a part of the other's (``（200字以内）`` deleted by
    the applicant) is no conflict: the fuzzy score decides and flags that.
    """
    (da, ya), (db, yb) = _numbers(ca), _numbers(cb)
    if da == db:
        return False
    if ya and yb and ya != yb:
        return True
    if len(da) == len(db):
        return True
    short, long_ = (da, db) if len(da) < len(db) else (db, da)
    it = iter(long_)
    return not all(any(x == y for y in it) for x in short)


@lru_cache(maxsize=262144)
def score(a: str, b: str) -> float:
    """Similarity 0–1 of two labels in canonical form; 0 when their numbers conflict (:func:`digits_conflict`)."""
    ca, cb = canon(a), canon(b)
    if not ca or not cb:
        return 0.0
    if ca == cb:
        return 1.0
    if _numbers(ca)[0] != _numbers(cb)[0] and digits_conflict(ca, cb):
        return 0.0
    return fuzz.ratio(ca, cb) / 100.0


@lru_cache(maxsize=262144)
def line_score(cell_text: str, label: str) -> float:
    """How well a cell carries ``label``: the whole text, or one of its lines / its part before '：'."""
    best = score(cell_text, label)
    if best >= 1.0 or "\n" not in cell_text and "：" not in cell_text and ":" not in cell_text:
        return best
    cl = canon(label)
    for line in re.split(r"\n+", cell_text):
        for part in (line, re.split(r"[：:]", line, maxsplit=1)[0]):
            c = canon(part)
            if c:
                # a label that is only one line of a larger cell ranks below a cell that is the label
                if c == cl:
                    best = max(best, LABEL_SURE)
                elif _numbers(c)[0] == _numbers(cl)[0] or not digits_conflict(c, cl):
                    best = max(best, LABEL_SURE * fuzz.ratio(c, cl) / 100.0)
    return best


# ---------------------------------------------------------------- tick boxes and blanks
CHECKED = set("☑■√✓✔☒⊠▣●✗✘×Rþ")
UNCHECKED = set("□☐○◯(（")
BOXES = CHECKED | UNCHECKED
PLACEHOLDER = re.compile(r"^[\sPpXx×/／页（）()下同、，,.…]*$")


def is_blank(text: str) -> bool:
    """Nothing typed: empty, underscores, dots or the form's placeholder (``XX``, ``X页``, ``（）``)."""
    t = text.replace("_", "").strip()
    if re.fullmatch(r"[.…。·\s]*", t):
        return True
    return not t or bool(PLACEHOLDER.match(t)) and bool(re.search(r"[Xx]", t)) or not re.sub(r"[\s_]", "", t)
