"""Parts and sections as report structures decide them (text written for the test)."""

import pytest

from compare.segment import segment_report


def parts(text: str, year: int) -> dict[str, str]:
    """Sentence text -> part, for the sentences that are not headings."""
    return {s.text: s.part for s in segment_report(text, year) if s.text.endswith("。")}


CASES = [
    # A numbered review, then numbered headings that say nothing: the plans (national 1990s).
    ("一、改革开放取得伟大成就的五年\n国内生产总值年均增长9%。\n二、争取经济再上新台阶\n力争经济增长8%左右。\n", 1993,
     {"国内生产总值年均增长9%。": "review", "力争经济增长8%左右。": "plan"}),
    # Under an unnumbered review heading, numbered headings are the review's own items.
    ("2023年工作回顾\n一、优结构稳增长\n地区生产总值增长6%。\n二、抓改革促创新\n新增市场主体1万户。\n", 2024,
     {"地区生产总值增长6%。": "review", "新增市场主体1万户。": "review"}),
    # An unnumbered plan heading in words a county uses.
    ("2003年工作回顾\n全省生产总值增长11%。\n2004年主要工作及措施\n全省生产总值增长9%。\n", 2004,
     {"全省生产总值增长11%。": "review", "全省生产总值增长9%。": "plan"}),
    # A plan section that looks back first (national 2011): review until a plan cue.
    ("三、2011年的工作\n过去一年，我们取得了很大成绩。国内生产总值增长10.3%。今年国内生产总值增长8%左右。\n", 2011,
     {"国内生产总值增长10.3%。": "review", "今年国内生产总值增长8%左右。": "plan"}),
    # 拟安排 keeps a sentence with 比上年 in the plan.
    ("二、2024年政策取向\n拟安排地方政府专项债券3.9万亿元、比上年增加1000亿元。\n", 2024,
     {"拟安排地方政府专项债券3.9万亿元、比上年增加1000亿元。": "plan"}),
    # The report's notes on its terms explain them: a marked note, or all that follows a notes heading.
    ("二、2022年工作安排\n建设“六大产业”〔2〕园区3个。\n〔2〕六大产业：指食用菌、林果等六大产业。(见第2页)\n", 2022,
     {"建设“六大产业”〔2〕园区3个。": "plan", "〔2〕六大产业：指食用菌、林果等六大产业。": "other"}),
    ("二、2026年工作安排\n全年火灾起数下降5%。\n注释\n[1]一降三减：\n火灾起数总体下降，财产损失数减少。\n", 2026,
     {"全年火灾起数下降5%。": "plan", "火灾起数总体下降，财产损失数减少。": "other"}),
    # Under a plan heading, 比上年, 年均增长 and 累计 state targets too; the past needs a stronger cue.
    ("二、“十五五”时期主要目标\n地区生产总值年均增长5%左右。支出规模比上年增加1.2万亿元。去年完成投资100亿元。\n", 2026,
     {"地区生产总值年均增长5%左右。": "plan", "支出规模比上年增加1.2万亿元。": "plan", "去年完成投资100亿元。": "review"}),
    # A heading that names a review and then a plan: review until a paragraph opens the plan, by its
    # period (“十五五”时期是…), its draft (编制了…规划纲要) or its year; the plan's items after it are plan.
    ("二、“十四五”时期发展成就和“十五五”时期主要目标任务\n过去五年，地区生产总值年均增长5.5%。\n"
     "“十五五”时期是关键时期。\n（一）建设现代化产业体系。地区生产总值年均增长5%左右。\n三、2026年工作安排\n", 2026,
     {"过去五年，地区生产总值年均增长5.5%。": "review", "“十五五”时期是关键时期。": "plan",
      "地区生产总值年均增长5%左右。": "plan"}),
    ("二、“十四五”时期发展成就和“十五五”时期主要目标任务\n五年来，新建学校50所。\n"
     "根据省委建议，我们编制了规划纲要草案。森林覆盖率达到45%。\n", 2026,
     {"五年来，新建学校50所。": "review", "森林覆盖率达到45%。": "plan"}),
    ("一、1998年工作回顾和1999年工作的总体要求\n过去一年，国内生产总值增长7.8%。\n"
     "各位代表！1999年，我们将迎接新的挑战。经济增长7%左右。\n", 1999,
     {"过去一年，国内生产总值增长7.8%。": "review", "经济增长7%左右。": "plan"}),
    # A review heading that names no plan stays review throughout.
    ("一、2025年工作回顾\n“十五五”时期是关键时期。地区生产总值增长5.2%。\n", 2026,
     {"地区生产总值增长5.2%。": "review"}),
    # Unnumbered headings on lines of their own (national 1983): the review section is all review.
    ("各位代表:\n过去五年的回顾\n国民经济逐步走上健康发展的轨道。农业实现了全面高涨。\n今后五年的主要任务\n"
     "粮食产量达到八千亿斤。\n", 1983,
     {"国民经济逐步走上健康发展的轨道。": "review", "农业实现了全面高涨。": "review", "粮食产量达到八千亿斤。": "plan"}),
    # An appendix is a part of its own, named by its title: last year's progress report is review, this
    # year's list of projects plan, and notes on the report's terms other.
    ("二、2022年工作安排\n新建学校5所。\n附件1\n2022年十件民生实事\n新建公园3个。\n附件2\n"
     "2021年十大工程进展情况说明\n完成投资12亿元。\n附件三：《政府工作报告》有关内容名词注释\n1.两区:指示范区。\n", 2022,
     {"新建学校5所。": "plan", "新建公园3个。": "plan", "完成投资12亿元。": "review", "1.两区:指示范区。": "other"}),
    # A fragment without headings is judged from its wording.
    ("力争建成碧道20公里。去年建成碧道15公里。\n", 2022,
     {"力争建成碧道20公里。": "plan", "去年建成碧道15公里。": "review"}),
]


