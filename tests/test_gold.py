"""Floors on the gold scores (the same figures `python -m compare.evaluate` prints).

The diff gold is scored through the JSON output (`compare.diff_io.diff_json`
and back), as a user of `compare diff --format json` would read it.
"""

import json

import pytest

from tests.conftest import require_shared


@pytest.fixture(scope="module")
def shared():
    return require_shared()


def test_haizhu_floors(shared):
    from compare.evaluate import haizhu_table, read_gold, score_haizhu

    s = score_haizhu(haizhu_table(shared), read_gold(shared / "gold" / "haizhu-2022-targets.csv"))
    f = s.figures
    report = s.show()
    assert f["_targets"] == 19, report
    assert f["_negatives_violated"] == 0, report
    assert f["_clutter"] == 0, report
    assert f["_qualitative"] >= 9, report
    assert f["_precision"] >= 0.95, report


def test_national_targets_floors(shared):
    from compare.evaluate import national_tables, read_gold, score_national_targets

    gold = read_gold(shared / "gold" / "national-targets-dev.csv")
    s = score_national_targets(national_tables(shared, [int(g["year"]) for g in gold]), gold)
    assert s.figures["_exact"] == 42, s.show()
    assert s.figures["_named"] == s.figures["_exact"], s.show()


@pytest.fixture(scope="module")
def national_diffs_via_json(shared):
    from compare.diff_io import diff_json
    from compare.evaluate import read_gold
    from compare.evaluate_diff import national_diffs

    pairs = read_gold(shared / "gold" / "national-pairs-dev.csv")
    outcomes = read_gold(shared / "gold" / "national-outcomes-dev.csv")
    wanted = {(int(g["year_from"]), int(g["year_to"])) for g in pairs} | \
             {(int(g["plan_year"]), int(g["actual_year"])) for g in outcomes}
    diffs = national_diffs(shared, wanted)
    return {k: json.loads(diff_json(d)) for k, d in diffs.items()}, pairs, outcomes


def test_national_pairs_floor(national_diffs_via_json):
    from compare.evaluate_diff import score_pairs

    diffs, pairs, _ = national_diffs_via_json
    s = score_pairs(diffs, pairs)
    assert s.figures["_right"] >= 36, s.show()
    assert s.figures["_flagged"] >= 0.9 * s.figures["_right"], s.show()


def test_national_outcomes_floor(national_diffs_via_json):
    from compare.evaluate_diff import score_outcomes

    diffs, _, outcomes = national_diffs_via_json
    s = score_outcomes(diffs, outcomes)
    assert s.figures["_right"] == 9, s.show()


def test_evaluate_script_prints_every_gold_file(shared, capsys):
    from compare.evaluate import main

    assert main(["--shared", str(shared)]) == 0
    out = capsys.readouterr().out
    for name in ("haizhu-2022-targets", "national-targets-dev", "national-pairs-dev", "national-outcomes-dev"):
        assert f"== {name}" in out
    assert "precision:" in out
