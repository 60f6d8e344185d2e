"""Site: build the whole static HTML site from reports and their target tables.

Layout (all links relative, so the folder can be zipped, served by any static
server or opened from disk)::

    index.html                          places x years grid
    places/<slug>/index.html            one place: reports, diffs, history
    places/<slug>/<year>.html           one report: metadata, target table, text
    places/<slug>/diff-<a>-<b>.html     each pair of consecutive available years

Reports are grouped into places by ``place_key`` (a renamed county stays one
place). Every file is written atomically and only when its bytes change, so a
rebuild touches exactly the pages whose content changed.

>>> place_slug("中华人民共和国", set())
'中华人民共和国-ca6b1e36'
>>> place_slug("../CON", set())
'CON-d1d3a747'
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, Sequence
from urllib.parse import quote


__all__ = ["place_slug", "write_if_changed", "write_atomically", "build_site", "build_place", "build_index", "site_paths",
           "report_meta_dict", "template_dirs"]

MAX_SLUG_CHARS = 40  # 40 CJK characters are 120 bytes in UTF-8, far below the usual 255-byte name limit
_UNSAFE_RUN = re.compile(r"[^\w\-]+")  # keeps letters and digits of every script (CJK readable), _ and -
_LEVEL_ORDER = {"national": 0, "province": 1, "city": 2, "district": 3, "county": 4}


def place_slug(place_key: str, taken: set[str] | None = None) -> str:
    """A safe folder name for a place: readable, bounded, unique within ``taken`` (which it updates).

    NFKC, every run of characters other than letters, digits, _ and - becomes one
    -, and a short hash of the full name is appended, so two places never share a
    folder and no slug is a reserved device name (CON, NUL…), empty, . or ..
    Uniqueness is checked case-insensitively (case-insensitive file systems).

    >>> place_slug("河北省保定市徐水区", set())
    '河北省保定市徐水区-5b10fa7e'
    """
    taken = taken if taken is not None else set()
    text = unicodedata.normalize("NFKC", place_key)
    text = _UNSAFE_RUN.sub("-", text).strip("-_")
    text = text[:MAX_SLUG_CHARS].strip("-_") or "place"
    digest = hashlib.sha256(place_key.encode("utf-8", "surrogatepass")).hexdigest()
    folded = {t.casefold() for t in taken}
    for size in range(8, len(digest) + 1, 4):
        slug = f"{text}-{digest[:size]}"
        if slug.casefold() not in folded:
            break
    else:  # every prefix of the hash is taken: only possible with a hostile `taken`
        n = 2
        while f"{text}-{digest}-{n}".casefold() in folded:
            n += 1
        slug = f"{text}-{digest}-{n}"
    taken.add(slug)
    return slug


def template_dirs() -> list[Path]:
    """The folders the page templates are loaded from: the source checkout keeps templates/ at the
    project root, the wheel ships them as compare/templates. (Here, not in render.py, so that
    a rebuild with nothing to do can hash them without importing the renderer.)"""
    here = Path(__file__).resolve()
    return [d for d in (here.parents[1] / "templates", here.parent / "templates") if d.is_dir()]


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write a file atomically (temp file + os.replace); skip it when the bytes are the same. True if written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data, sync=False)
    return True


@contextmanager
def replaced_atomically(path: Path) -> Iterator[tuple[IO[bytes], str]]:
    """A temp file beside `path` (an open handle and its name) for the caller to fill; when the block
    ends without error it is renamed onto `path`, so a reader sees the old file or the new one, never
    half of one; on error it is removed. Fsync, when wanted, is the caller's, inside the block."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle, tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_atomically(path: Path, data: bytes, *, sync: bool = False) -> None:
    """Write `data` to `path` through replaced_atomically; `sync` fsyncs the data first (the store's
    files, which a crash must not lose)."""
    with replaced_atomically(path) as (handle, _):
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())


def report_meta_dict(report: Any, rows: int | None = None) -> dict:
    """The metadata a page shows for a report (an ingest.Report or anything with its fields)."""
    return {"place": report.place, "place_key": getattr(report, "place_key", report.place), "level": report.level,
            "year": report.year, "delivered": getattr(report, "delivered", None), "source": str(report.source),
            "source_url": getattr(report, "source_url", None), "sha256": getattr(report, "sha256", None),
            "title": getattr(report, "title", None), "notes": list(getattr(report, "notes", ()) or ()),
            "rows": rows}


def _given_table(report: Any, tables: Mapping[Any, Any]):
    """The report's target table if the caller gave it (keyed by (place_key, year), by source, or by
    the Report), else None: the place's worker extracts it."""
    place_key = getattr(report, "place_key", report.place)
    for key in ((place_key, report.year), str(report.source), report):
        try:
            if key in tables:
                return tables[key]
        except TypeError:  # an unhashable key type
            continue
    return None


def site_paths(slug: str, years: Sequence[int]) -> dict:
    """Relative paths of one place's pages inside the site."""
    base = f"places/{slug}"
    return {"place": f"{base}/index.html", "reports": {y: f"{base}/{y}.html" for y in years},
            "diffs": {(a, b): f"{base}/diff-{a}-{b}.html" for a, b in zip(years, years[1:])}}


