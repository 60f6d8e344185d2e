"""The scaling corpus: files, manifest and truth agree, and a diff recovers the recorded edits."""

import csv
import json

from compare.corpus import load_corpus
from compare.diff import diff_tables
from compare.scale import load_truth, make_corpus, shift_years
from compare.synth import check_edits


def test_tiny_scale_corpus_is_consistent_and_its_edits_are_recovered(shared_dir, tmp_path):
    made = make_corpus(tmp_path, places=3, years=3, seed=7, corpus=shared_dir / "corpus", workers=1)
    assert made.reports == 9
    with open(tmp_path / "manifest.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 9 and all((tmp_path / r["path"]).is_file() for r in rows)
    truth_lines = [json.loads(line) for line in (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert truth_lines and {t["kind"] for t in truth_lines} >= {"raise", "lower", "drop", "add"}
    for t in truth_lines:
        assert t["new_year"] == t["old_year"] + 1
        # each recorded clause is in its file, as the file writes it
        if t["old_text"]:
            assert t["old_text"] in "".join((tmp_path / t["old_path"]).read_text(encoding="utf-8").split())
        if t["new_text"]:
            assert t["new_text"] in "".join((tmp_path / t["new_path"]).read_text(encoding="utf-8").split())

    corpus = load_corpus([tmp_path], workers=1)
    assert not corpus.errors and len(corpus.reports) == 9
    by_year = {(r.place_key, r.year): (r, t) for r, t in zip(corpus.reports, corpus.tables)}
    assert {(r["place_key"], int(r["year"])) for r in rows} == set(by_year)  # the manifest's years win
    checked = recovered = 0
    for (place, old_year, new_year), edits in load_truth(tmp_path).items():
        (ra, ta), (rb, tb) = by_year[(place, old_year)], by_year[(place, new_year)]
        if any(e.kind != "reorder" for e in edits):  # edits go to plan rows: the shifted headings still open plans
            assert (tb["part"] == "plan").sum() > 0
        for _, ok, _ in check_edits(diff_tables(ta, tb, old_report=ra, new_report=rb), edits):
            checked += 1
            recovered += ok
    assert checked >= 20 and recovered / checked >= 0.9


def test_place_is_the_same_whatever_the_corpus_size(shared_dir, tmp_path):
    small = make_corpus(tmp_path / "a", places=1, years=2, seed=3, corpus=shared_dir / "corpus", workers=1)
    big = make_corpus(tmp_path / "b", places=2, years=2, seed=3, corpus=shared_dir / "corpus", workers=1)
    for name in ("p00000/" + p.name for p in (small.root / "p00000").iterdir()):
        assert (small.root / name).read_bytes() == (big.root / name).read_bytes()


def test_shift_years_keeps_offsets():
    text = "一、2023年工作回顾。二、2024年工作安排，到2025年底完成，粮食产量2000万吨"
    shifted = shift_years(text, 3)
    assert len(shifted) == len(text) and "2026年工作回顾" in shifted and "2000万吨" in shifted


def test_a_generated_corpus_knows_the_reader_that_made_it(tmp_path, shared_dir, monkeypatch):
    import compare.scale as scale

    make_corpus(tmp_path, places=1, years=2, seed=5, corpus=shared_dir / "corpus", workers=1)
    assert scale.stale_reason(tmp_path) is None
    monkeypatch.setattr(scale, "reader_version", lambda: "another")
    assert "regenerate" in scale.stale_reason(tmp_path)
