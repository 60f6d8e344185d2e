"""Property tests for the quantity grammar (compare/quantity.py) and extraction.

Chinese numerals are checked against a small writer kept here as the oracle (and
against cn2an where cn2an reads them right); magnitude words, comparator words and
units are checked by round trip; arbitrary text must never crash extraction.
"""

from __future__ import annotations

import math
import re
import unicodedata

import cn2an
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compare.quantity import find_quantities, parse_number

DIGITS = "零一二三四五六七八九"
SECTION_UNITS = ["", "十", "百", "千"]  # place units inside a four-digit section

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def write_section(n: int, use_liang: bool) -> str:
    """A number 1..9999 in Chinese: 零 once per gap, no trailing zeros, 一十 inside.

    >>> write_section(1005, False), write_section(110, False), write_section(2200, True)
    ('一千零五', '一百一十', '两千两百')
    """
    digits = [int(d) for d in f"{n:04d}"]
    out, pending_zero, started = [], False, False
    for position, digit in enumerate(digits):
        unit = SECTION_UNITS[3 - position]
        if digit == 0:
            pending_zero = started
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        word = "两" if use_liang and digit == 2 and unit in ("百", "千") else DIGITS[digit]
        out.append(word + unit)
        started = True
    return "".join(out)


def write_chinese_integer(n: int, *, bare_ten: bool = True, use_liang: bool = False) -> str:
    """0..99_999_999 in standard Chinese; bare_ten writes 10-19 at the start as 十X.

    >>> write_chinese_integer(12), write_chinese_integer(12, bare_ten=False)
    ('十二', '一十二')
    >>> write_chinese_integer(12_000_000), write_chinese_integer(100_003)
    ('一千二百万', '十万零三')
    >>> write_chinese_integer(20_000, use_liang=True), write_chinese_integer(10_800)
    ('两万', '一万零八百')
    """
    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    if high:
        head = "两" if use_liang and high == 2 else write_section(high, use_liang)
        text = head + "万"
        if low:
            text += ("零" if low < 1000 else "") + write_section(low, use_liang)
    else:
        text = write_section(low, use_liang)
    if bare_ten and text.startswith("一十"):
        text = text[1:]
    return text


@st.composite
def chinese_integers(draw):
    n = draw(st.integers(min_value=0, max_value=99_999_999))
    text = write_chinese_integer(n, bare_ten=draw(st.booleans()), use_liang=draw(st.booleans()))
    return n, text


@st.composite
def chinese_decimals(draw):
    whole = draw(st.integers(min_value=0, max_value=9_999))
    fraction = draw(st.text(alphabet="0123456789", min_size=1, max_size=3))
    zero_word = draw(st.sampled_from(["零", "〇"]))
    whole_text = write_chinese_integer(whole) if whole else zero_word
    fraction_text = "".join(zero_word if d == "0" else DIGITS[int(d)] for d in fraction)
    return float(f"{whole}.{fraction}"), f"{whole_text}点{fraction_text}"


@PROPERTY_SETTINGS
@given(chinese_integers())
def test_chinese_integers_read_like_the_oracle(case):
    n, text = case
    assert close(parse_number(text), n), f"{text!r} should read {n}, got {parse_number(text)!r}"


@PROPERTY_SETTINGS
@given(chinese_decimals())
def test_chinese_decimals_read_like_the_oracle(case):
    value, text = case
    assert close(parse_number(text), value), f"{text!r} should read {value}, got {parse_number(text)!r}"


@PROPERTY_SETTINGS
@given(chinese_integers())
def test_chinese_integers_agree_with_cn2an(case):
    # The oracle's standard forms are ones cn2an reads right (checked by hand).
    _, text = case
    assert close(parse_number(text), float(cn2an.cn2an(text, "smart")))


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,000", 1000), ("3.5", 3.5), ("一千二百万", 12_000_000), ("两", 2), ("十二", 12),
        ("〇点五", 0.5), ("零点五", 0.5), ("三点五", 3.5), ("1.3万亿", 1.3e12), ("两亿", 2e8),
        ("三亿零五百万", 3.05e8), ("一百零五", 105), ("二十五", 25), ("１２００", 1200),
    ],
)
def test_parse_number_examples(text, value):
    assert close(parse_number(text), value), f"{text!r} -> {parse_number(text)!r}, expected {value}"


@pytest.mark.parametrize("text", ["十四五", "两三"])
def test_strings_cn2an_misreads_are_not_plain_numbers(text):
    # cn2an reads 十四五 as 145 and 两三 as 23: one is a plan name, the other "two or three".
    assert parse_number(text) is None


@pytest.mark.parametrize("clause, bad", [("实施十四五规划", [145, 14, 5]), ("培育两三个特色小镇", [23])])
def test_misread_strings_give_no_such_quantity(clause, bad):
    values = [q.value for q in find_quantities(clause)]
    assert not any(close(v, b) for v in values for b in bad), f"{clause!r} -> {values}"


MAGNITUDES = {"万": 1e4, "亿": 1e8, "万亿": 1e12, "千万": 1e7}

amounts = st.integers(min_value=1, max_value=999_999).map(lambda n: n / 100)


