"""The ``narrative`` layout: a writing box or the paragraphs under a heading, read as one text with the form's
printed guidance removed; its character limit from the map or the printed heading."""
from __future__ import annotations

from ..maps.spec import NarrativeSection
from ..records import Mapped, Scope, TextHit
from ..text import limit_of, squash
from .base import Layout, register
from .guidance import strip_guidance


@register
class NarrativeLayout(Layout):
    section_type = NarrativeSection

    def map(self, scope: Scope, out: Mapped, scopes: list[Scope]) -> None:
        out.texts.append(narrative_text(scope, self.section))


def narrative_text(sc: Scope, s: NarrativeSection) -> TextHit:
    parts: list[str] = []
    page = None
    source = 1.0
    notes: list[str] = []
    for p in sc.paragraphs:
        parts.append(p.text)
        page = page or p.page
        source = min(source, p.confidence)
    for reg in sc.regions:
        for c in reg.cells():
            if c is sc.heading_cell:
                continue
            parts.append(c.text)
            page = page or c.page
            if c.text.strip():
                source = min(source, c.confidence)
                notes += [n for n in c.notes if n not in notes]
    heading = sc.heading or s.table
    if sc.heading_paragraph is not None:
        page = page or sc.heading_paragraph.page
    text = strip_guidance("\n".join(parts), s.guidance + [s.table])
    limit = s.limit or limit_of(heading) or limit_of(s.table)
    reasons = ([] if sc.heading else ["section heading not found"]) + notes
    return TextHit(id=s.id, table=s.table, row_label=s.table, column_label=None,
                   heading=squash(heading), text=text or None, limit=limit, required=s.required, page=page,
                   score=sc.heading_score if sc.heading else 0.5, reasons=reasons, source=source)
