"""Batch-level outputs: values as JSON Lines while the batch runs; at the end the HTML report (one row per
package). The wide XLSX (one row per application) is :func:`extractor.emit.write_wide_xlsx`."""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import IO
from urllib.parse import quote

from ..contract import Result
from . import flat_rows, write_atomic


def append_values(fh: IO[str], package: str, result: Result) -> int:
    """Append every value of ``result`` as one JSON line each (flushed); returns the number of lines."""
    rows = flat_rows(result, package)
    for row in rows:
        fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    fh.flush()
    return len(rows)


def write_html(summaries: list[dict], path: Path, title: str = "Batch report", note: str = "") -> Path:
    """One row per package: template, status, ok/review/invalid/missing counts, time, link to its JSON."""
    e = html.escape
    rows = []
    for s in summaries:
        c = s.get("counts", {})
        link = "../" + quote(s["summary"])
        cls = "bad" if s["status"] == "failed" else ("dup" if s["status"] == "duplicate" else "ok")
        rows.append(
            f"<tr class={cls}><td>{e(s['package'])}</td><td>{e(s.get('form') or '')}</td><td>{e(s.get('template') or '')}</td>"
            f"<td>{e(s['status'])}</td><td>{c.get('ok', 0)}</td><td>{c.get('review', 0)}</td><td>{c.get('invalid', 0)}</td>"
            f"<td>{c.get('missing', 0)}</td><td>{c.get('attachment', 0)}</td><td>{c.get('skipped', 0)}</td>"
            f"<td>{c.get('error', 0)}</td><td>{s.get('timings', {}).get('seconds', 0):.1f}</td>"
            f"<td><a href=\"{e(link)}\">JSON</a></td></tr>")
    page = f"""<!doctype html><html lang=zh><meta charset=utf-8><title>{e(title)}</title>
<style>body{{font-family:sans-serif}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px}}
tr.bad{{background:#fdd}}tr.dup{{color:#888}}</style>
<h1>{e(title)}</h1><p>{e(note)}</p>
<table><tr><th>package</th><th>form</th><th>template</th><th>status</th><th>ok</th><th>review</th><th>invalid</th>
<th>missing</th><th>attachments</th><th>skipped</th><th>errors</th><th>seconds</th><th>summary</th></tr>
{chr(10).join(rows)}
</table></html>
"""
    return write_atomic(path, page)
