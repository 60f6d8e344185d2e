"""Stress the rebuild's crash safety: kill -9 a running `compare rebuild` at random moments.

    uv run python -m compare.stress_rebuild --trials 50 [--seed 1] [--work DIR]

Each trial starts from a complete build of a small synthetic corpus (version 1),
changes the corpus (one report edited, one added, one removed: version 2), runs
`compare rebuild` in a subprocess and sends it SIGKILL after a random delay drawn
from the measured duration of a whole run. Then it checks that the store still
loads and matches its manifest (every listed file exists and hashes right), and
that the next rebuild gives exactly what a clean full build of version 2 gives:
the same combined table, the same diffs and the same site, byte for byte.
It prints how many trials left an unreadable or inconsistent store (goal: 0).

The corpus helpers here are also what the tests build their small corpora with.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

__all__ = ["SAMPLE", "report_text", "write_tiny_corpus", "change_corpus", "store_snapshot", "KillTrials", "main"]

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "guangzhou-haizhu" / "2022.txt"
# (district, year) of the tiny corpus, version 1; version 2 edits, adds and removes one report.
_VERSION_1 = (("海珠", 2020), ("海珠", 2021), ("海珠", 2022), ("海珠", 2023), ("荔湾", 2022), ("荔湾", 2023))


@lru_cache(maxsize=None)
def report_text(district: str, year: int, seed: int = 0) -> str:
    """An edited copy of the bundled Haizhu sample, dated `year`, for `district` (海珠 or another 区 of 广州).

    The dateline written first is the report's strongest evidence of its place and year.
    """
    from compare.synth import edit_report

    text = edit_report(SAMPLE.read_text(encoding="utf-8"), year=year, seed=seed * 10_000 + year).text
    if district != "海珠":
        text = text.replace("海珠", district)
    return f"——{year}年1月12日在{district}区第十七届人民代表大会第二次会议上\n{text}"


def write_tiny_corpus(folder: Path) -> Path:
    """Version 1 of the tiny corpus: six reports of two districts."""
    for district, year in _VERSION_1:
        path = folder / district / f"{year}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report_text(district, year), encoding="utf-8")
    return folder


def change_corpus(folder: Path) -> Path:
    """Version 2: Haizhu 2021 edited, Haizhu 2024 added, Liwan 2022 removed."""
    (folder / "海珠" / "2021.txt").write_text(report_text("海珠", 2021, seed=1), encoding="utf-8")
    (folder / "海珠" / "2024.txt").write_text(report_text("海珠", 2024), encoding="utf-8")
    (folder / "荔湾" / "2022.txt").unlink()
    return folder


def store_snapshot(store_dir: Path, site_dir: Path | None = None) -> dict:
    """What a build produced, comparable across stores: table, input statuses, diffs, site files' bytes."""
    from compare.store import load_store

    store = load_store(store_dir)
    table = store.table()
    snapshot = {
        # builds compare only under the same engine code (in a checkout being edited, it can change mid-test)
        "engine": store.manifest["engine"],
        "table": table.sort("source", "id").write_csv(),
        "inputs": sorted((i["path"], i["status"], i["key"], i["error"]) for i in store.inputs),
        "diffs": {(d["place_key"], d["old_year"], d["new_year"]): (store.root / d["file"]).read_bytes()
                  for d in store.diffs()},
    }
    if site_dir is not None:
        snapshot["site"] = {str(p.relative_to(site_dir)): p.read_bytes()
                            for p in sorted(Path(site_dir).rglob("*")) if p.is_file()}
    return snapshot


def _copy_tree(source: Path, destination: Path) -> None:
    shutil.rmtree(destination, ignore_errors=True)
    shutil.copytree(source, destination, copy_function=shutil.copy2)  # copy2 keeps mtimes the manifest records


