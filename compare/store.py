"""Store: the scheduled, incremental, crash-safe corpus rebuild (``compare rebuild``).

The store is a folder of plain files, no server::

    store/
      manifest.json            the current build: what every file below is, and why (switched LAST)
      lock                     flock target; holds the pid of the running rebuild
      reports/<key>.json       one report: its metadata and cleaned text (ingest.Report)
      tables/<key>.parquet     its target table
      diffs/<key>.json         the diff of two consecutive available years of one place (DESIGN.md's JSON)
      targets-<key>.parquet    the combined target table of every built report

and, when a site folder is given, the static HTML site (``site.py``'s layout)
is kept up to date beside it.

What invalidates what. Every file name is a content key, a hash of all its
inputs, so a changed input gives a new name and an unchanged one is reused:

- report key = hash(engine version, the file's sha256, its path as given, its
  manifest.csv row): the path and the manifest row feed the inferred place and
  year, so a renamed file is read again;
- diff key = hash(engine version, old report key, new report key);
- combined-table key = hash(engine version, every built report key);
- page key = hash(engine version, what the page shows: report key or diff key,
  and the years of its place, which its links name); the place page hashes its
  (year, report key) list; the index hashes every place's.
- the engine version is ``compare.__version__`` plus a hash of the pipeline's
  source files, data files and templates: any code change rebuilds everything.

Crash safety. Every file is written to a temporary name in its folder and
``os.replace``d into place; every new file the next manifest names is fsynced
before that manifest is written, last (file and folder fsynced), and a reader
(``load_store``) trusts only what the current manifest names. (The workers do not
fsync: this process does it while they render pages, so no core waits on the disk.) Old files stay valid until a new manifest stops naming them and are
deleted only after it is in place, so a ``kill -9`` at any moment leaves the
previous build readable and the next run finishes the job. Pages are replaced
one by one (each whole); the manifest records each page's size and mtime, so a
page a killed run left behind is noticed and redone.

One rebuild at a time: ``lock.store_lock`` (flock; a dead holder's lock
vanishes with it).

>>> report_key("0.1.0+abc", "e3b0c442", "corpus/a/2022.txt", None) == report_key("0.1.0+abc", "e3b0c442", "corpus/a/2022.txt", {})
True
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence
from urllib.parse import quote

import orjson

if TYPE_CHECKING:
    import polars as pl

import compare
from compare.ingest import IngestError, Report, find_report_files, manifests_for, read_report, refuse_duplicates
from compare.lock import LockBusy, store_lock

__all__ = ["MANIFEST_NAME", "STORE_FORMAT", "StoreError", "Store", "RebuildSummary", "engine_version",
           "report_key", "load_store", "verify_store", "rebuild", "summary_paragraph", "EXIT_LOCKED", "LockBusy"]

MANIFEST_NAME = "manifest.json"
STORE_FORMAT = 1
EXIT_LOCKED = 3  # `compare rebuild` exit status when another rebuild holds the lock
# The modules whose code shapes a stored file or page (a test checks that a rebuild imports no other
# compare module but lock): editing one rebuilds everything; editing the CLI or a benchmark does not.
ENGINE_MODULES = ("__init__", "ingest", "segment", "quantity", "extract", "match", "diff", "diff_io", "history",
                  "render", "site", "table_io", "corpus", "store")
# Starting a spawned worker costs ~0.5 s (it imports polars); a stage is spread over workers only when
# the reports it touches weigh this much (the engine does ~1.5 MB/s per core).
_PARALLEL_BYTES = 2_000_000
# Same order as site.build_site's index (the byte-equality test against build_site guards it).
_LEVEL_ORDER = {"national": 0, "province": 1, "city": 2, "district": 3, "county": 4}


class StoreError(Exception):
    """The store cannot be read. str(err) is one line: '<path>: <reason>; <what to do>'."""


# ---------------------------------------------------------------- keys

@lru_cache(maxsize=1)
def engine_version() -> str:
    """``compare.__version__`` + a hash of the engine's source (ENGINE_MODULES), data and template files."""
    from compare.site import template_dirs  # the folders render.py loads templates from

    templates = [p for d in template_dirs() for p in sorted(d.rglob("*")) if p.is_file()]
    return f"{compare.__version__}+{source_digest(ENGINE_MODULES, templates)}"


def source_digest(modules: Sequence[str], extra_files: Sequence[Path] = ()) -> str:
    """A hash of the package's `modules`, its data files and `extra_files`: changes when any of them does."""
    package = Path(compare.__file__).resolve().parent
    digest = hashlib.sha256()
    files = [package / f"{name}.py" for name in modules]
    files += sorted(p for p in (package / "data").rglob("*") if p.is_file())
    for path in [*files, *extra_files]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:32]


def report_key(engine: str, sha256: str, source: str, manifest_row: dict | None) -> str:
    """The content key of one report file's stored results (see the module docstring)."""
    return _key("report", engine, sha256, source, manifest_row or None)


# ---------------------------------------------------------------- atomic files

