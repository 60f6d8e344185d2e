"""The demo: the main job run on the bundled sample corpus, from a fresh clone.

`run_demo` reads `corpus/` (shipped with the repository), then runs each step of
`DEMO_STEPS` in order; a step reads and adds to the `DemoRun` (files written,
summary lines). Later features add a step (a diff against an edited copy, the
HTML pages) by appending a function to `DEMO_STEPS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import polars as pl

    from compare.ingest import IngestError, Report

__all__ = ["SAMPLE_CORPUS", "DemoRun", "DEMO_STEPS", "run_demo", "write_target_files", "summarise_targets",
           "synthetic_diff", "build_sample_site", "list_written_files"]

SAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "corpus"
HEADLINES = 5  # numeric plan targets shown in the summary


@dataclass
class DemoRun:
    """What the demo has done so far; each step reads it and adds to it."""

    corpus: Path
    output_dir: Path
    reports: list["Report"]
    errors: list["IngestError"]
    files_found: int
    targets: "pl.DataFrame"
    written: list[Path] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def write_target_files(run: DemoRun) -> None:
    """The sample's target table as csv, jsonl and xlsx in the output folder."""
    from compare.table_io import write_table

    for fmt in ("csv", "jsonl", "xlsx"):
        run.written.append(write_table(run.targets, fmt, run.output_dir / f"targets.{fmt}"))


def summarise_targets(run: DemoRun) -> None:
    """Per report: rows, numeric against qualitative, a few headline plan targets; then the files."""
    import polars as pl

    from compare.table_io import format_value

    for report in run.reports:
        rows = run.targets.filter(pl.col("source") == report.source)
        numeric = rows.filter(pl.col("value").is_not_null()).height
        run.summary.append(f"{report.place} {report.year}: {rows.height} rows "
                           f"({numeric} numeric, {rows.height - numeric} qualitative)")
        by_part = rows.group_by("part").len().sort("part").rows()
        run.summary.append("  parts: " + ", ".join(f"{part} {n}" for part, n in by_part))
        # firm targets first (a comparator or a firmness word), then in report order
        headlines = (rows.filter((pl.col("part") == "plan") & pl.col("value").is_not_null()
                                 & pl.col("restates").is_null())
                     .with_columns(firm=(pl.col("comparator") != "=") | pl.col("modality").is_not_null())
                     .sort(["firm", "start"], descending=[True, False]).head(HEADLINES))
        if headlines.height:
            run.summary.append("  headline targets:")
        for row in headlines.iter_rows(named=True):
            value = format_value(row["value"], row["value_high"], row["unit"])
            comparator = "" if row["comparator"] in (None, "=") else f" ({row['comparator']})"
            run.summary.append(f"    {row['indicator']}: {value}{comparator}  — {row['text']}")


def list_written_files(run: DemoRun) -> None:
    """The files written, and which to open first."""
    run.summary.append("files written:")
    run.summary.extend(f"  {path}" for path in run.written)
    pages = [p for p in run.written if p.suffix == ".html"]
    if pages:
        run.summary.append("open in a browser: " + " and ".join(str(p) for p in pages))


SYNTHETIC_NOTE = ("合成示例 Synthetic example: the later report is an edited copy of the bundled sample, made by "
                  "compare.synth to show what a diff looks like. Its changes are invented, not real policy.")
SYNTHETIC_SEED = 2022


def synthetic_diff(run: DemoRun) -> None:
    """A diff of the sample against an edited copy of itself (compare.synth), as html, json and md,
    clearly labelled synthetic, with how many of the recorded edits the diff recovered."""
    import dataclasses
    import hashlib

    from compare.diff import diff_tables
    from compare.diff_io import write_diff
    from compare.extract import extract_targets
    from compare.synth import check_edits, edit_report

    for report in run.reports:
        edited = edit_report(report.text, year=report.year, seed=SYNTHETIC_SEED)
        copy = dataclasses.replace(report, text=edited.text, year=report.year + 1, delivered=None, source_url=None,
                                   source=f"synthetic edited copy of {report.source}",
                                   sha256=hashlib.sha256(edited.text.encode()).hexdigest())
        diff = diff_tables(extract_targets(report), extract_targets(copy), old_report=report, new_report=copy,
                           outcomes=False)
        diff["compared"]["note"] = SYNTHETIC_NOTE
        stem = run.output_dir / f"synthetic-diff-{report.year}-{copy.year}"
        for fmt in ("html", "json", "md"):
            run.written.append(write_diff(diff, fmt, stem.with_suffix(f".{fmt}")))
        checked = check_edits(diff, edited.edits)
        right = sum(ok for _, ok, _ in checked)
        run.summary.append(f"synthetic diff (an edited copy of {report.place} {report.year}, not a real report): "
                           f"{right} of {len(checked)} recorded edits recovered with the right label; "
                           + ", ".join(f"{n} {s}" for s, n in diff["summary"].items() if n))


def build_sample_site(run: DemoRun) -> None:
    """The static HTML site of the sample corpus (index, place and report pages)."""
    from compare.site import build_site

    tables = {(r.place_key, r.year): run.targets.filter(run.targets["source"] == r.source) for r in run.reports}
    site = run.output_dir / "site"
    build_site(run.reports, tables, site)
    run.written.append(site / "index.html")


DEMO_STEPS: list[Callable[[DemoRun], None]] = [write_target_files, summarise_targets, synthetic_diff,
                                               build_sample_site, list_written_files]


def run_demo(output_dir: str | Path = "reports_out", corpus: str | Path = SAMPLE_CORPUS) -> DemoRun:
    """Read the sample corpus, extract its targets, run every step of DEMO_STEPS."""
    from compare.target_table import build_target_table

    table = build_target_table([Path(corpus)])
    run = DemoRun(corpus=Path(corpus), output_dir=Path(output_dir), reports=table.reports,
                  errors=table.errors, files_found=table.files_found, targets=table.targets)
    for step in DEMO_STEPS:
        step(run)
    return run
