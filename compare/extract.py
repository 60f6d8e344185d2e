"""Extract the target table: one row per commitment or reported figure.

Each numeric quantity in a clause is a row; a plan clause without a number
that commits to an action (``建立粤港澳大湾区智库``) is a row with a null value.

>>> df = targets_from_text("今年主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上。", year=2024)
>>> df.select("indicator", "indicator_key", "value", "unit", "comparator", "direction").rows()
[('国内生产总值', '国内生产总值', 5.0, '%', '~', 'up'), ('城镇新增就业', '城镇新增就业', 12000000.0, '人', '>=', None)]
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, NamedTuple, Sequence

from compare.quantity import SUFFIX_COMPARATOR_WORDS, Quantity, could_hold_quantity, find_quantities, parse_number
from compare.segment import PLAN_PERIOD_ENDS, segment_report, split_clauses

__all__ = ["TARGET_COLUMNS", "target_schema", "extract_targets", "extract_rows", "table_rows", "targets_from_text",
           "indicator_key", "canonical_keys", "empty_targets"]

# Precompiled patterns of the hot paths (re's own cache costs ~1.5 µs a call).
# Note marks go whole (两不愁三保障〔1〕, 行动^[4]), so that their digits do not join the words.
_QUOTES_AND_BRACKETS = re.compile(r"\^?[〔\[【]\d{1,3}[〕\]】]|[“”\"《》()（）\[\]?]")
# 及以上 / 及以下 ("and above"), as in 地级及以上城市, joins no list.
_LIST_JOINERS = re.compile(r"[和与、]|以及|(?<!以)及(?!以[上下])")
_SHARE_JOINERS = re.compile(r"[、和与]|及(?!以[上下])")
_ANY_DIGIT = re.compile(r"\d")
# 分别 with a verb right before a clause's one figure gives that figure to each listed share
# (工业投资、技改投资分别增长10%以上); 分别对应…三条控制线 and 分别储备起足够一年 count the list instead.
_EACH_BY = re.compile(r"分别[^、,，和与及]{0,4}$")
_WHITESPACE = re.compile(r"\s+")
# 均 ("each", "all") as in 城镇、农村居民收入均增长8%; not the 均 of 人均, 平均, 年均 (per head, average).
_NOT_EACH_BEFORE_JUN = "人平年日户亩月周"
_EACH_JUN = re.compile(f"(?<![{_NOT_EACH_BEFORE_JUN}])均")
_EACH_GE = re.compile(r"各(?=[\d一二三四五六七八九十两])")  # 家庭农场、农民合作社各1000家: so many of each

# Column name and polars dtype name. Kept as names so that the row path (extract_rows, and the
# two-file `compare diff` built on it) never imports polars: importing it costs 0.3 s of start-up.
TARGET_COLUMNS: dict[str, str] = {
    "id": "String", "source": "String", "place": "String", "level": "String", "year": "Int64",
    "part": "String", "section": "String", "sentence": "String", "text": "String",
    "indicator": "String", "indicator_key": "String", "direction": "String",
    "value": "Float64", "value_high": "Float64", "unit": "String", "comparator": "String",
    "modality": "String", "deadline": "Int64", "restates": "String", "raw": "String",
    "start": "Int64", "end": "Int64",
    # Added to DESIGN.md's columns: for a reported figure, whether it is last year's ("year") or a
    # span of years' ("multi": 过去五年…年均增长), so outcomes do not take a five-year figure for a year's.
    "period": "String",
}


def target_schema() -> dict:
    """TARGET_COLUMNS as a polars schema (column name -> polars dtype)."""
    import polars as pl

    return {name: getattr(pl, dtype) for name, dtype in TARGET_COLUMNS.items()}


MODALITY_WORDS = ("确保", "力争", "争取", "努力", "力求", "务必", "基本")
# 基本 is firmness only before a verb: 基本建成 yes, 基本医疗保险 no.
_MODALITY_RE = re.compile(r"确保|力争|争取|努力|力求|务必|基本(?=建成|实现|完成|消除|形成|平衡|同步|稳定|覆盖|达到|解决|具备|恢复|持平|普及|落实|保持|消灭|满足|全覆盖)")
# 增加值, 涨幅 and 增速 name indicators; they are not verbs of direction.
_UP = re.compile(r"增长(?![率点极])|提高|增加(?!值)|上涨|上升|扩大|提升|增至|上调|调高|递增")
_DOWN = re.compile(r"下降|降低|减少|压减|下调|调低|缩减|缩小|回落|降至|削减|压缩|递减")

# Verbs of action that open a commitment; a plan clause starting with one is a row even without a number.
_ACTION_VERBS = (
    "推动 推进 建立 建设 建成 开设 开通 争取 设立 启动 编制 推行 搭建 完成 实施 开展 加快 打造 深化 制定 创建 举办 "
    "实现 落实 构建 新建 改造 治理 培育 引进 组建 出台 修订 健全 完善 扩大 提升 提高 优化 强化 加强 支持 鼓励 发展 "
    "促进 保障 稳定 扶持 整治 修复 开工 竣工 投用 投产 新增 增加 降低 减少 压减 控制 确保 力争 努力 全面 全覆盖 持续 "
    "继续 坚持 巩固 规划 筹建 申报 创成 引导 培养 设置 配套 升级 整合 试点 探索 部署 组织 举行 召开 办好 做好 抓好 建好 "
    "统筹 谋划 布局 推广 普及 更新 改善 防范 化解 规范 保护 夯实 拓展 壮大 畅通 守住 筑牢 兜牢 严格 打击 推出 招引 "
    "延伸 提速 补齐 织密 用好 管好 守好 擦亮 "
    "加大 增强 发挥 拓宽 丰富 释放 开发 严查 筹办 增设 贯彻 弘扬 维护 打好 打赢 抓实 做实 做优 做强 做大 提振 激发 "
    "盘活 营造 争创 加速 执行 实行 落细 用活"
).split()
_ACTION_RE = re.compile("|".join(sorted(_ACTION_VERBS, key=len, reverse=True)))

# Words stripped from the ends of an indicator: verbs, comparators, connectives (tried in this order).
_LEAD_WORDS = (
    "今年 全年 明年 力争 确保 争取 努力 力求 务必 基本 全市 全区 全县 全省 全州 全国 我市 我区 我县 我省 之间 "
    "主要预期目标是 预期目标是 目标是 实现 完成 达到 推动 推进 新建 建设 改造 治理 打造 开展 新增 推动 实施 加快 启动 "
    "其中 以及 和 与 及 、 并 同时 使 让 把 将 要 共 累计 预计 初步核算 继续 保持 再 全面 新开工 开工 竣工 培育 引进 "
    "安排 拟安排 拟 计划 发展 提供 帮助 支持 完成了 实现了 对标对表 等 的 带动 办好 发放 筹措 筹集 种植 新开通 开通 "
    "淘汰 创建 连续 用 压减 新增 落实 组织 培训 救助 资助 解决 吸纳 转移 建立 设立 开设 搭建 编制 制定 出台 "
    "深化 健全 完善 加强 强化 构建 巩固 坚持 探索 配合 全覆盖 推行 年内 我们 重点抓好 突出抓好 抓好 建好 "
    "提升 扩大 优化 升级 ?"
).split()
_TAIL_WORDS = (
    "分别 同比 比上年 较上年 年均 平均 增长 下降 提高 降低 增加 减少 上涨 涨幅 增幅 降幅 控制在 达到 达 超过 突破 "
    "不低于 不少于 不超过 不高于 至少 低于 少于 不足 大约 约 接近 近 为 是 在 到 了 至 的 实际 名义 保持 稳定在 以上 左右 "
    "和 与 以及 及 、 等 共 累计 新增 新建 建成 提升 下降到 提高到 降到 增至 降至 回落到 回落 稳定 完成 时间 拟按 按 实现 压减 继续 "
    "比去年 较去年 比上一年 可比 将 再 共有 只有 约有 每人 调高 调低 上调 下调 全年 今年 递增 递减 进一步 持续 稳步 逐步 力争 确保 争取 各 - "
    "扩大到 扩大至 增加到 增加至 减少到 减少至 提升到 提升至 缩小到 缩小至 ?"
).split()


def _word_alternation(words: list[str], guards: dict[str, str] | None = None) -> str:
    """A regex matching any of `words`, tried in the order given, behind a look-ahead for their first characters.

    It matches exactly what the bare alternation matches; the look-ahead only lets the engine give up
    on one character test where no word can start, instead of trying every word in turn. The tail
    words are tried at every position of every indicator (saves ~0.3 s on the corpus). `guards`
    adds a look-around to a word, written where it applies: ``(?<!签)`` before 约, ``(?!享)`` after 共.

    >>> _word_alternation(["增长", "下降"])
    '(?:(?=[下增])(?:增长|下降))'
    >>> _word_alternation(["共", "约"], {"共": "(?!享)", "约": "(?<!签)"})
    '(?:(?=[共约])(?:共(?!享)|(?<!签)约))'
    """
    guards = guards or {}
    firsts = "".join(sorted({word[0] for word in words}))
    alternatives = []
    for word in words:
        guard = guards.get(word, "")
        alternatives.append(guard + re.escape(word) if guard.startswith("(?<") else re.escape(word) + guard)
    return f"(?:(?=[{re.escape(firsts)}])(?:{'|'.join(alternatives)}))"


# A lead or tail word that is part of a word of the indicator: 要素, 共享, 共建, 计划生育, 和美乡村, 及时;
# 签约, 惠及, 接近, 附近, 可持续.
_LEAD_GUARDS = {"要": "(?![素求点件])", "共": "(?![享建同治富])", "计划": "(?!生育|单列)", "和": "(?![美谐])",
                "及": "(?![时早])"}
_TAIL_GUARDS = {"约": "(?<![签节合公条])", "及": "(?<![惠普涉波顾危以])", "近": "(?<![接附最])", "持续": "(?<!可)"}


# Verbs and connectives at the start, comparators and direction words at the end, in one match.
# 要 ("must") ends an indicator too, but not as the end of a word (纲要, 需要, 主要, 重要, 摘要);
# 比重要达到30% is 比重 + 要.
# (要 matched first and the look-behinds after it: tried at every position, a leading look-behind cost 0.1 s.)
_TAIL_YAO = "要(?<![纲需主摘提概必纪]要)(?<!(?<!比)重要)"
# 由 and 从 ("from") before the old figure, with its year: 保障面由1%提高到3% and 比重由2020年的7.2%提升至…
# measure 保障面 and 比重; 自由, 理由, 经由, 服从 and 自从 are words.
_TAIL_YOU = r"(?:由(?<![自理经缘来]由)|从(?<![自服遵听跟随无]从))(?:(?:19|20)\d\d年(?:底|末)?的?)?"
# When, not what: 到2028年建成乡村振兴示范区 measures 乡村振兴示范区; 2023年全市生产总值, 生产总值.
_YEAR_LEAD = r"(?:到|至|在)?(?:19|20)\d\d年(?:底|末)?(?:前|以前)?"
# An item number glued to its item at the start (1有序推进城市立面改造: a list the web page flattened) goes too.
# (Not a date, time or count: 5月底前, 24小时, 5个1000.)
_ITEM_NUMBER = r"\d{1,2}(?![月日号时点年个小天周期批项届次岁万千亿元])(?=[\u4e00-\u9fff])"
# 有 ("there are") ends an indicator too (地方有十四个), but not the words 拥有, 所有, 具有, 享有, 占有, 没有.
_TAIL_HAVE = "有(?<![拥所具享占没持含保]有)"
# 均 ("each") too (收入均增长8%), but not the 均 of 人均, 平均, 年均.
_TAIL_JUN = f"均(?<![{_NOT_EACH_BEFORE_JUN}]均)"
# 建成 leads an indicator (建成乡村振兴示范区), but not 建成区 (the built-up area).
_LEAD_JIANCHENG = "建成(?!区)"
# 非常规天然气产量2030年达到…: the due year after what is measured.
_YEAR_TAIL = r"(?:到|至|在|比|较)?(?:19|20)\d\d年(?:底|末)?(?:前)?"
_TAIL = f"(?:{_word_alternation(_TAIL_WORDS, _TAIL_GUARDS)}|{_TAIL_YAO}|{_TAIL_YOU}|{_TAIL_HAVE}|{_TAIL_JUN}|{_YEAR_TAIL})*"
_INDICATOR_CORE = re.compile(
    f"(?:{_ITEM_NUMBER})?(?:{_word_alternation(_LEAD_WORDS, _LEAD_GUARDS)}|{_YEAR_LEAD}|{_LEAD_JIANCHENG})*(.*?){_TAIL}", re.S)
# Only the tail stripped (and a leading time or place word): for words that are all verb (开展培训).
_TAIL_ONLY = re.compile(f"(?:今年|全年|明年|全市|全区|全县|全省)?(.*?){_TAIL}", re.S)
_TARGET_PREFIX = re.compile(r"^.*?(?:主要)?(?:预期)?目标(?:是|为)|^.*?(?:要求|任务)是")
_TARGET_PREFIX_HINT = re.compile(r"目标|要求是|任务是")
_TARGET_OF = re.compile(r"(?:的)?(?:主要)?(?:预期)?目标(?:是|为).*$")

_DEADLINE_RE = re.compile(r"(?:到|至|在)((?:20|19)\d\d)年|((?:20|19)\d\d)年(?:前|底|末|以前|年底|达到|实现|突破|力争|要)")
_PERIOD_END_RE = re.compile(r"[“\"]?(十[一二三四五]五)[”\"]?(?:期末|末|时期末)")
_TARGET_LIST_RE = re.compile(r"预期目标|主要目标|目标是|目标为")
# Words that name no indicator: the growth or level is of the one named before (较“十三五”末的…增长33.6%).
_INHERIT_RE = re.compile(r"^(?:同比|比上年|较上年|比去年|较去年|比上一年|年均|其中|同口径|较年初|比年初|按可比价格计算"
                         r"|增速|增幅|平均每年|五年来|年均实际|(?:较|比)(?:十[一二三四五]五末|上年末|年初|(?:19|20)\d\d年(?:末|底)?)的?)?$")


@lru_cache(maxsize=1)
def _synonym_table() -> tuple[list[tuple[str, str]], dict[str, str]]:
    """From the versioned table: (synonym, key) pairs matched by containment, longest first,
    and synonyms that count only as the whole indicator (经济 alone is GDP; 经济社会 is not)."""
    with resources.files("compare").joinpath("data/indicators.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    contained = [(r["synonym"], r["key"]) for r in rows if r.get("match", "contains") != "exact"]
    exact = {r["synonym"]: r["key"] for r in rows if r.get("match") == "exact"}
    return sorted(contained, key=lambda r: len(r[0]), reverse=True), exact


def _synonyms() -> list[tuple[str, str]]:
    return _synonym_table()[0]


@lru_cache(maxsize=1)
def canonical_keys() -> frozenset[str]:
    """The keys of the synonym table: indicators the project knows by name."""
    return frozenset(key for _, key in _synonyms()) | frozenset(_synonym_table()[1].values())


# Indicators repeat (the same words before the numbers of a clause, the same goals year after year):
# 36% of the calls on the corpus are repeats.
@lru_cache(maxsize=1 << 16)
def indicator_key(indicator: str | None) -> str | None:
    """Canonical name of an indicator: the longest synonym it contains, else itself.

    >>> indicator_key("地区生产总值"), indicator_key("单位国内生产总值能耗"), indicator_key("碧道")
    ('国内生产总值', '单位国内生产总值能耗', '碧道')
    """
    if not indicator:
        return indicator
    exact = _synonym_table()[1]
    if indicator in exact:
        return exact[indicator]
    # A share of an indicator (占全市生产总值的比重, 相当于生产总值的比例) is not the indicator itself.
    keys = _synonym_keys()
    found = [m.group(1) for m in _synonym_finder().finditer(indicator)
             if not _SHARE_BEFORE.search(indicator, 0, m.start()) and not _SHARE_AFTER.match(indicator, m.start() + len(m.group(1)))
             and not (keys[m.group(1)] in _PER_UNIT_BASES and _PER_UNIT_BEFORE.search(indicator, 0, m.start()))
             and not (m.group(1) == "粮食" and _NOT_GRAIN_OUTPUT_AFTER.match(indicator, m.end(1)))
             and not (keys[m.group(1)] in _TOTALS and _PART_OF_A_TOTAL_BEFORE.search(indicator, 0, m.start()))]
    return keys[max(found, key=len)] if found else indicator


_SHARE_BEFORE = re.compile(r"(?:占|相当于)[^，,]{0,4}$")
# 单位国内生产总值用水量 and 万元生产总值能耗 measure water and energy per unit of output, not output
# (but 全民所有制单位固定资产投资 is investment: there 单位 means the units that invest).
_PER_UNIT_BEFORE = re.compile(r"(?:单位|万元)(?:国内|地区|全市|全省|全区|全县)?$")
_PER_UNIT_BASES = frozenset(("国内生产总值", "规模以上工业增加值", "工业增加值"))
# The investment or output of one sector or zone (工业固定资产投资, 产业集聚区固定资产投资, 海洋生产总值) is a
# measure of its own, not the place's total.
_TOTALS = frozenset(("国内生产总值", "固定资产投资", "进出口", "社会消费品零售总额"))
_PART_OF_A_TOTAL_BEFORE = re.compile(r"(?:工业|农业|产业集聚区|集聚区|开发区|园区|民间|国有|海洋|数字经济|文化产业|旅游"
                                     r"|服务业|第[一二三]产业|制造业|房地产|基础设施|技改|高新技术产业|乡镇企业)"
                                     r"(?:完成)?(?:全社会)?$")
# 粮食 alone is the grain harvest, but not in 粮食安全, 粮食直补, 粮食播种面积, 粮食储备, 粮食单产.
_NOT_GRAIN_OUTPUT_AFTER = re.compile(r"安全|直补|补贴|购销|储备|种植|播种|面积|单产|价格|收购|流通|加工|能源|和重要农产品")
# 城乡居民收入比(由3.27缩小至2.93): a ratio, not income (收入比上年增长 compares with last year).
_SHARE_AFTER = re.compile(r"(?:增长)?中?的?(?:比重|比例|占比|贡献率|贡献)|比(?=$|由|从|为|达|缩|降|下降|控制|保持|稳定)")


@lru_cache(maxsize=1)
def _synonym_finder() -> re.Pattern:
    """Finds, at every position, the longest synonym starting there (a trie as a regex, so
    positions that start no synonym fail on their first character; the look-ahead for those
    characters makes that one test instead of one per branch of the trie's root)."""
    synonyms = [s for s, _ in _synonyms()]
    firsts = "".join(sorted({s[0] for s in synonyms}))
    return re.compile(f"(?=[{re.escape(firsts)}])(?=({_trie_regex(synonyms)}))")


def _trie_regex(words: list[str]) -> str:
    """A regex matching any of `words`, longest first at each branch.

    >>> _trie_regex(["生产总值", "生产"])
    '生产(?:总值)?'
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        inner = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a word ends here: what follows is optional, longest first
            return f"{inner}?" if len(branches) > 1 or len(inner) == 1 else f"(?:{inner})?"
        return inner

    return build(trie)


@lru_cache(maxsize=1)
def _synonym_keys() -> dict[str, str]:
    return dict(_synonyms())


def _light_clean(text: str) -> str:
    """The words before a number without the target preamble and quotes: where synonyms are looked up."""
    if _TARGET_PREFIX_HINT.search(text):
        text = _TARGET_PREFIX.sub("", text)
    if text[:1] in _ORDINAL_FIRST and not _THREE_SECTORS.match(text):
        text = _ORDINAL_OPENING.sub("", text, count=1)
    return _QUOTES_AND_BRACKETS.sub("", text)


# (二)加快建设…, 七是改扩建…, 3、完成…: the ordinal of a heading or list item, not part of what is measured.
_ORDINAL_OPENING = re.compile(r"^(?:[(（〔【\[][一二三四五六七八九十\d]{1,3}[)）〕】\]]|[一二三四五六七八九十]{1,3}(?:、|是(?=[\u4e00-\u9fff]))|"
                              r"\d{1,2}[、.．](?!\d))")
_ORDINAL_FIRST = frozenset("(（〔【[一二三四五六七八九十0123456789")


# _indicator_for asks for the words before a clause's first number once per number; 46% of the calls
# on the corpus are repeats.
@lru_cache(maxsize=1 << 16)
def _clean_indicator(text: str) -> str:
    """The indicator in the words around a number: without the target preamble, quotes, and the
    verbs, comparators and connectives at its ends.

    >>> _clean_indicator("落实人才发展规划纲要"), _clean_indicator("城镇新增就业要"), _clean_indicator("中央提出今年经济增长预期目标为")
    ('人才发展规划纲要', '城镇新增就业', '经济')
    """
    core = _INDICATOR_CORE.fullmatch(_light_clean(text)).group(1)
    if not core and _TARGET_PREFIX_HINT.search(text):
        # 经济增长预期目标为5%左右: the indicator is what the target is of.
        lead = _TARGET_OF.sub("", text)
        core = _INDICATOR_CORE.fullmatch(_QUOTES_AND_BRACKETS.sub("", lead)).group(1)
    if "提出" in core:
        # 中央提出今年经济增长预期目标为7%左右: who proposed it is not what is measured.
        after = _INDICATOR_CORE.fullmatch(core.split("提出", 1)[1].removeprefix("了")).group(1)
        core = after if len(after) >= 2 else core
    return core


def _indicator_for(clause: str, quantities: list[Quantity], k: int) -> tuple[str, str | None]:
    """What quantity k measures, and its key when the words name a known indicator.

    The words before the number, or after it when only a verb precedes; the
    first quantity decides the pattern for the whole clause, so
    ``推动3条地铁线路和5条过江隧道建设`` reads the nouns after each number.
    The key is looked up before verbs are stripped, so ``新增城镇就业`` and
    ``经济增长`` find theirs.
    """
    q = quantities[k]
    left = quantities[k - 1].end if k else 0
    segment = clause[left:q.start]
    before = _clean_indicator(segment)
    noun_after = len(_clean_indicator(clause[:quantities[0].start])) < 2
    # 建设29个研究基地、42个创新中心: words then a joiner between two numbers close the item of the first,
    # so the noun of each of them comes after it.
    following = clause[q.end:quantities[k + 1].start] if k + 1 < len(quantities) else ""
    # 实施城东污水厂、滨河公园等12个重点项目: the words before 等 are examples of what the number counts.
    number_first = (len(segment) > 2 and segment[-1] in _ITEM_JOINERS and k > 0) \
        or (len(following) > 2 and following[-1] in _ITEM_JOINERS) or segment.endswith("等")
    # 统筹推进10个行政村污水治理工程, 规划建设3.5万亩高标准农田: after a verb of action the number counts
    # the noun after it (but 研发投入强度提高2个百分点 names what changes before); so it does after a
    # modifier (年初确定的71个重点项目) or a scope (每个县区2-3家企业上市).
    if len(before) >= 2 and not (noun_after and k) and not number_first and q.unit not in _NOT_COUNTED_UNITS \
            and (_ENDS_WITH_ACTION.search(segment) or segment.endswith("的") or before.startswith("每")):
        counted = _noun_after(clause, quantities, k, item_only=True)
        # (…面积由2000年的23.5平方公里扩大到48平方公里: a verb after the number is no noun it counts.)
        if len(counted) >= 2 and not _ACTION_RE.match(counted) and not _UP.match(counted) and not _DOWN.match(counted):
            return counted, indicator_key(counted)
    if len(before) >= 2 and not (noun_after and k) and not number_first:
        return _whole_term(segment, before), _known_key(_light_clean(segment)) or indicator_key(before)
    if _TARGET_PREFIX_HINT.search(segment) and _known_key(segment):
        return _clean_indicator(segment) or before, _known_key(segment)
    after = _noun_after(clause, quantities, k) or before
    if not after:
        # 开展培训500场次以上, 全年培训40万人次: the verb is all the words say; it is what is counted.
        after = _TAIL_ONLY.fullmatch(_light_clean(segment).strip()).group(1)
    return after, indicator_key(after)


# Units of a rate or a change (提升0.2个百分点), and with them of a span (五年提升行动) or none: what they
# measure is named before the number, not counted after it.
_RATE_LIKE_UNITS = frozenset(("%", "个百分点", "倍", "成", "‰"))
_NOT_COUNTED_UNITS = _RATE_LIKE_UNITS | {"番", "年", None}
_ENDS_WITH_ACTION = re.compile(f"(?:{'|'.join(sorted(_ACTION_VERBS, key=len, reverse=True))})了?$")


def _noun_after(clause: str, quantities: Sequence[Quantity], k: int, item_only: bool = False) -> str:
    """The words after quantity k, up to the next quantity's item, as an indicator ('' when none);
    with `item_only`, up to the end of its list item too (改造3057个、总量居全国第二)."""
    right = quantities[k + 1].start if k + 1 < len(quantities) else len(clause)
    after = _UNIT_ALTERNATIVE.sub("", clause[quantities[k].end:right], count=1)  # 7万套(间)保障性租赁住房
    after = _LIST_JOINERS.split(after)[0] if k + 1 < len(quantities) else after
    if item_only:
        after = after.split("、", 1)[0]
        # 71个重点项目全部开工: what is counted ends where what is done to it, the clause's last verb, begins.
        verb = _ENDS_WITH_ACTION.search(after, 2)
        if verb:
            after = _DONE_TO_ALL.sub("", after[:verb.start()])
    return _clean_indicator(after)


_DONE_TO_ALL = re.compile(r"(?:全部|均|已|都|要|将|力争|确保)+$")


def _whole_term(segment: str, indicator: str) -> str:
    """The indicator widened to the known name it was cut from: 新增 of 新增城镇就业 and 增长 of
    经济增长 are part of the name, not the verbs around it.

    >>> _whole_term("今年经济增长预期目标为", "经济"), _whole_term("新增城镇就业", "城镇就业")
    ('经济增长', '新增城镇就业')
    """
    if len(indicator) > 6:
        return indicator  # longer than every name it could be a piece of that matters
    for match in _synonym_finder().finditer(segment):
        term = match.group(1)
        if len(term) > len(indicator) and indicator in term:
            return term
    return indicator


def _subject_key(commitment: str) -> str:
    """The key of a commitment without a number: a known indicator only when the clause opens with it
    (进出口回稳向好 -> 进出口); one it merely mentions (清理规范进出口环节收费) is not what it commits to.

    >>> _subject_key("进出口回稳向好"), _subject_key("清理规范进出口环节收费"), _subject_key("扩大外贸出口")
    ('进出口', '清理规范进出口环节收费', '出口')
    """
    if commitment in _synonym_table()[1]:
        return indicator_key(commitment)
    if _PROGRAMME_END.search(commitment):
        return commitment  # 粮食节约行动, 出口示范区建设: a programme, whatever it is about
    finder = _synonym_finder()
    m = finder.match(commitment)
    if m is not None and not _SHARE_AFTER.match(commitment, len(m.group(1))):
        return _synonym_keys()[m.group(1)]
    if _CHANGE_VERB_OPENING.match(commitment):
        # 提高户籍人口城镇化率, 扩大外贸出口: what a verb of change acts on ends the clause.
        ending = [f.group(1) for f in finder.finditer(commitment) if f.start() + len(f.group(1)) == len(commitment)]
        if ending and not _SHARE_BEFORE.search(commitment, 0, len(commitment) - len(ending[0])):
            return _synonym_keys()[ending[0]]
    return commitment


_PROGRAMME_END = re.compile(r"(?:行动|工程|计划|项目|平台|体系|中心|机制|制度|改革|试点|示范区|基地|园区|方案)$")
_CHANGE_VERB_OPENING = re.compile(r"(?:不断|逐步|稳步|大力|持续)?(?:提高|提升|降低|增加|扩大|稳定|减少|控制|保持|做大|壮大)")


_TARGET_WORDS_AT_END = re.compile(r"的?(?:宏观调控|主要|预期|增长)*(?:目标|指标)(?:是|为|定为)?$")


def _target_subject(clause: str) -> tuple[str, str] | None:
    """What a clause without a number sets a target for, when it names a known indicator and ends on
    目标 (今年经济增长速度的宏观调控目标 -> 经济增长速度, key 国内生产总值); None otherwise.

    >>> _target_subject("今年经济增长速度的宏观调控目标"), _target_subject("综合分析各方面的条件")
    (('经济增长速度', '国内生产总值'), None)
    """
    if not _TARGET_WORDS_AT_END.search(clause):
        return None
    key = _known_key(_light_clean(clause))
    if key is None:
        return None
    return _clean_indicator(_TARGET_WORDS_AT_END.sub("", clause)) or key, key


def _known_key(text: str) -> str | None:
    """The key of the longest synonym contained in text, or None."""
    key = indicator_key(text)
    return key if key != text else None


_ACTING_UPS = frozenset(("提升", "扩大"))


def _next_number_follows(clause: str, end: int, quantities: Sequence[Quantity]) -> bool:
    """Whether a quantity of a rate, or any quantity within two characters, follows position `end`."""
    for q in quantities:
        if q.start >= end:
            return q.unit in _RATE_LIKE_UNITS or q.start - end <= 2
    return False



def _directions(clause: str, quantities: Sequence[Quantity]) -> tuple[str | None, ...]:
    """For each quantity, the direction of the last verb of change before it: up (增长), down (下降) or None.

    The verbs are found once per clause, so a clause of thousands of figures stays linear.

    >>> _directions("增长5%，下降3%", find_quantities("增长5%，下降3%"))
    ('up', 'down')
    """
    # 改造提升农村公路2500公里, 扩大有效灌溉面积: 提升 and 扩大 act on what is counted (an upgrade, an
    # expansion); they give a count a direction only right before its number (扩大到500亩 is a level).
    ups = [m.end() for m in _UP.finditer(clause)
           if m.group() not in _ACTING_UPS or _next_number_follows(clause, m.end(), quantities)]
    downs = [m.end() for m in _DOWN.finditer(clause)]
    if not ups and not downs and "番" not in clause:
        return (None,) * len(quantities)
    out = []
    for q in quantities:
        if q.unit == "番":
            out.append("up")  # 翻一番 is its own verb
            continue
        up, down = bisect_right(ups, q.start), bisect_right(downs, q.start)  # verbs that end before it
        if not up and not down:
            out.append(None)
        else:
            rises = (ups[up - 1] if up else -1) > (downs[down - 1] if down else -1)
            if clause[q.start - 1:q.start] == "-" and q.start >= 2 and not clause[q.start - 2].isdigit():
                rises = not rises  # 增长-2.6%: a fall
            out.append("up" if rises else "down")
    return tuple(out)


def _deadline_in(text: str) -> int | None:
    """The due year a text names: 到2025年, 2025年底, "十四五"期末."""
    if "年" not in text and "末" not in text:
        return None
    m = _DEADLINE_RE.search(text)
    if m:
        return int(m.group(1) or m.group(2))
    m = _PERIOD_END_RE.search(text)
    return PLAN_PERIOD_ENDS[m.group(1)] if m else None


# A five-year plan a heading names: “十五五”时期, “十五”计划, “七五”时期, 展望“十四五”, 第一个五年计划,
# 今后五年.
_FIVE_YEAR_SECTION = re.compile(
    r"[“\"]?(十[一二三四五]五|十五|[六七八九]五)[”\"]?(?=的|时期|规划|期间|计划|发展|总体|目标|主要|$)"
    r"|第([一二三四五六七八九十]{1,3})个五年(?:计划|规划)|(?:今后|未来)五年")
_CN_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")


def _plan_end(m: re.Match, year: int) -> int | None:
    """The last year of the five-year plan a _FIVE_YEAR_SECTION match names.

    >>> [_plan_end(_FIVE_YEAR_SECTION.search(h), 1955) for h in ("第一个五年计划", "第六个五年计划", "“十五”计划")]
    [1957, 1985, 2005]
    """
    name, ordinal = m.group(1), m.group(2)
    if name:
        return PLAN_PERIOD_ENDS[name]
    if ordinal:
        # The first plan ran 1953-1957, the second to 1962; the third began in 1966 after three years of
        # adjustment, and every plan since has run five years.
        n = parse_number(ordinal)
        return None if n is None else 1957 if n == 1 else 1962 if n == 2 else 1970 + 5 * (int(n) - 3)
    return year + 4


@lru_cache(maxsize=4096)
def _section_deadline(section: str, year: int | None) -> int | None:
    """The due year of the targets under a five-year heading: “十五五”时期的主要目标任务 -> 2030,
    今后五年的主要任务 -> the report's year + 4; None when the heading also names the report's own year
    (“十五五”时期目标任务和2026年工作安排), whose sentences say which they mean.

    >>> _section_deadline("二、“十五五”时期主要目标任务 > (一)…", 2026), _section_deadline("二、今后五年工作任务", 2022)
    (2030, 2026)
    >>> _section_deadline("二、“十五五”时期目标任务和2026年工作安排", 2026) is None
    True
    >>> _section_deadline("二、“十四五”时期发展成就和“十五五”时期主要目标任务", 2026)
    2030
    >>> _section_deadline("二、“十二五”发展总体思路和目标任务市委全会通过的规划建议,是…", 2011)
    2015
    >>> _section_deadline("二、我们在第二个五年计划的第二年——一九五九年经济战线上的任务", 1959) is None
    True
    """
    # A heading glued to its paragraph (the page lost the break) is read up to its first comma.
    heading = section.split(" > ", 1)[0].split(",", 1)[0]
    if year is None or f"{year}年" in heading or "今年" in heading or \
            f"{str(year).translate(_CN_DIGITS)}年" in heading.replace("零", "〇"):
        return None
    # The last period the heading names: “十四五”时期发展成就和“十五五”时期主要目标任务 plans for 十五五.
    m = None
    for m in _FIVE_YEAR_SECTION.finditer(heading):
        pass
    end = _plan_end(m, year) if m else None
    return end if end is not None and end > year else None


_YEAR_OPENING = re.compile(r"((?:19|20)\d\d)年")


def _future_year_opening(clause: str, year: int | None) -> int | None:
    """A later year that opens a plan clause is its due year: 1997年钢产量达到9400万吨 in a 1993 report.

    >>> _future_year_opening("2015年达到1770亿元", 2011), _future_year_opening("2010年全市生产总值", 2011)
    (2015, None)
    """
    m = _YEAR_OPENING.match(clause)
    return int(m.group(1)) if m and year is not None and int(m.group(1)) > year else None


_COMMITMENT_LEAD = re.compile(r"(?:我们|今年|全年|明年)?(?:要|将|必须|还要)?(?!的)")


def _is_commitment(clause: str) -> bool:
    """A plan clause without a number that commits to an action."""
    if len(clause) < 5 or len(clause) > 80:
        return False
    if clause[:1] == "这":
        return False  # 这是增强农业发展后劲的一项重要措施: a comment on what was said
    # 我们要深入贯彻…, 今年将加快…: who and when come before the verb.
    lead = _COMMITMENT_LEAD.match(clause).end() if clause[:1] in "我今全明要将必还" else 0
    if _ACTION_RE.search(clause, lead, lead + 6) is not None:
        return True
    # What comes first and the promise at the end: 安宁河一桥国庆前建成通车, 特勤消防站年底前建成投用,
    # 化学需氧量排放量控制在省下达目标以内, 城乡居民收入增长与经济增长同步.
    return clause[-1] in _COMMITMENT_LAST_CHARS and len(clause) <= 60 and _COMMITMENT_END.search(clause) is not None \
        and _DONE_ALREADY.search(clause) is None


_DONE_ALREADY = re.compile(r"已|了|曾")  # 附属工程均已完工: done, not promised


_COMMITMENT_END = re.compile(
    r"(?:建成|主体|全面|基本)?(?:完工|竣工|通车|投用|投产|开业|投入使用|投入运营|建成运营|开工建设)$"
    r"|(?:完成|控制在|达到|低于)(?:国家|省|市|上级)(?:下达|定|确定|要求)?的?(?:目标|任务|指标|计划)(?:以内|之内)?$"
    r"|与经济(?:增长|发展)同步$|(?:进一步|持续|稳步|继续)(?:下降|降低|提高|改善|提升|减少)$"
    r"|(?:高于|快于|好于|不低于)(?:全国|全省|全市)(?:平均)?(?:水平)?$|建成开[馆园放业]$|动态清零$")
_COMMITMENT_LAST_CHARS = frozenset("工车用产业营设内步降低高善升少标务平国省市馆园放零")


def _shares(indicator: str, n: int | None) -> list[str] | None:
    """Split a distributive indicator into its n shares (None: as many as it lists, 2 to 4):
    城乡居民收入 -> 城镇…, 农村…; None when it does not list that many.

    The list is split at 、 or at any joiner, preferring a split whose shares each name their own
    measure (办结率、走访率和满意率). The last share carries the measure the others leave out
    (粮食、油料产量 -> 粮食产量): after a first share of two characters, what follows that length in the
    last (城镇、农村常住居民…); else a known measure word at its end; else, after a short first share
    (城镇职工和城乡居民住院费用报销比例), what follows the first share's length.

    >>> _shares("城乡居民人均可支配收入", 2)
    ['城镇居民人均可支配收入', '农村居民人均可支配收入']
    >>> _shares("城镇、农村居民人均可支配收入", 2)
    ['城镇居民人均可支配收入', '农村居民人均可支配收入']
    >>> _shares("金融业、软件和信息服务业增加值", 2)
    ['金融业增加值', '软件和信息服务业增加值']
    >>> _shares("城镇居民人均可支配收入和农民人均纯收入", 2)
    ['城镇居民人均可支配收入', '农民人均纯收入']
    >>> _shares("办结率、走访率和满意率", None)
    ['办结率', '走访率', '满意率']
    """
    if n is not None and n < 2:
        return None
    if n in (2, None) and "城乡" in indicator and not _SHARE_JOINERS.search(indicator) and "城乡建设" not in indicator:
        # (城乡居民基本养老、医疗保险参保人数: 城乡居民 names the scheme; the shares are its two kinds.)
        return [indicator.replace("城乡", "城镇", 1), indicator.replace("城乡", "农村", 1)]
    compound = _COMPOUND_SHARES.search(indicator) if n in (2, None) and not _SHARE_JOINERS.search(indicator) else None
    if compound:  # 存贷款余额 -> 存款余额, 贷款余额; 进出口 -> 进口, 出口
        return [indicator.replace(compound.group(), share, 1) for share in _COMPOUND_SHARES_OF[compound.group()]]
    sectors = _THREE_SECTORS.match(indicator)
    if sectors and n in (3, None):
        # 一二三产增加值 / 一、二、三产业增加值: the three sectors, each with the measure.
        rest = indicator[sectors.end():]
        return [f"第{c}产业{rest}" for c in "一二三"]
    # At every joiner first when that gives shares that each name their measure; else at 、, whose
    # shares may hold a 和 or 及 of their own (金融业、软件和信息服务业增加值).
    splits = [[p for p in _SHARE_JOINERS.split(indicator) if p], [p for p in indicator.split("、") if p]]
    splits = [parts for parts in splits if (len(parts) == n if n else 2 <= len(parts) <= 4)]
    if not splits:
        return None
    parts = next((parts for parts in splits if all(map(_names_own_measure, parts))), splits[-1])
    last, head = parts[-1], len(parts[0])
    measure = _MEASURE_AT_END.search(last)
    if measure and measure.start() > 0 and (head > 2 or last[:head] not in _TWO_CHARACTER_SHARES):
        tail = measure.group()  # 原煤、原油、天然气产量: 产量
    else:  # 城镇、农村常住居民…: two characters name a share, the rest is common
        tail = last[head:] if head <= 4 and len(last) > head + 1 else ""
    return [_with_tail(p, tail) for p in parts[:-1]] + [last]


def _shares_repeated(indicator: str, quantities: Sequence[Quantity]) -> list[str] | None:
    """The share of each figure when a distributive clause gives each share one figure of every kind,
    kind by kind (42000元和22000元、增长5%和7%: 城镇, 农村, 城镇, 农村); None when it does not.

    >>> _shares_repeated("城镇和农村居民收入", find_quantities("达到42000元和22000元、增长5%和7%"))
    ['城镇居民收入', '农村居民收入', '城镇居民收入', '农村居民收入']
    """
    n = len(quantities)
    for size in (2, 3):
        if n > size and n % size == 0:
            shares = _shares(indicator, size)
            if shares and all(quantities[i].unit == quantities[i - i % size].unit for i in range(n)):
                return [shares[i % size] for i in range(n)]
    return None


# Two-character shares after which the rest of the last share is common to all (城镇、农村常住居民…).
_TWO_CHARACTER_SHARES = frozenset("城镇 农村 城市 乡村 中央 地方 国有 民营 进口 出口 存款 贷款 公办 民办 一般 专项".split())
_COMPOUND_SHARES_OF = {"存贷款": ("存款", "贷款"), "进出口": ("进口", "出口")}
# An indicator whose list of figures is one per share without 分别: it names its shares (A和B, 城乡…), or is
# 存贷款, always given as two figures (进出口 is a total of its own: 接连突破8万亿元、9万亿元).
_LISTS_SHARES = re.compile(_SHARE_JOINERS.pattern + "|城乡|存贷款")
_COMPOUND_SHARES = re.compile("|".join(_COMPOUND_SHARES_OF))
_THREE_SECTORS = re.compile(r"一[、,，]?二[、,，]?三(?:次)?产(?:业)?")


# Measures a list of shares has in common, written once after the last share (longest first).
_MEASURE_AT_END = re.compile("(?:居民人均可支配收入|人均可支配收入|可支配收入|人均纯收入|纯收入|增加值|普及率|覆盖率|达标率|利用率|"
                             "处理率|完成率|排放量|产量|产值|总额|收入|投资|增速)$")


def _names_own_measure(share: str) -> bool:
    """Whether a share ends in a measure of its own (走访率, 化学需氧量, 能耗, 农民人均纯收入)."""
    return share[-1:] in "率量值额耗数重" or _MEASURE_AT_END.search(share) is not None


def _with_tail(share: str, tail: str) -> str:
    """The share with the list's common measure, unless it names its own; a tail the share already
    begins (城镇居民 + 居民人均可支配收入) is not written twice."""
    if not tail or _names_own_measure(share):
        return share
    overlap = next((k for k in range(min(len(share), len(tail)), 0, -1) if share.endswith(tail[:k])), 0)
    return share + tail[overlap:]


def _names_nothing(indicator: str | None) -> bool:
    """Whether the words before a number name no indicator (增长, 达到, a lone character)."""
    return bool(_INHERIT_RE.match(indicator or "")) or len(indicator or "") < 2


def _listed_before(named: list[tuple[int, list]], n: int) -> list | None:
    """The n indicators a list of n figures refers back to: those of the clause before when it
    named n (城乡居民收入分别达到…元和…元 -> 城镇…, 农村…), else those of the last n clauses
    that each named one figure (城镇居民…14785元，农民…5130元); None when neither holds.

    >>> _listed_before([(1, [("甲", None)]), (1, [("乙", None)])], 2)
    [('甲', None), ('乙', None)]
    >>> _listed_before([(1, [("甲", None)]), (2, [("恩格尔系数", None)])], 2) is None
    True
    """
    if not named:
        return None
    if len(named[-1][1]) == n:
        return named[-1][1]
    if named[-1][0] > 1 or len(named) < n:
        return None  # the clause before listed several figures of its own
    last = named[-n:]
    if all(count == 1 and len(found) == 1 for count, found in last):
        return [found[0] for _, found in last]
    return None


def _is_list(clause: str, quantities: list[Quantity]) -> bool:
    """Whether the quantities stand side by side, joined only by 、 和 及 与 (增长8.5%、9.5%).

    >>> from compare.quantity import find_quantities
    >>> _is_list("增长8.5%、9.5%", find_quantities("增长8.5%、9.5%")), _is_list("达到12亿元、增长8%", find_quantities("达到12亿元、增长8%"))
    (True, False)
    """
    return all(clause[a.end:b.start].strip() in _LIST_GAPS for a, b in zip(quantities, quantities[1:]))


_UNIT_ALTERNATIVE = re.compile(r"^[(（][^)）]{1,3}[)）]")
_ITEM_JOINERS = frozenset("、和及与")
_LIST_GAPS = frozenset(("、", "和", "及", "与", ",", "，"))


def _row_id(place: str, year: int, clause: str, occurrence: int, index: int) -> str:
    """A row's stable id: the hash of where it was said (place, year), its clause text, the
    clause's occurrence in the report and the row's index in the clause."""
    digest = hashlib.blake2b(f"{place}\x1f{year}\x1f{clause}\x1f{occurrence}\x1f{index}".encode(), digest_size=8)
    return digest.hexdigest()


def _row_ids(place: str, year: int) -> Callable[[str, int, int], str]:
    """``_row_id`` for one report: place and year are hashed once and the hash state copied per row
    (the same ids, at half the cost: 0.1 s on the corpus).

    >>> _row_ids("测试市", 2024)("新建学校5所", 0, 1) == _row_id("测试市", 2024, "新建学校5所", 0, 1)
    True
    """
    report_state = hashlib.blake2b(f"{place}\x1f{year}\x1f".encode(), digest_size=8)
    clause_state: list = [None, None]  # (clause, occurrence) and its hash state: a clause's rows come together

    def row_id(clause: str, occurrence: int, index: int) -> str:
        if len(clause) < 200:  # the common case: hashing the clause again is cheaper than keeping its state
            state = report_state.copy()
            state.update(f"{clause}\x1f{occurrence}\x1f{index}".encode())
            return state.hexdigest()
        if clause_state[0] != (clause, occurrence):
            # The clause is hashed once for all its rows: a clause of thousands of figures stays linear.
            state = report_state.copy()
            state.update(f"{clause}\x1f{occurrence}\x1f".encode())
            clause_state[:] = [(clause, occurrence), state]
        state = clause_state[1].copy()
        state.update(str(index).encode())
        return state.hexdigest()

    return row_id


_COLUMNS = list(TARGET_COLUMNS)
_ID, _PART, _TEXT, _KEY, _VALUE, _VALUE_HIGH, _UNIT, _COMPARATOR, _DEADLINE, _RESTATES = (
    _COLUMNS.index(c) for c in ("id", "part", "text", "indicator_key", "value", "value_high", "unit", "comparator",
                                "deadline", "restates"))


def extract_targets(report: Any):
    """The target table of one report (an ``ingest.Report`` or anything with its fields), as a polars
    DataFrame with the schema ``target_schema()``."""
    import polars as pl

    rows = _target_rows(report)
    if not rows:
        return empty_targets()
    # Column by column: polars builds a frame from columns in half the time it takes from rows.
    columns = zip(*rows)
    return pl.DataFrame({name: list(column) for name, column in zip(_COLUMNS, columns)}, schema=target_schema())


def extract_rows(report: Any) -> list[dict]:
    """The target table of one report as a list of row dicts (column name -> value), without polars.

    Same rows, values and order as ``extract_targets(report).to_dicts()``.
    """
    return [dict(zip(_COLUMNS, row)) for row in _target_rows(report)]


def table_rows(table: Any) -> list[dict]:
    """The rows of a target table as dicts, whether it is a polars DataFrame or already a list of rows."""
    return table.to_dicts() if hasattr(table, "to_dicts") else list(table)


_DEADLINE_ONLY = re.compile(r"(?:到|至|在)?(?:19|20)\d\d年(?:底|末)?(?:前|以前)?(?:时)?")
_OUTLINE_RE = re.compile(r"[一二三四五六七八九十两几]个?方面(?:的)?(?:工作|任务|重点工作)?$")


def _is_qualitative(clause: str, target_list: bool) -> bool:
    """Whether a plan clause without a number is a row: it commits to an action, or it is an item
    of a list of targets. The lead-in of a target list (今年发展主要预期目标是) commits to nothing itself."""
    if not 4 <= len(clause) <= 80:
        return False  # shorter or longer than both a commitment (5-80) and a list item (4-30)
    if "方面" in clause and _OUTLINE_RE.search(clause):
        return False  # 重点抓好以下七个方面工作: the speech's outline, not a commitment
    if clause[-1] in "年底末前时" and _DEADLINE_ONLY.fullmatch(clause):
        return False  # 到2027年，…: when the clauses after it are due, not a commitment itself
    return not _TARGET_LIST_RE.search(clause) and not clause.endswith(("是", "为")) \
        and (_is_commitment(clause) or (target_list and 4 <= len(clause) <= 30))


class _ClauseReading(NamedTuple):
    """What a clause with quantities says by itself, whatever sentence it is in."""

    quantities: tuple[Quantity, ...]
    indicators: tuple[str, ...]          # what each quantity measures, before the sentence lends its own
    keys: tuple[str | None, ...]
    names_nothing: bool                  # no quantity's own words name an indicator (分别增长10%和7%)
    is_list: bool                        # the quantities stand side by side (增长8.5%、9.5%)
    directions: tuple[str | None, ...]
    modality: str | None


# A fifth of the clauses of the corpus occur in more than one report (坚持稳中求进工作总基调, the same
# goals year after year): each distinct clause is read once per process.
@lru_cache(maxsize=1 << 15)
def _read_clause(ctext: str) -> _ClauseReading | None:
    """The reading of a clause of a sentence that may hold quantities; None when it holds none.

    >>> r = _read_clause("地区生产总值增长5%左右")
    >>> r.indicators, r.keys, r.directions, [q.value for q in r.quantities]
    (('地区生产总值',), ('国内生产总值',), ('up',), [5.0])
    """
    quantities = find_quantities(ctext)
    if not quantities:
        return None
    # 分别增长7%和8%左右, 分别达到120万吨和8万吨: one comparator word covers the whole list; so does the
    # word before the first of a bare list (达到700亿元、60亿元) or after its last (增长5%和3%左右).
    stated = [q.comparator for q in quantities if q.comparator not in ("=", "range")]
    if len(quantities) > 1 and stated and "分别" in ctext:
        quantities = [q if q.comparator != "=" else q._replace(comparator=stated[-1]) for q in quantities]
    elif len(stated) == 1 and len(quantities) > 1 and _is_list(ctext, quantities):
        first, last = quantities[0], quantities[-1]
        if first.comparator == stated[0] and not first.raw[:1].isdigit() or \
                last.comparator == stated[0] and last.raw.endswith(SUFFIX_COMPARATOR_WORDS):
            quantities = [q if q.comparator != "=" else q._replace(comparator=stated[0]) for q in quantities]
    if len(quantities) > 1 and quantities[-1].unit == "个百分点" and "个" in ctext:
        # 分别提高1个和2个百分点: the list's unit is written once, at its end.
        quantities = [q._replace(unit="个百分点") if q.unit == "个" and ctext[q.end:q.end + 1] in _ITEM_JOINERS
                      else q for q in quantities]
    named = [_indicator_for(ctext, quantities, k) for k in range(len(quantities))]
    modality = _MODALITY_RE.search(ctext)
    return _ClauseReading(
        tuple(quantities), tuple(ind for ind, _ in named), tuple(key for _, key in named),
        all(_names_nothing(ind) for ind, _ in named), len(quantities) > 1 and _is_list(ctext, quantities),
        _directions(ctext, quantities), modality.group() if modality else None)


@lru_cache(maxsize=1 << 15)
def _read_commitment(ctext: str) -> tuple[str, str, str | None]:
    """A commitment without a number: (what it is about, its key, its firmness word)."""
    indicator = _clean_indicator(ctext) or ctext
    modality = _MODALITY_RE.search(ctext)
    key = _subject_key(indicator)
    at = ctext.find(indicator)
    if key == indicator and at >= 2 and _CHANGE_VERB_OPENING.fullmatch(ctext, at - 2, at):
        key = _subject_key(ctext[at - 2:])  # 扩大外贸出口: the verb of change stripped from it acts on 出口
    return indicator, key, modality.group() if modality else None


@lru_cache(maxsize=1 << 12)
def _known_shares(indicator: str) -> list[tuple[str, str]] | None:
    """A commitment without a number about a list of known indicators, one (share, key) for each; None
    unless every item of the list is one (规模以上工业增加值、…、一般公共预算收入增速高于全省平均水平: four
    rows, so that each pairs with last year's figure for it).

    >>> _known_shares("规模以上工业增加值、社会消费品零售总额增速高于全省平均水平")
    [('规模以上工业增加值', '规模以上工业增加值'), ('社会消费品零售总额', '社会消费品零售总额')]
    >>> _known_shares("进出口回稳向好") is None
    True
    """
    if "、" not in indicator:
        return None
    parts = indicator.split("、")
    keys = [indicator_key(part) for part in parts]
    known = canonical_keys()
    if len(parts) < 2 or not all(key in known for key in keys) or len(set(keys)) < len(keys):
        return None
    # The last item carries what is promised of them all (增速高于全省平均水平): each share is its name.
    names = [m.group(1) for m in _synonym_finder().finditer(parts[-1])]
    if names:
        longest = max(names, key=len)
        parts[-1] = parts[-1][:parts[-1].index(longest) + len(longest)]
    return list(zip(parts, keys))


def _target_rows(report: Any) -> list[list]:
    """The rows of one report's target table, each a list in TARGET_COLUMNS order."""
    rows: list[list] = []
    seen_clauses: dict[str, int] = {}
    text, year = report.text, report.year
    source, place, level = report.source, report.place, report.level
    row_id = _row_ids(getattr(report, "place_key", None) or place, year)
    for sentence in segment_report(text, year):
        part = sentence.part
        # The glossary's notes define the report's slogans (〔7〕“1530”工程：1个名校长团队培养5个校长…) and
        # restate its figures: they commit to nothing and are not rows.
        if part == "other" and (sentence.note or not _ANY_DIGIT.search(sentence.text)):
            continue
        plan = part == "plan"
        sentence_text = _WHITESPACE.sub("", sentence.text)
        # A due year named in a clause holds for it and the clauses after it (到2025年，…，…), not for
        # those before (地区生产总值增长5%左右，到2028年建成…); else the section's or the report's year.
        default_deadline = _section_deadline(sentence.section, year) or year if plan else None
        named_deadline = None
        previous_indicator: tuple[str, str | None] | None = None
        subject_before: str | None = None  # the clause just before, when it held no number
        # Per clause of this sentence that named its indicators: (its quantities, the indicators of its rows).
        named_before: list[tuple[int, list[tuple[str, str | None]]]] = []
        clauses = split_clauses(sentence.text, sentence.start)
        # A clause is a piece of its sentence: when the sentence has no whitespace, neither have its clauses.
        if len(sentence_text) == len(sentence.text):
            ctexts = [clause.text for clause in clauses]
        else:
            ctexts = [_WHITESPACE.sub("", clause.text) for clause in clauses]
        # Half the sentences hold no quantity at all: one test of the sentence spares a call per clause.
        readings = [_read_clause(ctext) if could_hold_quantity(ctext) else None for ctext in ctexts] \
            if could_hold_quantity(sentence_text) else [None] * len(ctexts)
        # In a list of targets (主要预期目标是…), a clause without a number is a target too: 进出口回稳向好.
        target_list = plan and (
            sum(1 for r in readings if r) >= 2 or bool(_TARGET_LIST_RE.search(sentence_text)) and any(readings))
        # The columns every row of this sentence shares, in TARGET_COLUMNS order (source .. sentence).
        sentence_columns = [source, place, level, year, part, sentence.section, sentence_text]
        period = sentence.period if part == "review" else None
        for clause, ctext, reading in zip(clauses, ctexts, readings):
            occurrence = seen_clauses.get(ctext, 0)
            seen_clauses[ctext] = occurrence + 1
            # A year before the report's (1953年到1978年的二十六年间) is history, not a due year.
            named = _deadline_in(ctext)
            if named is not None and year is not None and named < year:
                named = None
            named_deadline = named or (plan and _future_year_opening(ctext, year)) or named_deadline
            deadline = named_deadline or default_deadline
            # Rows are [id, *sentence_columns, ctext, <what the row measures>, modality, deadline, restates,
            # raw, start, end, period]; restates is filled in by _mark_restatements.
            if reading is None:
                subject_before = ctext
                if plan and _is_qualitative(ctext, target_list):
                    indicator, key, modality = _read_commitment(ctext)
                    for index, (share, share_key) in enumerate(_known_shares(indicator) or [(indicator, key)]):
                        rows.append([row_id(ctext, occurrence, index), *sentence_columns, ctext, share, share_key,
                                     None, None, None, None, None, modality, deadline, None, None, clause.start,
                                     clause.end, period])
                continue
            quantities, modality = reading.quantities, reading.modality
            each = "均" in ctext and _EACH_JUN.search(ctext) is not None or "各" in ctext and _EACH_GE.search(ctext) is not None
            distributive = each or "分别" in ctext
            indicators, keys = list(reading.indicators), list(reading.keys)
            n = len(quantities)
            listed = _listed_before(named_before, n) if n > 1 and reading.names_nothing else None
            if listed and ("分别" in ctext or reading.is_list):
                # 城镇居民人均可支配收入14785元，农民人均纯收入5130元，分别增长10%和7%: one figure for each
                # of the indicators the clauses before named, in their order (so too a bare list after them:
                # 城乡居民人均可支配收入分别达到22480元和8298元，增长10%、11%). Not 达到5379亿元、增长18.5%,
                # a level and a growth of one indicator.
                indicators, keys = [ind for ind, _ in listed], [key for _, key in listed]
            for k, ind in enumerate(indicators):
                if ind == "人均":
                    # 地区生产总值达到110亿元以上、人均达到4.6万元以上: per head of the indicator before.
                    prior = indicators[k - 1] if k else (previous_indicator[0] if previous_indicator else None)
                    if prior and len(prior) >= 2 and not prior.startswith("人均"):
                        indicators[k] = "人均" + prior
                        keys[k] = indicator_key(indicators[k])
                    continue
                if _names_nothing(ind):
                    if k and len(indicators[k - 1]) >= 2:
                        indicators[k], keys[k] = indicators[k - 1], keys[k - 1]
                    elif previous_indicator:
                        indicators[k], keys[k] = previous_indicator
                    elif subject_before and (subject := _target_subject(subject_before)):
                        # 今年经济增长速度的宏观调控目标，定为百分之八至九: the clause before names it.
                        indicators[k], keys[k] = subject
            subject_before = None
            # 地方生产总值和全部财政收入达到700亿元、60亿元, 药品、耗材降价58%和80%: a list of figures for an
            # indicator that lists as many shares gives one to each, 分别 or not.
            listed_shares = _shares(indicators[0], n) if n > 1 and not distributive and reading.is_list \
                and len(set(indicators)) == 1 and _LISTS_SHARES.search(indicators[0]) else None
            index = 0
            emitted: list[tuple[str, str | None]] = []  # this clause's (indicator, key) pairs, in order
            for k, q in enumerate(quantities):
                shares = [listed_shares[k]] if listed_shares else [indicators[k]]
                if distributive:
                    split = _shares(indicators[k], len(quantities)) if "分别" in ctext else None
                    if split is None and "分别" in ctext and len(quantities) <= 12:
                        # 城镇和农村居民收入分别达到42000元和22000元、增长5%和7%: a figure per share, twice.
                        split = _shares_repeated(indicators[k], quantities)
                    if split:
                        shares = [split[k]]
                    elif len(quantities) == 1 and (each or _EACH_BY.search(ctext, 0, q.start)):
                        # One figure for every share: 城镇、农村居民收入均增长8%, 工业投资、技改投资分别增长10%以上.
                        shares = _shares(indicators[k], None) or shares
                direction = reading.directions[k]
                for share in shares:
                    key = keys[k] if share == indicators[k] else indicator_key(share)  # a share has its own key
                    if (share, key) not in emitted:
                        emitted.append((share, key))
                    rows.append([row_id(ctext, occurrence, index), *sentence_columns, ctext, share, key, direction,
                                 q.value, q.value_high, q.unit, q.comparator, modality, deadline, None, q.raw,
                                 clause.start, clause.end, period])
                    index += 1
            if not reading.names_nothing:
                named_before.append((n, emitted))
            if indicators and len(indicators[-1]) >= 2:
                previous_indicator = (indicators[-1], keys[-1])
    _mark_restatements(rows)
    return rows


def _mark_restatements(rows: list[list]) -> None:
    """Set `restates` on a plan row that repeats an earlier one (same key, value, unit, comparator and
    due year; for rows without a number, the same clause) to the first statement's id. The year's
    生产总值增长8%以上 does not restate the five-year plan's 年均增长8%以上 (due in five years)."""
    first_statement: dict[tuple, str] = {}
    for row in rows:
        if row[_PART] != "plan":
            continue
        key = (row[_KEY], row[_VALUE], row[_VALUE_HIGH], row[_UNIT], row[_COMPARATOR], row[_DEADLINE],
               row[_TEXT] if row[_VALUE] is None else None)
        if key in first_statement:
            row[_RESTATES] = first_statement[key]
        else:
            first_statement[key] = row[_ID]


def empty_targets():
    import polars as pl

    return pl.DataFrame(schema=target_schema())


def targets_from_text(text: str, *, year: int = 2024, place: str = "测试市", level: str = "city",
                      source: str = "<text>"):
    """The target table of a snippet of report text (NFKC applied, as ingest does)."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    return extract_targets(_SnippetReport(text, source, place, level, year))


@dataclass(frozen=True)
class _SnippetReport:
    text: str
    source: str
    place: str
    level: str
    year: int
