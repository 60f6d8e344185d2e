"""The static HTML pages without a browser: escaping, slugs, links, determinism, atomic writes."""

from __future__ import annotations

import html.parser
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.diff import diff_tables
from compare.extract import targets_from_text
from compare.ingest import read_reports
from compare.render import (SiteLinks, inline_diff, render_diff_page, render_index, render_place_page,
                            render_report_page, safe_href, sparkline_svg, tokenise_numbers, years_gap_note)
from compare.site import build_site, place_slug, write_if_changed

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")
HOSTILE = '<script>alert(1)</script> 启动"onmouseover=alert(2) x="营商环境改革'


def write_small_corpus(folder: Path) -> Path:
    """Two places: a county with 2022, 2023 and 2025 (a gap), and a city whose name is hostile."""
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    (folder / "manifest.csv").write_text(
        "path,place,place_key,level,year\n"
        "a/2022.txt,测试省<b>样本</b>县,测试省样本县,county,2022\n"
        "a/2023.txt,测试省<b>样本</b>县,测试省样本县,county,2023\n"
        "a/2025.txt,测试省<b>样本</b>县,测试省样本县,county,2025\n"
        'b/2024.txt,"../CON/""x"" 市#?%",../CON/"x" 市#?%,city,2024\n', encoding="utf-8")
    for year, (gdp, grain) in {2022: (6, "1.3"), 2023: (5, "1.4"), 2024: (5, "1.4"), 2025: (5, "1.4")}.items():
        text = (f"各位代表：\n一、{year - 1}年工作回顾\n过去一年，地区生产总值增长5.2%，城镇新增就业1.3万人。\n"
                f"二、{year}年主要目标\n今年主要预期目标是：地区生产总值增长{gdp}%左右；城镇新增就业1.2万人"
                f"{'左右' if year == 2022 else '以上'}；粮食产量{grain}万亿斤以上。\n"
                f"我们要确保完成口袋公园建设{year - 2000}个，{HOSTILE}。\n")
        (folder / ("b" if year == 2024 else "a") / f"{year}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> tuple[Path, list[Path], list]:
    corpus = write_small_corpus(tmp_path_factory.mktemp("corpus"))
    reports, errors = read_reports([corpus])
    assert not errors and len(reports) == 4
    out = tmp_path_factory.mktemp("site")
    return out, build_site(reports, {}, out), reports


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        for key in ("src", "srcset", "data"):
            if a.get(key):
                self.srcs.append(a[key])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# ---------------------------------------------------------------- pieces

def test_number_with_unit_is_one_token():
    assert tokenise_numbers("粮食产量1.3万亿斤以上") == ["粮", "食", "产", "量", "1.3万亿斤", "以", "上"]
    runs = inline_diff("粮食产量1.3万亿斤以上", "粮食产量1.4万亿斤以上")
    assert runs == [("same", "粮食产量"), ("del", "1.3万亿斤"), ("ins", "1.4万亿斤"), ("same", "以上")]
    assert inline_diff("城镇新增就业1200万人左右", "城镇新增就业1200万人以上")[-2:] == [("del", "左右"), ("ins", "以上")]


def test_gap_note_and_safe_href():
    assert years_gap_note(2019, 2021) == "2019 → 2021 (no 2020 report); outcomes not checked"
    assert years_gap_note(2023, 2024) is None
    assert safe_href("http://x.org/a?b=1") == "http://x.org/a?b=1"
    for bad in ("javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "//evil.org", "", None):
        assert safe_href(bad) is None


def test_sparkline_is_inline_svg_without_script():
    svg = str(sparkline_svg([(2020, 1.0), (2021, 3.0), (2023, 2.0)], years=(2020, 2024)))
    assert svg.startswith("<svg") and "<polyline" in svg and "script" not in svg and "http" not in svg
    assert str(sparkline_svg([])) == ""


# ---------------------------------------------------------------- escaping

def test_report_page_escapes_text_metadata_and_urls():
    text = f"各位代表：\n二、2024年主要目标\n今年主要预期目标是：地区生产总值增长5%左右。\n{HOSTILE}\n"
    table = targets_from_text(text, year=2024)
    meta = {"place": "<img src=x onerror=alert(3)>县", "year": 2024, "level": "county", "delivered": None,
            "source": 'a"b<c>.txt', "source_url": "javascript:alert(4)", "sha256": None, "title": None}
    page = render_report_page(meta, table, text)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '"onmouseover' not in page and "&#34;onmouseover=alert(2)" in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(3)&gt;" in page
    assert 'href="javascript' not in page and "javascript:alert(4)" in page  # shown as text, not a link
    assert f'content="{CSP}"' in page
    assert page.count("<script>") == 2  # ours: the js class switch and the filters


def test_diff_page_escapes_and_labels():
    a = targets_from_text("主要目标：国内生产总值增长5%左右；城镇新增就业1200万人左右；粮食产量1.3万亿斤以上。<b>x</b>要建设口袋公园。", year=2023)
    b = targets_from_text("过去一年，国内生产总值增长5.2%。主要目标：国内生产总值增长5%左右；城镇新增就业1200万人以上；粮食产量1.4万亿斤以上。", year=2024)
    page = render_diff_page(diff_tables(a, b))
    assert "<b>x</b>" not in page
    for label in ("延续", "continued", "上调", "raised", "比较词变化", "comparator changed", "达成", "met",
                  "主要预期目标", "Headline targets"):
        assert label in page, label
    assert "<del>1.3万亿斤</del>" in page and "<ins>1.4万亿斤</ins>" in page
    assert "达成 <i>met</i> <span class=\"num\">5.2%</span>" in page
    assert 'title="score ' in page


def test_diff_page_says_when_years_are_not_consecutive():
    a = targets_from_text("主要目标：国内生产总值增长6%左右。", year=2019)
    b = targets_from_text("主要目标：国内生产总值增长5%左右。", year=2021)
    page = render_diff_page(diff_tables(a, b))
    assert "2019 → 2021 (no 2020 report); outcomes not checked" in page
    assert "Outcomes of" not in page


def test_place_page_with_a_fake_history_and_index():
    history = pl.DataFrame({
        "lineage": [0, 1], "indicator": ["国内生产总值<i>", "口袋公园"], "indicator_key": ["国内生产总值", "口袋公园"],
        "unit": ["%", "个"], "2022": ["5.5%左右", ""], "2023": ["5%左右", "80个"], "2024": ["5%左右", "90个"],
        "values": [[{"year": 2022, "value": 5.5}, {"year": 2023, "value": 5.0}, {"year": 2024, "value": 5.0}],
                   [{"year": 2023, "value": 80.0}, {"year": 2024, "value": 90.0}]]})
    links = SiteLinks(home="../../index.html", reports={2022: "2022.html"}, diffs={(2022, 2023): "diff-2022-2023.html"})
    diffs = [{"old_year": 2022, "new_year": 2023, "consecutive": True, "outcomes_checked": True, "total": 3,
              "summary": {"continued": 2, "raised": 0, "lowered": 1, "dropped": 0, "new": 0},
              "outcomes": {"met": 1, "above": 0, "below": 1, "not_reported": 1}}]
    page = render_place_page("测试县", history, diffs, [{"year": 2022, "rows": 4}], links=links)
    assert page.count("<svg") == 2 and "国内生产总值&lt;i&gt;" in page
    assert 'href="diff-2022-2023.html"' in page and 'href="2022.html"' in page
    index = render_index([{"place": "测试县", "level": "county", "years": {2022: 4, 2024: 7},
                           "href": "places/x/index.html", "year_hrefs": {2022: "places/x/2022.html"}}])
    assert 'href="places/x/2022.html">4<' in index and "2020s" in index


# ---------------------------------------------------------------- slugs

RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def _assert_safe(slug: str) -> None:
    assert slug and slug not in (".", "..") and not slug.startswith((".", "-"))
    assert not re.search(r"[/\\:*?\"<>|\x00-\x1f\x7f]", slug), slug
    assert all(unicodedata.category(c)[0] != "C" for c in slug), slug
    assert slug.split(".")[0].upper() not in RESERVED
    assert len(slug.encode("utf-8")) <= 200
    assert slug == unicodedata.normalize("NFKC", slug)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=8, unique=True))
