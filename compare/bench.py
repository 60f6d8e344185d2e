"""Benchmarks that print figures (no timed assertions anywhere).

    uv run python -m compare.bench targets [--corpus ../shared/corpus] [--profile N]
    uv run python -m compare.bench rebuild [--corpus ../shared/corpus] [--change shanghai/2026.txt]
    uv run python -m compare.bench diff | match | scale | all [--write BENCHMARKS.md]   (compare/bench_scale.py)

`targets` times the whole-corpus target extraction in-process (read_reports,
then extract_targets over every report) beside a FLOOR measured in the same run:
one plain Python pass that reads every file, decodes it, applies NFKC and runs
one number regex over it. The goal is a pipeline within 3x of that floor.
Each benchmark is a subcommand; add one by writing a function that takes the
parsed arguments and registering it in `BENCHMARKS`.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

__all__ = ["DEFAULT_CORPUS", "GOAL_RATIO", "Timing", "floor_pass", "targets_pass", "bench_targets", "compile_package",
           "main"]

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
GOAL_RATIO = 3.0
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_REPORT_SUFFIXES = (".txt", ".html", ".htm")


@dataclass
class Timing:
    """One measured pass: wall seconds, input bytes, and what it produced."""

    seconds: float
    input_bytes: int
    items: int

    @property
    def mb_per_s(self) -> float:
        return self.input_bytes / 1e6 / self.seconds if self.seconds else float("inf")


def _report_files(corpus: Path) -> list[Path]:
    return sorted(f for f in corpus.rglob("*") if f.is_file() and f.suffix.lower() in _REPORT_SUFFIXES)


def floor_pass(corpus: Path) -> Timing:
    """Read, decode (UTF-8, else GB18030), NFKC and one number-regex pass over every file."""
    files = _report_files(corpus)
    started = time.perf_counter()
    total = numbers = 0
    for path in files:
        data = path.read_bytes()
        total += len(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
        text = unicodedata.normalize("NFKC", text)
        for _ in _NUMBER.finditer(text):
            numbers += 1
    return Timing(time.perf_counter() - started, total, numbers)


def targets_pass(corpus: Path, workers: int | None = None) -> Timing:
    """The pipeline as `compare targets` runs it: read and extract every report
    (corpus.load_corpus, over `workers` processes; None = every core)."""
    from compare.corpus import load_corpus

    files = _report_files(corpus)
    total = sum(f.stat().st_size for f in files)
    started = time.perf_counter()
    loaded = load_corpus([corpus], workers=workers)
    rows = sum(t.height for t in loaded.tables)
    return Timing(time.perf_counter() - started, total, rows)


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def compile_package() -> None:
    """Write the package's bytecode first, as any install has it after its first run: timing fresh
    processes without it (PYTHONDONTWRITEBYTECODE=1, an editable checkout) would add ~0.13 s of
    compiling to every start-up measured."""
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parent, quiet=1)


def bench_targets(args: argparse.Namespace) -> None:
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"{corpus}: no such corpus folder; give --corpus DIR (the shared corpus is ../shared/corpus)")
    compile_package()  # the spawned workers import the package afresh
    import polars  # noqa: F401  (imported before timing, as a long-running process would have it)

    import compare.extract  # noqa: F401
    import compare.ingest  # noqa: F401

    floor = floor_pass(corpus)  # first, so both passes see a warm file cache afterwards
    floor = floor_pass(corpus)
    from compare.corpus import default_workers

    single = targets_pass(corpus, workers=1)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        pipeline = targets_pass(corpus, workers=1)
        profiler.disable()
    else:
        pipeline = targets_pass(corpus)
    ratio = pipeline.seconds / floor.seconds if floor.seconds else float("inf")
    print(f"corpus: {corpus} ({floor.input_bytes / 1e6:.1f} MB in {len(_report_files(corpus))} files)")
    print(f"pipeline, one process (read + extract): {single.seconds:.2f} s, {single.mb_per_s:.2f} MB/s, "
          f"{single.items} rows ({single.seconds / floor.seconds:.1f}x the floor)")
    print(f"pipeline, {default_workers()} processes (as compare targets runs it): {pipeline.seconds:.2f} s, "
          f"{pipeline.mb_per_s:.2f} MB/s, {pipeline.items} rows")
    print(f"floor (read + decode + NFKC + one number regex): {floor.seconds:.3f} s, "
          f"{floor.mb_per_s:.1f} MB/s, {floor.items} numbers")
    print(f"ratio pipeline/floor: {ratio:.1f}x (goal: within {GOAL_RATIO:.0f}x)")
    print(f"peak RSS: {_peak_rss_mb():.0f} MB")
    if args.profile:
        print(f"\nprofile of the pipeline pass, top {args.profile} by cumulative time:")
        stats = pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative")
        stats.print_stats(args.profile)
        print(f"top {args.profile} by own time:")
        stats.sort_stats("tottime").print_stats(args.profile)


def _timed_rebuild(command: list[str]) -> tuple[float, float, dict]:
    """Run `compare rebuild ... --json` as cron would; wall seconds, peak RSS (MB) of it and its workers, summary."""
    import json
    import subprocess

    started = time.perf_counter()
    process = subprocess.Popen(command + ["--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    # ru_maxrss of RUSAGE_CHILDREN is the largest of the waited-for children and their workers so far
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3
    if process.returncode not in (0, 1):
        sys.exit(f"compare rebuild failed (exit {process.returncode}): {err.decode(errors='replace')}")
    return seconds, peak, json.loads(out)


def bench_rebuild(args: argparse.Namespace) -> None:
    """Full rebuild of a copy of the corpus, a rebuild with nothing changed, and one with one report changed."""
    import os
    import shutil
    import tempfile

    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"{corpus}: no such corpus folder; give --corpus DIR (the shared corpus is ../shared/corpus)")
    compile_package()
    work = Path(tempfile.mkdtemp(prefix="compare-bench-rebuild-"))
    try:
        copy = work / "corpus"
        shutil.copytree(corpus, copy)  # a scratch copy: the benchmark edits one report
        base = [sys.executable, "-m", "compare", "rebuild", "--corpus", str(copy), "--store", str(work / "store"),
                "--reports", str(work / "site")]
        print(f"corpus: {corpus} ({len(_report_files(copy))} files, "
              f"{sum(f.stat().st_size for f in _report_files(copy)) / 1e6:.1f} MB), {os.cpu_count()} cores, "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print("each run is a fresh `compare rebuild` process (interpreter start-up included, as cron runs it)")
        changed = copy / args.change
        runs = [("full rebuild (--full, empty store)", base + ["--full"], None, 15.0),
                ("nothing changed", base, None, 1.0),
                (f"one report changed ({args.change})", base, changed, 2.0)]
        peaks = []
        for label, command, edit, goal in runs:
            if edit is not None:
                edit.write_text(edit.read_text(encoding="utf-8") + "\n今年新建口袋公园12个。\n", encoding="utf-8")
            seconds, peak, summary = _timed_rebuild(command)
            peaks.append(peak)
            print(f"{label}: {seconds:.2f} s wall (rebuild itself {summary['seconds']:.2f} s; goal < {goal:.0f} s), "
                  f"peak RSS so far {peak:.0f} MB; {summary['counts']}, read {summary['reports_read']} reports, "
                  f"{summary['diffs_computed']}/{summary['diffs_total']} diffs, "
                  f"{summary['pages_rendered']}/{summary['pages_total']} pages rendered, "
                  f"{summary['pages_written']} written, {len(summary['failed'])} failed")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


BENCHMARKS: dict[str, tuple[Callable[[argparse.Namespace], None], str]] = {
    "targets": (bench_targets, "whole-corpus target extraction against the read+decode+NFKC+regex floor"),
    "rebuild": (bench_rebuild, "compare rebuild: full, nothing changed, one report changed (wall time, peak RSS)"),
}
# Cost against size (compare/bench_scale.py): each takes the parsed arguments, prints markdown.
_SCALE_BENCHMARKS = {
    "diff": "compare diff as a fresh process (5 runs), and diff_tables over every consecutive pair of the corpus",
    "match": "match_targets on n x n real plan rows, n = 100 ... 5,000, each in a fresh process",
    "scale": "full rebuild of 100, 1,000, 10,000 generated reports: time, peak RSS, recovered edits, profile",
    "all": "every benchmark; --write BENCHMARKS.md writes the results as markdown",
}


def _scale_benchmark(name: str) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        from compare import bench_scale  # imported on use: it is only needed for these four

        getattr(bench_scale, f"bench_{name}")(args)
    return run


BENCHMARKS.update({name: (_scale_benchmark(name), text) for name, text in _SCALE_BENCHMARKS.items()})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m compare.bench", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="benchmark", required=True)
    targets = sub.add_parser("targets", help=BENCHMARKS["targets"][1])
    targets.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="corpus folder (default ../shared/corpus)")
    targets.add_argument("--profile", type=int, default=0, metavar="N",
                         help="also profile the pipeline pass (cProfile) and print the top N entries")
    rebuild = sub.add_parser("rebuild", help=BENCHMARKS["rebuild"][1])
    rebuild.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="corpus folder (default ../shared/corpus)")
    rebuild.add_argument("--change", default="shanghai/2026.txt", metavar="REL",
                         help="the report edited for the one-change run, relative to the corpus")
    from compare.bench_scale import add_arguments

    for name, text in _SCALE_BENCHMARKS.items():
        add_arguments(sub.add_parser(name, help=text), name)
    args = parser.parse_args(argv)
    BENCHMARKS[args.benchmark][0](args)


if __name__ == "__main__":
    main()
