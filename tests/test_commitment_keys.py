"""The key of a commitment without a number: a known indicator only when the commitment is about it."""

import pytest

from compare.extract import targets_from_text


@pytest.mark.parametrize(("clause", "key"), [
    ("进出口回稳向好", "进出口"),               # the clause opens with it
    ("扩大外贸出口", "出口"),                   # a verb of change acts on it
    ("提高户籍人口城镇化率", "城镇化率"),
    ("清理规范进出口环节收费", None),            # only mentioned: the key is the clause itself
    ("打造多元经济增长极", None),
    ("统筹城市地上地下建设", None),
])
def test_commitment_key(clause, key):
    rows = targets_from_text(f"今年发展的主要预期目标是：国内生产总值增长5%左右；{clause}；城镇新增就业1100万人以上。",
                             year=2024).to_dicts()
    (row,) = [r for r in rows if r["value"] is None and r["text"] == clause]
    assert row["indicator_key"] == (key or row["indicator"])


def test_a_programme_is_its_own_key_and_ordinals_are_not_indicators():
    rows = targets_from_text("今年发展的主要预期目标是：国内生产总值增长5%左右；开展粮食节约行动；"
                             "四是推动消费提质升级；城镇新增就业1100万人以上。", year=2024).to_dicts()
    keys = {r["text"]: (r["indicator"], r["indicator_key"]) for r in rows if r["value"] is None}
    assert keys["开展粮食节约行动"] == ("粮食节约行动", "粮食节约行动")
    assert keys["四是推动消费提质升级"][0] == "消费提质升级"


def test_the_speech_outline_is_no_commitment():
    rows = targets_from_text("今年重点抓好以下七个方面工作。推进四个方面的改革。", year=2024).to_dicts()
    assert [r["text"] for r in rows if r["value"] is None] == ["推进四个方面的改革"]


@pytest.mark.parametrize(("clause", "is_row"), [
    ("增设口岸免税店", True),
    ("加大高端人才引进力度", True),
    ("充分发挥环京津区位优势", True),
    ("我们要深入贯彻对台工作大政方针", True),     # who and when come before the verb
    ("今年将加快建设新城区", True),
    ("这是增强农业发展后劲的一项重要措施", False),  # a comment, not a commitment
    ("今年的基本建设工程遇到了物资供应的困难", False),
    ("人民勤劳而智慧", False),
])
def test_a_plan_clause_that_commits_to_an_action_is_a_row(clause, is_row):
    rows = targets_from_text(f"二、2024年工作任务\n{clause}。", year=2024).to_dicts()
    assert any(r["text"] == clause and r["value"] is None for r in rows) == is_row


@pytest.mark.parametrize(("sentence", "clause", "indicator"), [
    # the promise at the end, what it is about first: a row, outside a list of targets too
    ("二、2024年工作安排\n安宁河一桥国庆前建成通车。", "安宁河一桥国庆前建成通车", "安宁河一桥国庆前建成通车"),
    ("二、2024年工作安排\n特勤消防站年底前建成投用。", "特勤消防站年底前建成投用", "特勤消防站年底前建成投用"),
    ("二、2024年工作安排\n化学需氧量排放量控制在省下达目标以内。", "化学需氧量排放量控制在省下达目标以内", None),
    ("二、2024年工作安排\n主要污染物排放量进一步下降。", "主要污染物排放量进一步下降", "主要污染物排放量"),
    ("二、2024年工作安排\n确保脱贫人口退出的可持续。", "确保脱贫人口退出的可持续", "脱贫人口退出的可持续"),
])
def test_a_promise_at_the_end_is_a_commitment(sentence, clause, indicator):
    rows = [r for r in targets_from_text(sentence, year=2024).to_dicts() if r["text"] == clause]
    assert len(rows) == 1 and rows[0]["value"] is None and rows[0]["part"] == "plan"
    assert indicator is None or rows[0]["indicator"] == indicator


def test_what_is_done_already_is_no_commitment():
    rows = targets_from_text("二、2024年工作安排\n跑道、田径场等附属工程均已完工。", year=2024).to_dicts()
    assert not [r for r in rows if "完工" in r["text"]]


def test_a_commitment_about_several_known_indicators_is_a_row_for_each():
    """规模以上工业增加值、…、一般公共预算收入增速高于全省平均水平: one row per indicator, so that each continues
    last year's figure for it (value_removed) instead of four 'dropped'."""
    rows = targets_from_text("二、2020年工作安排\n规模以上工业增加值、全社会固定资产投资、一般公共预算收入增速高于全省平均水平。\n",
                             year=2020).to_dicts()
    assert [(r["indicator"], r["indicator_key"]) for r in rows] == [
        ("规模以上工业增加值", "规模以上工业增加值"), ("全社会固定资产投资", "固定资产投资"),
        ("一般公共预算收入", "一般公共预算收入")]
    assert len({r["id"] for r in rows}) == 3