def test_slugs_are_safe_and_distinct(names):
    taken: set[str] = set()
    slugs = [place_slug(n, taken) for n in names]
    for s in slugs:
        _assert_safe(s)
    assert len({s.casefold() for s in slugs}) == len(names)


def test_slugs_keep_cjk_readable_and_are_stable(tmp_path):
    assert place_slug("河北省保定市徐水区", set()).startswith("河北省保定市徐水区-")
    assert place_slug("河北省保定市徐水区", set()) == place_slug("河北省保定市徐水区", set())
    for name in ("..", "CON", "nul", "a/b", "a\\b", "\x00", " ", "." * 300, "市" * 500):
        slug = place_slug(name, set())
        _assert_safe(slug)
        (tmp_path / slug).mkdir()  # the file system accepts it


# ---------------------------------------------------------------- the built site

def test_site_links_resolve_to_files_and_anchors(small_site):
    out, pages, _ = small_site
    names = sorted(p.relative_to(out).as_posix() for p in pages)
    assert "index.html" in names and len(pages) == len(set(pages))
    county = [n for n in names if n.startswith("places/测试省样本县-")]
    assert sorted(Path(n).name for n in county) == ["2022.html", "2023.html", "2025.html", "diff-2022-2023.html",
                                                    "diff-2023-2025.html", "index.html"]
    checked = 0
    for page in pages:
        parsed = _parse(page)
        assert not parsed.srcs, page  # nothing is loaded from anywhere
        for href in parsed.hrefs:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                continue
            assert not parts.scheme and not parts.netloc and not href.startswith("/"), href
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), (page, href)
            assert out.resolve() in target.parents or target == out.resolve(), href
            if parts.fragment:
                assert parts.fragment in _parse(target).ids, (page, href)
            checked += 1
    assert checked > 50


