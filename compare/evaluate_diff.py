"""Score the cross-year diff against ../shared/gold (pairs and outcomes).

Called by ``python -m compare.evaluate``; rules are ../shared/README.md's: a
pair matches when a diff entry whose old row contains ``anchor_from`` (value
``value_from``) has the gold status and a new row of value ``value_to``; for
dropped and new the other side is empty. An outcome matches when a diff entry
whose old row contains ``plan_anchor`` has an outcome with that status and
actual value. Some anchors recur in a restatement later in the report; the
first statement is the one that pairs.
"""

from __future__ import annotations

import re
from pathlib import Path

from compare.evaluate import GoldScores, norm, read_gold, value_equal

__all__ = ["score_pairs", "score_outcomes", "run"]


def _float(s: str) -> float | None:
    return float(s) if s.strip() else None


def _first_entry(diff: dict, anchor: str, value: float | None, side: str = "old") -> dict | None:
    """The diff entry whose `side` row (first statement) contains the anchor and has this value."""
    entries = [c for c in diff["changes"] if c[side] is not None and norm(anchor) in c[side]["text"]
               and value_equal(c[side]["value"], value)]
    return min(entries, key=lambda c: c[side]["start"]) if entries else None


def score_pairs(diffs: dict[tuple[int, int], dict], gold: list[dict]) -> GoldScores:
    s = GoldScores("national-pairs-dev")
    right = flagged = 0
    for g in gold:
        diff = diffs[(int(g["year_from"]), int(g["year_to"]))]
        if g["status"] == "new":  # no old row: the entry is the one whose new row holds anchor_to
            entry = _first_entry(diff, g["anchor_to"], _float(g["value_to"]), side="new")
        else:
            entry = _first_entry(diff, g["anchor_from"], _float(g["value_from"]))
        label = f"{g['year_from']}->{g['year_to']} {g['anchor_from'] or g['anchor_to']}"
        if entry is None:
            s.misses.append(f"{label}: no diff entry with that old row")
            continue
        if g["status"] == "dropped":
            new_ok = entry["new"] is None
        elif g["status"] == "new":
            new_ok = entry["old"] is None
        else:
            new_ok = entry["new"] is not None and value_equal(entry["new"]["value"], _float(g["value_to"]))
        if entry["status"] != g["status"] or not new_ok:
            got_new = entry["new"] and (entry["new"]["text"], entry["new"]["value"])
            s.misses.append(f"{label}: got {entry['status']} -> {got_new}, want {g['status']} -> {g['anchor_to']}")
            continue
        right += 1
        wanted = [f for f in re.split(r"[;,|\s]+", g["flags"] or "") if f]  # the gold may list several
        if all(entry.get(f) for f in wanted):
            flagged += 1
        else:
            s.misses.append(f"{label}: flags {wanted} not all set")
    s.figures["pairs right"] = f"{right}/{len(gold)}"
    s.figures["flags carried"] = f"{flagged}/{right}"
    s.figures["_right"] = right
    s.figures["_flagged"] = flagged
    return s


def score_outcomes(diffs: dict[tuple[int, int], dict], gold: list[dict]) -> GoldScores:
    s = GoldScores("national-outcomes-dev")
    right = 0
    for g in gold:
        diff = diffs[(int(g["plan_year"]), int(g["actual_year"]))]
        entries = [c for c in diff["changes"] if c["old"] is not None and norm(g["plan_anchor"]) in c["old"]["text"]]
        entry = min(entries, key=lambda c: c["old"]["start"]) if entries else None
        outcome = entry and entry["outcome"]
        label = f"{g['plan_year']} {g['plan_anchor']}"
        if outcome and outcome["status"] == g["status"] and value_equal(outcome["value"], _float(g["actual_value"])):
            right += 1
        else:
            got = outcome and (outcome["status"], outcome["value"], outcome["text"])
            s.misses.append(f"{label}: got {got}, want {g['status']} {g['actual_value']}")
    s.figures["outcomes right"] = f"{right}/{len(gold)}"
    s.figures["_right"] = right
    return s


def national_diffs(shared: Path, year_pairs) -> dict[tuple[int, int], dict]:
    from compare.diff import diff_tables
    from compare.evaluate import national_tables

    years = sorted({y for pair in year_pairs for y in pair})
    tables = national_tables(shared, years)
    return {(a, b): diff_tables(tables[a], tables[b]) for a, b in set(year_pairs)}


def run(shared: Path) -> list[GoldScores]:
    pairs = read_gold(shared / "gold" / "national-pairs-dev.csv")
    outcomes = read_gold(shared / "gold" / "national-outcomes-dev.csv")
    wanted = {(int(g["year_from"]), int(g["year_to"])) for g in pairs} | \
             {(int(g["plan_year"]), int(g["actual_year"])) for g in outcomes}
    diffs = national_diffs(shared, wanted)
    return [score_pairs(diffs, pairs), score_outcomes(diffs, outcomes)]