def build_site(reports: Iterable[Any], tables: Mapping[Any, Any], out_dir: Path, *,
               progress: Callable[[str], None] | None = None, workers: int | None = None) -> list[Path]:
    """Build the whole site under out_dir; the paths of all its pages (written or already up to date).

    ``tables`` maps (place_key, year) (or report.source) to the report's target
    table; a report with no table there is extracted on the way. Places are
    built in parallel over `workers` processes (default: every core); the
    pages do not depend on the number of workers.
    """
    from compare.corpus import default_workers, process_pool

    out_dir = Path(out_dir)
    by_place: dict[str, dict[int, Any]] = defaultdict(dict)
    for report in sorted(reports, key=lambda r: (getattr(r, "place_key", r.place), r.year, str(r.source))):
        by_place[getattr(report, "place_key", report.place)].setdefault(report.year, report)
    taken: set[str] = set()
    jobs = []
    for place_key in sorted(by_place):  # slugs in a fixed order, so they never depend on scheduling
        place_reports = by_place[place_key]
        jobs.append((place_key, place_slug(place_key, taken), place_reports,
                     {y: _given_table(r, tables) for y, r in place_reports.items()}, out_dir))
    workers = default_workers() if workers is None else workers
    jobs.sort(key=lambda job: -len(job[2]))  # places with most reports first, so workers finish together
    pages: list[Path] = []
    index_rows = []
    if workers > 1 and len(jobs) > 1:
        with process_pool(workers) as pool:
            results = pool.map(_build_place_job, jobs, chunksize=max(1, len(jobs) // (workers * 4)))
            for built in results:
                _collect(built, pages, index_rows, progress)
    else:
        for job in jobs:
            _collect(_build_place_job(job), pages, index_rows, progress)
    pages.append(build_index(index_rows, out_dir))
    return pages


def _collect(built: tuple[list[Path], dict], pages: list[Path], index_rows: list[dict],
             progress: Callable[[str], None] | None) -> None:
    place_pages, row = built
    pages.extend(place_pages)
    index_rows.append(row)
    if progress:
        progress(f"{row['place']}: {len(row['years'])} report(s)")


def _build_place_job(job: tuple) -> tuple[list[Path], dict]:
    return build_place(*job)


def build_place(place_key: str, slug: str, reports_by_year: Mapping[int, Any], tables_by_year: Mapping[int, Any],
                out_dir: Path) -> tuple[list[Path], dict]:
    """One place's pages (its reports, the diff of each pair of consecutive years, the place page
    with its history); returns the pages and the place's row of the index."""
    from compare.diff import diff_tables
    from compare.extract import extract_targets
    from compare.history import history_table
    from compare.render import SiteLinks, diff_summary, render_diff_page, render_place_page, render_report_page

    out_dir = Path(out_dir)
    years = sorted(reports_by_year)
    latest = reports_by_year[years[-1]]
    tables_by_year = {y: tables_by_year.get(y) if tables_by_year.get(y) is not None
                      else extract_targets(reports_by_year[y]) for y in years}
    paths = site_paths(slug, years)
    # Links from a page inside places/<slug>/ to its neighbours: file names only, percent-encoded.
    local = SiteLinks(home="../../index.html", place="index.html",
                      reports={y: quote(f"{y}.html") for y in years},
                      diffs={pair: quote(Path(p).name) for pair, p in paths["diffs"].items()})
    pages: list[Path] = []

    def emit(relative: str, html: str) -> None:
        path = out_dir / relative
        write_if_changed(path, html)
        pages.append(path)

    metas = {y: report_meta_dict(reports_by_year[y], tables_by_year[y].height) for y in years}
    for y in years:
        emit(paths["reports"][y], render_report_page(metas[y], tables_by_year[y], reports_by_year[y].text,
                                                     links=local))
    summaries = []
    diffs = {}
    for a, b in zip(years, years[1:]):
        diff = diffs[(a, b)] = diff_tables(tables_by_year[a], tables_by_year[b], old_report=reports_by_year[a],
                                           new_report=reports_by_year[b])
        emit(paths["diffs"][(a, b)], render_diff_page(diff, links=local))
        summaries.append(diff_summary(diff))
    history = history_table(dict(tables_by_year), diffs=diffs)
    emit(paths["place"], render_place_page(latest.place, history, summaries, [metas[y] for y in years],
                                           links=local, level=latest.level))
    row = {"place": latest.place, "place_key": place_key, "level": latest.level,
           "years": {y: metas[y]["rows"] for y in years}, "diffs": len(summaries),
           "href": quote(paths["place"]), "year_hrefs": {y: quote(p) for y, p in paths["reports"].items()}}
    return pages, row


def build_index(index_rows: list[dict], out_dir: Path) -> Path:
    """The index page (places x years grid) from the places' index rows."""
    from compare.render import render_index

    rows = sorted(index_rows, key=lambda r: (_LEVEL_ORDER.get(r["level"], 9), r["place_key"]))
    path = Path(out_dir) / "index.html"
    write_if_changed(path, render_index(rows))
    return path