def write_decimal(x: float) -> str:
    """Plain decimal without exponent or trailing zeros: 12.5, 3, 0.07."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


@PROPERTY_SETTINGS
@given(amounts, st.sampled_from(sorted(MAGNITUDES)))
def test_magnitude_words_scale_the_value(x, magnitude):
    text = f"投资{write_decimal(x)}{magnitude}元"
    quantities = find_quantities(text)
    assert len(quantities) == 1, f"{text!r} -> {quantities}"
    assert close(quantities[0].value, x * MAGNITUDES[magnitude]), f"{text!r} -> {quantities[0]}"
    assert quantities[0].unit == "元"


# Comparator words written after the quantity (增长5%以上) and before it (不低于5%).
SUFFIX_WORDS = {"以上": ">=", "以内": "<=", "以下": "<=", "左右": "~", "上下": "~", "": "="}
PREFIX_WORDS = {
    "不低于": ">=", "不少于": ">=", "至少": ">=", "达到": ">=", "达": ">=",
    "超过": ">", "高于": ">", "多于": ">", "突破": ">",
    "不超过": "<=", "不高于": "<=", "控制在": "<=",
    "低于": "<", "少于": "<", "不足": "<",
    "约": "~", "大约": "~", "近": "~",
}
UNITS = ["%", "个百分点", "元", "人", "斤", "吨", "公里", "千米", "个", "条", "宗", "株", "项", "亩", "平方米", "小时", "倍"]


@st.composite
def worded_quantities(draw):
    v = draw(amounts)
    unit = draw(st.sampled_from(UNITS))
    number = draw(st.sampled_from([write_decimal(v), f"{v:.2f}"]))
    if draw(st.booleans()):
        word = draw(st.sampled_from(sorted(SUFFIX_WORDS)))
        return f"增长{number}{unit}{word}", v, unit, SUFFIX_WORDS[word]
    word = draw(st.sampled_from(sorted(PREFIX_WORDS)))
    return f"{word}{number}{unit}", v, unit, PREFIX_WORDS[word]


@PROPERTY_SETTINGS
@given(worded_quantities())
def test_comparator_words_round_trip(case):
    text, v, unit, comparator = case
    quantities = find_quantities(text)
    assert len(quantities) == 1, f"{text!r} -> {quantities}"
    q = quantities[0]
    assert close(q.value, v) and q.unit == unit and q.comparator == comparator, f"{text!r} -> {q}"


@pytest.mark.parametrize(
    "text, comparator",
    [("控制在4%左右", "~"), ("控制在4%以内", "<="), ("6600多万", ">"), ("2000余人", ">")],
)
def test_comparator_combinations(text, comparator):
    quantities = find_quantities(text)
    assert len(quantities) == 1 and quantities[0].comparator == comparator, f"{text!r} -> {quantities}"


# Characters report text is made of, so random text reaches the grammar often.
REPORT_ALPHABET = list(
    "0123456789０１２３４５６７８９.,，、。；：:;%％‰-－~～至到（）()“”\"《》?？！ \t\r\n"
    "零〇一二两三四五六七八九十百千万亿点第届次年月日号个条项人元斤吨公里亩倍"
    "以上下内不低于少超过高多余约近左右达到突破控制在增长下降提高减少分别和均确保力争"
    "城镇新增就业地区生产总值居民收入规模工业十四五一体化进批"
)
# Lone surrogates are excluded: decoded report files cannot contain them.
any_character = st.characters(exclude_categories=("Cs",))
report_like_text = st.text(alphabet=st.one_of(st.sampled_from(REPORT_ALPHABET), any_character), max_size=80)
any_text = st.text(alphabet=any_character, max_size=40)


def squeeze(text: str) -> str:
    """NFKC, drop whitespace and control/format characters (the engine may clean those), then NFKD.

    Decomposed at the end, so that containment holds whatever was dropped: NFKC turns ´ into a
    space and a combining mark, which would compose with the letter before once the space goes
    (A\r´ -> Á), while a clause that ends at that space holds the bare A.
    """
    text = unicodedata.normalize("NFKC", text)
    kept = "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf"))
    return unicodedata.normalize("NFKD", kept)


COMPARATORS = {">=", ">", "<=", "<", "~", "range", "=", None}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(report_like_text, any_text))
def test_arbitrary_text_never_crashes(text):
    from compare.extract import targets_from_text

    table = targets_from_text(text)
    assert table.__class__.__name__ == "DataFrame"
    source = squeeze(text)
    for row in table.to_dicts():
        if row.get("value") is None:
            continue
        assert squeeze(row["text"]) in source, f"row text {row['text']!r} not in input {text!r}"
        assert math.isfinite(row["value"]) and row["value"] >= 0, f"{text!r} -> value {row['value']!r}"
        assert row["comparator"] in COMPARATORS, f"{text!r} -> comparator {row['comparator']!r}"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(report_like_text, any_text))
def test_find_quantities_offsets_point_at_raw(text):
    clause = unicodedata.normalize("NFKC", text)
    for q in find_quantities(clause):
        assert 0 <= q.start <= q.end <= len(clause)
        assert clause[q.start:q.end] == q.raw, f"{clause!r}: [{q.start}:{q.end}] is not {q.raw!r}"


def test_squeeze_example():
    assert squeeze("增长 ５％\n") == "增长5%"
    assert re.fullmatch(r"\S*", squeeze("a\u200bb"))
