"""Pair the commitments of two reports of one place, one-to-one.

Every row of report A (earlier) is scored against every row of report B
(later) on four features: the clause text with its numbers masked (so a
changed number does not hide a continued commitment), the indicator, the
canonical indicator key and the section. Rows whose units cannot be compared
never pair. The pairs are then chosen by one assignment over the whole score
matrix (the Jonker-Volgenant solver of the ``lap`` package) restricted to pairs at
or above the cutoff, so a strong pair is never lost to a weaker one that came
first, nor traded for two weak ones; rows left without a partner are dropped
or new.

>>> from compare.extract import targets_from_text
>>> a = targets_from_text("主要目标：国内生产总值增长5%左右；城镇新增就业1200万人以上。", year=2023)
>>> b = targets_from_text("主要目标：城镇新增就业1200万人左右；国内生产总值增长5%左右。", year=2024)
>>> [(p.old, p.new) for p in match_targets(a, b)]
[(0, 1), (1, 0)]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import itemgetter

from typing import Any, Sequence

import numpy as np

from compare.extract import canonical_keys, table_rows

__all__ = ["Pair", "match_targets", "pair_positions", "assign", "assign_pairs", "candidate_scores", "score_matrix", "mask_numbers",
           "MATCH_CUTOFF"]

MATCH_CUTOFF = 0.5

# Feature weights of the pairing score; they sum to 1.
_W_TEXT, _W_INDICATOR, _W_KEY, _W_SECTION = 0.40, 0.30, 0.25, 0.05
_BONUS_CANONICAL = 0.05      # the shared key is a known headline indicator (synonym table), not just equal wording
_PENALTY_ONE_NUMERIC = 0.12   # one side has a number, the other none
_PENALTY_DIRECTION = 0.25     # 增长 on one side, 下降 on the other
# A target for the year on one side, one due years later on the other (生产总值增长8%以上 against the five-year
# plan's 年均增长8%以上): another promise, however alike the words; only near-identical clauses still pair.
# (到2025年建成… in 2024 and 建成… due 2025 in 2025 are one promise: the same due year is no clash.)
_PENALTY_HORIZON = 0.5
# A change on one side only (赤字规模5.66万亿元、比上年增加1.6万亿元: the increase beside the level): small,
# so it decides between rows of one clause, which tie on every other feature, and little else.
_PENALTY_CHANGE_ONE_SIDE = 0.02
# Close numbers on both sides (1 - relative difference; the same number gets it all): a symmetric
# tie-breaker for rows of one clause that match on everything else (新建学校4所、5所、6所 diffed with
# itself pairs 4 with 4, not 4 with 5; A->B and B->A choose alike).
_BONUS_SAME_VALUE = 0.005

_BLOCK_ROWS = 256  # old rows per block of score_matrix (256 x 5,000 float32 is 5 MB)
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*|[〇零一二两三四五六七八九十百千万亿]+(?=[个条项宗%])")
_ORDINAL_RE = re.compile(r"[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{4}年?")


@dataclass(frozen=True)
class Pair:
    old: int | None    # row position in A's table, None for a new row
    new: int | None    # row position in B's table, None for a dropped row
    score: float
    reason: str


# Cached: a report's clauses are masked when it is matched as the old side, again as the new side of
# the next year's diff, and once more when diff.py compares their wording.
@lru_cache(maxsize=1 << 13)  # two reports' clauses: the next diff shares one report with this one
def mask_numbers(text: str | None) -> str:
    """The clause with each number replaced by '#'.

    >>> mask_numbers("城镇新增就业1,200万人以上")
    '城镇新增就业#万人以上'
    """
    return _NUMBER_RE.sub("#", text or "")


def _similarity(a: list[str], b: list[str]) -> np.ndarray:
    """Pairwise normalised Levenshtein similarity, as percent (uint8 0..100).

    Computed on the distinct strings of each side and spread back, so a column
    with few distinct values (sections) costs little.
    """
    from rapidfuzz import fuzz, process

    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.uint8)
    ua, ia = np.unique(np.array(a, dtype=object), return_inverse=True)
    ub, ib = np.unique(np.array(b, dtype=object), return_inverse=True)
    # Threads pay off only on large matrices; a report-sized one is done before they start
    # (and a rebuild already runs one diff per core).
    workers = -1 if len(ua) * len(ub) > 1_000_000 else 1
    distinct = process.cdist(list(ua), list(ub), scorer=fuzz.ratio, workers=workers, dtype=np.uint8)
    # Two takes, not distinct[np.ix_(ia, ib)]: on 5,000 x 5,000 rows 0.1 s instead of 0.6 s (bench match).
    return distinct.take(ia.ravel(), axis=0).take(ib.ravel(), axis=1)


def _codes(old: Sequence, new: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for the values of both sides (equal values, equal codes; None and "" are 0)."""
    vocabulary = {v: code for code, v in enumerate(dict.fromkeys(chain(old, new)), start=1)}
    vocabulary[None] = vocabulary[""] = 0
    return (np.fromiter(map(vocabulary.__getitem__, old), dtype=np.int32, count=len(old)),
            np.fromiter(map(vocabulary.__getitem__, new), dtype=np.int32, count=len(new)))


