"""Edge cases of the fast paths in ingest and segment, pinned to what the slower code they replaced returned.

join_broken_lines finds breaks from their "\\n" and drops the spaces before it itself; segment_report
matches whole sentences (?? runs are words, a lone ? ends a sentence), skips the wording regexes
under a review heading and pre-checks the period words with substring tests.
"""

from compare.ingest import join_broken_lines
from compare.segment import segment_report

REPORT = (
    "一、2023年工作回顾\n过去一年??增长5%。好吗?是的!!”\n去年完成???项?目。\n二、2024年工作任务\n"
    "今年力争增长5%。去年增长3%。\n  (一)加强建设。推进五年规划。累计完成10项"
)


def test_join_drops_the_spaces_that_end_a_joined_line():
    text = "达到74.4 \t\n \n万亿元\n三\n(PM  \n2.5)\n保持全国第一\t\n。"
    assert join_broken_lines(text) == "达到74.4万亿元\n三\n(PM2.5)\n保持全国第一。"


def test_join_keeps_breaks_that_end_a_sentence_with_their_spaces():
    text = "完成任务。  \n\t下一段 \n  \n第三段"
    assert join_broken_lines(text) == text


def test_join_mends_a_long_paragraph_cut_on_a_word_but_not_a_heading():
    body = "推进沿海经济带发展，支持在雄安新区、廊坊临空经济区和各开发区建设一批外贸平台，培育外贸综合服务企业，扩大进出口规模，"
    assert join_broken_lines(body + "新建省\n级外贸转型升级示范基地25家。") == body + "新建省级外贸转型升级示范基地25家。"
    heading = "(一)坚持稳中求进、以进促稳、先立后破，统筹推进经济社会各项工作，巩固和增强经济回升向好态势，推动高质量发展"
    assert join_broken_lines(heading + "\n全面贯彻新发展理念。") == heading + "\n全面贯彻新发展理念。"
    assert join_broken_lines(body + "扩大规模\n二、2024年工作任务") == body + "扩大规模\n二、2024年工作任务"
    assert join_broken_lines("新建省\n级示范基地25家。") == "新建省\n级示范基地25家。"  # a short line may be a heading


def test_sentences_parts_sections_and_periods():
    got = [(s.text, s.start, s.end, s.part, s.section, s.period) for s in segment_report(REPORT, 2024)]
    review, plan, plan_1 = "一、2023年工作回顾", "二、2024年工作任务", "二、2024年工作任务 > (一)加强建设"
    assert got == [
        ("一、2023年工作回顾", 0, 11, "review", review, "year"),
        ("过去一年??增长5%。", 12, 23, "review", review, "year"),
        ("好吗?", 23, 26, "review", review, "year"),
        ("是的!!”", 26, 31, "review", review, "year"),
        ("去年完成???项?", 32, 41, "review", review, "year"),
        ("目。", 41, 43, "review", review, "year"),
        ("二、2024年工作任务", 44, 55, "plan", plan, None),
        ("今年力争增长5%。", 56, 65, "plan", plan, None),
        ("去年增长3%。", 65, 72, "review", plan, "year"),
        ("(一)加强建设。", 75, 83, "plan", plan_1, "year"),
        ("推进五年规划。", 83, 90, "plan", plan_1, "year"),
        ("累计完成10项", 90, 97, "plan", plan_1, "multi"),  # 累计 alone: a target under a plan heading
    ]


def test_a_lone_question_mark_after_a_full_stop_ends_the_same_sentence():
    assert [s.text for s in segment_report("增长1,000人?? 下降3.5%;完成。?", 2024)] == ["增长1,000人?? 下降3.5%;完成。?"]