def _write_atomically(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write to a temp file in the same folder, fsync it (unless not `sync`), then os.replace it into place."""
    from compare.site import write_atomically

    write_atomically(path, data, sync=sync)


def _sink_atomically(tables: list[Path], path: Path) -> str:
    """Stream the report tables, in order, into one parquet file at `path` (atomically, fsynced)
    and return its sha256.

    Streamed, not read whole: 10,000 reports make a table of ~5 M rows (several GB in memory),
    and the rebuild must stay under 3 GB (issue 6). lz4: the combined table is rewritten on every change.
    """
    import polars as pl

    from compare.site import replaced_atomically

    digest = hashlib.sha256()
    with replaced_atomically(path) as (handle, tmp):
        pl.scan_parquet(tables).sink_parquet(tmp, compression="lz4", maintain_order=True)
        with open(tmp, "rb") as written:
            for chunk in iter(lambda: written.read(1 << 20), b""):
                digest.update(chunk)
        os.fsync(handle.fileno())
    return digest.hexdigest()


class _Unsynced:
    """Store files written without fsync (by the workers), to be fsynced before the manifest names them."""

    def __init__(self, root: Path):
        self.root = root
        self.names: list[str] = []

    def add(self, names: Iterable[str]) -> None:
        self.names.extend(names)

    def sync(self) -> None:
        """fsync every file added so far (its data; the folders are fsynced with the manifest)."""
        names, self.names = self.names, []
        for name in names:
            fd = os.open(self.root / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _table_bytes(table: pl.DataFrame, compression: str = "lz4") -> bytes:
    # lz4: a third faster to write than zstd and a quarter faster to read; the tables are 18 MB, not 13
    buffer = io.BytesIO()
    table.write_parquet(buffer, compression=compression)
    return buffer.getvalue()


def _json_bytes(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=1, default=str).encode("utf-8")


# ---------------------------------------------------------------- the reader

@dataclass(frozen=True)
class Store:
    """A complete build, as its manifest lists it. Every method reads only files the manifest names."""

    root: Path
    manifest: dict

    @property
    def inputs(self) -> list[dict]:
        """Every input file of the build: path, size, sha256, status (built/failed/duplicate), place, year…"""
        return self.manifest["inputs"]

    def built(self) -> list[dict]:
        return [i for i in self.inputs if i["status"] == "built"]

    def failed(self) -> list[dict]:
        return [i for i in self.inputs if i["status"] != "built"]

    def table(self) -> pl.DataFrame:
        """The combined target table of every built report."""
        import polars as pl

        return pl.read_parquet(self.root / self.manifest["targets"])

    def report_table(self, key: str) -> pl.DataFrame:
        return _load_table(self.root, key)

    def report(self, key: str) -> Report:
        fields = json.loads((self.root / "reports" / f"{key}.json").read_text(encoding="utf-8"))
        return Report(**{**fields, "notes": tuple(fields["notes"])})

    def diff(self, place_key: str, old_year: int, new_year: int) -> dict:
        for d in self.manifest["diffs"]:
            if (d["place_key"], d["old_year"], d["new_year"]) == (place_key, old_year, new_year):
                return _read_diff(self.root / d["file"])
        raise KeyError(f"no stored diff of {place_key} {old_year}->{new_year}")

    def diffs(self) -> list[dict]:
        """Every stored diff's entry: place_key, old_year, new_year, key, file, summary."""
        return self.manifest["diffs"]


def _read_manifest(store_dir: Path) -> dict | None:
    path = store_dir / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise StoreError(f"{path}: unreadable manifest ({err}); run `compare rebuild --full` to rebuild the store")
    if manifest.get("format") != STORE_FORMAT:
        return None  # another layout: treated as no store, rebuilt in full
    return manifest


def load_store(store_dir: str | Path) -> Store:
    """The last complete build in `store_dir`; StoreError when there is none."""
    store_dir = Path(store_dir)
    manifest = _read_manifest(store_dir)
    if manifest is None:
        raise StoreError(f"{store_dir}: no store here (no {MANIFEST_NAME} of format {STORE_FORMAT}); "
                         "run `compare rebuild --store DIR` first")
    return Store(store_dir, manifest)


def verify_store(store_dir: str | Path) -> list[str]:
    """What is wrong with the store: each file the manifest lists must exist and hash right. [] if all is well."""
    try:
        store = load_store(store_dir)
    except StoreError as err:
        return [str(err)]
    problems = []
    for name, sha in sorted(store.manifest["files"].items()):
        try:
            data = (store.root / name).read_bytes()
        except OSError as err:
            problems.append(f"{store.root / name}: listed in the manifest but unreadable ({err.strerror})")
            continue
        if _sha(data) != sha:
            problems.append(f"{store.root / name}: sha256 differs from the manifest")
    listed = set(store.manifest["files"])
    for entry in store.built():
        for name in (f"reports/{entry['key']}.json", f"tables/{entry['key']}.parquet"):
            if name not in listed:
                problems.append(f"{store.root / name}: a built report's file is not in the manifest")
    if store.manifest["targets"] not in listed:
        problems.append(f"{store.root / store.manifest['targets']}: the combined table is not in the manifest")
    return problems


# ---------------------------------------------------------------- work done in worker processes

def _init_worker() -> None:
    # A worker must not outlive a killed rebuild (it would keep writing pages): ask Linux to kill it too.
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _build_report(job: tuple) -> dict:
    """Read and extract one file; write its report and table into the store. The entry for the manifest."""
    root, source, sha, row, engine = job
    try:
        report = read_report(source, {Path(source).resolve(): row} if row else None)
        table = _extract(report)
    except IngestError as err:
        return {"status": "failed", "error": str(err)}
    except Exception as err:  # an engine bug on one file must not stop the build
        return {"status": "failed",
                "error": f"{source}: extraction failed ({type(err).__name__}: {err}); report this as a bug"}
    # The file may have changed since it was hashed: the bytes read_report saw are the truth.
    key = report_key(engine, report.sha256, source, row)
    fields = {name: getattr(report, name) for name in Report.__dataclass_fields__}
    fields["notes"] = list(report.notes)
    report_data, table_data = _json_bytes(fields), _table_bytes(table)
    # Not fsynced here: the parent fsyncs them before a manifest names them (see _Unsynced).
    _write_atomically(Path(root) / "reports" / f"{key}.json", report_data, sync=False)
    _write_atomically(Path(root) / "tables" / f"{key}.parquet", table_data, sync=False)
    return {"status": "built", "key": key, "sha256": report.sha256, "place": report.place,
            "place_key": report.place_key, "level": report.level, "year": report.year, "rows": table.height,
            "files": {f"reports/{key}.json": _sha(report_data), f"tables/{key}.parquet": _sha(table_data)}}


def _extract(report: Report) -> pl.DataFrame:
    from compare.extract import extract_targets

    return extract_targets(report)


def _report_fields(root: Path, key: str, *, text: bool = False) -> SimpleNamespace:
    fields = orjson.loads((root / "reports" / f"{key}.json").read_bytes())
    if not text:
        fields["text"] = None
    fields["notes"] = tuple(fields["notes"])
    return SimpleNamespace(**fields)


def _read_diff(path: Path) -> dict:
    # orjson: it parses these documents twice as fast as json.
    return orjson.loads(path.read_bytes())


def _load_table(root: Path, key: str, columns: Sequence[str] | None = None) -> pl.DataFrame:
    import polars as pl  # not at the top: a rebuild with nothing to do must not pay its 0.2 s import

    return pl.read_parquet(root / "tables" / f"{key}.parquet", columns=list(columns) if columns else None)


def _load_columns(root: Path, key: str) -> dict[str, list]:
    """A stored target table as {column: values}."""
    table = _load_table(root, key)
    return {name: table.get_column(name).to_list() for name in table.columns}


def _rows(columns: dict[str, list]) -> list[dict]:
    """{column: values} as row dicts (what diff_tables works on): a third faster than polars' to_dicts."""
    names = list(columns)
    return [dict(zip(names, values)) for values in zip(*columns.values())]


def _page_links(years: Sequence[int]):
    from compare.render import SiteLinks

    # As site.build_site links a page inside places/<slug>/: file names only, percent-encoded.
    return SiteLinks(home="../../index.html", place="index.html",
                     reports={y: quote(f"{y}.html") for y in years},
                     diffs={(a, b): quote(f"diff-{a}-{b}.html") for a, b in zip(years, years[1:])})


def _write_page(out_path: str, html: str) -> dict:
    """Write a page if its bytes changed. Its record for the manifest."""
    from compare.site import write_if_changed

    data = html.encode("utf-8")
    path = Path(out_path)
    written = write_if_changed(path, data)
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": _sha(data), "written": written}


def _build_place_part(job: tuple) -> list[dict]:
    """A run of consecutive years of one place: compute its diffs that are not stored, and render
    its report and diff pages that are not up to date. One result per task, in order.

    Tasks: ("diff", diff key, old report key, new report key, page path or None),
    ("diff-page", diff file, page path), ("report-page", report key, page path), and last, when the
    job holds a whole place, ("place-page", page path, spec) (see _SitePlan.place_task).
    Each table is read once for all the tasks that need it, and a diff's page is
    rendered from the diff in memory (parsing its JSON back cost more than writing it).
    """
    from compare import render
    from compare.diff import diff_tables
    from compare.history import paired_ids
    from compare.site import report_meta_dict

    root, years, tasks = job
    root = Path(root)
    links = _page_links(years)
    columns_by_key: dict[str, dict[str, list]] = {}
    rows_by_key: dict[str, list[dict]] = {}
    fields_by_key: dict[str, dict] = {}

    def columns(key: str) -> dict[str, list]:
        if key not in columns_by_key:
            columns_by_key[key] = _load_columns(root, key)
        return columns_by_key[key]

    def rows(key: str) -> list[dict]:
        if key not in rows_by_key:
            rows_by_key[key] = _rows(columns(key))
        return rows_by_key[key]

    def report(key: str, *, text: bool) -> SimpleNamespace:
        if key not in fields_by_key:
            fields_by_key[key] = orjson.loads((root / "reports" / f"{key}.json").read_bytes())
        fields = dict(fields_by_key[key], notes=tuple(fields_by_key[key]["notes"]))
        if not text:
            fields["text"] = None
        return SimpleNamespace(**fields)

    results = []
    for task in tasks:
        kind = task[0]
        if kind == "diff":
            _, key, old_key, new_key, page_path = task
            diff = diff_tables(rows(old_key), rows(new_key), old_report=report(old_key, text=False),
                               new_report=report(new_key, text=False))
            # diff_io.diff_json's shape, compact and by orjson (6x faster than json on these documents)
            data = orjson.dumps(diff, default=str) + b"\n"
            _write_atomically(root / "diffs" / f"{key}.json", data, sync=False)  # the parent fsyncs it
            page = _write_page(page_path, render.render_diff_page(diff, links=links)) if page_path else None
            results.append({"sha": _sha(data), "summary": render.diff_summary(diff), "pairs": paired_ids(diff),
                            "page": page})
        elif kind == "place-page":
            # As _render_page's place page, from the rows and the diffs this job has in memory.
            _, page_path, spec = task
            computed = {t[1]: r for t, r in zip(tasks, results) if t[0] == "diff"}
            summaries, pairs = [], {}
            for a, b, key, file, summary in spec["diffs"]:
                done = computed.get(key)
                summaries.append(done["summary"] if done else summary)
                pairs[(a, b)] = done["pairs"] if done else paired_ids(_read_diff(root / file))
            metas = [report_meta_dict(report(k, text=False), len(columns(k)["id"])) for _, k in spec["reports"]]
            html = _place_page_html({y: rows(k) for y, k in spec["reports"]}, pairs, summaries, metas, years, links)
            results.append({"page": _write_page(page_path, html)})
        elif kind == "diff-page":
            _, file, page_path = task
            results.append({"page": _write_page(page_path, render.render_diff_page(_read_diff(root / file),
                                                                                   links=links))})
        else:  # report-page
            _, key, page_path = task
            fields, table = report(key, text=True), columns(key)
            html = render.render_report_page(report_meta_dict(fields, len(table["id"])), table, fields.text,
                                             links=links)
            results.append({"page": _write_page(page_path, html)})
    return results


# What the history table reads of a target table.
_HISTORY_COLUMNS = ("id", "part", "restates", "indicator", "indicator_key", "value", "value_high", "unit",
                    "comparator", "text")


def _render_page(job: tuple) -> dict:
    """Render a place page or the index from the store and write it if its bytes changed. Its record."""
    from compare import render
    from compare.site import report_meta_dict

    kind, root, out_path, spec = job
    root = Path(root)
    if kind == "place":
        from compare.history import paired_ids

        years = [y for y, _ in spec["reports"]]
        tables = {y: _load_table(root, k, _HISTORY_COLUMNS) for y, k in spec["reports"]}
        metas = [report_meta_dict(_report_fields(root, k), tables[y].height) for y, k in spec["reports"]]
        # The year-to-year pairs: from the diffs just computed, else from the stored diffs.
        pairs = dict(spec.get("pairs") or {})
        for a, b, file in spec.get("diffs", ()):
            if (a, b) not in pairs:
                pairs[(a, b)] = paired_ids(_read_diff(root / file))
        html = _place_page_html(tables, pairs, spec["summaries"], metas, years, _page_links(years))
    else:  # index
        html = render.render_index(spec["rows"])
    return _write_page(out_path, html)


def _place_page_html(tables: dict[int, Any], pairs: dict, summaries: list, metas: list[dict], years: list[int],
                     links: Any) -> str:
    """A place's page from its tables by year, year-pair links, diff summaries and report metadata (oldest first)."""
    from compare import render
    from compare.history import history_records

    latest = metas[-1]
    return render.render_place_page(latest["place"], history_records(tables, pairs=pairs), summaries, metas,
                                    links=links, level=latest["level"], years=years)


# ---------------------------------------------------------------- the rebuild

@dataclass
class RebuildSummary:
    """What one rebuild did (or, with dry_run, would do)."""

    corpus: str
    store: str
    site: str | None
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[dict] = field(default_factory=list)  # {"path", "error"} for every input not built
    reports_read: int = 0
    diffs_total: int = 0
    diffs_computed: int = 0
    pages_total: int = 0
    pages_rendered: int = 0
    pages_written: int = 0
    pages_deleted: int = 0
    files_deleted: int = 0
    full: bool = False
    dry_run: bool = False
    manifest_written: bool = False
    resumed_after_pid: int | None = None  # a previous rebuild that was killed before finishing
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def as_dict(self) -> dict:
        out = dict(self.__dict__)
        out["counts"] = {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed),
                         "unchanged": self.unchanged, "failed": len(self.failed)}
        out["exit_code"] = self.exit_code
        out["seconds"] = round(self.seconds, 3)
        return out


