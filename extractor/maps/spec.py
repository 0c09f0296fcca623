"""The layout-map format (``table_maps/<template>.yaml``), as pydantic models.

A map is template knowledge only: which headings and labels identify a table,
which indicator ID each fillable place carries, and how to read it. Nothing
here names a row or column index: every place is found by its labels.

Label paths use ``/`` between levels (a merged group label to the left, then
the row's own label), exactly as ``<id>.fields.json`` reports them. A label
segment that is a year (``2024年``) is a *year pattern*: it matches the year
label in the same rank among the years of that table, so next year's edition
(every year shifted) reads with the same map; the period and the reported
label then come from the document.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..rules import Rule, registry as rule_kinds
from ..rules.base import Registry
from ..text import canon
from .shift import shift

ValueType = Literal[
    "text", "number", "integer", "percent", "choice", "choices", "date", "phone", "email", "postcode",
    "narrative", "pages",
]
FieldKind = Literal["value", "check", "fillin", "narrative", "signature", "cover", "slot"]


@dataclass(frozen=True)
class Place:
    """A reported place: what the output's table / row_label / column_label will say on the blank form."""

    table: str
    row_label: str
    column_label: str | None
    kind: str
    id: str


Read = tuple[str, "int | str | None", str]
"""An indicator ID a section reads, the period the map gives it (``None``: from the label) and the label
whose year is the period when the map gives none."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Identify(_Strict):
    """How the template is recognised in a document's own text."""

    titles: list[str] = Field(min_length=1, description="title lines of the form (fuzzy)")
    keywords: list[str] = Field(min_length=3, description="distinctive headings/labels found in the form")


class FieldSpec(_Strict):
    """One fillable place located by its label(s)."""

    id: str = Field(description="indicator ID from the catalogue")
    label: str = Field(description="label path used to find the place ('/'-separated)")
    kind: FieldKind = "value"
    row_label: str | None = Field(None, description="reported row_label when it differs from `label`")
    column_label: str | None = Field(None, description="reported column_label (数量/名称/日期/意见/市 …)")
    occurrence: int = Field(1, ge=1, description="n-th match of the label path in reading order")
    fill: str | None = Field(None, description="fill-in template of the value cell, '{}' marks the blank")
    in_label_cell: bool = Field(False, description="the value is typed into the label's own cell")
    options: list[str] = Field(default_factory=list, description="check: the options as printed")
    multi: bool = Field(False, description="check: several options may be ticked")
    type: ValueType | None = Field(None, description="overrides the catalogue type")
    unit: str | None = Field(None, description="overrides the unit parsed from the label / catalogue")
    period: int | str | None = Field(None, description="year, 'edition', 'edition-1', 'heading' or a year label")
    required: bool = True
    limit: int | None = Field(None, description="narrative character limit (default: from the label)")
    guidance: list[str] = Field(default_factory=list, description="narrative: instruction lines printed in the blank")
    hint: str | None = Field(None, description="placeholder text printed in the blank value cell (not a value)")

    @model_validator(mode="after")
    def _check(self) -> "FieldSpec":
        if self.kind == "check" and not self.options:
            raise ValueError(f"{self.id}: a check field needs options")
        if self.fill is not None and self.fill.count("{}") != 1:
            raise ValueError(f"{self.id}: fill template needs exactly one '{{}}'")
        return self


class ColumnSpec(_Strict):
    """A column of a grid or list table, found by its header path."""

    label: str = Field(description="header path ('/'-separated for two-level headers); years are patterns")
    id: str | None = Field(None, description="list tables: the column's indicator ID")
    suffix: str = Field("", description="grid tables: appended to the row ID (e.g. _growth)")
    role: Literal["value", "growth", "evidence"] = "value"
    hint: str | None = Field(None, description="placeholder text printed in this column's blank cells")
    type: ValueType | None = None
    unit: str | None = None
    period: int | str | None = None


class RowSpec(_Strict):
    """A grid row: label path and the indicator ID its cells carry."""

    id: str
    label: str
    row_label: str | None = None
    type: ValueType | None = None
    unit: str | None = None
    columns: list[str] | None = Field(None, description="only these column labels (default: all)")
    required: bool = True


def _default_total_label() -> str:
    from . import bundled_vocabulary

    return bundled_vocabulary().total_label


class TotalSpec(_Strict):
    label: str = Field(default_factory=lambda: _default_total_label(),
                       description="text of the totals row's first cell (default: the vocabulary's total_label)")
    row_label: str = Field("", description="reported row_label of the totals row's fields")
    suffix: str = "_total"
    columns: list[str] = Field(description="column labels of the totals row that are fillable")


