"""Edited copies of a real report, with the truth of every edit.

``edit_report`` raises or lowers a value, swaps a comparator word (以上 ↔ 左右),
drops a commitment, adds one, rewords a clause or reorders paragraphs, and
records what a correct diff must say about each edit. Tests use it to check
the matcher; the demo uses it to show a diff on the single bundled report
(clearly labelled as a synthetic example); the scaling corpus is built from it.

>>> text = "二、2024年工作安排\\n力争新建学校12所。推进道路改造，改造道路30公里以上。\\n"
>>> edited = edit_report(text, year=2024, kinds=("raise",), seed=1)
>>> [(e.kind, e.expected_status) for e in edited.edits]
[('raise', 'raised')]
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

__all__ = ["EDIT_KINDS", "Edit", "EditedReport", "edit_report", "check_edits"]

EDIT_KINDS = ("raise", "lower", "comparator", "drop", "add", "reword", "reorder")

# Commitments the generator can add: unusual enough not to pair with a real one.
_NEW_COMMITMENTS = (
    "新建智慧停车场{n}个", "建成社区食堂{n}家", "培育专精特新企业{n}家", "新增城市绿道{n}公里",
    "改造农村危房{n}户", "新建充电桩{n}个", "建设口袋公园{n}个", "新增托育托位{n}个", "建成乡村振兴示范村{n}个",
)
_NEW_QUALITATIVE = ("建立低空经济产业协同创新中心", "启动城市数字孪生底座建设", "开通跨区域通办政务服务专窗")
# Rewording that keeps the commitment: a verb swapped or an emphasis added.
_REWORDINGS = (("推进", "推动"), ("推动", "推进"), ("加快", "加速"), ("建设", "建成"), ("实施", "开展"),
               ("开展", "实施"), ("完善", "健全"), ("加强", "强化"), ("强化", "加强"))


@dataclass(frozen=True)
class Edit:
    kind: str                   # one of EDIT_KINDS
    old_text: str | None        # the clause before the edit (NFKC, no whitespace); None for `add`
    new_text: str | None        # the clause after the edit; None for `drop`
    expected_status: str        # continued / raised / lowered / dropped / new
    expected_flag: str | None = None  # a flag the change must carry (comparator_changed, reworded)
    old_value: float | None = None


@dataclass
class EditedReport:
    text: str
    edits: list[Edit] = field(default_factory=list)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _rows(text: str, year: int):
    from compare.extract import targets_from_text

    return targets_from_text(text, year=year).to_dicts()


def _scaled_number(raw_number: str, factor: float) -> str:
    """The number written like the original, scaled: '12' * 1.25 -> '15', '3.5' -> '4.4'."""
    value = float(raw_number.replace(",", ""))
    decimals = len(raw_number.split(".")[1]) if "." in raw_number else 0
    new = round(value * factor, decimals)
    if new == value:
        new = value + (10 ** -decimals) * (1 if factor > 1 else -1)
    if new <= 0:  # lowering 1 gives 0.8, not 0
        decimals += 1
        new = round(value * factor, decimals)
    return f"{new:.{decimals}f}"


def _candidates(rows: list[dict], text: str) -> list[dict]:
    """Plan rows that can be edited unambiguously: their clause occurs once in the report,
    holds one quantity, and no other row has the same indicator key."""
    clause_count: dict[str, int] = {}
    for r in rows:
        clause_count[r["text"]] = clause_count.get(r["text"], 0) + 1
    squashed = _squash(text)
    keys: dict[str, int] = {}
    for r in rows:
        if r["part"] == "plan":
            keys[r["indicator_key"] or ""] = keys.get(r["indicator_key"] or "", 0) + 1
    out = []
    for r in rows:
        if r["part"] != "plan" or r["restates"] is not None or clause_count[r["text"]] != 1:
            continue
        if squashed.count(r["text"]) != 1 or len(r["text"]) < 6 or keys.get(r["indicator_key"] or "", 0) != 1:
            continue
        out.append(r)
    return out


def edit_report(text: str, *, year: int, kinds: Iterable[str] = EDIT_KINDS, seed: int = 0,
                per_kind: int = 1) -> EditedReport:
    """Apply `per_kind` edits of each kind to `text` (a cleaned report) and record their truth.

    Edits touch distinct clauses, so each can be checked on its own; kinds
    that find no suitable clause are skipped.
    """
    rng = random.Random(seed)
    kinds = list(kinds)
    unknown = set(kinds) - set(EDIT_KINDS)
    if unknown:
        raise ValueError(f"unknown edit kind {sorted(unknown)[0]}; kinds are {', '.join(EDIT_KINDS)}")
    edits: list[Edit] = []
    if "reorder" in kinds:
        # First, so that the other edits' offsets are taken in the reordered text.
        reordered = _reorder_paragraphs(text, rng)
        if reordered is not None:
            text = reordered
            edits.append(Edit("reorder", None, None, "continued"))
    rows = _rows(text, year)
    candidates = _candidates(rows, text)
    rng.shuffle(candidates)
    used: set[int] = set()
    replacements: list[tuple[int, int, str]] = []

    def take(predicate) -> dict | None:
        for r in candidates:
            if id(r) not in used and predicate(r) and not any(s < r["end"] and r["start"] < e
                                                              for s, e, _ in replacements):
                used.add(id(r))
                return r
        return None

    for kind in kinds:
        if kind == "reorder":
            continue
        for _ in range(per_kind):
            if kind in ("raise", "lower"):
                r = take(lambda r: r["value"] is not None and r["value_high"] is None and r["raw"]
                         and re.search(r"\d", r["raw"]) and r["unit"] != "年")
                if r is None:
                    continue
                clause = text[r["start"]:r["end"]]
                m = re.search(re.escape(re.search(r"\d+(?:,\d{3})*(?:\.\d+)?", r["raw"]).group()), clause)
                if m is None:
                    continue
                factor = 1.25 if kind == "raise" else 0.8
                new_clause = clause[:m.start()] + _scaled_number(m.group(), factor) + clause[m.end():]
                replacements.append((r["start"], r["end"], new_clause))
                edits.append(Edit(kind, r["text"], _squash(new_clause), "raised" if kind == "raise" else "lowered",
                                  None, r["value"]))
            elif kind == "comparator":
                r = take(lambda r: r["value"] is not None and (r["raw"] or "").endswith(("以上", "左右")))
                if r is None:
                    continue
                clause = text[r["start"]:r["end"]]
                old_word = "以上" if r["raw"].endswith("以上") else "左右"
                new_word = "左右" if old_word == "以上" else "以上"
                at = clause.rfind(old_word)
                new_clause = clause[:at] + new_word + clause[at + 2:]
                replacements.append((r["start"], r["end"], new_clause))
                edits.append(Edit(kind, r["text"], _squash(new_clause), "continued", "comparator_changed",
                                  r["value"]))
            elif kind == "reword":
                def rewordable(r):
                    return r["value"] is not None and any(a in r["text"] for a, _ in _REWORDINGS)
                r = take(rewordable)
                if r is None:
                    continue
                clause = text[r["start"]:r["end"]]
                a, b = next((a, b) for a, b in _REWORDINGS if a in clause)
                new_clause = clause.replace(a, b, 1)
                replacements.append((r["start"], r["end"], new_clause))
                edits.append(Edit(kind, r["text"], _squash(new_clause), "continued", "reworded", r["value"]))
            elif kind == "drop":
                r = take(lambda r: True)
                if r is None:
                    continue
                end = r["end"]
                if end < len(text) and text[end] in "，,；;、":
                    end += 1  # the clause's own separator goes with it
                replacements.append((r["start"], end, ""))
                edits.append(Edit(kind, r["text"], None, "dropped", None, r["value"]))
            elif kind == "add":
                anchor = take(lambda r: True)
                if anchor is None:
                    continue
                n = rng.randint(11, 97)
                if rng.random() < 0.7:
                    sentence = rng.choice(_NEW_COMMITMENTS).format(n=n)
                else:
                    sentence = rng.choice(_NEW_QUALITATIVE)
                # After the anchor's sentence, so the new clause sits in a plan section.
                stop = text.find("。", anchor["end"])
                at = (stop + 1) if stop != -1 else anchor["end"]
                replacements.append((at, at, sentence + "。"))
                edits.append(Edit(kind, None, sentence, "new"))
    # From the end backwards, a replacement before an insertion at its start, so offsets stay true.
    for start, end, new in sorted(replacements, key=lambda x: (x[0], x[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return EditedReport(text=text, edits=edits)


def _reorder_paragraphs(text: str, rng: random.Random) -> str | None:
    """Swap two body paragraphs of the same section (a paragraph that is not a heading)."""
    lines = text.split("\n")
    body = [i for i, line in enumerate(lines) if len(line.strip()) > 40
            and not re.match(r"\s*([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])", line)]
    pairs = [(a, b) for a, b in zip(body, body[1:]) if b == a + 1 or (b == a + 2 and not lines[a + 1].strip())]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines)


def check_edits(diff: dict, edits: Sequence[Edit]) -> list[tuple[Edit, bool, str]]:
    """For each edit, whether the diff labels it as recorded, and what it said."""
    results = []
    for edit in edits:
        if edit.kind == "reorder":
            continue  # checked as "no pair changes" by the tests
        if edit.old_text is not None:
            change = next((c for c in diff["changes"] if c["old"] is not None and c["old"]["text"] == edit.old_text
                           and (edit.old_value is None or c["old"]["value"] == edit.old_value)), None)
        else:
            change = next((c for c in diff["changes"] if c["new"] is not None and c["new"]["text"] == edit.new_text),
                          None)
        if change is None:
            results.append((edit, False, "no change found for the edited clause"))
            continue
        ok = change["status"] == edit.expected_status
        if edit.expected_status in ("raised", "lowered", "continued") and edit.new_text is not None:
            ok = ok and change["new"] is not None and change["new"]["text"] == edit.new_text
        if edit.expected_flag:
            ok = ok and bool(change[edit.expected_flag])
        got = f"{change['status']} -> {change['new']['text'] if change['new'] else None}"
        results.append((edit, ok, got))
    return results
