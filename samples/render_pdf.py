#!/usr/bin/env python3
"""Render the sample forms to PDF and legacy .doc with LibreOffice, each with its truth.

    python samples/render_pdf.py                 # samples/docx → samples/pdf, samples/doc
    python samples/render_pdf.py --soffice /opt/libreoffice/program/soffice

What it writes:

* ``samples/pdf/<name>.pdf`` for the documents in ``PDF_DOCS`` (from ``samples/docx``) and for the
  layout variants in ``VARIANTS``, which ``generate.py`` builds into a temporary folder first:
  ``prov-cluster-2025-long`` (（一）现有企业库 with 34 rows over several pages, its two header rows
  repeated on every page) and ``prov-cluster-2025-landscape`` (the 四库 tables in a landscape
  section, widened to it; the 34-row list crosses pages without a repeated header, rows split by
  the page breaks);
* ``samples/doc/<name>.doc`` (Word 97–2003) for the documents in ``DOC_DOCS``;
* next to each, ``<file>.truth.json``: the truth of the .docx it was made from (same content;
  ``document`` names the new file), written compactly to keep the set small.

Fonts: the forms ask for 宋体 / 黑体 / 楷体 / 仿宋_GB2312 / 微软雅黑, which a Linux machine does not
have. A fontconfig file maps them to Noto Serif CJK SC / Noto Sans CJK SC (Debian:
``apt-get install fonts-noto-cjk``), so the PDFs look alike wherever they are rendered. The PDFs
are not byte-identical from run to run (LibreOffice stamps dates and IDs); their text and layout are.

Needs LibreOffice (Debian: ``apt-get install libreoffice-writer``) and, for the variants, the blank
templates that ``generate.py`` reads (``--templates``).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# prov-cluster-2025 comes as the messy document and the two variants below (the set stays under 3 MB)
PDF_DOCS = ["gx-amc-2025-filled", "nm-amc-2024-filled", "gx-sme-2024-filled", "tj-amc-2025-filled",
            "prov-cluster-2025-messy"]
DOC_DOCS = ["gx-amc-2025-filled", "prov-cluster-2025-filled", "nm-amc-2024-filled", "gx-sme-2024-filled",
            "tj-amc-2025-filled"]
VARIANTS = ["prov-cluster-2025-long", "prov-cluster-2025-landscape"]

SERIF = "Noto Sans CJK SC"  # one family for all: a smaller font subset in each PDF
SANS = "Noto Sans CJK SC"
FONT_MAP = {"宋体": SERIF, "SimSun": SERIF, "新宋体": SERIF, "仿宋": SERIF, "仿宋_GB2312": SERIF, "FangSong": SERIF,
            "楷体": SERIF, "楷体_GB2312": SERIF, "KaiTi": SERIF, "方正小标宋简体": SERIF,
            "黑体": SANS, "SimHei": SANS, "微软雅黑": SANS, "Microsoft YaHei": SANS}


def fontconfig_file(tmp: Path) -> Path:
    """A fontconfig setup: the system's, plus the Chinese Office font names mapped to Noto CJK."""
    aliases = "\n".join(
        f"  <alias binding=\"same\"><family>{name}</family><prefer><family>{noto}</family></prefer></alias>"
        for name, noto in FONT_MAP.items())
    conf = tmp / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
</fontconfig>
""", encoding="utf-8")
    return conf


def convert(soffice: str, src: list[Path], fmt: str, outdir: Path, tmp: Path) -> None:
    """LibreOffice headless: ``src`` → ``fmt`` (pdf | odt | doc) into ``outdir``."""
    filt = {"pdf": "pdf:writer_pdf_Export", "odt": "odt:writer8", "doc": "doc:MS Word 97"}[fmt]
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(tmp)))
    cmd = [soffice, f"-env:UserInstallation=file://{tmp / 'profile'}", "--headless", "--norestore",
           "--convert-to", filt, "--outdir", str(outdir)] + [str(s) for s in src]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    missing = [s for s in src if not (outdir / f"{s.stem}.{fmt}").exists()]
    if r.returncode != 0 or missing:
        sys.exit(f"LibreOffice could not convert {[m.name for m in missing]}: {r.stderr.strip()[:500]}")


def copy_truth(docx: Path, target: Path) -> None:
    truth = json.loads(docx.with_name(docx.name + ".truth.json").read_text(encoding="utf-8"))
    truth["document"] = target.name
    target.with_name(target.name + ".truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docx", type=Path, default=HERE / "docx", help="the generated .docx samples (default samples/docx)")
    ap.add_argument("--out", type=Path, default=HERE, help="writes <out>/pdf and <out>/doc (default samples/)")
    ap.add_argument("--soffice", default=shutil.which("soffice") or shutil.which("libreoffice"),
                    help="LibreOffice executable (default: soffice on PATH)")
    ap.add_argument("--templates", type=Path, default=None, help="blank templates for generate.py (its default)")
    ap.add_argument("--seed", type=int, default=None, help="seed for the variants (generate.py's default)")
    a = ap.parse_args(argv)
    if not a.soffice:
        sys.exit("LibreOffice is needed: install it (Debian: apt-get install libreoffice-writer fonts-noto-cjk)")
    pdf_dir, doc_dir = a.out / "pdf", a.out / "doc"
    for d, ext in ((pdf_dir, ".pdf"), (doc_dir, ".doc")):
        d.mkdir(parents=True, exist_ok=True)
        for old in list(d.glob(f"*{ext}")) + list(d.glob(f"*{ext}.truth.json")):
            old.unlink()  # the set is exactly what this run writes
    with tempfile.TemporaryDirectory(prefix="render-pdf-") as t:
        tmp = Path(t)
        var_dir = tmp / "variants"
        gen_args = ["--out", str(var_dir)] + (["--templates", str(a.templates)] if a.templates else []) + \
                   (["--seed", str(a.seed)] if a.seed is not None else []) + VARIANTS
        sys.path.insert(0, str(HERE))
        import generate  # noqa: E402  (samples/generate.py)

        generate.main(gen_args)
        pdf_src = [a.docx / f"{n}.docx" for n in PDF_DOCS] + [var_dir / f"{n}.docx" for n in VARIANTS]
        doc_src = [a.docx / f"{n}.docx" for n in DOC_DOCS]
        convert(a.soffice, pdf_src, "pdf", pdf_dir, tmp)
        # .docx → .odt → .doc: the direct .docx → .doc export of LibreOffice 7 drops a table that ends a
        # document (gx-sme's 真实性声明); through its own format it keeps it
        odt_dir = tmp / "odt"
        convert(a.soffice, doc_src, "odt", odt_dir, tmp)
        convert(a.soffice, [odt_dir / f"{s.stem}.odt" for s in doc_src], "doc", doc_dir, tmp)
        for s in pdf_src:
            copy_truth(s, pdf_dir / f"{s.stem}.pdf")
        for s in doc_src:
            copy_truth(s, doc_dir / f"{s.stem}.doc")
    total = 0
    for f in sorted(list(pdf_dir.iterdir()) + list(doc_dir.iterdir())):
        total += f.stat().st_size
        if not f.name.endswith(".truth.json"):
            print(f"{f.relative_to(a.out)!s:48s} {f.stat().st_size / 1024:7.1f} KB")
    print(f"total (with truths): {total / 1024 / 1024:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
