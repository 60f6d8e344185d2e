"""`compare diff` and `compare history` on the command line: every format and filter, the
next-available-year rule, bad input. The two-file cases use the bundled sample and a
synthetic edited copy of it; the corpus cases read ../shared in place."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compare.cli import app
from tests.conftest import require_shared

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "corpus" / "guangzhou-haizhu" / "2022.txt"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Path, Path]:
    """The sample as 2022 and a synthetic edited copy of it as 2023 (every edit kind)."""
    from compare.ingest import read_report
    from compare.synth import edit_report

    report = read_report(SAMPLE)
    folder = tmp_path_factory.mktemp("pair")
    edited = edit_report(report.text, year=2023, seed=5)
    old, new = folder / "haizhu-2022.txt", folder / "haizhu-2023.txt"
    old.write_text("——2022年1月10日在海珠区第十七届人民代表大会第一次会议上\n" + report.text, encoding="utf-8")
    # The copy plans for 2023: its headings and dateline say so.
    new.write_text("——2023年1月12日在海珠区第十七届人民代表大会第二次会议上\n" + edited.text, encoding="utf-8")
    return old, new


def test_json_has_the_design_shape(pair):
    result = run("diff", *pair, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"old", "new", "summary", "changes"}
    assert data["old"]["year"] == 2022 and data["new"]["year"] == 2023
    assert set(data["summary"]) == {"continued", "raised", "lowered", "dropped", "new"}
    change = data["changes"][0]
    for key in ("status", "old", "new", "score", "reason", "comparator_changed", "modality_changed", "reworded",
                "value_added", "value_removed", "outcome"):
        assert key in change
    row = next(c["old"] or c["new"] for c in data["changes"])
    for column in ("id", "text", "indicator", "value", "unit", "comparator", "part", "start", "end"):
        assert column in row
    assert "海珠" in result.stdout  # Chinese kept as is
    assert sum(data["summary"].values()) == len(data["changes"])
    assert data["summary"]["raised"] >= 1 and data["summary"]["dropped"] >= 1 and data["summary"]["new"] >= 1


def test_table_leads_with_changes_and_counts(pair):
    result = run("diff", *pair)
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert "2022 → 2023" in first and "上调 raised" in first
    assert "commitments without numbers" in result.stdout
    shown_all = run("diff", *pair, "--all")
    assert "定性承诺 Commitments without numbers" in shown_all.stdout


def test_status_filter_and_changed_only(pair):
    data = json.loads(run("diff", *pair, "--format", "json", "--status", "raised,lowered").stdout)
    assert data["changes"] and {c["status"] for c in data["changes"]} <= {"raised", "lowered"}
    changed = json.loads(run("diff", *pair, "--format", "json", "--changed-only").stdout)
    assert all(c["status"] != "continued" or any(c[f] for f in ("comparator_changed", "modality_changed",
                                                                "reworded", "value_added", "value_removed"))
               for c in changed["changes"])
    bad = run("diff", *pair, "--status", "grew")
    assert bad.exit_code == 2 and "grew" in bad.stderr


def test_csv_xlsx_md_html(pair, tmp_path):
    result = run("diff", *pair, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {"status", "old_text", "new_text", "old_value", "new_value", "outcome_status"} <= set(rows[0])
    xlsx = tmp_path / "d.xlsx"
    assert run("diff", *pair, "-o", xlsx).exit_code == 0
    assert any(n.startswith("xl/worksheets/") for n in zipfile.ZipFile(xlsx).namelist())
    assert run("diff", *pair, "--format", "xlsx").exit_code == 2  # binary to a terminal
    md = run("diff", *pair, "--format", "md").stdout
    assert md.startswith("# ") and "| status |" in md
    html = tmp_path / "d.html"
    assert run("diff", *pair, "--output", html).exit_code == 0
    assert "<html" in html.read_text(encoding="utf-8").lower()


def test_missing_file_is_one_line_and_exit_1(pair, tmp_path):
    result = run("diff", pair[0], tmp_path / "nope.txt")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "nope.txt" in lines[0]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("diff", pair[0], empty)
    assert result.exit_code == 1 and "empty.txt" in result.stderr


def test_usage_errors():
    assert run("diff", "only-one.txt").exit_code == 2
    assert run("diff", "--corpus", "corpus", "2022").exit_code == 2  # no --place
    assert run("diff", "--help").stdout.count("Example") >= 1


def test_corpus_next_available_year_and_gap():
    corpus = require_shared() / "corpus"
    result = run("diff", "--corpus", corpus, "--place", "中华人民共和国", "2019", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["compared"]["old_year"], data["compared"]["new_year"]) == (2019, 2021)
    assert all(c["outcome"] is None for c in data["changes"])
    assert "no report in between" in result.stderr
    missing = run("diff", "--corpus", corpus, "--place", "中华人民共和国", "2020", "2021")
    assert missing.exit_code == 2 and "years available" in missing.stderr and "2019" in missing.stderr


def test_corpus_consecutive_years_have_outcomes():
    corpus = require_shared() / "corpus"
    data = json.loads(run("diff", "--corpus", corpus, "--place", "中华人民共和国", "2023", "2024",
                          "--format", "json").stdout)
    gdp = next(c for c in data["changes"] if c["old"] and c["old"]["text"] == "国内生产总值增长5%左右")
    assert gdp["status"] == "continued" and gdp["outcome"]["status"] == "met" and gdp["outcome"]["value"] == 5.2
    jobs = next(c for c in data["changes"] if c["old"] and c["old"]["text"].startswith("城镇新增就业1200万人"))
    assert jobs["comparator_changed"] and jobs["new"]["comparator"] == ">="


def test_history_lineage_of_gdp(tmp_path):
    corpus = require_shared() / "corpus"
    result = run("history", "--corpus", corpus, "--place", "中华人民共和国", "--indicator", "国内生产总值",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    lineages = json.loads(result.stdout)
    gdp = next(l for l in lineages if l["indicator_key"] == "国内生产总值" and l["2008"] and l["2016"])
    assert [gdp[str(y)] for y in (2008, 2012, 2015, 2016)] == ["8%左右", "7.5%", "7%左右", "6.5–7%"]
    # One lineage across the years that state no GDP target (2000, 2002): 1999 and 2003 are in it too.
    assert gdp["1999"] == "7%左右" and gdp["2003"] == "7%左右" and gdp["2025"] == "5%左右"
    out = tmp_path / "h.csv"
    assert run("history", "--corpus", corpus, "--place", "中华人民共和国", "-o", out).exit_code == 0
    assert "2008" in out.read_text(encoding="utf-8").splitlines()[0]
    table = run("history", "--corpus", corpus, "--place", "中华人民共和国", "--indicator", "城镇新增就业")
    assert table.exit_code == 0 and "城镇新增就业" in table.stdout


def test_two_file_diff_starts_without_polars(pair):
    """`compare diff OLD NEW` must stay quick to start (issue 3: < 0.6 s with start-up): importing
    polars alone costs ~0.3 s, so the two-file path works on row dicts and never loads it.
    A structural check, not a timing: it fails when someone imports polars on that path."""
    import subprocess
    import sys

    old, new = pair
    probe = ("import sys\n"
             "from compare.cli import main\n"
             f"sys.argv = ['compare', 'diff', {str(old)!r}, {str(new)!r}, '--format', 'json']\n"
             "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
             "print('polars' in sys.modules, 'pydantic' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["changes"]
    assert done.stderr.strip().splitlines()[-1] == "False False"
