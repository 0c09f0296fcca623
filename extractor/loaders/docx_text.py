"""The text of a Word paragraph as Word displays and prints it: symbol-font ticks as Unicode, deleted text,
field instructions and nested tables left out, hidden runs (``w:vanish`` / ``w:specVanish`` in the run, or from
its character or paragraph style) and empty content-control placeholders not read, invisible format characters
removed."""
from __future__ import annotations

from lxml import etree

from ..text import visible
from .symbols import word_symbol
from .wordml import (T_BR, T_CHAR, T_CR, T_DELTEXT, T_FALLBACK, T_FONT, T_INSTRTEXT, T_NOBREAKHYPHEN, T_R, T_RPR,
                     T_RSTYLE, T_SDT, T_SPECVANISH, T_SYM, T_T, T_TAB, T_TBL, T_TYPE, T_VAL, T_VANISH, W_PREFIX,
                     is_placeholder, on, q, xml_parser)

_SKIP = {T_DELTEXT, T_INSTRTEXT, T_FALLBACK}


def _run_hidden(r: etree._Element, para_hidden: bool, hidden_styles: frozenset[str]) -> bool:
    """Whether a run is hidden text: its own ``w:vanish`` / ``w:specVanish`` decides, then its character
    style, then the paragraph's style."""
    pr = r.find(T_RPR)
    if pr is not None:
        spec = pr.find(T_SPECVANISH)
        if on(spec):
            return True
        v = pr.find(T_VANISH)
        if v is not None:
            return on(v)
        st = pr.find(T_RSTYLE)
        if st is not None and st.get(T_VAL) in hidden_styles:
            return True
    return para_hidden


def hidden_styles(styles_xml: bytes | None) -> frozenset[str]:
    """IDs of the styles in styles.xml whose run properties hide text (``w:vanish``, following ``w:basedOn``)."""
    if not styles_xml or b"anish" not in styles_xml:  # no w:vanish / w:specVanish anywhere: nothing to parse
        return frozenset()
    try:
        root = etree.fromstring(styles_xml, parser=xml_parser())
    except etree.XMLSyntaxError:
        return frozenset()
    own: dict[str, bool | None] = {}
    base: dict[str, str] = {}
    for st in root.iter(q("style")):
        sid = st.get(q("styleId"))
        if not sid:
            continue
        v = st.find(f"{T_RPR}/{T_VANISH}")
        own[sid] = on(v) if v is not None else (True if on(st.find(f"{T_RPR}/{T_SPECVANISH}")) else None)
        b = st.find(q("basedOn"))
        if b is not None and b.get(T_VAL):
            base[sid] = b.get(T_VAL)
    out: set[str] = set()
    for sid in own:
        cur, seen = sid, set()
        while cur is not None and cur not in seen:
            seen.add(cur)
            if own.get(cur) is not None:
                if own[cur]:
                    out.add(sid)
                break
            cur = base.get(cur)
    return frozenset(out)


def para_text(p: etree._Element, hidden: frozenset[str] = frozenset()) -> str:
    """Text of a paragraph as displayed (invisible format characters removed)."""
    return visible(_para_raw(p, hidden))


def _para_raw(p: etree._Element, hidden: frozenset[str]) -> str:
    """Fast path: one C-level iteration over the text-bearing tags; the recursive walk only where alternate
    content (mc:Fallback duplicates), content controls, hidden-text properties or hiding styles are present."""
    para_hidden = bool(hidden) and paragraph_style(p) in hidden
    slow = (hidden and (para_hidden or p.find(f".//{T_RSTYLE}") is not None)) or \
        next(p.iter(T_FALLBACK, T_SDT, T_VANISH, T_SPECVANISH), None) is not None
    if not slow:
        out_fast: list[str] = []
        for ch in p.iter(T_T, T_TAB, T_BR, T_CR, T_NOBREAKHYPHEN, T_SYM):
            tag = ch.tag
            if tag == T_T:
                out_fast.append(ch.text or "")
            elif tag == T_TAB:
                out_fast.append("\t")
            elif tag == T_NOBREAKHYPHEN:
                out_fast.append("-")
            elif tag == T_SYM:
                out_fast.append(_sym(ch))
            elif ch.get(T_TYPE) != "page":
                out_fast.append("\n")
        return "".join(out_fast)
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        for ch in el:
            tag = ch.tag
            if tag in _SKIP or not isinstance(tag, str):
                continue
            if tag == T_T:
                out.append(ch.text or "")
            elif tag == T_TAB:
                out.append("\t")
            elif tag in (T_BR, T_CR):
                if ch.get(T_TYPE) != "page":
                    out.append("\n")
            elif tag == T_NOBREAKHYPHEN:
                out.append("-")
            elif tag == T_SYM:
                out.append(_sym(ch))
            elif tag == T_TBL:
                continue
            elif tag == T_R and _run_hidden(ch, para_hidden, hidden):
                continue
            elif tag == T_SDT and is_placeholder(ch):
                continue
            else:
                walk(ch)

    walk(p)
    return "".join(out)


def _sym(ch: etree._Element) -> str:
    """A Word symbol-font character (w:sym) as Unicode: Wingdings boxes and ticks."""
    return word_symbol(ch.get(T_FONT), ch.get(T_CHAR))


def paragraph_style(p: etree._Element) -> str:
    """The paragraph's style ID (``w:pStyle``), empty when it has none."""
    s = p.find(f"{W_PREFIX}pPr/{W_PREFIX}pStyle")
    return s.get(T_VAL, "") if s is not None else ""
