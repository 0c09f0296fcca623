"""Command line: a thin shell over extractor.api / extractor.batch.

Exit codes: 0 every package's form converted (values may still need review); 1 some package has no
converted form (its summary says why); 2 usage error; 3 a layout map is broken; 130 / 143 stopped by
Ctrl-C / SIGTERM (reports written for what is done; re-run to continue).

Maps: the commands that read layout maps (extract, templates, check-maps, inspect) take
``--maps DIR``; without it ``$EXTRACTOR_MAPS`` names the folder, else the maps bundled in the
package are used. A folder that does not exist is a usage error (2); a folder without
``catalogue.yaml``, without maps or with a broken map is a map error (3, one line on stderr).
"""
from __future__ import annotations

import json
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from . import layouts  # noqa: F401 - before any map is read: a layout module may bring its own section model
from .batch import BatchSettings, OutputDirError, check_outdir, run_batch
from .errors import MapError, MissingDependency
from .intake import console_safe
from .pool import Bounds
from .triage import pages_supported
from .maps import MAPS_ENV, MapsDirNotFound, load_catalogue, load_maps, places, using_maps_dir

err = Console(stderr=True)

maps_option = click.option(
    "--maps", "--maps-dir", "maps", envvar=MAPS_ENV, show_envvar=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="folder of layout maps + catalogue.yaml to use instead of the bundled ones")


def map_error(e: MapError) -> None:
    """One line on stderr, exit 3: the map's author must fix it."""
    line = str(e).splitlines()[0] if str(e) else type(e).__name__
    click.echo(f"map error: {line}", err=True)
    sys.exit(3)


@contextmanager
def maps_in_use(maps: Path | None) -> Iterator[Path]:
    """Validate the maps folder (maps + catalogue) up front and make it the default inside the block."""
    try:
        with using_maps_dir(maps) as d:
            try:
                load_maps()
                load_catalogue()
            except MapError as e:
                map_error(e)
            yield d
    except MapsDirNotFound as e:
        raise click.UsageError(str(e)) from e