def summary_paragraph(s: RebuildSummary) -> str:
    """The one-paragraph summary a cron mail shows."""
    verb = "would rebuild" if s.dry_run else "rebuilt"
    text = (f"compare rebuild{' --full' if s.full else ''}{' --dry-run' if s.dry_run else ''}: {s.corpus} -> {s.store}: "
            f"{len(s.added)} added, {len(s.changed)} changed, {len(s.removed)} removed, {len(s.failed)} failed, "
            f"{s.unchanged} unchanged.")
    if s.dry_run:
        text += f" Would read {s.reports_read} file(s); nothing was written."
    else:
        text += (f" Read {s.reports_read} file(s), {verb} {s.diffs_computed} of {s.diffs_total} diffs")
        if s.site:
            text += f", rendered {s.pages_rendered} of {s.pages_total} pages ({s.pages_written} changed) in {s.site}"
        text += "."
        if s.resumed_after_pid:
            text += f" Finished the work of an earlier rebuild (pid {s.resumed_after_pid}) that stopped midway."
        if not s.manifest_written:
            text += " Nothing changed."
    text += f" {s.seconds:.1f} s."
    if s.failed:
        text += " Failed inputs are listed above; the rest was built (exit 1)."
    return text


def _classify_inputs(files: list[Path], rows: dict, old_inputs: dict, engine: str, summary: RebuildSummary,
                     ) -> list[dict]:
    """Hash every listed file and compare it with the previous build's entry for its path."""
    entries = []
    for path in files:
        source = str(path)
        row = rows.get(path.resolve())
        try:
            data = path.read_bytes()
        except OSError as err:
            reason = "removed while the rebuild ran" if isinstance(err, FileNotFoundError) else \
                f"cannot read the file ({err.strerror or err})"
            entries.append({"path": source, "status": "failed", "error": f"{source}: {reason}; check the path",
                            "key": None, "size": None, "sha256": None})
            continue
        sha = _sha(data)
        entry = {"path": source, "size": len(data), "sha256": sha, "key": report_key(engine, sha, source, row),
                 "row": row}
        old = old_inputs.get(source)
        if old is None:
            summary.added.append(source)
        elif old["key"] != entry["key"]:
            summary.changed.append(source)
        else:
            summary.unchanged += 1
        entries.append(entry)
    listed = {e["path"] for e in entries}
    summary.removed = sorted(p for p in old_inputs if p not in listed)
    return entries


