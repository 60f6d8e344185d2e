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

import re
from dataclasses import dataclass

from typing import Any

import numpy as np

from compare.extract import canonical_keys, table_rows

__all__ = ["Pair", "match_targets", "assign", "mask_numbers", "MATCH_CUTOFF"]

MATCH_CUTOFF = 0.5

# Feature weights of the pairing score; they sum to 1.
_W_TEXT, _W_INDICATOR, _W_KEY, _W_SECTION = 0.40, 0.30, 0.25, 0.05
_BONUS_CANONICAL = 0.05      # the shared key is a known headline indicator (synonym table), not just equal wording
_PENALTY_ONE_NUMERIC = 0.12   # one side has a number, the other none
_PENALTY_DIRECTION = 0.25     # 增长 on one side, 下降 on the other

_BLOCK_ROWS = 256  # old rows per block of score_matrix (256 x 5,000 float32 is 5 MB)
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*|[〇零一二两三四五六七八九十百千万亿]+(?=[个条项宗%])")
_ORDINAL_RE = re.compile(r"[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{4}年?")


@dataclass(frozen=True)
class Pair:
    old: int | None    # row position in A's table, None for a new row
    new: int | None    # row position in B's table, None for a dropped row
    score: float
    reason: str


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


def _codes(old: list, new: list) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for the values of both sides (equal values, equal codes; None and "" are 0)."""
    vocabulary: dict = {"": 0}
    code = lambda v: vocabulary.setdefault(v or "", len(vocabulary))  # noqa: E731
    return np.array([code(v) for v in old], dtype=np.int32), np.array([code(v) for v in new], dtype=np.int32)


def score_matrix(old: Any, new: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The pairing score of every (old, new) row of two target tables (DataFrames or lists of
    row dicts), and the features behind it.

    Built in place in one float32 matrix (a 5,000 x 5,000 pair has 25 M cells,
    so every temporary counts); text, indicator and section similarity stay
    uint8 percent.
    """
    old, new = table_rows(old), table_rows(new)
    text = _similarity([mask_numbers(r["text"]) for r in old], [mask_numbers(r["text"]) for r in new])
    indicator = _similarity([r["indicator"] or "" for r in old], [r["indicator"] or "" for r in new])
    section = _similarity([_ORDINAL_RE.sub("", r["section"] or "") for r in old],
                          [_ORDINAL_RE.sub("", r["section"] or "") for r in new])
    old_key, new_key = _codes([r["indicator_key"] for r in old], [r["indicator_key"] for r in new])
    old_canonical = np.array([r["indicator_key"] in canonical_keys() for r in old], dtype=bool)
    old_num = np.array([r["value"] is not None for r in old], dtype=bool)
    new_num = np.array([r["value"] is not None for r in new], dtype=bool)
    old_unit, new_unit = _codes([r["unit"] for r in old], [r["unit"] for r in new])
    old_dir, new_dir = _codes([r["direction"] for r in old], [r["direction"] for r in new])

    shape = (len(old_key), len(new_key))
    score = np.empty(shape, dtype=np.float32)
    key, one_numeric, direction_clash = (np.empty(shape, dtype=bool) for _ in range(3))
    # Block by block of old rows: each temporary is a few MB that malloc reuses, where whole-matrix
    # temporaries (25 MB to 100 MB each at 5,000 x 5,000) are fresh pages every time; on the 2-core
    # VM that halved score_matrix's own time (bench match). Same operations, same float32 results.
    for lo in range(0, shape[0], _BLOCK_ROWS):
        rows = slice(lo, lo + _BLOCK_ROWS)
        k = np.equal(old_key[rows, None], new_key[None, :], out=key[rows])
        k &= (old_key[rows, None] != 0)
        np.not_equal(old_num[rows, None], new_num[None, :], out=one_numeric[rows])  # xor
        d = np.not_equal(old_dir[rows, None], new_dir[None, :], out=direction_clash[rows])
        d &= (old_dir[rows, None] != 0) & (new_dir[None, :] != 0)
        block = np.multiply(text[rows], np.float32(_W_TEXT / 100), out=score[rows], dtype=np.float32)
        scratch = np.empty_like(block)
        for weight, feature in ((_W_INDICATOR / 100, indicator[rows]), (_W_SECTION / 100, section[rows]),
                                (_W_KEY, k), (_BONUS_CANONICAL, k & old_canonical[rows, None]),
                                (-_PENALTY_ONE_NUMERIC, one_numeric[rows]), (-_PENALTY_DIRECTION, d)):
            np.multiply(feature, np.float32(weight), out=scratch, dtype=np.float32)
            block += scratch
        unit_clash = (old_num[rows, None] & new_num[None, :]) & (old_unit[rows, None] != new_unit[None, :])
        block[unit_clash] = -1.0
    features = {"text": text, "indicator": indicator, "key": key, "section": section,
                "one_numeric": one_numeric, "direction_clash": direction_clash}
    return score, features


