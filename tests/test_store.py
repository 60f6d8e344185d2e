"""compare rebuild: the store, incremental rebuilds, bad inputs, the CLI's outputs and exit codes.

Corpora are small edited copies of the bundled Haizhu sample (compare.stress_rebuild's helpers),
built in tmp_path; the pool of worker processes stays off (tiny inputs run in one process).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from typer.testing import CliRunner

from compare import store as store_module
from compare.cli import app
from compare.lock import store_lock
from compare.store import EXIT_LOCKED, StoreError, load_store, rebuild, verify_store
from compare.stress_rebuild import change_corpus, report_text, store_snapshot, write_tiny_corpus

REPO = Path(__file__).resolve().parents[1]


def _mtimes(*folders: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for f in folders for p in sorted(Path(f).rglob("*"))
            if p.is_file() and p.name != "lock"}


@pytest.fixture
def tiny(tmp_path):
    corpus = write_tiny_corpus(tmp_path / "corpus")
    return corpus, tmp_path / "store", tmp_path / "site"


def test_first_build_stores_tables_diffs_manifest_and_site(tiny):
    corpus, store_dir, site = tiny
    summary = rebuild(corpus, store_dir, site, workers=1)
    assert (len(summary.added), len(summary.failed), summary.exit_code) == (6, 0, 0)
    assert verify_store(store_dir) == []
    store = load_store(store_dir)
    manifest = store.manifest
    assert manifest["engine"].startswith("0.")
    assert {i["year"] for i in store.built()} == {2020, 2021, 2022, 2023}
    assert all(set(i) >= {"path", "size", "sha256", "place", "year"} for i in store.inputs)
    assert store.table().height == sum(i["rows"] for i in store.built())
    # Haizhu 2020-2023 and Liwan 2022-2023: 3 + 1 consecutive pairs
    assert [(d["place_key"][-3:], d["old_year"], d["new_year"]) for d in store.diffs()] == [
        ("海珠区", 2020, 2021), ("海珠区", 2021, 2022), ("海珠区", 2022, 2023), ("荔湾区", 2022, 2023)]
    diff = store.diff("广东省广州市海珠区", 2021, 2022)
    assert set(diff) >= {"old", "new", "summary", "changes"} and diff["new"]["year"] == 2022
    assert (site / "index.html").is_file() and len(list(site.rglob("*.html"))) == 1 + 2 + 6 + 4


def test_site_equals_build_site_byte_for_byte(tiny, tmp_path):
    """The store renders the pages itself (only those whose inputs changed); they must be build_site's."""
    from compare.corpus import load_corpus
    from compare.site import build_site

    corpus, store_dir, site = tiny
    change_corpus(corpus)
    rebuild(corpus, store_dir, site, workers=1)
    loaded = load_corpus([corpus], workers=1)
    reference = tmp_path / "reference"
    build_site(loaded.reports, {(r.place_key, r.year): t for r, t in zip(loaded.reports, loaded.tables)}, reference)
    ours = {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    theirs = {str(p.relative_to(reference)): p.read_bytes() for p in reference.rglob("*") if p.is_file()}
    assert ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []


def test_incremental_equals_full_and_touches_only_what_changed(tiny, tmp_path):
    corpus, store_dir, site = tiny
    rebuild(corpus, store_dir, site, workers=1)
    before = _mtimes(site)
    change_corpus(corpus)  # Haizhu 2021 edited, Haizhu 2024 added, Liwan 2022 removed
    summary = rebuild(corpus, store_dir, site, workers=1)
    assert ([Path(p).name for p in summary.added], [Path(p).name for p in summary.changed],
            [Path(p).name for p in summary.removed], summary.unchanged) == (["2024.txt"], ["2021.txt"], ["2022.txt"], 4)
    assert summary.reports_read == 2
    # Haizhu: 2020-21 and 2021-22 (edited 2021), 2023-24 (new); Liwan 2022-23 gone
    assert (summary.diffs_computed, summary.diffs_total) == (3, 4)
    after = _mtimes(site)
    untouched = sorted(Path(p).name for p in before if p in after and before[p] == after[p])
    # Haizhu pages whose report (and links) did not change keep their bytes and mtime
    assert untouched == ["2020.html", "2022.html", "diff-2022-2023.html"]
    assert not any("荔湾" in p and p.endswith("2022.html") for p in after)  # the removed report's page is gone
    full_store, full_site = tmp_path / "full-store", tmp_path / "full-site"
    rebuild(corpus, full_store, full_site, workers=1, full=True)
    assert store_snapshot(store_dir, site) == store_snapshot(full_store, full_site)
    assert verify_store(store_dir) == []
    # Only the files the new manifest names remain in the store.
    listed = set(load_store(store_dir).manifest["files"])
    on_disk = {str(p.relative_to(store_dir)) for p in store_dir.rglob("*") if p.is_file()} - {"manifest.json", "lock"}
    assert on_disk == listed


def test_unchanged_rebuild_rewrites_no_file(tiny):
    corpus, store_dir, site = tiny
    rebuild(corpus, store_dir, site, workers=1)
    before = _mtimes(store_dir, site)
    summary = rebuild(corpus, store_dir, site, workers=1)
    assert (summary.reports_read, summary.diffs_computed, summary.pages_rendered, summary.manifest_written) == (0, 0, 0, False)
    assert _mtimes(store_dir, site) == before
    # --full redoes everything but still leaves identical bytes alone
    summary = rebuild(corpus, store_dir, site, workers=1, full=True)
    assert summary.reports_read == 6 and summary.pages_written == 0
    assert {p: t for p, t in _mtimes(site).items()} == {p: t for p, t in before.items() if p.startswith(str(site))}


def test_a_page_changed_behind_the_stores_back_is_redone(tiny):
    corpus, store_dir, site = tiny
    rebuild(corpus, store_dir, site, workers=1)
    page = next(site.rglob("2021.html"))
    original = page.read_bytes()
    page.write_bytes(b"tampered")
    (site / "index.html").unlink()
    summary = rebuild(corpus, store_dir, site, workers=1)
    assert summary.pages_rendered == 2 and page.read_bytes() == original and (site / "index.html").is_file()


def test_engine_change_rebuilds_everything(tiny, monkeypatch):
    corpus, store_dir, site = tiny
    rebuild(corpus, store_dir, site, workers=1)
    monkeypatch.setattr(store_module, "engine_version", lambda: "9.9.9+other")
    summary = rebuild(corpus, store_dir, site, workers=1)
    assert len(summary.changed) == 6 and summary.reports_read == 6 and summary.pages_written == 0
    assert load_store(store_dir).manifest["engine"] == "9.9.9+other" and verify_store(store_dir) == []


def test_dry_run_writes_nothing(tiny):
    corpus, store_dir, site = tiny
    summary = rebuild(corpus, store_dir, site, dry_run=True)
    assert len(summary.added) == 6 and summary.reports_read == 6
    assert not store_dir.exists() and not site.exists()
    rebuild(corpus, store_dir, site, workers=1)
    before = _mtimes(store_dir, site)
    change_corpus(corpus)
    summary = rebuild(corpus, store_dir, site, dry_run=True)
    assert (len(summary.added), len(summary.changed), len(summary.removed), summary.reports_read) == (1, 1, 1, 2)
    assert _mtimes(store_dir, site) == before


# ---------------------------------------------------------------- bad input

def _write_bad_inputs(corpus: Path) -> dict[str, str]:
    """Every kind of bad file; name -> a word its error must contain."""
    bad = corpus / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 200)
    (bad / "undecodable.txt").write_bytes(b"\xff\xfe\xfa" * 10 + "报告".encode("utf-16-le")[:3])
    (bad / "report.txt").write_text("海珠区政府工作报告\n各位代表，今年我们要建设更多公园，推进改革。\n", encoding="utf-8")
    # a second report claiming Haizhu 2022: both are kept out
    (bad / "copy.txt").write_text(report_text("海珠", 2022, seed=5), encoding="utf-8")
    return {"empty.txt": "empty", "binary.txt": "binary", "undecodable.txt": "undecodable", "report.txt": "year",
            "copy.txt": "two reports", "2022.txt": "two reports"}


