"""What a batch is told (:class:`BatchSettings`), what it gives back (:class:`BatchResult`), and the two ways
it stops early (:class:`OutputDirError` before any work, :class:`BatchInterrupted` on a signal)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..contract import Result
from ..intake import IntakeLimits
from ..pool import Bounds


class OutputDirError(Exception):
    """The output folder cannot be used (a file, not creatable, not writable): a usage error, before any work."""


class BatchInterrupted(Exception):
    """Ctrl-C or SIGTERM during a batch (``args[0]``: ``"SIGINT"`` / ``"SIGTERM"``); the batch writes its
    reports and stops. Further signals are ignored until the reports are written."""


@dataclass
class BatchSettings:
    """How a batch runs: workers and their bounds, intake limits, which maps and template, resuming, exports.

    Only :meth:`key` (template, pages, maps folder) decides whether an earlier output may be reused."""

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    """worker processes (``--workers``)"""
    ocr_threads: int | None = None
    """OCR threads per worker (``--ocr-threads``); None: the cores shared out, ``cpu_count // workers``
    (one worker on two cores reads a scan with two recognition sessions at once)"""
    bounds: Bounds = field(default_factory=Bounds)
    limits: IntakeLimits = field(default_factory=IntakeLimits)
    template: str | None = None
    maps_dir: Path | None = None
    pages: int | None = None
    """read at most this many pages per document (passed to the loaders when they take ``max_pages``)"""
    force: bool = False
    """redo every package even when its outputs are complete"""
    ray: str | None = None
    """Ray address (``auto``, ``host:port``, ``ray://…``) to run the jobs as Ray tasks; None: local pool"""
    ray_num_cpus: int | None = None
    folders_are_packages: bool = False
    csv: Path | None = None
    xlsx: Path | None = None

    def key(self) -> dict:
        """What must be equal for an earlier output to be reused: ``{"template", "pages", "maps"}`` (``maps``:
        the resolved maps folder in effect, None for the bundled maps)."""
        from ..maps import MAPS_ENV

        maps = self.maps_dir or os.environ.get(MAPS_ENV) or None  # the folder in effect (None: the bundled maps)
        return {"template": self.template, "pages": self.pages, "maps": str(Path(maps).resolve()) if maps else None}


@dataclass
class BatchResult:
    """What a batch did: the package summaries and (package key, Result) of every converted form, in input
    order; ``interrupted`` is ``"SIGINT"`` / ``"SIGTERM"`` when it stopped early."""

    outdir: Path
    summaries: list[dict] = field(default_factory=list)
    results: list[tuple[str, Result]] = field(default_factory=list)
    interrupted: str | None = None  # "SIGINT" / "SIGTERM" when stopped early
    total_packages: int = 0

    @property
    def ok(self) -> bool:
        """Every package's form converted (duplicates count as done; ``review``: several forms, converted)."""
        return not self.interrupted and all(s["status"] in ("converted", "review", "duplicate") for s in self.summaries)

    @property
    def failed(self) -> list[dict]:
        """The summaries of the packages with no converted form (``status: failed``)."""
        return [s for s in self.summaries if s["status"] == "failed"]
