"""The output contract: one JSON per input file. Published as JSON Schema in models/."""
from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer

SCHEMA_VERSION = "1.0"
Status = Literal["ok", "review", "invalid", "missing", "accepted", "corrected", "unreadable"]
"""``accepted`` / ``corrected`` / ``unreadable`` appear only in ``<name>.reviewed.json`` (a reviewer's decision,
see :class:`ReviewDecision`); the extraction itself emits the first four."""
DocStatus = Literal["ok", "review", "error", "needs_ocr"]
CONFIDENCE = ("calibrated: the estimated probability (0–1) that the value is right, mapped from the raw score "
              "(source × label match × parse penalties) by models/calibration.yaml, fitted on generated scans and "
              "photos; a value without doubts is ok when it reaches that file's ok_threshold")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _OmitNone(_Out):
    """Optional keys listed in ``_omit_if_none`` are left out of the JSON while unset, so results without a
    review keep exactly their previous shape."""

    _omit_if_none: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _omit_unset(self, handler):  # noqa: ANN001, ANN202
        d = handler(self)
        if isinstance(d, dict):
            for k in self._omit_if_none:
                if d.get(k, 0) is None:
                    del d[k]
        return d


class ReviewDecision(_Out):
    """A reviewer's decision on one value (only in ``<name>.reviewed.json``; every decision is also a line of
    ``review-log.jsonl``)."""

    action: Literal["accept", "correct", "unreadable"]
    old_value: Any = None
    old_raw: str | None = None
    old_status: str = Field(description="the status the extraction gave")
    reviewer: str
    time: str = Field(description="ISO 8601, UTC")


class Source(_Out):
    path: str
    name: str
    sha256: str
    format: str = Field(description="docx | pdf | doc | wps | image | …")
    pages: int


class TemplateMatch(_Out):
    id: str
    title: str
    score: float = Field(description="identification score 0–1")
    edition_year: int = Field(description="edition year the document was read as")
    year_shift: int = Field(0, description="years the document is ahead of the map's edition")


class Value(_OmitNone):
    _omit_if_none: ClassVar[tuple[str, ...]] = ("review",)

    id: str = Field(description="indicator ID (see table_maps/catalogue.yaml)")
    raw: str | None = Field(description="the text as found in the document")
    value: Any = None
    unit: str | None = None
    confidence: float = Field(ge=0.0, le=1.0, description=CONFIDENCE)
    status: Status
    reasons: list[str] = Field(default_factory=list)
    empty: bool = Field(False, description="an explicit empty answer (无, /, —): value is null on purpose")
    page: int | None = None
    bbox: list[float] | None = None
    review: ReviewDecision | None = Field(None, description="reviewed results only: the reviewer's decision")


class FieldValue(Value):
    period: int | None = None
    table: str = Field(description="the table's heading as printed in the blank form")
    row_label: str = Field(description="the row's label as printed; two-level labels joined with '/'")
    column_label: str | None = None
    kind: str
    type: str


class Row(_Out):
    row_index: int
    cells: dict[str, Value]


class ListTable(_Out):
    id: str
    table: str
    columns: list[str]
    rows: list[Row]
    status: Status
    reasons: list[str] = Field(default_factory=list)


class Mention(_Out):
    """A figure found in a narrative and linked to an indicator of the tables (see extractor/validate/narratives.py)."""

    start: int = Field(description="character offset of the figure in the text")
    end: int
    text: str = Field(description="the figure as written, with its unit word")
    value: float
    unit: str
    id: str = Field(description="the indicator the figure's clause names")
    period: int | None = Field(None, description="the year its sentence names, if any")
    table_value: float = Field(description="what the tables report for it")
    table_unit: str | None = None
    agrees: bool


class Text(_OmitNone):
    _omit_if_none: ClassVar[tuple[str, ...]] = ("review", "mentions")

    id: str
    table: str
    row_label: str
    column_label: str | None = None
    heading: str
    text: str | None
    chars: int
    limit: int | None = None
    confidence: float = Field(description=CONFIDENCE)
    status: Status
    reasons: list[str] = Field(default_factory=list)
    page: int | None = None
    review: ReviewDecision | None = Field(None, description="reviewed results only: the reviewer's decision")
    mentions: list[Mention] | None = Field(None, description="figures of the narrative linked to the tables "
                                                             "(omitted when there are none)")


class ErrorItem(_Out):
    code: str
    message: str
    stage: str = Field(description="the stage that raised: load | ocr | identify | locate | map | validate | emit "
                                   "(extract: a batch worker stopped or failed outside the stages)")


class Summary(_OmitNone):
    _omit_if_none: ClassVar[tuple[str, ...]] = ("accepted", "corrected", "unreadable")
    fields: int
    ok: int
    review: int
    invalid: int
    missing: int
    accepted: int | None = Field(None, description="reviewed results only")
    corrected: int | None = Field(None, description="reviewed results only")
    unreadable: int | None = Field(None, description="reviewed results only")


class Result(_Out):
    schema_version: str = SCHEMA_VERSION
    source: Source
    template: TemplateMatch | None = None
    status: DocStatus
    summary: Summary | None = None
    fields: list[FieldValue] = Field(default_factory=list)
    tables: list[ListTable] = Field(default_factory=list)
    texts: list[Text] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list, description="document-level doubts (e.g. pages without text)")
    errors: list[ErrorItem] = Field(default_factory=list)
