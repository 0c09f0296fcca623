"""PDF text from characters: the page's characters (:class:`Ch`) → visual lines (:class:`Line`) → paragraphs
(:class:`Para`).

* Character text (Wingdings tick boxes → ☑/□, :mod:`..symbols`), characters drawn twice (fake bold) removed.
* Lines: characters grouped by their vertical centre, spaces from the gaps between them.
* Paragraphs: a line that runs to the right edge of its cell / text area (or is as full as its column allows)
  continues in the next line (a wrapped Word paragraph); wrapped lines are joined back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..symbols import pdf_symbol

# a line ending in one of these ends its paragraph (guidance text, then the answer)
SENTENCE_END = set("。：；！？:;!?")
# closing punctuation: may hang past the right margin, goes with the character before it when a line wraps
PUNCT = set("，。、；：？！）》」』”’,.;:?!)%")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


@dataclass
class Ch:
    """One character of the page (PDF points, top-left origin, y down)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    ox: float | None = None  # the glyph's origin (text matrix e, f: PDF user space), when known
    oy: float | None = None
    adv: float | None = None  # its width along the text direction (pt)
    font: str = ""
    prob: float = 1.0  # how sure the text is: 1.0 from a trusted text layer, the OCR probability otherwise
    note: str = ""  # why it is doubtful (an untrusted font read by OCR, ...)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Line:
    """A visual line: characters on one vertical band, left to right; ``text`` with spaces for the gaps."""

    chars: list[Ch]
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    text: str = ""


@dataclass
class Para:
    """A paragraph: lines joined where one wrapped into the next."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    lines: list[Line] = field(default_factory=list)


def char_text(c: dict) -> str:
    """The text of a pdfplumber character, Wingdings boxes and ticks as Unicode."""
    return pdf_symbol(c["text"], c.get("fontname", ""))


# fake bold / shadowed text: the same character drawn again with its origin moved by less than DUP_SHIFT of its
# width is one character (fake bold offsets are a few % of the width; a real repeat, 11 or 平平, is a whole width)
DUP_SHIFT = 0.3


def dedupe(chars: list[Ch]) -> list[Ch]:
    """Drop characters drawn twice at (almost) the same place: fake bold, shadowed text, any script, any font
    (a PDF writer may draw the second copy with another font, whose ascent moves ``top``: the origin is used)."""
    seen: dict[str, list[Ch]] = {}
    out = []
    for c in chars:
        same = seen.setdefault(c.text, [])
        if any(_same_place(o, c) for o in same):
            continue
        same.append(c)
        out.append(c)
    return out


def _same_place(a: Ch, b: Ch) -> bool:
    w = max(a.adv or (a.x1 - a.x0), b.adv or (b.x1 - b.x0), 0.1)
    if a.ox is not None and b.ox is not None:
        dx, dy = a.ox - b.ox, a.oy - b.oy
    else:
        dx, dy = a.x0 - b.x0, a.bottom - b.bottom
    return dx * dx + dy * dy < (DUP_SHIFT * w) ** 2


def chars_to_lines(chars: list[Ch]) -> list[Line]:
    """Group characters into visual lines, top to bottom, each left to right."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda c: (c.top, c.x0))
    groups: list[list[Ch]] = []
    spans: list[list[float]] = []  # [top, bottom] of each open line
    for c in chars:
        cy = c.cy
        placed = False
        for i in range(len(groups) - 1, max(-1, len(groups) - 4), -1):
            t, b = spans[i]
            if t - 0.5 <= cy <= b + 0.5:
                groups[i].append(c)
                if c.text.strip():
                    spans[i][0] = min(t, c.top)
                    spans[i][1] = max(b, c.bottom)
                placed = True
                break
        if not placed:
            groups.append([c])
            spans.append([c.top, c.bottom])
    out = []
    for g in groups:
        g.sort(key=lambda c: c.x0)
        ink = [c for c in g if c.text.strip()]
        if not ink:
            continue
        if len(ink) < len(g):
            g = _real_spaces(g)
        parts: list[str] = []
        prev: Ch | None = None
        for c in g:
            if prev is not None and c.text != " " and prev.text != " ":
                gap = c.x0 - prev.x1
                size = max(c.size, prev.size, 1.0)
                latin = prev.text.isascii() and c.text.isascii()
                if gap > (0.3 if latin else 1.0) * size:
                    parts.append(" " * max(1, min(4, int(round(gap / max(0.5 * size, 1.0))))))
            parts.append(c.text)
            prev = c
        text = "".join(parts).strip()
        size = max(c.size for c in ink)
        out.append(Line(g, min(c.x0 for c in ink), min(c.top for c in ink), max(c.x1 for c in ink),
                        max(c.bottom for c in ink), size, text))
    out.sort(key=lambda l: (l.top, l.x0))
    return out


