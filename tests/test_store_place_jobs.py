"""compare rebuild: a short place is one job that renders its place page from the rows it read; a long
place is split into parts and its page is a job of its own. Both ways must give the same store and site.

The tiny corpus (compare.stress_rebuild) has places of at most 5 years, so the default build takes the
whole-place way; the long way is forced by lowering the limits.
"""

from __future__ import annotations

import pytest

from compare import store as store_module
from compare.store import rebuild, verify_store
from compare.stress_rebuild import change_corpus, store_snapshot, write_tiny_corpus


@pytest.mark.parametrize("limits", [(1, 1), (2, 3)], ids=["every-year-a-part", "parts-of-two"])
def test_split_places_build_what_whole_places_build(tmp_path, monkeypatch, limits):
    corpus = write_tiny_corpus(tmp_path / "corpus")
    whole, split = tmp_path / "whole", tmp_path / "split"
    rebuild(corpus, whole / "store", whole / "site", workers=1)
    with monkeypatch.context() as patched:
        patched.setattr(store_module, "_PART_YEARS", limits[0])
        patched.setattr(store_module, "_WHOLE_PLACE_YEARS", limits[1])
        rebuild(corpus, split / "store", split / "site", workers=1)
        assert store_snapshot(split / "store", split / "site") == store_snapshot(whole / "store", whole / "site")
        # An incremental rebuild (one report edited, one added, one removed) redoes the same pages either way.
        change_corpus(corpus)
        split_summary = rebuild(corpus, split / "store", split / "site", workers=1)
    whole_summary = rebuild(corpus, whole / "store", whole / "site", workers=1)
    assert (split_summary.pages_rendered, split_summary.pages_written, split_summary.diffs_computed) == \
        (whole_summary.pages_rendered, whole_summary.pages_written, whole_summary.diffs_computed)
    assert store_snapshot(split / "store", split / "site") == store_snapshot(whole / "store", whole / "site")
    assert verify_store(whole / "store") == [] and verify_store(split / "store") == []
