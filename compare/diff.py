"""Label how commitments changed between two reports, and check promises against outcomes.

``diff_tables`` pairs the plan rows of report A with those of report B
(``match.pair_positions``), labels each pair or unpaired row (continued, raised,
lowered, dropped, new, with flags), and for every plan row of A looks in B's
review part for the figure that reports on it (met, above, below,
not_reported). The result has DESIGN.md's JSON shape.

>>> from compare.extract import targets_from_text
>>> a = targets_from_text("主要目标：国内生产总值增长5%左右；城镇新增就业1200万人左右。", year=2023)
>>> b = targets_from_text("过去一年，国内生产总值增长5.2%。主要目标：国内生产总值增长5%左右；城镇新增就业1200万人以上。", year=2024)
>>> d = diff_tables(a, b)
>>> [(c["status"], c["comparator_changed"], c["outcome"] and c["outcome"]["status"]) for c in d["changes"]]
[('continued', False, 'met'), ('continued', True, 'not_reported')]
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

import numpy as np

from compare.extract import canonical_keys, table_rows
from compare.match import mask_numbers, pair_positions

__all__ = ["STATUSES", "FLAGS", "diff_tables", "diff_reports", "classify_pair", "outcome_for", "report_meta",
           "DEFAULT_TOLERANCE", "STATUS_LABELS", "FLAG_LABELS", "OUTCOME_LABELS"]

STATUSES = ("continued", "raised", "lowered", "dropped", "new")
FLAGS = ("comparator_changed", "modality_changed", "reworded", "value_added", "value_removed")
DEFAULT_TOLERANCE = 0.10

# (Chinese, English) label of every status, flag and outcome, as tables and pages show them.
STATUS_LABELS = {"continued": ("延续", "continued"), "raised": ("上调", "raised"), "lowered": ("下调", "lowered"),
                 "dropped": ("删除", "dropped"), "new": ("新增", "new")}
FLAG_LABELS = {"comparator_changed": ("比较词变化", "comparator changed"),
               "modality_changed": ("力度词变化", "modality changed"), "reworded": ("措辞变化", "reworded"),
               "value_added": ("新增数值", "value added"), "value_removed": ("删除数值", "value removed")}
OUTCOME_LABELS = {"met": ("达成", "met"), "above": ("超出", "above"), "below": ("未达", "below"),
                  "not_reported": ("未报告", "not reported")}

_HEADLINE_RE = re.compile(r"预期目标|主要目标|发展目标|目标是")
_FIGURE_RE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|万|亿|个百分点)")
_AVERAGE_RE = re.compile(r"年均|平均每年|累计")
# A review clause that restates a target, not a result: 提出居民消费价格涨幅3%左右 (the new year's plan),
# 全国没有实现年初确定的单位国内生产总值能耗降低4%左右 (the missed target itself).
_RESTATED_TARGET_RE = re.compile(r"提出|预期目标|目标是|目标为|年初确定|没有实现|未能实现|未实现|未完成")
_INCREMENT_WORDS = "新增|新认定|新引进|新落户|净增"
_INCREMENT_RE = re.compile(_INCREMENT_WORDS)
_INCREMENT_OPENING = re.compile(f"(?:力争|确保|争取|努力|今年|全年|明年|全市|全区|全县|全省|全国|再)*(?:{_INCREMENT_WORDS})")
# A figure that states a total (高标准粮田达到567万亩) does not report on a plan to add some (新建111.5万亩).
_ADDS_RE = re.compile(f"{_INCREMENT_WORDS}|新建|新开工")
_LEVEL_RE = re.compile(r"达到|总量|总数|总规模|保有量")
# An amount stated as the change itself (比上年增加1.1万亿元) is not a level (支出29.7万亿元), nor the reverse.
_CHANGE_WORD = re.compile(r"(?:增加|新增|净增|减少|增长|提高|下降|降低)(?![到至])")
_RATE_UNITS = frozenset(("%", "个百分点", "‰", "倍"))
# A share of something (占地区生产总值比重) is not the thing: 80% alike as words, but another measure.
_SHARE_RE = re.compile(r"占|比重|比例|占比")
_FIVE_YEAR_RE = re.compile(r"五年|十[一二三四五]五")
_BASE_YEAR_RE = re.compile(r"比((?:19|20)\d\d)年")
_HANZI_RE = re.compile(r"[\u4e00-\u9fff]")

def _states_change(row: dict) -> bool:
    """Whether the row's amount (not a rate) is a change: the clause says 增加, 减少… before it (not
    增加到, a level).

    >>> _states_change({"unit": "元", "raw": "1.1万亿元", "text": "比上年增加1.1万亿元"}), _states_change(
    ...     {"unit": "人", "raw": "1000万人", "text": "再减少农村贫困人口1000万人"})
    (True, True)
    >>> _states_change({"unit": "吨", "raw": "3178万吨", "text": "钢产量增加到3178万吨"})
    False
    """
    if row["unit"] in _RATE_UNITS or not row.get("raw"):
        return False
    at = row["text"].find(row["raw"])
    return at > 0 and _CHANGE_WORD.search(row["text"], 0, at) is not None



def _counts_new(row: dict) -> bool:
    """Whether the row's figure counts what is new (新增…65家): an increase word in its own item of the
    clause, or opening the clause, where it governs the whole list (新增养老床位5000张、社区食堂40个).

    >>> _counts_new({"raw": "5.1%", "text": "城镇新增就业1256万人、城镇调查失业率平均为5.1%"})
    False
    >>> _counts_new({"raw": "40个", "text": "力争新增养老床位5000张、社区食堂40个"})
    True
    """
    return bool(_INCREMENT_OPENING.match(row["text"]) or _INCREMENT_RE.search(_own_item(row)))


def _own_item(row: dict) -> str:
    """The words of the clause up to the row's figure, from the list break (、；) before it when the
    item names something of its own: in 城镇新增就业1256万人、城镇调查失业率平均为5.1%, the 5.1% is
    not an increase.

    >>> _own_item({"raw": "5.1%", "text": "城镇新增就业1256万人、城镇调查失业率平均为5.1%"})
    '城镇调查失业率平均为'
    >>> _own_item({"raw": "3万人", "text": "城镇新增就业和转移就业分别为5万人、3万人"})
    '城镇新增就业和转移就业分别为5万人、'
    """
    text, raw = row["text"], row.get("raw")
    at = text.find(raw) if raw else -1
    if at < 0:
        return text
    item = text[max(text.rfind("、", 0, at), text.rfind("；", 0, at)) + 1:at]
    return item if len(_HANZI_RE.findall(item)) >= 2 else text[:at]


def _against_old_base(row: dict) -> bool:
    """A change against a base year older than the year before last is not a year's figure:
    比2005年下降20% (hebei 2011, reviewing 十一五); a 2018 report's 比2016年 is still 2017's change.

    >>> _against_old_base({"text": "单位生产总值能耗比2005年下降20%", "year": 2011})
    True
    >>> _against_old_base({"text": "比2016年增加39天", "year": 2018})
    False
    """
    base = _BASE_YEAR_RE.search(row["text"]) if "比" in row["text"] else None
    return bool(base) and row["year"] is not None and int(base.group(1)) < row["year"] - 2


def _midpoint(row: dict) -> float:
    if row["value_high"] is not None:
        return (row["value"] + row["value_high"]) / 2
    return row["value"]


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def classify_pair(old: dict | None, new: dict | None) -> dict[str, Any]:
    """Status and flags of one pair (or unpaired row), as DESIGN.md defines them.

    >>> classify_pair({"value": 7.0, "value_high": None, "comparator": "~", "modality": None, "text": "国内生产总值增长7%左右"},
    ...               {"value": 6.5, "value_high": 7.0, "comparator": "range", "modality": None, "text": "国内生产总值增长6.5%-7%"})["status"]
    'lowered'
    """
    if new is None:
        return {"status": "dropped", **_NO_FLAGS}
    if old is None:
        return {"status": "new", **_NO_FLAGS}
    old_num, new_num = old["value"] is not None, new["value"] is not None
    status = "continued"
    comparator_changed = value_added = value_removed = False
    if old_num and new_num:
        a, b = _midpoint(old), _midpoint(new)
        if _same(a, b):
            status = "continued"
        else:
            status = "raised" if b > a else "lowered"
        comparator_changed = (old["comparator"] or None) != (new["comparator"] or None)
    else:
        value_added = new_num and not old_num
        value_removed = old_num and not new_num
    # Built in FLAGS order in one go: a diff classifies every row of both reports.
    return {"status": status, "comparator_changed": comparator_changed,
            "modality_changed": (old["modality"] or None) != (new["modality"] or None),
            "reworded": _wording(old["text"]) != _wording(new["text"]),
            "value_added": value_added, "value_removed": value_removed}


_NO_FLAGS = dict.fromkeys(FLAGS, False)
_COMPARATOR_WORDS_RE = re.compile(r"以上|以内|以下|左右|上下|控制在|不低于|不超过|不少于|至少|达到|超过|低于|约")


# Cached: each clause is compared once as A's and once as B's, in two diffs.
@lru_cache(maxsize=1 << 13)  # two reports' clauses: the next diff shares one report with this one
def _wording(text: str) -> str:
    """The clause without its numbers and comparator words: what 'reworded' compares."""
    return _COMPARATOR_WORDS_RE.sub("", mask_numbers(text))


def _compare_actual(plan: dict, actual_value: float, tolerance: float) -> str:
    target = plan["value"]
    comparator = plan["comparator"] or "="
    if comparator in (">=", ">"):
        return "met" if actual_value >= target else "below"
    if comparator in ("<=", "<"):
        return "met" if actual_value <= target else "above"
    if comparator == "range":
        high = plan["value_high"] if plan["value_high"] is not None else target
        if target <= actual_value <= high:
            return "met"
        return "above" if actual_value > high else "below"
    margin = abs(target) * tolerance
    if target - margin - 1e-12 <= actual_value <= target + margin + 1e-12:
        return "met"
    return "above" if actual_value > target else "below"


def outcome_for(plan: dict, review: Any, tolerance: float = DEFAULT_TOLERANCE) -> dict | None:
    """The figure B's review gives for plan row `plan` of A, with its status; None for rows without a number.

    The figure must measure the same indicator in the same unit; five-year
    averages and cumulative totals are not the year's figure. A target due in
    a later year has no outcome yet (None).
    """
    if plan["value"] is None:
        return None
    return _outcomes([plan], table_rows(review), tolerance)[0]


def _outcomes(plans: list[dict], review_rows: list[dict], tolerance: float) -> list[dict | None]:
    """outcome_for over many plan rows, scoring all indicator pairs in one rapidfuzz call."""
    from rapidfuzz import fuzz, process

    candidates = [r for r in review_rows if r["value"] is not None and r["value_high"] is None
                  and not _AVERAGE_RE.search(r["text"]) and r.get("period") != "multi" and not _against_old_base(r)
                  and not _RESTATED_TARGET_RE.search(r["text"])]
    # A target due in a later year (到2027年…) is neither met nor missed by next year's figure.
    numeric = [p for p in plans if p is not None and p["value"] is not None
               and (p["deadline"] is None or p["deadline"] <= p["year"])]
    closeness = (process.cdist([p["indicator"] or "" for p in numeric], [r["indicator"] or "" for r in candidates],
                               scorer=fuzz.ratio, workers=1, dtype=np.uint8) / 100.0
                 if numeric and candidates else np.zeros((len(numeric), 0)))
    found: dict[int, dict] = {}
    best = _best_figures(numeric, candidates, closeness)
    for plan, j in zip(numeric, best):
        found[id(plan)] = _outcome_of(plan, candidates[j] if j >= 0 else None, tolerance)
    return [found.get(id(p)) if p is not None else None for p in plans]


def _best_figures(plans: list[dict], candidates: list[dict], closeness: np.ndarray) -> list[int]:
    """For each plan row, the position of the review figure that reports on it, or -1.

    A figure must have the plan's unit, not be an increase (新增…65家) unless the
    plan is one (a target like 达到1200家 sets a level), not state a total (达到567万亩)
    when the plan adds (新建111.5万亩), and have the plan's indicator key or an
    indicator at least 80% close (90% when the plan's is a known indicator: 人均生产总值 is
    not 生产总值, 进口 not 进出口), and a share (占…比重) only for a share. Among those: same
    key first, then the closer indicator, then the earlier statement; a figure in
    a five-year review (十一五时期的回顾) is not the year's figure. Plans x figures
    at once in numpy; each rank is the same float64 sum, in the same order, as
    ``1.0 * same_key + closeness - 0.5 * five_year - j * 1e-6``, and ties go to the first.
    """
    if not plans or not candidates:
        return [-1] * len(plans)
    known = canonical_keys()
    codes: dict = {}
    code = lambda values: np.array([codes.setdefault(v, len(codes)) for v in values], dtype=np.int64)  # noqa: E731
    plan_unit, row_unit = code([p["unit"] or None for p in plans]), code([r["unit"] or None for r in candidates])
    plan_key, row_key = code([p["indicator_key"] for p in plans]), code([r["indicator_key"] for r in candidates])
    plan_has_key = np.array([bool(p["indicator_key"]) for p in plans])
    plan_known = np.array([p["indicator_key"] in known for p in plans])
    plan_increase = np.array([_counts_new(p) for p in plans])
    row_increase = np.array([_counts_new(r) for r in candidates])
    plan_adds = np.array([bool(_ADDS_RE.search(p["text"])) for p in plans])
    plan_change = np.array([_states_change(p) for p in plans])
    row_change = np.array([_states_change(r) for r in candidates])
    row_level = np.array([bool(_LEVEL_RE.search(r["text"]) and not _ADDS_RE.search(r["text"])) for r in candidates])
    plan_share = np.array([bool(_SHARE_RE.search(p["indicator"] or "")) for p in plans])
    row_share = np.array([bool(_SHARE_RE.search(r["indicator"] or "")) for r in candidates])
    five_year = np.array([bool(_FIVE_YEAR_RE.search((r["section"] or "") + (r["sentence"] or ""))) for r in candidates])
    # An amount under a fifth or over five times the plan's is another figure (总投资853.7亿元 is not the
    # 15亿元 of 力争完成投资15亿元以上); rates (%, 个百分点, 倍) can move further and are not held to it.
    plan_amount = np.array([p["value"] if p["unit"] not in _RATE_UNITS and p["value"] else np.nan for p in plans])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(np.array([r["value"] for r in candidates]))[None, :] / np.abs(plan_amount)[:, None]
    plausible = np.isnan(ratio) | ((ratio >= 0.2) & (ratio <= 5.0))
    same_key = plan_has_key[:, None] & (plan_key[:, None] == row_key[None, :])
    # 90% when the plan's is a known indicator: the other known (人均生产总值 is not 生产总值), or not
    # (进口 is a part of 进出口, 实际利用省外资金 not 实际利用外资).
    close = (closeness >= 0.8) & ~(plan_known[:, None] & (closeness < 0.9))
    fits = ((plan_unit[:, None] == row_unit[None, :]) & ~(row_increase[None, :] & ~plan_increase[:, None])
            & ~(plan_adds[:, None] & row_level[None, :]) & (plan_change[:, None] == row_change[None, :])
            & (same_key | close & (plan_share[:, None] == row_share[None, :])) & plausible)
    rank = same_key.astype(np.float64) + closeness - 0.5 * five_year[None, :] - np.arange(len(candidates)) * 1e-6
    rank[~fits] = -np.inf
    best = rank.argmax(axis=1)
    return np.where(fits.any(axis=1), best, -1).tolist()


def _outcome_of(plan: dict, row: dict | None, tolerance: float) -> dict:
    if row is None:
        return {"value": None, "unit": plan["unit"], "text": None, "status": "not_reported", "tolerance": tolerance,
                "id": None, "direction": None}
    actual = row["value"]
    if plan["direction"] and row["direction"] and plan["direction"] != row["direction"]:
        actual = -actual  # 增长6% against 下降7%: -7 against 6
    return {"value": row["value"], "unit": row["unit"], "text": row["text"],
            "status": _compare_actual(plan, actual, tolerance), "tolerance": tolerance, "id": row["id"],
            "direction": row["direction"]}


def report_meta(table: Any, report: Any | None = None) -> dict:
    """The report metadata that heads a diff: from the Report when given, else from its rows."""
    if report is not None:
        return {"source": report.source, "place": report.place, "place_key": getattr(report, "place_key", report.place),
                "level": report.level, "year": report.year, "delivered": getattr(report, "delivered", None),
                "source_url": getattr(report, "source_url", None), "sha256": getattr(report, "sha256", None)}
    rows = table_rows(table)
    first = rows[0] if rows else {}
    return {"source": first.get("source"), "place": first.get("place"), "place_key": first.get("place"),
            "level": first.get("level"), "year": first.get("year"), "delivered": None, "source_url": None,
            "sha256": None}


def _pairable(rows: list[dict], part: str) -> list[dict]:
    return [r for r in rows if r["part"] == part and r["restates"] is None]


def diff_tables(old: Any, new: Any, *, part: str = "plan", tolerance: float = DEFAULT_TOLERANCE,
                old_report: Any | None = None, new_report: Any | None = None,
                outcomes: bool | None = None) -> dict:
    """The diff of two target tables (polars DataFrames or lists of row dicts) in DESIGN.md's JSON shape.

    Outcomes are computed when B is the report of the year right after A
    (B's review covers A's year); across a gap every outcome is null.
    """
    old, new = table_rows(old), table_rows(new)
    old_meta, new_meta = report_meta(old, old_report), report_meta(new, new_report)
    a_rows, b_rows = _pairable(old, part), _pairable(new, part)
    old_year, new_year = old_meta["year"], new_meta["year"]
    if outcomes is None:
        outcomes = part == "plan" and old_year is not None and new_year is not None and new_year == old_year + 1
    changes = []
    for i, j, score, reason in pair_positions(a_rows, b_rows):
        o = a_rows[i] if i is not None else None
        n = b_rows[j] if j is not None else None
        change = classify_pair(o, n)  # a fresh dict: status and flags, then the keys below, in this order
        change["old"], change["new"], change["score"], change["reason"], change["outcome"] = o, n, score, reason, None
        changes.append(change)
    if outcomes:
        review_rows = [r for r in new if r["part"] == "review"]
        for change, outcome in zip(changes, _outcomes([c["old"] for c in changes], review_rows, tolerance)):
            change["outcome"] = outcome
    changes.sort(key=_reading_order)
    summary = {s: 0 for s in STATUSES}
    for c in changes:
        summary[c["status"]] += 1
    return {"old": old_meta, "new": new_meta,
            "compared": {"old_year": old_year, "new_year": new_year, "part": part,
                         "consecutive": bool(old_year is not None and new_year == old_year + 1),
                         "outcomes": bool(outcomes)},
            "summary": summary, "changes": changes}


def is_headline(row: dict | None) -> bool:
    """A row from the main-targets paragraph: a sentence that names its targets (主要预期目标是…)
    and lists at least two figures."""
    return bool(row) and _is_headline_sentence(row["sentence"] or "")


@lru_cache(maxsize=8192)
def _is_headline_sentence(sentence: str) -> bool:
    # Cached: the rows of one sentence share it, and sorting asks for every row more than once.
    return bool(_HEADLINE_RE.search(sentence)) and len(_FIGURE_RE.findall(sentence)) >= 2


def _reading_order(change: dict) -> tuple:
    """Headline targets first, then numeric changes, then qualitative ones; each in report order."""
    # is_headline and the numeric test written out: this key is computed for every change of every diff.
    old, new = change["old"], change["new"]
    headline = (old is not None and _is_headline_sentence(old["sentence"] or "")) or \
        (new is not None and _is_headline_sentence(new["sentence"] or ""))
    numeric = (old is not None and old["value"] is not None) or (new is not None and new["value"] is not None)
    side = 0 if old is not None else 1
    return (not headline, not numeric, side, (old or new)["start"], (new or old)["id"])


def diff_reports(old_report: Any, new_report: Any, *, part: str = "plan",
                 tolerance: float = DEFAULT_TOLERANCE) -> dict:
    """Extract both reports and diff them (on row dicts: no polars, for a quick `compare diff`)."""
    from compare.extract import extract_rows

    return diff_tables(extract_rows(old_report), extract_rows(new_report), part=part, tolerance=tolerance,
                       old_report=old_report, new_report=new_report)
