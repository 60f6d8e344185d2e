"""Read report files and extract their target tables, spread over the machine's cores.

Reading and extraction are independent per file, so a corpus is split across
worker processes; the reports come back in file order, so the result does not
depend on the number of workers. Small inputs stay in one process, where
starting workers would cost more than it saves.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import polars as pl

from compare.extract import extract_targets
from compare.ingest import IngestError, Report, find_report_files, manifests_for, read_report, refuse_duplicates

__all__ = ["Corpus", "load_corpus", "extract_all", "default_workers", "process_pool"]

# Below this many files one process is faster than starting workers.
_PARALLEL_FROM = 8


@dataclass
class Corpus:
    """The readable reports (duplicates refused), their tables, and what could not be read."""

    reports: list[Report]
    tables: list[pl.DataFrame]          # tables[i] is the target table of reports[i]
    errors: list[IngestError]
    files_found: int

    def table(self) -> pl.DataFrame:
        """All target tables as one."""
        from compare.extract import empty_targets

        return pl.concat(self.tables, how="vertical") if self.tables else empty_targets()


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of fresh worker processes. Spawned, not forked: polars runs a thread pool,
    and a process forked from a threaded parent can deadlock (polars warns of this)."""
    import multiprocessing

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def default_workers() -> int:
    """Worker processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _read_and_extract(args: tuple[Path, dict]) -> tuple[Report | None, pl.DataFrame | None, IngestError | None]:
    file, manifest = args
    try:
        report = read_report(file, manifest)
    except IngestError as err:
        return None, None, err
    return report, extract_targets(report), None


def _own_row(manifest: dict, file: Path) -> dict:
    """The part of `manifest` that read_report looks up for `file` (it keys rows by resolved path)."""
    key = file.resolve()
    return {key: manifest[key]} if key in manifest else {}


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_report reports it


def _in_parallel(jobs: list[tuple[Path, dict]], workers: int) -> list[tuple]:
    """_read_and_extract over every job in worker processes; results in the order of `jobs`.

    Longest files first, in small chunks: the workers then finish together instead of one waiting
    for the other's last large chunk (with chunks of a quarter of a worker's share, the last one
    alone took ~1 s of the ~3 s a two-process pass over the corpus takes).
    """
    order = sorted(range(len(jobs)), key=lambda i: -_file_size(jobs[i][0]))
    with process_pool(workers) as pool:
        done = pool.map(_read_and_extract, [jobs[i] for i in order],
                        chunksize=max(1, len(jobs) // (workers * 16)))
        results: list[tuple] = [()] * len(jobs)
        for i, result in zip(order, done):
            results[i] = result
    return results


def load_corpus(paths: Iterable[str | Path], *, use_manifest: bool = True, workers: int | None = None,
                files: Sequence[Path] | None = None) -> Corpus:
    """Read and extract every report under `paths` (or exactly `files` when given).

    Bad files become errors and the rest still load; two reports for one place
    and year are both refused (see ``ingest.refuse_duplicates``).
    """
    paths = [Path(p) for p in paths]
    manifest, errors = manifests_for(paths) if use_manifest else ({}, [])
    files = list(files) if files is not None else find_report_files(paths)
    workers = default_workers() if workers is None else workers
    # Each job carries only its own manifest row: the whole manifest per job was ~10 MB of pickling.
    jobs = [(f, _own_row(manifest, f)) for f in files]
    if workers > 1 and len(jobs) >= _PARALLEL_FROM:
        results = _in_parallel(jobs, workers)
    else:
        results = [_read_and_extract(job) for job in jobs]
    reports, tables = [], {}
    for report, table, err in results:
        if err is not None:
            errors.append(err)
        else:
            reports.append(report)
            tables[id(report)] = table
    kept, duplicates = refuse_duplicates(reports)
    return Corpus(reports=kept, tables=[tables[id(r)] for r in kept], errors=errors + duplicates,
                  files_found=len(files))


def extract_all(reports: Sequence[Report], *, workers: int | None = None) -> list[pl.DataFrame]:
    """The target tables of already-read reports, in their order, over `workers` processes."""
    workers = default_workers() if workers is None else workers
    if workers > 1 and len(reports) >= _PARALLEL_FROM:
        with process_pool(workers) as pool:
            return list(pool.map(extract_targets, reports, chunksize=max(1, len(reports) // (workers * 4))))
    return [extract_targets(r) for r in reports]
