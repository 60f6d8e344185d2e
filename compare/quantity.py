"""The quantity grammar: find the numbers in one clause that are quantities.

A quantity is a numeral (Arabic or Chinese) with its magnitude word, unit and
comparator: ``1.3万亿斤以上`` is 1.3e12 斤 ``>=``. Numbers that are not
quantities (years, dates, ordinals, headings, slogans in quotes, plan names,
version labels, words that merely contain a numeral) are never returned.

The input is a clause after NFKC (so ``％`` is ``%`` and digits are ASCII).

>>> [(q.value, q.unit, q.comparator) for q in find_quantities("城镇新增就业1200万人以上")]
[(12000000.0, '人', '>=')]
>>> [(q.value, q.value_high, q.unit, q.comparator) for q in find_quantities("增长6%-6.5%")]
[(6.0, 6.5, '%', 'range')]
>>> find_quantities("启动营商环境5.0改革，落实“十四五”规划")
[]
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Quantity", "parse_number", "find_quantities", "could_hold_quantity", "COMPARATORS", "SUFFIX_COMPARATOR_WORDS"]

# Precompiled patterns of the hot paths (re's own cache costs ~1.5 µs a call).
_ARABIC_WITH_MAGNITUDE = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)(万亿|千万|百万|十万|亿|万|千)?")
_LATIN_OR_SIGN_AFTER = re.compile(r"[A-Za-z+×*/]")
_LATIN_OR_PLUS_BEFORE = re.compile(r"[A-Za-z+×*]")
_HEADING_MARK_AFTER = re.compile(r"[、.．]")
_CLOSING_PAREN = re.compile(r"[)）\]】〕]")
_YEAR_DIGITS = re.compile(r"(1[89]|20)\d\d")
# After an amount past 超/过: 的 and a count or what is counted (超百亿元的30家企业, 超200亿元的县).
_CLASS_BEFORE_A_COUNT = re.compile(r"的(?:\d|[县区市镇村乡企园])")
# The 第 of a list of ranks before the last (分别居全省第一、二、三位).
_RANK_LIST_BEFORE = re.compile(r"第[一二三四五六七八九十\d]+(?:、[一二三四五六七八九十\d]+)*、$")
# What a size names a class of (千万吨炼化基地, 500亿级产业集群).
_CLASS_NOUN_AFTER = re.compile(r"级?[\u4e00-\u9fff]{0,4}?(?:基地|项目|企业|工程|集群|园区|产业|装置)")
# A threshold (以上, or 超/过 before the number) and then, close after, what is counted; 总投资14.1亿元的
# 技改项目 is the projects' total, and 农村/乡村 are not villages counted.
_CLASS_AFTER = re.compile(r"(以上|及以上)?的?[\u4e00-\u9fff]{0,5}?(项目|企业|集群|台阶|单品|电商|(?<![农乡])村)")
_CIRCLE_AFTER = re.compile(r"[\u4e00-\u9fff]{0,6}圈")
_ROUTE_COUNT_BEFORE = re.compile(r"(?:开通|新开|增开|开行|开辟|新增|共|计|[A-Za-z0-9])$")
_CN_DIGIT_CHARS = frozenset("〇零一二三四五六七八九")
_RATIO_SIGNS = frozenset(":∶比·")  # ：becomes : under NFKC; ∶ (U+2236, RATIO) stays; 11·28 is a date
_AFTER_SLASH_OR_RATIO = _RATIO_SIGNS | {"/"}
_DATE_OR_TIME_AFTER = re.compile(r"(?:月|日|号|时|点(?!\d)|:\d)")
_DOTTED_DATE = re.compile(r"\d{1,2}\.\d{1,2}(?:\.\d{1,2})?$")
_DAY_AFTER = re.compile(r"(?:日|号)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_AGE_QUALIFIER = re.compile(r"\d+(?:\.\d+)?(?:[—\-~至到]\d+)?周?岁(?:及以上|及以下|以上|以下)?(?!左右|上下)(?=[\u4e00-\u9fff])")
_ERA_AFTER = re.compile(r"(?:世纪|年代)")  # 20世纪, 60年代: when, not how much
_LIST_AFTER = re.compile(r"[,、]\d")
_LIST_BEFORE = re.compile(r"\d[,、]$")
_CODE_LABEL_BEFORE = re.compile(r"(?:电话|热线|编码|邮编|代码|号码|编号|网址|QQ|微信|国道|省道|县道)[:：]?$")
_CODE_WORD_AFTER = re.compile(r"(?:热线|号线|服务热线|联动|平台|专线|号|国道|省道|县道)")  # 107国道: a road's number
_MONTH_RANGE_AFTER = re.compile(r"\s*(?:-|~|至|到|—+|–)\s*\d{1,2}月")
_VERSION_NUMBER = re.compile(r"\d+\.0")
_CN_YEAR_DIGITS = re.compile(r"[〇零一二三四五六七八九]{4}")
# 十一次、十二次全会: plenum and meeting numbers, also in a list.
# 六个方面的工作: how a speech is laid out, not a count it promises; 市四次党代会: a congress's number.
_NOT_A_COUNT_AFTER = re.compile(r"(?:月|日|届|大(?!于)|中全会|次会议|是|者|方面|个方面|世纪|年代"
                                r"|次(?:[、和][一二三四五六七八九十]+次)*(?:全会|全体会议|会议|常委会|党代会))")

COMPARATORS = (">=", ">", "<=", "<", "~", "range", "=")


class Quantity(NamedTuple):
    value: float
    value_high: float | None
    unit: str | None
    comparator: str
    raw: str
    start: int
    end: int


# --- numerals -----------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_CN_NUMERAL_CHARS = "〇零一二两三四五六七八九十百千万亿"

# Magnitude words after an Arabic numeral, longest first.
_MAGNITUDES = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "十万": 1e5, "亿": 1e8, "万": 1e4, "千": 1e3}


def _parse_cn_integer(s: str) -> int | None:
    """Read a Chinese integer numeral strictly; None when it is not one.

    Strict on purpose: ``十四五`` (a plan name) and ``两三`` (an estimate) are
    not numbers.

    >>> _parse_cn_integer("一千二百万"), _parse_cn_integer("十二"), _parse_cn_integer("一百零五")
    (12000000, 12, 105)
    >>> _parse_cn_integer("十四五") is None, _parse_cn_integer("两三") is None
    (True, True)
    >>> _parse_cn_integer("二〇二四")
    2024
    """
    if not s:
        return None
    # Digit-by-digit form (二〇二四) only when every char is a digit.
    if len(s) > 1 and all(c in _CN_DIGITS for c in s):
        if not any(c in "〇零" for c in s):
            return None  # 两三 / 三五: an estimate, not a number
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total = 0       # completed 亿/万 groups
    section = 0     # the group below the current big unit
    digit: int | None = None
    last_small = 10_000  # the smallest unit seen in this section, to enforce descending order
    last_big = 10 ** 12
    zero_pending = False
    for c in s:
        if c in _CN_DIGITS:
            if digit is not None:
                return None  # two digits in a row: 十四五, 两三
            digit = _CN_DIGITS[c]
            if digit == 0:
                zero_pending = True
                digit = None
        elif c in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[c]
            if unit >= last_small:
                return None
            if digit is None:
                if unit != 10 or section or zero_pending:
                    if unit == 10 and (section or zero_pending):
                        digit = 1  # 一百一十 written 一百零十 is odd but 一百十 is not
                    else:
                        return None
                else:
                    digit = 1  # 十二 = 12
            section += digit * unit
            digit = None
            last_small = unit
            zero_pending = False
        elif c in _CN_BIG_UNITS:
            unit = _CN_BIG_UNITS[c]
            if digit is not None:
                section += digit
                digit = None
            if section == 0 and total == 0:
                return None
            if unit >= last_big and not (c == "亿" and last_big == 10_000):
                return None
            if c == "亿" and last_big == 10_000:
                total = (total + section) * unit  # 一万亿
            else:
                total += section * unit
            section = 0
            last_small = 10_000
            last_big = unit
            zero_pending = False
        else:
            return None
    if digit is not None:
        # 一百五 means 150 colloquially, but reports write 一百五十: keep strict.
        if last_small not in (10_000, 10) and not zero_pending and section:
            return None
        section += digit
    return total + section


def _parse_cn_number(s: str) -> float | None:
    """Chinese numeral with an optional decimal part (三点五 = 3.5)."""
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = _parse_cn_integer(whole)
        if w is None or not frac or not all(c in _CN_DIGITS for c in frac):
            return None
        return float(f"{w}.{''.join(str(_CN_DIGITS[c]) for c in frac)}")
    n = _parse_cn_integer(s)
    return None if n is None else float(n)


def parse_number(text: str) -> float | None:
    """One numeral, Arabic or Chinese, with an optional magnitude word.

    >>> parse_number("1,000"), parse_number("3.5"), parse_number("1.3万亿"), parse_number("两")
    (1000.0, 3.5, 1300000000000.0, 2.0)
    >>> parse_number("零点五"), parse_number("十四五") is None
    (0.5, True)
    """
    text = text.strip()
    m = _ARABIC_WITH_MAGNITUDE.fullmatch(text)
    if m:
        value = float(m.group(1).replace(",", ""))
        return value * _MAGNITUDES[m.group(2)] if m.group(2) else value
    return _parse_cn_number(text)


# --- units and comparators ------------------------------------------------------

# Longest first, so 个百分点 wins over 个 and 平方公里 over 公里.
_UNITS = sorted("""
个百分点 百分点 % ‰ 元 美元 人民币 人次 万人次 人 户 家 所 座 个 条 项 宗 株 棵 亩 公顷 平方公里 平方千米 平方米 立方米 兆瓦时 吉瓦 吉瓦时
公里 千米 米 吨标准煤 吨 千瓦时 千瓦 兆瓦 瓦 度 斤 公斤 千克 克拉 克 辆 台 套 张 间 栋 幢 处 件 床 张床位 名 位 次 场 部 艘 架 头 只
羽 周年 年 个季度 个月 天 小时 分钟 倍 类 大类 级 层 批 篇 册 标箱 吨公里 立方 平方 岁 周 日 微克/立方米 微克每立方米 片 块 辆次 单 份 支 对
元/吨 元/人 万元 种 门 起 例 人次 场次 千瓦 万千瓦 路 班 趟 列 组 轮 段 亿元 款 眼 平米 千伏 伏 千帕 成 个工作日 工作日
批次 剂次 枚 标准箱 担 匹 尺 户次 台次 架次 家次 重量箱 期 届 根 吨标准煤/万元 吨/万元 立方米/万元
""".split(), key=len, reverse=True)
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS)

_PREFIX_COMPARATORS = [  # longest first where one contains another
    ("不低于", ">="), ("不少于", ">="), ("至少", ">="), ("达到", ">="), ("达", ">="),
    ("超过", ">"), ("高于", ">"), ("多于", ">"), ("突破", ">"), ("超", ">"), ("跨越", ">"), ("迈上", ">="),
    ("不超过", "<="), ("不高于", "<="), ("控制在", "<="),
    ("低于", "<"), ("少于", "<"), ("不足", "<"),
    ("大约", "~"), ("约有", "~"), ("约为", "~"), ("约", "~"), ("接近", "~"), ("近", "~"),
]
_PREFIX_BY_LENGTH = sorted(_PREFIX_COMPARATORS, key=lambda wc: len(wc[0]), reverse=True)
_SUFFIX_COMPARATORS = [("以上", ">="), ("以内", "<="), ("以下", "<="), ("左右", "~"), ("上下", "~")]
SUFFIX_COMPARATOR_WORDS = tuple(word for word, _ in _SUFFIX_COMPARATORS)  # written after the number

_ARABIC = r"\d+(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_NUM = f"[{_CN_NUMERAL_CHARS}]+(?:点[〇零一二三四五六七八九]+)?"
_MAG = r"万亿|千万|百万|十万|亿|万|千(?![米克瓦伏帕])"
_APPROX = r"多|余"
_RANGE_SEP = r"\s*(?:--|——|-|~|至|到|—|–)\s*"
_RANGE_SEP_RE = re.compile(_RANGE_SEP)

# One numeral with magnitude, approximation word and unit; ranges are joined later.
_NUMBER_RE = re.compile(
    rf"(?=[百0-9{_CN_NUMERAL_CHARS}])(?P<pct>百分之)?(?P<num>{_ARABIC}|{_CN_NUM})"
    rf"(?P<approx1>{_APPROX})?(?P<mag>{_MAG})?(?P<approx2>{_APPROX})?"
    rf"(?P<unit>{_UNIT_RE})?"
)

# Words made with a numeral that are not quantities (checked on the text around a match).
_NUMERAL_WORDS = re.compile(
    "一体|一批|一流|一些|一切|一起|一律|一致|一道|一直|一定|一样|一般|一向|一线|一带一路|一站式|一网|一门|一窗|一件事|一张网|一盘棋"
    "|统一|唯一|万一|进一步|第一|之一|其一|一方面|一次性|一是|二是|三是|四是|五是|六是|七是|八是|九是|十是"
    "|千方百计|万众|百姓|百花|百年|千家万户|三农|两岸|三峡|五四|十分|万物|一把手|一揽子"
    "|两个确立|两个维护|四个意识|四个自信|三公|一号|十大|百强|五年规划|三中全会|四中全会|五中全会|二中全会|六中全会|七中全会"
    "|一中全会|全会|一次会议|二次会议|三次会议|四次会议|五次会议|六次会议|七次会议|一轮|一手|一环|一带|两翼|一核|多点"
    "|个五年|五年计划|几十|几百|几千|几万|数十|数百|数千|数万|十几"
    "|[三四五]位一体|[两三双]位数|两个大局|零部件|[二三四五六七八九十]部门"
    # The names of campaigns, schools, rules and slogans: 三年攻坚行动, 十年禁渔, 三年“倍增”计划, 九年一贯制,
    # 学前三年, 十项规定, 四项基本原则, 两项补贴, 铁人三项, 四个现代化, 两个市场、两种资源.
    "|[一二三四五两]年(?:行动|目标|规划)|[一二三四五六七八九十两]年(?:计划|攻坚|禁捕|禁渔|一贯制|倍增|大会战|会战|专项"
    "|改革行动|提升行动)|[一二三四五六七八九十两]年[“\"]|学前[一二三]年|[一二三四五六七八九十]+年大变样|新[一二三四五六七八九十]+年"
    "|[一二三四五六七八九十两]项(?:规定|改革|战略|补贴|基本原则|原则|公报|基本国策|国策|主张)|铁人三项"
    "|四个现代化|两个积极性|两个文明|两份答卷|两个市场|两种资源|三个联合公报|八项主张|两个超级大国|十万火急"
    # Vehicles and rounds (三轮车, 二轮延包), classes and grades (千万级, 四类重点项目, 二级以上天数), phases of
    # a project (南沙港五期), ranks (第一、二、三位), spans that are no figure (五年前, 五年累计).
    "|[二三四]轮(?=[二三四]轮|车|摩托)|[一二三]轮(?:延包|土地承包)|[十百千万亿]{1,2}级"
    "|[一二三四五]类(?:及以上|以上|水|断面|(?=重点|项目))|[一二三]级(?:及)?以上(?=天数|医院|公立医院)"
    "|[一二三四五六七八九十]期|第[一二三四五六七八九十]+(?:、[一二三四五六七八九十]+)+位"
    "|[一二三四五六七八九十两]+年(?:前|以前)|[一二三四五六七八九十]+年累计"
    # 市县乡村四级, 三级消协组织: tiers of an organisation, not a count promised.
    "|[二三四五六]级(?![以左上])(?=[\u4e00-\u9fff])"
    # 三次产业 (the three sectors), 二、三次管网 (secondary and tertiary networks), 二次创业 and 二次供水
    # ("second", "secondary"); 十届二次全会, 省委六届三次 (a term's plenary sessions). 两次 is twice.
    "|[一二三]次(?:产业|管网|管线)|二次(?![以左多余])(?=[\u4e00-\u9fff])|届[一二三四五六七八九十]+次|[一二三四五六七八九十]次全会"
    "|[一二三四五六七八九十]次、[一二三四五六七八九十]{1,2}次"  # 省委九届九次、十次和…全会
    "|今后[一二三四五六七八九十]+年|未来[一二三四五六七八九十]+年|[一二三四五]级(?:标准|甲等|乙等|医院|响应|旧里)"
    "|过去[一二三四五六七八九十]+年|[一二三四五六七八九十两]+年来|近[一二三四五六七八九十两]+年|[一二三四五六七八九十]+年以来"
    "|四川|三亚|九江|十堰|六安|五指山|七台河|二七|九龙|三明|三门峡|四平|双鸭山|一中|二中|三中|零跑动|零距离|零容忍|零增长|零成本"
)

_CN_UNIT_WORDS = ("个百分点|百分点|%|个|条|项|宗|株|棵|亩|所|座|家|户|人|元|吨|公里|千米|米|斤|辆|台|套|处|件|名|位|批|年|"
                  "个月|天|小时|倍|类|级|次|场|张|间|栋|部|艘|平方米|公顷|万|亿|成")
_CN_UNIT_AFTER = re.compile(f"(?:万亿|千万|百万|十万|亿|万|千)?(?:多|余)?(?:{_CN_UNIT_WORDS})")


# Where a quantity could start: a digit, 百分之, or a Chinese numeral with a magnitude, unit or range
# after it (what _is_not_a_quantity asks of a Chinese numeral first). Most clauses with a numeral hold it
# inside a word (进一步, 统一, 一体化): one search rules them out instead of a check per numeral.
# One character class first, and the rest as look-behinds: re then scans for that class at C speed
# (an alternation at the top would be tried at every position, three times slower).
# (A unit is told by its first character: a looser test than the unit words, as cheap to compile as to run.)
_UNIT_FIRST_CHARS = "".join(sorted({u[0] for u in _UNITS} | {u[0] for u in _CN_UNIT_WORDS.split("|")}))
_COULD_BE_QUANTITY = re.compile(
    f"[0-9{_CN_NUMERAL_CHARS}](?:(?<=[0-9])|(?<=百)分之|(?:多|余){{0,2}}"
    f"[万亿千百十{re.escape(_UNIT_FIRST_CHARS)}到至~-])")


def could_hold_quantity(text: str) -> bool:
    """False when `text` certainly holds no quantity (find_quantities would find none); a quick test.

    >>> could_hold_quantity("进一步推进一体化"), could_hold_quantity("新建学校三所"), could_hold_quantity("增长5%")
    (False, True, True)
    """
    return _COULD_BE_QUANTITY.search(text) is not None or "番" in text and _DOUBLING.search(text) is not None


_CN_RANGE_AFTER = re.compile(
    f"(?:到|至|-|~)[{_CN_NUMERAL_CHARS}]+(?:万亿|千万|百万|十万|亿|万|千)?(?:{_UNIT_RE})")


_QUOTE_OPENING = re.compile(r'[“《"「]')


def _in_quotes(clause: str, pos: int) -> bool:
    """True when pos lies inside “…” or 《…》 (slogans, plan and document names).

    Only the 200 characters before pos are looked at: a slogan or a title is shorter, and a clause
    of thousands of figures (a table the page flattened) stays linear.
    """
    window = max(0, pos - 200)
    if not _QUOTE_OPENING.search(clause, window, pos):
        return False  # most clauses quote nothing
    for open_, close in (("“", "”"), ("《", "》"), ('"', '"'), ("「", "」")):
        if open_ == close:
            if clause.count(open_, window, pos) % 2 == 1:
                return True
            continue
        left = clause.rfind(open_, window, pos)
        if left != -1 and clause.rfind(close, window, pos) < left:
            return True
    return False


_PREFIX_LAST_CHARS = frozenset(word[-1] for word, _ in _PREFIX_COMPARATORS)


def _prefix_comparator(clause: str, start: int) -> tuple[str | None, int]:
    before = clause[:start].rstrip()
    if before[-1:] not in _PREFIX_LAST_CHARS:
        return None, start  # most numbers follow no comparator word: one test instead of 18
    for word, comp in _PREFIX_BY_LENGTH:
        if before.endswith(word):
            if word == "超" and before.endswith(("赶超", "高超")):
                return None, start  # 赶超5个百分点: catching up, not "more than"
            if word == "约" and before.endswith(("签约", "节约", "合约", "公约", "条约", "履约")):
                return None, start  # 项目签约3543亿元: signed, not "about"
            return comp, len(before) - len(word)
    return None, start


_SUFFIX_FIRST_CHARS = frozenset(word[0] for word, _ in _SUFFIX_COMPARATORS)


_ALTERNATIVE_UNIT = re.compile(r"[(（][^)）]{1,3}[)）]")


def _suffix_comparator(clause: str, end: int) -> tuple[str | None, int]:
    after = clause[end:end + 3]
    if after[:1] in "(（" and (alternative := _ALTERNATIVE_UNIT.match(clause, end)):
        # 300台(件)以上: the comparator after the unit's alternative
        comp, past = _suffix_comparator(clause, alternative.end())
        return (comp, past) if comp else (None, end)
    if after[:1] not in _SUFFIX_FIRST_CHARS:
        return None, end
    for word, comp in _SUFFIX_COMPARATORS:
        if after.startswith(word):
            return comp, end + len(word)
    return None, end


def _is_not_a_quantity(clause: str, m: re.Match) -> bool:
    """Years, dates, ordinals, headings, labels and numeral words."""
    num, start, end = m.group("num"), m.start("num"), m.end()
    unit = m.group("unit")
    is_arabic = num[0].isdigit()
    after = clause[m.end("num"):m.end("num") + 12]
    # The common case first: a Chinese numeral inside a word (一体化, 进一步) has no unit after it; one with
    # a magnitude of its own (裁减军队员额五十万, 人口控制在十二亿以内) is an amount without one.
    if not is_arabic and not (unit or m.group("mag") or m.group("pct")) \
            and not _CN_UNIT_AFTER.match(after) and not _CN_RANGE_AFTER.match(after) and not _cn_amount(num):
        return True
    before = clause[max(0, start - 12):start]
    prev = before[-1:] if before else ""
    nxt = after[:1]
    # A number with a character lost inside it (1?43亿美元: the page lost the decimal point) cannot be read.
    if (nxt == "?" and after[1:2].isdigit()) or (prev == "?" and before[-2:-1].isdigit()):
        return True
    # Glued to Latin letters or formula signs: 5G, C919, PM2.5, 1+18+N, 3D.
    if _LATIN_OR_SIGN_AFTER.match(nxt) and unit is None or _LATIN_OR_PLUS_BEFORE.match(prev):
        return True
    if prev in "+=-" and before[-2:-1] and not before[-2:-1].isdigit() and prev == "+":
        return True
    if _in_quotes(clause, start):
        return True
    # Ordinals: 第二轮, 第十四届; 其一.
    # A Chinese numeral opening a clause is seldom an amount (三次产业, 五年新增…, 三件大事, 三棵树 a brand).
    if prev == "第" or (prev in ("", "其", "初", "之") and not is_arabic and not m.group("pct")):
        return True
    # Ranks (居全国前10位, 前100名) and types (2型糖尿病) are places in an order and names, not amounts.
    if unit in ("位", "名") and (prev == "前" or _RANK_LIST_BEFORE.search(before)) or unit is None and nxt == "型":
        return True  # (分别居全省第一、二、三位: the 第 of a list of ranks)
    # 500亿级产业集群, 千万吨炼化基地, 百万吨乙烯基地: a size that names a class of what is built.
    if unit == "级" and m.group("mag") or num[0] in "百千万" and unit and _CLASS_NOUN_AFTER.match(clause, m.end()):
        return True
    # Headings: 一、 (四) 1. 1、 at the clause start.
    if _HEADING_MARK_AFTER.match(nxt) and unit is None and clause[:start].strip() in ("", "(", "（"):
        return True
    if prev in ("", "(", "（", "[", "【", "〔") and _CLOSING_PAREN.match(nxt):  # (四), footnote markers [41] 〔1〕
        return True
    # Anniversaries (成立75周年) count years since an event; they commit to nothing. 二单元 is a unit's name.
    if unit == "周年" or unit == "单" and clause[end:end + 1] == "元" or unit == "期" and clause[end:end + 2] in ("工程", "项目"):
        return True  # 3期工程 is a phase's name
    # 10亿元以上项目, 营收超百亿元企业, 收入10万元以上的村, 迈上万亿元台阶: an amount that names a class
    # of what is counted, not an amount promised (as 亿元以上项目 is).
    if unit and unit.endswith("元"):
        cls = _CLASS_AFTER.match(clause, m.end())
        if cls and (cls.group(1) or prev in ("超", "过") or cls.group(2) == "台阶" and prev == "个"):
            return True
        if prev in ("超", "过") and _CLASS_BEFORE_A_COUNT.match(clause, m.end()):
            return True  # 销售收入超百亿元的30家企业, 生产总值超200亿元的县达到34个
    # 15分钟便民生活圈, 1小时通勤圈: the reach of a "circle" names it; it is not a time promised.
    if unit in ("分钟", "小时") and _CIRCLE_AFTER.match(clause, m.end()):
        return True
    # 经二路, 纬十三路, 北环北二路, 106路公交: the name of a road or a bus route, unless a verb opening
    # routes comes before (开通3路公交).
    if unit == "路" and not _ROUTE_COUNT_BEFORE.search(before):
        return True
    # Voltages name a class of line or substation (110千伏变电站), never an amount promised; so does a
    # size followed by 级 (100兆瓦级储能, 30万吨级码头).
    if unit in ("千伏", "伏") or clause[end:end + 1] == "级" and unit:
        return True
    # Dates and calendar years: 2024年, 3月5日, 二〇二四年, 2024-01-14, 10:40.
    if is_arabic:
        plain = num.replace(",", "")
        if _YEAR_DIGITS.fullmatch(plain) and (nxt in ("年", "-", "—", "~", "至", "到", "/", "")
                                                      or after.startswith(("年", "级", "届"))):
            if not (m.group("mag") or (unit and unit != "年")):
                return True
        if _DATE_OR_TIME_AFTER.match(after) and "." not in num or _ERA_AFTER.match(after):
            return True
        if _DOTTED_DATE.match(num) and _DAY_AFTER.match(after) is not None:
            return True
        # A term of a ratio (三次产业结构调整为8.8:27.8:63.4, 1比1) or a time of day (10:40), what follows a
        # slash (the day of 2024/1/5; a fraction is read before this): not an amount.
        if nxt in _RATIO_SIGNS and after[1:2].isdigit() or prev in _AFTER_SLASH_OR_RATIO and before[-2:-1].isdigit():
            return True
        # A digit among Chinese numerals is a year written with both (二0二五年), not an amount.
        if prev in _CN_DIGIT_CHARS and (nxt in _CN_DIGIT_CHARS or nxt == "年"):
            return True
        # Labels: 世界500强 (a ranking's name), 1#地块 (a plot's number).
        if unit is None and nxt in ("强", "#"):
            return True
        # Lists of labels (1,2,3号线; 110、119、120联动), codes and phone numbers.
        if unit is None and not m.group("mag"):
            if _LIST_AFTER.match(after) or _LIST_BEFORE.search(before):
                return True
            if plain.startswith("0") and len(plain) > 1 and "." not in plain:
                return True
            if "." not in plain and "," not in num and 1900 <= int(plain) <= 2100:
                return True  # 2021中国国际数字经济博览会, 2035规划, (2026版): a year as a label
            if "." not in plain and len(plain) >= 5 and "," not in num:
                return True  # 12345热线, 463000 postal codes: amounts of that size carry a unit
            if _CODE_LABEL_BEFORE.search(before) \
                    or _CODE_WORD_AFTER.match(after):
                return True
        # An item number glued to its item (a list flattened by the web page: 9推进全民健身中心建设).
        if start == 0 and unit is None and not m.group("mag") and len(num) <= 2 and _CJK.match(nxt) \
                and nxt not in "至到":  # 6至7个 opens a range
            return True
        # Month ranges: 1-6月, 1至5月.
        if _MONTH_RANGE_AFTER.match(after) and len(plain) <= 2:
            return True
        # Version labels: 营商环境5.0, 工业4.0.
        if _VERSION_NUMBER.fullmatch(num) and unit is None and not m.group("mag") and prev and not prev.isdigit():
            return True
    else:
        if _parse_cn_number(num) is None and not (m.group("pct") and num == "百") and _leading_unit_value(m) is None:
            return True
        if _CN_YEAR_DIGITS.fullmatch(num) and nxt == "年":
            return True  # 二〇二四年
        if _NOT_A_COUNT_AFTER.match(after):
            return True
        window = clause[max(0, start - 3):end + 6]  # 6 after: 四项基本原则 ends 4 characters past its 项
        for w in _NUMERAL_WORDS.finditer(window):
            ws, we = w.start() + max(0, start - 3), w.end() + max(0, start - 3)
            if ws < m.end("num") and we > start:
                return True
        # 这五年, 是改革开放持续深化的五年: the span a speech looks back on, not a duration it states.
        if unit == "年" and not clause[end:].strip() and (prev in ("这", "的", "性") or clause.startswith(("是", "这", "将是"))):
            return True  # 是继往开来、承上启下的重要五年
        # A bare Chinese numeral needs a unit or magnitude to be a quantity,
        # and 一 alone is usually the article "a".
        cn_range = bool(_CN_RANGE_AFTER.match(after))
        if not (unit or m.group("mag") or m.group("pct")) and not _CN_UNIT_AFTER.match(after) and not cn_range \
                and not _cn_amount(num):
            return True
        if num == "一" and not m.group("mag") and unit not in ("个百分点", "倍", "%") and not cn_range:
            return True
    return False


def _cn_amount(num: str) -> bool:
    """A Chinese numeral with a magnitude inside it, led by a digit word: 五十万, 十二亿, 十亿六千万 (not 千万,
    the adverb, nor 万一).

    >>> _cn_amount("五十万"), _cn_amount("十亿六千万"), _cn_amount("千万"), _cn_amount("三")
    (True, True, False, False)
    """
    return len(num) >= 2 and num[0] in "一二三四五六七八九十两" and ("万" in num or "亿" in num)


def _leading_unit_value(m: re.Match) -> float | None:
    """A numeral that opens with its unit, 一 left out: 百亿元, 千万人次, 百余个, 万余人 (1e10, 1e7, 100, 1e4).

    One character alone counts only before 余/多 (百余个): 每千人口, 万元生产总值 and 千米 are not amounts.
    """
    num = m.group("num")
    if num[0] not in "百千万" or (len(num) == 1 and not m.group("approx1")) or m.group("pct"):
        return None
    if m.start() and m.string[m.start() - 1] in "/每":
        return None  # 0.6人/百亿元, 每百万人口: the measure's denominator, not an amount
    value = _parse_cn_integer("一" + num)
    return None if value is None else float(value)


def _value_of(m: re.Match) -> float | None:
    num, mag = m.group("num"), m.group("mag")
    if mag in _CN_BIG_UNITS and m.group("approx1") and not num[0].isdigit():
        # 五亿二千多万: the 万 after 多 belongs to 二千, not to 五亿二千 (520,000,000, not 5.0e12).
        whole = _parse_cn_integer(num + mag)
        if whole is not None:
            return float(whole)
    value = 100.0 if (m.group("pct") and num == "百") else parse_number(num)
    if value is None:
        value = _leading_unit_value(m)
    if value is None:
        return None
    if mag:
        value *= _MAGNITUDES[mag]
    return value


def _unit_of(m: re.Match) -> str | None:
    if m.group("pct"):
        return "%"
    unit = m.group("unit")
    if unit in ("百分点",):
        return "个百分点"
    if unit in ("万元", "亿元"):
        return "元"
    if unit == "万人次":
        return "人次"
    if unit == "个工作日":
        return "工作日"
    return unit


def _unit_scale(m: re.Match) -> float:
    unit = m.group("unit")
    return {"万元": 1e4, "亿元": 1e8, "万人次": 1e4}.get(unit or "", 1.0)


def _tidy(value: float | None) -> float | None:
    """A value to 15 significant digits, as many as a float holds: 2.3亿 is 230000000.0, not the
    229999999.99999997 that 2.3 * 1e8 gives.

    >>> _tidy(2.3 * 1e8), _tidy(0.1 + 0.2), _tidy(None)
    (230000000.0, 0.3, None)
    """
    return None if value is None else float(f"{value:.15g}")


_PLAIN_INTEGER = re.compile(r"[1-9]\d{0,2}")


def _fraction(clause: str, m: re.Match, nxt: re.Match | None) -> float | None:
    """The share a/b in per cent when m and nxt are the two integers of a fraction (1/3, 1/10);
    None for anything else: dates and codes (2024/1/5, 5/12/3), improper 3/2.

    >>> _fraction("减少1/3以上", *_NUMBER_RE.finditer("减少1/3以上"))
    33.3333333333333
    """
    end = m.end()
    if nxt is None or nxt.start() != end + 1 or clause[end:end + 1] != "/" \
            or m.group("mag") or m.group("unit") or m.group("pct") or nxt.group("pct") or nxt.group("mag"):
        return None
    a, b = m.group(), nxt.group("num")
    if not (_PLAIN_INTEGER.fullmatch(a) and _PLAIN_INTEGER.fullmatch(b)) or int(a) >= int(b) \
            or clause[m.start() - 1:m.start()] in ("/", ".") or clause[nxt.end("num"):nxt.end("num") + 1] in ("/", "."):
        return None
    return _tidy(100 * int(a) / int(b))


def find_quantities(clause: str) -> list[Quantity]:
    """Every quantity in one clause, in order of appearance.

    >>> [(q.value, q.unit, q.comparator) for q in find_quantities("新建学校5所、幼儿园12所")]
    [(5.0, '所', '='), (12.0, '所', '=')]
    >>> [(q.value, q.comparator) for q in find_quantities("常住人口6600多万")]
    [(66000000.0, '>')]
    >>> [(q.value, q.unit) for q in find_quantities("百分之五")]
    [(5.0, '%')]
    """
    found: list[Quantity] = []
    if not could_hold_quantity(clause):
        return found
    matches = list(_NUMBER_RE.finditer(clause))
    if "分之" in clause:
        found, matches = _chinese_fractions(clause, matches)
    if "番" in clause:
        doublings, matches = _doublings(clause, matches)
        found += doublings
    read_first = bool(found)  # fractions and doublings come first in `found`: sorted at the end
    if "岁" in clause:  # 0—6岁儿童, 65岁及以上老年人: who is meant, not a figure promised
        matches = _outside(matches, [m.span() for m in _AGE_QUALIFIER.finditer(clause)])
    i = 0
    while i < len(matches):
        m = matches[i]
        i += 1
        share = _fraction(clause, m, matches[i] if i < len(matches) else None)
        if share is not None:
            # 减少1/3以上: a share, in per cent (33.33…%), so that it compares with next year's 30%.
            value, unit, value_high, comparator = share, "%", None, "="
            start, end = m.start(), matches[i].end()
            i += 1
        elif _is_not_a_quantity(clause, m):
            continue
        else:
            value = _value_of(m)
            if value is None:
                continue
            value *= _unit_scale(m)
            unit = _unit_of(m)
            start, end = m.start(), m.end()
            if unit == "台" and clause[end:end + 1] == "阶":
                unit, end = None, end - 1  # 迈上5万亿台阶: a step, not machines
            value_high = None
            comparator = "="
            if m.group("approx1") or m.group("approx2"):
                comparator = ">"
        # A range: 6%-6.5%, 6-7万人, 8000万至1亿元; 百分之八至九 and 百分之八至百分之九 are 8-9%.
        if share is None and i < len(matches):
            sep = _RANGE_SEP_RE.match(clause, end)
            nxt = matches[i]
            if sep and nxt.start() == sep.end() and m.group("pct") and not (nxt.group("unit") or nxt.group("mag")):
                high = _value_of(nxt)
                if high is not None and high > value:
                    value_high, comparator, end = high, "range", nxt.end()
                    i += 1
            elif sep and nxt.start() == sep.end() and not m.group("pct") \
                    and not _is_not_a_quantity(clause, nxt) and not (m.group("approx1") or m.group("approx2")):
                high = _value_of(nxt)
                sep_word = sep.group().strip()
                # 到 after a unit-less first number needs the second's unit: 提高到 is not a range.
                if high is not None and (unit is None or nxt.group("unit") is None or _unit_of(nxt) == unit) \
                        and not (sep_word in ("到", "至") and m.group("unit") is None and nxt.group("unit") is None
                                 and not nxt.group("mag")):
                    # 6-7万人: a bare first number takes the second's magnitude and unit (1000元-30万元 does
                    # not: it has its own unit). Nothing changes unless it is a range after all.
                    low, low_unit = value, unit
                    if not m.group("mag") and nxt.group("mag") and m.group("unit") is None:
                        low *= _MAGNITUDES[nxt.group("mag")]
                    high *= _unit_scale(nxt)
                    if unit is None or m.group("unit") is None:
                        low_unit = _unit_of(nxt)
                        if m.group("unit") is None and nxt.group("unit") in ("万元", "亿元"):
                            low *= _unit_scale(nxt)
                    if high > low:
                        value, unit, value_high, comparator, end = low, low_unit, high, "range", nxt.end()
                        i += 1
        # 70和50亿元: a bare number before a joiner takes the next one's magnitude and unit.
        if comparator != "range" and share is None and unit is None and not m.group("mag") and not m.group("pct") \
                and i < len(matches) and m.group("num")[0].isdigit() and matches[i].group("unit") \
                and clause[end:matches[i].start()] in ("和", "、", "或"):
            nxt = matches[i]
            value *= (_MAGNITUDES[nxt.group("mag")] if nxt.group("mag") else 1) * _unit_scale(nxt)
            unit = _unit_of(nxt)
        if unit == "倍" and clause[end:end + 1] in ("多", "余"):
            comparator, end = ">", end + 1  # 2倍多: more than twice
        elif unit == "个" and clause.startswith("多百分点", end):
            unit, comparator, end = "个百分点", ">", end + 4  # 提高2个多百分点
        if comparator != "range":
            prefix, pstart = _prefix_comparator(clause, start)
            suffix, send = _suffix_comparator(clause, end)
            if suffix == "~" or (prefix == "~" and suffix is None):
                comparator = "~"
            elif suffix:
                comparator = suffix
            elif prefix and comparator == "=":
                comparator = prefix
            if prefix:
                start = pstart
            end = send
            # A unit after the suffix word: 6个以上 already has it; 5以上个 does not occur.
            if unit is None and suffix:
                um = re.match(_UNIT_RE, clause[end:])
                if um:
                    unit = um.group()
                    end += len(unit)
        found.append(Quantity(_tidy(value), _tidy(value_high), unit, comparator, clause[start:end], start, end))
    return sorted(found, key=lambda q: q.start) if read_first else found


def _outside(matches: list[re.Match], spans: list[tuple[int, int]]) -> list[re.Match]:
    """The number matches that start outside every span (an age band, a fraction or a doubling read already)."""
    if not spans:
        return matches
    return [m for m in matches if not any(a <= m.start() < b for a, b in spans)]


_DOUBLING = re.compile(r"翻([一二两三四])?番")


def _doublings(clause: str, matches: list[re.Match]) -> tuple[list[Quantity], list[re.Match]]:
    """翻一番 (doubles), 翻两番 (doubles twice), 翻番: the count of doublings, unit 番, as written.

    >>> [(q.value, q.unit, q.raw) for q in _doublings("地区生产总值比2020年翻一番", [])[0]]
    [(1.0, '番', '翻一番')]
    """
    found, spans = [], []
    for dm in _DOUBLING.finditer(clause):
        times = _CN_DIGITS[dm.group(1)] if dm.group(1) else 1
        found.append(Quantity(float(times), None, "番", "=", dm.group(), dm.start(), dm.end()))
        spans.append(dm.span())
    # 实现两个翻一番: the goals counted are the doublings themselves.
    return found, [m for m in _outside(matches, spans) if not clause.startswith("个翻", m.end("num"))]


_CN_FRACTION = re.compile(r"([一二三四五六七八九十两]+)分之([一二三四五六七八九十]+)")


def _chinese_fractions(clause: str, matches: list[re.Match]) -> tuple[list[Quantity], list[re.Match]]:
    """三分之一 and 三分之二 as shares in per cent (as 1/3 is), and the number matches outside them.

    >>> [(q.value, q.comparator, q.raw) for q in _chinese_fractions("减少三分之一以上", [])[0]]
    [(33.3333333333333, '>=', '三分之一以上')]
    """
    found = []
    spans = []
    for fm in _CN_FRACTION.finditer(clause):
        whole, part = _parse_cn_integer(fm.group(1)), _parse_cn_integer(fm.group(2))
        if not whole or part is None or part >= whole:
            continue
        start, end = fm.span()
        prefix, pstart = _prefix_comparator(clause, start)
        suffix, send = _suffix_comparator(clause, end)
        comparator = suffix or prefix or "="
        if suffix is None and prefix == "~":
            comparator = "~"
        start = pstart if prefix else start
        found.append(Quantity(_tidy(100 * part / whole), None, "%", comparator, clause[start:send], start, send))
        spans.append(fm.span())
    return found, _outside(matches, spans)
