"""Segment a cleaned report into sentences and clauses, each with its part and section.

``part`` is decided per sentence: the report's own headings give the default
(``一、2023年工作回顾`` is review, ``二、2024年政府工作任务`` is plan), and a
sentence that reports on the past (``过去一年…``, ``去年…``, ``2023年…增长5.2%``)
is review even inside a plan section. A fragment without headings is judged
from its wording alone.

>>> text = "一、2023年工作回顾\\n国内生产总值增长5.2%。\\n二、2024年政府工作任务\\n国内生产总值增长5%左右。"
>>> [(s.part, s.text) for s in segment_report(text, year=2024)]  # headings are sentences too
[('review', '一、2023年工作回顾'), ('review', '国内生产总值增长5.2%。'), ('plan', '二、2024年政府工作任务'), ('plan', '国内生产总值增长5%左右。')]
>>> [c.text for c in split_clauses("增长1,000人，下降3.5%；完成。", 0)]
['增长1,000人', '下降3.5%', '完成']
"""

from __future__ import annotations

import re
from functools import partial
from typing import NamedTuple

__all__ = ["Sentence", "Clause", "segment_report", "split_clauses", "heading_part", "plan_turn", "PLAN_PERIOD_ENDS"]

# The last year of each five-year plan, by the name reports give it (“十五”计划, “十四五”时期).
PLAN_PERIOD_ENDS = {"六五": 1985, "七五": 1990, "八五": 1995, "九五": 2000, "十五": 2005,
                    "十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}

# Precompiled patterns of the hot paths (re's own cache costs ~1.5 µs a call).
_YEAR_IN_HEADING = re.compile(r"((?:19|20)\d\d)年")
_DEADLINE_YEAR = re.compile(r"到\d{4}年|\d{4}年(?:前|底|末)")
_PLAN_WORDS = re.compile(r"今年|明年|力争|确保|争取|预期目标|目标是|目标为|拟|计划安排")
# What turns a paragraph that opened on the past back to the plan: a word of the plan itself, the new
# year, or "must" (各级政府要…), but not 重要/主要/需要.
_PLAN_TURN_WORDS = re.compile(_PLAN_WORDS.pattern + r"|新的一年|今后|下一步|(?<![重主需纲概必摘只])要(?![求素点件])")
_ADDRESS = re.compile(r"^各位代表[,，]?")
_REVIEW_OPENING = re.compile(r"\s*(过去(?:的)?一年|过去五年|五年来|一年来|去年|刚刚过去)")


class Sentence(NamedTuple):
    text: str      # as in the report, with its closing punctuation
    start: int     # offsets in the cleaned report text
    end: int
    part: str      # plan | review | other
    section: str   # heading path, e.g. "二、2024年政府工作任务 > (一)…"
    paragraph: int
    period: str | None = None  # for review sentences: "year" (last year's figures), "multi" (a five-year span)
    note: bool = False         # a note of the report's glossary (〔2〕六大产业：指…), part other


class Clause(NamedTuple):
    text: str
    start: int
    end: int


# Clause((text, start, end)) and Sentence((...)) without NamedTuple's Python-level __new__: the
# corpus has 230,000 clauses and 80,000 sentences.
_new_clause = partial(tuple.__new__, Clause)
_new_sentence = partial(tuple.__new__, Sentence)


_CN_NUM = "一二三四五六七八九十"
_LEVEL1 = re.compile(rf"^\s*(?:[{_CN_NUM}]+、|第[{_CN_NUM}]+部分)")
_LEVEL2 = re.compile(rf"^\s*[(（][{_CN_NUM}]+[)）]")
# Unnumbered headings (米易 2022: "2021年工作回顾").
_KEYWORD_HEADING = re.compile(r"(工作回顾|的回顾|年回顾|基本总结|工作总结|工作安排|工作任务|主要任务|目标任务|总体要求|政策取向|工作部署|主要目标|工作建议|"
                              r"自身建设|政府工作|主要工作|重点工作|工作及措施|今后五年|未来五年)")
_PLAN_HEADING_VERB = re.compile(r"\s*[一二三四五六七八九十]+、(?:进一步|继续|积极|大力|切实|全面|坚持|加快|加强|扩大|推进"
                                r"|推动|深化|实施|促进|提高|做好|抓好|搞好|努力|认真|坚定不移|着力|稳步|依靠|改革|调整|整顿)")
_REVIEW_HEADING = re.compile(r"回顾|过去|总结|成绩|成就")
_PLAN_HEADING = re.compile(r"安排|任务|目标|要求|部署|建议|今年|取向|打算|思路|自身建设|加强政府|工作重点|举措")

# A lone ? ends a sentence; ???? marks characters lost in the source and does not, nor does a ? between
# digits (1?43亿美元: a lost decimal point).
_SENTENCE_END = re.compile(r"(?=[。！？!?\n])(?:(?:[。！？!]|(?:(?<![?\d])\?(?!\?)|(?<=\d)\?(?![?\d])))+[”’\"」』)）]*|\n)")
# One whole sentence: its words up to the first _SENTENCE_END, then that end (or the end of the
# text). Scanning the words as one character class lets the regex engine run through them in a
# tight loop; searching for _SENTENCE_END tried its look-ahead at every character (3x slower).
# ?? runs (lost characters) are words; so is the rest of one that the previous sentence cut.
_SENTENCE = re.compile(
    r"(?:(?<=\?)\?+)?[^。！？!?\n]*(?:(?:\?{2,}|(?<=\d)\?(?=\d))[^。！？!?\n]*)*"
    r"(?:(?:[。！？!]|(?:(?<![?\d])\?(?!\?)|(?<=\d)\?(?![?\d])))+[”’\"」』)）]*|\n|\Z)"
)
# Clause boundaries: CJK and ASCII punctuation, but not a comma between digits (1,000; 1,2,3号线) or a colon in 10:40.
# A clause runs up to CJK or ASCII punctuation; a comma or colon between digits (1,000; 10:40)
# and a run of ?? (characters lost in the source) stay inside it.
_CLAUSE_BODY = re.compile(r"[^，；。：！？,;:!?]+(?:(?:(?<=\d)[,:?](?=\d)|\?{2,})[^，；。：！？,;:!?]*)*|\?{2,}[^，；。：！？,;:!?]*(?:(?:(?<=\d)[,:?](?=\d)|\?{2,})[^，；。：！？,;:!?]*)*")
_HAS_WORD = re.compile(r"[^\W_]")
# A note of the report's glossary: its mark, the term, a colon (〔12〕“11312”总体部署：…, [1]“4+4”产业体系:…).
_NOTE_PARAGRAPH = re.compile(r"\s*(?:〔\d{1,3}〕|\[\d{1,3}\]|【\d{1,3}】|注\d{1,3}[、.])[^。:：]{1,40}[:：]")
_NOTE_FIRST = frozenset(" \t\u3000〔[【注")
_NOTES_HEADING = re.compile(r"[*＊]?(?:附[:：]?)?(?:名词解释|名词注释|注释|注 释|附注)[:：]?")

# The review cues that speak of the past whatever the section; 上年, 比上年, 同比, 年均增长 and 累计 also
# state targets under a plan heading.
_PAST_WORDS = (r"过去(?:的)?一年|过去五年|五年来|一年来|去年|刚刚过去|已经|回顾|完成了|实现了|取得了|达到了|增长了|下降了|"
               r"提高了|预计全年|初步核算")
_PAST_CUE = re.compile(_PAST_WORDS)
_REVIEW_CUE = re.compile(_PAST_WORDS + r"|上年|累计|比上年|同比|较上年|年均增长")
_PLAN_CUE = re.compile(r"今年|明年|力争|确保|争取|预期目标|主要目标|目标是|计划|拟|努力|务必|推动|推进|加快")
_PAST_YEAR = re.compile(r"(?:^|[^\d])((?:19|20)\d\d)年")
_CN_YEAR = re.compile(r"([一二][〇○零一二三四五六七八九]{3})年")
_CN_DIGIT = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")


# A notes heading that names the report (《政府工作报告》有关内容名词注释, 附件一：名词解释).
_NOTES_TITLE = re.compile(r"(?:附件[一二三四五六七八九十\d]*[:：]?)?[^\n。]{0,20}(?:名词解释|名词注释|注释|附注)[:：]?")
_APPENDIX = re.compile(r"附件[一二三四五六七八九十\d]*[:：]?\s*([^\n。]{0,30})")
_NEXT_LINE = re.compile(r"\S[^\n]*")


def _appendix_title(appendix: re.Match, text: str, end: int) -> str:
    """An appendix's title: the rest of its 附件 line, else the line after it (附件1 / 2026年十件民生实事)."""
    if appendix.group(1).strip():
        return appendix.group(1)
    following = _NEXT_LINE.search(text, end)
    return following.group()[:40] if following else ""


def heading_part(heading: str, year: int | None) -> str | None:
    """The part a top-level heading opens, or None when it says nothing.

    >>> heading_part("一、2023年工作回顾", 2024), heading_part("三、2011年的工作", 2011)
    ('review', 'plan')
    >>> heading_part("一、关于2014年政府工作", 2015)
    'review'
    """
    years = [int(y) for y in _YEAR_IN_HEADING.findall(heading)]
    if _REVIEW_HEADING.search(heading):
        return "review"
    if year is not None and years:
        if max(years) < year:
            return "review"
        if max(years) >= year:
            return "plan"
    if _PLAN_HEADING.search(heading):
        return "plan"
    return None


# A heading that names a review and then a plan (“十四五”时期发展成就和“十五五”时期主要目标任务,
# 1998年工作回顾和1999年工作的总体要求): its section reviews until a paragraph turns to the plan.
_MIXED_HEADING = re.compile(r"(?:回顾|成就|成绩|总结).*?(?:和|及|与|暨).*?(?:目标|任务|要求|安排|打算|部署)")
_PLAN_PERIOD_NAME = re.compile(r"十[一二三四五六]五")
# The plan's own draft named early in a paragraph (我们编制了“十五五”规划纲要（草案）).
_PLAN_DRAFT = re.compile(r"规划纲要|规划的建议|规划建议|远景目标")


def plan_turn(heading: str, year: int | None) -> re.Pattern | None:
    """For a heading that names a review and then a plan, what the opening of the paragraph that
    turns to the plan names: the later plan period, the later year, 今后五年; None for other headings.

    >>> plan_turn("二、“十四五”时期发展成就和“十五五”时期主要目标任务", 2026).pattern
    '(?:今后|未来)五年|展望|十五五'
    >>> plan_turn("一、1998年工作回顾和1999年工作的总体要求", 1999).pattern, plan_turn("一、2023年工作回顾", 2024)
    ('(?:今后|未来)五年|展望|1999年|今年', None)
    """
    if not _MIXED_HEADING.search(heading):
        return None
    cues = [r"(?:今后|未来)五年", "展望"]
    names = _PLAN_PERIOD_NAME.findall(heading)
    if len(names) >= 2:
        cues.append(names[-1])
    later = [int(y) for y in _YEAR_IN_HEADING.findall(heading) if year is not None and int(y) >= year]
    if later:
        cues += [f"{max(later)}年", "今年"]
    return re.compile("|".join(cues))


def _turns_to_plan(paragraph: str, turn: re.Pattern) -> bool:
    """Whether a paragraph of a review-then-plan section opens the plan: it does not open on the past,
    and its opening names the plan's period (“十四五”时期是…) or the plan's draft (编制了…规划纲要)."""
    if _REVIEW_OPENING.match(paragraph):
        return False
    return turn.search(paragraph, 0, 40) is not None or _PLAN_DRAFT.search(paragraph, 0, 120) is not None


# A five-year plan's period named at a sentence's opening: “十四五”时期，… looks back when it has ended.
_PERIOD_OPENING = re.compile(r"\s*[“\"]?(十[一二三四五]五)[”\"]?(?:时期|期间|以来)")


def _opens_with_past_year(sentence: str, year: int | None) -> bool:
    """Whether a sentence opens by naming a year before `year` (2023年，全市生产总值…), not a due year, or a
    plan period that has ended (“十四五”时期，… in 2026).

    >>> _opens_with_past_year("“十四五”时期，上海发展历程极不寻常。", 2026), _opens_with_past_year("“十五五”时期是关键时期。", 2026)
    (True, False)
    """
    if year is None:
        return False
    period = _PERIOD_OPENING.match(sentence) if "五" in sentence[:8] else None
    if period:
        return PLAN_PERIOD_ENDS[period.group(1)] < year  # its last year (十四五: 2025) is past
    head = sentence[:12]
    if "年" not in head:
        return False
    years = [int(y) for y in _PAST_YEAR.findall(head)] + [
        int(y.translate(_CN_DIGIT)) for y in _CN_YEAR.findall(head)]  # 一九八三年，全国工业总产值增长10.5%
    return bool(years) and max(years) < year and not _DEADLINE_YEAR.search(sentence[:14])


def _wording_part(sentence: str, year: int | None) -> str | None:
    """review when the sentence reports the past, plan when it commits, else None."""
    review = _REVIEW_CUE.search(sentence) is not None or _opens_with_past_year(sentence, year)
    if review and not _PLAN_WORDS.search(sentence):
        return "review"
    return "plan" if _PLAN_CUE.search(sentence) else None


# 十三五时期 and 过去五年 name a span; “十三五”实现了良好开局 speaks of one year and does not.
# A sentence or clause that opens with 五年 counts too (五年全国新增城镇就业5100万人: national 2008);
# a 五年 inside one is often a plan's name or horizon (第十一个五年规划, 确保五年稳定脱贫).
_MULTI_YEAR = re.compile(r"过去(?:的)?五年|五年来|五年间|十[一二三四五]五[”\"]?(?:时期|期间|以来)|本届政府|年均|累计"
                         r"|(?:^|[,，;；:：])五年(?![规计行内后前])")
_SPAN_OF_YEARS = re.compile(r"过去(?:的)?五年|五年来|五年间|十[一二三四五]五|本届政府|(?:^|[,，])五年(?![规计行内后前])")
# 同比 (against the same time a year before) reports the year's figure, in a five-year review too.
_LAST_YEAR = re.compile(r"刚刚过去的|过去(?:的)?一年|一年来|去年|上年|同比")


def _period_of(text: str, last_year: str | None) -> str | None:
    """"year" when the text speaks of last year (`last_year`, e.g. "2012年"), "multi" when of a span
    of years, else None.

    >>> _period_of("一、过去五年工作回顾", "2012年"), _period_of("2012年，国内生产总值增长7.8%", "2012年")
    ('multi', 'year')
    >>> _period_of("五年全国新增城镇就业5100万人", "2007年"), _period_of("确保五年稳定脱贫", "2012年")
    ('multi', None)
    """
    if last_year is not None and last_year in text:
        return "year"
    # Every word of _LAST_YEAR holds 去, 一年来, 上年 or 同比, and every word of _MULTI_YEAR holds 五, 年均, 累计
    # or 本届政府: substring tests skip most sentences without running the regexes (_MULTI_YEAR's ^
    # alternative makes it try every character).
    if ("去" in text or "一年来" in text or "上年" in text or "同比" in text) and _LAST_YEAR.search(text):
        return "year"
    if ("五" in text or "年均" in text or "累计" in text or "本届政府" in text) and _MULTI_YEAR.search(text):
        return "multi"
    return None


def _heading_split(paragraph: str) -> int:
    """Length of the heading at the start of a numbered paragraph (0 when none).

    A numbered paragraph's first sentence is its heading: ``(四)聚焦…协同力。着眼…``.
    Some reports glue the heading to the text: ``一、过去五年工作的回顾2007年以来…``.
    """
    m = _SENTENCE_END.search(paragraph)
    first = m.end() if m else len(paragraph)
    if first <= 60:
        return first
    k = _KEYWORD_HEADING.search(paragraph[:40]) or _GLUED_HEADING_END.search(paragraph[:40])
    if k:
        return k.end()
    return 0


# Where a numbered heading glued to its text ends, besides _KEYWORD_HEADING's words: 一、2007年政府的工作2007年,…
# and 二、“十四五”时期的奋斗目标和重点任务根据…
_GLUED_HEADING_END = re.compile(r"的工作(?=(?:19|20)\d\d年)|(?:奋斗目标和)?重点任务|奋斗目标")


def segment_report(text: str, year: int | None = None) -> list[Sentence]:
    """Sentences of a cleaned report, with part and section heading path."""
    sentences: list[Sentence] = []
    level1 = level2 = ""
    section_part: str | None = None
    review_numbered = False  # whether the review section was opened by a numbered heading
    period: str | None = None
    last_year = f"{year - 1}年" if year is not None else None
    section = ""
    in_notes = False
    turn: re.Pattern | None = None  # under a review-then-plan heading: what opens its plan (plan_turn)
    # Headings that say which part they open: numbered, or a short line of their own (过去五年的回顾,
    # 今后五年的主要任务: national 1983).
    first_heading = re.search(r"(?m)^\s*[一二三四五六七八九十]+、.{0,30}(回顾|任务|安排|工作|目标|要求)", text) or \
        re.search(r"(?m)^.{0,25}(工作回顾|的回顾|年回顾|基本总结|工作总结|工作安排|主要任务|工作任务)[^\n。]{0,12}$", text)
    has_headings = first_heading is not None
    # Such a heading only a quarter into the report or later (national 1984: 一、…的主要目标) leaves what
    # comes before it to be judged from its wording, as if there were no headings.
    unheaded_until = first_heading.start() if first_heading and first_heading.start() > len(text) // 4 else 0
    for pno, pm in enumerate(re.finditer(r"[^\n]+", text)):
        pstart, pend = pm.start(), pm.end()
        paragraph = pm.group()
        if not paragraph.strip():
            continue
        body_start = pstart
        stripped = paragraph.strip()
        # 〔2〕六大产业：指…(见第2页): the report's notes on its own terms explain, they do not commit;
        # nor does anything after a heading of notes (注释, 名词解释), which ends the report.
        if not in_notes and (len(stripped) <= 8 and _NOTES_HEADING.fullmatch(stripped)
                             or len(stripped) <= 30 and _NOTES_TITLE.fullmatch(stripped)):
            in_notes = True
        is_note = in_notes or paragraph[:1] in _NOTE_FIRST and _NOTE_PARAGRAPH.match(paragraph) is not None
        # An appendix (附件2 / 安国市2021年十大工程进展情况说明) is a part of its own, named by its title.
        appendix = _APPENDIX.fullmatch(stripped) if stripped[:2] == "附件" and not in_notes else None
        is_l1 = bool(_LEVEL1.match(paragraph))
        is_l2 = bool(_LEVEL2.match(paragraph))
        # (Not a sentence of the speech that names its work: 我代表国务院，向大会作政府工作报告，请予审议。)
        is_keyword = not is_l1 and not is_l2 and (appendix is not None or len(stripped) <= 30 and bool(
            _KEYWORD_HEADING.search(stripped)) and not _SENTENCE_END.search(stripped.rstrip("。"))
            and not (stripped.endswith("。") and ("," in stripped or "，" in stripped)))
        if turn is not None and not (is_l1 or is_keyword) and section_part == "review" \
                and _turns_to_plan(stripped, turn):
            section_part, turn = "plan", None
        if is_l1 or is_l2 or is_keyword:
            offset = len(paragraph) - len(paragraph.lstrip())
            hlen = len(stripped) if is_keyword else _heading_split(stripped)
            if hlen:
                heading = stripped[:hlen].rstrip("。")
                if is_l1 or is_keyword:
                    level1, level2 = heading, ""
                    part = heading_part(_appendix_title(appendix, text, pend) if appendix else heading, year)
                    if part is None and section_part is None and is_l1 and _PLAN_HEADING_VERB.match(heading):
                        # 一、扩大和培育内需, 四、积极办好经济特区: before any heading that names a part, a
                        # numbered heading that opens with a verb of action lists the year's tasks (national
                        # 1984, 2002).
                        part = "plan"
                    if part is None and section_part == "review" and is_l1 and review_numbered:
                        # Reports review first and plan after: a numbered heading that says nothing
                        # itself, after a numbered review heading, opens the plans (national 1993).
                        # Under an unnumbered review heading (2023年工作回顾) numbered headings are
                        # the review's own items (高唐 2024).
                        part = "plan"
                    if part is not None:
                        if part == "review":
                            review_numbered = is_l1
                        section_part = part
                    turn = plan_turn(heading, year) if part == "review" else None
                else:
                    level2 = heading
                hs, he = pstart + offset, pstart + offset + hlen
                if is_l1 or is_keyword:
                    period = _period_of(heading, last_year)
                section = " > ".join(x for x in (level1, level2) if x)
                sentences.append(Sentence(text[hs:he], hs, he, section_part or "other", section, pno, period))
                body_start = he
        mode: str | None = None  # review mode set by 过去一年… until a plan cue
        for sm in _SENTENCE.finditer(text, body_start, pend):
            sent = sm.group()
            words = sent.strip()
            if not words:  # also the empty match at the paragraph's end
                continue
            s = sm.start()
            if is_note:
                part = "other"
            elif has_headings and section_part == "review":
                # The section alone decides: the wording (and the mode it sets, which ends with the
                # paragraph) only matters in a plan section or without headings, so skip its regexes.
                part = "review"
            else:
                wording = _wording_part(sent, year)
                if wording == "review" and (_REVIEW_OPENING.match(sent) or _PERIOD_OPENING.match(sent)):
                    mode = "review"
                elif mode == "review" and _PLAN_TURN_WORDS.search(sent) or mode != "review" and wording == "plan" \
                        or "今年" in sent or "明年" in sent:
                    # A paragraph that opened on the past stays there until a word of the plan itself (力争,
                    # 目标是…): 推动/推进 tell of what was done too (我们…推动经济社会发展取得新的重大成就).
                    mode = None
                if has_headings and section_part == "plan":
                    # Under a plan heading, 比上年, 同比, 年均增长 and 累计 alone state targets too
                    # (地区生产总值年均增长5%, 支出比上年增加1.2万亿元); the past needs a stronger cue.
                    if wording == "review" and not _PAST_CUE.search(sent) and not _opens_with_past_year(sent, year):
                        wording = None
                    part = "review" if wording == "review" or mode == "review" else "plan"
                elif has_headings and s >= unheaded_until:  # before the first heading that says which part it opens
                    part = "review" if wording == "review" else "other"
                elif has_headings:  # reports look back first: before a late first heading, the review
                    part = wording or mode or "review"
                else:
                    part = wording or mode or "plan"
                    if mode == "review" and wording != "plan":
                        part = "review"
            # Trim leading whitespace so offsets point at the words.
            lead = 0 if len(words) == len(sent) else len(sent) - len(sent.lstrip())
            # A sentence that opens with a span of time (过去五年…, 过去一年…, 2022年，…) sets the period of
            # its figures and of the sentences after it, across paragraphs, until another one does; one
            # that names it further in (…突破4万亿元大关，2022年预计达到4.45万亿元) only its own.
            own_period = _period_of(sent, last_year)
            if own_period:
                opening = _ADDRESS.sub("", words[:20], count=1)[:12]
                opening_period = _period_of(opening, last_year)
                # 累计 and 年均 early in a sentence (稳步推进新农村建设，累计投入…) speak of that sentence only.
                if opening_period == "year" or opening_period == "multi" and _SPAN_OF_YEARS.search(opening):
                    period = opening_period
            sentences.append(_new_sentence((words, s + lead, s + lead + len(words), part, section, pno,
                                            own_period or period, is_note)))
    return sentences


def split_clauses(sentence: str, offset: int) -> list[Clause]:
    """Clauses of one sentence, with offsets (offset = the sentence's start)."""
    out = []
    for m in _CLAUSE_BODY.finditer(sentence):
        chunk = m.group()
        start = m.start()
        if chunk[0].isspace() or chunk[-1].isspace():
            stripped = chunk.strip()
            if not stripped:
                continue
            start += len(chunk) - len(chunk.lstrip())
            chunk = stripped
        # isalnum() is the same test as [^\W_] on one character, without a regex call: most clauses
        # start with a word character.
        if chunk[0].isalnum() or _HAS_WORD.search(chunk):
            start += offset
            out.append(_new_clause((chunk, start, start + len(chunk))))
    return out
