"""A corpus seen as places with years: what `compare diff --corpus` and `compare history` read.

A place is a ``place_key`` (the manifest joins 徐水县 and 徐水区 under one key);
``--place`` names it by its end or a part of it (see ``target_table.match_places``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compare.history import reports_by_year, years_to_compare

__all__ = ["PlaceReports", "load_place", "diff_files", "diff_in_corpus", "history_in_corpus"]


@dataclass
class PlaceReports:
    """The reports of one place by year, and the inputs of the corpus that could not be read."""

    place: str
    by_year: dict[int, Any]
    errors: list
    files_found: int


def load_place(corpus: str | Path, place: str, *, use_manifest: bool = True) -> PlaceReports:
    """The reports of the one place `place` names in `corpus` (SelectionError when none or several)."""
    from compare.ingest import find_report_files, read_reports
    from compare.target_table import select_reports

    reports, errors = read_reports([corpus], use_manifest=use_manifest)
    chosen = select_reports(reports, place)
    by_year = reports_by_year(chosen)
    latest = by_year[max(by_year)]
    return PlaceReports(place=latest.place, by_year=by_year, errors=errors,
                        files_found=len(find_report_files([corpus])))


def diff_files(old: str | Path, new: str | Path, *, part: str = "plan", tolerance: float | None = None) -> dict:
    """The diff of two report files (IngestError when one cannot be read)."""
    from compare.diff import DEFAULT_TOLERANCE, diff_reports
    from compare.ingest import read_report, load_manifest

    reports = []
    for path in (old, new):
        path = Path(path)
        reports.append(read_report(path, load_manifest(path.parent) if path.exists() else {}))
    a, b = sorted(reports, key=lambda r: r.year) if reports[0].year != reports[1].year else reports
    return diff_reports(a, b, part=part, tolerance=DEFAULT_TOLERANCE if tolerance is None else tolerance)


def diff_in_corpus(corpus: str | Path, place: str, year_a: int, year_b: int | None = None, *,
                   part: str = "plan", tolerance: float | None = None) -> tuple[dict, PlaceReports]:
    """The diff of two years of one place; with year_b left out, the next year that has a report.

    Raises SelectionError (place) or history.YearError (a year without a report).
    """
    from compare.diff import DEFAULT_TOLERANCE, diff_reports

    chosen = load_place(corpus, place)
    a, b = years_to_compare(list(chosen.by_year), year_a, year_b)
    diff = diff_reports(chosen.by_year[a], chosen.by_year[b], part=part,
                        tolerance=DEFAULT_TOLERANCE if tolerance is None else tolerance)
    return diff, chosen


def history_in_corpus(corpus: str | Path, place: str, *, indicator: str | None = None,
                      numeric_only: bool = False):
    """The lineages of one place across all its years (history.history_table) and what was read."""
    from compare.corpus import extract_all
    from compare.history import history_table

    chosen = load_place(corpus, place)
    years = sorted(chosen.by_year)
    tables = dict(zip(years, extract_all([chosen.by_year[y] for y in years])))
    return history_table(tables, indicator=indicator, numeric_only=numeric_only), chosen
