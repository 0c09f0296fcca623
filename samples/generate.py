#!/usr/bin/env python3
"""Generate filled-in sample application forms (.docx) with ground truth.

    python samples/generate.py --out samples/docx [--seed N] [--templates DIR]

For every blank template in /work/shared/templates (override with
``--templates``) this script edits a COPY of the blank .docx with python-docx,
types realistic, internally consistent values into every fillable place listed
in ``<id>.fields.json`` and writes, per output document, ``<name>.docx`` and
``<name>.docx.truth.json``.  Output is deterministic for a given seed.

Documents produced (see samples/README.md):

* ``<id>-filled.docx`` for each of the five templates: a clean but realistic
  fill (explicit empties, varying tick glyphs, thousands separators,
  full-width digits, units typed into cells, percentages with/without ``%``);
* ``prov-cluster-2025-messy.docx``: extra list rows, deleted guidance
  paragraphs, changed fonts, a value typed in a conflicting unit, a list
  table split into two Word tables;
* ``gx-sme-2024-nextyear.docx``: next year's edition (every year 2020–2029 in
  the document shifted by +1 before filling).

The generator is independent of the ``extractor`` package: it locates places
through the declarative template specs (template_specs.py / form_dsl.py /
build_templates.layout_rows, imported from the templates folder) and aligns
them, in document order, with the entries of ``<id>.fields.json``.

This module is the command line and the list of outputs; the work is done by
(all in samples/, imported as top-level modules):

* ``gen_common``    constants, label / number helpers, ``Val`` (one drawn value);
* ``gen_places``    the fillable places, found through the template specs;
* ``gen_scenarios`` names, organisations and narrative sentences of each form;
* ``gen_names`` / ``gen_series`` / ``gen_values`` / ``gen_lists`` / ``gen_draw``
  the seeded values: people and dates, indicator series, per-place values,
  list rows, and ``Gen`` drawing them all for one document;
* ``gen_write``     typing the values into the .docx and reading them back;
* ``gen_layout``    the messy / long / landscape layout changes, reproducible save;
* ``gen_build``     ``build``: one output document and its truth.

Names other code imports from here (``build``, ``load_specs``, ``OUTPUTS``,
``EXTRA_OUTPUTS``, ``TEMPLATE_IDS``, ``DEFAULT_TEMPLATES``, ``main``, ...) stay
importable from ``generate``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
import variants  # noqa: E402  (samples/variants.py: the fault-family layout variants)
from gen_build import build  # noqa: E402
from gen_common import (EDITION, EMPTY_MARKS, TEMPLATE_IDS, TICKS, Val, first_year, label_unit,  # noqa: E402
                        norm, shift_years)
from gen_draw import Gen  # noqa: E402
from gen_lists import LONG_LIST_ROWS  # noqa: E402
from gen_places import Cand, ListLoc, Place, Walker, align, find_lists, load_specs  # noqa: E402
from gen_layout import save_reproducible  # noqa: E402

DEFAULT_TEMPLATES = HERE.parent.parent / "shared" / "templates"

# what this module offered before its split into the gen_* modules (imported by scripts, tests, render_pdf)
__all__ = ["HERE", "DEFAULT_TEMPLATES", "TEMPLATE_IDS", "EDITION", "TICKS", "EMPTY_MARKS", "OUTPUTS", "EXTRA_OUTPUTS",
           "LONG_LIST_ROWS", "load_specs", "build", "main", "Gen", "Val", "Cand", "Place", "ListLoc", "Walker",
           "align", "find_lists", "first_year", "label_unit", "norm", "shift_years", "save_reproducible"]


OUTPUTS = [(tid, "filled", f"{tid}-filled", 0) for tid in TEMPLATE_IDS] + [
    ("prov-cluster-2025", "messy", "prov-cluster-2025-messy", 0),
    ("gx-sme-2024", "nextyear", "gx-sme-2024-nextyear", 1),
]
# Layout variants for the PDF samples (samples/render_pdf.py); made only when named on the command line.
EXTRA_OUTPUTS = [
    ("prov-cluster-2025", "long", "prov-cluster-2025-long", 0),  # （一）现有企业库 with 34 rows, header repeated
    ("prov-cluster-2025", "landscape", "prov-cluster-2025-landscape", 0),  # 四库 in a landscape section, 34 rows
] + variants.outputs()  # fault-family variants (samples/variants.py): <id>-sigpair / -crowded / -pagesplit / -sealcell


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate filled sample forms with ground truth.")
    ap.add_argument("--out", type=Path, default=HERE / "docx", help="output folder (default: samples/docx)")
    ap.add_argument("--seed", type=int, default=20250318, help="random seed (default: 20250318)")
    ap.add_argument("--templates", type=Path, default=DEFAULT_TEMPLATES, help="folder of the blank templates")
    ap.add_argument("names", nargs="*", help="only these outputs (e.g. gx-amc-2025-filled); the layout variants "
                    "prov-cluster-2025-long / -landscape only when named")
    args = ap.parse_args(argv)
    load_specs(args.templates)
    args.out.mkdir(parents=True, exist_ok=True)
    for out in OUTPUTS + EXTRA_OUTPUTS:
        tid, variant, name, shift = out
        wanted = name in args.names if args.names else out not in EXTRA_OUTPUTS
        if not wanted:
            continue
        info = build(tid, variant, name, args.templates, args.out, args.seed, shift)
        print(f"{info['document']:36s} {info['bytes'] / 1024:6.1f} KB  fields={info['fields']:3d}  "
              f"texts={info['texts']:2d}  list_rows={info['list_rows']:3d}  empty={info['empty']}  review={info['review']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