def _value_closeness(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 - |a - b| / max(|a|, |b|) per pair (float32): 1 for the same number, 0 when either side has
    none (NaN) or the numbers differ in sign.

    >>> _value_closeness(np.array([4.0, 4.0, np.nan]), np.array([4.0, 5.0, 4.0]))
    array([1. , 0.8, 0. ], dtype=float32)
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        largest = np.maximum(np.abs(a), np.abs(b))
        closeness = np.where(largest > 0, 1.0 - np.abs(a - b) / np.where(largest > 0, largest, 1.0), 1.0)
    return np.where(np.isnan(a) | np.isnan(b), 0.0, np.clip(closeness, 0.0, 1.0)).astype(np.float32)


def _pair_features(a: "_Columns", b: "_Columns", i: Any, j: Any) -> tuple[np.ndarray, ...]:
    """The features of row pairs that need no string comparison, for rows ``a[i]`` and ``b[j]``: index
    arrays (candidate pairs) or indexes that broadcast (a block of the all-pairs matrix), so both
    paths compute them alike. Returns key, one_numeric, direction_clash, change_one_side, same_value,
    unit_clash, horizon_clash."""
    a_dir, b_dir = a.direction[i], b.direction[j]
    a_num, b_num = a.numeric[i], b.numeric[j]
    return ((a.key[i] == b.key[j]) & (a.key[i] != 0),
            a_num != b_num,
            (a_dir != b_dir) & (a_dir != 0) & (b_dir != 0),
            (a_dir == 0) != (b_dir == 0),
            _value_closeness(a.value[i], b.value[j]),
            a_num & b_num & (a.unit[i] != b.unit[j]),
            (a.horizon[i] != b.horizon[j]) & (a.deadline[i] != b.deadline[j]))


def _combine(text, indicator, section, key, canonical, one_numeric, direction_clash, change_one_side, same_value,
             unit_clash, horizon_clash, out):
    """The pairing score from its features, into `out` (float32), element by element.

    Shared by the all-pairs matrix and the candidate pairs, so both add the same float32
    terms in the same order and agree to the last bit.
    """
    score = np.multiply(text, np.float32(_W_TEXT / 100), out=out, dtype=np.float32)
    scratch = np.empty_like(score)
    for weight, feature in ((_W_INDICATOR / 100, indicator), (_W_SECTION / 100, section), (_W_KEY, key),
                            (_BONUS_CANONICAL, key & canonical), (-_PENALTY_ONE_NUMERIC, one_numeric),
                            (-_PENALTY_DIRECTION, direction_clash), (-_PENALTY_CHANGE_ONE_SIDE, change_one_side),
                            (_BONUS_SAME_VALUE, same_value), (-_PENALTY_HORIZON, horizon_clash)):
        np.multiply(feature, np.float32(weight), out=scratch, dtype=np.float32)
        score += scratch
    score[unit_clash] = -1.0
    return score


@dataclass(frozen=True)
class _Columns:
    """What the score reads of each row of one side, as arrays and lists (built once per side)."""

    text: list[str]          # clause with numbers masked
    indicator: list[str]
    section: list[str]       # without ordinals
    key: np.ndarray          # int32 codes shared with the other side (0: no key)
    canonical: np.ndarray    # the key is a known headline indicator
    numeric: np.ndarray
    value: np.ndarray        # float64, NaN for a row without a number
    unit: np.ndarray         # int32 codes shared with the other side
    direction: np.ndarray    # int32 codes shared with the other side (0: none)
    horizon: np.ndarray      # due after its report's year (a multi-year target)
    deadline: np.ndarray     # int64 due year, 0 for none


@lru_cache(maxsize=4096)
def _section_name(section: str | None) -> str:
    """A section heading without its ordinal and year (一、2024年工作安排 -> 工作安排): rows of one section share it."""
    return _ORDINAL_RE.sub("", section or "")


_READ = itemgetter("text", "indicator", "indicator_key", "section", "value", "unit", "direction")


def _columns(old: list[dict], new: list[dict]) -> tuple[_Columns, _Columns]:
    # Column by column with map (C loops), not a comprehension per field: ~2x faster on report-sized tables.
    (a_text, a_indicator, a_key, a_section, a_value, a_unit, a_dir), (b_text, b_indicator, b_key, b_section, b_value,
                                                                       b_unit, b_dir) = (
        tuple(zip(*map(_READ, rows))) if rows else ((),) * 7 for rows in (old, new))
    keys, units, directions = _codes(a_key, b_key), _codes(a_unit, b_unit), _codes(a_dir, b_dir)
    known = canonical_keys()
    sides = []
    for side, (text, indicator, key, section, value) in enumerate(((a_text, a_indicator, a_key, a_section, a_value),
                                                                   (b_text, b_indicator, b_key, b_section, b_value))):
        rows = (old, new)[side]
        # Due years, 0 for none; a row due after its report's year is a multi-year target (到2030年…).
        deadline = np.fromiter((r.get("deadline") or 0 for r in rows), dtype=np.int64, count=len(rows))
        year = np.fromiter((r.get("year") or 0 for r in rows), dtype=np.int64, count=len(rows))
        sides.append(_Columns(
            text=list(map(mask_numbers, text)), indicator=[x or "" for x in indicator],
            section=list(map(_section_name, section)), key=keys[side],
            canonical=np.fromiter(map(known.__contains__, key), dtype=bool, count=len(key)),
            numeric=np.fromiter((v is not None for v in value), dtype=bool, count=len(value)),
            value=np.fromiter((np.nan if v is None else v for v in value), dtype=np.float64, count=len(value)),
            unit=units[side], direction=directions[side], horizon=(deadline > year) & (year != 0), deadline=deadline))
    return sides[0], sides[1]


def score_matrix(old: Any, new: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The pairing score of every (old, new) row of two target tables (DataFrames or lists of
    row dicts), and the features behind it.

    The all-pairs reference: ``match_targets`` scores only the pairs that can
    reach the cutoff (``candidate_scores``), and the tests check the two agree.
    Built in place in one float32 matrix (a 5,000 x 5,000 pair has 25 M cells,
    so every temporary counts); text, indicator and section similarity stay
    uint8 percent.
    """
    a, b = _columns(table_rows(old), table_rows(new))
    text = _similarity(a.text, b.text)
    indicator = _similarity(a.indicator, b.indicator)
    section = _similarity(a.section, b.section)
    shape = (len(a.key), len(b.key))
    score = np.empty(shape, dtype=np.float32)
    key, one_numeric, direction_clash = (np.empty(shape, dtype=bool) for _ in range(3))
    # Block by block of old rows: each temporary is a few MB that malloc reuses, where whole-matrix
    # temporaries (25 MB to 100 MB each at 5,000 x 5,000) are fresh pages every time; on the 2-core
    # VM that halved score_matrix's own time (bench match). Same operations, same float32 results.
    for lo in range(0, shape[0], _BLOCK_ROWS):
        rows = slice(lo, lo + _BLOCK_ROWS)
        k, o, d, c, v, unit_clash, h = _pair_features(a, b, (rows, None), (None, slice(None)))
        key[rows], one_numeric[rows], direction_clash[rows] = k, o, d
        _combine(text[rows], indicator[rows], section[rows], k, a.canonical[rows, None], o, d, c, v,
                 unit_clash, h, out=score[rows])
    features = {"text": text, "indicator": indicator, "key": key, "section": section,
                "one_numeric": one_numeric, "direction_clash": direction_clash}
    return score, features


# Below this text similarity (uint8 percent) a pair without a shared key cannot reach MATCH_CUTOFF,
# even with a perfect indicator and section and the same value: with today's weights
# 0.40 x 35% + 0.30 + 0.05 + 0.005 = 0.495, so the bar is 36. A shared key (+0.25, +0.05 if canonical)
# lowers the bar by 75 points; one side without a number raises it by 30, opposite directions by 62.
# Derived from the weights, so changing one moves the bars too; each is rounded the way that keeps more
# pairs (a bar 0.005 of score or more below the cutoff: far above float32 error).
_TEXT_POINT = _W_TEXT / 100  # score per point of text similarity
_TEXT_BAR = math.floor((MATCH_CUTOFF - _W_INDICATOR - _W_SECTION - _BONUS_SAME_VALUE) / _TEXT_POINT)
_TEXT_BAR_KEY = math.ceil((_W_KEY + _BONUS_CANONICAL) / _TEXT_POINT - 1e-9)
_TEXT_BAR_ONE_NUMERIC = math.floor(_PENALTY_ONE_NUMERIC / _TEXT_POINT + 1e-9)
_TEXT_BAR_DIRECTION = math.floor(_PENALTY_DIRECTION / _TEXT_POINT + 1e-9)
_EXACT_CODES = 192  # characters coded one to one when the text is brought to one byte; the rest share 64 codes


def _one_byte_texts(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    """Both sides' strings rewritten over at most 256 code points, the most frequent characters one to one.

    Why: rapidfuzz scores one-byte strings 5-10x faster than CJK ones. Characters
    that share a code can only add matches, so the similarity of the rewritten
    strings is never below the true one: a bound that keeps every pair that can
    pass and drops most of those that cannot.

    >>> (a,), (b,) = _one_byte_texts(["增长#%"], ["下降#%"])
    >>> a[2:] == b[2:], a[:2] != b[:2], max(map(ord, a + b)) < 256
    (True, True, True)
    """
    strings = a + b
    # All in numpy, not a Counter and str.translate per string (3.2 ms -> 0.36 ms for 470 clauses).
    codes = np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32)
    counts = np.bincount(codes)
    chars = np.flatnonzero(counts)
    ranked = chars[np.argsort(-counts[chars], kind="stable")]  # most frequent first, ties by code point
    rank = np.arange(len(ranked))
    one_byte = np.zeros(len(counts), dtype=np.uint8)
    one_byte[ranked] = np.where(rank < _EXACT_CODES, rank, _EXACT_CODES + rank % (256 - _EXACT_CODES))
    text = one_byte[codes].tobytes().decode("latin-1")
    ends = np.cumsum([len(x) for x in strings]).tolist()
    rewritten = [text[start:end] for start, end in zip([0] + ends, ends)]
    return rewritten[:len(a)], rewritten[len(a):]


def _distinct(values: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct values in order of first appearance, and each value's position among them.

    >>> _distinct(["b", "a", "b"])
    (['b', 'a'], array([0, 1, 0]))
    """
    position = {v: i for i, v in enumerate(dict.fromkeys(values))}
    return list(position), np.fromiter(map(position.__getitem__, values), dtype=np.intp, count=len(values))


def _pairs_sharing_key(old_key: np.ndarray, new_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (old, new) row pair with the same non-zero key code, old-major."""
    order = np.argsort(new_key, kind="stable")
    ordered = new_key[order]
    lo = np.searchsorted(ordered, old_key, side="left")
    counts = np.searchsorted(ordered, old_key, side="right") - lo
    counts[old_key == 0] = 0
    rows = np.repeat(np.arange(len(old_key)), counts)
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
    return rows, order[np.arange(len(rows)) + starts]


def candidate_scores(old: Any, new: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The pairs of two target tables that can reach MATCH_CUTOFF, with their score and features.

    Returns (old rows, new rows, scores, features), one entry per candidate pair
    in row-major order. Each score is bit for bit the one ``score_matrix`` gives
    that pair; every pair left out scores under the cutoff there. A pair needs a
    shared key or a text similarity over a bar (``_TEXT_BAR``), and the bar is
    checked first on the cheap one-byte bound of the text similarity; only the
    few pairs that pass it get their exact text, indicator and section similarity.
    """
    from rapidfuzz import fuzz, process

    a, b = _columns(table_rows(old), table_rows(new))
    n, m = len(a.key), len(b.key)
    if not n or not m:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0, dtype=np.float32), {}
    (ua, ia), (ub, ib) = _distinct(a.text), _distinct(b.text)
    byte_a, byte_b = _one_byte_texts(ua, ub)
    # Under the cutoff rapidfuzz stops early and writes 0: a bound of 0 then means "under _TEXT_BAR - 1".
    bound = process.cdist(byte_a, byte_b, scorer=fuzz.ratio, workers=1, dtype=np.uint8,
                          score_cutoff=_TEXT_BAR - 1, score_hint=20)
    candidate = bound.take(ia, axis=0).take(ib, axis=1) >= _TEXT_BAR
    candidate[_pairs_sharing_key(a.key, b.key)] = True
    flat = np.flatnonzero(candidate)
    rows, cols = flat // m, flat % m
    key, one_numeric, direction_clash, change_one_side, same_value, unit_clash, horizon_clash = \
        _pair_features(a, b, rows, cols)
    bar = (_TEXT_BAR - _TEXT_BAR_KEY * key + _TEXT_BAR_ONE_NUMERIC * one_numeric
           + _TEXT_BAR_DIRECTION * direction_clash)
    # A bar under _TEXT_BAR (a shared key) cannot be checked on a bound cut to 0 below it: kept as is.
    keep = ((bound[ia[rows], ib[cols]] >= bar) | (bar < _TEXT_BAR)) & ~unit_clash
    rows, cols, key, one_numeric, direction_clash, change_one_side, same_value, horizon_clash = (
        x[keep] for x in (rows, cols, key, one_numeric, direction_clash, change_one_side, same_value, horizon_clash))
    similarity = lambda x, y: process.cpdist(x, y, scorer=fuzz.ratio, workers=1, dtype=np.uint8)  # noqa: E731
    text = similarity([ua[i] for i in ia[rows].tolist()], [ub[j] for j in ib[cols].tolist()])
    indicator = similarity([a.indicator[i] for i in rows.tolist()], [b.indicator[j] for j in cols.tolist()])
    # A report has a few dozen sections: score them all once and look the pairs up, unless there are
    # more section pairs than candidates (rows drawn from many reports).
    (sa, ia_section), (sb, ib_section) = _distinct(a.section), _distinct(b.section)
    if len(sa) * len(sb) <= len(rows):
        section = process.cdist(sa, sb, scorer=fuzz.ratio, workers=1, dtype=np.uint8)[ia_section[rows],
                                                                                        ib_section[cols]]
    else:
        section = similarity([a.section[i] for i in rows.tolist()], [b.section[j] for j in cols.tolist()])
    score = _combine(text, indicator, section, key, a.canonical[rows], one_numeric, direction_clash, change_one_side,
                     same_value, np.zeros(len(rows), dtype=bool), horizon_clash,
                     out=np.empty(len(rows), dtype=np.float32))
    features = {"text": text, "indicator": indicator, "key": key, "section": section,
                "one_numeric": one_numeric, "direction_clash": direction_clash}
    return rows, cols, score, features


def _reasons(features: dict[str, np.ndarray], at: Any) -> list[str]:
    """Why each pair was made: its features at `at`, candidate positions or (rows, columns) of score_matrix."""
    columns = [features[name][at].tolist() for name in ("text", "indicator", "key", "section", "one_numeric",
                                                          "direction_clash")]
    reasons = []
    for text, indicator, key, section, one_numeric, direction_clash in zip(*columns):
        parts = [f"text {text}%", f"indicator {indicator}%"]
        if key:
            parts.append("same indicator key")
        if section >= 80:
            parts.append("same section")
        if one_numeric:
            parts.append("one side without a number")
        if direction_clash:
            parts.append("opposite directions")
        reasons.append(", ".join(parts))
    return reasons


def assign(score: np.ndarray, cutoff: float) -> list[tuple[int, int]]:
    """The one-to-one (row, column) pairs that maximise the total score, among pairs at or above the cutoff.

    Restricting to eligible pairs before the assignment matters: a weak pair
    must never take a row away from a strong one just to raise the total.
    Rows and columns without any eligible pair stay unpaired whatever happens,
    so the solver runs on the rest only.

    >>> assign(np.array([[0.6, 0.45], [0.49, 0.0]]), 0.5)  # not (0, 1) + (1, 0), both under the cutoff
    [(0, 0)]
    """
    rows, cols = np.nonzero(score >= cutoff)
    return assign_pairs(rows, cols, score[rows, cols])


def assign_pairs(rows: np.ndarray, cols: np.ndarray, scores: np.ndarray) -> list[tuple[int, int]]:
    """``assign`` given the eligible pairs alone, as (row, column, score) arrays in any order.

    The solver sees the matrix ``assign`` gives it, so it makes the same choices.
    """
    import lap

    if not len(rows):
        return []
    rows_in, row_at = np.unique(rows, return_inverse=True)
    cols_in, col_at = np.unique(cols, return_inverse=True)
    # The solver's matrix as assign once built it, -np.where(eligible, score, 0.0).astype(np.float64),
    # to the bit (-0.0 where not eligible), but written straight into one float64 array.
    cost = np.full((len(rows_in), len(cols_in)), -0.0)
    cost[row_at, col_at] = -np.asarray(scores).astype(np.float64)
    eligible = np.zeros(cost.shape, dtype=bool)
    eligible[row_at, col_at] = True
    _, assigned, _ = lap.lapjv(cost, extend_cost=True)
    r = np.flatnonzero(assigned >= 0)
    r = r[eligible[r, assigned[r]]]
    return list(zip(rows_in[r].tolist(), cols_in[assigned[r]].tolist()))


def match_targets(old: Any, new: Any, *, cutoff: float = MATCH_CUTOFF) -> list[Pair]:
    """One-to-one pairs of old and new rows (positions in each table), then the unpaired ones.

    The tables are polars DataFrames or lists of row dicts (``extract.extract_rows``).

    Pairs come in old-row order; dropped rows (new=None) and new rows
    (old=None) follow in their own order.
    """
    return [Pair(*p) for p in pair_positions(old, new, cutoff=cutoff)]


def pair_positions(old: Any, new: Any, *, cutoff: float = MATCH_CUTOFF) -> list[tuple[int | None, int | None, float, str]]:
    """``match_targets`` as (old, new, score, reason) tuples: what a diff reads, without building a Pair
    for each of a report's hundreds of rows."""
    old, new = table_rows(old), table_rows(new)
    if not old or not new:
        return [(i, None, 0.0, "") for i in range(len(old))] + [(None, j, 0.0, "") for j in range(len(new))]
    if cutoff < MATCH_CUTOFF:  # candidate_scores leaves out only pairs under MATCH_CUTOFF
        matrix, features = score_matrix(old, new)
        chosen = assign(matrix, cutoff)
        at = tuple(np.array([ij[side] for ij in chosen], dtype=np.intp) for side in (0, 1))
        scores = matrix[at].tolist()
    else:
        rows, cols, score, features = candidate_scores(old, new)
        eligible = np.flatnonzero(score >= cutoff)
        chosen = assign_pairs(rows[eligible], cols[eligible], score[eligible])
        # Candidates come row-major, so a (row, column) finds its position by one sorted search.
        at = np.searchsorted(rows * len(new) + cols, [i * len(new) + j for i, j in chosen])
        scores = score[at].tolist()
    pairs = [(i, j, round(s, 4), reason) for (i, j), s, reason in zip(chosen, scores, _reasons(features, at))]
    paired_old = {p[0] for p in pairs}
    paired_new = {p[1] for p in pairs}
    pairs.sort(key=lambda p: p[0])
    pairs += [(i, None, 0.0, "no partner above the cutoff") for i in range(len(old)) if i not in paired_old]
    pairs += [(None, j, 0.0, "no partner above the cutoff") for j in range(len(new)) if j not in paired_new]
    return pairs
