"""Many files in, one JSON each out: folders and .zip packages expanded; one bad file never stops the rest."""
from __future__ import annotations

import tempfile
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .api import extract, output_name
from .contract import ErrorItem, Result, Source
from .emit import write_json
from .errors import MapError
from .loaders import SUPPORTED

INPUT_SUFFIXES = set(SUPPORTED) | {".pdf"}


@dataclass
class Job:
    path: Path  # the file to read
    display: Path  # how it is named to the user (zip members: package.zip/inner/name.docx)
    out: Path  # where its JSON goes


def expand(inputs: list[Path], outdir: Path, tmp: Path) -> Iterator[Job]:
    for p in inputs:
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in INPUT_SUFFIXES | {".zip"}):
                rel = f.relative_to(p)
                yield from _one(f, outdir / rel.parent, tmp, f)
        else:
            yield from _one(p, outdir, tmp, p)


def _one(f: Path, outdir: Path, tmp: Path, display: Path) -> Iterator[Job]:
    if f.suffix.lower() == ".zip" and zipfile.is_zipfile(f):
        dest = tmp / f"{len(list(tmp.iterdir()))}-{f.stem}"
        with zipfile.ZipFile(f) as z:
            for info in z.infolist():
                name = _zip_name(info)
                target = (dest / name).resolve()
                if info.is_dir() or Path(name).suffix.lower() not in INPUT_SUFFIXES or not str(target).startswith(str(dest.resolve())):
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(info))
                rel = Path(name)
                yield Job(target, display / rel, outdir / f.stem / rel.parent / output_name(rel))
        return
    yield Job(f, display, outdir / output_name(f))


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Chinese file names in zips made on Windows are GBK without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def run_batch(inputs: list[Path], outdir: Path, on_done: Callable[[Job, Result], None] | None = None,
              template: str | None = None) -> list[tuple[Job, Result]]:
    outdir.mkdir(parents=True, exist_ok=True)
    done: list[tuple[Job, Result]] = []
    with tempfile.TemporaryDirectory(prefix="extractor-batch-") as tmp:
        for job in expand(inputs, outdir, Path(tmp)):
            try:
                res = extract(job.path, template=template)
            except MapError:
                raise
            except Exception as e:  # noqa: BLE001 - a bug on one file must not stop the batch
                res = Result(source=Source(path=str(job.display), name=job.display.name, sha256="", format="unknown", pages=0),
                             status="error", errors=[ErrorItem(code="internal_error", stage="extract",
                                                               message=f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}")])
            res.source.path = str(job.display)
            write_json(res, job.out)
            done.append((job, res))
            if on_done:
                on_done(job, res)
    return done
