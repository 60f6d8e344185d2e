"""compare rebuild fsyncs every store file a manifest names before it writes that manifest.

The workers write the store's files without fsync and the rebuilding process fsyncs them
later (while the workers render pages); these tests watch os.fsync to check that nothing
the new manifest names is left out. The pool stays off (tiny inputs run in one process),
so the patched os.fsync sees every call.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from compare.store import MANIFEST_NAME, rebuild
from compare.stress_rebuild import change_corpus, write_tiny_corpus


@pytest.fixture
def fsynced(monkeypatch):
    """The resolved paths os.fsync was called on, in order."""
    calls: list[str] = []
    real_fsync = os.fsync

    def watching_fsync(fd: int) -> None:
        calls.append(os.path.realpath(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", watching_fsync)
    return calls


_TEMP_NAME = re.compile(r"^\.(.+)\.[a-z0-9_]{8}\.tmp$")  # site.write_atomically's temp file of NAME


def _synced_before_manifest(calls: list[str], store_dir) -> set[str]:
    """The files fsynced before the manifest was; a temp file fsynced before its rename counts as its target."""
    before = set()
    for path in calls:
        folder, name = os.path.split(path)
        temp = _TEMP_NAME.match(name)
        path = os.path.join(folder, temp.group(1)) if temp else path
        if os.path.basename(path) == MANIFEST_NAME:
            break
        before.add(path)
    return before


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to name an fd's file")
def test_every_file_the_manifest_names_is_fsynced_before_it(tmp_path, fsynced):
    corpus = write_tiny_corpus(tmp_path / "corpus")
    store_dir, site = tmp_path / "store", tmp_path / "site"
    rebuild(corpus, store_dir, site, workers=1)
    named = json.loads((store_dir / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    synced = _synced_before_manifest(fsynced, store_dir)
    assert {os.path.realpath(store_dir / name) for name in named} - synced == set()

    # An incremental rebuild: the new files are fsynced too (the reused ones were, by the last run).
    fsynced.clear()
    before = set(named)
    change_corpus(corpus)
    rebuild(corpus, store_dir, site, workers=1)
    named = json.loads((store_dir / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    new = {os.path.realpath(store_dir / name) for name in set(named) - before}
    assert new and new - _synced_before_manifest(fsynced, store_dir) == set()