@pytest.mark.parametrize("text,year,expected", CASES, ids=[c[0][:12] for c in CASES])
def test_part_of_each_sentence(text, year, expected):
    got = parts(text, year)
    assert {k: got.get(k) for k in expected} == expected


def test_section_path_has_both_heading_levels():
    text = "二、2024年政府工作任务\n（一）着力扩大国内需求。积极扩大有效投资，新建学校12所。\n"
    sentences = [s for s in segment_report(text, 2024) if "学校" in s.text]
    assert sentences[0].section == "二、2024年政府工作任务 > （一）着力扩大国内需求"


def periods(text: str, year: int) -> dict[str, str | None]:
    """Sentence text -> period."""
    return {s.text: s.period for s in segment_report(text, year)}


def test_period_of_review_figures():
    """Figures under a five-year review are the span's; a paragraph on last year turns them back."""
    period = periods("一、过去五年工作回顾\n过去的五年，我们砥砺奋进。单位GDP能耗下降22%。\n"
                     "各位代表，刚刚过去的2022年，是收官之年。预计全省生产总值增长3.8%左右。\n"
                     "二、2023年工作安排\n全省生产总值增长6%左右。\n", 2023)
    assert period["单位GDP能耗下降22%。"] == "multi"
    assert period["预计全省生产总值增长3.8%左右。"] == "year"


def test_a_span_named_inside_a_sentence_is_that_sentence_s_only():
    """2022年 or 累计 further into a sentence does not turn the sentences after it to that span."""
    period = periods("一、过去五年工作回顾\n过去五年，我们砥砺奋进。全市生产总值突破4万亿元，2022年预计达到4.45万亿元。"
                     "新增绿道1072公里。\n二、2023年工作安排\n新增绿道200公里。\n", 2023)
    assert period["全市生产总值突破4万亿元，2022年预计达到4.45万亿元。"] == "year"
    assert period["新增绿道1072公里。"] == "multi"
    period = periods("一、2013年工作回顾\n全年粮食总产141.4亿斤。稳步推进新农村建设，累计投入资金70多亿元。"
                     "城镇新增就业9.7万人。\n", 2014)
    assert period["稳步推进新农村建设，累计投入资金70多亿元。"] == "multi"
    assert period["城镇新增就业9.7万人。"] == "year"