class SectionBase(_Strict):
    """What every section of a map has. A layout's model adds ``layout: Literal["<name>"]`` and what the layout
    reads, and joins the map format by :data:`section_types` (the models of this module are registered here; a
    layout of :mod:`extractor.layouts` that brings its own model registers it with the layout)."""

    table: str = Field(description="the heading as printed in the blank form (reported as `table`)")
    match: list[str] = Field(default_factory=list, description="other heading texts that mark this section")
    anchors: list[str] = Field(default_factory=list, description="labels inside the section that help find it")
    period: int | str | None = None
    occurrence: int = Field(1, ge=1, description="the heading is printed several times: use its n-th print "
                                                 "(reading order, counted over the whole document)")
    followed_by: list[str] = Field(default_factory=list, description="the heading is printed several times: use "
                                   "the print followed (within a few lines or rows) by all of these labels")

    ends_at_top_heading: ClassVar[bool] = False  # its paragraphs end at the next top-level heading (一、 …)

    # What every layout tells about its section (the interface :mod:`extractor.layouts` reads from the map):
    def labels(self) -> list[str]:
        """The labels that find the section when its heading is missing (and identify a page by its labels)."""
        return list(dict.fromkeys(self.anchors + [x for x in self.own_labels() if len(canon(x)) >= 2]))

    def own_labels(self) -> list[str]:
        """The labels the layout prints (anchors aside)."""
        return []

    def field_ids(self) -> list[str]:
        """Every indicator ID the section reports."""
        return []

    def places(self) -> list[Place]:
        """Every scalar place the section claims, with its reported labels (list rows excluded)."""
        return []

    def reads(self) -> list[Read]:
        """Every indicator ID the section reads with the period the map gives it (see :data:`Read`)."""
        return []


section_types = Registry("layout")
"""The section models of the map format by their ``layout:`` value, in registration order (see
:class:`~extractor.rules.base.Registry`)."""


class _FieldsSection(SectionBase):
    """A section of single places, each found by its label (the form and paragraphs layouts)."""

    fields: list[FieldSpec]

    def own_labels(self) -> list[str]:
        return [seg for f in self.fields for seg in f.label.split("/")]

    def field_ids(self) -> list[str]:
        return [f.id for f in self.fields]

    def places(self) -> list[Place]:
        return [Place(self.table, f.row_label if f.row_label is not None else f.label, f.column_label, f.kind, f.id)
                for f in self.fields]

    def reads(self) -> list[Read]:
        return [(f.id, f.period if f.period is not None else self.period, f.label.split("/")[-1]) for f in self.fields]


@section_types.register
class FormSection(_FieldsSection):
    """Label cells with their value cells (to the right, or the label's own cell): key/value tables."""

    layout: Literal["form"]


@section_types.register
class GridSection(SectionBase):
    """Row labels × column headers: every row's cell under every column is a place."""

    layout: Literal["grid"]
    columns: list[ColumnSpec]
    rows: list[RowSpec]

    def cells(self) -> list[tuple[RowSpec, ColumnSpec]]:
        """Every (row, column) the grid reads."""
        return [(r, c) for r in self.rows for c in self.columns if r.columns is None or c.label in r.columns]

    def own_labels(self) -> list[str]:
        return [r.label.split("/")[-1] for r in self.rows] + [c.label.split("/")[-1] for c in self.columns]

    def field_ids(self) -> list[str]:
        return [r.id + c.suffix for r, c in self.cells()]

    def places(self) -> list[Place]:
        return [Place(self.table, r.row_label if r.row_label is not None else r.label, c.label, "value", r.id + c.suffix)
                for r, c in self.cells()]

    def reads(self) -> list[Read]:
        return [(r.id + c.suffix, c.period, c.label) for r, c in self.cells()]


@section_types.register
class ListSection(SectionBase):
    layout: Literal["list"]
    id: str = Field(description="ID of the record list")
    columns: list[ColumnSpec]
    total: TotalSpec | None = None
    min_columns: int = Field(2, description="header cells that must match to accept a header row")
    labelled: bool = Field(False, description="every record repeats its labels (姓名 | A | 电话 | B, then 姓名 | C …): "
                           "each column's label is a cell with the value to its right; the k-th print of each "
                           "label belongs to record k")

    def total_columns(self) -> list[tuple[str, ColumnSpec | None]]:
        """The totals row's fillable column labels, each with its column (``None``: not a column of the list)."""
        by_label = {c.label: c for c in self.columns}
        return [(lab, by_label.get(lab)) for lab in self.total.columns] if self.total else []

    def own_labels(self) -> list[str]:
        return [c.label.split("/")[0] for c in self.columns]

    def field_ids(self) -> list[str]:
        ids = [self.id] + [c.id for c in self.columns if c.id]
        return ids + [(c.id or "") + self.total.suffix for _, c in self.total_columns() if c is not None]

    def places(self) -> list[Place]:
        return [Place(self.table, self.total.row_label, lab, "value", (c.id if c and c.id else self.id) + self.total.suffix)
                for lab, c in self.total_columns()]

    def reads(self) -> list[Read]:
        out: list[Read] = [(c.id, c.period, c.label) for c in self.columns if c.id]
        return out + [((c.id or self.id) + self.total.suffix, c.period, c.label)
                      for _, c in self.total_columns() if c is not None]