def _reason(features: dict[str, np.ndarray], i: int, j: int) -> str:
    parts = [f"text {features['text'][i, j]}%", f"indicator {features['indicator'][i, j]}%"]
    if features["key"][i, j]:
        parts.append("same indicator key")
    if features["section"][i, j] >= 80:
        parts.append("same section")
    if features["one_numeric"][i, j]:
        parts.append("one side without a number")
    if features["direction_clash"][i, j]:
        parts.append("opposite directions")
    return ", ".join(parts)


def assign(score: np.ndarray, cutoff: float) -> list[tuple[int, int]]:
    """The one-to-one (row, column) pairs that maximise the total score, among pairs at or above the cutoff.

    Restricting to eligible pairs before the assignment matters: a weak pair
    must never take a row away from a strong one just to raise the total.
    Rows and columns without any eligible pair stay unpaired whatever happens,
    so the solver runs on the rest only.

    >>> assign(np.array([[0.6, 0.45], [0.49, 0.0]]), 0.5)  # not (0, 1) + (1, 0), both under the cutoff
    [(0, 0)]
    """
    import lap

    eligible = score >= cutoff
    rows_in = np.flatnonzero(eligible.any(axis=1))
    cols_in = np.flatnonzero(eligible.any(axis=0))
    if not len(rows_in) or not len(cols_in):
        return []
    sub = np.where(eligible[np.ix_(rows_in, cols_in)], score[np.ix_(rows_in, cols_in)], 0.0)
    _, assigned, _ = lap.lapjv(-sub.astype(np.float64), extend_cost=True)
    return [(int(rows_in[r]), int(cols_in[c])) for r, c in enumerate(assigned)
            if c >= 0 and eligible[rows_in[r], cols_in[c]]]


def match_targets(old: Any, new: Any, *, cutoff: float = MATCH_CUTOFF) -> list[Pair]:
    """One-to-one pairs of old and new rows (positions in each table), then the unpaired ones.

    The tables are polars DataFrames or lists of row dicts (``extract.extract_rows``).

    Pairs come in old-row order; dropped rows (new=None) and new rows
    (old=None) follow in their own order.
    """
    old, new = table_rows(old), table_rows(new)
    if not old or not new:
        return [Pair(i, None, 0.0, "") for i in range(len(old))] + [Pair(None, j, 0.0, "") for j in range(len(new))]
    score, features = score_matrix(old, new)
    pairs = [Pair(i, j, round(float(score[i, j]), 4), _reason(features, i, j)) for i, j in assign(score, cutoff)]
    paired_old = {p.old for p in pairs}
    paired_new = {p.new for p in pairs}
    pairs.sort(key=lambda p: p.old)
    pairs += [Pair(i, None, 0.0, "no partner above the cutoff") for i in range(len(old)) if i not in paired_old]
    pairs += [Pair(None, j, 0.0, "no partner above the cutoff") for j in range(len(new)) if j not in paired_new]
    return pairs
