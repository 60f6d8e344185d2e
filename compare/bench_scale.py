"""Benchmarks of cost against size: `diff`, `match`, `scale`, and `all` (registered in compare.bench).

    uv run python -m compare.bench diff   [--corpus ../shared/corpus]
    uv run python -m compare.bench match  [--sizes 100,500,1000,2000,5000]
    uv run python -m compare.bench scale  [--sizes 100,1000,10000] [--source /tmp/scale] [--profile 25]
    uv run python -m compare.bench all    [--write BENCHMARKS.md]

Every measured job runs in a fresh Python process (``python -m
compare.bench_scale _job KIND JSON``), so its peak RSS (``ru_maxrss`` of the
job and, separately, of its worker processes) is its own. The job prints one
JSON line; the parent adds the wall time it saw, including interpreter start-up.

`scale` draws corpora of 100, 1,000, 10,000 reports from one generated
corpus (``compare.scale``: the first N/10 places, hard-linked) and times the
full store rebuild of each (read+extract, every consecutive-year diff, the
site), stage by stage; then scores the stored diffs against the corpus's
truth.jsonl (share of recorded edits recovered with the right label, by kind).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

__all__ = ["run_job", "bench_diff", "bench_match", "bench_scale", "bench_all", "add_arguments", "machine_line"]

_REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = _REPO / ".." / "shared" / "corpus"
GOAL_MATCH_5000_S = 5.0
GOAL_REBUILD_10K_S = 120.0
GOAL_RSS_MB = 3000.0
GOAL_LINEAR_RATIO = 1.3
GOAL_RECOVERED = 0.95


# ---------------------------------------------------------------- fresh-process jobs

def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1e3  # kilobytes on Linux


def _job_diff_pairs(p: dict) -> dict:
    """Every consecutive-year pair of the corpus through diff_tables, in this process."""
    from compare.corpus import load_corpus
    from compare.diff import diff_tables

    started = time.perf_counter()
    corpus = load_corpus([p["corpus"]])
    loaded = time.perf_counter() - started
    by_place: dict[str, list] = {}
    for report, table in zip(corpus.reports, corpus.tables):
        by_place.setdefault(report.place_key, []).append((report.year, report, table))
    times = []
    for entries in by_place.values():
        entries.sort(key=lambda e: e[0])
        for (_, ra, ta), (_, rb, tb) in zip(entries, entries[1:]):
            t = time.perf_counter()
            diff_tables(ta, tb, old_report=ra, new_report=rb)
            times.append(time.perf_counter() - t)
    return {"load_s": loaded, "pairs": len(times), "total_s": sum(times), "median_s": statistics.median(times),
            "max_s": max(times), "reports": len(corpus.reports)}


def _job_plan_rows(p: dict) -> dict:
    """The real corpus's pairable plan rows, saved once for the matching jobs."""
    import polars as pl

    from compare.corpus import load_corpus

    table = load_corpus([p["corpus"]]).table()
    plan = table.filter((pl.col("part") == "plan") & pl.col("restates").is_null())
    plan.write_parquet(p["out"])
    return {"rows": plan.height}


def _job_match(p: dict) -> dict:
    """match_targets on n x n plan rows drawn (seeded) from the real corpus."""
    import polars as pl

    from compare.match import match_targets

    rows = pl.read_parquet(p["rows"])
    n = p["n"]
    old = rows.sample(n, seed=1, with_replacement=n > rows.height)
    new = rows.sample(n, seed=2, with_replacement=n > rows.height)
    started = time.perf_counter()
    pairs = match_targets(old, new)
    return {"seconds": time.perf_counter() - started, "pairs": sum(1 for x in pairs if x.old is not None and x.new is not None)}


