"""Matching invariants, with hypothesis: a report diffed with itself is all continued;
A->B dropped equals B->A new; generator edits are recovered; reordering changes no pair."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compare.diff import diff_tables
from compare.extract import targets_from_text
from compare.synth import check_edits, edit_report

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "guangzhou-haizhu" / "2022.txt"

# Commitments a report might make; each report uses each at most once.
TEMPLATES = [
    "国内生产总值增长{p}%左右", "城镇新增就业{n}万人以上", "城镇调查失业率{p}%以内", "居民消费价格涨幅{p}%左右",
    "新建学校{k}所", "建设口袋公园{k}个以上", "改造老旧小区{k}个", "建成碧道{k}公里", "治理交通堵点{k}个",
    "粮食产量稳定在{n}万吨以上", "一般公共预算收入增长{p}%", "新增高新技术企业{k}家", "完成造林{n}万亩",
    "建立粤港澳大湾区智库", "启动城市更新行动", "推进数字政府改革", "开通跨境水上航线", "完善社会救助体系",
    # several figures of one indicator in one clause: its rows tie on every feature but the number
    "新建幼儿园{k}所、{k2}所、{k3}所", "建设公园{n}个、{k}个",
]

fills = st.fixed_dictionaries({"p": st.integers(1, 99).map(lambda x: f"{x / 10:g}"),
                               "n": st.integers(1, 5000).map(str), "k": st.integers(2, 300).map(str),
                               "k2": st.integers(2, 300).map(str), "k3": st.integers(2, 300).map(str)})
report_texts = st.lists(st.tuples(st.sampled_from(range(len(TEMPLATES))), fills), min_size=1, max_size=12,
                        unique_by=lambda t: t[0]).map(
    lambda items: "二、2024年工作安排\n" + "".join(TEMPLATES[i].format(**f) + "。" for i, f in items) + "\n")

fast = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(report_texts)
def test_a_report_diffed_with_itself_is_all_continued(text):
    table = targets_from_text(text, year=2024)
    diff = diff_tables(table, table, outcomes=False)
    assert {c["status"] for c in diff["changes"]} <= {"continued"}
    assert not any(c[f] for c in diff["changes"] for f in ("comparator_changed", "modality_changed", "reworded",
                                                          "value_added", "value_removed"))


@fast
@given(report_texts, report_texts)
def test_dropped_one_way_is_new_the_other_way(text_a, text_b):
    a, b = targets_from_text(text_a, year=2023), targets_from_text(text_b, year=2024)
    forward, backward = diff_tables(a, b, outcomes=False), diff_tables(b, a, outcomes=False)
    dropped = {c["old"]["id"] for c in forward["changes"] if c["status"] == "dropped"}
    new_back = {c["new"]["id"] for c in backward["changes"] if c["status"] == "new"}
    assert dropped == new_back
    new = {c["new"]["id"] for c in forward["changes"] if c["status"] == "new"}
    dropped_back = {c["old"]["id"] for c in backward["changes"] if c["status"] == "dropped"}
    assert new == dropped_back


@fast
@given(st.integers(0, 10_000))
def test_every_generator_edit_is_recovered(seed):
    text = SAMPLE.read_text(encoding="utf-8")
    from compare.ingest import clean_text

    text = clean_text(text)
    edited = edit_report(text, year=2022, seed=seed)
    a, b = targets_from_text(text, year=2022), targets_from_text(edited.text, year=2022)
    wrong = [(e.kind, e.old_text, got) for e, ok, got in check_edits(diff_tables(a, b, outcomes=False), edited.edits)
             if not ok]
    assert not wrong


@fast
@given(st.integers(0, 10_000))
def test_reordering_paragraphs_changes_no_pair(seed):
    from compare.ingest import clean_text

    text = clean_text(SAMPLE.read_text(encoding="utf-8"))
    edited = edit_report(text, year=2022, kinds=("reorder",), seed=seed)
    assert [e.kind for e in edited.edits] == ["reorder"]
    a, b = targets_from_text(text, year=2022), targets_from_text(edited.text, year=2022)
    diff = diff_tables(a, b, outcomes=False)
    assert {c["status"] for c in diff["changes"]} == {"continued"}
    assert all(c["old"]["text"] == c["new"]["text"] for c in diff["changes"])


def test_a_lineage_resumes_after_a_year_without_its_target():
    """A known indicator's target that one year leaves out continues its lineage when it returns;
    an indicator the project does not know (its own key) starts a new one."""
    from compare.extract import targets_from_text
    from compare.history import lineages

    def table(text: str, year: int):
        return targets_from_text(f"二、{year}年工作任务\n{text}。", year=year)

    tables = {2021: table("国内生产总值增长6%以上，新建碧道20公里", 2021),
              2022: table("稳定宏观经济大盘", 2022),
              2023: table("国内生产总值增长5%左右，新建碧道30公里", 2023)}
    chains = [[(y, r["indicator_key"], r["value"]) for y, r in chain if r["value"] is not None]
              for chain in lineages(tables)]
    gdp = [c for c in chains if c and c[0][1] == "国内生产总值"]
    assert gdp == [[(2021, "国内生产总值", 6.0), (2023, "国内生产总值", 5.0)]]
    assert sum(1 for c in chains if c and c[0][1] == "碧道") == 2
