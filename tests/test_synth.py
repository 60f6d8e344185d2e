"""The edited-copy generator: every edit it makes is recovered by the diff with the right label."""

import random
from pathlib import Path

import pytest

from compare.diff import diff_tables
from compare.extract import targets_from_text
from compare.synth import EDIT_KINDS, check_edits, edit_report
from tests.conftest import require_shared

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "guangzhou-haizhu" / "2022.txt"


def _recovery(text: str, year: int, place: str, seed: int, per_kind: int = 1):
    edited = edit_report(text, year=year, seed=seed, per_kind=per_kind)
    a = targets_from_text(text, year=year, place=place)
    b = targets_from_text(edited.text, year=year, place=place)
    return edited, check_edits(diff_tables(a, b, outcomes=False), edited.edits)


def test_generator_records_every_kind_on_the_sample():
    from compare.ingest import read_report

    report = read_report(SAMPLE)
    edited, results = _recovery(report.text, report.year, report.place, seed=3)
    assert {e.kind for e in edited.edits} == set(EDIT_KINDS)
    wrong = [(e.kind, e.old_text, e.new_text, got) for e, ok, got in results if not ok]
    assert not wrong, wrong


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown edit kind"):
        edit_report("二、2024年工作安排\n新建学校12所。", year=2024, kinds=("shuffle",))


def test_edits_on_twenty_real_reports_are_recovered():
    """Issue figure: at least 95% of the edits on 20 different real reports get the right label."""
    from compare.ingest import read_reports

    reports, _ = read_reports([require_shared() / "corpus"])
    sample = random.Random(7).sample(reports, 20)
    results = []
    for i, r in enumerate(sample):
        results += _recovery(r.text, r.year, r.place, seed=i)[1]
    right = sum(ok for _, ok, _ in results)
    wrong = [(e.kind, e.old_text, e.new_text, got) for e, ok, got in results if not ok]
    assert len({r.place_key for r in sample}) > 5
    assert right / len(results) >= 0.95, f"{right}/{len(results)}: {wrong[:10]}"
