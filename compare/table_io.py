"""Write a target table as csv, jsonl, parquet, xlsx, or a table for the terminal.

csv and jsonl keep every column (jsonl keeps Chinese as is, not as \\u escapes);
parquet and xlsx are binary and go to a file only; the terminal table shows a
compact set of columns with values written the way the reports write them.

>>> format_value(12000000.0, None, "人")
'1200万人'
>>> format_value(6.5, 7.0, "%")
'6.5–7%'
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "FORMATS",
    "BINARY_FORMATS",
    "OutputError",
    "format_for",
    "pick_format",
    "format_value",
    "check_destination",
    "write_table",
    "write_jsonl",
    "write_terminal_table",
]

FORMATS = ("table", "csv", "jsonl", "parquet", "xlsx")
BINARY_FORMATS = ("parquet", "xlsx")
_SUFFIX_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet",
                   ".xlsx": "xlsx", ".txt": "table"}
# Units a report writes without magnitude words: 5%, 0.5个百分点.
_NO_MAGNITUDE = {"%", "个百分点", "‰", "倍"}
_MAGNITUDES = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
# The terminal table: (column, header, max width in cells).
_TERMINAL_COLUMNS = (("place", "place", 18), ("year", "year", 4), ("part", "part", 6),
                     ("indicator", "indicator", 20), ("value", "value", 14),
                     ("comparator", "cmp", 5), ("modality", "modality", 8), ("text", "text", 40))


class OutputError(ValueError):
    """An output request that cannot be met (e.g. binary to a terminal): a usage error, one line."""


def format_for(fmt: str | None, output: str | Path | None) -> str:
    """The format asked for, else the one the output file's suffix names, else `table`.

    >>> format_for(None, "out/targets.xlsx"), format_for("csv", "x.txt"), format_for(None, None)
    ('xlsx', 'csv', 'table')
    """
    return pick_format(fmt, output, FORMATS, _SUFFIX_FORMATS)


def pick_format(fmt: str | None, output: str | Path | None, formats: tuple[str, ...],
                by_suffix: dict[str, str]) -> str:
    """`fmt` when it is one of `formats`, else the format `output`'s suffix names, else `table`
    (shared by every command that writes data); OutputError for an unknown format."""
    if fmt:
        if fmt not in formats:
            raise OutputError(f"--format {fmt} is not one of {', '.join(formats)}")
        return fmt
    if output:
        return by_suffix.get(Path(output).suffix.lower(), "table")
    return "table"


def _plain_number(x: float) -> str:
    """12.0 -> '12', 1.30000001 -> '1.3', 0.125 -> '0.125'."""
    if abs(x - round(x)) < 1e-9 * max(1.0, abs(x)):
        return str(int(round(x)))
    return f"{x:.4f}".rstrip("0").rstrip(".")


def format_value(value: float | None, value_high: float | None, unit: str | None) -> str:
    """A value (in base units) the way a report writes it: magnitude words back, unit after.

    >>> format_value(5e9, None, "元"), format_value(1.3e12, None, "斤"), format_value(5.0, None, "%")
    ('50亿元', '1.3万亿斤', '5%')
    >>> format_value(None, None, None), format_value(2000.0, None, "人"), format_value(3.0, None, None)
    ('', '2000人', '3')
    """
    if value is None:
        return ""
    unit = unit or ""
    top = max(abs(value), abs(value_high or 0.0))
    scale, word = 1.0, ""
    if unit not in _NO_MAGNITUDE:
        for size, name in _MAGNITUDES:
            if top >= size:
                scale, word = size, name
                break
    text = _plain_number(value / scale)
    if value_high is not None:
        text += "–" + _plain_number(value_high / scale)
    return f"{text}{word}{unit}"


def write_jsonl(targets: "pl.DataFrame", stream: IO[str]) -> None:
    """One JSON object per row with every column; Chinese kept as written."""
    for row in targets.iter_rows(named=True):
        stream.write(json.dumps(row, ensure_ascii=False))
        stream.write("\n")


def _fit(text: str, width: int) -> str:
    """`text` padded or cut to exactly `width` terminal cells (a CJK character is two)."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def write_terminal_table(targets: "pl.DataFrame", stream: IO[str], width: int | None = None) -> None:
    """A compact table, one line per row, columns aligned in terminal cells (CJK-aware).

    Columns are as wide as their widest cell up to a cap; longer cells end in `…`.
    The last column (the clause) takes what is left of the terminal's width.
    Written line by line (not with rich's Table, which measures every cell of a
    100,000-row table several times over and takes minutes).
    """
    from rich.cells import cell_len

    cells: list[list[str]] = []
    for name, _, _ in _TERMINAL_COLUMNS:
        if name == "value":
            column = [format_value(v, h, u) for v, h, u in
                      zip(targets["value"], targets["value_high"], targets["unit"])]
        else:
            column = ["" if v is None else str(v) for v in targets[name]]
        cells.append(column)
    widths = [min(cap, max([cell_len(header), *map(cell_len, column)]))
              for (_, header, cap), column in zip(_TERMINAL_COLUMNS, cells)]
    total = width or _stream_width(stream)
    widths[-1] = max(10, min(widths[-1], total - sum(widths[:-1]) - 2 * (len(widths) - 1)))
    right = {i for i, (name, _, _) in enumerate(_TERMINAL_COLUMNS) if name in ("year", "value")}

    def line(values: list[str]) -> str:
        fitted = []
        for i, (value, w) in enumerate(zip(values, widths)):
            cell = _fit(value, w)
            fitted.append(" " * (len(cell) - len(cell.rstrip(" "))) + cell.rstrip(" ") if i in right else cell)
        return "  ".join(fitted).rstrip() + "\n"

    stream.write(line([header for _, header, _ in _TERMINAL_COLUMNS]))
    for values in zip(*cells):
        stream.write(line(list(values)))


