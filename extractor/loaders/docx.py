"""Word (.docx) loader: body order paragraphs and tables as true grids.

python-docx repeats a merged cell at every grid position it covers; we read the
XML ourselves instead: ``gridSpan`` gives the column span, ``vMerge`` continues
the cell above (its rowspan grows), ``gridBefore`` skips leading grid columns.
Text keeps Word symbol-font ticks (``w:sym``) as Unicode, ignores deleted text,
and leaves the text of nested tables to the nested :class:`Table`.
The text is what Word displays and prints: the placeholder of an empty content control
(``w:sdt`` showing its placeholder, ``w:showingPlcHdr``) is no text, hidden runs (``w:vanish`` /
``w:specVanish`` in the run, or from its character or paragraph style in styles.xml) are not read,
and invisible format characters (zero-width space, BOM, soft hyphen, bidi marks) are removed.
Pages are estimated from explicit and last-rendered page breaks (Word stores no layout).
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from ..errors import CorruptFile, InputError
from ..ir import Cell, Document, Paragraph, Table
from ..text import visible

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = "{%s}" % W


def q(tag: str) -> str:
    return _W + tag


T_BODY = q("body")
T_BR = q("br")
T_CHAR = q("char")
T_CR = q("cr")
T_CUSTOMXML = q("customXml")
T_DELTEXT = q("delText")
T_FONT = q("font")
T_GRIDSPAN = q("gridSpan")
T_INS = q("ins")
T_INSTRTEXT = q("instrText")
T_LASTRENDEREDPAGEBREAK = q("lastRenderedPageBreak")
T_NOBREAKHYPHEN = q("noBreakHyphen")
T_P = q("p")
T_PAGEBREAKBEFORE = q("pageBreakBefore")
T_PSTYLE = q("pStyle")
T_R = q("r")
T_RPR = q("rPr")
T_RSTYLE = q("rStyle")
T_SHOWINGPLCHDR = q("showingPlcHdr")
T_SPECVANISH = q("specVanish")
T_VANISH = q("vanish")
T_SDT = q("sdt")
T_SDTCONTENT = q("sdtContent")
T_SDTPR = q("sdtPr")
T_SYM = q("sym")
T_T = q("t")
T_TAB = q("tab")
T_TBL = q("tbl")
T_TCPR = q("tcPr")
T_TYPE = q("type")
T_VMERGE = q("vMerge")
T_VAL = q("val")

# Wingdings / Wingdings 2 code points used for boxes and ticks in Chinese forms.
SYMBOLS = {
    ("wingdings", "f0a8"): "□", ("wingdings", "f06f"): "□", ("wingdings", "f0fe"): "☑", ("wingdings", "f0fd"): "☒",
    ("wingdings", "f0fc"): "✓", ("wingdings", "f0fb"): "✗", ("wingdings", "f06e"): "■", ("wingdings", "f078"): "☒",
    ("wingdings 2", "f0a3"): "□", ("wingdings 2", "f052"): "☑", ("wingdings 2", "f053"): "☒", ("wingdings 2", "f050"): "✓",
    ("wingdings 2", "f0a2"): "□", ("wingdings 2", "f054"): "☑", ("wingdings 2", "f051"): "☒", ("wingdings 2", "f0a1"): "○",
}
_SKIP = {T_DELTEXT, T_INSTRTEXT, "{%s}Fallback" % MC}


class _Pager:
    """Counts pages while walking the body in order."""

    def __init__(self) -> None:
        self.page = 1

    def see(self, el: etree._Element) -> None:
        for x in el.iter(T_BR, T_LASTRENDEREDPAGEBREAK, T_PAGEBREAKBEFORE):
            if x.tag == T_BR and x.get(T_TYPE) != "page":
                continue
            if x.tag == T_PAGEBREAKBEFORE and x.get(T_VAL, "1") in ("0", "false"):
                continue
            self.page += 1


def _on(el: etree._Element | None) -> bool:
    """A Word on/off property (``<w:vanish/>``, ``<w:vanish w:val="false"/>``)."""
    return el is not None and el.get(T_VAL, "true").lower() not in ("0", "false", "off")


def _placeholder(sdt: etree._Element) -> bool:
    """A content control still showing its placeholder text: the applicant typed nothing there."""
    return _on(sdt.find(f"{T_SDTPR}/{T_SHOWINGPLCHDR}"))


def _run_hidden(r: etree._Element, para_hidden: bool, hidden_styles: frozenset[str]) -> bool:
    """Whether a run is hidden text: its own ``w:vanish`` / ``w:specVanish`` decides, then its character
    style, then the paragraph's style."""
    pr = r.find(T_RPR)
    if pr is not None:
        spec = pr.find(T_SPECVANISH)
        if _on(spec):
            return True
        v = pr.find(T_VANISH)
        if v is not None:
            return _on(v)
        st = pr.find(T_RSTYLE)
        if st is not None and st.get(T_VAL) in hidden_styles:
            return True
    return para_hidden