class _Pool:
    """A process pool started only when a stage has enough jobs, then kept for the later stages."""

    def __init__(self, workers: int | None):
        self._workers = workers  # None: every core, found out only when there is work to share
        self.executor: ProcessPoolExecutor | None = None

    @property
    def workers(self) -> int:
        if self._workers is None:
            from compare.corpus import default_workers  # imports polars: not for a rebuild with nothing to do

            self._workers = default_workers()
        return self._workers

    def map(self, function: Callable, jobs: list, done: Callable[[], None], weight: int) -> list:
        """function over jobs, in order; in worker processes when the input bytes involved (`weight`) are many."""
        if len(jobs) < 2 or weight < _PARALLEL_BYTES or self.workers <= 1:
            results = []
            for job in jobs:
                results.append(function(job))
                done()
            return results
        futures = [self._executor().submit(function, job) for job in jobs]
        for future in futures:
            future.add_done_callback(lambda _f: done())
        return [f.result() for f in futures]

    def submitter(self, weight: int, jobs: int) -> Callable[[Callable, Any], Future]:
        """A submit(function, job) -> Future: to the worker processes when the input bytes involved
        (`weight`) are many, else run here at once (the Future comes back done)."""
        if jobs < 2 or weight < _PARALLEL_BYTES or self.workers <= 1:
            def run_here(function: Callable, job: Any) -> Future:
                future: Future = Future()
                future.set_result(function(job))  # an exception propagates, as without a pool
                return future

            return run_here
        return self._executor().submit

    def _executor(self) -> ProcessPoolExecutor:
        if self.executor is None:
            # spawn, not fork: this process has used polars, whose thread pool a forked child can deadlock on.
            self.executor = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker,
                                                mp_context=multiprocessing.get_context("spawn"))
        return self.executor

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown()


