"""The build of one output document: locate, draw, write, change the layout, save, write the truth.

``build`` copies the blank template, finds its places (``gen_places``), draws the values (``gen_draw.Gen``
and, for the fault-family variants, ``variants``), writes and verifies them (``gen_write``), applies the
layout of the variant (``gen_layout`` / ``variants``), saves reproducibly and writes
``<name>.docx.truth.json``; then it re-reads the saved file and checks every typed string is in it.
"""
from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

import gen_places
import variants
from gen_common import Val, shift_years
from gen_draw import Gen
from gen_layout import (MESSY_DELETE, insert_rows, landscape_section, messy_fonts, repeat_header, save_reproducible,
                        split_table)
from gen_places import Walker, align, find_lists
from gen_write import shift_doc_years, verify_place, write_list, write_place, write_slots


def locate(blocks, doc, spec: dict) -> tuple[list, list]:
    """The list tables (``ListLoc``) and the places (``Place``, fields.json order) of the blank copy ``doc``."""
    spec_tables = [b for b in blocks if isinstance(b, gen_places.Table)]
    lists = find_lists(spec_tables, doc.tables, spec.get("list_tables", []))
    list_rows = {(l.ti, r) for l in lists for r in l.data_rows}
    places = align(Walker(blocks, doc, list_rows).run(), spec["fields"])
    return lists, places


def fill_document(doc, name: str, places, lists, vals: dict, list_rows: list, rng: random.Random, variant: str,
                  shift: int):
    """Type every value and list row into ``doc`` (years shifted first), then read each place back."""
    if shift:
        shift_doc_years(doc, shift)
    trs_by_list = [[l.table.rows[r]._tr for r in l.data_rows] for l in lists]
    for l, trs, rows in zip(lists, trs_by_list, list_rows):
        if len(rows) > len(trs):
            insert_rows(trs, len(rows))

    slots: dict = {}
    for pl in places:
        write_place(pl, vals[id(pl)], rng, variant, slots)
    write_slots(slots)
    for l, trs, rows in zip(lists, trs_by_list, list_rows):
        write_list(l, rows, trs)

    problems = [e for e in (verify_place(pl, vals[id(pl)]) for pl in places) if e]
    if problems:
        raise RuntimeError(f"{name}: " + "; ".join(problems[:5]))


def change_layout(doc, variant: str, lists):
    """The layout of the messy / long / landscape outputs (after filling)."""
    if variant == "messy":
        by_name = {l.entry["table"]: l for l in lists}
        messy_fonts(doc, [doc.tables[1], doc.tables[2], by_name["（一）现有企业库"].table])
        for p in list(doc.paragraphs):
            if p.text in MESSY_DELETE:
                p._p.getparent().remove(p._p)
        split_table(by_name["集群研发投入前十位企业"].table, 4)
    if variant in ("long", "landscape"):
        by_name = {l.entry["table"]: l for l in lists}
        if variant == "long":
            repeat_header(by_name["（一）现有企业库"].table, rows=2)  # its header has two rows
        else:
            head = next(p for p in doc.paragraphs if p.text.startswith("六、"))
            landscape_section(doc, head._p, by_name["（四）拟建项目库"].table._tbl)


def truth_entries(places, vals: dict, shift: int) -> tuple[list, list]:
    """The ``fields`` and ``texts`` of the truth (labels and periods shifted with the document)."""
    S = lambda s: shift_years(s, shift)  # noqa: E731
    fields, texts = [], []
    for pl in places:
        f, v = pl.f, vals[id(pl)]
        if f["kind"] == "narrative":
            texts.append({"table": S(f["table"]), "row_label": S(f["row_label"]), "column_label": S(f["column_label"]),
                          "text": v.text})
            continue
        fields.append({"table": S(f["table"]), "row_label": S(f["row_label"]), "column_label": S(f["column_label"]),
                       "kind": f["kind"], "occurrence": pl.occ, "raw": v.raw, "value": v.value, "unit": v.unit,
                       "period": v.period + shift if v.period is not None else None, "empty": v.empty,
                       "expect_status": v.status})
    return fields, texts


def check_saved(dst: Path, name: str, fields: list, texts: list, list_rows: list):
    """Re-read the saved file: every typed string, narrative and list cell is in it."""
    saved = Document(str(dst))
    alltext = "".join(t.text or "" for t in saved.element.body.iter(qn("w:t")))
    missing = [x["raw"] for x in fields if x["kind"] != "check" and x["raw"] not in alltext]
    missing += [x["text"][:20] for x in texts if x["text"] not in alltext]
    missing += [row[c][0] for rows in list_rows for row in rows for c in row if row[c][0] not in alltext]
    if missing:
        raise RuntimeError(f"{name}: not found after saving: {missing[:5]}")


def build(tid: str, variant: str, name: str, tdir: Path, outdir: Path, seed: int, shift: int = 0) -> dict:
    """Write ``<name>.docx`` and ``<name>.docx.truth.json`` into ``outdir``: form ``tid`` filled with the values
    of ``seed`` (and ``name``) in layout ``variant``, years shifted by ``shift``; returns a summary."""
    rng = random.Random(f"{seed}:{name}")
    spec = json.loads((tdir / f"{tid}.fields.json").read_text(encoding="utf-8"))
    blocks = gen_places.TEMPLATES[tid][3]
    dst = outdir / f"{name}.docx"
    shutil.copyfile(tdir / f"{tid}.docx", dst)
    doc = Document(str(dst))
    lists, places = locate(blocks, doc, spec)

    gen = Gen(tid, rng, variant, shift)
    new_variant = variant in variants.NAMES
    if new_variant:
        if not variants.applies(variant, tid):
            raise ValueError(f"variant {variant} does not apply to {tid} (forms: {variants.FORMS[variant]})")
        lrng = variants.rng_for(seed, name)
        variants.prepare(gen, variant, lrng)
    vals = gen.gen_all(places, lists)
    layout = variants.adjust(tid, variant, places, vals, lrng, Val) if new_variant else {}

    fill_document(doc, name, places, lists, vals, gen.lists, rng, variant, shift)
    change_layout(doc, variant, lists)
    if new_variant:
        layout.update(variants.apply_layout(doc, tid, variant, places, lists, lrng))
    save_reproducible(doc, dst)

    fields, texts = truth_entries(places, vals, shift)
    tables = []
    for l, rows in zip(lists, gen.lists):
        cols = l.entry["columns"]
        tables.append({"table": l.entry["table"], "columns": cols,
                       "rows": [{c: (row[c][1] if c in row else None) for c in cols} for row in rows]})
    truth = {"template": tid, "document": dst.name, "fields": fields, "tables": tables, "texts": texts}
    if new_variant:  # what the layout variant did (samples/variants.py); absent from the other truths
        truth["layout"] = {"variant": variant, **layout}
    (outdir / f"{name}.docx.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    check_saved(dst, name, fields, texts, gen.lists)
    return {"document": dst.name, "bytes": dst.stat().st_size, "fields": len(fields), "texts": len(texts),
            "list_rows": sum(len(r) for r in gen.lists),
            "review": sum(1 for x in fields if x["expect_status"] == "review"),
            "empty": sum(1 for x in fields if x["empty"])}