def hidden_styles(styles_xml: bytes | None) -> frozenset[str]:
    """IDs of the styles in styles.xml whose run properties hide text (``w:vanish``, following ``w:basedOn``)."""
    if not styles_xml:
        return frozenset()
    try:
        root = etree.fromstring(styles_xml, parser=etree.XMLParser(huge_tree=True, resolve_entities=False))
    except etree.XMLSyntaxError:
        return frozenset()
    own: dict[str, bool | None] = {}
    base: dict[str, str] = {}
    for st in root.iter(q("style")):
        sid = st.get(q("styleId"))
        if not sid:
            continue
        v = st.find(f"{T_RPR}/{T_VANISH}")
        own[sid] = _on(v) if v is not None else (True if _on(st.find(f"{T_RPR}/{T_SPECVANISH}")) else None)
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


def _para_text(p: etree._Element, hidden: frozenset[str] = frozenset()) -> str:
    """Text of a paragraph as displayed (invisible format characters removed)."""
    return visible(_para_raw(p, hidden))


def _para_raw(p: etree._Element, hidden: frozenset[str]) -> str:
    """Fast path: one C-level iteration over the text-bearing tags; the recursive walk only where alternate
    content (mc:Fallback duplicates), content controls, hidden-text properties or hiding styles are present."""
    para_hidden = bool(hidden) and _style(p) in hidden
    slow = (hidden and (para_hidden or p.find(f".//{T_RSTYLE}") is not None)) or \
        next(p.iter("{%s}Fallback" % MC, T_SDT, T_VANISH, T_SPECVANISH), None) is not None
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
            elif tag == T_SDT and _placeholder(ch):
                continue
            else:
                walk(ch)

    walk(p)
    return "".join(out)


def _sym(ch: etree._Element) -> str:
    """A Word symbol-font character (w:sym) as Unicode: Wingdings boxes and ticks."""
    font = (ch.get(T_FONT) or "").lower()
    code = (ch.get(T_CHAR) or "").lower()
    if len(code) == 4 and not code.startswith("f"):
        code = "f" + code[1:]
    return SYMBOLS.get((font, code), "□" if "wingdings" in font else "")


def _style(p: etree._Element) -> str:
    s = p.find(f"{_W}pPr/{_W}pStyle")
    return s.get(T_VAL, "") if s is not None else ""


