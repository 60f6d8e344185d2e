"""Lineages: one commitment followed across every available year of a place.

The pairs of each two consecutive available years (``match.match_targets`` on
the plan rows) are chained, so ``国内生产总值增长`` reads 8 → 7.5 → 7 → 6.5–7
across the national reports in one line.

>>> from compare.extract import targets_from_text
>>> tables = {y: targets_from_text(f"主要目标：国内生产总值增长{v}%左右；城镇新增就业1100万人以上。", year=y)
...           for y, v in [(2022, 5.5), (2023, 5), (2024, 5)]}
>>> h = history_table(tables)
>>> h.select("indicator", "2022", "2023", "2024").row(0)
('国内生产总值', '5.5%左右', '5%左右', '5%左右')
"""

from __future__ import annotations

from typing import Any, Sequence

from compare.extract import canonical_keys
from compare.match import match_targets

__all__ = ["reports_by_year", "years_to_compare", "lineages", "paired_ids", "history_records", "year_cells",
           "history_table", "format_quantity", "YearError"]


class YearError(ValueError):
    """A year with no report for the place; the message lists the years available (usage error)."""


def reports_by_year(reports: Sequence[Any]) -> dict[int, Any]:
    """The reports of one place keyed by year (the caller has selected the place)."""
    return {r.year: r for r in sorted(reports, key=lambda r: r.year)}


def years_to_compare(available: Sequence[int], year_a: int, year_b: int | None = None) -> tuple[int, int]:
    """Resolve YEAR_A [YEAR_B]: with YEAR_B left out, the next year that has a report.

    >>> years_to_compare([2018, 2019, 2021], 2019)
    (2019, 2021)
    >>> try:
    ...     years_to_compare([2018, 2019], 2020)
    ... except YearError as e:
    ...     print(e)
    no report for 2020; years available: 2018, 2019
    """
    years = sorted(set(available))
    listed = ", ".join(map(str, years)) or "none"
    for y in (year_a, year_b):
        if y is not None and y not in years:
            raise YearError(f"no report for {y}; years available: {listed}")
    if year_b is None:
        later = [y for y in years if y > year_a]
        if not later:
            raise YearError(f"no report after {year_a}; years available: {listed}")
        year_b = later[0]
    if year_b == year_a:
        raise YearError(f"YEAR_A and YEAR_B are both {year_a}; give two different years ({listed})")
    return (year_a, year_b) if year_a < year_b else (year_b, year_a)


def _plan_rows(table: Any) -> list[dict]:
    """The plan rows of a target table (restatements left out) as row dicts, in table order.
    ``table`` is a polars DataFrame or a list of row dicts (``extract.table_rows``)."""
    if hasattr(table, "get_column"):
        import polars as pl

        plan = table.filter((pl.col("part") == "plan") & pl.col("restates").is_null())
        names = plan.columns
        # Column by column: polars builds lists of one type much faster than row dicts.
        return [dict(zip(names, values)) for values in zip(*(plan.get_column(c).to_list() for c in names))]
    return [row for row in table if row["part"] == "plan" and row["restates"] is None]


def lineages(tables: dict[int, Any], diffs: dict[tuple[int, int], dict] | None = None, *,
             pairs: dict[tuple[int, int], dict[str, str]] | None = None) -> list[list[tuple[int, dict]]]:
    """Chains of paired plan rows across the years, in the order they first appear.

    ``tables`` maps a year to its target table (a DataFrame or a list of row
    dicts). ``diffs`` (``diff.diff_tables`` results keyed by (year_a, year_b)),
    or ``pairs`` (their ``paired_ids``), give the pairs of consecutive years
    when the caller has them already; otherwise each pair of years is matched here.
    """
    years = sorted(tables)
    plans = {y: _plan_rows(tables[y]) for y in years}
    chains: list[list[tuple[int, dict]]] = []
    open_chain: dict[str, int] = {}  # row id in the latest year -> chain index
    # A known indicator's target that a year leaves out (national 2002 states no GDP target) resumes
    # its lineage when it comes back: (key, unit) -> the chain that ended last with it.
    known = canonical_keys()
    resumable: dict[tuple[str, str | None], int] = {}
    for k, year in enumerate(years):
        links: dict[str, str] = {}
        if k:
            pair = (years[k - 1], year)
            if pairs is not None and pair in pairs:
                links = pairs[pair]
            elif diffs is not None and pair in diffs:
                links = paired_ids(diffs[pair])
            else:
                links = _matched_ids(plans[years[k - 1]], plans[year])
        linked = set(links.values())
        for old_id, chain in open_chain.items():  # no row of this year continues it: it may come back
            last = chains[chain][-1][1]
            if old_id not in linked and last["value"] is not None and last["indicator_key"] in known:
                resumable[_resume_key(last, known)] = chain
        next_open: dict[str, int] = {}
        for row in plans[year]:
            chain = open_chain.get(links.get(row["id"], ""))
            if chain is None:
                chain = resumable.pop(_resume_key(row, known), None) if row["value"] is not None else None
                if chain is None:
                    chain = len(chains)
                    chains.append([])
            chains[chain].append((year, row))
            next_open[row["id"]] = chain
        open_chain = next_open
    return chains


def _resume_key(row: dict, known: frozenset[str]) -> tuple[str, str | None] | None:
    return (row["indicator_key"], row["unit"]) if row["indicator_key"] in known else None


def paired_ids(diff: dict) -> dict[str, str]:
    """new row id -> old row id for the rows a diff (DESIGN.md's JSON shape) pairs."""
    return {c["new"]["id"]: c["old"]["id"] for c in diff["changes"] if c["old"] and c["new"]}


