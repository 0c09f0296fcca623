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

Hostile input (:mod:`extractor.limits`): zip members are inflated only up to ``max_member_mb``; encrypted
entries are :class:`Encrypted`; a DTD (never in a real Word file) is refused and XML entities are never
resolved (no network, no DTD loading); a ``gridSpan`` / ``gridBefore`` that is not a number is read as 1 / 0
and a span running past the table's grid columns is clamped, each with a note on the cell or a document
warning; grids over ``max_table_cols`` / ``max_table_cells`` and tables nested deeper than ``max_nesting``
are :class:`TooLarge` / :class:`TooComplex`.
"""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ..errors import CorruptFile, Encrypted, TooComplex, TooLarge
from ..ir import Cell, Document, Paragraph, Table
from ..limits import MiB, Limits, resolve
from ..text import visible
from .symbols import word_symbol

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
    if not styles_xml or b"anish" not in styles_xml:  # no w:vanish / w:specVanish anywhere: nothing to parse
        return frozenset()
    try:
        root = etree.fromstring(styles_xml, parser=_parser())
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
    return word_symbol(ch.get(T_FONT), ch.get(T_CHAR))


def _style(p: etree._Element) -> str:
    s = p.find(f"{_W}pPr/{_W}pStyle")
    return s.get(T_VAL, "") if s is not None else ""


class _Builder:
    def __init__(self, hidden: frozenset[str] = frozenset(), limits: Limits | None = None) -> None:
        self.pager = _Pager()
        self.hidden = hidden  # style IDs that hide their text
        self.limits = limits or Limits()
        self.depth = 0  # tables (and wrappers) currently open around the element being read
        self.warnings: list[str] = []

    def _deeper(self) -> None:
        self.depth += 1
        if self.depth > self.limits.max_nesting:
            raise TooComplex(self.limits.too_big("max_nesting", f"tables or content controls are nested more than "
                                                 f"{self.limits.max_nesting} deep"), "max_nesting")

    def _warn(self, msg: str) -> None:
        if len(self.warnings) < 20 and msg not in self.warnings:
            self.warnings.append(msg)

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
                self._deeper()
                out.extend(self.blocks(content if content is not None else el))
                self.depth -= 1
        return out

    def table(self, tbl: etree._Element) -> Table:
        self._deeper()
        page = self.pager.page
        cells: list[Cell] = []
        occupied: dict[tuple[int, int], Cell] = {}
        lim = self.limits
        n_grid = len(tbl.findall(f"{_W}tblGrid/{_W}gridCol"))
        if n_grid > lim.max_table_cols:
            raise TooLarge(lim.too_big("max_table_cols", f"a table declares {n_grid} grid columns"), "max_table_cols")
        cap = n_grid or lim.max_table_cols  # the columns a row may use
        n_cols = n_grid
        rows = [tr for tr in _children(tbl, "tr")]
        for r, tr in enumerate(rows):
            before = tr.find(f"{_W}trPr/{_W}gridBefore")
            col = 0
            if before is not None:
                col = _int_attr(before, 0)
                if col is None or col < 0 or col >= cap:
                    self._warn(f"table on page {page}: gridBefore={before.get(T_VAL)!r} is not a valid column count "
                               f"(the grid has {cap} columns): ignored")
                    col = 0
            for tc in _children(tr, "tc"):
                pr = tc.find(T_TCPR)
                span = 1
                vmerge = None
                note = ""
                if pr is not None:
                    gs = pr.find(T_GRIDSPAN)
                    if gs is not None:
                        got = _int_attr(gs, 1)
                        if got is None:
                            note = f"Word: gridSpan={gs.get(T_VAL)!r} is not a number: read as 1"
                        else:
                            span = max(1, got)
                    vm = pr.find(T_VMERGE)
                    if vm is not None:
                        vmerge = vm.get(T_VAL, "continue")
                if col >= cap:
                    if n_grid:  # more cells than the grid has columns: Word widens the table; so do we, up to the limit
                        cap = lim.max_table_cols
                    if col >= cap:
                        raise TooLarge(lim.too_big("max_table_cols", f"a table row has more than {cap} columns"),
                                       "max_table_cols")
                if span > cap - col:
                    note = (f"Word: gridSpan={span} runs past the table's {cap} grid columns: "
                            f"clamped to {cap - col}")
                    span = cap - col
                above = occupied.get((r - 1, col))
                if vmerge == "continue" and above is not None and above.col == col:
                    above.rowspan = r - above.row + 1
                    for k in range(col, col + above.colspan):
                        occupied[(r, k)] = above
                    self.pager.see(tc)
                    col += above.colspan
                    continue
                cell = self.cell(tc, r, col, span, page)
                if note:
                    cell.notes.append(note)
                    cell.confidence = min(cell.confidence, 0.5)
                    self._warn(f"table on page {page}: {note[6:]}")
                cells.append(cell)
                for k in range(col, col + span):
                    occupied[(r, k)] = cell
                col += span
            n_cols = max(n_cols, col)
            if (r + 1) * n_cols > lim.max_table_cells:
                raise TooLarge(lim.too_big("max_table_cells", f"a table has more than {(r + 1) * n_cols:,} grid "
                                           f"positions ({r + 1} rows × {n_cols} columns so far)"), "max_table_cells")
        self.depth -= 1
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


def _int_attr(el: etree._Element, default: int) -> int | None:
    """``w:val`` as an int (``default`` when absent), ``None`` when it is not a number."""
    raw = el.get(T_VAL)
    if raw is None:
        return default
    try:
        return int(raw.strip())
    except ValueError:
        return None


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


# XML parser for Word parts: entities are never resolved, no DTD is loaded, nothing is fetched from the network
def _parser() -> etree.XMLParser:
    return etree.XMLParser(huge_tree=True, resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False)


def read_member(z: zipfile.ZipFile, name: str, limits: Limits, path: Path | None = None) -> bytes:
    """One zip member, inflated at most up to ``limits.max_member_mb`` (:class:`TooLarge` past it, whatever its
    header declares); an encrypted entry is :class:`Encrypted`. Raises ``KeyError`` when absent."""
    info = z.getinfo(name)
    fname = path.name if path is not None else "the file"
    if info.flag_bits & 0x1:
        raise Encrypted(f"{fname} is password-protected (its zip entries are encrypted): "
                        "save an unprotected copy and try again")
    cap = int(limits.max_member_mb * MiB)
    what = f"{name} inflates to more than {limits.max_member_mb:g} MiB"
    if info.file_size > cap:
        raise TooLarge(limits.too_big("max_member_mb", f"{name} inflates to {info.file_size / MiB:.1f} MiB"),
                       "max_member_mb")
    try:
        with z.open(info) as fh:
            data = fh.read(cap + 1)
    except RuntimeError as e:  # zipfile: "File ... is encrypted, password required for extraction"
        if "encrypt" in str(e) or "password" in str(e):
            raise Encrypted(f"{fname} is password-protected (its zip entries are encrypted): "
                            "save an unprotected copy and try again") from e
        raise CorruptFile(f"not a readable .docx: cannot read {name}: {e}") from e
    except NotImplementedError as e:  # an unsupported compression method
        raise CorruptFile(f"not a readable .docx: {name} uses an unsupported compression ({e})") from e
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
        raise CorruptFile(f"not a readable .docx: {name} is damaged ({type(e).__name__}: {e})") from e
    if len(data) > cap:
        raise TooLarge(limits.too_big("max_member_mb", what), "max_member_mb")
    return data


def load_docx(path: Path, limits: Limits | None = None) -> Document:
    """Read a .docx into the IR; ``limits``: :class:`~extractor.limits.Limits` (``None``: defaults + environment)."""
    lim = resolve(limits)
    try:
        with zipfile.ZipFile(path) as z:
            xml = read_member(z, "word/document.xml", lim, Path(path))
            try:
                styles = read_member(z, "word/styles.xml", lim, Path(path))
            except (KeyError, CorruptFile):
                styles = None  # styles only hide text; a damaged styles part is not worth refusing the file
    except KeyError as e:
        raise CorruptFile("not a Word document: the .docx package has no word/document.xml") from e
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
        raise CorruptFile(f"not a readable .docx file: {e}") from e
    try:
        root = etree.fromstring(xml, parser=_parser())
    except etree.XMLSyntaxError as e:
        raise CorruptFile(f"broken document.xml: {e}") from e
    if root.getroottree().docinfo.doctype:
        raise CorruptFile("word/document.xml declares a DTD (<!DOCTYPE>), which Word files never have: refused "
                          "(its entities are not expanded)")
    body = root.find(T_BODY)
    if body is None:
        raise CorruptFile("the .docx has no document body (word/document.xml has no w:body)")
    b = _Builder(hidden_styles(styles), lim)
    blocks = b.blocks(body)
    doc = Document(path=str(path), format="docx", blocks=blocks, pages=b.pager.page)
    doc.warnings += b.warnings
    return doc
