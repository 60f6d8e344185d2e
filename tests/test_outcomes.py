"""Which figure of next year's review a promise is checked against (diff._outcomes): the rules
that keep a look-alike figure from standing in for the promised one."""

from __future__ import annotations

import pytest

from compare.diff import diff_tables
from compare.extract import targets_from_text

PLAN = "今年主要预期目标是：{}；城镇新增就业5万人以上。"
REVIEW = "一、工作回顾\n{}。"  # a review section; its sentences name no period of their own


@pytest.mark.parametrize(("promise", "review", "status", "value"), [
    # a value per head is not the total, however alike the words
    ("人均生产总值达到26000元", "全市生产总值达到1259.9亿元", "not_reported", None),
    ("外贸进出口增长5%左右", "外贸出口增长8%", "not_reported", None),
    ("实际利用外资增长4%以上", "实际利用省外资金增长4.3%", "not_reported", None),  # money from other provinces
    # a five-year figure or a change against an old base year is not last year's
    ("城镇新增就业900万人", "五年全国新增城镇就业5100万人", "not_reported", None),
    ("单位生产总值能耗下降4%", "单位生产总值能耗比2005年下降20%", "not_reported", None),
    # a total is not what a plan to add reports on; a share of a thing is not the thing
    ("新建高标准农田11万亩", "全市高标准农田达到567万亩", "not_reported", None),
    ("国内生产总值增长8%左右", "财政性教育经费占国内生产总值比重提高到1.5%", "not_reported", None),
    ("新建高标准农田11万亩", "新建高标准农田12万亩", "met", 120000.0),
    # 新增 belongs to the item it is in (城镇新增就业…、失业率…), or to the whole list when it opens the clause
    ("城镇调查失业率5.5%左右", "城镇新增就业1256万人、城镇调查失业率平均为5.1%", "met", 5.1),
    ("新增养老床位500张、社区食堂40个", "新增养老床位520张、新增社区食堂42个", "met", 520.0),
    # an amount stated as a change (比上年增加…) is checked against a change, not a level, and back
    ("一般公共预算支出比上年增加1.1万亿元", "一般公共预算支出29.7万亿元", "not_reported", None),
    ("一般公共预算支出比上年增加1.1万亿元", "一般公共预算支出比上年增加1.2万亿元", "met", 1.2e12),
    ("再减少农村贫困人口1000万人以上", "农村贫困人口减少1232万人", "met", 12320000.0),
    # a review clause that restates a target is no result
    ("单位国内生产总值能耗降低4%左右", "全国没有实现年初确定的单位国内生产总值能耗降低4%左右", "not_reported", None),
    ("居民消费价格总水平涨幅4%左右", "提出居民消费价格涨幅3%左右", "not_reported", None),
    # an amount five times the promised one is another figure; a rate may move that far
    ("完成固定资产投资15亿元以上", "全市重点项目完成固定资产投资85.3亿元", "not_reported", None),
    ("完成固定资产投资15亿元以上", "全市完成固定资产投资16.2亿元", "met", 1.62e9),
    ("固定资产投资增长3%", "固定资产投资增长16%", "above", 16.0),
    # the same indicator in other words still counts
    ("城镇居民人均可支配收入增长7.5%左右", "城乡居民人均可支配收入增长7.4%", "met", 7.4),
    ("地区生产总值增长6%左右", "全市生产总值增长6.2%", "met", 6.2),
])
def test_outcome_takes_only_a_figure_for_the_promise(promise, review, status, value):
    old = targets_from_text(PLAN.format(promise), year=2011)
    new = targets_from_text(REVIEW.format(review), year=2012)
    assert set(new["part"]) == {"review"}
    diff = diff_tables(old, new)
    first = next(c for c in diff["changes"] if c["old"] is not None and c["old"]["value"] is not None)
    assert first["outcome"]["status"] == status
    assert first["outcome"]["value"] == value