def test_bad_inputs_fail_alone_and_are_recorded(tiny):
    corpus, store_dir, site = tiny
    expected = _write_bad_inputs(corpus)
    summary = rebuild(corpus, store_dir, site, workers=1)
    failed = {Path(f["path"]).name: f["error"] for f in summary.failed if "海珠" in f["path"] or "bad" in f["path"]}
    assert set(failed) == set(expected)
    for name, word in expected.items():
        assert word in failed[name], failed[name]
        assert "\n" not in failed[name] and name in failed[name]
    assert summary.exit_code == 1
    store = load_store(store_dir)
    assert {Path(i["path"]).name for i in store.failed()} == set(expected)
    assert store.manifest["failed"] == summary.failed
    # the duplicates are in no diff; Haizhu's remaining years 2020, 2021, 2023 still pair up
    assert [(d["old_year"], d["new_year"]) for d in store.diffs() if d["place_key"].endswith("海珠区")] == \
        [(2020, 2021), (2021, 2023)]
    assert verify_store(store_dir) == []
    # removing the duplicate brings Haizhu 2022 back, without reading it again
    (corpus / "bad" / "copy.txt").unlink()
    summary = rebuild(corpus, store_dir, site, workers=1)
    assert summary.reports_read == 4  # only the four still-bad files are tried again
    assert [(d["old_year"], d["new_year"]) for d in load_store(store_dir).diffs()
            if d["place_key"].endswith("海珠区")] == [(2020, 2021), (2021, 2022), (2022, 2023)]


