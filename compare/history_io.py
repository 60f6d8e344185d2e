"""Write a history table (``history.history_table``) for a terminal, as CSV or as JSON.

The terminal table has one line per lineage and one column per year, so
``国内生产总值`` reads 8%左右 → 7.5% → 7%左右 … across the row.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

__all__ = ["HISTORY_FORMATS", "HistoryOutputError", "write_history"]

HISTORY_FORMATS = ("table", "csv", "json")
_SUFFIX_FORMATS = {".csv": "csv", ".json": "json", ".txt": "table"}


class HistoryOutputError(ValueError):
    """A history output request that cannot be met: a usage error, one line."""


def _year_columns(table) -> list[str]:
    return [c for c in table.columns if c.isdigit()]


def write_terminal_history(table, stream: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    is_tty = hasattr(stream, "isatty") and stream.isatty()
    console = Console(file=stream, force_terminal=is_tty, no_color=not is_tty, width=None if is_tty else 220,
                      highlight=False)
    years = _year_columns(table)
    view = Table(show_edge=False, pad_edge=False, header_style="bold")
    view.add_column("indicator", max_width=20, overflow="ellipsis", no_wrap=True)
    for y in years:
        view.add_column(y, justify="right", no_wrap=True)
    for row in table.iter_rows(named=True):
        view.add_row(row["indicator"] or "", *[row[y] or "·" for y in years])
    console.print(view)


def write_history(table, fmt: str | None, output: str | Path | None = None, stdout: IO[str] | None = None) -> Path | None:
    """Write the history in `fmt` (table, csv, json) to `output` or stdout; returns the file written."""
    if fmt is None:
        fmt = _SUFFIX_FORMATS.get(Path(output).suffix.lower(), "table") if output else "table"
    if fmt not in HISTORY_FORMATS:
        raise HistoryOutputError(f"--format {fmt} is not one of {', '.join(HISTORY_FORMATS)}")
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
