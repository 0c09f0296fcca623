"""A readable account of one extraction, from its :class:`~extractor.api.Trace` (nothing here runs a stage):
the template ranking, each section's heading and the rows it covers, the result's counts or the error and
the stage that raised it; and, for the OCR overlay, where each located section starts on its page."""
from __future__ import annotations

from .api import Trace
from .ir import Table


def describe(t: Trace) -> str:
    doc = t.document
    lines = []
    if doc is not None:
        lines.append(f"{t.path.name}: {doc.format}, ~{doc.pages} page(s), {len(doc.tables())} table(s), "
                     f"{len(doc.paragraphs())} paragraph(s)")
    ident = t.identification
    if ident is not None:
        if t.identify_note:
            lines.append(f"identification alone: {t.identify_note}")
        elif not t.forced or len(ident.ranking) > 1:
            lines.append("template ranking: " + ", ".join(f"{n} {s:.2f}" for n, s in ident.ranking))
        how = "given by --template, " if t.forced else ""
        lines.append(f"read as {ident.map.template} ({how}year shift {ident.year_shift:+d})")
    index = {id(b): i for i, b in enumerate(doc.blocks) if isinstance(b, Table)} if doc is not None else {}
    for sc in t.scopes:
        where = ", ".join(f"block {index.get(id(r.table), 'nested')} rows {r.start}-{r.end - 1}" for r in sc.regions)
        head = f"heading {sc.heading!r} ({sc.heading_score:.2f})" if sc.heading else \
            f"found by its labels ({sc.heading_score:.2f})"
        lines.append(f"  [{sc.section.layout}] {sc.section.table}: {head}; {where or 'no table'}"
                     + (f"; {len(sc.paragraphs)} paragraph(s)" if sc.paragraphs else ""))
    res = t.result
    if res is not None:
        lines += [f"warning: {w}" for w in res.warnings]
        for e in res.errors:
            lines.append(f"{res.status} at stage {e.stage} ({e.code}): {e.message}")
        if res.summary is not None:
            s = res.summary
            lines.append(f"result: {res.status}; {s.fields} field(s): {s.ok} ok, {s.review} review, {s.invalid} invalid, "
                         f"{s.missing} missing; {len(res.tables)} list table(s), {len(res.texts)} text(s)")
    return "\n".join(lines)


def section_marks(t: Trace) -> list[tuple[str, int, tuple[float, float, float, float]]]:
    """(section name, page, box in PDF points) where each located section starts: the top-left cell with a
    box of each of its regions, and its heading paragraph; for :func:`extractor.ocr.debug.write_overlays`."""
    out = []
    for sc in t.scopes:
        for reg in sc.regions:
            cells = [c for c in reg.cells() if c.bbox]
            if cells:
                c = min(cells, key=lambda c: (c.row, c.col))
                out.append((sc.section.table, c.page or 0, tuple(c.bbox)))
        hp = sc.heading_paragraph
        if hp is not None and hp.bbox:
            out.append((sc.section.table, hp.page or 0, tuple(hp.bbox)))
    return out
