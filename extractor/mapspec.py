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

import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .rules import Rule

ValueType = Literal[
    "text", "number", "integer", "percent", "choice", "choices", "date", "phone", "email", "postcode",
    "narrative", "pages",
]
FieldKind = Literal["value", "check", "fillin", "narrative", "signature", "cover", "slot"]

YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


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
    from .maps import bundled_vocabulary

    return bundled_vocabulary().total_label


class TotalSpec(_Strict):
    label: str = Field(default_factory=lambda: _default_total_label(),
                       description="text of the totals row's first cell (default: the vocabulary's total_label)")
    row_label: str = Field("", description="reported row_label of the totals row's fields")
    suffix: str = "_total"
    columns: list[str] = Field(description="column labels of the totals row that are fillable")


class SectionBase(_Strict):
    table: str = Field(description="the heading as printed in the blank form (reported as `table`)")
    match: list[str] = Field(default_factory=list, description="other heading texts that mark this section")
    anchors: list[str] = Field(default_factory=list, description="labels inside the section that help find it")
    period: int | str | None = None
    occurrence: int = Field(1, ge=1, description="the heading is printed several times: use its n-th print "
                                                 "(reading order, counted over the whole document)")
    followed_by: list[str] = Field(default_factory=list, description="the heading is printed several times: use "
                                   "the print followed (within a few lines or rows) by all of these labels")


class FormSection(SectionBase):
    layout: Literal["form"]
    fields: list[FieldSpec]


class GridSection(SectionBase):
    layout: Literal["grid"]
    columns: list[ColumnSpec]
    rows: list[RowSpec]


class ListSection(SectionBase):
    layout: Literal["list"]
    id: str = Field(description="ID of the record list")
    columns: list[ColumnSpec]
    total: TotalSpec | None = None
    min_columns: int = Field(2, description="header cells that must match to accept a header row")
    labelled: bool = Field(False, description="every record repeats its labels (姓名 | A | 电话 | B, then 姓名 | C …): "
                           "each column's label is a cell with the value to its right; the k-th print of each "
                           "label belongs to record k")


class NarrativeSection(SectionBase):
    layout: Literal["narrative"]
    id: str
    limit: int | None = None
    guidance: list[str] = Field(default_factory=list)
    required: bool = True


class ParagraphSection(SectionBase):
    """Fill-ins typed into body paragraphs (cover page lines, 'XX' slots)."""

    layout: Literal["paragraphs"]
    fields: list[FieldSpec]


Section = Annotated[
    Union[FormSection, GridSection, ListSection, NarrativeSection, ParagraphSection], Field(discriminator="layout")
]


class TableMap(_Strict):
    template: str
    title: str
    edition_year: int
    identify: Identify
    sections: list[Section]
    rules: list[Rule] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="cross-field rules the form's own words imply (sum, part_of, growth, ratio, count_matches, "
                    "same_value, range, integer, decimals, required, chars, date_order); see extractor/rules/",
    )

    def field_ids(self) -> list[str]:
        ids: list[str] = []
        for s in self.sections:
            if isinstance(s, (FormSection, ParagraphSection)):
                ids += [f.id for f in s.fields]
            elif isinstance(s, GridSection):
                for r in s.rows:
                    ids += [r.id + c.suffix for c in s.columns if r.columns is None or c.label in r.columns]
            elif isinstance(s, ListSection):
                ids.append(s.id)
                ids += [c.id for c in s.columns if c.id]
                if s.total:
                    by_label = {c.label: c for c in s.columns}
                    ids += [(by_label[c].id or "") + s.total.suffix for c in s.total.columns if c in by_label]
            elif isinstance(s, NarrativeSection):
                ids.append(s.id)
        return ids


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
