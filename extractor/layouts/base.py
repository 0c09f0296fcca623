"""The interface every section layout implements (one module per layout, registered in :mod:`extractor.layouts`).

A layout is told by its map section (``layout:`` in the map, a model of :mod:`extractor.maps.spec`) what to read,
and by :mod:`extractor.identify` where (a :class:`~extractor.records.Scope`). What it knows:

- the labels it needs to be found (:meth:`Layout.labels`), the places it claims (:meth:`Layout.places`) and
  its field IDs (:meth:`Layout.field_ids`) — read from the section model, which static checks and
  identification use without running a layout;
- how it maps a scope (:meth:`Layout.map`): the raw text at each of its places, as
  :class:`~extractor.records.Hit` / :class:`~extractor.records.ListHit` / :class:`~extractor.records.TextHit`.

The map a layout reads is the map of the document's edition (:meth:`extractor.maps.spec.TableMap.shifted`):
its years are the document's, so no layout shifts anything.
"""
from __future__ import annotations

from typing import ClassVar

from ..maps.spec import Place, SectionBase
from ..records import Mapped, Scope


class Layout:
    """How one kind of section is read. Subclasses set :attr:`section_type` and implement :meth:`map`."""

    section_type: ClassVar[type[SectionBase]] = SectionBase

    def __init__(self, section: SectionBase) -> None:
        self.section = section

    def labels(self) -> list[str]:
        """The labels that find the section when its heading is missing."""
        return self.section.labels()

    def places(self) -> list[Place]:
        """Every scalar place the section claims (list rows excluded)."""
        return self.section.places()

    def field_ids(self) -> list[str]:
        """Every indicator ID the section reports."""
        return self.section.field_ids()

    def map(self, scope: Scope, out: Mapped, scopes: list[Scope]) -> None:  # pragma: no cover - every layout overrides
        """Read ``scope`` (located for :attr:`section`) into ``out``; ``scopes``: every scope of the document."""
        raise NotImplementedError