def test_outcome_skips_five_year_figures():
    from compare.diff import diff_tables
    from compare.extract import targets_from_text

    old = targets_from_text("二、2022年工作安排\n主要目标是：全省生产总值增长6.5%，单位GDP能耗下降3.5%。\n", year=2022)
    new = targets_from_text("一、过去五年工作回顾\n过去的五年，我们砥砺奋进。单位GDP能耗下降22%。\n"
                            "刚刚过去的2022年，预计全省生产总值增长3.8%左右。\n", year=2023)
    outcomes = {c["old"]["text"]: c["outcome"] for c in diff_tables(old, new)["changes"] if c["old"]}
    assert outcomes["全省生产总值增长6.5%"]["value"] == 3.8
    assert outcomes["单位GDP能耗下降3.5%"]["status"] == "not_reported"


def test_plan_heading_glued_to_its_text():
    """二、2018年重点工作2018年是…: the page lost the break after the heading; the plan still starts there."""
    text = ("一、2017年工作回顾\n全市生产总值增长8.3%。\n"
            "二、2018年重点工作2018年是贯彻落实新发展理念的开局之年，做好今年工作意义重大，全市上下要奋发有为、开拓进取、真抓实干。"
            "全市生产总值增长8%左右。\n")
    sentences = segment_report(text, 2018)
    heading = [s for s in sentences if s.text.startswith("二、")][0]
    assert heading.text == "二、2018年重点工作"
    assert {s.text: s.part for s in sentences}["全市生产总值增长8%左右。"] == "plan"


def test_year_on_year_figures_in_a_five_year_review_are_the_year_s():
    """同比 reports last year's figure, even in a sentence of a five-year review that also gives 年均."""
    text = "一、过去五年工作回顾\n全市生产总值达到1794.5亿元，同比增长8.5%，年均增长9.2%。\n"
    (sentence,) = [s for s in segment_report(text, 2017) if "同比" in s.text]
    assert sentence.period == "year"


def test_a_late_first_heading_leaves_the_opening_to_its_wording():
    """National 2002: numbered headings that open with a verb of action (一、扩大和培育内需…) list the year's
    tasks; the review before them is review, not other, and a Chinese-numeral year opens the past."""
    text = ("各位代表:\n国民经济保持良好发展势头。一九八三年,全国工业总产值增长10.5%。\n"
            "一、扩大和培育内需,促进经济较快增长\n新建学校5所。\n二、进一步做好外交工作\n维护世界和平。\n")
    got = parts(text, 1984)
    assert got["国民经济保持良好发展势头。"] == "review" and got["新建学校5所。"] == "plan"
    assert got["一九八三年,全国工业总产值增长10.5%。"] == "review"


def test_glossary_notes_are_no_rows():
    """A note defines a slogan or restates a figure (〔7〕“1530”工程：1个名校长团队培养5个校长): part other,
    marked as a note, and no row; the commitment it explains still is one."""
    from compare.extract import targets_from_text

    text = "二、2022年工作安排\n实施“1530”工程〔7〕，培养校长5名。\n〔7〕“1530”工程：1个名校长团队培养5个校长学员，30个教师学员。\n"
    notes = [s for s in segment_report(text, 2022) if s.part == "other"]
    assert notes and all(s.note for s in notes)
    rows = targets_from_text(text, year=2022).to_dicts()
    assert [r["value"] for r in rows if r["value"] is not None] == [5.0]


def test_a_sentence_that_names_the_work_is_no_heading():
    """我代表国务院，向大会作政府工作报告，请予审议。 and 三是…，主要目标任务如期完成。 are sentences with a comma and
    a full stop, not headings; 过去五年国内工作的基本总结 is one (national 1988)."""
    text = ("各位代表！\n我代表国务院，向大会作政府工作报告，请予审议。\n过去五年国内工作的基本总结\n"
            "全国工业总产值增长14.6%。\n三是坚决打好三大攻坚战，主要目标任务如期完成。\n较大幅度增加财政扶贫资金投入。\n")
    got = parts(text, 1988)
    assert got["全国工业总产值增长14.6%。"] == "review" and got["较大幅度增加财政扶贫资金投入。"] == "review"