def _job_rebuild(p: dict) -> dict:
    """store.rebuild of a corpus, with the time each stage started (and, if asked, a profile of this process)."""
    from compare.store import rebuild

    stages: dict[str, float] = {}   # when each stage last reported progress (its end), from the start
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        stages[stage] = time.perf_counter() - started

    profiler = None
    if p.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    summary = rebuild(p["corpus"], p["store"], p.get("site"), full=p.get("full", False), workers=p.get("workers"),
                      progress=progress)
    seconds = time.perf_counter() - started
    out = {"seconds": seconds, "stages": stages, "reports_read": summary.reports_read,
           "diffs": summary.diffs_computed, "pages": summary.pages_rendered, "failed": len(summary.failed)}
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(p["profile"])
        out["profile"] = stream.getvalue()
    return out


def _job_accuracy(p: dict) -> dict:
    """The stored diffs of a generated corpus against its truth.jsonl: recovered edits by kind."""
    from compare.scale import load_truth
    from compare.store import load_store
    from compare.synth import check_edits

    store = load_store(p["store"])
    checked, recovered = Counter(), Counter()
    missing = 0
    for (place, old_year, new_year), edits in load_truth(p["corpus"]).items():
        try:
            diff = store.diff(place, old_year, new_year)
        except KeyError:
            missing += 1
            continue
        for edit, ok, _ in check_edits(diff, edits):
            checked[edit.kind] += 1
            recovered[edit.kind] += ok
    return {"checked": dict(checked), "recovered": dict(recovered), "missing_diffs": missing}


_JOBS = {"diff_pairs": _job_diff_pairs, "plan_rows": _job_plan_rows, "match": _job_match, "rebuild": _job_rebuild,
         "accuracy": _job_accuracy}


def run_job(kind: str, params: dict) -> dict:
    """Run one job in a fresh process; its result, wall seconds and peak RSS of it and of its workers (MB)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "compare.bench_scale", "_job", kind, json.dumps(params)],
                          capture_output=True, text=True, cwd=_REPO)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"benchmark job {kind} failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    return result


def _job_main(kind: str, params: str) -> None:
    result = _JOBS[kind](json.loads(params))
    result["rss_mb"] = _rss_mb(resource.RUSAGE_SELF)
    result["rss_workers_mb"] = _rss_mb(resource.RUSAGE_CHILDREN)  # the largest worker
    print(json.dumps(result, ensure_ascii=False))


# ---------------------------------------------------------------- reporting helpers

def load_line() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine_line() -> str:
    """Cores, memory, Python, date, commit and load: the line every figure is read against."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory = float("nan")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=_REPO).stdout.strip()
    from compare.corpus import default_workers

    return (f"{default_workers()} cores ({platform.processor() or platform.machine()}), {memory:.0f} GiB memory, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M %Z')}, commit {commit or '?'}, "
            f"{load_line()}")


def _sizes(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s.strip()]


# ---------------------------------------------------------------- benchmarks

def bench_diff(args: argparse.Namespace) -> str:
    """`compare diff` of two national reports as a subprocess (start-up included), and diff_tables per pair."""
    corpus = Path(args.corpus)
    old, new = corpus / "national" / "2023.txt", corpus / "national" / "2024.txt"
    from compare.bench import compile_package

    compile_package()
    compare = Path(sys.executable).parent / "compare"
    command = [str(compare)] if compare.exists() else [sys.executable, "-m", "compare"]
    command += ["diff", str(old), str(new)]
    runs: dict[str, list[float]] = {"table": [], "json": []}
    for _ in range(args.runs):
        for fmt, seconds in runs.items():
            started = time.perf_counter()
            subprocess.run(command + ["--format", fmt], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=True)
            seconds.append(time.perf_counter() - started)
    before = load_line()
    pairs = run_job("diff_pairs", {"corpus": str(corpus)})
    lines = [
        "| measure | figure |", "|---|---|",
        *(f"| `compare diff national/2023.txt national/2024.txt --format {fmt}` (fresh process, {args.runs} runs) | "
          f"median {statistics.median(seconds):.2f} s, min {min(seconds):.2f} s, max {max(seconds):.2f} s |"
          for fmt, seconds in runs.items()),
        f"| in-process `diff_tables`, every consecutive pair of the corpus ({pairs['pairs']} pairs) | "
        f"total {pairs['total_s']:.2f} s, median {pairs['median_s'] * 1e3:.1f} ms, max {pairs['max_s'] * 1e3:.0f} ms per pair |",
        f"| that job's read+extract of {pairs['reports']} reports first | {pairs['load_s']:.1f} s |",
        f"| peak RSS of the diff job (workers) | {pairs['rss_mb']:.0f} MB ({pairs['rss_workers_mb']:.0f} MB) |",
    ]
    text = "\n".join(lines) + f"\n\n({before} at the start.)\n"
    print(text)
    return text


