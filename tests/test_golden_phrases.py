"""The golden phrase table: tests/golden/phrases.txt run through targets_from_text.

The file pins the quantity grammar as data (input and expected numeric rows side by
side); its header explains the format and the decisions it encodes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PHRASES_PATH = Path(__file__).resolve().parent / "golden" / "phrases.txt"

# Keys a row line may check; indicator_has is "indicator contains this text".
ROW_KEYS = {
    "value", "value_high", "unit", "comparator", "direction", "modality",
    "indicator", "indicator_key", "indicator_has", "deadline", "part",
}
FLOAT_KEYS = {"value", "value_high"}
INT_KEYS = {"deadline"}


@dataclass
class PhraseCase:
    """One block of phrases.txt."""

    phrase: str
    line: int
    rows: list[dict[str, str]] = field(default_factory=list)
    no_numeric_rows: bool = False
    forbidden_values: list[float] = field(default_factory=list)


def parse_phrase_table(text: str, source: str = "phrases.txt") -> list[PhraseCase]:
    """Parse the golden table format.

    >>> cases = parse_phrase_table("# c\\n### 增长5%\\nvalue=5 unit=%\\n\\n### 进一步\\nnone\\n")
    >>> [(c.phrase, c.rows, c.no_numeric_rows) for c in cases]
    [('增长5%', [{'value': '5', 'unit': '%'}], False), ('进一步', [], True)]
    """
    cases: list[PhraseCase] = []
    current: PhraseCase | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if line.startswith("### "):
            current = PhraseCase(phrase=line[4:].strip(), line=number)
            cases.append(current)
        elif not stripped:
            current = None
        elif stripped.startswith("#"):
            continue
        elif current is None:
            raise ValueError(f"{source}:{number}: expectation outside a case; start the case with '### '")
        elif stripped == "none":
            current.no_numeric_rows = True
        elif stripped.startswith("novalue="):
            current.forbidden_values.append(float(stripped.split("=", 1)[1]))
        else:
            row: dict[str, str] = {}
            for pair in stripped.split():
                key, sep, value = pair.partition("=")
                if not sep or key not in ROW_KEYS:
                    raise ValueError(f"{source}:{number}: bad pair {pair!r}; use key=value with a key of {sorted(ROW_KEYS)}")
                row[key] = value
            current.rows.append(row)
    for case in cases:
        if case.no_numeric_rows and case.rows:
            raise ValueError(f"{source}:{case.line}: 'none' and expected rows in one case; keep one")
        if not (case.no_numeric_rows or case.rows or case.forbidden_values):
            raise ValueError(f"{source}:{case.line}: case without expectations; add rows, 'none' or 'novalue='")
    return cases


def load_cases() -> list[PhraseCase]:
    return parse_phrase_table(PHRASES_PATH.read_text(encoding="utf-8"), str(PHRASES_PATH))


CASES = load_cases()


def values_equal(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0) or a == b


def field_mismatch(key: str, expected: str, row: dict) -> str | None:
    """Why row disagrees with expected for key, or None when it agrees."""
    if key == "indicator_has":
        got = row.get("indicator")
        return None if got and expected in got else f"indicator {got!r} lacks {expected!r}"
    got = row.get(key)
    if expected == "":
        return None if got is None else f"{key}={got!r}, expected null"
    if key in FLOAT_KEYS:
        ok = got is not None and values_equal(float(got), float(expected))
    elif key in INT_KEYS:
        ok = got is not None and int(got) == int(expected)
    else:
        ok = got == expected
    return None if ok else f"{key}={got!r}, expected {expected!r}"


def describe_row(row: dict) -> str:
    keys = ["value", "value_high", "unit", "comparator", "direction", "modality",
            "indicator", "indicator_key", "deadline", "part", "raw", "text"]
    return " ".join(f"{k}={row.get(k)!r}" for k in keys if k in row)


def test_phrase_table_is_large_and_unique():
    phrases = [case.phrase for case in CASES]
    assert len(phrases) >= 180
    duplicates = sorted({p for p in phrases if phrases.count(p) > 1})
    assert not duplicates, f"{PHRASES_PATH}: duplicate phrases {duplicates}"


@pytest.mark.parametrize("case", CASES, ids=[case.phrase for case in CASES])
def test_golden_phrase(case: PhraseCase):
    from compare.extract import targets_from_text

    table = targets_from_text(case.phrase)
    numeric = [row for row in table.to_dicts() if row.get("value") is not None]
    where = f"{PHRASES_PATH.name}:{case.line} {case.phrase!r}"
    got_text = "\n  ".join(describe_row(row) for row in numeric) or "(no numeric rows)"

    if case.no_numeric_rows:
        assert not numeric, f"{where}: expected no numeric row, got:\n  {got_text}"
    for forbidden in case.forbidden_values:
        hits = [row for row in numeric if values_equal(float(row["value"]), forbidden)]
        assert not hits, f"{where}: value {forbidden:g} must not be extracted, got:\n  {got_text}"
    if not case.rows:
        return
    expected_text = "\n  ".join(" ".join(f"{k}={v}" for k, v in row.items()) for row in case.rows)
    message = f"{where}\nexpected:\n  {expected_text}\ngot:\n  {got_text}"
    assert len(numeric) == len(case.rows), f"{message}\n(row count differs)"
    problems = [
        f"row {i + 1}: {problem}"
        for i, (expected, row) in enumerate(zip(case.rows, numeric))
        for key, value in expected.items()
        if (problem := field_mismatch(key, value, row)) is not None
    ]
    assert not problems, message + "\n" + "\n".join(problems)


# DESIGN.md: these names share one indicator_key each (a small synonym table).
SYNONYM_GROUPS = [
    ["国内生产总值增长5%", "地区生产总值增长5%", "生产总值增长5%", "经济增长5%"],
    ["能耗强度下降3%", "单位国内生产总值能耗下降3%", "单位地区生产总值能耗下降3%"],
    ["城镇新增就业1万人", "新增城镇就业1万人"],
]

# Names that contain a synonym's words but measure something else: distinct keys.
DISTINCT_PAIRS = [
    ("人均地区生产总值达到8万元", "地区生产总值增长5%"),
    ("万元地区生产总值用水量下降3%", "地区生产总值增长5%"),
    ("单位地区生产总值能耗下降3%", "地区生产总值增长5%"),
    ("粮食播种面积稳定在600万亩", "粮食产量稳定在1.3万亿斤"),
    ("研发经费支出增长10%", "研发经费投入强度达到2.5%"),
]


@pytest.mark.parametrize("phrases", SYNONYM_GROUPS, ids=[group[0] for group in SYNONYM_GROUPS])
def test_synonymous_indicators_share_a_key(phrases: list[str]):
    keys = {phrase: single_indicator_key(phrase) for phrase in phrases}
    assert len(set(keys.values())) == 1, f"indicator_key differs across synonyms: {keys}"


@pytest.mark.parametrize("pair", DISTINCT_PAIRS, ids=[pair[0] for pair in DISTINCT_PAIRS])
def test_distinct_indicators_keep_distinct_keys(pair: tuple[str, str]):
    keys = {phrase: single_indicator_key(phrase) for phrase in pair}
    assert len(set(keys.values())) == 2, f"different indicators share a key: {keys}"


def single_indicator_key(phrase: str) -> str:
    from compare.extract import targets_from_text

    rows = [row for row in targets_from_text(phrase).to_dicts() if row.get("value") is not None]
    assert len(rows) == 1, f"{phrase!r}: expected one numeric row, got {[describe_row(r) for r in rows]}"
    return rows[0]["indicator_key"]