def _matched_ids(old: list[dict], new: list[dict]) -> dict[str, str]:
    return {new[p.new]["id"]: old[p.old]["id"] for p in match_targets(old, new)
            if p.old is not None and p.new is not None}


def format_quantity(row: dict | None) -> str:
    """A row's quantity as an analyst writes it: 5%左右, ≥1200万人, 6.5–7%.

    >>> format_quantity({"value": 12000000.0, "value_high": None, "unit": "人", "comparator": ">="})
    '≥1200万人'
    >>> format_quantity({"value": 6.5, "value_high": 7.0, "unit": "%", "comparator": "range"})
    '6.5–7%'
    """
    if row is None:
        return ""
    if row["value"] is None:
        return "✓"  # stated without a number
    from compare.table_io import format_value

    text = format_value(row["value"], row["value_high"], row["unit"])
    comparator = row["comparator"]
    if comparator == "~":
        return f"{text}左右"
    prefix = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}.get(comparator or "", "")
    return prefix + text


def history_records(tables: dict[int, Any], *, indicator: str | None = None, numeric_only: bool = False,
                    diffs: dict[tuple[int, int], dict] | None = None,
                    pairs: dict[tuple[int, int], dict[str, str]] | None = None) -> list[dict]:
    """The lineages as dicts, in ``history_table``'s order and with its fields but the year columns;
    ``chain`` holds each lineage's (year, row) list (``year_cells`` gives its year columns).
    Arguments as for ``history_table``."""
    out = []
    for n, chain in enumerate(lineages(tables, diffs, pairs=pairs)):
        numeric = [(y, r["value"] if r["value_high"] is None else (r["value"] + r["value_high"]) / 2)
                   for y, r in chain if r["value"] is not None]
        if numeric_only and not numeric:
            continue
        if indicator and not any(indicator in (r["indicator"] or "") or indicator in (r["indicator_key"] or "")
                                 or indicator in r["text"] for _, r in chain):
            continue
        unit = next((r["unit"] for _, r in chain if r["unit"]), None)
        # Named as the latest year names it (国民生产总值 in 1992, 国内生产总值 since), like its text.
        latest = chain[-1][1]
        out.append({"lineage": n, "indicator": latest["indicator"], "indicator_key": latest["indicator_key"],
                    "unit": unit, "first_year": chain[0][0], "last_year": chain[-1][0], "years_present": len(chain),
                    "text": chain[-1][1]["text"], "ids": [r["id"] for _, r in chain],
                    "values": [{"year": y, "value": v} for y, v in numeric], "chain": chain})
    out.sort(key=lambda r: (not r["values"], -r["years_present"], r["first_year"], r["lineage"]))
    return out


def year_cells(record: dict, years: Sequence[int]) -> list[str]:
    """A lineage's quantity in each of `years`, as written ("" where it has no row that year)."""
    by_year = {y: row for y, row in record["chain"]}
    return [format_quantity(by_year[y]) if y in by_year else "" for y in years]


def history_table(tables: dict[int, Any], *, indicator: str | None = None, numeric_only: bool = False,
                  diffs: dict[tuple[int, int], dict] | None = None,
                  pairs: dict[tuple[int, int], dict[str, str]] | None = None) -> pl.DataFrame:
    """One row per lineage, one column per year (the quantity as written), plus the values for a sparkline.

    Numeric lineages come first, longest first. ``indicator`` keeps lineages
    whose indicator, key or clause contains it. ``tables``, ``diffs`` and
    ``pairs`` as for ``lineages``.
    """
    years = sorted(tables)
    out = history_records(tables, indicator=indicator, numeric_only=numeric_only, diffs=diffs, pairs=pairs)
    # Year columns: empty unless the lineage has a row that year (most cells of a long history are empty).
    year_columns = {str(y): [""] * len(out) for y in years}
    for position, record in enumerate(out):
        for y, row in record["chain"]:
            year_columns[str(y)][position] = format_quantity(row)
    import polars as pl  # here, not at the top: `compare diff` uses YearError and must start without polars

    nested = {"ids": pl.List(pl.String), "values": pl.List(pl.Struct({"year": pl.Int64, "value": pl.Float64}))}
    flat_schema = {"lineage": pl.Int64, "indicator": pl.String, "indicator_key": pl.String, "unit": pl.String,
                   "first_year": pl.Int64, "last_year": pl.Int64, "years_present": pl.Int64, "text": pl.String,
                   **{str(y): pl.String for y in years}}
    base = [name for name in flat_schema if not name.isdigit()]
    table = pl.DataFrame({**{name: [record[name] for record in out] for name in base}, **year_columns},
                         schema=flat_schema)
    # The nested columns are built from long tables and grouped: polars converts nested Python
    # objects one by one, which took seconds for the national history.
    ids = pl.DataFrame({"lineage": [r["lineage"] for r in out for _ in r["ids"]],
                        "id": [i for r in out for i in r["ids"]]}, schema={"lineage": pl.Int64, "id": pl.String})
    points = pl.DataFrame({"lineage": [r["lineage"] for r in out for _ in r["values"]],
                           "year": [p["year"] for r in out for p in r["values"]],
                           "value": [p["value"] for r in out for p in r["values"]]},
                          schema={"lineage": pl.Int64, "year": pl.Int64, "value": pl.Float64})
    table = table.join(ids.group_by("lineage", maintain_order=True).agg(pl.col("id").alias("ids")),
                       on="lineage", how="left", maintain_order="left")
    table = table.join(points.group_by("lineage", maintain_order=True).agg(pl.struct("year", "value").alias("values")),
                       on="lineage", how="left", maintain_order="left")
    table = table.with_columns(pl.col("values").fill_null(pl.lit([], dtype=nested["values"])))
    return table.select(*list(flat_schema)[:8], "ids", "values", *[str(y) for y in years]).cast(nested)
