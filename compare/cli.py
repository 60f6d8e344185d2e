"""The `compare` command line: parse arguments, call the library, set the exit code.

One small function per command; all work is in library modules, imported inside
the command so that `compare --help` does not load polars and friends.
Data goes to stdout, messages to stderr. Exit 0 on success, 1 when an input
could not be read (everything else is still written), 2 on a usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(
    name="compare",
    help="Track the commitments in Chinese government work reports (政府工作报告) across years.\n\n"
    "Example: compare demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: loading rich for --help alone costs ~0.4 s
)

EXIT_INPUT_ERRORS = 1
EXIT_USAGE = 2


def _say(message: str) -> None:
    """A message for the person at the terminal (stderr, never mixed into data)."""
    print(message, file=sys.stderr, flush=True)


def _usage_error(message: str) -> typer.Exit:
    _say(f"compare: {message}")
    return typer.Exit(EXIT_USAGE)


def _report_failures(errors, files_found: int) -> int:
    """Print one line per unreadable input and the closing summary; the exit code they give."""
    from compare.target_table import failure_lines, failure_summary

    for line in failure_lines(errors):
        _say(line)
    summary = failure_summary(errors, files_found)
    if summary:
        _say(summary)
        return EXIT_INPUT_ERRORS
    return 0


@app.command()
def targets(
    paths: List[Path] = typer.Argument(..., help="Report files (.txt/.html) or corpus folders.", show_default=False),
    place: Optional[str] = typer.Option(None, "--place", help="Place name or its end, e.g. 海珠区."),
    year: Optional[List[int]] = typer.Option(None, "--year", help="Report year (repeat for several)."),
    part: Optional[List[str]] = typer.Option(None, "--part", help="plan, review or other (repeat for several)."),
    fmt: Optional[str] = typer.Option(
        None, "--format", "-f", help="table, csv, jsonl, parquet or xlsx [default: from --output, else table]."
    ),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to FILE instead of stdout."),
    no_manifest: bool = typer.Option(False, "--no-manifest", help="Ignore manifest.csv; infer place and year from the text."),
) -> None:
    """The target table: one row per commitment or reported figure.

    Example: compare targets corpus --place 海珠区 --year 2022 --part plan --format csv -o haizhu.csv
    """
    from compare.table_io import OutputError, check_destination, format_for, write_table
    from compare.target_table import SelectionError, build_target_table

    try:
        chosen = format_for(fmt, output)
        check_destination(chosen, output)
        table = build_target_table(paths, place=place, years=year or (), parts=part or (),
                                   use_manifest=not no_manifest)
    except (SelectionError, OutputError) as err:
        raise _usage_error(str(err))
    code = _report_failures(table.errors, table.files_found)
    written = write_table(table.targets, chosen, output)
    _say(f"{table.targets.height} rows from {len(table.reports)} reports"
         + (f" written to {written}" if written else ""))
    raise typer.Exit(code)


@app.command()
def demo(
    output_dir: Path = typer.Option(Path("reports_out"), "--output-dir", "-o", help="Folder for the files written."),
) -> None:
    """Run the main job on the bundled sample corpus and write its results.

    Example: compare demo --output-dir reports_out
    """
    from compare.demo import run_demo

    run = run_demo(output_dir)
    print("\n".join(run.summary))
    raise typer.Exit(_report_failures(run.errors, run.files_found))


@app.command()
def report(
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="Corpus folder of report files (manifest.csv optional)."),
    output: Path = typer.Option(Path("reports_out"), "--output", "-o", help="Folder for the static HTML site."),
) -> None:
    """The static HTML site: an index, one page per place, report and pair of consecutive years.

    Pages link to each other relatively and load nothing from the network, so the
    folder can be opened from disk, zipped or served by any static server.

    Example: compare report --corpus corpus --output reports_out && open reports_out/index.html
    """
    from compare.ingest import find_report_files, read_reports
    from compare.site import build_site

    if not corpus.is_dir():
        raise _usage_error(f"{corpus}: not a folder; give --corpus the folder that holds the report files")
    files_found = len(find_report_files([corpus]))
    reports, errors = read_reports([corpus])
    pages = build_site(reports, {}, output, progress=_say)
    code = _report_failures(errors, files_found)
    _say(f"{len(pages)} pages from {len(reports)} reports written to {output / 'index.html'}")
    raise typer.Exit(code)


def main() -> None:
    """Console-script entry point (`compare`, `python -m compare`)."""
    app()


if __name__ == "__main__":
    main()
