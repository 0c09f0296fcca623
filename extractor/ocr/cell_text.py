"""A cell's recognised lines → its text, by geometry and wording only (no engine, no confidence).

* Segments of one visual line are joined with a space, visual lines with "\\n", except where a line ran to the
  cell's right edge and wrapped (joined directly, as the typed text was): :func:`join_lines`.
* What the recogniser reads either way for one printed glyph is written as a typist would: 一 / — where only a
  dash makes sense (:func:`fix_dashes`), brackets and punctuation in the width of the text around them, straight
  quotes closing curly ones (:func:`cjk_punct`).

Lines are ``items`` as made by :func:`extractor.ocr.assemble._region_texts`: (band, box in page pixels, text, …);
``text_h`` is the page's text height in pixels.
"""
from __future__ import annotations

import re


def line_end(ends: list[float], right_edge: float, text_h: float) -> float:
    """Where wrapped lines end: the right-most end shared by two lines (justified text), else near the edge."""
    ends = sorted((e for e in ends if e >= right_edge - 3 * text_h), reverse=True)
    for a, b in zip(ends, ends[1:]):
        if a - b <= 0.4 * text_h:
            return a
    return right_edge - 0.5 * text_h


def join_lines(items: list, right_edge: float | None, text_h: float, left_edge: float | None = None) -> str:
    """Segments of one band joined by a space; bands by "\\n", or directly where the previous one wrapped."""
    bands: list[tuple[int, list]] = []
    for it in items:
        if bands and bands[-1][0] == it[0]:
            bands[-1][1].append(it)
        else:
            bands.append((it[0], [it]))
    if right_edge is not None:
        wrap_at = line_end([max(s[1][2] for s in segs) for _, segs in bands], right_edge, text_h) - 1.5 * text_h
    out = ""
    prev_x0 = prev_x1 = None
    for _, segs in bands:
        line = ""
        for s in segs:
            t = s[2].strip()
            if not t:
                continue
            line = f"{line} {t}" if line else t
        if not line:
            continue
        x0 = min(s[1][0] for s in segs)
        x1 = max(s[1][2] for s in segs)
        if out:
            wrapped = right_edge is not None and prev_x1 is not None and prev_x1 >= wrap_at \
                and (left_edge is None or prev_x0 <= left_edge + 2.2 * text_h)
            indented = left_edge is not None and x0 > left_edge + 1.5 * text_h
            if indented and right_edge is not None and abs((x0 + x1) / 2 - (left_edge + right_edge) / 2) < text_h:
                indented = False  # centred text: the rest of a wrapped line, not a new indented paragraph
            sep = "" if wrapped and not indented and not starts_item(line) and not KEY_LINE.match(line) else "\n"
            if sep == "" and _latin_edge(out, line):
                sep = ""
            out += sep + line
        else:
            out = line
        prev_x0, prev_x1 = x0, x1
    return out


# 一 (one) and — (dash) print alike; where only a dash makes sense, it is a dash
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=[\d.])一(?=\s*\d)")
_DASH_ONLY = re.compile(r"^\s*(一{1,2})\s*$")
DASH_WORDS = {"中国一东盟": "中国—东盟", "中国一中亚": "中国—中亚", "中国一阿拉伯": "中国—阿拉伯", "中国一东欧": "中国—东欧"}


# a date as typed in a period: 2025年7月 / 2025.07 / 2025-7-1 / 2025/07 (a period is a pair of these)
_DATE = r"(?:19|20)\d{2}\s*(?:[年.．/-]\s*\d{1,2}\s*月?(?:\s*[.．/-]?\s*\d{1,2}\s*日?)?|年)?"
# 一 between two dates is the period's dash (一 never stands there: "2025年7月一2028年12月")
_DASH_BETWEEN_DATES = re.compile(rf"({_DATE})\s*一\s*(?=(?:19|20)\d{{2}})")
# two dates and nothing between them but a line break or spaces: the period's dash was not read
BARE_PERIOD = re.compile(rf"^\s*{_DATE}\s+{_DATE}\s*$")


_DOUBLE_MARK = re.compile(r"(?<=\d)(?:,\.|\.,)(?=\d)")


def fix_dashes(text: str) -> str:
    """一 (one) read where only a dash makes sense (between digits, between the two dates of a period, alone in a
    cell, in a few fixed names) becomes the dash; a comma read beside the point between two digits ('2024,.05',
    one mark read twice) is the point."""
    text = _DOUBLE_MARK.sub(".", text)
    text = _DASH_BETWEEN_DATES.sub(lambda m: m.group(1).rstrip() + "—", text)
    text = _DASH_BETWEEN_DIGITS.sub("—", text)
    m = _DASH_ONLY.match(text)
    if m:
        return "—" * len(m.group(1))
    for k, v in DASH_WORDS.items():
        text = text.replace(k, v)
    return text


_FULL = {"(": "（", ")": "）", ":": "：", ",": "，", ";": "；", "?": "？", "!": "！"}
_HALF = {v: k for k, v in _FULL.items()}


def _cjk(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e"
                         or ch in "“”‘’…—")


