"""Write a history table (``history.history_table``) for a terminal, as CSV or as JSON.

The terminal table has one line per lineage and one column per year, so
``国内生产总值`` reads 8%左右 → 7.5% → 7%左右 … across the row.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

__all__ = ["HISTORY_FORMATS", "write_history"]

HISTORY_FORMATS = ("table", "csv", "json")
_SUFFIX_FORMATS = {".csv": "csv", ".json": "json", ".txt": "table"}




def _year_columns(table) -> list[str]:
    return [c for c in table.columns if c.isdigit()]


def write_terminal_history(table, stream: IO[str]) -> None:
    """One line per lineage, one column per year that has any value. On a narrow terminal
    the latest years that fit are shown, and a note says how to see them all."""
    from rich.console import Console
    from rich.table import Table

    years = [y for y in _year_columns(table) if any(v for v in table[y])]
    is_tty = hasattr(stream, "isatty") and stream.isatty()
    width = Console(file=stream).width if is_tty else 24 + 12 * len(years)
    fits = max(1, (width - 24) // 12)
    shown = years[-fits:]
    console = Console(file=stream, force_terminal=is_tty, no_color=not is_tty, width=width, highlight=False)
    if len(shown) < len(years):
        console.print(f"showing {shown[0]}–{shown[-1]} of {years[0]}–{years[-1]}; "
                      "widen the terminal or use --format csv for every year", style="dim")
    view = Table(show_edge=False, pad_edge=False, header_style="bold")
    view.add_column("indicator", min_width=10, max_width=20, overflow="ellipsis", no_wrap=True)
    for y in shown:
        view.add_column(y, justify="right", no_wrap=True, min_width=4)
    for row in table.iter_rows(named=True):
        view.add_row(row["indicator"] or "", *[row[y] or "·" for y in shown])
    console.print(view)


def write_history(table, fmt: str | None, output: str | Path | None = None, stdout: IO[str] | None = None) -> Path | None:
    """Write the history in `fmt` (table, csv, json) to `output` or stdout; returns the file written."""
    from compare.table_io import pick_format

    fmt = pick_format(fmt, output, HISTORY_FORMATS, _SUFFIX_FORMATS)
    if output is not None:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as stream:
            _write(table, fmt, stream)
        return path
    _write(table, fmt, stdout or sys.stdout)
    return None


def _write(table, fmt: str, stream: IO[str]) -> None:
    if fmt == "csv":
        # Nested columns (ids, values) do not fit a CSV cell; the year columns carry the values.
        flat = table.drop("ids", "values")
        stream.write(flat.write_csv())
    elif fmt == "json":
        stream.write(json.dumps(table.to_dicts(), ensure_ascii=False, indent=1) + "\n")
    else:
        write_terminal_history(table, stream)
