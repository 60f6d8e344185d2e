"""Score the engine against the hand-checked answers in ../shared/gold.

Run ``uv run python -m compare.evaluate [--shared ../shared]``. It prints, per
gold file, what was found exactly and what went wrong; tests assert floors on
the same figures (tests/test_gold.py), so a regression fails CI.

Matching rules are ../shared/README.md's: a row matches a gold line when its
``text``, after NFKC and whitespace removal, contains the anchor and its value,
value_high, unit and comparator are equal (values within 1e-9 relative).
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

__all__ = ["norm", "value_equal", "score_haizhu", "score_national_targets", "GoldScores", "main"]

DEFAULT_SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def norm(text: str | None) -> str:
    """NFKC and no whitespace: the form anchors are compared in."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def value_equal(a, b) -> bool:
    """Equal within 1e-9 relative; two nulls are equal.

    >>> value_equal(5e9, 5000000000.0), value_equal(None, None), value_equal(1.0, None)
    (True, True, False)
    """
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=0.0)


def _gold_float(s: str) -> float | None:
    return float(s) if s.strip() else None


def _gold_str(s: str) -> str | None:
    return s if s.strip() else None


def read_gold(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _row_matches(row: dict, gold: dict) -> bool:
    return (norm(gold["anchor"]) in row["text"]
            and value_equal(row["value"], _gold_float(gold["value"]))
            and value_equal(row["value_high"], _gold_float(gold["value_high"]))
            and (row["unit"] or None) == _gold_str(gold["unit"])
            and (row["comparator"] or None) == _gold_str(gold["comparator"]))


@dataclass
class GoldScores:
    name: str
    figures: dict = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def show(self) -> str:
        lines = [f"== {self.name}"]
        lines += [f"  {k}: {v}" for k, v in self.figures.items()]
        lines += [f"  MISS {m}" for m in self.misses]
        return "\n".join(lines)


def score_haizhu(table: pl.DataFrame, gold: list[dict]) -> GoldScores:
    """Targets exact, precision over numeric rows, negatives, clutter, qualitative rows."""
    rows = table.to_dicts()
    numeric = [r for r in rows if r["value"] is not None]
    s = GoldScores("haizhu-2022-targets")
    by_kind: dict[str, list[dict]] = {}
    for g in gold:
        by_kind.setdefault(g["kind"], []).append(g)

    found = 0
    for g in by_kind.get("target", []):
        hits = [r for r in rows if _row_matches(r, g)]
        ok = [r for r in hits if r["part"] == "plan" and (r["modality"] or None) == _gold_str(g["modality"])]
        if ok:
            found += 1
        else:
            near = [r for r in numeric if norm(g["anchor"]) in r["text"]]
            got = [(r["value"], r["unit"], r["comparator"], r["part"], r["modality"]) for r in near]
            s.misses.append(f"target {g['anchor']}: got {got}")
    s.figures["targets exact"] = f"{found}/{len(by_kind.get('target', []))}"

    # A numeric row is right when it matches a target line, or carries an optional line's value.
    def is_right(r: dict) -> bool:
        for g in by_kind.get("target", []):
            if _row_matches(r, g):
                return True
        for g in by_kind.get("optional", []):
            if norm(g["anchor"]) in r["text"] and value_equal(r["value"], _gold_float(g["value"])):
                return True
        return False

    wrong = [r for r in numeric if not is_right(r)]
    precision = (len(numeric) - len(wrong)) / len(numeric) if numeric else 0.0
    s.figures["precision"] = f"{precision:.3f} ({len(numeric) - len(wrong)}/{len(numeric)} numeric rows)"
    s.misses += [f"noise row: {r['text']} -> {r['value']} {r['unit']}" for r in wrong]

    violated = []
    for g in by_kind.get("negative", []):
        if any(norm(g["anchor"]) in r["text"] and value_equal(r["value"], _gold_float(g["value"])) for r in numeric):
            violated.append(g["anchor"])
    s.figures["negatives violated"] = f"{len(violated)}/{len(by_kind.get('negative', []))}"
    s.misses += [f"negative read as a value: {a}" for a in violated]

    clutter = [g["anchor"] for g in by_kind.get("not_a_row", [])
               if any(norm(g["anchor"]) in (r["text"] + r["sentence"]) for r in rows)]
    s.figures["clutter rows"] = f"{len(clutter)}/{len(by_kind.get('not_a_row', []))}"
    s.misses += [f"clutter in a row: {a}" for a in clutter]

    qual_found = 0
    for g in by_kind.get("qualitative", []):
        if any(norm(g["anchor"]) in r["text"] for r in rows):
            qual_found += 1
        else:
            s.misses.append(f"qualitative not a row: {g['anchor']}")
    s.figures["qualitative found"] = f"{qual_found}/{len(by_kind.get('qualitative', []))}"
    s.figures["_precision"] = precision
    s.figures["_targets"] = found
    s.figures["_negatives_violated"] = len(violated)
    s.figures["_clutter"] = len(clutter)
    s.figures["_qualitative"] = qual_found
    return s


def score_national_targets(tables: dict[int, pl.DataFrame], gold: list[dict]) -> GoldScores:
    """Exact national targets, and whether each found row's indicator names the measured thing."""
    s = GoldScores("national-targets-dev")
    exact = named = 0
    for g in gold:
        table = tables.get(int(g["year"]))
        rows = table.to_dicts() if table is not None else []
        hits = [r for r in rows if r["part"] == "plan" and _row_matches(r, g)]
        if not hits:
            near = [(r["value"], r["unit"], r["comparator"], r["part"]) for r in rows if norm(g["anchor"]) in r["text"]]
            s.misses.append(f"{g['year']} {g['anchor']}: got {near}")
            continue
        exact += 1
        if any(g["indicator_hint"] in (r["indicator"] or "") for r in hits):
            named += 1
        else:
            s.misses.append(f"{g['year']} {g['anchor']}: indicator {hits[0]['indicator']!r} lacks {g['indicator_hint']}")
    s.figures["targets exact"] = f"{exact}/{len(gold)}"
    s.figures["indicator names the thing"] = f"{named}/{exact}"
    s.figures["_exact"] = exact
    s.figures["_named"] = named
    return s


def national_tables(shared: Path, years) -> dict[int, pl.DataFrame]:
    from compare.extract import extract_targets
    from compare.ingest import read_report, load_manifest

    corpus = shared / "corpus"
    manifest = load_manifest(corpus)
    return {y: extract_targets(read_report(corpus / "national" / f"{y}.txt", manifest)) for y in sorted(set(years))}


def haizhu_table(shared: Path) -> pl.DataFrame:
    from compare.extract import extract_targets
    from compare.ingest import read_report, load_manifest

    corpus = shared / "corpus"
    return extract_targets(read_report(corpus / "guangzhou-haizhu" / "2022.txt", load_manifest(corpus)))


def run(shared: Path) -> list[GoldScores]:
    gold_dir = shared / "gold"
    scores = [score_haizhu(haizhu_table(shared), read_gold(gold_dir / "haizhu-2022-targets.csv"))]
    gold = read_gold(gold_dir / "national-targets-dev.csv")
    scores.append(score_national_targets(national_tables(shared, [int(g["year"]) for g in gold]), gold))
    extra = Path(__file__).with_name("evaluate_diff.py")
    if extra.exists():  # the cross-year scores, once the diff step exists
        from compare import evaluate_diff
        scores += evaluate_diff.run(shared)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder with corpus/ and gold/")
    args = parser.parse_args(argv)
    if not (args.shared / "gold").is_dir():
        print(f"{args.shared}: no gold/ folder here; pass --shared PATH to the shared data", file=sys.stderr)
        return 2
    for s in run(args.shared):
        s.figures = {k: v for k, v in s.figures.items() if not k.startswith("_")}
        print(s.show())
    return 0


if __name__ == "__main__":
    sys.exit(main())
