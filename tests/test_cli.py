"""The command line: `compare targets` in every format and filter, bad input, `compare demo`, --help.

Everything here runs on the bundled sample (corpus/guangzhou-haizhu/2022.txt) and on
small files written to tmp_path, so it needs no ../shared.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from compare.cli import app

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "corpus"
HAIZHU = SAMPLE / "guangzhou-haizhu" / "2022.txt"
HAIZHU_PLACE = "广东省广州市海珠区"

runner = CliRunner()  # typer's runner keeps result.stderr apart from result.stdout


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def sample_jsonl() -> list[dict]:
    result = run("targets", SAMPLE, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_jsonl_has_every_column_and_keeps_chinese(sample_jsonl):
    from compare.extract import TARGET_COLUMNS

    assert len(sample_jsonl) > 50
    assert all(list(row) == list(TARGET_COLUMNS) for row in sample_jsonl)
    assert {row["place"] for row in sample_jsonl} == {HAIZHU_PLACE}
    assert any(row["value"] == 5e9 and row["unit"] == "元" for row in sample_jsonl)


def test_jsonl_is_not_ascii_escaped():
    result = run("targets", SAMPLE, "--format", "jsonl")
    assert HAIZHU_PLACE in result.stdout and "\\u" not in result.stdout


def test_csv_parses_back_to_the_same_rows(sample_jsonl):
    result = run("targets", SAMPLE, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(sample_jsonl)
    assert [r["id"] for r in rows] == [r["id"] for r in sample_jsonl]
    assert not result.stdout.startswith("\ufeff")  # plain UTF-8, no BOM


def test_csv_to_a_file_and_the_message_on_stderr(tmp_path, sample_jsonl):
    out = tmp_path / "t.csv"
    result = run("targets", SAMPLE, "--format", "csv", "--output", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert str(out) in result.stderr
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == len(sample_jsonl)


def test_parquet_reads_back_with_polars(tmp_path, sample_jsonl):
    out = tmp_path / "t.parquet"
    result = run("targets", SAMPLE, "--format", "parquet", "--output", out)
    assert result.exit_code == 0, result.stderr
    df = pl.read_parquet(out)
    assert df.height == len(sample_jsonl)
    assert df.schema["value"] == pl.Float64 and df.schema["year"] == pl.Int64


def test_xlsx_is_a_workbook(tmp_path):
    out = tmp_path / "t.xlsx"
    result = run("targets", SAMPLE, "--output", out)  # format from the suffix
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(out) as book:
        assert any(name.startswith("xl/worksheets/") for name in book.namelist())


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_binary_formats_refuse_the_terminal(fmt):
    result = run("targets", SAMPLE, "--format", fmt)
    assert result.exit_code == 2
    assert "--output" in result.stderr and result.stdout == ""


def test_terminal_table_shows_values_with_units():
    result = run("targets", SAMPLE)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["place", "year", "part", "indicator"]
    assert any("50亿元" in line for line in lines)
    assert any("85%" in line for line in lines)
    assert len(lines) > 50


def test_unknown_format_is_a_usage_error():
    result = run("targets", SAMPLE, "--format", "pdf")
    assert result.exit_code == 2


def two_haizhu_corpus(root: Path) -> Path:
    """Two places ending in 海珠区 (the second invented), and Haizhu in two years."""
    root.mkdir()
    text = HAIZHU.read_bytes()
    for name in ("gz2022.txt", "gz2023.txt", "other2022.txt"):
        (root / name).write_bytes(text)
    (root / "manifest.csv").write_text(
        "path,place,place_key,level,year\n"
        f"gz2022.txt,{HAIZHU_PLACE},{HAIZHU_PLACE},district,2022\n"
        f"gz2023.txt,{HAIZHU_PLACE},{HAIZHU_PLACE},district,2023\n"
        "other2022.txt,测试省某市海珠区,测试省某市海珠区,district,2022\n",
        encoding="utf-8",
    )
    return root


def test_place_suffix_matches_one_place(tmp_path):
    corpus = two_haizhu_corpus(tmp_path / "c")
    result = run("targets", corpus, "--place", "广州市海珠区", "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["place"] for r in rows} == {HAIZHU_PLACE}
    assert {r["year"] for r in rows} == {2022, 2023}


def test_ambiguous_place_lists_the_places_and_exits_2(tmp_path):
    corpus = two_haizhu_corpus(tmp_path / "c")
    result = run("targets", corpus, "--place", "海珠区")
    assert result.exit_code == 2
    assert HAIZHU_PLACE in result.stderr and "测试省某市海珠区" in result.stderr
    assert result.stdout == ""


def test_unknown_place_exits_2():
    result = run("targets", SAMPLE, "--place", "北京市")
    assert result.exit_code == 2 and HAIZHU_PLACE in result.stderr


def test_year_filter(tmp_path):
    corpus = two_haizhu_corpus(tmp_path / "c")
    result = run("targets", corpus, "--place", "广州市海珠区", "--year", "2023",
                 "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert {json.loads(line)["year"] for line in result.stdout.splitlines()} == {2023}


def test_year_without_a_report_lists_the_years():
    result = run("targets", SAMPLE, "--year", "2019")
    assert result.exit_code == 2 and "2022" in result.stderr


SHORT_REPORT = (
    "各位代表：\n现在，我代表海珠区人民政府向大会报告工作。\n一、2021年工作回顾\n"
    "过去一年，地区生产总值增长8%，城镇新增就业1.2万人。\n二、2022年工作安排\n"
    "今年主要预期目标是：地区生产总值增长6%左右，城镇新增就业1万人以上。\n"
)


def test_part_filter(tmp_path):
    report = tmp_path / "2022.txt"
    report.write_text(SHORT_REPORT, encoding="utf-8")
    for part, values in (("review", {8.0, 12000.0}), ("plan", {6.0, 10000.0})):
        result = run("targets", report, "--part", part, "--format", "jsonl")
        assert result.exit_code == 0, result.stderr
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert {r["part"] for r in rows} == {part}
        assert {r["value"] for r in rows if r["value"] is not None} == values
    both = run("targets", report, "--part", "plan", "--part", "review", "--format", "jsonl")
    assert {json.loads(line)["part"] for line in both.stdout.splitlines()} == {"plan", "review"}
    assert run("targets", report, "--part", "future").exit_code == 2


def test_no_manifest_infers_place_and_year_from_the_text():
    result = run("targets", SAMPLE, "--no-manifest", "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and {r["year"] for r in rows} == {2022}
    assert all(r["place"].endswith("海珠区") for r in rows)


def bad_corpus(root: Path) -> tuple[Path, dict[str, Path]]:
    """The sample report plus one file for each way a file can fail."""
    (root / "good").mkdir(parents=True)
    (root / "dup").mkdir()
    (root / "nodate").mkdir()
    (root / "good" / "2022.txt").write_bytes(HAIZHU.read_bytes())
    bad = {
        "empty": root / "empty.txt",
        "binary": root / "binary.txt",
        "undecodable": root / "undecodable.txt",
        "no year": root / "nodate" / "report.txt",
        "duplicate a": root / "dup" / "a.txt",
        "duplicate b": root / "dup" / "b.txt",
    }
    bad["empty"].write_bytes(b"")
    bad["binary"].write_bytes(b"PK\x03\x04\x00\x00\x08\x00" * 64)
    bad["undecodable"].write_bytes("各位代表".encode("gb18030") + b"\xff\xff\xff\xff")
    bad["no year"].write_text("各位代表：\n现在，我代表某某县人民政府向大会报告工作。\n", encoding="utf-8")
    bad["duplicate a"].write_bytes(HAIZHU.read_bytes())
    bad["duplicate b"].write_bytes(HAIZHU.read_bytes())
    (root / "manifest.csv").write_text(
        "path,place,place_key,level,year\n"
        f"good/2022.txt,{HAIZHU_PLACE},{HAIZHU_PLACE},district,2022\n"
        "dup/a.txt,测试省测试市,测试省测试市,city,2021\n"
        "dup/b.txt,测试省测试市,测试省测试市,city,2021\n",
        encoding="utf-8",
    )
    return root, bad


def test_bad_inputs_are_reported_one_line_each_and_the_rest_is_written(tmp_path):
    corpus, bad = bad_corpus(tmp_path / "inputs")
    out = tmp_path / "out.jsonl"
    result = run("targets", corpus, "--output", out)
    assert result.exit_code == 1
    stderr = result.stderr.splitlines()
    for what, path in bad.items():
        naming = [line for line in stderr if line.startswith(str(path) + ":")]
        assert len(naming) == 1, (what, result.stderr)
    assert any(line.startswith("6 of 7 files skipped:") for line in stderr), result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and {r["source"] for r in rows} == {str(corpus / "good" / "2022.txt")}


def test_bad_input_still_writes_to_stdout(tmp_path):
    corpus, _ = bad_corpus(tmp_path / "inputs")
    result = run("targets", corpus, "--format", "csv")
    assert result.exit_code == 1
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) > 50


@pytest.mark.parametrize("command", [[], ["targets"], ["demo"]])
def test_help_shows_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example: compare" in result.stdout


def test_bad_option_is_a_usage_error():
    assert run("targets", SAMPLE, "--colour", "red").exit_code == 2
    assert run("targets").exit_code == 2


def test_demo_writes_its_files(tmp_path):
    out = tmp_path / "demo"
    result = run("demo", "--output-dir", out)
    assert result.exit_code == 0, result.stderr
    for name in ("targets.csv", "targets.jsonl", "targets.xlsx"):
        assert (out / name).stat().st_size > 0
        assert str(out / name) in result.stdout
    assert HAIZHU_PLACE in result.stdout and "numeric" in result.stdout
    rows = [json.loads(line) for line in (out / "targets.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(list(csv.DictReader((out / "targets.csv").open(encoding="utf-8"))))