@click.group()
@click.version_option(package_name="cluster-form-extractor")
def main() -> None:
    """Turn filled-in cluster application forms into validated JSON."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="output folder: mirrors the inputs (<package>/<file>.json, <package>.package.json, _batch/)")
@click.option("--template", help="skip identification and read every form as this template id")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="also write all values to this CSV (always in OUTDIR/_batch/values.csv)")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), help="also write all values to one XLSX")
@click.option("-q", "--quiet", is_flag=True, help="no progress bar, only failures")
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None,
              help="worker processes  [default: CPU count]")
@click.option("--ocr-threads", type=click.IntRange(min=1), default=None,
              help="OCR threads per worker  [default: CPU count / workers]")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=Bounds.time_limit_s, show_default=True,
              help="seconds one document may take before its worker is stopped (error: time_limit)")
@click.option("--memory-limit", type=click.IntRange(min=0), default=Bounds.memory_limit_mb, show_default=True,
              help="MiB of memory per worker (0: no cap; error: memory_limit)")
@click.option("--pages", type=click.IntRange(min=1), default=None, help="read only the first N pages of each document (long documents)")
@click.option("--force", is_flag=True, help="redo every package, even those already complete in OUTDIR")
@click.option("--one-package", is_flag=True, help="a folder given is one package (default: a folder of packages)")
@click.option("--ray", "ray_address", metavar="ADDRESS|auto", default=None,
              help="run the jobs as Ray tasks on this cluster (pip install 'cluster-form-extractor[ray]')")
@maps_option
def extract(files: tuple[Path, ...], outdir: Path, template: str | None, csv_path: Path | None,
            xlsx_path: Path | None, quiet: bool, workers: int | None, ocr_threads: int | None, time_limit: float,
            memory_limit: int,
            pages: int | None, force: bool, one_package: bool, ray_address: str | None, maps: Path | None) -> None:
    """Extract FILES (forms, folders of packages, .zip packages) to OUTDIR.

    A folder given holds packages: each sub-folder or .zip in it is one application (form + attachments);
    a loose file in it is a package of its own. Re-running the same command continues where it stopped.
    """
    settings = BatchSettings(template=template, maps_dir=maps, pages=pages, force=force, ray=ray_address,
                             folders_are_packages=one_package, csv=csv_path, xlsx=xlsx_path, ocr_threads=ocr_threads,
                             bounds=Bounds(time_limit_s=time_limit, memory_limit_mb=memory_limit))
    if workers:
        settings.workers = workers
    try:
        check_outdir(outdir)
    except OutputDirError as e:
        click.echo(f"usage error: {e}", err=True)
        sys.exit(2)
    with maps_in_use(maps):
        _extract(list(files), outdir, settings, quiet)


def _extract(files: list[Path], outdir: Path, settings: BatchSettings, quiet: bool) -> None:
    tty = err.is_terminal and not quiet
    if settings.pages and not pages_supported():
        err.print("note: --pages is not passed on (extractor.api.extract takes no pages); every page is read",
                  highlight=False)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=err, disable=not tty) as bar:
        task = bar.add_task("packages", total=None)

        def start(n_packages: int, n_files: int) -> None:
            bar.update(task, total=n_packages)
            if not quiet:
                err.print(f"{n_packages} package(s), {n_files} file(s)", highlight=False)

        def package(s: dict) -> None:
            bar.advance(task)
            line = package_line(s)
            if s["status"] == "failed":
                err.print(f"[red]✗[/red] {line}", highlight=False, markup=True) if tty else click.echo(f"✗ {line}", err=True)
            elif not quiet:
                err.print(f"[green]✓[/green] {line}", highlight=False) if tty else click.echo(f"✓ {line}", err=True)

        try:
            res = run_batch(files, outdir, settings, on_start=start, on_package=package)
        except MapError as e:
            map_error(e)
        except OutputDirError as e:
            click.echo(f"usage error: {e}", err=True)
            sys.exit(2)
        except MissingDependency as e:
            click.echo(f"usage error: {e}", err=True)
            sys.exit(2)
    if res.interrupted:
        for sig in (signal.SIGINT, signal.SIGTERM):  # the reports are written: a late signal must not change the exit code
            signal.signal(sig, signal.SIG_IGN)
        click.echo(f"stopped ({res.interrupted}): {len(res.summaries)} of {res.total_packages} package(s) done; "
                   f"run the same command again to continue; report in {outdir / '_batch' / 'report.html'}", err=True)
        sys.exit(130 if res.interrupted == "SIGINT" else 143)
    if not quiet:
        n_files = sum(s["counts"]["files"] for s in res.summaries)
        click.echo(f"{len(res.summaries)} package(s), {len(res.failed)} failed, {n_files} file(s); "
                   f"output in {outdir}, report {outdir / '_batch' / 'report.html'}", err=True)
    sys.exit(0 if res.ok else 1)


def package_line(s: dict) -> str:
    """One console line for a finished package (names with control characters escaped)."""
    c = s["counts"]
    name = console_safe(s["input"])
    if s["status"] == "duplicate":
        return f"{name}: duplicate of {console_safe(s['duplicate_of'])}, not read again"
    if s["status"] == "failed":
        cands = ", ".join(f"{console_safe(x['path'])} {x['score']:.2f} ({x['outcome']})" for x in s.get("candidates", [])[:3])
        errs = [f for f in s["files"] if f["status"] == "error"]
        why = f"; {console_safe(errs[0]['path'])}: {console_safe(errs[0]['message'])}" if errs else ""
        return f"{name}: no known form found (candidates: {cands or 'none'}){why}"
    more = ", resumed" if s.get("resumed") else ""
    if s.get("flags"):
        more += f"; REVIEW: {console_safe('; '.join(s.get('reasons') or s['flags']))}"
    return (f"{name}: {console_safe(s['form'])} → {s['template']} ({c['ok']} ok, {c['review']} review, {c['invalid']} invalid, "
            f"{c['missing']} missing; {c['attachment']} attachment(s), {c['skipped']} skipped, {c['error']} error(s){more})")


@main.command()
@maps_option
def templates(maps: Path | None) -> None:
    """List the forms this tool knows."""
    with maps_in_use(maps):
        for m in load_maps():
            click.echo(f"{m.template}\t{m.edition_year}\t{len(places(m))} places\t{m.title}")


@main.command()
@click.argument("which", type=click.Choice(["output", "map"]), default="output")
def schema(which: str) -> None:
    """Print the JSON Schema of the output (or of the layout-map format)."""
    from .schemas import schema_of

    click.echo(json.dumps(schema_of(which), ensure_ascii=False, indent=1))


@main.command("check-maps")
@maps_option
def check_maps(maps: Path | None) -> None:
    """Validate every layout map and check that its IDs are in the catalogue."""
    with maps_in_use(maps):
        _check_maps()


def _check_maps() -> None:
    maps = load_maps()
    cat = load_catalogue()
    bad = 0
    for m in maps:
        unknown = sorted({i for i in m.field_ids() if i not in cat})
        if unknown:
            bad += 1
            err.print(f"[red]{m.template}[/red]: IDs not in the catalogue: {', '.join(unknown)}")
        else:
            click.echo(f"{m.template}: ok ({len(places(m))} places)")
    sys.exit(3 if bad else 0)


@main.command()
@click.argument("outputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--missing", is_flag=True, help="also list required places left empty")
def review(outputs: tuple[Path, ...], missing: bool) -> None:
    """List the values a reviewer must check, from emitted JSON files or folders (worst first)."""
    from rich.table import Table as RichTable

    from .review import load_results, queue

    table = RichTable("file", "where", "status", "raw", "value", "conf.", "reasons", "page", show_lines=False)
    n = 0
    for res in load_results(list(outputs)):
        for it in queue(res, include_missing=missing):
            n += 1
            table.add_row(it.file, it.where, it.status, it.raw or "", str(it.value) if it.value is not None else "",
                          f"{it.confidence:.2f}", it.reasons, str(it.page or ""))
    Console().print(table)
    click.echo(f"{n} item(s) to review")


@main.command()
@click.argument("outputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--to", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="folder for the PNG crops (one subfolder per source file)")
@click.option("--missing", is_flag=True, help="also required places left empty")
def crops(outputs: tuple[Path, ...], outdir: Path, missing: bool) -> None:
    """Cut the page region of every value to review from its source file (scans, images, PDFs) into PNGs."""
    from .review.crops import write_crops
    from .review import load_results

    got = write_crops(load_results(list(outputs)), outdir, include_missing=missing)
    for c in got:
        click.echo(f"{c.item.file}\t{c.item.where}\t{c.item.status}\t{c.file or '-'}\t{c.note}")
    click.echo(f"{sum(1 for c in got if c.file)} crop(s) written to {outdir}, {sum(1 for c in got if not c.file)} without")


@main.command()
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--template", help="read as this template id")
@click.option("--overlay", type=click.Path(file_okay=False, path_type=Path),
              help="read FILE by OCR and draw cells, sections and text boxes per page into this folder (PNG)")
@maps_option
def inspect(file: Path, template: str | None, overlay: Path | None, maps: Path | None) -> None:
    """Show how FILE was read: the template scores, and where each section of the map was found."""
    with maps_in_use(maps):
        try:
            _inspect(file, template, overlay)
        except MapError as e:
            map_error(e)


def _inspect(file: Path, template: str | None, overlay: Path | None) -> None:
    from .api import trace
    from .inspect import describe, section_marks

    t = trace(file, template=template, explain=True, scan=overlay is not None)
    click.echo(describe(t))
    if overlay is not None:
        from .ocr.debug import write_overlays

        files = write_overlays(t.pages, overlay, file.name, section_marks(t))
        click.echo(f"overlay: {len(files)} page image(s) in {overlay}")
    if t.result.status in ("error", "needs_ocr"):
        sys.exit(1)


@main.command()
@click.argument("outdirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="address to bind (keep it local)")
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--export-xlsx", "export_xlsx", type=click.Path(dir_okay=False, path_type=Path),
              help="do not serve: write every value to an XLSX, reviewed results preferred, and exit")
@click.option("--export-csv", "export_csv", type=click.Path(dir_okay=False, path_type=Path),
              help="do not serve: write every value to a CSV, reviewed results preferred, and exit")
def serve(outdirs: tuple[Path, ...], host: str, port: int, export_xlsx: Path | None, export_csv: Path | None) -> None:
    """The review station: a local web page over OUTDIRS to accept / correct / mark unreadable doubtful values.

    Prints its address with an access token. Decisions go to OUTDIR/review.sqlite, OUTDIR/review-log.jsonl and
    OUTDIR/<name>.reviewed.json; the extraction's JSON is never changed. Needs the extra: pip install '.[serve]'.
    """
    if export_xlsx or export_csv:
        from .review.station import export

        n = export(list(outdirs), csv_path=export_csv, xlsx_path=export_xlsx)
        click.echo(f"{n} document(s) exported (reviewed results where present)")
        return
    try:
        from .review.station.app import serve as run
    except ImportError as e:
        raise click.UsageError(f"the review station needs its extra: pip install 'cluster-form-extractor[serve]' ({e})")
    run(list(outdirs), host=host, port=port, echo=click.echo)


@main.command("export")
@click.argument("outdirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--reviewed/--original", default=True, show_default=True,
              help="prefer <name>.reviewed.json where a reviewer produced one")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path))
def export_cmd(outdirs: tuple[Path, ...], reviewed: bool, csv_path: Path | None, xlsx_path: Path | None) -> None:
    """Write every value of the results in OUTDIRS to one CSV / XLSX (reviewed results preferred)."""
    if not (csv_path or xlsx_path):
        raise click.UsageError("give --csv FILE and/or --xlsx FILE")
    from .emit import write_csv, write_xlsx
    from .review import load_results
    from .review.station import export

    if reviewed:
        n = export(list(outdirs), csv_path=csv_path, xlsx_path=xlsx_path)
    else:
        results = load_results(list(outdirs))
        if csv_path:
            write_csv(results, csv_path)
        if xlsx_path:
            write_xlsx(results, xlsx_path)
        n = len(results)
    click.echo(f"{n} document(s) exported")


if __name__ == "__main__":
    main()
