"""Ingest against the real corpus in ../shared (read in place, never copied).

Agreement rule for place and year inferred WITHOUT the manifest:
- year: must equal the manifest's year exactly;
- place: equal to the manifest's place, or the manifest place ends with the inferred
  place when the inferred one is a shorter form (e.g. 高唐县 for 山东省聊城市高唐县).
At least 98% of the reports must agree on both; the misses are printed.
"""

import csv
import re
from pathlib import Path

import pytest

from compare.ingest import _normalise, decode_bytes, read_reports, to_simplified
from tests.conftest import require_shared

CLUTTER = ("导航菜单", "本文仅代表作者观点", "留言与评论", "验证码", "本文地址", "标签云", "阅读排行", "ICP备")


@pytest.fixture(scope="module")
def corpus():
    root = require_shared() / "corpus"
    reports, errors = read_reports([root], use_manifest=False)
    manifest = {row["path"]: row for row in csv.DictReader(open(root / "manifest.csv", encoding="utf-8"))}
    return root, reports, errors, manifest


def test_place_and_year_agree_with_manifest(corpus):
    root, reports, errors, manifest = corpus
    by_path = {Path(r.source).resolve().relative_to(root.resolve()).as_posix(): r for r in reports}
    misses = []
    for path, row in sorted(manifest.items()):
        r = by_path.get(path)
        if r is None:
            misses.append(f"{path}: not read")
            continue
        year_ok = r.year == int(row["year"])
        place_ok = r.place == row["place"] or row["place"].endswith(r.place)
        if not (year_ok and place_ok):
            misses.append(f"{path}: inferred {r.place} {r.year}, manifest {row['place']} {row['year']}")
    agreement = 1 - len(misses) / len(manifest)
    print(f"\nplace+year agreement without manifest: {agreement:.1%} ({len(manifest) - len(misses)}/{len(manifest)})")
    print("\n".join(misses))
    assert not errors, [str(e) for e in errors]
    assert agreement >= 0.98, "misses:\n" + "\n".join(misses)


def test_full_place_names_and_years(corpus):
    """Reported, not asserted beyond the 98% rule: how many full names and exact years."""
    root, reports, _, manifest = corpus
    by_path = {Path(r.source).resolve().relative_to(root.resolve()).as_posix(): r for r in reports}
    years = sum(by_path[p].year == int(row["year"]) for p, row in manifest.items() if p in by_path)
    full = sum(by_path[p].place == row["place"] for p, row in manifest.items() if p in by_path)
    levels = sum(by_path[p].level == row["level"] for p, row in manifest.items() if p in by_path)
    print(f"\nyears {years}/{len(manifest)}, full places {full}/{len(manifest)}, levels {levels}/{len(manifest)}")
    assert years == len(manifest)


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in _normalise(decode_bytes(path.read_bytes(), str(path))).split("\n") if line.strip()]


def test_clean_text_keeps_opening_and_closing_and_drops_clutter(corpus):
    root, reports, _, _ = corpus
    problems = []
    for r in reports:
        lines = _lines(Path(r.source))
        text = r.text
        salutations = [i for i, line in enumerate(lines) if line.startswith("各位代表")]
        if salutations:
            # the opening: the first salutation (and its paragraph when it stands alone)
            first = salutations[0]
            opening = lines[first : first + (2 if len(lines[first]) < 8 else 1)]
            # the closing: the last salutation paragraph
            last = salutations[-1]
            closing = lines[last : last + (2 if len(lines[last]) < 8 else 1)]
        else:
            long_lines = [line for line in lines if len(line) >= 60 and line[-1] in "。!"
                          and not any(c in line for c in CLUTTER)]
            opening, closing = long_lines[:1], long_lines[-1:]
        compact = re.sub(r"\s", "", text)
        for kind, wanted in (("opening", opening), ("closing", closing)):
            for line in wanted:
                # compare the paragraph's start, line breaks aside (a copy of the report may break its lines
                # elsewhere): a page may glue its own clutter onto the last line
                if re.sub(r"\s", "", to_simplified(_normalise(line[:60]))) not in compact:  # (national 1954)
                    problems.append(f"{r.source}: {kind} lost: {line[:40]}")
        for word in CLUTTER:
            if word in text:
                problems.append(f"{r.source}: clutter left: {word}")
    assert not problems, "\n".join(problems)


def test_notes_explain_lost_characters_and_wrong_headers(corpus):
    root, reports, _, _ = corpus
    by_path = {Path(r.source).resolve().relative_to(root.resolve()).as_posix(): r for r in reports}
    assert any("%" in n for n in by_path["baoding-counties/shunping/2008.txt"].notes)
    assert "_M_M_" not in by_path["baoding-counties/shunping/2008.txt"].text
    assert any("2018" in n and "2019" in n for n in by_path["hebei/2019.txt"].notes)
    assert by_path["hebei/2019.txt"].delivered == "2019-01-14"
    assert by_path["miyi/2022.txt"].year == 2022
    assert any(re.search(r"\d+ characters lost", n) for n in by_path["gaotang/2021.txt"].notes)
    assert by_path["national/2024.txt"].delivered == "2024-03-05"
    assert "\\r\\n" not in by_path["baoding-counties/shunping/2008.txt"].text
    # Shanghai 2020-2024: paragraphs restored from runs of spaces
    assert by_path["shanghai/2022.txt"].text.count("\n") > 50


def test_a_sentence_cut_across_lines_is_read_whole():
    """National 2017 cuts `国内生产总值达到74.4` from `万亿元，增长6.7%` with a blank line; joined again,
    2016's GDP target (6.5-7%) is checked against 6.7% instead of not_reported."""
    from compare.places import diff_files

    national = require_shared() / "corpus" / "national"
    diff = diff_files(national / "2016.txt", national / "2017.txt")
    gdp = [c for c in diff["changes"] if c["old"] and c["old"]["indicator_key"] == "国内生产总值"
           and c["old"]["value"] is not None and c["outcome"]]
    assert gdp and gdp[0]["outcome"]["status"] == "met" and gdp[0]["outcome"]["value"] == 6.7
    from compare.extract import extract_rows
    from compare.ingest import read_report

    rows = extract_rows(read_report(national / "2017.txt"))
    assert any(r["text"] == "国内生产总值达到74.4万亿元" and r["value"] == 7.44e13 and r["unit"] == "元" for r in rows)


def test_a_page_that_holds_the_report_twice_keeps_one_copy(corpus):
    """13 hebei pages show the report, then a copy of it broken into other lines: one copy is read.
    A speech may say a long sentence twice (national 2015); a copy says dozens again. (A page may repeat
    the report's glossary, 〔1〕…: notes, part other, and not counted here.)"""
    _, reports, _, _ = corpus
    copies = []
    for r in reports:
        speech = re.sub(r"(?m)^[ \t]*〔\d+〕.*$", "", r.text)
        sentences = re.findall(r"[^。!?\n]{40,}", re.sub(r"[ \t]+", "", speech))
        repeated = len(sentences) - len(set(sentences))
        if repeated >= 5:
            copies.append(f"{r.source}: {repeated} long sentences said twice")
    assert not copies, "\n".join(copies)
