"""The interface every section layout implements (one module per layout, each class decorated with
:func:`register` and its module imported by :mod:`extractor.layouts`).

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

from typing import ClassVar, TypeVar

from ..maps.spec import Place, SectionBase, section_types
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


L = TypeVar("L", bound=Layout)
LAYOUTS: dict[type[SectionBase], type[Layout]] = {}
"""Each map section class → the layout that reads it (filled by :func:`register`)."""


def register(cls: type[L]) -> type[L]:
    """Class decorator of a layout: ``cls`` reads the map sections of its :attr:`~Layout.section_type`, a model
    that joins the map format (:data:`extractor.maps.spec.section_types`) here unless it is already part of it.
    Maps that use a layout declared outside :mod:`extractor.maps.spec` validate once its module is imported."""
    old = LAYOUTS.get(cls.section_type)
    if old is not None and old is not cls and (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
        raise ValueError(f"{cls.section_type.__name__} is read by {old.__module__}.{old.__qualname__} already")
    section_types.register(cls.section_type)
    LAYOUTS[cls.section_type] = cls
    return cls
