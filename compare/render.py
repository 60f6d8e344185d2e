"""Render: static HTML pages for diffs, reports, places and the site index (jinja2).

Every page function is pure (data in, HTML string out) and deterministic: the
same input gives byte-identical output, with no timestamps. Pages are
self-contained: CSS and a few lines of vanilla JS are inlined, and a strict
Content-Security-Policy keeps any request from leaving the page, so a built
site can be zipped, served by any static server or opened from disk.

Links between pages come in a ``SiteLinks`` (all relative URLs); without one a
page renders on its own with no cross-page links.

The inline diff treats a number with its unit as one token, so a changed
figure reads as one deletion and one insertion rather than a changed digit:

>>> inline_diff("粮食产量保持在1.3万亿斤以上", "粮食产量1.4万亿斤以上")
[('same', '粮食产量'), ('del', '保持在1.3万亿斤'), ('ins', '1.4万亿斤'), ('same', '以上')]
"""

from __future__ import annotations

import difflib
import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from compare.diff import FLAG_LABELS, OUTCOME_LABELS, STATUS_LABELS

__all__ = [
    "SiteLinks", "STATUS_LABELS", "FLAG_LABELS", "OUTCOME_LABELS", "PART_LABELS",
    "tokenise_numbers", "inline_diff", "years_gap_note", "diff_summary", "sparkline_svg", "safe_href",
    "render_diff_page", "render_report_page", "render_place_page", "render_index",
]

# (Chinese, English) for every label a reader sees; the diff's labels are defined with the diff.
PART_LABELS = {"plan": ("计划", "plan"), "review": ("回顾", "review"), "other": ("其他", "other")}
COMPARATOR_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "≈", "range": "–", "=": "="}
LEVEL_LABELS = {"national": ("全国", "national"), "province": ("省级", "province"), "city": ("市级", "city"),
                "district": ("区", "district"), "county": ("县", "county")}


@dataclass(frozen=True)
class SiteLinks:
    """Relative URLs from the page being rendered to the pages around it (None: no link)."""

    home: str | None = None
    place: str | None = None
    reports: Mapping[int, str] = field(default_factory=dict)  # year -> report page
    diffs: Mapping[tuple[int, int], str] = field(default_factory=dict)  # (old year, new year) -> diff page

    def report(self, year: int | None, row_id: str | None = None) -> str | None:
        """The report page of a year, or one row's passage in it (#r-<id>)."""
        href = self.reports.get(year) if year is not None else None
        if href and row_id:
            return f"{href}#r-{row_id}"
        return href


# ---------------------------------------------------------------- templates

@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    from compare.site import template_dirs

    # auto_reload off: the templates do not change while a build runs, and checking each one's mtime
    # on every page (the page's, base.html, site.css, site.js: four stat calls) was a fifth of jinja's time.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(d) for d in template_dirs()]),
                             autoescape=True, undefined=jinja2.StrictUndefined, auto_reload=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(STATUS_LABELS=STATUS_LABELS, FLAG_LABELS=FLAG_LABELS, OUTCOME_LABELS=OUTCOME_LABELS,
                       PART_LABELS=PART_LABELS, LEVEL_LABELS=LEVEL_LABELS, COMPARATOR_SIGNS=COMPARATOR_SIGNS)
    env.filters["num"] = _thousands
    return env


def _render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context)


def _thousands(n: int | float) -> str:
    return f"{n:,}" if isinstance(n, int) else f"{n:,.1f}"


# ---------------------------------------------------------------- small pure pieces

# A number with its magnitude words and unit is ONE diff token (1.3万亿斤), so a
# changed figure shows as one deletion + one insertion, not as a changed digit.
_UNITS = ("个百分点", "平方公里", "平方米", "立方米", "千瓦时", "千瓦", "公顷", "公里", "千米", "标准煤",
          "%", "‰", "元", "美元", "人次", "人", "斤", "吨", "米", "个", "条", "宗", "株", "项", "亩", "户", "家",
          "所", "座", "辆", "台", "套", "次", "天", "倍", "间", "张", "处", "张", "床", "件", "名", "块", "万")
