"""Is the text layer what the page shows? Checks of a PDF's characters against the printed page.

* Background text (:func:`background`): characters turned off the page axes (a diagonal watermark), drawn in a
  colour much lighter than the page's body text (grey watermarks, white text), or far larger than the body text
  are no part of any cell or heading.
* Fonts whose ToUnicode map cannot be trusted (:class:`FontCheck`): a font that maps glyphs to private-use code
  points, or whose map disagrees with the glyphs it draws (a font whose 3 and 8 are swapped). A small sample of
  each font's text (its digits first) is rendered with pdfium and recognised by the OCR engine, once per font and
  document; :func:`judge` compares the two readings (pure, tested on stored recognition output). Text in an
  untrusted font is read by OCR of its own bounding box, each character carrying the recogniser's probability
  and a note saying why, so the cell is ``review`` unless the reading is sure.
* Hidden text layers (:func:`hidden_text_layer`): a page whose text is all invisible (render mode 3 or 7, as
  scanners and "searchable PDF" tools write their OCR layer) or lies under a page-sized image is a scan: another
  tool's OCR layer is not trusted as printed text, the page goes through our OCR path.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

# --- background text -----------------------------------------------------------------------------------------
SKEW_DEG = 3.0  # text turned more than this (degrees) off 0/90/180/270 is not body text (a diagonal watermark)
LIGHT = 0.6  # fill lightness (0 black .. 1 white) from which text is background ...
LIGHTER = 0.4  # ... when it is also this much lighter than the page's body text (grey 0.75 watermark vs black)
BIG_TEXT = 3.0  # characters more than this many times the page's body text size (its median) are background


def _lightness(color) -> float | None:  # noqa: ANN001
    """0 (black) .. 1 (white) of a pdfplumber colour: grey, RGB or CMYK tuple; None when unknown (patterns)."""
    if color is None:
        return 0.0  # the default fill is black
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not all(isinstance(v, (int, float)) for v in color):
        return None
    if len(color) == 1:
        return float(color[0])
    if len(color) == 3:
        r, g, b = color
    elif len(color) == 4:
        c, m, y, k = color
        r, g, b = (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    else:
        return None
    return 0.299 * r + 0.587 * g + 0.114 * b


def skew_of(matrix) -> float:  # noqa: ANN001
    """How far (degrees) the text direction of a character matrix is off the nearest page axis."""
    a, b = float(matrix[0]), float(matrix[1])
    if a == 0 and b == 0:
        return 0.0
    deg = math.degrees(math.atan2(b, a)) % 90.0
    return min(deg, 90.0 - deg)


def body_style(chars: list[dict]) -> tuple[float, float]:
    """The page's body text: median size and median fill lightness of its axis-aligned characters."""
    sizes = sorted(float(c.get("size") or 0.0) for c in chars if skew_of(c["matrix"]) <= SKEW_DEG)
    lights = sorted(v for c in chars if skew_of(c["matrix"]) <= SKEW_DEG
                    for v in [_lightness(c.get("non_stroking_color"))] if v is not None)
    size = sizes[len(sizes) // 2] if sizes else 0.0
    light = lights[len(lights) // 2] if lights else 0.0
    return size, light


def background(c: dict, body_size: float, body_light: float) -> str | None:
    """Why a character is background (watermark) rather than text of the form, or None."""
    if skew_of(c["matrix"]) > SKEW_DEG:
        return "turned off the page axes"
    v = _lightness(c.get("non_stroking_color"))
    if v is not None and v >= LIGHT and v - body_light >= LIGHTER:
        return "light colour"
    size = float(c.get("size") or 0.0)
    if body_size > 0 and size > BIG_TEXT * body_size:
        return "far larger than the body text"
    return None


# --- fonts whose map cannot be trusted ------------------------------------------------------------------------
def is_private_use(ch: str) -> bool:
    o = ord(ch)
    return 0xE000 <= o <= 0xF8FF or o >= 0xF0000


# fonts a viewer draws from the code's standard meaning (the standard 14 and Adobe's predefined CJK fonts, never
# embedded): the glyph on screen follows the text, so a sample cannot disagree; embedded fonts (subset or not) are
# checked
STANDARD_FONTS = {
    "courier", "courier-bold", "courier-oblique", "courier-boldoblique", "helvetica", "helvetica-bold",
    "helvetica-oblique", "helvetica-boldoblique", "times-roman", "times-bold", "times-italic", "times-bolditalic",
    "symbol", "zapfdingbats", "stsong-light", "stsongstd-light", "adobesongstd-light", "msung-light",
    "mhei-medium", "stheiti-regular", "heiseimin-w3", "heiseikakugo-w5", "hysmyeongjo-medium", "hygothic-medium",
}
SYMBOL_FONT = re.compile(r"dings|symbol", re.I)  # pictures, not text: no reading to compare

SURE_DIGIT = 0.8  # a digit read as another digit with at least this probability: the map lies
SURE_CHAR = 0.9  # other characters: ...
MOSTLY = 0.5  # ... when at least this share of a sample of MIN_SAMPLE or more characters reads otherwise
MIN_SAMPLE = 3
MAX_CHECKS = 3  # sample runs recognised per font and document, at most (recognition costs ~3.5 ms a character)
SAMPLE_DIGITS = 6  # a sample: at most this many characters around a run's digits ...
SAMPLE_TEXT = 3  # ... or, in a font with no digits on the page, this many of its text
OCR_PX = 32.0  # character size (pixels) the samples and untrusted runs are rendered at


@dataclass
class Verdict:
    status: str  # agree | disagree | unsure
    detail: str = ""


def _plain(s: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", s))


def judge(layer: str, read: str, probs: list[float]) -> Verdict:
    """Compare the text layer of a sample with what the recogniser read on the rendered glyphs (``probs``: one
    per character of ``read``, spaces included as the recogniser gives them)."""
    pairs = [(ch, p) for ch, p in zip(read, probs) if not ch.isspace()]
    a = _plain(layer)
    b = "".join(unicodedata.normalize("NFKC", ch) for ch, _ in pairs)
    ps = [p for _, p in pairs]
    if a == b:
        return Verdict("agree")
    if len(a) != len(b) or len(b) != len(ps):
        return Verdict("unsure", f"text layer {layer!r}, printed {read!r}")
    diffs = [(x, y, p) for x, y, p in zip(a, b, ps) if x != y]
    digits = [(x, y) for x, y, p in diffs if x.isdigit() and y.isdigit() and p >= SURE_DIGIT]
    if digits:
        return Verdict("disagree", ", ".join(f"printed {y} where the text layer says {x}" for x, y in digits))
    sure = [(x, y) for x, y, p in diffs if p >= SURE_CHAR]
    if len(a) >= MIN_SAMPLE and len(sure) >= MOSTLY * len(a):
        return Verdict("disagree", f"text layer {layer!r}, printed {read!r}")
    return Verdict("unsure" if diffs else "agree", f"text layer {layer!r}, printed {read!r}" if diffs else "")


@dataclass
class Run:
    chars: list[dict]
    font: str
    open_left: bool = True  # nothing of the same line next to it on this side (the crop may take a margin)
    open_right: bool = True

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (min(c["x0"] for c in self.chars), min(c["top"] for c in self.chars),
                max(c["x1"] for c in self.chars), max(c["bottom"] for c in self.chars))

    @property
    def size(self) -> float:
        return max(float(c.get("size") or (c["bottom"] - c["top"])) for c in self.chars)


def runs(chars: list[dict]) -> list[Run]:
    """Upright left-to-right runs of one font: characters on one baseline, next to each other, in drawing order."""
    out: list[Run] = []
    cur: list[dict] = []
    for c in chars:
        m = c["matrix"]
        if not (m[0] > 0 and abs(m[1]) < 1e-6) or not c["text"].strip():
            if cur:
                out.append(Run(cur, cur[0]["fontname"]))
            cur = []
            continue
        if cur:
            p = cur[-1]
            size = max(float(p.get("size") or 1.0), 1.0)
            if (c["fontname"] != p["fontname"] or abs(c["bottom"] - p["bottom"]) > 0.3 * size
                    or not (-0.3 * size <= c["x0"] - p["x1"] <= 0.6 * size)):
                out.append(Run(cur, cur[0]["fontname"]))
                cur = []
        cur.append(c)
    if cur:
        out.append(Run(cur, cur[0]["fontname"]))
    return out


def _digits(s: str) -> set[str]:
    return {ch for ch in unicodedata.normalize("NFKC", s) if ch.isdigit()}


def _checkable(font: str) -> bool:
    base = font.split("+", 1)[-1].lower()
    return font.split("+", 1)[-1].lower() not in STANDARD_FONTS and not SYMBOL_FONT.search(base)


@dataclass
class FontState:
    verdict: str = "unchecked"  # unchecked | trusted | untrusted
    reason: str = ""
    seen: set = field(default_factory=set)  # digits (and characters) already compared
    checks: int = 0
    verdict_from_glyphs: bool = False  # untrusted because a sample's glyphs read otherwise (not only private use)


class FontCheck:
    """The fonts of one PDF, checked against their rendered glyphs once each; text of untrusted fonts read by OCR.

    ``cost`` adds up the seconds spent (rendering and recognition), for the benchmark."""

    def __init__(self, path) -> None:  # noqa: ANN001
        self.path = path
        self.fonts: dict[str, FontState] = {}
        self._pdf = None
        self._engine = None
        self.cost = 0.0
        self.recognised = 0

    # resources ---------------------------------------------------------------------------------------------
    def _page(self, number: int):  # noqa: ANN202
        import pypdfium2 as pdfium

        if self._pdf is None:
            self._pdf = pdfium.PdfDocument(str(self.path))
        return self._pdf[number - 1]

    def engine(self):  # noqa: ANN201
        if self._engine is None:
            from ...ocr.engines import get_engine

            self._engine = get_engine()
        return self._engine

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None

    # reading -----------------------------------------------------------------------------------------------
    def recognise(self, number: int, page_size: tuple[float, float], rs: list[Run]):  # noqa: ANN201
        """Render each run's box from page ``number`` and recognise it: (crop left in pt, scale, RecLine) each."""
        import time

        import numpy as np

        t0 = time.perf_counter()
        self.timing = getattr(self, "timing", {"render": 0.0, "recognise": 0.0})
        page = self._page(number)
        try:
            pw, ph = page.get_size()
            if abs(pw - page_size[0]) > 1 or abs(ph - page_size[1]) > 1:
                return None  # page boxes differ between the readers: no reliable crop
            crops, where = [], []
            for r in rs:
                x0, top, x1, bottom = r.bbox
                size = max(r.size, 1.0)
                scale = min(8.0, max(2.0, OCR_PX / size))
                padx, pady = 0.3 * size, 0.25 * size
                left = max(0.0, x0 - (padx if r.open_left else 0.0))
                right = min(pw, x1 + (padx if r.open_right else 0.0))
                up, down = max(0.0, top - pady), min(ph, bottom + pady)
                bm = page.render(scale=scale, crop=(left, ph - down, pw - right, up), grayscale=True)
                img = np.asarray(bm.to_pil().convert("L"))
                crops.append(img)
                where.append((left, scale))
            t1 = time.perf_counter()
            self.timing["render"] += t1 - t0
            recs = self.engine().recognize(crops) if crops else []
            self.timing["recognise"] += time.perf_counter() - t1
            self.recognised += len(crops)
            return [(lx, s, rec) for (lx, s), rec in zip(where, recs)]
        finally:
            page.close()
            self.cost += time.perf_counter() - t0

    def check(self, number: int, page_size: tuple[float, float], chars: list[dict]) -> None:
        """Decide the fonts of this page not yet decided (private-use code points, or a sample recognised)."""
        pending: dict[str, list[Run]] = {}
        for c in chars:
            st = self.fonts.setdefault(c["fontname"], FontState())
            if st.verdict != "untrusted" and len(c["text"]) == 1 and is_private_use(c["text"]) \
                    and not SYMBOL_FONT.search(c["fontname"]):
                st.verdict, st.reason = "untrusted", "maps glyphs to private-use code points"
        # per font: runs with digits not compared yet, most new digits first; else one short run of text
        cands: dict[str, list[tuple[int, Run]]] = {}
        for r in runs(chars):
            st = self.fonts[r.font]
            if st.verdict == "untrusted" or st.checks >= MAX_CHECKS or not _checkable(r.font):
                continue
            r = self._short(r)
            new = len(_digits(r.text) - st.seen)
            if new or (st.verdict == "unchecked" and len(r.text) >= MIN_SAMPLE):
                cands.setdefault(r.font, []).append((new, r))
        for font, rs in cands.items():
            st = self.fonts[font]
            for new, r in sorted(rs, key=lambda x: (-x[0], len(x[1].chars))):
                if st.checks >= MAX_CHECKS:
                    break
                if new and not (_digits(r.text) - st.seen):
                    continue  # its digits are covered by a run taken before
                if not new:
                    if pending.get(font) or st.seen:
                        break  # text samples only for a font not sampled yet
                    r = Run(r.chars[:SAMPLE_TEXT], r.font, r.open_left, len(r.chars) <= SAMPLE_TEXT)
                pending.setdefault(font, []).append(r)
                st.seen |= _digits(r.text) or {r.text}
                st.checks += 1
        todo = [r for rs in pending.values() for r in rs]
        if not todo:
            return
        got = self.recognise(number, page_size, todo)
        if got is None:
            return
        for r, (_, _, rec) in zip(todo, got):
            st = self.fonts[r.font]
            v = judge(r.text, rec.text, rec.probs)
            if v.status == "disagree":
                st.verdict, st.reason = "untrusted", f"its map disagrees with the glyphs drawn ({v.detail})"
                st.verdict_from_glyphs = True
            elif st.verdict == "unchecked" and v.status == "agree":
                st.verdict = "trusted"

    @staticmethod
    def _short(r: Run, n: int = SAMPLE_DIGITS) -> Run:
        """At most ``n`` characters of a run, around its first digit (the sample)."""
        if len(r.chars) <= n:
            return r
        i = next((k for k, c in enumerate(r.chars) if c["text"].isdigit()), 0)
        i = max(0, min(i - 2, len(r.chars) - n))
        return Run(r.chars[i:i + n], r.font, i == 0, i + n >= len(r.chars))

    def untrusted(self) -> dict[str, str]:
        return {f: s.reason for f, s in self.fonts.items() if s.verdict == "untrusted"}


# --- hidden text layers ---------------------------------------------------------------------------------------
INVISIBLE = (3, 7)  # text render modes that paint nothing (7 only adds to the clipping path)


def hidden_text_layer(path, number: int, min_share: float) -> str | None:  # noqa: ANN001
    """Why the text of page ``number`` is not what is printed (all invisible, or under a page-sized image), or
    None. Only called for pages with an image covering ``min_share`` of the page."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[number - 1]
        w, h = page.get_size()
        visible = under = total = 0
        big_image_after = False
        texts_before = 0
        for obj in page.get_objects():
            if obj.type == raw.FPDF_PAGEOBJ_TEXT:
                total += 1
                mode = raw.FPDFTextObj_GetTextRenderMode(obj.raw)
                if mode not in INVISIBLE:
                    visible += 1
                    texts_before += 1
            elif obj.type == raw.FPDF_PAGEOBJ_IMAGE:
                x0, y0, x1, y1 = obj.get_bounds()
                if (min(x1, w) - max(x0, 0)) * (min(y1, h) - max(y0, 0)) >= min_share * w * h:
                    under += texts_before  # visible text drawn before a page-sized image is covered by it
                    texts_before = 0
                    big_image_after = True
        page.close()
    finally:
        pdf.close()
    if total and not visible:
        return "its text layer is invisible (render mode 3: another tool's OCR layer)"
    if big_image_after and visible and under == visible:
        return "its text layer lies under a page-sized image"
    return None