def test_site_pages_escape_hostile_names(small_site):
    out, pages, _ = small_site
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<b>样本</b>" not in text and "<script>alert" not in text
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "测试省&lt;b&gt;样本&lt;/b&gt;县" in index and "CON" in index
    assert not (out / "CON").exists() and not list(out.glob("places/*/*/*"))


def test_site_gap_pair_and_outcomes(small_site):
    out, pages, _ = small_site
    gap = next(p for p in pages if p.name == "diff-2023-2025.html").read_text(encoding="utf-8")
    assert "2023 → 2025 (no 2024 report); outcomes not checked" in gap
    consecutive = next(p for p in pages if p.name == "diff-2022-2023.html").read_text(encoding="utf-8")
    assert "比较词变化" in consecutive and "<del>1.3万亿斤</del>" in consecutive


def test_build_is_deterministic_and_skips_unchanged_files(small_site, tmp_path):
    out, pages, reports = small_site
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in pages}
    again = build_site(list(reversed(reports)), {}, out)
    assert again == pages
    for p in pages:
        assert p.read_bytes() == before[p][0] and p.stat().st_mtime_ns == before[p][1], p
    other = build_site(reports, {}, tmp_path / "other")
    assert [p.read_bytes() for p in other] == [p.read_bytes() for p in pages]
    assert not list(out.rglob("*.tmp"))


def test_write_if_changed(tmp_path):
    path = tmp_path / "d" / "x.html"
    assert write_if_changed(path, "一") is True
    assert write_if_changed(path, "一") is False
    assert write_if_changed(path, "二") is True and path.read_text(encoding="utf-8") == "二"
    assert [p.name for p in path.parent.iterdir()] == ["x.html"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("&<>\"'a中 \n")) | st.characters(), max_size=40))
def test_both_escapers_agree_with_markupsafe(text):
    """render escapes with markupsafe's C function where it exists and a Python copy elsewhere:
    both must give what markupsafe.escape gives."""
    import markupsafe

    from compare.render import _escape_text, _escape_text_in_python

    assert _escape_text(text) == _escape_text_in_python(text) == str(markupsafe.escape(text))