_NUMBER_UNIT_RE = re.compile(
    r"\d+(?:[.,]\d+)*(?:[十百千万亿]+)?(?:" + "|".join(re.escape(u) for u in sorted(set(_UNITS), key=len, reverse=True))
    + r")?")


def tokenise_numbers(text: str) -> list[str]:
    """Split text into diff tokens: each number+unit run is one token, every other character its own.

    >>> tokenise_numbers("增长5.5%左右")
    ['增', '长', '5.5%', '左', '右']
    """
    tokens: list[str] = []
    pos = 0
    for m in _NUMBER_UNIT_RE.finditer(text):
        tokens.extend(text[pos:m.start()])
        tokens.append(m.group())
        pos = m.end()
    tokens.extend(text[pos:])
    return tokens


def inline_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The character diff of two clauses as (kind, text) runs, kind in same/del/ins."""
    if old == new:  # most continued targets keep their words: nothing to match
        return [("same", old)] if old else []
    a, b = tokenise_numbers(old), tokenise_numbers(new)
    runs: list[tuple[str, str]] = []

    def add(kind: str, tokens: Sequence[str]) -> None:
        if not tokens:
            return
        text = "".join(tokens)
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] + text)
        else:
            runs.append((kind, text))

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            add("same", a[i1:i2])
        else:
            add("del", a[i1:i2])
            add("ins", b[j1:j2])
    return runs


def _marked(runs: list[tuple[str, str]], side: str) -> str:
    """One side of an inline diff as HTML: the old side ("o") shows deletions, the new side insertions."""
    tag = "del" if side == "o" else "ins"
    escape = _escape_text
    out = []
    for kind, text in runs:
        if kind == "same":
            out.append(escape(text))
        elif kind == tag:
            out.append(f"<{tag}>{escape(text)}</{tag}>")
    return "".join(out)


def years_gap_note(old_year: int | None, new_year: int | None) -> str | None:
    """The line that says a diff skips years, or None for consecutive years.

    >>> years_gap_note(2019, 2021)
    '2019 → 2021 (no 2020 report); outcomes not checked'
    >>> years_gap_note(2004, 2008)
    '2004 → 2008 (no 2005–2007 reports); outcomes not checked'
    """
    if old_year is None or new_year is None or new_year - old_year == 1:
        return None
    if new_year - old_year == 2:
        missing = f"no {old_year + 1} report"
    else:
        missing = f"no {old_year + 1}–{new_year - 1} reports"
    return f"{old_year} → {new_year} ({missing}); outcomes not checked"


def diff_summary(diff: dict) -> dict:
    """The small summary of a diff that a place page lists: years, status and outcome counts."""
    outcomes = {k: 0 for k in OUTCOME_LABELS}
    for change in diff["changes"]:
        if change.get("outcome"):
            outcomes[change["outcome"]["status"]] = outcomes.get(change["outcome"]["status"], 0) + 1
    compared = diff.get("compared") or {}
    old_year = compared.get("old_year", diff["old"].get("year"))
    new_year = compared.get("new_year", diff["new"].get("year"))
    return {"old_year": old_year, "new_year": new_year,
            "consecutive": bool(compared.get("consecutive", old_year is not None and new_year == (old_year or 0) + 1)),
            "outcomes_checked": bool(compared.get("outcomes", any(c.get("outcome") for c in diff["changes"]))),
            "summary": {s: diff["summary"].get(s, 0) for s in STATUS_LABELS}, "outcomes": outcomes,
            "total": len(diff["changes"])}


def safe_href(url: str | None) -> str | None:
    """The URL when it is http(s), else None (a source URL is shown as a link only then).

    >>> safe_href("https://example.org/a"), safe_href("javascript:alert(1)"), safe_href(None)
    ('https://example.org/a', None, None)
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def sparkline_svg(points: Iterable[tuple[int, float]], *, years: tuple[int, int] | None = None,
                  width: int = 96, height: int = 22) -> Markup:
    """A tiny inline SVG line of (year, value) points; x spans ``years`` (first, last) when given.

    >>> print(sparkline_svg([(2022, 5.5), (2023, 5.0), (2024, 5.0)]))  # doctest: +ELLIPSIS
    <svg class="spark" ...><polyline points="2.0,2.0 48.0,20.0 94.0,20.0"/>...</svg>
    """
    pts = sorted((int(y), float(v)) for y, v in points if v is not None and math.isfinite(v))
    if not pts:
        return Markup("")
    first, last = years or (pts[0][0], pts[-1][0])
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    pad = 2.0

    def xy(year: int, value: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * ((year - first) / (last - first) if last > first else 0.5)
        y = height / 2 if hi == lo else pad + (height - 2 * pad) * (hi - value) / (hi - lo)
        return round(x, 1), round(y, 1)

    coords = [xy(y, v) for y, v in pts]
    line = " ".join(f"{x},{y}" for x, y in coords)
    end_x, end_y = coords[-1]
    label = escape(" · ".join(f"{y}: {_short_number(v)}" for y, v in pts))
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{label}"><title>{label}</title><polyline points="{line}"/>'
        f'<circle cx="{end_x}" cy="{end_y}" r="2"/></svg>')