def rebuild(corpus: str | Path, store_dir: str | Path, site_dir: str | Path | None = None, *,
            full: bool = False, dry_run: bool = False, wait: bool = False, workers: int | None = None,
            progress: Callable[[str, int, int], None] | None = None) -> RebuildSummary:
    """Bring the store (and the site in `site_dir`, if given) up to date with the corpus folder.

    Only new, changed and removed reports are read; only the diffs they take
    part in and the pages that show them are redone (``full`` redoes all).
    ``dry_run`` says what would change and writes nothing. Raises LockBusy
    when another rebuild holds the store (unless ``wait``). ``progress`` is
    called as (stage, done, total).
    """
    started = time.perf_counter()
    corpus, store_dir = Path(corpus), Path(store_dir)
    site_dir = Path(site_dir) if site_dir is not None else None
    summary = RebuildSummary(corpus=str(corpus), store=str(store_dir), site=str(site_dir) if site_dir else None,
                             full=full, dry_run=dry_run)
    if dry_run:
        _, old, entries, _ = _plan_inputs(corpus, store_dir, summary)
        # An input that failed last time with the same bytes will fail again: say so now.
        failed_before = {i["key"]: i["error"] for i in (old or {}).get("inputs", ()) if i["status"] == "failed"}
        summary.failed += [{"path": e["path"], "error": failed_before[e["key"]]} for e in entries
                           if e.get("key") in failed_before]
        summary.seconds = time.perf_counter() - started
        return summary
    with store_lock(store_dir, wait=wait) as held:
        summary.resumed_after_pid = held.previous_pid
        pool = _Pool(workers)
        try:
            _rebuild_locked(corpus, store_dir, site_dir, summary, pool, progress or (lambda *_: None))
        finally:
            pool.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _plan_inputs(corpus: Path, store_dir: Path, summary: RebuildSummary) -> tuple[dict | None, dict | None, list[dict], list]:
    """The previous manifest (as read, and None when its engine differs), the classified inputs,
    and the errors of the corpus's manifest.csv files."""
    engine = engine_version()
    raw = _read_manifest(store_dir)
    old = raw if raw and raw["engine"] == engine else None
    # With another engine every input counts as changed.
    old_inputs = {i["path"]: (i if old else {**i, "key": None}) for i in (raw or {}).get("inputs", ())}
    rows, manifest_errors = manifests_for([corpus])
    entries = _classify_inputs(find_report_files([corpus]), rows, old_inputs, engine, summary)
    reusable = set() if summary.full or not old else \
        {i["key"] for i in old["inputs"] if i["status"] in ("built", "duplicate")}
    summary.reports_read = sum(1 for e in entries if e["key"] and e["key"] not in reusable)
    summary.failed = [{"path": e["path"], "error": e["error"]} for e in entries if e.get("status") == "failed"]
    summary.failed += [{"path": err.path, "error": str(err)} for err in manifest_errors]
    return raw, old, entries, manifest_errors