def test_file_removed_between_listing_and_reading(tiny, monkeypatch):
    corpus, store_dir, site = tiny
    listed = store_module.find_report_files([corpus])
    ghost = corpus / "海珠" / "2019.txt"
    monkeypatch.setattr(store_module, "find_report_files", lambda paths: sorted(listed + [ghost]))
    summary = rebuild(corpus, store_dir, site, workers=1)
    assert [f["path"] for f in summary.failed] == [str(ghost)]
    assert "removed while the rebuild ran" in summary.failed[0]["error"]
    assert len(load_store(store_dir).built()) == 6


def test_load_store_without_a_build_says_what_to_do(tmp_path):
    with pytest.raises(StoreError, match="run `compare rebuild"):
        load_store(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(StoreError, match="unreadable manifest"):
        load_store(tmp_path)


# ---------------------------------------------------------------- the command line

def test_cli_summary_json_quiet_and_exit_codes(tiny):
    corpus, store_dir, site = tiny
    args = ["rebuild", "--corpus", str(corpus), "--store", str(store_dir), "--reports", str(site)]
    runner = CliRunner()
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert re.search(r"6 added, 0 changed, 0 removed, 0 failed, 0 unchanged\..*\d+\.\d s\.", result.stderr)
    assert result.stdout == ""
    result = runner.invoke(app, args + ["--json"])
    summary = json.loads(result.stdout)
    assert summary["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 6, "failed": 0}
    assert summary["exit_code"] == 0 and result.stderr == ""
    result = runner.invoke(app, args + ["--quiet"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    (corpus / "海珠" / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, args + ["--quiet"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"{corpus / '海珠' / 'empty.txt'}: the file is empty; "
                                                  "remove it or replace it with the report text"]
    result = runner.invoke(app, args + ["--dry-run"])
    assert result.exit_code == 1 and "nothing was written" in result.stderr
    result = runner.invoke(app, ["rebuild", "--corpus", str(corpus / "missing")])
    assert result.exit_code == 2 and "not a folder" in result.stderr


def test_cli_exits_3_while_another_rebuild_holds_the_lock(tiny):
    corpus, store_dir, site = tiny
    with store_lock(store_dir):
        result = CliRunner().invoke(app, ["rebuild", "--corpus", str(corpus), "--store", str(store_dir),
                                          "--reports", str(site)])
    assert result.exit_code == EXIT_LOCKED
    assert result.stderr.strip() == (f"compare: {store_dir}: another rebuild is running (pid {os.getpid()}); "
                                     "wait for it, or pass --wait to queue behind it")
    assert not (store_dir / "manifest.json").exists()


def test_readme_crontab_line_runs_as_written(tmp_path):
    """The crontab line in README.md, run through bash with the repository's path substituted."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = next(l for l in readme.splitlines() if "compare rebuild" in l and l.lstrip().startswith("*/"))
    command = line.split(None, 5)[5]  # after the five time fields
    assert "/path/to/repo" in command
    command = command.replace("/path/to/repo", str(REPO))
    log = tmp_path / "cron.log"
    command = re.sub(r">>\s*\S+", f">> {log}", command)  # the log file of the example lives elsewhere
    for _ in range(30):  # another rebuild of the repo's store (another test run) may hold the lock
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300)
        if done.returncode != EXIT_LOCKED:
            break
    assert done.returncode == 0, (done.stdout, done.stderr, log.read_text() if log.exists() else "")
    assert verify_store(REPO / "store") == []
    assert load_store(REPO / "store").built()[0]["place"] == "广东省广州市海珠区"


# ---------------------------------------------------------------- hypothesis: incremental == full

_SLOTS = [("海珠", y) for y in (2020, 2021, 2022, 2023)] + [("荔湾", y) for y in (2021, 2022)]


class IncrementalRebuild(RuleBasedStateMachine):
    """Random add / modify / delete / rename, each followed by an incremental rebuild:
    the store always equals a full rebuild of the corpus as it is now."""

    @initialize()
    def start(self):
        import tempfile

        self.work = Path(tempfile.mkdtemp(prefix="compare-hyp-"))
        self.corpus = self.work / "corpus"
        self.corpus.mkdir()
        self.files: dict[str, tuple[str, int, int]] = {}
        self.names = 0
        for district, year in (("海珠", 2021), ("海珠", 2022), ("荔湾", 2022)):
            self.add((district, year), 0)

    def _write(self, name: str, district: str, year: int, seed: int) -> None:
        (self.corpus / name).write_text(report_text(district, year, seed=seed), encoding="utf-8")
        self.files[name] = (district, year, seed)

    @rule(slot=st.sampled_from(_SLOTS), seed=st.integers(0, 1))
    def add(self, slot, seed):
        self.names += 1
        self._write(f"r{self.names}.txt", *slot, seed)

    @precondition(lambda self: self.files)
    @rule(data=st.data(), seed=st.integers(0, 2))
    def modify(self, data, seed):
        name = data.draw(st.sampled_from(sorted(self.files)))
        district, year, _ = self.files[name]
        self._write(name, district, year, seed)

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def delete(self, data):
        name = data.draw(st.sampled_from(sorted(self.files)))
        (self.corpus / name).unlink()
        del self.files[name]

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def rename(self, data):
        name = data.draw(st.sampled_from(sorted(self.files)))
        self.names += 1
        new = f"r{self.names}.txt"
        (self.corpus / name).rename(self.corpus / new)
        self.files[new] = self.files.pop(name)

    @invariant()
    def incremental_equals_full(self):
        if not hasattr(self, "corpus"):
            return
        rebuild(self.corpus, self.work / "store", self.work / "site", workers=1)
        shutil.rmtree(self.work / "full", ignore_errors=True)
        rebuild(self.corpus, self.work / "full" / "store", self.work / "full" / "site", workers=1)
        assert store_snapshot(self.work / "store", self.work / "site") == \
            store_snapshot(self.work / "full" / "store", self.work / "full" / "site")
        assert verify_store(self.work / "store") == []

    def teardown(self):
        if hasattr(self, "work"):
            shutil.rmtree(self.work, ignore_errors=True)


IncrementalRebuild.TestCase.settings = settings(max_examples=8, stateful_step_count=6, deadline=None,
                                                suppress_health_check=[HealthCheck.too_slow])
test_incremental_rebuild_equals_full = IncrementalRebuild.TestCase


def test_a_lock_left_by_a_killed_rebuild_does_not_block_and_is_reported(tiny):
    corpus, store_dir, site = tiny
    store_dir.mkdir()
    (store_dir / "lock").write_text("4242424\n")  # the pid a SIGKILLed rebuild leaves; its flock died with it
    summary = rebuild(corpus, store_dir, site, workers=1)
    assert summary.resumed_after_pid == 4242424
    assert "earlier rebuild (pid 4242424) that stopped midway" in store_module.summary_paragraph(summary)
    assert (store_dir / "lock").read_text() == ""  # a clean release clears the pid
    assert rebuild(corpus, store_dir, site, workers=1).resumed_after_pid is None


def test_engine_version_covers_every_module_a_rebuild_uses(tiny):
    """A rebuild imports no compare module outside ENGINE_MODULES (but the lock): else editing it would not
    invalidate the store."""
    corpus, store_dir, site = tiny
    script = ("import sys; from compare.store import rebuild\n"
              f"rebuild({str(corpus)!r}, {str(store_dir)!r}, {str(site)!r}, workers=1)\n"
              "print(' '.join(sorted(m.split('.')[1] for m in sys.modules if m.startswith('compare.'))))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    used = set(done.stdout.split())
    assert used - set(store_module.ENGINE_MODULES) == {"lock"}, used
    assert store_module.engine_version().startswith(__import__("compare").__version__ + "+")


def test_temp_files_of_a_killed_page_write_are_cleaned_up(tiny):
    """A kill -9 in the middle of site.write_atomically leaves `.NAME.XXXX.tmp` beside the page;
    the next rebuild (it holds the lock, so no write is in progress) removes it."""
    corpus, store_dir, site = tiny
    rebuild(corpus, store_dir, site, workers=1)
    page = next(site.rglob("2021.html"))
    stale = [page.parent / f".{page.name}.k9x2ab.tmp", site / ".index.html.q7w3er.tmp"]
    for path in stale:
        path.write_bytes(b"<html>half a page")
    change_corpus(corpus)
    rebuild(corpus, store_dir, site, workers=1)
    assert not any(path.exists() for path in stale)
    assert not list(site.rglob("*.tmp"))


def test_a_rebuild_started_at_the_same_moment_names_the_holder(tmp_path):
    """The holder writes its pid just after it takes the lock: one that finds the file still empty reads
    again, so the message names the holder (this raced in CI as 'pid unknown')."""
    import fcntl
    import threading

    from compare.lock import LOCK_NAME, LockBusy, store_lock

    with open(tmp_path / LOCK_NAME, "a+", encoding="ascii") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)  # taken; its pid not written yet
        writer = threading.Timer(0.1, lambda: (holder.write("4242\n"), holder.flush()))
        writer.start()
        with pytest.raises(LockBusy) as busy:
            with store_lock(tmp_path):
                pass
        writer.join()
    assert busy.value.pid == 4242 and "(pid 4242)" in str(busy.value)


def test_a_holder_that_leaves_without_naming_itself_does_not_block(tmp_path):
    import fcntl
    import threading

    from compare.lock import LOCK_NAME, store_lock

    holder = open(tmp_path / LOCK_NAME, "a+", encoding="ascii")
    fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
    threading.Timer(0.1, holder.close).start()  # done before writing its pid
    with store_lock(tmp_path) as held:
        assert held.previous_pid is None
