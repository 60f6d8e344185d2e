"""compare rebuild under faults: kill -9 at random moments, and two rebuilds started together.

Each kill trial starts from a complete build of a six-report corpus, changes the corpus,
runs `compare rebuild` in a subprocess and SIGKILLs it after a random delay drawn from
the measured duration of a whole run (compare.stress_rebuild.KillTrials; the stress
script runs the same trials in bulk).
"""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from compare.store import EXIT_LOCKED, load_store, verify_store
from compare.stress_rebuild import KillTrials, store_snapshot, write_tiny_corpus

TRIALS = 30


@pytest.fixture(scope="module")
def trials(tmp_path_factory):
    return KillTrials(tmp_path_factory.mktemp("kill-trials"))


@pytest.fixture(scope="module")
def delays(trials):
    rng = random.Random(20240305)
    return [rng.uniform(0, trials.seconds) for _ in range(TRIALS)]


@pytest.mark.parametrize("n", range(TRIALS))
def test_kill_9_leaves_a_readable_store_and_the_next_run_finishes_the_job(trials, delays, n):
    assert trials.trial(delays[n]) == []


def _command(corpus, store, site, *extra):
    return [sys.executable, "-m", "compare", "rebuild", "--corpus", str(corpus), "--store", str(store),
            "--reports", str(site), *extra]


@pytest.mark.parametrize("wait", [True, False])
def test_two_rebuilds_started_together(tmp_path, wait):
    corpus = write_tiny_corpus(tmp_path / "corpus")
    store, site = tmp_path / "store", tmp_path / "site"
    extra = ["--wait"] if wait else []
    first, second = (subprocess.Popen(_command(corpus, store, site, *extra), stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(2))
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in (first, second)]
    codes = sorted(code for code, _ in outcomes)
    if wait:
        assert codes == [0, 0], outcomes
    else:  # usually one is turned away; if the first finished before the second began, both succeed
        assert codes in ([0, 0], [0, EXIT_LOCKED]), outcomes
        for code, err in outcomes:
            if code == EXIT_LOCKED:
                pids = {first.pid, second.pid}
                assert len(err.strip().splitlines()) == 1
                assert any(f"compare: {store}: another rebuild is running (pid {pid}); " in err for pid in pids), err
    assert verify_store(store) == []
    single_store, single_site = tmp_path / "single-store", tmp_path / "single-site"
    subprocess.run(_command(corpus, single_store, single_site), check=True, capture_output=True)
    assert store_snapshot(store, site) == store_snapshot(single_store, single_site)
    assert len(load_store(store).built()) == 6
