"""The tunable numbers of the OCR grid finder (:mod:`.ruling`, :mod:`.grid`), in one frozen settings object —
the counterpart of :mod:`extractor.loaders.pdf.settings` for scans (pixels, not points)."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class OcrGridSettings:
    """The tunable numbers of the grid finder, in one place (pass a changed copy: ``replace(DEFAULT_OCR_GRID, …)``).

    Lengths are pixels of the cleaned page at 200 dpi (:data:`extractor.ocr.raster.DEFAULT_DPI`, the scans'
    rendering resolution), where they were measured on the sample scans and the generated corpus; only
    :attr:`thin` is given for another resolution by :meth:`at_dpi`, the others are used as they are.
    """

    rule_min: int = 25
    """Shortest ruling line kept by the opening, px (unless the page is wide: see :attr:`rule_share`)."""
    rule_share: int = 40
    """... or 1 / this of the page width if longer (a rule shorter than 1/40 of the page is a character stroke)."""
    gap_close: int = 9
    """Breaks in a rule up to this long are closed, px (JPEG, noise, a tick touching a rule)."""
    jog: int = 1
    """A rule may step sideways by this much along its length, px: a 1–2 px rule on a deskewed or JPEG'd scan
    runs in two pixel columns by turns, neither of which alone is ``rule_min`` long (measured: a header rule of
    the generated corpus lost for a 1 px step, merging four header cells)."""
    jog_len: float = 1.5
    """... if it is at least this many times the rule length long (a dash touching a digit, '2025.09—', is a
    straight stroke with a step where it meets the digit: ~40 px at 200 dpi, under 1.5 × 35)."""
    join: int = 5
    """Line ends this close are joined when tables are found as connected components, px (rules stopping short)."""
    min_w: int = 120
    """Narrowest table, px (smaller line components are boxes, underlines or tick boxes)."""
    min_h: int = 30
    """Lowest table, px."""
    segment_min: int = 12
    """Shortest segment of a table's line mask that counts as a rule, px."""
    snap: float = 6.0
    """Rules this close across are one grid line, px (a rule drawn thick, or wavering on a deskewed scan);
    a missing outer rule is added where the other direction's rules reach more than twice this beyond."""
    touch: float = 3.0
    """Extra reach, px, beyond :attr:`snap` for a vertical rule's end to stand on a horizontal rule."""
    open_rule: int = 120
    """A vertical rule touching a horizontal one at one end only is a rule if at least this long, px (an open
    end of a long rule, not the stroke of an underlined character)."""
    cover: float = 0.55
    """Share (0–1) of a boundary between two grid positions that must be ruled for it to count (below: a merged cell)."""
    thin: int = 44
    """Columns narrower than this are a cell's padding around a nested table drawn into the parent's grid, px
    (0.22 in: Word's cell padding is 0.19 cm each side plus the nested table's own)."""
    inside: int = 3
    """Slack, px, for a table to lie inside a cell of another (nested tables)."""

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"grid setting {f.name!r} cannot be negative")
        if not 0 < self.cover <= 1:
            raise ValueError("grid setting 'cover' is a share: 0 < cover <= 1")

    def at_dpi(self, dpi: float) -> "OcrGridSettings":
        """These settings for a page rendered at ``dpi``: :attr:`thin` is 0.22 in at that resolution."""
        return replace(self, thin=int(0.22 * dpi))


DEFAULT_OCR_GRID = OcrGridSettings()