def _short_number(v: float) -> str:
    return f"{v:.6g}"


def _quantity(value: float | None, value_high: float | None, unit: str | None) -> str:
    from compare.table_io import format_value  # magnitude words back: 12440000 人 -> 1244万人

    return format_value(value, value_high, unit)


# ---------------------------------------------------------------- the diff page

def render_diff_page(diff: dict, *, links: SiteLinks | None = None) -> str:
    """One self-contained page for a diff in DESIGN.md's JSON shape (``diff.diff_tables``)."""
    from compare.diff import is_headline

    links = links or SiteLinks()
    summary = diff_summary(diff)
    headline: list[str] = []
    other: list[str] = []
    for change in diff["changes"]:
        article = _change_html(change, links)
        (headline if is_headline(change["old"]) or is_headline(change["new"]) else other).append(article)
    # Each group's articles as one string: a jinja loop over 100,000 changes cost a second a corpus.
    groups = [(zh, en, len(articles), Markup("\n".join(articles)))
              for zh, en, articles in (("主要预期目标", "Headline targets", headline),
                                       ("其他承诺", "Other commitments", other)) if articles]
    old_meta, new_meta = diff["old"], diff["new"]
    place = new_meta.get("place") or old_meta.get("place") or ""
    return _render("diff.html", place=place, old=_meta_view(old_meta), new=_meta_view(new_meta),
                   summary=summary, gap=years_gap_note(summary["old_year"], summary["new_year"]),
                   part=(diff.get("compared") or {}).get("part", "plan"),
                   note=(diff.get("compared") or {}).get("note"),
                   groups=groups, total=len(diff["changes"]), links=links)


# The markup of each status and flag badge, made once: every change of every diff page shows them.
_STATUS_BADGES = {s: f'<b class="badge st-{s}">{zh} <i>{en}</i></b>' for s, (zh, en) in STATUS_LABELS.items()}
_FLAG_BADGES = tuple((flag, f'<b class="badge flag">{zh} <i>{en}</i></b>') for flag, (zh, en) in FLAG_LABELS.items())


