"""The form's printed guidance in a writing box (instruction lines, wrapped or joined by the layout or the
OCR), told from the applicant's text and removed."""
from __future__ import annotations

import re
from itertools import accumulate

from rapidfuzz import fuzz, process

from ..text import canon, line_score, trim_lines

GUIDANCE_SCORE = 0.9  # a line (or run of wrapped lines) this close to a printed guidance line is the guidance
MAX_WRAP = 8  # a printed guidance line may come wrapped over at most this many text lines (OCR, PDF layout)
MAX_JOINED = 3  # ... and at most this many printed guidance lines may come joined into one text line


def strip_guidance(text: str, guidance: list[str]) -> str:
    """Drop the form's printed guidance from a box's text: each guidance line, whole, wrapped over several
    lines of the text (a scan or a PDF keeps the printed line breaks) or joined with the next printed lines
    into one, is removed where the run of lines that best matches it scores at least ``GUIDANCE_SCORE``;
    the applicant's lines stay."""
    if not guidance:
        return trim_lines(text)
    printed = [g for gline in guidance for g in gline.splitlines() if canon(g)]
    # consecutive printed lines may come as one text line (a scan's layout joined them)
    variants = [canon("".join(printed[k:k + n])) for n in range(1, MAX_JOINED + 1) for k in range(len(printed) - n + 1)]
    longest = max((len(v) for v in variants), default=0)
    lines = [line for line in text.splitlines() if canon(line)]
    keep = []
    i = 0
    while i < len(lines):
        if any(line_score(lines[i], g) >= GUIDANCE_SCORE for g in printed):
            i += 1
            continue
        if not keep and guidance_tail(lines[i], variants):  # a printed line's end, its start on the page before
            i += 1
            continue
        rest = guidance_prefix(lines[i], variants)
        if rest is not None:  # the guidance ran on into the applicant's first line (joined where it reached the edge)
            lines[i] = rest
            if not canon(rest):
                i += 1
                continue
        best, end, joined = 0.0, i, ""
        for j in range(i, min(len(lines), i + MAX_WRAP)):
            joined += canon(lines[j])
            if len(joined) > 1.2 * longest:
                break
            hit = process.extractOne(joined, variants, scorer=fuzz.ratio)
            if hit is not None and hit[1] / 100.0 > best:
                best, end = hit[1] / 100.0, j
        if best >= GUIDANCE_SCORE:
            i = end + 1
            continue
        keep.append(lines[i])
        i += 1
    return trim_lines("\n".join(keep))


GUIDANCE_PREFIX_MIN = 12  # characters (canonical): a shorter guidance line is never cut off the start of a line
# share of a guidance line's length by which the cut may fall short of it or run past it (characters the OCR
# dropped or added): the best-scoring cut in that range is taken, so dropped characters never cost the answer's
GUIDANCE_PREFIX_SLACK = 0.25


def guidance_prefix(line: str, variants: list[str]) -> str | None:
    """The rest of ``line`` when it starts with printed guidance followed by more text, else None.

    ``variants``: canonical guidance lines (single or joined). The start of the line whose canonical length is
    that of a variant give or take ``GUIDANCE_PREFIX_SLACK`` of it (characters the OCR dropped or added) must
    score at least ``GUIDANCE_SCORE`` against it; variants shorter than ``GUIDANCE_PREFIX_MIN`` characters are not tried.
    Punctuation right after the cut (the guidance's own '。') goes with the guidance."""
    pos = [k for k, ch in enumerate(line) if canon(ch)]  # index in ``line`` of each canonical character
    heads = list(accumulate(canon(line[k]) for k in pos))  # heads[m - 1]: the canonical first m characters
    best, cut = 0.0, None
    for v in variants:
        n = len(v)
        if n < GUIDANCE_PREFIX_MIN:
            continue
        slack = max(1, int(n * GUIDANCE_PREFIX_SLACK))
        for m in range(max(1, n - slack), min(len(pos) - 1, n + slack) + 1):
            sc = fuzz.ratio(heads[m - 1], v) / 100.0
            if sc > best:
                best, cut = sc, pos[m - 1] + 1
    if cut is None or best < GUIDANCE_SCORE:
        return None
    return re.sub(r"^[\s。．.，,；;：:、]+", "", line[cut:])


def guidance_tail(line: str, variants: list[str]) -> bool:
    """``line`` is the end of a printed guidance line whose start is elsewhere (the page before, when a box runs
    over a page break): at least ``GUIDANCE_PREFIX_MIN`` canonical characters that score ``GUIDANCE_SCORE``
    against as many last characters of a variant (``variants``: canonical guidance lines, single or joined).
    Only tried before the first line of the applicant's text."""
    c = canon(line)
    if len(c) < GUIDANCE_PREFIX_MIN:
        return False
    return any(len(v) > len(c) and fuzz.ratio(c, v[-len(c):]) / 100.0 >= GUIDANCE_SCORE for v in variants)