def _rebuild_locked(corpus: Path, store_dir: Path, site_dir: Path | None, summary: RebuildSummary, pool: _Pool,
                    progress: Callable[[str, int, int], None]) -> None:
    engine = engine_version()
    raw_old, old, entries, manifest_errors = _plan_inputs(corpus, store_dir, summary)
    for sub in ("reports", "tables", "diffs"):
        (store_dir / sub).mkdir(parents=True, exist_ok=True)
    old_files: dict[str, str] = old["files"] if old and not summary.full else {}
    # Failures are not reused: reading them again is cheap, and a passing cause (a file replaced
    # mid-read) must not stick.
    old_by_key = {i["key"]: i for i in old["inputs"] if i["status"] in ("built", "duplicate")} \
        if old and not summary.full else {}
    files: dict[str, str] = {}

    # 1. reports: reuse what the previous build made of the same bytes, read the rest
    to_read = []
    for entry in entries:
        if entry.get("status") == "failed":
            continue
        previous = old_by_key.get(entry["key"])
        names = (f"reports/{entry['key']}.json", f"tables/{entry['key']}.parquet")
        if previous and all(name in old_files for name in names):
            entry.update({k: previous[k] for k in ("place", "place_key", "level", "year", "rows")})
            entry["status"] = "built"  # duplicates are decided again below, over the whole corpus
            files.update({name: old_files[name] for name in names})
        else:
            to_read.append(entry)
    summary.reports_read = len(to_read)
    total = len(to_read)
    # The longest first, so that no worker is left reading one long report at the end.
    to_read.sort(key=lambda e: -e["size"])
    counter = _Counter(progress, "reading reports", total)
    results = pool.map(_build_report, [(str(store_dir), e["path"], e["sha256"], e["row"], engine) for e in to_read],
                       counter.step, sum(e["size"] for e in to_read))
    unsynced = _Unsynced(store_dir)
    for entry, result in zip(to_read, results):
        entry.update({k: v for k, v in result.items() if k != "files"})
        files.update(result.get("files", {}))
        unsynced.add(result.get("files", {}))

    # 2. two reports for one place and year: both kept out, each named in the other's error
    built = [e for e in entries if e.get("status") == "built"]
    stand_ins = [SimpleNamespace(source=e["path"], place_key=e["place_key"], year=e["year"], entry=e) for e in built]
    kept, duplicates = refuse_duplicates(stand_ins)
    refused = {err.path: err for err in duplicates}
    for e in built:
        if e["path"] in refused:
            e["status"], e["error"] = "duplicate", str(refused[e["path"]])
        else:
            e["error"] = None
    summary.failed = [{"path": e["path"], "error": e["error"]} for e in entries if e.get("status") != "built"]
    summary.failed += [{"path": err.path, "error": str(err)} for err in manifest_errors]
    kept_entries = sorted((s.entry for s in kept), key=lambda e: e["path"])

    # 3. diffs of consecutive available years, per place: which are stored already
    by_place: dict[str, dict[int, dict]] = defaultdict(dict)
    for e in kept_entries:
        by_place[e["place_key"]][e["year"]] = e
    old_diffs = {d["key"]: d for d in old["diffs"]} if old else {}
    diffs, diff_jobs = [], []
    for place_key in sorted(by_place):
        years = sorted(by_place[place_key])
        for a, b in zip(years, years[1:]):
            key = _key("diff", engine, by_place[place_key][a]["key"], by_place[place_key][b]["key"])
            entry = {"place_key": place_key, "old_year": a, "new_year": b, "key": key, "file": f"diffs/{key}.json"}
            previous = old_diffs.get(key)
            if previous and entry["file"] in old_files:
                entry["summary"] = previous["summary"]
                files[entry["file"]] = old_files[entry["file"]]
            else:
                diff_jobs.append(entry)
            diffs.append(entry)
    summary.diffs_total, summary.diffs_computed = len(diffs), len(diff_jobs)

    # 4. which pages of the site are up to date
    plan = _plan_site(site_dir, by_place, diffs, engine, raw_old, summary) if site_dir is not None else None

    # 5. the diffs with the report and diff pages, a few years of a place per job, then each place's page
    # as soon as its diffs are in; meanwhile this process writes the index and fsyncs what the workers
    # wrote, and a thread writes the combined table (polars lets go of the GIL: it overlaps a serial run too)
    targets_key = _key("targets", engine, [e["key"] for e in kept_entries])
    targets_name = f"targets-{targets_key}.parquet"

    def write_combined_table() -> str:
        """Its sha256; written unless the last build has it."""
        if targets_name in old_files:
            return old_files[targets_name]
        tables = [store_dir / "tables" / f"{e['key']}.parquet" for e in kept_entries]
        if not tables:
            from compare.extract import empty_targets

            data = _table_bytes(empty_targets())
            _write_atomically(store_dir / targets_name, data)
            return _sha(data)
        return _sink_atomically(tables, store_dir / targets_name)

    background = ThreadPoolExecutor(max_workers=1)
    combined = background.submit(write_combined_table)
    background.shutdown(wait=False)  # the thread ends with its one job

    def while_the_workers_work() -> None:
        unsynced.sync()  # the reports' files
        if index_due:
            plan.record("index.html", _render_page(plan.index_job(store_dir)))
            rendering.step()

    place_pages = plan.place_pages() if plan is not None else {}
    parts = _place_parts(store_dir, by_place, diffs, {d["key"] for d in diff_jobs}, plan, place_pages)
    weight = sum(w for _, _, w, _ in parts) + \
        (sum(e["size"] for p in place_pages for e in by_place[p].values()) if len(place_pages) > 20 else 0)
    submit = pool.submitter(weight, len(parts) + len(place_pages))
    diffing = _Counter(progress, "diffing years", len(parts))
    index_due = plan is not None and "index.html" in plan.to_render
    rendering = _Counter(progress, "rendering pages", len(place_pages) + index_due)
    parts_left = defaultdict(int)
    for _, _, _, place_key in parts:
        parts_left[place_key] += 1
    pairs: dict[str, dict[tuple[int, int], dict]] = defaultdict(dict)
    diffs_by_place: dict[str, list[dict]] = defaultdict(list)
    for d in diffs:
        diffs_by_place[d["place_key"]].append(d)
    waiting: dict[Future, tuple] = {}

    def submit_place_page(place_key: str) -> None:
        # Once all the place's diffs are known: its page needs their summaries and pairs.
        if place_key in place_pages:
            job = plan.place_job(store_dir, place_pages[place_key], diffs_by_place[place_key], pairs[place_key])
            waiting[submit(_render_page, job)] = ("place", place_pages[place_key])

    for job, refs, _, place_key in parts:
        waiting[submit(_build_place_part, job)] = ("part", refs, place_key)
    for place_key in place_pages:
        if not parts_left[place_key]:
            submit_place_page(place_key)
    while_the_workers_work()
    # Results as they come: a place page is started as soon as the last of its place's diffs is in.
    while waiting:
        done, _ = wait(list(waiting), return_when=FIRST_COMPLETED)
        for future in done:
            kind, *what = waiting.pop(future)
            if kind == "place":
                plan.record(what[0], future.result())
                rendering.step()
                continue
            refs, place_key = what
            for (task, ref), result in zip(refs, future.result()):
                if task == "diff":
                    ref["summary"] = result["summary"]
                    files[ref["file"]] = result["sha"]
                    unsynced.add([ref["file"]])
                    pairs[place_key][(ref["old_year"], ref["new_year"])] = result["pairs"]
                    if result["page"] is not None:
                        plan.record(plan.diff_pages[ref["key"]], result["page"])
                else:
                    plan.record(ref, result["page"])
            unsynced.sync()  # this part's diffs, while the workers go on
            diffing.step()
            parts_left[place_key] -= 1
            if not parts_left[place_key]:
                submit_place_page(place_key)
    files[targets_name] = combined.result()
    pages: dict[str, dict] = {}
    retired: list[str] = []
    if plan is not None:
        pages, retired = plan.finish(summary)

    # 6. the manifest, last; then the garbage it no longer names
    inputs = [{k: e.get(k) for k in ("path", "size", "sha256", "key", "status", "place", "place_key", "level",
                                      "year", "rows", "error")} for e in entries]
    manifest = {"format": STORE_FORMAT, "engine": engine, "corpus": str(corpus),
                "site": str(site_dir.resolve()) if site_dir else None,
                "inputs": inputs, "diffs": diffs, "targets": targets_name, "files": dict(sorted(files.items())),
                "pages": dict(sorted(pages.items())), "retired_pages": retired,
                "failed": summary.failed}
    comparable = {k: v for k, v in (old or {}).items() if k not in ("built_at",)}
    unsynced.sync()  # whatever the workers wrote that is not fsynced yet
    if comparable != manifest or summary.full:
        for sub in ("reports", "tables", "diffs"):
            _fsync_dir(store_dir / sub)
        manifest_with_time = {**manifest, "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        _write_atomically(store_dir / MANIFEST_NAME, _json_bytes(manifest_with_time) + b"\n")
        _fsync_dir(store_dir)
        summary.manifest_written = True
    summary.files_deleted = _collect_garbage(store_dir, set(files))
    if site_dir is not None:
        summary.pages_deleted = _delete_pages(site_dir, retired, set(pages))


class _Counter:
    def __init__(self, progress: Callable[[str, int, int], None], stage: str, total: int):
        self.progress, self.stage, self.total, self.done = progress, stage, total, 0
        progress(stage, 0, total)

    def step(self) -> None:
        self.done += 1
        self.progress(self.stage, self.done, self.total)


_PART_YEARS = 4  # years of a place per diff job: each table is read once per job, and a long place still spreads
# A place of at most this many years is one job that renders its place page too, from the rows it has
# read: the page's own job read every table again (a tenth of the diff stage of a generated corpus).
_WHOLE_PLACE_YEARS = 12


class _SitePlan:
    """The site's pages: which are up to date (their record is reused) and which are to be rendered."""

    def __init__(self, site_dir: Path, old: dict | None, reuse: bool):
        self.site_dir = site_dir
        self.old_pages = old["pages"] if old else {}
        self.old_retired = old.get("retired_pages", []) if old else []
        self.reuse = reuse
        self.pages: dict[str, dict] = {}
        self.keys: dict[str, str] = {}  # relative path -> page key, for every page wanted
        self.to_render: dict[str, tuple[str, dict]] = {}  # relative path -> (kind, spec)
        self.diff_pages: dict[str, str] = {}  # diff key -> relative path of its page
        self.report_pages: dict[str, str] = {}  # report key -> relative path of its page (one place's)
        self.rendered = 0
        self.written = 0

    def want(self, relative: str, key: str, kind: str, spec: dict) -> None:
        self.keys[relative] = key
        previous = self.old_pages.get(relative)
        if self.reuse and previous and previous["key"] == key and \
                _unchanged_on_disk(self.site_dir / relative, previous):
            self.pages[relative] = previous
        else:
            self.to_render[relative] = (kind, spec)

    def path(self, relative: str) -> str:
        return str(self.site_dir / relative)

    def record(self, relative: str, record: dict) -> None:
        record = dict(record)
        self.written += record.pop("written")
        self.rendered += 1
        self.pages[relative] = {"key": self.keys[relative], **record}

    def place_pages(self) -> dict[str, str]:
        """place key -> relative path of its page, for the place pages to render, longest history first."""
        places = [(spec["place_key"], relative, len(spec["reports"])) for relative, (kind, spec) in
                  self.to_render.items() if kind == "place"]
        return {place_key: relative for place_key, relative, _ in sorted(places, key=lambda p: -p[2])}

    def place_job(self, store_dir: Path, relative: str, place_diffs: list[dict], pairs: dict) -> tuple:
        """The _render_page job of a place's page; each of the place's diffs has its summary by now."""
        spec = {**self.to_render[relative][1], "summaries": [d["summary"] for d in place_diffs], "pairs": pairs}
        return ("place", str(store_dir), self.path(relative), spec)

    def place_task(self, relative: str, place_diffs: list[dict]) -> tuple:
        """The place page as the last task of a _build_place_part job that holds the whole place: its
        diffs as (old year, new year, key, file, summary if stored)."""
        spec = self.to_render[relative][1]
        return ("place-page", self.path(relative),
                {"reports": spec["reports"], "diffs": [(d["old_year"], d["new_year"], d["key"], d["file"],
                                                        d.get("summary")) for d in place_diffs]})

    def index_job(self, store_dir: Path) -> tuple:
        return ("index", str(store_dir), self.path("index.html"), self.to_render["index.html"][1])

    def finish(self, summary: RebuildSummary) -> tuple[dict, list[str]]:
        summary.pages_total, summary.pages_rendered = len(self.keys), self.rendered
        summary.pages_written += self.written
        # Pages of the last build no longer wanted, plus any a killed run retired without deleting.
        retired = sorted((set(self.old_pages) | set(self.old_retired)) - set(self.pages))
        return self.pages, retired


def _plan_site(site_dir: Path, by_place: dict, diffs: list[dict], engine: str, old: dict | None,
               summary: RebuildSummary) -> _SitePlan:
    """Every page of the site with its key (a hash of what it shows); those whose key or file
    differs from the last build's are to be rendered."""
    from compare.site import place_slug, site_paths

    site_dir = site_dir.resolve()
    same_site = bool(old) and old.get("site") == str(site_dir)
    plan = _SitePlan(site_dir, old if same_site else None, same_site and old["engine"] == engine and not summary.full)
    diffs_by_place: dict[str, list[dict]] = defaultdict(list)
    for d in diffs:
        diffs_by_place[d["place_key"]].append(d)
    taken: set[str] = set()
    index_rows = []
    for place_key in sorted(by_place):
        years = sorted(by_place[place_key])
        slug = place_slug(place_key, taken)
        paths = site_paths(slug, years)
        reports = [(y, by_place[place_key][y]["key"]) for y in years]
        for y, key in reports:
            plan.report_pages[key] = paths["reports"][y]
            plan.want(paths["reports"][y], _key("report-page", engine, key, years), "report", {})
        for d in diffs_by_place[place_key]:
            relative = paths["diffs"][(d["old_year"], d["new_year"])]
            plan.diff_pages[d["key"]] = relative
            plan.want(relative, _key("diff-page", engine, d["key"], years), "diff", {})
        plan.want(paths["place"], _key("place-page", engine, place_key, reports), "place",
                  {"place_key": place_key, "reports": reports,
                   "diffs": [(d["old_year"], d["new_year"], d["file"]) for d in diffs_by_place[place_key]]})
        latest = by_place[place_key][years[-1]]
        index_rows.append({"place": latest["place"], "place_key": place_key, "level": latest["level"],
                           "years": {y: by_place[place_key][y]["rows"] for y in years},
                           "diffs": len(diffs_by_place[place_key]), "href": quote(paths["place"]),
                           "year_hrefs": {y: quote(p) for y, p in paths["reports"].items()}})
    index_rows.sort(key=lambda r: (_LEVEL_ORDER.get(r["level"], 9), r["place_key"]))
    every_report = [(p, [(y, by_place[p][y]["key"]) for y in sorted(by_place[p])]) for p in sorted(by_place)]
    plan.want("index.html", _key("index", engine, every_report), "index", {"rows": index_rows})
    return plan


def _place_parts(store_dir: Path, by_place: dict, diffs: list[dict], to_compute: set[str], plan: _SitePlan | None,
                 place_pages: dict[str, str] | None = None) -> list[tuple[tuple, list[tuple[str, Any]], int, str]]:
    """The diffs to compute and the report and diff pages to render, as _build_place_part jobs of at
    most _PART_YEARS years of one place, or of a whole place of at most _WHOLE_PLACE_YEARS years with its
    place page (taken out of `place_pages`): (job, what each task's result is for, input bytes, place key),
    the heaviest first so no worker is left with a big job at the end."""
    diffs_by_place: dict[str, list[dict]] = defaultdict(list)
    for d in diffs:
        diffs_by_place[d["place_key"]].append(d)
    parts = []
    for place_key in sorted(by_place):
        entries = by_place[place_key]
        years = sorted(entries)
        tasks_by_year: dict[int, list[tuple[tuple, tuple[str, Any], int]]] = defaultdict(list)
        for d in diffs_by_place[place_key]:
            old, new = entries[d["old_year"]], entries[d["new_year"]]
            page = plan.diff_pages[d["key"]] if plan is not None else None
            page = page if page is not None and page in plan.to_render else None
            if d["key"] in to_compute:
                task = ("diff", d["key"], old["key"], new["key"], plan.path(page) if page else None)
                tasks_by_year[d["new_year"]].append((task, ("diff", d), 3 * (old["size"] + new["size"])))
            elif page:
                tasks_by_year[d["new_year"]].append((("diff-page", d["file"], plan.path(page)), ("page", page),
                                                     new["size"]))
        for y in years:
            page = plan.report_pages[entries[y]["key"]] if plan is not None else None
            if page is not None and page in plan.to_render:
                tasks_by_year[y].append((("report-page", entries[y]["key"], plan.path(page)), ("page", page),
                                         entries[y]["size"]))
        if len(years) <= _WHOLE_PLACE_YEARS and place_pages is not None and place_key in place_pages:
            page = place_pages.pop(place_key)
            tasks_by_year[years[-1]].append((plan.place_task(page, diffs_by_place[place_key]), ("page", page),
                                             sum(e["size"] for e in entries.values())))
        step = len(years) if len(years) <= _WHOLE_PLACE_YEARS else _PART_YEARS
        for start in range(0, len(years), step):
            chunk = [t for y in years[start:start + step] for t in tasks_by_year[y]]
            if chunk:
                parts.append(((str(store_dir), years, [t for t, _, _ in chunk]), [r for _, r, _ in chunk],
                              sum(w for _, _, w in chunk), place_key))
    parts.sort(key=lambda part: -part[2])
    return parts


def _unchanged_on_disk(path: Path, record: dict) -> bool:
    try:
        stat = path.stat()
    except OSError:
        return False
    return stat.st_size == record["size"] and stat.st_mtime_ns == record["mtime_ns"]


def _collect_garbage(store_dir: Path, listed: set[str]) -> int:
    """Delete store files the current manifest does not name (and temp files of killed writes)."""
    deleted = 0
    candidates = [p for sub in ("reports", "tables", "diffs") if (store_dir / sub).is_dir()
                  for p in (store_dir / sub).iterdir()]
    candidates += [p for p in store_dir.iterdir() if p.is_file() and
                   (p.name.startswith("targets-") or (p.name.startswith(".") and p.name.endswith(".tmp")))]
    for path in candidates:
        if str(path.relative_to(store_dir)) not in listed:
            try:
                path.unlink()
                deleted += 1
            except OSError:
                pass
    return deleted


def _delete_pages(site_dir: Path, retired: Iterable[str], wanted: set[str]) -> int:
    """Delete the retired pages no longer wanted, and the temp files of page writes a kill -9
    interrupted (site.write_atomically's `.NAME.XXXX.tmp`); the lock makes them stale, not in use."""
    deleted = 0
    for stale in list(site_dir.rglob(".*.tmp")):  # not pages: not counted
        try:
            stale.unlink()
        except OSError:
            pass
    for relative in retired:
        if relative in wanted:
            continue
        path = site_dir / relative
        try:
            path.unlink()
            deleted += 1
        except FileNotFoundError:
            pass
        try:
            path.parent.rmdir()  # a place with no pages left
        except OSError:
            pass
    return deleted


# ---------------------------------------------------------------- presentation helpers for the CLI

def terminal_progress(stream=None):
    """A rich progress bar on `stream` (stderr): a context manager giving a ``progress`` callback."""
    from contextlib import contextmanager

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextmanager
    def bar():
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=Console(file=stream or sys.stderr), transient=True) as shown:
            tasks: dict[str, Any] = {}

            def update(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = shown.add_task(stage, total=total or 1)
                shown.update(tasks[stage], completed=done if total else 1)

            yield update

    return bar()