def _change_html(change: dict, links: SiteLinks) -> str:
    """One change as an <article>: badges, then the old and the new clause. Built in Python with
    f-strings straight from the diff's dicts: a diff page has up to 1,500 of them."""
    escape = _escape_text  # every value escaped here is a str
    status = change["status"]
    old, new = change["old"], change["new"]
    badges = _STATUS_BADGES[status]
    for flag, badge in _FLAG_BADGES:
        if change.get(flag):
            badges += badge
    if old is not None and new is not None:
        old_text, new_text = old["text"], new["text"]
        if old_text == new_text:  # most continued targets keep their words: nothing to mark
            old_marked = new_marked = escape(old_text) if old_text else ""
        else:
            runs = inline_diff(old_text, new_text)
            old_marked, new_marked = _marked(runs, "o"), _marked(runs, "n")
        sides = _clause_html(old, "o", old_marked, links) + _clause_html(new, "n", new_marked, links)
    else:
        sides = ('<div class="clause o empty"></div>' if old is None else
                 _clause_html(old, "o", escape(old["text"] or ""), links))
        sides += ('<div class="clause n empty"></div>' if new is None else
                  _clause_html(new, "n", escape(new["text"] or ""), links))
    outcome = change.get("outcome")
    if outcome:
        ozh, oen = OUTCOME_LABELS[outcome["status"]]
        text = outcome.get("text") or ""
        title = f' title="{escape(text)}"' if text else ""
        figure = _quantity(outcome.get("value"), None, outcome.get("unit")) if outcome.get("value") is not None else ""
        figure = f' <span class="num">{escape(figure)}</span>' if figure else ""
        badges += f'<b class="badge oc-{outcome["status"]}"{title}>{ozh} <i>{oen}</i>{figure}</b>'
    score = change.get("score")
    reason = change.get("reason")
    if isinstance(score, (int, float)):
        why = f' title="{escape(f"score {score:.3f} · {reason}" if reason else f"score {score:.3f}")}"'
    else:
        why = f' title="{escape(reason)}"' if reason else ""
    return (f'<article class="change fr st-{status}" data-status="{status}"{why}>'
            f'<div class="badges">{badges}</div>\n{sides}</article>')


def _clause_html(row: dict, cls: str, marked: str, links: SiteLinks) -> str:
    """One side of a change: the clause, then its section linked to the clause in its report."""
    section = row.get("section") or ""
    year = row.get("year")
    href = links.reports.get(year) if year is not None else None  # links.report(year, id), written out
    if href:
        row_id = row.get("id")
        if row_id:
            href = f"{href}#r-{row_id}"
        where = f'<a href="{_escape_text(href)}">{_escape_text(section or "原文 source")}</a>'
    else:
        where = _escape_text(section)
    return f'<div class="clause {cls}"><p class="text">{marked}</p><p class="where">{where}</p></div>'


def _meta_view(meta: Mapping[str, Any]) -> dict:
    return {"place": meta.get("place") or "", "year": meta.get("year"), "level": meta.get("level"),
            "delivered": meta.get("delivered"), "source": meta.get("source") or "",
            "source_url": meta.get("source_url"), "source_href": safe_href(meta.get("source_url")),
            "title": meta.get("title"), "sha256": meta.get("sha256"), "notes": list(meta.get("notes") or ())}


# ---------------------------------------------------------------- the report page

