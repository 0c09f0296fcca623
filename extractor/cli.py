"""Command line: a thin shell over extractor.api / extractor.batch.

Exit codes: 0 every file converted (values may still need review); 1 some file could not
be converted (its JSON holds the error); 2 usage error; 3 a layout map is broken.

Maps: the commands that read layout maps (extract, templates, check-maps, inspect) take
``--maps DIR``; without it ``$EXTRACTOR_MAPS`` names the folder, else the maps bundled in the
package are used. A folder that does not exist is a usage error (2); a folder without
``catalogue.yaml``, without maps or with a broken map is a map error (3, one line on stderr).
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .batch import run_batch
from .contract import Result
from .emit import write_csv, write_xlsx
from .errors import MapError
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
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"), show_default=True,
              help="folder for <input file name>.json")
@click.option("--template", help="skip identification and read every file as this template id")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="also write all values to one CSV")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), help="also write all values to one XLSX")
@click.option("-q", "--quiet", is_flag=True, help="no progress bar")
@maps_option
def extract(files: tuple[Path, ...], outdir: Path, template: str | None, csv_path: Path | None,
            xlsx_path: Path | None, quiet: bool, maps: Path | None) -> None:
    """Extract FILES (.docx/.doc/.wps, folders, .zip packages) to OUTDIR."""
    with maps_in_use(maps):
        _extract(files, outdir, template, csv_path, xlsx_path, quiet)


def _extract(files: tuple[Path, ...], outdir: Path, template: str | None, csv_path: Path | None,
             xlsx_path: Path | None, quiet: bool) -> None:
    results: list[Result] = []
    failed = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=quiet or not err.is_terminal) as bar:
        task = bar.add_task("extracting", total=None)

        def done(job, res: Result) -> None:
            nonlocal failed
            results.append(res)
            bar.advance(task)
            if res.status in ("error", "needs_ocr"):
                failed += 1
                msg = res.errors[0].message.splitlines()[0] if res.errors else res.status
                err.print(f"[red]✗[/red] {job.display}: {msg}", highlight=False)
            elif not quiet:
                s = res.summary
                err.print(f"[green]✓[/green] {job.display} → {job.out} ({res.template.id}; "
                          f"{s.ok} ok, {s.review} review, {s.invalid} invalid, {s.missing} missing)", highlight=False)

        try:
            run_batch(list(files), outdir, on_done=done, template=template)
        except MapError as e:
            map_error(e)
    if csv_path:
        write_csv(results, csv_path)
    if xlsx_path:
        write_xlsx(results, xlsx_path)
    if not quiet:
        err.print(f"{len(results)} file(s), {failed} failed; output in {outdir}")
    sys.exit(1 if failed else 0)


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
    from .crops import write_crops
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
    from .inspect import describe

    if overlay is None:
        click.echo(describe(file, template))
        return
    from .ocr.debug import write_overlays

    files, doc = write_overlays(file, overlay, template)
    click.echo(describe(file, template, doc=doc))
    click.echo(f"overlay: {len(files)} page image(s) in {overlay}")


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
        from .review_station import export

        n = export(list(outdirs), csv_path=export_csv, xlsx_path=export_xlsx)
        click.echo(f"{n} document(s) exported (reviewed results where present)")
        return
    try:
        from .review_station.app import serve as run
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
    from .review import load_results
    from .review_station import export

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
