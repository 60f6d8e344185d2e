"""Over every report of ../shared/corpus: no row's value is a calendar year, a date,
a people's congress term or meeting number, or an ordinal. Durations are quantities.

The checks look at the clause around each row's ``raw`` quantity, independently
of how the grammar decided, so a regression in the grammar shows up here.
"""

import re

import pytest

from tests.conftest import require_shared


@pytest.fixture(scope="module")
def corpus_rows():
    import polars as pl

    from compare.extract import extract_targets
    from compare.ingest import read_reports

    shared = require_shared()
    reports, errors = read_reports([shared / "corpus"])
    assert len(reports) == 197, [str(e) for e in errors]
    table = pl.concat([extract_targets(r) for r in reports])
    return table.filter(pl.col("value").is_not_null()).to_dicts()


def _contexts(row):
    """(before, after) around each place the row's raw quantity occurs in its clause."""
    text, raw = row["text"], row["raw"] or ""
    return [(text[:m.start()], text[m.end():]) for m in re.finditer(re.escape(raw), text)] or [("", "")]


def _what_is_wrong(row) -> str | None:
    """What the row's value wrongly is, when it is that at every place its raw text occurs."""
    verdicts = {_verdict(row, before, after) for before, after in _contexts(row)}
    return verdicts.pop() if len(verdicts) == 1 else None


def _verdict(row, before: str, after: str) -> str | None:
    raw = row["raw"] or ""
    digits = re.sub(r"^[^\d〇零一二两三四五六七八九十]+", "", raw)
    if re.fullmatch(r"(19|20)\d\d年?", digits) and row["unit"] in (None, "年"):
        return "calendar year"
    if row["unit"] is None and re.match(r"[月日号]", after):
        return "date"
    if re.search(r"第$", before):
        return "ordinal"
    if re.match(r"(届|次会议|次全体会议)", after) and re.search(r"(第|人民代表大会|人大)", before[-3:] + after[:8]):
        return "congress term or meeting"
    return None


def test_no_row_is_a_year_date_term_or_ordinal(corpus_rows):
    wrong = [(w, row["source"], row["raw"], row["text"][:50]) for row in corpus_rows if (w := _what_is_wrong(row))]
    assert not wrong, "\n".join(map(str, wrong[:40]))


def test_durations_are_quantities():
    from compare.extract import targets_from_text

    for phrase, value in [("粮食连续6年增产", 6), ("土地承包期再延长30年", 30), ("用三年时间完成改造", 3)]:
        rows = targets_from_text(phrase).filter(targets_from_text(phrase)["value"].is_not_null()).to_dicts()
        assert [(r["value"], r["unit"]) for r in rows] == [(value, "年")], phrase
