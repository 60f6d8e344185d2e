"""A scaling corpus: many synthetic places, each a chain of yearly edited copies of a real report.

    uv run python -m compare.scale --places 1000 --years 10 --out /tmp/scale

For each synthetic place a real report of ../shared/corpus is drawn as its base
(the first year); each next year is ``synth.edit_report`` applied to the year
before (``per_kind`` edits of every kind), so every cross-year change is known.
The folder gets one file per report (``p00012/2027.txt``), a ``manifest.csv``
(path, place, place_key, level, year, title, source_url: the manifest gives
place and year, so nothing depends on inferring them from edited text) and a
``truth.jsonl`` with one line per recorded edit (kind, old and new clause,
expected status and flag). Nothing generated belongs in the repository.

Two things keep the truth true:

- Years. A base report's headings and datelines name its own year
  (``二、2024年工作安排``) and the plan/review split is decided against the
  report's year, so year k of a place is written with every year in it moved
  by k (``shift_years``): the text of the 2027 copy reads like a 2027 report.
  The shift keeps every offset (four digits stay four), so a clause moves only
  in its year digits, and the truth records each clause as it is in its file.
- Added commitments. ``edit_report`` draws new commitments from a short list;
  over ten years a place would get the same one twice, and a second
  ``新建充电桩37个`` pairs with the first (raised or lowered, not new). An
  added commitment whose noun is already in the report is swapped for an unused
  one from ``EXTRA_COMMITMENTS`` (or taken out when none is left).

Places are independent and deterministic from (seed, place number), so the
first N places of a big corpus are exactly the corpus of N places.

>>> shift_years("二、2024年工作安排：到2025年底建成，1998年以来", 2)
'二、2026年工作安排：到2027年底建成，2000年以来'
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

__all__ = ["EXTRA_COMMITMENTS", "ScaleCorpus", "shift_years", "make_corpus", "load_truth", "link_subset", "main"]

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
MANIFEST_COLUMNS = ("path", "place", "place_key", "level", "year", "title", "source_url")
# The patterns segment.py reads years with: (19|20)dd right before 年.
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年)")

# Commitments no real report of the corpus names (each noun is checked against the report before use).
EXTRA_COMMITMENTS = (
    "建成智能快递柜{n}组", "新增公共自行车站点{n}处", "建设城市书房{n}家", "改造老旧电梯{n}部", "新建应急避难场所{n}处",
    "建成标准化菜市场{n}个", "新增院前急救站点{n}个", "建设无障碍示范街区{n}条", "培育非遗工坊{n}家", "新建公共篮球场{n}片",
    "建成数字乡村示范点{n}个", "新建屋顶光伏电站{n}座", "改造背街小巷{n}条", "建设候鸟栖息地{n}处", "新增夜间经济集聚区{n}个",
    "建成共享农机服务站{n}个", "新建城市驿站{n}座", "建设老年大学分校{n}所", "建成冷链物流仓{n}座", "新建青年驿站{n}家",
    "新建社区足球场{n}块", "建成科普教育基地{n}家", "新建城市森林步道{n}公里", "新增母婴室{n}间", "建成反诈宣传站{n}个",
    "建设林下经济示范基地{n}个", "新建人行天桥{n}座", "建成氢能加注站{n}座", "新增直播电商基地{n}个", "建设乡村少年宫{n}所",
    "新建雨水花园{n}处", "建成智慧灯杆{n}根", "建设心理健康服务站{n}个", "新建室内滑冰场{n}座", "建成县域物流分拨中心{n}个",
)
EXTRA_QUALITATIVE = (
    "建立候鸟迁徙监测预警平台", "启动古树名木数字档案建设", "开通企业开办一窗通办专区", "建立河湖健康体检评估制度",
    "启动地下管网数字地图编制", "建立农产品区域公用品牌目录",
)


@dataclass(frozen=True)
class ScaleCorpus:
    """What make_corpus wrote."""

    root: Path
    reports: int
    places: int
    edits: int
    bytes: int
    seconds: float


def shift_years(text: str, by: int) -> str:
    """Every year written before 年 (19xx/20xx) moved by `by` years; offsets do not change."""
    if not by:
        return text
    return _YEAR.sub(lambda m: str(int(m.group(1)) + by), text)


def _noun(sentence: str) -> str:
    """What an added commitment (or a template of one) is about: its words before the number, without
    the two-character verb.

    >>> _noun("新建充电桩37个"), _noun("建成智能快递柜{n}组"), _noun("启动古树名木数字档案建设")
    ('充电桩', '智能快递柜', '古树名木数字档案建设')
    """
    return re.split(r"\d|\{n\}", sentence, maxsplit=1)[0][2:]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _unique_adds(before: str, edited, rng: random.Random):
    """The edited report with every added commitment about something `before` does not already name."""
    from compare.synth import EditedReport

    squashed = _squash(before)
    text, edits, used = edited.text, [], set()
    for edit in edited.edits:
        if edit.kind != "add":
            edits.append(edit)
            continue
        noun = _noun(edit.new_text)
        if noun not in squashed and noun not in used:
            used.add(noun)
            edits.append(edit)
            continue
        inserted = edit.new_text + "。"
        if text.count(inserted) != 1:
            continue  # cannot tell which copy was added: leave it, untracked (rare)
        unused = [t for t in EXTRA_COMMITMENTS + EXTRA_QUALITATIVE if _noun(t) not in squashed and _noun(t) not in used]
        if not unused:
            text = text.replace(inserted, "", 1)
            continue
        sentence = rng.choice(unused).format(n=rng.randint(11, 97))
        used.add(_noun(sentence))
        text = text.replace(inserted, sentence + "。", 1)
        edits.append(replace(edit, new_text=sentence))
    return EditedReport(text=text, edits=edits)


def _place_seed(seed: int, place: int) -> str:
    return f"{seed}:{place}"


def _make_place(job: tuple) -> tuple[list[dict], list[dict], int]:
    """Write one synthetic place's reports; its manifest rows, truth lines and bytes written."""
    from compare.ingest import read_report
    from compare.synth import edit_report

    out_dir, corpus_dir, base_row, number, years, seed, per_kind = job
    base_path = (Path(corpus_dir) / base_row["path"]).resolve()
    base = read_report(base_path, {base_path: base_row})
    place = f"{base.place}样本{number:05d}"
    folder = f"p{number:05d}"
    (Path(out_dir) / folder).mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{_place_seed(seed, number)}:adds")
    rows, truth, written = [], [], 0
    text = base.text  # the chain is kept in the base's own years; each file is shifted to its year
    for k in range(years):
        year = base.year + k
        if k:
            step_seed = random.Random(f"{_place_seed(seed, number)}:{k}").getrandbits(32)  # not hash(): salted
            edited = edit_report(text, year=base.year, seed=step_seed, per_kind=per_kind)
            edited = _unique_adds(text, edited, rng)
            for e in edited.edits:
                truth.append({"place_key": place, "old_year": year - 1, "new_year": year,
                              "old_path": f"{folder}/{year - 1}.txt", "new_path": f"{folder}/{year}.txt",
                              "kind": e.kind,
                              "old_text": shift_years(e.old_text, k - 1) if e.old_text is not None else None,
                              "new_text": shift_years(e.new_text, k) if e.new_text is not None else None,
                              "expected_status": e.expected_status, "expected_flag": e.expected_flag,
                              "old_value": e.old_value})
            text = edited.text
        data = shift_years(text, k).encode("utf-8")
        (Path(out_dir) / folder / f"{year}.txt").write_bytes(data)
        written += len(data)
        rows.append({"path": f"{folder}/{year}.txt", "place": place, "place_key": place, "level": base.level,
                     "year": year, "title": f"{place}{year}年政府工作报告（合成：{base_row['path']} 的第{k}次编辑）",
                     "source_url": ""})
    return rows, truth, written