class _Builder:
    def __init__(self, hidden: frozenset[str] = frozenset()) -> None:
        self.pager = _Pager()
        self.hidden = hidden  # style IDs that hide their text

    def blocks(self, parent: etree._Element) -> list[Paragraph | Table]:
        out: list[Paragraph | Table] = []
        for el in parent:
            if el.tag == T_P:
                page = self.pager.page
                self.pager.see(el)
                out.append(Paragraph(text=_para_text(el, self.hidden), page=page, style=_style(el)))
            elif el.tag == T_TBL:
                out.append(self.table(el))
            elif el.tag in (T_SDT, T_CUSTOMXML, T_INS):
                if el.tag == T_SDT and _placeholder(el):
                    self.pager.see(el)
                    continue
                content = el.find(T_SDTCONTENT)
                out.extend(self.blocks(content if content is not None else el))
        return out

    def table(self, tbl: etree._Element) -> Table:
        page = self.pager.page
        cells: list[Cell] = []
        occupied: dict[tuple[int, int], Cell] = {}
        n_cols = len(tbl.findall(f"{_W}tblGrid/{_W}gridCol"))
        rows = [tr for tr in _children(tbl, "tr")]
        for r, tr in enumerate(rows):
            before = tr.find(f"{_W}trPr/{_W}gridBefore")
            col = int(before.get(T_VAL, "0")) if before is not None else 0
            for tc in _children(tr, "tc"):
                pr = tc.find(T_TCPR)
                span = 1
                vmerge = None
                if pr is not None:
                    gs = pr.find(T_GRIDSPAN)
                    if gs is not None:
                        span = max(1, int(gs.get(T_VAL, "1")))
                    vm = pr.find(T_VMERGE)
                    if vm is not None:
                        vmerge = vm.get(T_VAL, "continue")
                above = occupied.get((r - 1, col))
                if vmerge == "continue" and above is not None and above.col == col:
                    above.rowspan = r - above.row + 1
                    for k in range(col, col + above.colspan):
                        occupied[(r, k)] = above
                    self.pager.see(tc)
                    col += above.colspan
                    continue
                cell = self.cell(tc, r, col, span, page)
                cells.append(cell)
                for k in range(col, col + span):
                    occupied[(r, k)] = cell
                col += span
            n_cols = max(n_cols, col)
        return Table(n_rows=len(rows), n_cols=n_cols, cells=cells, page=page)

    def cell(self, tc: etree._Element, r: int, c: int, span: int, page: int) -> Cell:
        lines: list[str] = []
        nested: list[Table] = []
        for el in _flatten(tc):
            if el.tag == T_P:
                self.pager.see(el)
                lines.append(_para_text(el, self.hidden))
            elif el.tag == T_TBL:
                nested.append(self.table(el))
        return Cell(row=r, col=c, colspan=span, text="\n".join(lines).strip("\n"), page=page, tables=nested)


def _children(el: etree._Element, tag: str):
    """Direct children with this tag, looking through content controls / custom XML wrappers."""
    for ch in el:
        if ch.tag == q(tag):
            yield ch
        elif ch.tag in (T_SDT, T_CUSTOMXML):
            content = ch.find(T_SDTCONTENT)
            yield from _children(content if content is not None else ch, tag)


def _flatten(tc: etree._Element):
    for ch in tc:
        if ch.tag in (T_P, T_TBL):
            yield ch
        elif ch.tag in (T_SDT, T_CUSTOMXML):
            if ch.tag == T_SDT and _placeholder(ch):
                continue  # an empty content control: its placeholder is not the value
            content = ch.find(T_SDTCONTENT)
            yield from _flatten(content if content is not None else ch)


def load_docx(path: Path) -> Document:
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml")
            styles = z.read("word/styles.xml") if "word/styles.xml" in z.namelist() else None
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        raise CorruptFile(f"not a readable .docx file: {e}") from e
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(huge_tree=True, resolve_entities=False))
    except etree.XMLSyntaxError as e:
        raise CorruptFile(f"broken document.xml: {e}") from e
    body = root.find(T_BODY)
    if body is None:
        raise InputError("the .docx has no document body")
    b = _Builder(hidden_styles(styles))
    blocks = b.blocks(body)
    return Document(path=str(path), format="docx", blocks=blocks, pages=b.pager.page)