def _paragraphs_html(text: str, spans: list[tuple[int, int, str, str, bool]]) -> str:
    """The report text as numbered paragraphs (one per non-empty line) with each row's clause marked.

    ``spans`` are (start, end, row id, title, has a number); rows that share a
    clause share one <mark> (class "v" when a row has a number), and a clause
    overlapping an earlier one gets an anchor right after it. One string built
    with f-strings: Markup.format, and a jinja loop over the paragraphs, cost
    seconds over a corpus.

    >>> print(_paragraphs_html("甲\\n\\n增长5%", [(3, 7, "a1", "增长 5%", True)]), end="")
        <p id="p1"><a class="pnum" href="#p1">1</a>甲</p>
        <p id="p2"><a class="pnum" href="#p2">2</a><mark id="r-a1" class="v" title="增长 5%">增长5%</mark></p>
    """
    escape = _escape_text
    size = len(text)
    by_span: dict[tuple[int, int], list[tuple[str, str]]] = {}
    numeric: set[tuple[int, int]] = set()
    for start, end, row_id, title, has_value in spans:
        if 0 <= start < end <= size:
            by_span.setdefault((start, end), []).append((row_id, title))
            if has_value:
                numeric.add((start, end))
    def anchors(rows: list[tuple[str, str]]) -> str:
        return "".join(f'<span class="anchor" id="r-{escape(r)}"></span>' for r, _ in rows)

    def mark_tag(rows: list[tuple[str, str]], span: tuple[int, int]) -> str:
        first_row, title = rows[0]
        value_class = ' class="v"' if span in numeric else ""
        return f'<mark id="r-{escape(first_row)}"{value_class} title="{escape(title)}">'

    # Each clause's opening markup (the anchors of the rows after the first, then <mark>) made once,
    # before the walk through the lines: (start, end, rows, opening).
    marks = [(start, end, rows, anchors(rows[1:]) + mark_tag(rows, (start, end)))
             for (start, end), rows in sorted(by_span.items())]
    count = len(marks)
    out: list[str] = []
    number = 0
    k = 0
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        line_end = pos = pos + len(line)
        pos += 1
        if not line.strip():
            continue
        number += 1
        out.append(f'    <p id="p{number}"><a class="pnum" href="#p{number}">{number}</a>')
        cursor = mark_end = line_start
        while k < count and marks[k][0] < line_end:
            start, end, rows, opening = marks[k]
            k += 1
            if start < line_start:
                continue
            if start < mark_end:  # overlaps the previous mark: anchors only, right after it
                out.append(anchors(rows))
                continue
            if end > line_end:  # cut at the line's end; its class is then that of the cut span, if any
                end = line_end
                opening = anchors(rows[1:]) + mark_tag(rows, (start, end))
            out.append(f"{escape(text[cursor:start])}{opening}{escape(text[start:end])}</mark>")
            cursor = mark_end = end
        out.append(f"{escape(text[cursor:line_end])}</p>\n")
    return "".join(out)


def _esc(value: Any) -> str:
    """HTML-escaped text, quotes too and written as markupsafe writes them, for fragments built in
    Python (a Markup object per call cost seconds over a corpus).

    >>> print(_esc('<a href="x">R&D</a>'))
    &lt;a href=&#34;x&#34;&gt;R&amp;D&lt;/a&gt;
    """
    return _escape_text(value if type(value) is str else str(value))


def _escape_text_in_python(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):
        return text
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


_NEEDS_ESCAPE = re.compile(r"[&<>\"']")
try:  # markupsafe's own C escaper, without the Markup object: 9x faster than the str.replace chain
    from markupsafe._speedups import _escape_inner as _escape_text
except ImportError:  # markupsafe < 3 or its pure-Python build
    _escape_text = _escape_text_in_python


def _paragraph_numbers(text: str) -> tuple[list[int], list[int]]:
    """(line starts, the 1-based paragraph number of each line: 0 for an empty line), for bisect.

    >>> _paragraph_numbers("a\\n\\nb")
    ([0, 2, 3], [1, 0, 2])
    """
    starts: list[int] = []
    numbers: list[int] = []
    n = 0
    pos = 0
    for line in text.split("\n"):
        starts.append(pos)
        if line.strip():
            n += 1
            numbers.append(n)
        else:
            numbers.append(0)
        pos += len(line) + 1
    return starts, numbers


# The target-table columns a report page shows (a stored table has a dozen more).
_REPORT_PAGE_COLUMNS = ("id", "part", "indicator", "raw", "value", "modality", "deadline", "text", "restates",
                        "start", "end")


def _table_columns(table: Any, names: Sequence[str]) -> tuple[int, dict[str, list]]:
    """(row count, {column: its values}) of a polars table, a {column: values} dict or a list of row
    dicts; a missing column is None."""
    if hasattr(table, "get_column"):
        height = table.height
        # Column by column: polars builds Python lists of one type much faster than row dicts.
        return height, {c: table.get_column(c).to_list() if c in table.columns else [None] * height for c in names}
    if isinstance(table, Mapping):
        height = len(next(iter(table.values()), ()))
        return height, {c: table[c] if c in table else [None] * height for c in names}
    rows = list(table)
    return len(rows), {c: [r.get(c) for r in rows] for c in names}