def _bases(corpus_dir: Path) -> list[dict]:
    from compare.ingest import load_manifest

    rows = load_manifest(corpus_dir)
    if not rows:
        raise SystemExit(f"{corpus_dir}/manifest.csv: no manifest; give --corpus the shared corpus folder (../shared/corpus)")
    return sorted(rows.values(), key=lambda r: r["path"])


def make_corpus(out_dir: str | Path, *, places: int, years: int, seed: int = 0, corpus: str | Path = DEFAULT_CORPUS,
                per_kind: int = 2, workers: int | None = None) -> ScaleCorpus:
    """Write `places` x `years` synthetic reports, manifest.csv and truth.jsonl into out_dir (made if missing).

    Deterministic from `seed`: place i is the same whatever `places` is.
    """
    from compare.corpus import default_workers, process_pool

    started = time.perf_counter()
    out_dir, corpus = Path(out_dir), Path(corpus)
    out_dir.mkdir(parents=True, exist_ok=True)
    bases = _bases(corpus)
    jobs = [(str(out_dir), str(corpus), bases[random.Random(_place_seed(seed, i)).randrange(len(bases))], i, years,
             seed, per_kind) for i in range(places)]
    workers = default_workers() if workers is None else workers
    if workers > 1 and places > 2:
        with process_pool(workers) as pool:
            results = list(pool.map(_make_place, jobs, chunksize=max(1, places // (workers * 8))))
    else:
        results = [_make_place(job) for job in jobs]
    with open(out_dir / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=MANIFEST_COLUMNS)
        writer.writeheader()
        for rows, _, _ in results:
            writer.writerows(rows)
    edits = 0
    with open(out_dir / "truth.jsonl", "w", encoding="utf-8") as f:
        for _, truth, _ in results:
            for line in truth:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
                edits += 1
    (out_dir / READER_FILE).write_text(json.dumps({"reader": reader_version()}) + "\n", encoding="utf-8")
    return ScaleCorpus(out_dir, places * years, places, edits, sum(r[2] for r in results),
                       time.perf_counter() - started)


# The truth records how the engine read each edited row (its value, its clause): a corpus generated by
# an engine that read differently counts rows the engine now reads otherwise as missed edits.
READER_FILE = "reader.json"  # not .txt: a corpus folder's .txt files are reports
_READER_MODULES = ("ingest", "segment", "quantity", "extract")


def reader_version() -> str:
    """A hash of the modules and data files that read a report into rows."""
    from compare.store import source_digest

    return source_digest(_READER_MODULES)


def stale_reason(folder: str | Path) -> str | None:
    """Why a generated corpus's truth may not fit today's engine, or None when it does."""
    path = Path(folder) / READER_FILE
    if not path.is_file():
        return f"{folder}: made before generated corpora recorded their reader; regenerate it for exact accuracy figures"
    if json.loads(path.read_text(encoding="utf-8")).get("reader") != reader_version():
        return (f"{folder}: generated with another version of the reading engine, so edits of rows it now reads "
                f"otherwise count as missed; regenerate it (python -m compare.scale --out {folder} ...)")
    return None


def load_truth(folder: str | Path) -> dict[tuple[str, int, int], list]:
    """truth.jsonl as synth.Edit lists, keyed by (place_key, old_year, new_year)."""
    from compare.synth import Edit

    truth: dict[tuple[str, int, int], list] = {}
    with open(Path(folder) / "truth.jsonl", encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            edit = Edit(t["kind"], t["old_text"], t["new_text"], t["expected_status"], t["expected_flag"],
                        t["old_value"])
            truth.setdefault((t["place_key"], t["old_year"], t["new_year"]), []).append(edit)
    return truth


def link_subset(source: str | Path, out_dir: str | Path, places: int) -> Path:
    """A corpus of the first `places` places of a generated corpus, as hard links (no copy) with their
    own manifest.csv and truth.jsonl."""
    source, out_dir = Path(source), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = {f"p{i:05d}" for i in range(places)}
    with open(source / "manifest.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["path"].split("/")[0] in wanted]
    for row in rows:
        target = out_dir / row["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.link(source / row["path"], target)
    with open(out_dir / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=MANIFEST_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with open(source / "truth.jsonl", encoding="utf-8") as f, open(out_dir / "truth.jsonl", "w", encoding="utf-8") as g:
        g.writelines(line for line in f if json.loads(line)["old_path"].split("/")[0] in wanted)
    return out_dir


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m compare.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=int, default=100, help="synthetic places (default 100)")
    parser.add_argument("--years", type=int, default=10, help="years per place (default 10)")
    parser.add_argument("--out", required=True, help="folder to write (outside the repository, e.g. /tmp/scale)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-kind", type=int, default=2, help="edits of every kind per year (default 2)")
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="the real corpus the bases come from")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: every core)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    made = make_corpus(args.out, places=args.places, years=args.years, seed=args.seed, corpus=args.corpus,
                       per_kind=args.per_kind, workers=args.workers)
    print(f"{made.root}: {made.reports} reports of {made.places} places, {made.bytes / 1e6:.0f} MB, "
          f"{made.edits} recorded edits in truth.jsonl, {made.seconds:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