def _stream_width(stream: IO[str]) -> int:
    """The terminal's width, or a width wide enough for every column when piped."""
    import shutil

    if hasattr(stream, "isatty") and stream.isatty():
        return shutil.get_terminal_size((120, 24)).columns
    return sum(w for _, _, w in _TERMINAL_COLUMNS) + 2 * len(_TERMINAL_COLUMNS)


def check_destination(fmt: str, output: str | Path | None, binary: tuple[str, ...] = BINARY_FORMATS) -> None:
    """Raise OutputError when `fmt` cannot go where asked (binary formats need a file).

    Called before the work starts, so a bad request fails at once.
    """
    if output is None and fmt in binary:
        raise OutputError(f"--format {fmt} is a binary format and cannot go to the terminal: "
                          f"add --output FILE.{fmt}")


def write_table(targets: "pl.DataFrame", fmt: str, output: str | Path | None = None,
                stdout: IO[str] | None = None) -> Path | None:
    """Write `targets` in `fmt` to `output` (a file), or to `stdout` for text formats.

    Returns the file written, or None when it went to stdout. Binary formats
    without `output` raise OutputError.
    """
    fmt = format_for(fmt, output)
    check_destination(fmt, output)
    if output is None:
        _write_text(targets, fmt, stdout or sys.stdout)
        return None
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        targets.write_parquet(path)
    elif fmt == "xlsx":
        targets.write_excel(path, worksheet="targets", autofit=False, freeze_panes="A2",
                            float_precision=6)
    else:
        with path.open("w", encoding="utf-8", newline="") as f:
            _write_text(targets, fmt, f)
    return path


def _write_text(targets: "pl.DataFrame", fmt: str, stream: IO[str]) -> None:
    if fmt == "csv":
        stream.write(targets.write_csv())
    elif fmt == "jsonl":
        write_jsonl(targets, stream)
    else:
        write_terminal_table(targets, stream)