def bench_match(args: argparse.Namespace) -> str:
    """match_targets on n x n plan rows of the real corpus, each n in a fresh process."""
    work = Path(tempfile.mkdtemp(prefix="compare-bench-match-"))
    try:
        rows = work / "plan.parquet"
        pool = run_job("plan_rows", {"corpus": str(args.corpus), "out": str(rows)})
        lines = [f"Plan rows drawn (seeded, two samples) from the {pool['rows']} pairable plan rows of the real corpus; "
                 f"each n in a fresh process ({load_line()} at the start).", "",
                 "| n x n | match_targets | per row | pairs | peak RSS |", "|---|---|---|---|---|"]
        goal = ""
        for n in _sizes(args.sizes_match):
            r = run_job("match", {"rows": str(rows), "n": n})
            lines.append(f"| {n:,} x {n:,} | {r['seconds']:.2f} s | {r['seconds'] / n * 1e3:.2f} ms | {r['pairs']:,} | "
                         f"{r['rss_mb']:.0f} MB |")
            if n == 5000:
                goal = (f"\n5,000 x 5,000: {r['seconds']:.2f} s (goal < {GOAL_MATCH_5000_S:.0f} s: "
                        f"{'met' if r['seconds'] < GOAL_MATCH_5000_S else 'NOT met'}).")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = "\n".join(lines + [goal]) + "\n"
    print(text)
    return text


def _generated(source: Path, places: int, years: int) -> Path:
    """A generated corpus with at least `places` places at `source` (made when missing or too small)."""
    from compare.scale import make_corpus

    have = len(list(source.glob("p*"))) if source.is_dir() else 0
    if have < places or not (source / "truth.jsonl").is_file():
        print(f"generating {places} places x {years} years into {source} ...", file=sys.stderr)
        shutil.rmtree(source, ignore_errors=True)
        make_corpus(source, places=places, years=years)
    return source