@section_types.register
class NarrativeSection(SectionBase):
    """A writing box or the paragraphs under a heading: one text, the printed guidance removed."""

    layout: Literal["narrative"]
    ends_at_top_heading: ClassVar[bool] = True
    id: str
    limit: int | None = None
    guidance: list[str] = Field(default_factory=list)
    required: bool = True

    def field_ids(self) -> list[str]:
        return [self.id]

    def places(self) -> list[Place]:
        return [Place(self.table, self.table, None, "narrative", self.id)]

    def reads(self) -> list[Read]:
        return [(self.id, None, "")]


@section_types.register
class ParagraphSection(_FieldsSection):
    """Fill-ins typed into body paragraphs (cover page lines, 'XX' slots)."""

    layout: Literal["paragraphs"]


Section = Annotated[SectionBase, section_types]
"""A section of a map: validated as the registered model its ``layout:`` names."""


@rule_kinds.used_by
@section_types.used_by
class TableMap(_Strict):
    template: str
    title: str
    edition_year: int
    identify: Identify
    sections: list[Section]
    rules: list[Rule] = Field(
        default_factory=list,
        description="cross-field rules the form's own words imply (sum, part_of, growth, ratio, count_matches, "
                    "same_value, range, integer, decimals, required, chars, date_order); see extractor/rules/",
    )

    def field_ids(self) -> list[str]:
        return [i for s in self.sections for i in s.field_ids()]

    def shifted(self, n: int) -> "TableMap":
        """The map of the edition ``n`` years after this one: every year in its headings, labels, guidance lines,
        fill-in templates, identification texts and periods moved by ``n``, and in its rules the years of
        references (``id@2024``), periods and the headings and column labels they name; ``edition_year`` + n.

        Not moved: ``template`` and ``title`` (they name the map), hints and options (printed text that does
        not follow the edition, e.g. a standard's year ``2017版``), character limits and a rule's ``source``.
        ``shifted(0)`` is the map itself; a shifted map is made once per map and ``n``."""
        if not n:
            return self
        key = (id(self), n)
        got = _SHIFTED.get(key)
        if got is None or got[0] is not self:
            data = self.model_dump(by_alias=True)
            data = {k: (v + n if k == "edition_year" else shift(k, v, n, k == "rules")) for k, v in data.items()}
            got = _SHIFTED[key] = (self, TableMap.model_validate(data))
        return got[1]


_SHIFTED: dict[tuple[int, int], tuple[TableMap, TableMap]] = {}
class Indicator(_Strict):
    id: str
    label: str = Field(description="Chinese label")
    type: ValueType
    unit: str | None = None
    note: str | None = None
    min: float | None = Field(None, description="lowest allowed value (a rule for every form, e.g. shares: 0)")
    max: float | None = Field(None, description="highest allowed value (e.g. shares: 100)")
    decimals: int | None = Field(None, ge=0, description="at most this many decimals typed")
    synonyms: list[str] = Field(default_factory=list, description="other names of the indicator in narratives")


class Catalogue(_Strict):
    indicators: list[Indicator]


class UnitWord(_Strict):
    unit: str = Field(description="as typed or printed (亿元, %, 个 …)")
    dimension: str = Field(description="units of one dimension convert into each other; 'count': measure words")
    factor: float = Field(gt=0, description="factor to the dimension's base unit")


class Vocabulary(_Strict):
    """Words of the forms the code must not hard-wire (``table_maps/vocabulary.yaml``)."""

    units: list[UnitWord] = Field(min_length=1)
    empty_tokens: list[str] = Field(description="typed instead of a value: an explicit empty answer")
    share_words: list[str] = Field(description="a percent label with one of these (and no change word) is a share")
    change_words: list[str]
    rule_words: dict[str, str] = Field(default_factory=dict, description="rule kind -> the form's word for it")
    name_separators: list[str] = Field(min_length=1, description="between the names of a 名称 blank")
    total_label: str = Field(description="first cell of a list's totals row when the map does not say")
    approx_before: list[str] = Field(default_factory=list, description="narratives: words marking a rounded figure")
    approx_after: list[str] = Field(default_factory=list, description="narratives: words marking a rounded figure")
    clause_breaks: list[str] = Field(default_factory=list, description="narratives: a figure's clause ends here")
    form_words: list[str] = Field(default_factory=list, description="intake: a file name or title with one of these "
                                  "is a form (申报表, 申请报告 …)")
    page_words: list[str] = Field(default_factory=list, description="intake: a page with one of these labels is a "
                                  "page of a form even without its title")
    attachment_kinds: dict[str, list[str]] = Field(
        default_factory=dict, description="intake: attachment kind -> words in its name or first text (first kind "
        "whose word is found wins; compared in canonical form: lower case, no punctuation)")

    def unit_table(self) -> dict[str, tuple[str, float]]:
        return {u.unit: (u.dimension, u.factor) for u in self.units}
