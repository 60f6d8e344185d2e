"""The target table of a set of report files or corpus folders, and how to narrow it.

This is the job behind ``compare targets``: read the reports (bad files become
errors, the rest still load), keep the ones the place and year filters ask for,
extract their targets and keep the parts asked for. The command line only parses
its arguments and calls `build_target_table`.

>>> match_places(["广东省广州市海珠区", "河北省保定市", "河北省保定市徐水区"], "海珠区")
['广东省广州市海珠区']
>>> match_places(["河北省保定市", "河北省保定市徐水区"], "保定市")
['河北省保定市']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:  # polars and the pipeline load only when a table is built
    import polars as pl

    from compare.ingest import IngestError, Report

__all__ = [
    "PARTS",
    "SelectionError",
    "TargetTable",
    "match_places",
    "select_reports",
    "build_target_table",
    "failure_lines",
    "failure_summary",
]

PARTS = ("plan", "review", "other")


class SelectionError(ValueError):
    """A filter that selects nothing or is ambiguous: a usage error (exit 2), one line."""


@dataclass
class TargetTable:
    """What `build_target_table` returns: the rows and how the reading went."""

    targets: "pl.DataFrame"
    reports: list["Report"]
    errors: list["IngestError"]
    files_found: int


def match_places(places: Iterable[str], query: str) -> list[str]:
    """The places `query` names: an exact name, else places whose own (last) unit it is, else names
    ending in it, else names containing it.

    The tiers keep `保定市` from also meaning the counties of 保定市 and `易县` from
    meaning 米易县, while `海珠区` still finds `广东省广州市海珠区`.

    >>> match_places(["河北省", "河北省保定市"], "河北")
    ['河北省', '河北省保定市']
    >>> match_places(["上海市"], "北京")
    []
    """
    query = query.strip()
    names = sorted(set(places))
    for tier in (
        [p for p in names if p == query],
        [p for p in names if _own_name(p) == query],   # 易县 is 河北省保定市易县, not 米易县
        [p for p in names if p.endswith(query)],
        [p for p in names if query in p],
    ):
        if tier:
            return tier
    return []


_ADMIN_UNIT = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|地区|省|市|盟|县|区|旗)")


def _own_name(place: str) -> str:
    """The last administrative unit of a full name: 河北省保定市易县 -> 易县.

    >>> _own_name("四川省攀枝花市米易县"), _own_name("中华人民共和国")
    ('米易县', '中华人民共和国')
    """
    units = _ADMIN_UNIT.findall(place)
    return units[-1] if units and "".join(units) == place else place


def select_reports(
    reports: Sequence["Report"], place: str | None = None, years: Sequence[int] = ()
) -> list["Report"]:
    """The reports of one place (see `match_places`) and of the given years.

    Raises SelectionError when the place matches nothing or several places (places
    joined by a manifest's place_key, like 徐水县 and 徐水区, count as one), or when
    no report has the years asked for; the message lists what there is.
    """
    chosen = list(reports)
    if place:
        matched = match_places((r.place for r in chosen), place)
        if not matched:
            available = ", ".join(sorted({r.place for r in chosen})) or "none"
            raise SelectionError(f"--place {place} matches no report; places read: {available}")
        keys = {r.place_key for r in chosen if r.place in matched}
        if len(keys) > 1:
            raise SelectionError(
                f"--place {place} matches {len(matched)} places: {', '.join(matched)}; give a longer name"
            )
        chosen = [r for r in chosen if r.place in matched]
    if years:
        available_years = sorted({r.year for r in chosen})
        chosen = [r for r in chosen if r.year in set(years)]
        if not chosen:
            asked = ", ".join(str(y) for y in years)
            listed = ", ".join(str(y) for y in available_years) or "none"
            where = f" for {place}" if place else ""
            raise SelectionError(f"no report for --year {asked}{where}; years available: {listed}")
    return chosen


def build_target_table(
    paths: Sequence[str | Path],
    *,
    place: str | None = None,
    years: Sequence[int] = (),
    parts: Sequence[str] = (),
    use_manifest: bool = True,
) -> TargetTable:
    """Read `paths` (files or corpus folders), select reports, extract, keep `parts`.

    Unreadable files are in `.errors` (and the rest is still extracted); a filter
    that selects nothing raises SelectionError.
    """
    import polars as pl

    from compare.corpus import extract_all
    from compare.extract import empty_targets
    from compare.ingest import find_report_files, read_reports

    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        raise SelectionError(f"--part {unknown[0]} is not one of {', '.join(PARTS)}")
    files_found = len(find_report_files(paths))
    reports, errors = read_reports(paths, use_manifest=use_manifest)
    chosen = select_reports(reports, place, years)
    tables = extract_all(chosen)
    targets = pl.concat(tables, how="vertical") if tables else empty_targets()
    if parts:
        targets = targets.filter(pl.col("part").is_in(list(parts)))
    return TargetTable(targets=targets, reports=chosen, errors=errors, files_found=files_found)


def failure_lines(errors: Iterable["IngestError"]) -> list[str]:
    """One line per unreadable input (the IngestError text), each file once."""
    return list(dict.fromkeys(str(e) for e in errors))


def failure_summary(errors: Sequence["IngestError"], files_found: int) -> str | None:
    """The closing line after the failures, or None when every file was read.

    >>> from compare.ingest import IngestError
    >>> failure_summary([IngestError("a/empty.txt", "the file is empty", "remove it")], 3)
    '1 of 3 files skipped: empty.txt (the file is empty)'
    """
    if not errors:
        return None
    by_path: dict[str, str] = {}
    for e in errors:
        by_path.setdefault(e.path, getattr(e, "reason", str(e)))
    shown = [f"{Path(p).name} ({reason.split(' (')[0]})" for p, reason in list(by_path.items())[:5]]
    more = len(by_path) - len(shown)
    tail = f" and {more} more" if more > 0 else ""
    total = max(files_found, len(by_path))
    return f"{len(by_path)} of {total} files skipped: {', '.join(shown)}{tail}"
