"""Deadlines: a plan row is due in the report's year unless its words or its section say otherwise."""

import pytest

from compare.extract import targets_from_text

REPORT = (
    "一、2025年工作回顾\n地区生产总值增长5.2%。\n"
    "二、“十五五”时期主要目标任务\n常住人口城镇化率年均提高1个百分点，森林覆盖率达到45%。\n"
    "三、2026年重点工作\n地区生产总值增长5%左右，到2028年建成乡村振兴示范区10个。\n"
)


def test_five_year_section_gives_the_plan_period_end():
    rows = {r["indicator"]: r for r in targets_from_text(REPORT, year=2026).to_dicts() if r["value"] is not None}
    assert rows["森林覆盖率"]["deadline"] == 2030
    assert rows["常住人口城镇化率"]["deadline"] == 2030
    assert rows["地区生产总值"]["deadline"] == 2026 if rows["地区生产总值"]["part"] == "plan" else True
    assert rows["乡村振兴示范区"]["deadline"] == 2028


def test_heading_naming_the_year_keeps_the_year():
    text = "二、“十五五”时期目标任务和2026年工作安排\n森林覆盖率达到45%。\n"
    (row,) = [r for r in targets_from_text(text, year=2026).to_dicts() if r["value"] is not None]
    assert row["deadline"] == 2026


def test_next_five_years_heading():
    text = "二、今后五年工作任务\n新建学校20所。\n"
    (row,) = [r for r in targets_from_text(text, year=2022).to_dicts() if r["value"] is not None]
    assert row["deadline"] == 2026


def test_a_year_before_the_report_is_history_not_a_due_year():
    text = "二、1985年的主要任务\n工业生产要远远超过1953年到1978年平均每年增长8%的速度。\n"
    (row,) = [r for r in targets_from_text(text, year=1985).to_dicts() if r["unit"] == "%"]
    assert row["part"] == "plan" and row["deadline"] == 1985


def test_the_year_s_target_does_not_restate_the_five_year_one():
    """生产总值增长8%以上 for the year is a target of its own beside the plan's 年均增长8%以上 (due in five
    years): marked as a restatement, it would never be paired across years. Said twice for the year, it is one."""
    text = ("二、今后五年主要目标\n地区生产总值年均增长8%以上。\n三、2021年工作安排\n地区生产总值增长8%以上。\n"
            "地区生产总值增长8%以上。\n")
    rows = [r for r in targets_from_text(text, year=2021).to_dicts() if r["value"] is not None]
    assert [(r["deadline"], r["restates"] is None) for r in rows] == [(2025, True), (2021, True), (2021, False)]
    assert rows[2]["restates"] == rows[1]["id"]


@pytest.mark.parametrize(("heading", "year", "due"), [
    ("二、关于“十五”计划", 2001, 2005),            # the tenth plan, named without its 个五年
    ("二、“七五”时期的基本任务", 1986, 1990),
    ("二、第一个五年计划概要", 1955, 1957),         # the first plan ran 1953-1957
    ("二、展望“十四五”,我们站在新的历史起点", 2021, 2025),  # a heading glued to its paragraph
    ("二、我们在第二个五年计划的第二年——一九五九年的任务", 1959, 1959),  # it names its own year
])
def test_five_year_plan_headings_set_the_plan_s_last_year(heading, year, due):
    (row,) = [r for r in targets_from_text(f"{heading}\n新建学校20所。\n", year=year).to_dicts()
              if r["value"] is not None]
    assert row["part"] == "plan" and row["deadline"] == due
