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
from .docx_text import hidden_styles, para_text, paragraph_style
from .wordml import (T_BODY, T_BR, T_CUSTOMXML, T_GRIDSPAN, T_INS, T_LASTRENDEREDPAGEBREAK, T_P, T_PAGEBREAKBEFORE,
                     T_SDT, T_SDTCONTENT, T_TBL, T_TCPR, T_TYPE, T_VAL, T_VMERGE, W_PREFIX, is_placeholder, q,
                     xml_parser)


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
                out.append(Paragraph(text=para_text(el, self.hidden), page=page, style=paragraph_style(el)))
            elif el.tag == T_TBL:
                out.append(self.table(el))
            elif el.tag in (T_SDT, T_CUSTOMXML, T_INS):
                if el.tag == T_SDT and is_placeholder(el):
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
        n_grid = len(tbl.findall(f"{W_PREFIX}tblGrid/{W_PREFIX}gridCol"))
        if n_grid > lim.max_table_cols:
            raise TooLarge(lim.too_big("max_table_cols", f"a table declares {n_grid} grid columns"), "max_table_cols")
        cap = n_grid or lim.max_table_cols  # the columns a row may use
        n_cols = n_grid
        rows = [tr for tr in _children(tbl, "tr")]
        for r, tr in enumerate(rows):
            col = self._grid_before(tr, cap, page)
            for tc in _children(tr, "tc"):
                span, vmerge, note = _tc_props(tc)
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

    def _grid_before(self, tr: etree._Element, cap: int, page: int) -> int:
        """The grid columns a row skips before its first cell (``w:gridBefore``); an invalid value is 0, warned."""
        before = tr.find(f"{W_PREFIX}trPr/{W_PREFIX}gridBefore")
        col = 0
        if before is not None:
            col = _int_attr(before, 0)
            if col is None or col < 0 or col >= cap:
                self._warn(f"table on page {page}: gridBefore={before.get(T_VAL)!r} is not a valid column count "
                           f"(the grid has {cap} columns): ignored")
                col = 0
        return col

    def cell(self, tc: etree._Element, r: int, c: int, span: int, page: int) -> Cell:
        lines: list[str] = []
        nested: list[Table] = []
        for el in _flatten(tc):
            if el.tag == T_P:
                self.pager.see(el)
                lines.append(para_text(el, self.hidden))
            elif el.tag == T_TBL:
                nested.append(self.table(el))
        return Cell(row=r, col=c, colspan=span, text="\n".join(lines).strip("\n"), page=page, tables=nested)


def _tc_props(tc: etree._Element) -> tuple[int, str | None, str]:
    """A cell's column span (``w:gridSpan``, 1 when not a number), its vertical merge (``w:vMerge``: ``restart``,
    ``continue`` or ``None``) and a note when the span could not be read."""
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
    return span, vmerge, note


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
            if ch.tag == T_SDT and is_placeholder(ch):
                continue  # an empty content control: its placeholder is not the value
            content = ch.find(T_SDTCONTENT)
            yield from _flatten(content if content is not None else ch)



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
        root = etree.fromstring(xml, parser=xml_parser())
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
