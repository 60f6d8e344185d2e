"""The static HTML pages in a real browser (Debian's chromium through playwright).

One browser serves the whole module. The tests skip when /usr/bin/chromium is
absent (install it with `apt-get install -y chromium fonts-wqy-microhei`) and
fail instead when COMPARE_REQUIRE_SHARED=1 (CI). Never `playwright install`.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from compare.diff import diff_tables
from compare.extract import extract_targets, targets_from_text
from compare.ingest import read_reports
from compare.render import render_diff_page, render_report_page
from compare.site import build_site

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
HOSTILE = '<script>alert(1)</script> 启动"onmouseover=alert(2) x="营商环境改革'


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = "/usr/bin/chromium not found: apt-get install -y chromium fonts-wqy-microhei (never playwright install)"
        if os.environ.get("COMPARE_REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Visit:
    """A page opened from disk, recording every request, console error and dialog."""

    def __init__(self, browser, path: Path, width: int = 1280):
        self.url = path.resolve().as_uri()
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def close(self):
        self.page.close()


def _sample_diff() -> dict:
    a = targets_from_text("主要目标：国内生产总值增长5%左右；城镇新增就业1200万人左右；粮食产量1.3万亿斤以上；"
                          "进出口增长6%左右。要建设口袋公园。要启动营商环境5.0改革。", year=2023, place="测试市")
    b = targets_from_text("过去一年，国内生产总值增长5.2%，城镇新增就业1244万人。主要目标：国内生产总值增长5%左右；"
                          "城镇新增就业1200万人以上；粮食产量1.4万亿斤以上；居民收入增长7%。要建设碧道。",
                          year=2024, place="测试市")
    return diff_tables(a, b)


@pytest.fixture(scope="module")
def diff_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("diff") / "diff.html"
    path.write_text(render_diff_page(_sample_diff()), encoding="utf-8")
    return path


def test_diff_page_loads_offline_without_errors(browser, diff_file):
    v = Visit(browser, diff_file)
    try:
        assert v.errors == [] and v.dialogs == []
        assert v.requests == [v.url]  # only the page itself: no font, script, style or image request
        assert v.page.locator("h1").inner_text().startswith("测试市")
        assert v.page.locator("text=主要预期目标").count() == 1
    finally:
        v.close()


def test_status_filter_and_search(browser, diff_file):
    v = Visit(browser, diff_file)
    try:
        rows = v.page.locator("article.change")
        total = rows.count()
        dropped = v.page.locator("article.change[data-status=dropped]").count()
        assert 0 < dropped < total
        v.page.click("button[data-filter=dropped]")
        assert v.page.locator("article.change:visible").count() == dropped
        assert all(s == "dropped" for s in v.page.locator("article.change:visible").evaluate_all(
            "els => els.map(e => e.dataset.status)"))
        v.page.click("button[data-filter=all]")
        assert v.page.locator("article.change:visible").count() == total
        v.page.fill("input.search", "粮食")
        assert v.page.locator("article.change:visible").count() == 1
        v.page.fill("input.search", "")
        assert v.page.locator("article.change:visible").count() == total
    finally:
        v.close()


def test_every_row_visible_without_javascript(browser, diff_file):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(diff_file.resolve().as_uri())
        assert page.locator("article.change:visible").count() == page.locator("article.change").count() > 0
        assert page.locator("input.search:visible").count() == 0  # controls that need JS stay out of the way
    finally:
        context.close()


def _distinct_colours(browser, png: bytes) -> int:
    """Distinct RGB colours in a PNG, decoded by the browser itself on a blank page (no PIL needed)."""
    page = browser.new_page()
    try:
        return page.evaluate("""async (src) => {
            const img = new Image(); img.src = src; await img.decode();
            const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
            const g = c.getContext('2d'); g.drawImage(img, 0, 0);
            const d = g.getImageData(0, 0, c.width, c.height).data; const seen = new Set();
            for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
            return seen.size; }""", "data:image/png;base64," + base64.b64encode(png).decode())
    finally:
        page.close()


def test_screenshot_is_not_blank(browser, diff_file):
    v = Visit(browser, diff_file)
    try:
        png = v.page.screenshot()
    finally:
        v.close()
    # Text, badges and colour-coded statuses give hundreds of colours (antialiasing); a blank page gives 1.
    assert _distinct_colours(browser, png) > 100


# CJK glyphs, not tofu: draw a few different characters with the page's own font
# stack on a canvas and compare the bitmaps. With a CJK font each character has
# its own shape, so the bitmaps differ; without one, every character falls back
# to the same .notdef box and the bitmaps are identical. Widths would not tell
# (tofu boxes are full-width too), pixels do.
GLYPHS_JS = """(chars) => {
    const font = '40px ' + getComputedStyle(document.querySelector('h1')).fontFamily;
    return chars.map(ch => {
        const c = document.createElement('canvas'); c.width = 48; c.height = 48;
        const g = c.getContext('2d'); g.font = font; g.fillStyle = '#000'; g.textBaseline = 'top';
        g.fillText(ch, 4, 4);
        const d = g.getImageData(0, 0, 48, 48).data; let ink = 0, sig = [];
        for (let i = 3; i < d.length; i += 4) { if (d[i] > 128) { ink++; sig.push(i); } }
        return {ink: ink, sig: sig.join(',')};
    });
}"""


def test_cjk_text_renders_as_glyphs_not_boxes(browser, diff_file):
    v = Visit(browser, diff_file)
    try:
        glyphs = v.page.evaluate(GLYPHS_JS, ["国", "政", "报", "增"])
        # Control: two private-use characters no font has both draw the same .notdef box.
        tofu = v.page.evaluate(GLYPHS_JS, ["\U000FFFFD", "\U0010FFFD"])
    finally:
        v.close()
    assert tofu[0]["sig"] == tofu[1]["sig"], "the tofu control differs: the method cannot see tofu here"
    assert all(g["ink"] > 20 for g in glyphs), "a CJK character drew no ink"
    assert len({g["sig"] for g in glyphs}) == len(glyphs), \
        "different CJK characters render identically: tofu (install fonts-wqy-microhei or fonts-noto-cjk)"


def test_hostile_report_text_is_shown_as_text(browser, tmp_path):
    text = f"各位代表：\n二、2024年主要目标\n今年主要预期目标是：地区生产总值增长5%左右。\n{HOSTILE}\n"
    table = targets_from_text(text, year=2024)
    meta = {"place": "测试市<img src=x onerror=alert(3)>", "year": 2024, "level": "city", "delivered": "2024-01-10",
            "source": "x.txt", "source_url": "javascript:alert(4)", "sha256": None, "title": None}
    path = tmp_path / "report.html"
    path.write_text(render_report_page(meta, table, text), encoding="utf-8")
    v = Visit(browser, path)
    try:
        body = v.page.locator("body").inner_text()
        assert "<script>alert(1)</script>" in body and '"onmouseover=alert(2) x="' in body
        assert "<img src=x onerror=alert(3)>" in body
        v.page.locator("p", has_text="onmouseover").first.hover()
        v.page.locator("text=javascript:alert(4)").click()
        assert v.dialogs == [] and v.errors == []
        assert v.requests == [v.url]
        # A target row links to its passage, and the passage is marked.
        v.page.locator("table.targets a").first.click()
        assert v.page.evaluate("location.hash").startswith("#r-")
        assert v.page.locator("mark:target").count() == 1
    finally:
        v.close()


def test_same_input_gives_identical_html():
    assert render_diff_page(_sample_diff()) == render_diff_page(_sample_diff())


def test_small_site_opens_from_disk_without_network(browser, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for year, value in ((2023, 5), (2024, 6)):
        (corpus / f"{year}.txt").write_text(
            f"各位代表：\n一、{year - 1}年工作回顾\n过去一年，地区生产总值增长5.2%。\n二、{year}年主要目标\n"
            f"今年主要预期目标是：地区生产总值增长{value}%左右；粮食产量1.3万亿斤以上。\n", encoding="utf-8")
    (corpus / "manifest.csv").write_text("path,place,place_key,level,year\n2023.txt,样本市,样本市,city,2023\n"
                                         "2024.txt,样本市,样本市,city,2024\n", encoding="utf-8")
    reports, errors = read_reports([corpus])
    assert not errors
    out = tmp_path / "site"
    build_site(reports, {}, out)
    v = Visit(browser, out / "index.html")
    try:
        v.page.click("text=样本市")  # index -> place page
        v.page.click("a.pair")  # place page -> diff page
        assert "diff-2023-2024.html" in v.page.url
        assert v.page.locator("article.change[data-status=raised]").count() == 1
        assert all(u.startswith("file://") for u in v.requests) and v.errors == []
    finally:
        v.close()


def test_phone_width_stacks_the_two_sides(browser, diff_file):
    v = Visit(browser, diff_file, width=390)
    try:
        row = v.page.locator("article.change[data-status=continued]").first
        old, new = row.locator(".clause.o").bounding_box(), row.locator(".clause.n").bounding_box()
        assert new["y"] >= old["y"] + old["height"] - 1  # stacked, not side by side
        assert v.page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    finally:
        v.close()


def test_national_2023_2024_diff_page(browser, shared_dir, tmp_path):
    national = shared_dir / "corpus" / "national"
    reports, errors = read_reports([national / "2023.txt", national / "2024.txt"])
    assert not errors
    old, new = sorted(reports, key=lambda r: r.year)
    diff = diff_tables(extract_targets(old), extract_targets(new), old_report=old, new_report=new)
    path = tmp_path / "national-2023-2024.html"
    path.write_text(render_diff_page(diff), encoding="utf-8")
    v = Visit(browser, path)
    try:
        assert v.errors == [] and v.requests == [v.url]
        headline = v.page.locator("section.group").first
        assert "主要预期目标" in headline.locator("h2").inner_text()
        gdp = headline.locator("article.change", has_text="国内生产总值增长5%左右").first
        assert gdp.get_attribute("data-status") == "continued"
        assert "达成 met 5.2%" in " ".join(gdp.locator(".badge").all_inner_texts())
        jobs = headline.locator("article.change", has_text="城镇新增就业1200万人以上").first
        assert jobs.get_attribute("data-status") == "continued"
        badges = " ".join(jobs.locator(".badge").all_inner_texts())
        assert "比较词变化 comparator changed" in badges
        assert jobs.locator(".clause.o del").inner_text() == "左右" and jobs.locator(".clause.n ins").inner_text() == "以上"
    finally:
        v.close()
