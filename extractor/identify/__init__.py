"""Identify: which form and edition a document is (:mod:`.template`), and where each section of that
edition's map is in it (:mod:`.sections`). Both read only the document's own text; nothing uses a row or
column index from the blank form."""
from __future__ import annotations

from ..records import Region, Scope
from .sections import HEADING_OK, TOP_HEADING, heading_score, locate_sections
from .template import (
    LABEL_MARGIN,
    LABEL_MIN_HITS,
    MAX_YEAR_SHIFT,
    MIN_MARGIN,
    MIN_TEMPLATE_SCORE,
    Identified,
    decide_year_shift,
    doc_lines,
    identify,
    identify_forced,
    map_named,
    map_years,
)

__all__ = ["HEADING_OK", "LABEL_MARGIN", "LABEL_MIN_HITS", "MAX_YEAR_SHIFT", "MIN_MARGIN", "MIN_TEMPLATE_SCORE",
           "TOP_HEADING", "Identified", "Region", "Scope", "decide_year_shift", "doc_lines", "heading_score",
           "identify", "identify_forced", "locate_sections", "map_named", "map_years"]
