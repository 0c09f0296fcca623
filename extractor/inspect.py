"""A readable trace of one extraction: template ranking, each section's heading and the rows it covers."""
from __future__ import annotations

from pathlib import Path

from .ir import Table
from .loaders import load
from .locate import identify, locate_sections
from .maps import get_map, load_maps


def describe(path: Path, template: str | None = None, doc=None) -> str:  # noqa: ANN001
    doc = doc if doc is not None else load(path)
    lines = [f"{path.name}: {doc.format}, ~{doc.pages} page(s), {len(doc.tables())} table(s), "
             f"{len(doc.paragraphs())} paragraph(s)"]
    ident = identify(doc, load_maps())
    lines.append("template ranking: " + ", ".join(f"{t} {s:.2f}" for t, s in ident.ranking))
    m = get_map(template) if template else ident.map
    lines.append(f"read as {m.template} (year shift {ident.year_shift:+d})")
    index = {id(b): i for i, b in enumerate(doc.blocks) if isinstance(b, Table)}
    for sc in locate_sections(doc, m, ident.year_shift):
        where = ", ".join(f"block {index.get(id(r.table), 'nested')} rows {r.start}-{r.end - 1}" for r in sc.regions)
        head = f"heading {sc.heading!r} ({sc.heading_score:.2f})" if sc.heading else \
            f"found by its labels ({sc.heading_score:.2f})"
        lines.append(f"  [{sc.section.layout}] {sc.section.table}: {head}; {where or 'no table'}"
                     + (f"; {len(sc.paragraphs)} paragraph(s)" if sc.paragraphs else ""))
    return "\n".join(lines)