def render_report_page(meta: Mapping[str, Any], table: Any, text: str, *, links: SiteLinks | None = None) -> str:
    """A report's metadata, its target table (filterable) and its text with every row's clause marked.

    ``table`` is a polars DataFrame, a list of row dicts or a {column: values} dict."""
    links = links or SiteLinks()
    height, columns = _table_columns(table, _REPORT_PAGE_COLUMNS)
    line_starts, paragraph_numbers = _paragraph_numbers(text)
    size = len(text)
    escape = _escape_text  # every value escaped below is a str
    spans = []
    rows_html = []
    counts = {p: 0 for p in PART_LABELS}
    part_cells: dict[str, tuple[str, str]] = {}  # part -> the row's markup before and after its number
    for n, (row_id, part, indicator, quantity, value, modality, deadline, clause_text, restates, start, end) in \
            enumerate(zip(*(columns[c] for c in _REPORT_PAGE_COLUMNS)), 1):
        located = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size
        quantity = quantity or ""
        indicator = indicator or ""
        part = part or "other"
        if part in counts:
            counts[part] += 1
        cells = part_cells.get(part)
        if cells is None:
            part_html = escape(part)
            cells = part_cells[part] = (
                f'<tr class="fr" data-status="{part_html}"><td>',
                f'</td><td><b class="badge pt-{part_html}">{escape(PART_LABELS.get(part, (part, part))[0])}</b></td><td>')
        clause = escape(clause_text or "")
        if located:
            spans.append((start, end, row_id, f"{indicator} {quantity}" if indicator and quantity
                          else indicator or quantity, value is not None))
            paragraph = paragraph_numbers[bisect_right(line_starts, start) - 1]
            if paragraph:
                clause = f'<a href="#r-{escape(row_id)}">{clause}</a> <small>¶{paragraph}</small>'
        if restates:
            clause += " <small>重复 restated</small>"
        rows_html.append(f'{cells[0]}{n}{cells[1]}{escape(indicator)}</td><td>{escape(quantity)}</td>'
                         f'<td>{escape(modality or "")}</td><td>{"" if deadline is None else deadline}</td>'
                         f'<td>{clause}</td></tr>')
    # One string for the rows, built in Python: jinja's attribute lookups made a 1,000-row table
    # take a tenth of a second, for each of hundreds of pages.
    return _render("report.html", meta=_meta_view(meta), row_count=height, rows_html=Markup("\n".join(rows_html)),
                   counts=counts, paragraphs_html=Markup(_paragraphs_html(text, spans)), links=links)


# ---------------------------------------------------------------- the place page

MAX_HISTORY_ROWS = 200  # the national history has thousands of one-year lineages; keep the page light