def bench_scale(args: argparse.Namespace) -> str:
    """Full store rebuild (read+extract, diffs, site) of 100, 1,000, 10,000 generated reports, and accuracy."""
    from compare.scale import link_subset

    sizes = _sizes(args.sizes)
    years = args.years
    source = _generated(Path(args.source), max(sizes) // years, years)
    if args.work:
        Path(args.work).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="compare-bench-scale-", dir=args.work))
    from compare.scale import stale_reason

    stale = stale_reason(source)
    if stale:
        print(f"warning: {stale}", file=sys.stderr)
    lines = [f"Generated corpus: {source} (first N/{years} places of it, {years} years each); every run a fresh "
             f"process; store and site written to {work}." + (f" Warning: {stale}." if stale else ""), "",
             "| reports | MB | full rebuild | per report | read+extract | diffs with report and diff pages "
             "| place pages, index, table, manifest | peak RSS (job / largest worker) "
             "| recovered edits | load before |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    results = {}
    try:
        for size in sizes:
            corpus = link_subset(source, work / f"corpus-{size}", size // years)
            mb = sum(f.stat().st_size for f in corpus.rglob("*.txt")) / 1e6
            before = load_line()
            r = run_job("rebuild", {"corpus": str(corpus), "store": str(work / f"store-{size}"),
                                    "site": str(work / f"site-{size}"), "full": True})
            acc = run_job("accuracy", {"corpus": str(corpus), "store": str(work / f"store-{size}")})
            # Stages overlap (a place's page starts once its diffs are in), so each span runs from the end
            # of the stage before to the end of this one.
            read = r["stages"].get("reading reports", 0.0)
            diffed = max(read, r["stages"].get("diffing years", read))
            diffs, site = diffed - read, r["seconds"] - diffed
            share = sum(acc["recovered"].values()) / max(1, sum(acc["checked"].values()))
            results[size] = {"rebuild": r, "accuracy": acc, "share": share, "mb": mb}
            lines.append(f"| {size:,} | {mb:.0f} | {r['wall_s']:.1f} s | {r['wall_s'] / size * 1e3:.1f} ms | {read:.1f} s "
                         f"| {diffs:.1f} s | {site:.1f} s | {r['rss_mb']:.0f} / {r['rss_workers_mb']:.0f} MB "
                         f"| {share:.1%} of {sum(acc['checked'].values()):,} | {before.split(' ', 2)[2]} |")
            print(lines[-1], file=sys.stderr)
            results[size]["disk_mb"] = {name: sum(f.stat().st_size for f in (work / f"{name}-{size}").rglob("*")
                                                  if f.is_file()) / 1e6 for name in ("store", "site")}
            print(f"disk: {results[size]['disk_mb']}", file=sys.stderr)
            shutil.rmtree(work / f"site-{size}", ignore_errors=True)  # disk: keep only what later runs need
        lines.append("")
        largest = max(sizes)
        if 1000 in results and largest > 1000:
            ratio = (results[largest]["rebuild"]["wall_s"] / largest) / (results[1000]["rebuild"]["wall_s"] / 1000)
            lines.append(f"Time per report, {largest:,} against 1,000 reports: {ratio:.2f}x "
                         f"(goal < {GOAL_LINEAR_RATIO}: {'met' if ratio < GOAL_LINEAR_RATIO else 'NOT met'}).")
        big = results[largest]
        verdict = ("met" if big["rebuild"]["wall_s"] < GOAL_REBUILD_10K_S else "NOT met") if largest >= 10_000 \
            else "not judged: the goal is for 10,000 reports"
        lines.append(f"Full rebuild of {largest:,} reports: {big['rebuild']['wall_s']:.0f} s "
                     f"(goal < {GOAL_REBUILD_10K_S:.0f} s at 10,000: {verdict}), peak RSS "
                     f"{big['rebuild']['rss_mb']:.0f} MB in the rebuild process, {big['rebuild']['rss_workers_mb']:.0f} MB "
                     f"in its largest worker (goal < {GOAL_RSS_MB:.0f} MB).")
        lines.append("Disk after each full rebuild (store / site): " + "; ".join(
            f"{size:,} reports: {r['disk_mb']['store']:.0f} MB / {r['disk_mb']['site']:.0f} MB"
            for size, r in results.items()) + ".")
        acc = big["accuracy"]
        lines += ["", f"Recovered edits at {largest:,} reports, by kind (the diff labels the edited clause as recorded; "
                      "reorder edits are checked by the tests, not here):", "",
                  "| kind | recorded | recovered | share |", "|---|---|---|---|"]
        for kind in sorted(acc["checked"]):
            c, ok = acc["checked"][kind], acc["recovered"][kind]
            lines.append(f"| {kind} | {c:,} | {ok:,} | {ok / c:.1%} |")
        lines.append(f"| all | {sum(acc['checked'].values()):,} | {sum(acc['recovered'].values()):,} | "
                     f"{big['share']:.1%} (goal >= {GOAL_RECOVERED:.0%}: "
                     f"{'met' if big['share'] >= GOAL_RECOVERED else 'NOT met'}) |")
        if args.profile:
            size = min(sizes, key=lambda s: abs(s - args.profile_size))
            prof = run_job("rebuild", {"corpus": str(work / f"corpus-{size}"), "store": str(work / "store-profile"),
                                       "site": str(work / "site-profile"), "full": True, "workers": 1,
                                       "profile": args.profile})
            lines += ["", f"cProfile of a one-process full rebuild of {size:,} reports ({prof['wall_s']:.0f} s with "
                          f"the profiler on), top {args.profile} by own time:", "", "```",
                      "\n".join(_profile_rows(prof["profile"])), "```"]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = "\n".join(lines) + "\n"
    print(text)
    return text


def _profile_rows(profile: str) -> list[str]:
    """pstats output from its column header on, paths shortened to the package."""
    lines = profile.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    root = str(_REPO) + "/"
    return [line.replace(root, "").rstrip() for line in lines[start:] if line.strip()]


def bench_all(args: argparse.Namespace) -> str:
    """Every benchmark; with --write FILE, the results as markdown in FILE."""
    import contextlib
    import io

    from compare import bench

    sections = [f"# Benchmarks\n\nMachine: {machine_line()}.\n",
                "Written by `uv run python -m compare.bench all --write BENCHMARKS.md`; each section can be run on "
                "its own (`python -m compare.bench <name>`).\n"]
    targets = io.StringIO()
    with contextlib.redirect_stdout(targets):
        bench.bench_targets(argparse.Namespace(corpus=args.corpus, profile=0))
    sections.append(f"## targets: whole-corpus extraction against the floor\n\n```\n{targets.getvalue().strip()}\n```\n")
    if "rebuild" in bench.BENCHMARKS:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            bench.BENCHMARKS["rebuild"][0](argparse.Namespace(corpus=args.corpus, change="shanghai/2026.txt"))
        sections.append(f"## rebuild: full, nothing changed, one report changed (real corpus)\n\n```\n"
                        f"{out.getvalue().strip()}\n```\n")
    sections.append("## diff\n\n" + bench_diff(args))
    sections.append("## match: rows per report\n\n" + bench_match(args))
    sections.append("## scale: corpus size\n\n" + bench_scale(args))
    text = "\n".join(sections)
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
    return text


def add_arguments(sub, name: str) -> None:
    """The options of one of this module's subcommands on its argparse subparser."""
    sub.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="the real corpus (default ../shared/corpus)")
    if name in ("diff", "all"):
        sub.add_argument("--runs", type=int, default=5, help="runs of the compare diff subprocess (default 5)")
    if name in ("match", "all"):
        sub.add_argument("--sizes" if name == "match" else "--match-sizes", dest="sizes_match",
                         default="100,500,1000,2000,5000",
                         help="n of the n x n matchings (default 100,500,1000,2000,5000)")
    if name in ("scale", "all"):
        sub.add_argument("--sizes", default="100,1000,10000", help="corpus sizes in reports (default 100,1000,10000)")
        sub.add_argument("--years", type=int, default=10, help="years per generated place (default 10)")
        sub.add_argument("--source", default=str(Path(tempfile.gettempdir()) / "scale"),
                         help="generated corpus to draw from; made when missing (default /tmp/scale)")
        sub.add_argument("--work", default=None, help="folder for the stores and sites (default: a temp folder)")
        sub.add_argument("--keep", action="store_true", help="keep the stores and sites")
        sub.add_argument("--profile", type=int, default=25, metavar="N",
                         help="profile a one-process rebuild, top N by own time (0: none; default 25)")
        sub.add_argument("--profile-size", type=int, default=1000, help="corpus size of the profiled run (default 1000)")
    if name == "all":
        sub.add_argument("--write", default=None, metavar="FILE", help="write the results as markdown to FILE")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "_job":
        _job_main(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python -m compare.bench <diff|match|scale|all> (this module runs jobs for it)")
