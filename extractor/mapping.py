"""The map stage: every located section read by its layout (:mod:`extractor.layouts`) into raw hits.

It parses nothing: each place becomes a :class:`~extractor.records.Hit` with the raw text, where it came from
and how sure the label match was (lists: :class:`~extractor.records.ListHit`, narratives:
:class:`~extractor.records.TextHit`), gathered in a :class:`~extractor.records.Mapped`.
"""
from __future__ import annotations

from .layouts import map_scopes
from .records import Hit, ListHit, Mapped, Scope, TextHit

__all__ = ["Hit", "ListHit", "Mapped", "TextHit", "map_sections"]  # the records, for importers of this module


def map_sections(scopes: list[Scope]) -> Mapped:
    """Every scope read by its section's layout, in order.

    The scopes come from :func:`extractor.locate.locate_sections` on the map of the document's edition, so
    nothing here shifts years."""
    return map_scopes(scopes)