class KillTrials:
    """A work folder with version 1 built (kept as a template), version 2 in place, and its clean full build."""

    def __init__(self, work: Path):
        from compare.store import rebuild

        self.work = Path(work)
        self.corpus = write_tiny_corpus(self.work / "corpus")
        self.store, self.site = self.work / "store", self.work / "site"
        # The template is built at the trial paths (the manifest names its site folder), then set aside.
        rebuild(self.corpus, self.store, self.site, workers=1)
        _copy_tree(self.store, self.work / "template-store")
        _copy_tree(self.site, self.work / "template-site")
        change_corpus(self.corpus)
        rebuild(self.corpus, self.work / "clean-store", self.work / "clean-site", workers=1)
        self.expected = store_snapshot(self.work / "clean-store", self.work / "clean-site")
        self.seconds = self.measure()
        self.phases: Counter[str] = Counter()

    def _phase(self) -> str:
        """Where the kill landed: before any write, mid-build (files written, old manifest), or after the switch."""
        manifest = (self.store / "manifest.json").read_bytes()
        if manifest != (self.work / "template-store" / "manifest.json").read_bytes():
            return "after the manifest switch"
        template = {p.relative_to(self.work / "template-store") for p in (self.work / "template-store").rglob("*")}
        if {p.relative_to(self.store) for p in self.store.rglob("*")} - template:
            return "mid-build (new files, old manifest)"
        return "before any write"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "compare", "rebuild", "--corpus", str(self.corpus), "--store", str(self.store),
                "--reports", str(self.site), "--quiet"]

    def reset(self) -> None:
        _copy_tree(self.work / "template-store", self.store)
        _copy_tree(self.work / "template-site", self.site)

    def measure(self) -> float:
        """Wall seconds of a whole run of the subprocess, from the version 1 build to version 2."""
        self.reset()
        started = time.perf_counter()
        subprocess.run(self.command(), check=True, capture_output=True)
        return time.perf_counter() - started

    def trial(self, delay: float) -> list[str]:
        """One kill -9 after `delay` seconds; the problems found (empty when all is well)."""
        from compare.store import StoreError, load_store, rebuild, verify_store

        self.reset()
        process = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        self.phases[self._phase()] += 1
        problems = [f"after kill at {delay:.3f} s: {p}" for p in verify_store(self.store)]
        try:
            load_store(self.store).table()
        except (StoreError, OSError) as err:
            problems.append(f"after kill at {delay:.3f} s: the store does not load ({err})")
        summary = rebuild(self.corpus, self.store, self.site, workers=1, wait=True)
        if summary.failed:
            problems.append(f"the rebuild after the kill at {delay:.3f} s failed inputs: {summary.failed}")
        problems += [f"after kill at {delay:.3f} s and a rebuild: {p}" for p in verify_store(self.store)]
        got = store_snapshot(self.store, self.site)
        for part in self.expected:
            if got[part] != self.expected[part]:
                differing = part
                if part in ("site", "diffs"):
                    differing += f" {sorted(set(got[part]) ^ set(self.expected[part]) | {k for k in got[part] if got[part].get(k) != self.expected[part].get(k)})[:3]}"
                problems.append(f"after kill at {delay:.3f} s and a rebuild: {differing} differs from a clean full build")
        return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m compare.stress_rebuild", description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    work = args.work or Path(tempfile.mkdtemp(prefix="compare-stress-"))
    try:
        trials = KillTrials(work)
        print(f"one whole rebuild run (subprocess, 6 -> 6 reports with 1 edited, 1 added, 1 removed): "
              f"{trials.seconds:.2f} s; load average {os.getloadavg()[0]:.2f}")
        bad = 0
        for n in range(args.trials):
            problems = trials.trial(rng.uniform(0, trials.seconds))
            if problems:
                bad += 1
                print(f"trial {n + 1}: " + "; ".join(problems[:3]), flush=True)
        print("where the kills landed: " + ", ".join(f"{n} {phase}" for phase, n in trials.phases.most_common()))
        print(f"{bad} of {args.trials} kill -9 trials left an unreadable or inconsistent store (goal: 0)")
        return 1 if bad else 0
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