def _real_spaces(g: list[Ch]) -> list[Ch]:
    """Drop space glyphs drawn over their neighbours (LibreOffice writes them around underlined runs),
    and runs of spaces: one space stands for a gap."""
    out: list[Ch] = []
    for i, c in enumerate(g):
        if c.text.strip():
            out.append(c)
            continue
        w = max(c.x1 - c.x0, 0.1)
        prev = next((x for x in reversed(g[:i]) if x.text.strip()), None)
        nxt = next((x for x in g[i + 1:] if x.text.strip()), None)
        if prev is not None and prev.x1 - c.x0 > 0.4 * w or nxt is not None and c.x1 - nxt.x0 > 0.4 * w:
            continue
        if out and not out[-1].text.strip():
            continue
        out.append(c)
    return out


def first_token_width(line: Line, after: Line | None = None) -> float:
    """Width of what could not fit at the end of the previous line (``after``): a CJK char (plus closing
    punctuation) or a word (plus the extra space set between CJK and Latin text)."""
    ink = [c for c in line.chars if c.text.strip()]
    if not ink:
        return 0.0
    first = ink[0]
    if _ASCII_WORD.match(first.text):
        end = first.x1
        for c in ink[1:]:
            if c.x0 - end > 0.2 * c.size or not _ASCII_WORD.match(c.text) and c.text not in ".,-%)":
                break
            end = c.x1
        extra = 0.25 * first.size if after is not None and after.text and not after.text[-1].isascii() else 0.0
        return end - first.x0 + extra
    w = first.x1 - first.x0
    if len(ink) > 1 and ink[1].text in PUNCT:
        w += ink[1].x1 - ink[1].x0
    return w


def _wraps(prev: Line, nxt: Line, right: float | None = None, width: float | None = None) -> bool:
    """Does ``prev`` continue in ``nxt``: it ran up to the right edge ``right`` (page text), or it is as
    full as a column ``width`` wide allows (cell text, whatever its alignment)?"""
    if nxt.top < prev.bottom - 1:  # not below
        return False
    if nxt.top - prev.bottom > 1.8 * max(prev.size, nxt.size):
        return False
    if abs(prev.size - nxt.size) > 1.5:
        return False
    if prev.text[-1] in SENTENCE_END:
        return False  # a sentence ends at the edge: taken as the end of its paragraph (guidance, then the answer)
    if width is not None:
        return fills(prev, nxt, width, right)
    if prev.x0 - nxt.x0 > 2.5 * max(prev.size, nxt.size):
        return False
    # page text: ``right`` is the margin itself; the next word must really not have fitted
    return right - prev.x1 < first_token_width(nxt, prev) - 0.02 * max(prev.size, nxt.size)


def fills(prev: Line, nxt: Line, width: float, right: float | None = None) -> bool:
    """Would the first word of ``nxt`` have overflowed ``prev``: past the right edge ``right`` of a left-aligned
    or justified line, or (whatever the alignment) out of a column ``width`` wide? Then ``prev`` wrapped."""
    token, size = first_token_width(nxt), max(prev.size, nxt.size)
    if prev.x0 - nxt.x0 > 2.5 * size:
        return False  # the line above starts far right of this one (right-aligned, a diagonal header)
    if right is not None and right - prev.x1 < token + 0.25 * size:
        return True
    return (prev.x1 - prev.x0) + token > width - 0.35 * size


def join_wrapped(a: str, b: str, room: float = 0.0, size: float = 10.0) -> str:
    """Join a wrapped line to the next: a space between Latin words, none inside a word broken at the edge."""
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha() and room > 0.6 * size:
        return a + " " + b
    return a + b


def lines_to_paragraphs(lines: list[Line], right: float | None = None, width: float | None = None,
                left: float | None = None) -> list[Para]:
    """Lines → paragraphs. ``left``: a wrapped page paragraph goes on at the left margin."""
    out: list[Para] = []
    for ln in lines:
        if out and (left is None or ln.x0 <= max(left, out[-1].lines[-1].x0) + 0.6 * ln.size) \
                and _wraps(out[-1].lines[-1], ln, right, width):
            p = out[-1]
            last = p.lines[-1]
            room = (right - last.x1) if right is not None else 0.0
            p.text = join_wrapped(p.text, ln.text, room, ln.size)
            p.x0, p.x1 = min(p.x0, ln.x0), max(p.x1, ln.x1)
            p.bottom = max(p.bottom, ln.bottom)
            p.lines.append(ln)
        else:
            out.append(Para(ln.text, ln.x0, ln.top, ln.x1, ln.bottom, ln.size, [ln]))
    return out