def render_place_page(place: str, history: Any, diffs: Sequence[Mapping[str, Any]],
                      reports: Sequence[Mapping[str, Any]], *, links: SiteLinks | None = None,
                      level: str | None = None, years: Sequence[int] | None = None) -> str:
    """A place: its reports, its year-pair diffs and the history table with a sparkline per numeric lineage.

    ``history`` is ``history.history_table`` output, or ``history.history_records``
    output with the place's ``years``; ``diffs`` are ``diff_summary`` dicts;
    ``reports`` are report metadata dicts (year, delivered, rows, …).
    """
    links = links or SiteLinks()
    if hasattr(history, "to_dicts"):
        # Only the lineages shown are turned into dicts: the national history has thousands.
        years = sorted(int(c) for c in history.columns if str(c).isdigit())
        numbers = history.get_column("values").list.len().to_list() if "values" in history.columns else \
            [0] * history.height
        records = None
    else:
        records = list(history)
        if years is None:
            years = [int(c) for c in (records[0].keys() if records else ()) if str(c).isdigit()]
        years = sorted(years)
        numbers = [len(r.get("values") or ()) for r in records]
    span = (years[0], years[-1]) if years else None
    # Lineages seen in two or more years tell the story; one-year figures only when there is one report.
    least = 2 if len(years) > 1 else 1
    positions = [i for i, n in enumerate(numbers) if n >= least][:MAX_HISTORY_ROWS]
    if records is None:
        records = history[positions].to_dicts() if positions else []
        positions = list(range(len(records)))
    shown = [records[i] for i in positions]
    lineage_rows = [{"indicator": r.get("indicator") or "", "unit": r.get("unit") or "",
                     "text": r.get("text") or "",
                     "cells": _year_cells(r, years),
                     "spark": sparkline_svg([(p["year"], p["value"]) for p in r["values"]], years=span)}
                    for r in shown]
    return _render("place.html", place=place, level=level, years=years, lineages=lineage_rows,
                   history_html=Markup(_history_rows_html(lineage_rows)),
                   hidden=len(numbers) - len(shown), numeric_total=sum(1 for n in numbers if n),
                   diffs=[{**d, "href": links.diffs.get((d["old_year"], d["new_year"])),
                           "gap": years_gap_note(d["old_year"], d["new_year"])} for d in diffs],
                   reports=[{**_meta_view(r), "rows": r.get("rows"), "href": links.report(r.get("year"))}
                            for r in reports],
                   links=links)


def _history_rows_html(lineage_rows: list[dict]) -> str:
    """The <tr> of every lineage shown. Built in Python: a jinja loop over the cells of a 30-year
    history cost more than the rest of the page."""
    escape = _escape_text
    out = []
    for row in lineage_rows:
        cells = "".join(f'<td class="num">{escape(c)}</td>' if c else '<td class="num blank"></td>'
                        for c in row["cells"])
        out.append(f'    <tr class="fr">\n      <th class="sticky" scope="row" title="{escape(row["text"])}">'
                   f'{escape(row["indicator"])}</th>\n      <td class="sparkcell">{row["spark"]}</td>\n{cells}    </tr>\n')
    return "".join(out)


def _year_cells(record: Mapping[str, Any], years: Sequence[int]) -> list[str]:
    """A lineage's quantity in each year: the history table's year columns, or made from its chain."""
    if years and "chain" in record and str(years[0]) not in record:
        from compare.history import year_cells

        return year_cells(record, years)
    return [record.get(str(y)) or "" for y in years]


# ---------------------------------------------------------------- the index

def render_index(places: Sequence[Mapping[str, Any]], *, title: str | None = None) -> str:
    """The places × years grid: target-row counts per report, linked to report pages.

    Each place is a dict with ``place``, ``level``, ``years`` ({year: row count}) and,
    optionally, ``href`` (its place page) and ``year_hrefs`` ({year: report page}).
    """
    years = sorted({int(y) for p in places for y in p["years"]}, reverse=True)  # newest first: most places are recent
    rows = []
    for p in places:
        year_hrefs = p.get("year_hrefs") or {}
        rows.append({"place": p["place"], "level": p.get("level") or "", "href": p.get("href"),
                     "reports": len(p["years"]), "diffs": p.get("diffs", 0),
                     "cells": [(y, p["years"].get(y), year_hrefs.get(y)) for y in years]})
    totals = {"places": len(rows), "reports": sum(r["reports"] for r in rows),
              "rows": sum(int(c or 0) for p in places for c in p["years"].values())}
    decades = []
    for y in years:
        if decades and decades[-1][0] == y // 10 * 10:
            decades[-1][1] += 1
        else:
            decades.append([y // 10 * 10, 1])
    return _render("index.html", rows=rows, years=years, decades=decades, totals=totals,
                   title=title or "政府工作报告目标对比")
