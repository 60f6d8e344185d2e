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


@app.command()
def diff(
    args: List[str] = typer.Argument(..., help="OLD NEW report files; with --corpus: YEAR_A [YEAR_B].",
                                     show_default=False, metavar="OLD NEW | YEAR_A [YEAR_B]"),
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="Corpus folder to pick the reports from."),
    place: Optional[str] = typer.Option(None, "--place", help="With --corpus: the place, e.g. 海珠区."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                      help="table, json, csv, xlsx, md or html [default: from --output, else table]."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to FILE instead of stdout."),
    status: Optional[str] = typer.Option(None, "--status", help="Only these statuses, e.g. raised,lowered."),
    changed_only: bool = typer.Option(False, "--changed-only", help="Hide plain continuations (no flag set)."),
    part: str = typer.Option("plan", "--part", help="plan (promises) or review (achievements)."),
    tolerance: float = typer.Option(0.10, "--tolerance", help="Outcome tolerance for ~ and = targets (0.10 = ±10%)."),
    show_all: bool = typer.Option(False, "--all", help="Table: also list the commitments without numbers."),
) -> None:
    """How the commitments changed from one report to the next, and whether last year's were met.

    Example: compare diff ../shared/corpus/national/2023.txt ../shared/corpus/national/2024.txt

    Example: compare diff --corpus corpus --place 中华人民共和国 2019 --status raised,lowered
    """
    from compare.diff_io import check_diff_destination, diff_format_for, filter_changes, write_diff
    from compare.history import YearError
    from compare.ingest import IngestError
    from compare.table_io import OutputError
    from compare.target_table import SelectionError

    if part not in ("plan", "review"):
        raise _usage_error(f"--part {part} is not plan or review")
    try:
        chosen_format = diff_format_for(fmt, output)
        check_diff_destination(chosen_format, output)
        if corpus is not None:
            if not place:
                raise _usage_error("--corpus needs --place, e.g. --place 海珠区")
            years = [_year(a) for a in args]
            if not 1 <= len(years) <= 2:
                raise _usage_error("with --corpus give YEAR_A and optionally YEAR_B")
            from compare.places import diff_in_corpus

            result, chosen = diff_in_corpus(corpus, place, years[0], years[1] if len(years) > 1 else None,
                                            part=part, tolerance=tolerance)
            code = _report_failures(chosen.errors, chosen.files_found)
        else:
            if len(args) != 2:
                raise _usage_error("give two report files OLD NEW, or --corpus DIR --place P YEAR_A [YEAR_B]")
            from compare.places import diff_files

            result, code = diff_files(args[0], args[1], part=part, tolerance=tolerance), 0
        statuses = [s.strip() for s in status.split(",") if s.strip()] if status else []
        shown = filter_changes(result, statuses=statuses, changed_only=changed_only)
    except IngestError as err:
        _say(str(err))
        raise typer.Exit(EXIT_INPUT_ERRORS)
    except (SelectionError, YearError, OutputError) as err:
        raise _usage_error(str(err))
    compared = result["compared"]
    if not compared["consecutive"]:
        _say(f"compared {compared['old_year']} with {compared['new_year']}: no report in between, "
             "so last year's promises are not checked against outcomes")
    written = write_diff(shown, chosen_format, output, show_all=show_all)
    if written:
        _say(f"{len(shown['changes'])} changes ({compared['old_year']} → {compared['new_year']}) written to {written}")
    raise typer.Exit(code)


def _year(text: str) -> int:
    if not text.isdigit() or len(text) != 4:
        raise _usage_error(f"{text} is not a year (with --corpus the arguments are YEAR_A [YEAR_B])")
    return int(text)


@app.command()
def history(
    corpus: Path = typer.Option(..., "--corpus", help="Corpus folder."),
    place: str = typer.Option(..., "--place", help="The place, e.g. 中华人民共和国 or 海珠区."),
    indicator: Optional[str] = typer.Option(None, "--indicator", help="Only lineages whose indicator or clause contains TEXT."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="table, csv or json [default: from --output, else table]."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to FILE instead of stdout."),
    numeric_only: bool = typer.Option(True, "--numeric-only/--all", help="Only lineages that carry a number (default)."),
) -> None:
    """Each commitment of a place followed across every available year, one column per year.

    Example: compare history --corpus ../shared/corpus --place 中华人民共和国 --indicator 国内生产总值
    """
    from compare.history_io import write_history
    from compare.table_io import OutputError
    from compare.history import YearError
    from compare.places import history_in_corpus
    from compare.target_table import SelectionError

    try:
        table, chosen = history_in_corpus(corpus, place, indicator=indicator, numeric_only=numeric_only)
        written = write_history(table, fmt, output)
    except (SelectionError, YearError, OutputError) as err:
        raise _usage_error(str(err))
    code = _report_failures(chosen.errors, chosen.files_found)
    _say(f"{table.height} lineages of {chosen.place} over {len(chosen.by_year)} reports "
         f"({min(chosen.by_year)}–{max(chosen.by_year)})" + (f" written to {written}" if written else ""))
    raise typer.Exit(code)


@app.command()
def rebuild(
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="Corpus folder of report files (manifest.csv optional)."),
    store: Path = typer.Option(Path("store"), "--store", help="Store folder (target tables, diffs, build manifest)."),
    reports: Path = typer.Option(Path("reports_out"), "--reports", help="Folder of the static HTML site kept up to date."),
    full: bool = typer.Option(False, "--full", help="Rebuild everything, not only what changed."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would change; write nothing."),
    wait: bool = typer.Option(False, "--wait", help="If another rebuild is running, wait for it instead of exiting 3."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
) -> None:
    """The scheduled corpus rebuild: incremental, crash-safe, one at a time (safe to run from cron).

    Reads only new and changed reports, redoes only the diffs and pages they touch.
    Exit 0 success; 1 some report failed (the rest was built); 2 usage error;
    3 another rebuild is running (without --wait).

    Example: compare rebuild --corpus /srv/corpus --store /srv/store --reports /srv/site --quiet
    """
    from compare.store import EXIT_LOCKED, LockBusy, StoreError, rebuild as run_rebuild, summary_paragraph, \
        terminal_progress

    if not corpus.is_dir():
        raise _usage_error(f"{corpus}: not a folder; give --corpus the folder that holds the report files")
    try:
        if sys.stderr.isatty() and not quiet and not as_json and not dry_run:
            with terminal_progress() as progress:
                summary = run_rebuild(corpus, store, reports, full=full, dry_run=dry_run, wait=wait, progress=progress)
        else:
            summary = run_rebuild(corpus, store, reports, full=full, dry_run=dry_run, wait=wait)
    except LockBusy as err:
        _say(f"compare: {err}")
        raise typer.Exit(EXIT_LOCKED)
    except StoreError as err:
        _say(f"compare: {err}")
        raise typer.Exit(EXIT_INPUT_ERRORS)
    if as_json:
        import json

        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=1))
    if not quiet or summary.failed:
        for failure in summary.failed:
            _say(failure["error"])
    if not quiet and not as_json:
        if dry_run:
            for label, paths in (("add", summary.added), ("change", summary.changed), ("remove", summary.removed)):
                for path in paths:
                    _say(f"would {label} {path}")
        _say(summary_paragraph(summary))
    raise typer.Exit(summary.exit_code)


def main() -> None:
    """Console-script entry point (`compare`, `python -m compare`)."""
    app()


if __name__ == "__main__":
    main()
