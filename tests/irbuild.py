"""Builders of tiny IR documents and layout maps for unit tests of mapping and rules (issue 12, item 1).

Every import of extractor internals is in the one block below: a move of modules changes only it.

Tables are written as rows of strings. Merged cells: ``"<"`` continues the cell to the left (colspan),
``"^"`` continues the cell above (rowspan); a cell may hold several lines (``"\\n"``).
"""
from __future__ import annotations

from typing import Any

# ---- extractor internals (the only place this module names them) -------------------------------
from extractor.contract import FieldValue, ListTable, Row, Text, Value
from extractor.ir import Cell, Document, Paragraph, Table
from extractor.identify import locate_sections
from extractor.layouts import map_sections
from extractor.maps import bundled_vocabulary
from extractor.maps.spec import Identify, Indicator, TableMap
from extractor.rules import Facts, run
from extractor.validate import Context, assemble
# -----------------------------------------------------------------------------------------------

LEFT, UP = "<", "^"


def table(rows: list[list[str]]) -> Table:
    """An IR table from rows of strings (``"<"``: merged with the left cell, ``"^"``: merged with the cell above)."""
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    owner: dict[tuple[int, int], Cell] = {}
    cells: list[Cell] = []
    for r, row in enumerate(rows):
        row = row + [""] * (n_cols - len(row))
        for c, text in enumerate(row):
            if text == LEFT and c > 0:
                cell = owner[(r, c - 1)]
                if cell.row == r:
                    cell.colspan = c - cell.col + 1
            elif text == UP and r > 0:
                cell = owner[(r - 1, c)]
                cell.rowspan = r - cell.row + 1
            else:
                cell = Cell(row=r, col=c, text=text)
                cells.append(cell)
            owner[(r, c)] = cell
    return Table(n_rows=n_rows, n_cols=n_cols, cells=cells)


def doc(*blocks: str | Table | Paragraph) -> Document:
    """A document of paragraphs (plain strings) and tables, in reading order."""
    return Document(path="unit.docx", format="docx",
                    blocks=[Paragraph(b) if isinstance(b, str) else b for b in blocks])


def tmap(*sections: dict[str, Any], rules: list[dict[str, Any]] | None = None, edition_year: int = 2024) -> TableMap:
    """A layout map of the given sections (dicts as in a map's YAML) and rules."""
    return TableMap(template="unit-test", title="单元测试申报表", edition_year=edition_year,
                    identify=Identify(titles=["单元测试申报表"], keywords=["甲", "乙", "丙"]),
                    sections=list(sections), rules=rules or [])


def mapped(d: Document, m: TableMap, shift: int = 0):
    """locate → map, as the pipeline runs them."""
    return map_sections(locate_sections(d, m.shifted(shift)))


def scopes(d: Document, m: TableMap, shift: int = 0):
    return locate_sections(d, m.shifted(shift))


def catalogue(*indicators: dict[str, Any]) -> dict[str, Indicator]:
    return {i["id"]: Indicator(**i) for i in indicators}


def validated(d: Document, m: TableMap, cat: dict[str, Indicator] | None = None, shift: int = 0):
    """locate → map → assemble: (fields, tables, texts)."""
    em = m.shifted(shift)  # as api.run_stages: the edition's map for every stage after identification
    ctx = Context(catalogue=cat or {}, edition_year=em.edition_year, table_map=em)
    return assemble(mapped(d, m, shift), ctx)


VOCAB = bundled_vocabulary()


def word(kind: str) -> str:
    """How reasons name a rule kind (the vocabulary's rule word)."""
    return VOCAB.rule_words[kind]


# ---------------------------------------------------------------- contract values for the rules
def fv(fid: str, value: Any, *, period: int | None = None, table: str = "表一", row_label: str | None = None,
       column_label: str | None = None, raw: str | None = None, status: str = "ok", vtype: str | None = None,
       unit: str | None = None, empty: bool = False, reasons: list[str] | None = None) -> FieldValue:
    """A scalar value as the extraction reports it (status ``ok`` unless told)."""
    if vtype is None:
        vtype = "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else "text"
    return FieldValue(id=fid, raw=raw if raw is not None else ("" if value is None else str(value)), value=value,
                      unit=unit, confidence=1.0, status=status, reasons=list(reasons or []), empty=empty,
                      period=period, table=table, row_label=row_label or fid, column_label=column_label,
                      kind="value", type=vtype)


def cv(fid: str, value: Any, raw: str | None = None, status: str = "ok") -> Value:
    """A list cell value."""
    return Value(id=fid, raw=raw if raw is not None else ("" if value is None else str(value)), value=value,
                 confidence=1.0, status=status)


def list_table(lid: str, heading: str, columns: list[str], rows: list[dict[str, Value]]) -> ListTable:
    return ListTable(id=lid, table=heading, columns=columns, status="ok",
                     rows=[Row(row_index=i, cells=r) for i, r in enumerate(rows, start=1)])


def text(tid: str, body: str | None, *, status: str = "ok", limit: int | None = None,
         reasons: list[str] | None = None) -> Text:
    return Text(id=tid, table="正文", row_label="正文", heading="正文", text=body,
                chars=len("".join((body or "").split())), limit=limit, confidence=1.0, status=status,
                reasons=list(reasons or []))


def check(rules: list[dict[str, Any]], fields: list[FieldValue] = (), tables: list[ListTable] = (),
          texts: list[Text] = (), sections: list[dict[str, Any]] = (), edition_year: int = 2024,
          doc_edition: int | None = None, cat: dict[str, Indicator] | None = None) -> None:
    """Run ``rules`` (dicts as in a map's YAML) on the values, in place, as ``validate.assemble`` does."""
    m = tmap(*sections, rules=rules, edition_year=edition_year)
    facts = Facts(list(fields), list(tables), list(texts), m, cat or {}, VOCAB,
                  doc_edition if doc_edition is not None else edition_year)
    run(facts, list(m.rules))
