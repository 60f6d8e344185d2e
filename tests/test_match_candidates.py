"""match_targets scores only candidate pairs; these tests hold it to the all-pairs reference
(score_matrix + assign): same scores to the bit, every eligible pair a candidate, same pairs chosen."""

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from compare.extract import extract_rows, targets_from_text
from compare.ingest import clean_text, read_report
from compare.match import (MATCH_CUTOFF, _one_byte_texts, assign, candidate_scores, match_targets, score_matrix)
from compare.synth import edit_report

from tests.conftest import require_shared

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "guangzhou-haizhu" / "2022.txt"


def assert_agrees_with_all_pairs(old: list[dict], new: list[dict]) -> None:
    matrix, features = score_matrix(old, new)
    rows, cols, score, candidate_features = candidate_scores(old, new)
    flat = rows * len(new) + cols
    assert (np.diff(flat) > 0).all(), "candidates must come row-major, each once"
    assert score.dtype == np.float32 and np.array_equal(score, matrix[rows, cols])
    for name, values in features.items():
        assert np.array_equal(candidate_features[name], values[rows, cols]), name
    eligible = np.flatnonzero((matrix >= MATCH_CUTOFF).ravel())
    assert np.isin(eligible, flat).all(), "a pair that can pass the cutoff was left out"
    chosen = sorted((p.old, p.new) for p in match_targets(old, new) if p.old is not None and p.new is not None)
    assert chosen == sorted(assign(matrix, MATCH_CUTOFF))


def plan(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["part"] == "plan" and r["restates"] is None]


def test_edited_sample_matches_as_all_pairs_would():
    text = clean_text(SAMPLE.read_text(encoding="utf-8"))
    a = plan(targets_from_text(text, year=2022).to_dicts())
    for seed in range(3):
        b = plan(targets_from_text(edit_report(text, year=2022, seed=seed, per_kind=4).text, year=2022).to_dicts())
        assert_agrees_with_all_pairs(a, b)


def test_real_reports_match_as_all_pairs_would():
    corpus = require_shared() / "corpus"
    files = ["national/2023.txt", "national/2024.txt", "shanghai/2024.txt", "shanghai/2026.txt"]
    rows = [plan(extract_rows(read_report(corpus / f))) for f in files]
    # Consecutive years (many real pairs) and unrelated reports (the bound must hold where texts differ).
    for old, new in zip(rows, rows[1:]):
        assert_agrees_with_all_pairs(old, new)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("的和建设推进发展增长下降新增#%万个一二三四五六七八九十百千亿"
                                                 + "".join(map(chr, range(0x4E00, 0x4F40)))), max_size=90),
                min_size=1, max_size=8), st.lists(st.text(max_size=90), min_size=1, max_size=8))
def test_one_byte_texts_never_score_below_the_text(a, b):
    one_a, one_b = _one_byte_texts(a, b)
    assert [len(x) for x in one_a] == [len(x) for x in a] and all(max(map(ord, x), default=0) < 256 for x in one_a)
    bound = process.cdist(one_a, one_b, scorer=fuzz.ratio, dtype=np.uint8)
    exact = process.cdist(a, b, scorer=fuzz.ratio, dtype=np.uint8)
    assert (bound >= exact).all()


def test_a_lower_cutoff_falls_back_to_all_pairs():
    text = clean_text(SAMPLE.read_text(encoding="utf-8"))
    a = plan(targets_from_text(text, year=2022).to_dicts())
    b = plan(targets_from_text(edit_report(text, year=2022, seed=7, per_kind=4).text, year=2022).to_dicts())
    matrix, _ = score_matrix(a, b)
    chosen = sorted((p.old, p.new) for p in match_targets(a, b, cutoff=0.3) if p.old is not None and p.new is not None)
    assert chosen == sorted(assign(matrix, 0.3))


def test_text_bars_leave_out_only_pairs_under_the_cutoff():
    """A pair whose text similarity is just under its bar cannot reach MATCH_CUTOFF, with every other
    feature at its best: the bars follow the weights."""
    import compare.match as m

    best_rest = m._W_INDICATOR + m._W_SECTION + m._BONUS_SAME_VALUE
    for key, one_numeric, clash in [(0, 0, 0), (0, 1, 0), (0, 0, 1), (0, 1, 1)]:
        bar = m._TEXT_BAR + m._TEXT_BAR_ONE_NUMERIC * one_numeric + m._TEXT_BAR_DIRECTION * clash
        below = (bar - 1) * m._W_TEXT / 100 + best_rest - m._PENALTY_ONE_NUMERIC * one_numeric \
            - m._PENALTY_DIRECTION * clash
        assert below < m.MATCH_CUTOFF
    # A shared (canonical) key lowers the bar by at least what it adds to the score.
    assert m._TEXT_BAR_KEY * m._W_TEXT / 100 >= m._W_KEY + m._BONUS_CANONICAL - 1e-9


def test_a_level_pairs_with_the_level_and_a_change_with_the_change():
    """赤字规模4.06万亿元、比上年增加1800亿元 -> 赤字规模5.66万亿元、比上年增加1.6万亿元: the two rows of each
    clause tie on text, indicator, key and section; the change (增加) on one side only decides."""
    from compare.diff import diff_tables
    from compare.extract import targets_from_text

    old = targets_from_text("今年赤字规模4.06万亿元、比上年增加1800亿元。", year=2024)
    new = targets_from_text("今年赤字规模5.66万亿元、比上年增加1.6万亿元。", year=2025)
    pairs = {(c["old"]["value"], c["new"]["value"]) for c in diff_tables(old, new)["changes"] if c["old"] and c["new"]}
    assert pairs == {(4.06e12, 5.66e12), (1.8e11, 1.6e12)}


def test_the_year_s_target_pairs_with_the_year_s_not_with_a_five_year_one():
    """An annual target and a target due years later are two promises: 增长20% for the year does not
    become 年均增长10%以上 for five years ('lowered'); 到2025年… in 2024 and …due 2025 in 2025 are one."""
    old = plan(targets_from_text("二、2024年工作安排\n实际利用市外资金增长20%。\n到2025年建成碧道50公里。\n",
                                 year=2024).to_dicts())
    new = plan(targets_from_text("二、今后五年主要目标\n实际利用市外资金年均增长10%以上。\n"
                                 "三、2025年工作安排\n建成碧道50公里。\n", year=2025).to_dicts())
    pairs = {(old[p.old]["text"] if p.old is not None else None, new[p.new]["text"] if p.new is not None else None)
             for p in match_targets(old, new)}
    assert ("实际利用市外资金增长20%", None) in pairs and (None, "实际利用市外资金年均增长10%以上") in pairs
    assert ("到2025年建成碧道50公里", "建成碧道50公里") in pairs
    assert_agrees_with_all_pairs(old, new)