def cjk_punct(text: str) -> str:
    """Brackets and punctuation in the width a Chinese typist uses: full width next to CJK text, ASCII
    between ASCII (the recogniser picks either for the same printed glyph). A closing bracket takes
    the width of its opening one."""
    out = list(text)
    stack: list[bool] = []
    for i, ch in enumerate(out):
        half = _HALF.get(ch, ch)
        if half not in _FULL:
            continue
        prev = next((c for c in reversed(out[:i]) if not c.isspace()), "")
        nxt = next((c for c in text[i + 1:] if not c.isspace()), "")
        if half == "(":
            full = _cjk(prev) or (not prev and _cjk(nxt)) or (prev in "（(" and _cjk(nxt))
            stack.append(full)
        elif half == ")":
            full = stack.pop() if stack else (_cjk(prev) or _cjk(nxt))
        elif half == ",":
            full = _cjk(prev) or (_cjk(nxt) and not prev.isdigit())
        else:
            full = _cjk(prev)
        out[i] = _FULL[half] if full else half
    return _pair_quotes("".join(out))


def _pair_quotes(text: str) -> str:
    """A straight '"' closing a '“' opened before it is the closing '”' (the recogniser reads the same printed
    glyph either way): '新“小巨人"' → '新“小巨人”'. A '"' with no '“' open before it is left alone."""
    out, open_ = [], False
    for ch in text:
        if ch == "“":
            open_ = True
        elif ch == "”":
            open_ = False
        elif ch == '"' and open_:
            ch, open_ = "”", False
        out.append(ch)
    return "".join(out)


ITEM = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十\d]+[)）、.．]|第[一二三四五六七八九十]+部分|[□☑■])")


KEY_LINE = re.compile(r"^[^：:，。]{2,14}[：:]")  # "集群名称：…" starts a line of its own


def starts_item(line: str) -> bool:
    return bool(ITEM.match(line))


def _latin_edge(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a[-1].isascii() and b[0].isascii()


# characters of one script the recogniser reads for a look-alike of the other, decided by the neighbours in the
# cell's joined text (a line is read in pieces, so a piece's own ends say nothing): a Latin 'I' between two
# ideographs is 工 (荷塘I业 → 荷塘工业); an ideograph 丁 right after a Latin capital ends that Latin word, it is
# 'T' (IGB丁模块 → IGBT模块). Never at the text's start, nor beside other scripts.
TO_IDEOGRAPH = {"I": "工"}
TO_LATIN = {"丁": "T"}
LOOKALIKE_PROB = 0.6
"""A cell with a look-alike put right is read with at most this probability (below ``assemble.CHAR_OK``: the value
is reviewed, the character is ours, not the recogniser's)."""


def cross_script(text: str) -> tuple[str, int]:
    """``text`` with each look-alike of the other script put right (:data:`TO_IDEOGRAPH` between two
    ideographs, :data:`TO_LATIN` right after a Latin capital), and how many were."""
    t = list(text)
    n = 0
    for i in range(1, len(t)):
        a, b = t[i - 1], t[i + 1] if i + 1 < len(t) else ""
        new = (TO_IDEOGRAPH.get(t[i]) if _cjk_ideograph(a) and _cjk_ideograph(b) else
               TO_LATIN.get(t[i]) if a.isascii() and a.isupper() else None)
        if new:
            t[i] = new
            n += 1
    return "".join(t), n


def _cjk_ideograph(ch: str) -> bool:
    return len(ch) == 1 and "\u4e00" <= ch <= "\u9fff"


TRADITIONAL_PROB = 0.6
"""A cell with traditional characters the recogniser read, taken as simplified, is read with at most this
probability (below ``assemble.CHAR_OK``: reviewed). The recogniser's dictionary holds both scripts and reads
静 as 靜 at high probability (崔靜, 姚靜 `ok` on a fresh user's scans); the forms are filled in simplified."""


def simplified(text: str) -> tuple[str, str]:
    """``text`` in simplified characters (MediaWiki's conversion tables through ``zhconv``, phrase-aware: 乾坤
    stays, 乾隆 stays, 後來 → 后来) and the traditional characters replaced, in order ('' when none)."""
    if text.isascii():
        return text, ""
    from zhconv import convert

    out = convert(text, "zh-hans")
    if out == text:
        return text, ""
    kept = set(out)
    return out, "".join(dict.fromkeys(ch for ch in text if ch not in kept))


def put_right(text: str) -> tuple[str, list[float], list[str]]:
    """A cell's or paragraph's joined text with its look-alikes (:func:`cross_script`) and traditional characters
    (:func:`simplified`) put right; the probabilities that doubt it (:data:`LOOKALIKE_PROB`,
    :data:`TRADITIONAL_PROB`, one per kind of fix made) and the notes saying why."""
    text, fixed = cross_script(text)
    text, traditional = simplified(text)
    probs = ([LOOKALIKE_PROB] if fixed else []) + ([TRADITIONAL_PROB] if traditional else [])
    notes = [f"OCR: traditional characters read ({traditional}), taken as simplified"] if traditional else []
    return text, probs, notes
