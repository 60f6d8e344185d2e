"""Ingest: read report files into clean text plus metadata (the first pipeline step).

A raw file (txt or html; UTF-8, GB18030 or UTF-16; CRLF, web clutter) becomes a
`Report`: the cleaned text that every later offset indexes into, and the place,
level and year it belongs to. Metadata comes, in order of trust, from a
`manifest.csv` beside the corpus, the report's own dateline and title, its
review heading (`一、2023年工作回顾` -> 2024), collector headers, and the file name.
When weaker evidence disagrees with the evidence used, a note says so.

>>> clean_text("各位代表：\\r\\n增长６．５％")
'各位代表:\\n增长6.5%\\n'
"""

from __future__ import annotations

import csv
import hashlib
import html
import html.parser
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

__all__ = [
    "IngestError",
    "Report",
    "decode_bytes",
    "clean_text",
    "load_manifest",
    "find_report_files",
    "read_report",
    "read_reports",
    "manifests_for",
    "refuse_duplicates",
]

REPORT_SUFFIXES = (".txt", ".html", ".htm")
LEVELS = ("national", "province", "city", "district", "county")
NATIONAL = "中华人民共和国"


class IngestError(Exception):
    """One input that could not be read. str(err) is ONE line: '<path>: <reason>; <what to do>'."""

    def __init__(self, path: str | Path, reason: str, hint: str):
        self.path = str(path)
        self.reason = reason
        self.hint = hint
        super().__init__(f"{self.path}: {reason}; {hint}")

    def __reduce__(self):
        # Rebuilt from its three parts when a worker process sends it back (Exception's default
        # pickling passes only the message, which __init__ does not take).
        return type(self), (self.path, self.reason, self.hint)


@dataclass(frozen=True)
class Report:
    text: str
    source: str
    place: str
    place_key: str
    level: str
    year: int
    delivered: str | None
    source_url: str | None
    sha256: str
    title: str | None
    notes: tuple[str, ...] = ()


# ---------------------------------------------------------------- decoding

# C0 controls other than tab, LF, CR, plus DEL: plain text has (almost) none.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_bytes(data: bytes, path: str = "<bytes>") -> str:
    """Decode a report's bytes: UTF-8 (BOM or not), UTF-16 or UTF-32 with a BOM, UTF-16 without one,
    else GB18030, or Big5 when the bytes read as Chinese only that way.

    >>> decode_bytes("政府工作报告".encode("gb18030"))
    '政府工作报告'
    >>> decode_bytes(b"\\xef\\xbb\\xbf2024")
    '2024'
    >>> decode_bytes("政府工作報告，經濟發展。".encode("big5")), decode_bytes("各位代表：2024年".encode("utf-16-le"))
    ('政府工作報告，經濟發展。', '各位代表：2024年')
    """
    if not data.strip():
        raise IngestError(path, "the file is empty", "remove it or replace it with the report text")
    bom = next((codec for mark, codec in _BOMS if data.startswith(mark)), None)
    if bom:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError as err:
            raise IngestError(
                path, f"undecodable {bom.upper()} at byte {err.start}", "re-save the file as UTF-8"
            ) from None
    elif b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise IngestError(path, "binary file (contains NUL bytes)", "give the report as .txt or .html text")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _legacy_chinese(data, path)
    if not text.strip():
        raise IngestError(path, "the file is empty", "remove it or replace it with the report text")
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise IngestError(path, "binary file (too many control characters)", "give the report as .txt or .html text")
    return text


# UTF-32 first: its little-endian mark begins with UTF-16's.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16"))
# Characters that fill any Chinese government text, written alike in simplified and traditional script.
_COMMON_HANZI = frozenset("的一是在不了有和人中大为上年我以要生到作地出就分成可主同工也能下子产种面而方后多定行法所民得"
                          "十三之等部度家力水化高自二理起小物实加量都两体制机当使点业本去性好应开合因由其些然前外天政四日"
                          "社事平形相全表与各重新内数正心反明原利比但第向此变条只没结解意建月公无系者最立代已通并提直题党"
                          "程展五果位入常文总次品式设及管特件求基资边路级少山统接知较将组计别期根论运农指九区强放决西被干"
                          "做必战先回则任取据处府研作城镇市县省乡村企投收增长")


def _hanzi_share(text: str) -> float:
    """The share of common Chinese characters among the first 4,000 CJK characters: near 0.5 for
    report text, near 0 for bytes decoded with the wrong codec."""
    cjk = [c for c in text[:8000] if "\u4e00" <= c <= "\u9fff"][:4000]
    return sum(c in _COMMON_HANZI for c in cjk) / len(cjk) if cjk else 0.0


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without its byte-order mark (NULs beside every ASCII character), else None."""
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _hanzi_share(text) > 0.2:
            return text
    return None


def _legacy_chinese(data: bytes, path: str) -> str:
    """GB18030 (which reads GBK and GB2312 too), or Big5 when only Big5 reads the bytes as Chinese."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as err:
        text, error = None, err
    if text is None or _hanzi_share(text) < 0.2:
        try:
            big5 = data.decode("big5hkscs")
        except UnicodeDecodeError:
            big5 = None
        if big5 is not None and _hanzi_share(big5) > max(0.2, _hanzi_share(text or "")):
            return big5
    if text is None:
        raise IngestError(
            path,
            f"undecodable bytes at byte {error.start} (neither UTF-8, UTF-16, GB18030 nor Big5)",
            "re-save the file as UTF-8",
        ) from None
    return text


class _HtmlText(html.parser.HTMLParser):
    """Collect the visible text of a page; block elements become line breaks."""

    BLOCK = frozenset(
        "address article aside blockquote br dd div dl dt figcaption footer form h1 h2 h3 h4 h5 h6 "
        "header hr li main nav ol p pre section table tbody td th thead tr ul title".split()
    )
    HIDDEN = frozenset("script style noscript template head svg".split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN and tag != "head":
            self.hidden += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and tag != "head":
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element per line.

    >>> html_to_text("<p>各位代表：</p><script>x=1</script><div>增长5%&amp;</div>")
    '各位代表：\\n增长5%&'
    """
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = html.unescape(text)  # entities the parser left (e.g. double-escaped)
    text = re.sub(r"[ \t]*\n[ \t\n]*\n", "\n", text)  # empty blocks leave runs of breaks
    return text.strip("\n")


# ---------------------------------------------------------------- cleaning

_LITERAL_CRLF = re.compile(r"\\r\\n|\\n|\\r")
_LINE_END = re.compile(r"\r\n?")
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# A line of 1000+ characters is a page whose line breaks were collapsed to runs
# of spaces (Shanghai 2020-2024): such a run after text starts a new paragraph.
_COLLAPSED_LINE = re.compile(r"^[^\n]{1000,}$", re.M)
# Some pages collapse each break to a single space (Shanghai 2024, one 60,000-character line): there a
# space after a full stop, or before a numbered heading (一、 (一)), starts a paragraph too.
_COLLAPSED_BREAK = re.compile(r"(?<=[^\x00-\x7f]|[!?:;,.%)\]])[ \t]{2,}(?=\S)|(?<=[。!?])[ \t]+(?=\S)"
                              r"|[ \t]+(?=[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\))"
                              r"|(?<=工作回顾|主要任务|工作安排|工作任务|总体要求|自身建设|重点工作)[ \t]+(?=\S)")
_LOST_PERCENT = re.compile(r"_M_M_")
# HTML entities left in scraped text files (&nbsp;)
_ENTITY = re.compile(r"&(?:nbsp|ensp|emsp|amp|lt|gt|quot|apos|ldquo|rdquo|lsquo|rsquo|mdash|hellip|middot|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_LOST_CHARS = re.compile(r"\?{2,}")


def _restore_breaks(match: re.Match) -> str:
    return _COLLAPSED_BREAK.sub("\n", match.group(0))


def _normalise(text: str) -> str:
    """Line ends, NFKC, invisible characters, collapsed paragraphs, lost `%`."""
    text = _LITERAL_CRLF.sub("\n", text) if "\\r" in text or "\\n" in text else text
    text = _LINE_END.sub("\n", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = unicodedata.normalize("NFKC", text)
    # Substring tests first: most reports have neither, and `in` is many times faster than a
    # regex trying every character (0.09 s over the corpus).
    if any(c in text for c in _INVISIBLE_CHARS):
        text = _INVISIBLE.sub("", text)
    if any(len(line) >= 1000 for line in text.split("\n")):
        text = _COLLAPSED_LINE.sub(_restore_breaks, text)
    if "l" in text:
        text = _LETTER_FOR_ONE.sub("1", text)
    return _LOST_PERCENT.sub("%", text)


# The letter l typed for the digit 1 inside a number (增长4l.1%, 2l.9亿元, l.8倍: zhumadian 2002-2007);
# not in a word of Latin letters.
# (Every alternative opens with the literal l, so the engine jumps from l to l: 0.01 s on the corpus, not 0.4 s.)
_LETTER_FOR_ONE = re.compile(r"l(?:(?<=\dl)(?=[\d.%])|(?<=[^\da-zA-Z]\dl)(?=[\u4e00-\u9fff])|(?<![a-zA-Z\d.]l)(?=\.\d))")


# Whole lines written by a web site or a collector, never by the government.
# Matched from the line break before the line: a literal first character lets the regex
# engine jump from line to line instead of trying every position.
_CLUTTER_LINE = re.compile(
    r"\n[ \t]*(?:"
    # lines of any length, recognised by how they start
    r"(?:标题|年份|发文单位|发文时间|报告人|来源URL|来源网址|正文|时间|作者|来源|发布时间|发表时间|信息来源|阅读|阅读量|浏览|浏览次数|点击|评论|字号|字体|标签|责任编辑|编辑|当前位置|您的位置|您当前的位置)[ \t]*:[^\n]*"
    r"|(?:免责声明:?[ \t]*)?本文仅代表作者观点[^\n]*|免责声明[^\n]*|首页[^\n]{0,6}>[^\n]*"
    r"|内容摘要:[^\n]*(?:\n[^\n]*\.{3,}[ \t]*(?=\n|$))?"
    # short lines only (the look-ahead keeps the scan of long paragraphs cheap)
    r"|(?=[^\n]{0,120}(?:\n|$))(?:"
    r"={5,}|-{5,}|导航菜单[^\n]*|本文地址[^\n]*"
    r"|留言与评论[^\n]*|验证码[^\n]*|标签云|阅读排行|本栏最新|本栏推荐|相关文章|相关评论|相关新闻|相关报道[:]?|延伸阅读"
    r"|分享到[:]?|上一篇[:]?[^\n]*|下一篇[:]?[^\n]*|[^\n]*ICP备[^\n]*|[^\n]*公网安备[^\n]*|网站标识码[^\n]*"
    r"|[^\n]{0,20}版权所有[^\n]{0,40}|主办[:单][^\n]{0,40}|技术支持[:][^\n]{0,40}|扫一扫[^\n]{0,30}"
    r"|[^\n]{0,80}记者[^\n]{0,20}摄|[^\n]{0,60}(?:作|做)政府工作报告[^\n]{0,10}\.[^\n]{0,30}摄"
    r"|[^\n]{0,20}\d{4}年(?:[^\n]{0,4})?政府工作报告|\d{2}-\d{2}|\d{1,6}"
    r"|>>?|\||[【】\[\]]|打印|下载|全屏|收藏|加大|还原|减小|大|中|小|A-|A\+|关闭窗口|打印本页|【关闭[^\n]*"
    r"|上一页|下一页|工作报告|Public domain|false|true"
    r"|\d{4}年\d{1,2}月\d{1,2}日[ \t]*(?:\d{1,2}[:时]\d{2}分?(?::\d{2})?)?|\d{4}-\d{2}-\d{2}(?:[ \t]*\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\(责任编辑:[^\n]{0,20}\)"
    r"|QQ空间|新浪微博|人人网|开心网|百度空间|和讯|天涯社区|微信|微博|·|・"
    r"))[ \t]*(?=\n|$)",
)
# Clutter glued onto the end of a report line (zhumadian 2012).
_CLUTTER_TAIL = re.compile(r"(?:扫一扫在手机打开当前页|【关闭当前页面】|政府工作报告[^\n]{0,30}发布日期:)[^\n]*")

# Where the report itself starts: the dateline or the salutation.
_NUM = r"[0-9〇零○ΟOo一二三四五六七八九十]"
_DATE = rf"({_NUM}{{4}})[ \t]*年[ \t]*({_NUM}{{1,3}})[ \t]*月[ \t]*({_NUM}{{1,3}})[ \t]*日"
_CONGRESS = r"人民代表大[会會]"
_DATELINE = re.compile(
    rf"{_DATE}(?=[^\n]{{0,50}}?{_CONGRESS})"
    rf"|\([ \t]*{_DATE}(?=[^\n(]{{0,20}}\)[ \t]*(?:\n|$))"
    rf"|(?:^|\n)[ \t]*(?:政府工作报告)?[ \t]*[—―\-]{{1,2}}[ \t]*{_DATE}",
)
_SALUTATION = re.compile(r"各位代表[:!,]")
_SESSION_LINE = re.compile(rf"^[ \t]*[—―\-(]{{0,3}}[ \t]*在[^\n]{{0,30}}{_CONGRESS}[^\n]{{0,20}}[会會][议議]", re.M)
# Report text before the salutation: a numbered heading or a full paragraph.
_REPORT_PROSE = re.compile(r"^[ \t]*[一二三四五六七八九十]+、|^[^\n]{150,}[。!]$", re.M)
_TITLE_LINE = re.compile(r"^[ \t]*政[ \t?]*府[ \t?]*工[ \t?]*作[ \t?]*报[ \t?]*告[ \t]*$", re.M)
# After the closing paragraph: the page around the report resumes.
_PAGE_RESUMES = re.compile(
    r"^[ \t]*(?:分享到|上一篇|下一篇|相关文章|相关新闻|相关报道|相关评论|延伸阅读|责任编辑|免责声明|本文仅代表作者观点"
    r"|本文地址|标签[:云]|阅读排行|上一页|本作品[是在]|Public domain|\(责任编辑|扫一扫|打印本页|【[ \t]*打印|【关闭|关闭窗口|来源:[^\n]{0,20}$|[^\n]{0,20}ICP备|[^\n]{0,20}版权所有)",
    re.M,
)
_PREFIX_CLUTTER = re.compile(r"发布时间|发布日期|信息来源|来源:|分享|打印|浏览|字体|首页")


def _report_end(text: str) -> int:
    """Where the page resumes after the closing paragraph (or the text's end)."""
    closing = text.rfind("各位代表")
    # without a salutation to anchor on, only the second half can be the page's tail
    after = closing if closing >= 0 else len(text) // 2
    end = _PAGE_RESUMES.search(text, after)
    return end.start() if end else len(text)


def _report_start(text: str) -> int:
    """Where the report starts: its title line, dateline or salutation (0 if none is found)."""
    salutation = _SALUTATION.search(text)
    head = salutation.start() if salutation else min(len(text), 5000)  # the dateline stands above
    starts = [m.start() for m in (_DATELINE.search(text, 0, head), salutation, _SESSION_LINE.search(text, 0, head)) if m]
    if not starts:
        return 0
    start = min(starts)
    if _REPORT_PROSE.search(text, 0, start):
        return 0  # the file starts inside the report (its opening is lost): keep it all
    if text[start] == "\n":
        start += 1
    line_start = text.rfind("\n", 0, start) + 1
    if not _PREFIX_CLUTTER.search(text, line_start, start):
        start = line_start
    # keep the title line (政府工作报告) standing just above the dateline
    head = text[max(0, start - 40) : start]
    title = list(_TITLE_LINE.finditer(head))
    if title and head[title[-1].end() :].strip() == "":
        start = max(0, start - 40) + title[-1].start()
    return start


# A line break (and any blank lines) inside a sentence, as some web pages cut them: before closing
# punctuation (保持全国第一 / 。), inside brackets (细颗粒物(PM / 2.5)浓度), or between a number and its
# unit (国内生产总值达到74.4 / 万亿元，增长6.7%: national 2017).
# The pattern starts at the "\n" itself (a literal first character lets the regex engine jump from
# break to break; a leading [ \t]* made it try every position, 7x slower); the spaces that end the
# line before the break are dropped with it by `join_broken_lines`.
_LINE_BREAK = re.compile(r"\n(?:[ \t]*\n)*[ \t]*(?=\S)")
_CLOSING = frozenset(",;:!?)。、」』》%")
_UNITS = frozenset("万亿千百元个家项条所亩吨人%")
_CJK_LAST = re.compile(r"[\u4e00-\u9fff]$")
_CJK_FIRST = re.compile(r"[\u4e00-\u9fff]")
# 一、 (一) 第一 1. 1、 一是: how a heading or a list item opens.
_HEADING_OPENING = re.compile(r"\s*(?:[一二三四五六七八九十]+[、.是]|[(（][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十]|\d{1,2}[、.．])")
_NUMBER_AT_END = re.compile(r"(?:\d\.?|[〇零一二两三四五六七八九十百千万亿]{2})$")


def _cuts_sentence(line: str, next_line: str) -> bool:
    """Whether a break between `line` (without its trailing spaces) and `next_line` (its first characters)
    splits a sentence."""
    if not line.strip():
        return False
    following = next_line[:1]
    if following in _CLOSING or line.count("(") > line.count(")") or line.count("《") > line.count("》"):
        return True
    # A unit after a number; a short line ending in a numeral is a heading (三), not a cut number.
    if following in _UNITS:
        number = _NUMBER_AT_END.search(line)
        if number and (number.group()[0].isdigit() or len(line) >= 8):
            return True
    # A paragraph of 60 characters that stops on a word, before words that open no heading, was cut by
    # the page (…在雄安新区新建省\n级外贸转型升级示范基地25家。): headings are short.
    return len(line) >= 60 and _CJK_LAST.search(line) is not None and _CJK_FIRST.match(next_line) is not None \
        and not _HEADING_OPENING.match(line) and not _HEADING_OPENING.match(next_line)


def join_broken_lines(text: str) -> str:
    """Lines of a sentence cut apart by the web page (mid-number, or before its full stop) joined again.

    >>> join_broken_lines("达到74.4\\n\\n万亿元,增长6.7%。\\n三\\n人民公社\\n保持全国第一 \\n。\\n细颗粒物(PM\\n2.5)浓度下降")
    '达到74.4万亿元,增长6.7%。\\n三\\n人民公社\\n保持全国第一。\\n细颗粒物(PM2.5)浓度下降'
    """
    if "\n" not in text:
        return text
    pieces: list[str] = []
    copied = 0  # text[:copied] is in pieces
    for m in _LINE_BREAK.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line = text[line_start : m.start()].rstrip(" \t")
        if _cuts_sentence(line, text[m.end():m.end() + 8]):
            pieces.append(text[copied : line_start + len(line)])
            copied = m.end()
    if not pieces:
        return text
    pieces.append(text[copied:])
    return "".join(pieces)


# The speech's opening address on a line of its own: where a copy of the report begins.
_OPENING_ADDRESS = re.compile(r"^[ \t]*各位代表:", re.M)
_SENTENCE_TEXT = re.compile(r"[^。!?]{12,}")
_WHITESPACE_RUN = re.compile(r"\s+")


def _shared_share(part: str, other_compact: str) -> float:
    """The share of `part`'s sentences (whitespace removed) that occur in `other_compact`."""
    sentences = _SENTENCE_TEXT.findall(_WHITESPACE_RUN.sub("", part))
    return sum(s in other_compact for s in sentences) / len(sentences) if sentences else 0.0


def drop_second_copy(text: str) -> str:
    """A page that holds the report twice (the article, then a copy broken into other lines): one copy.

    The second copy starts at the next opening address (各位代表: on its own line) with the title
    lines above it; it is a copy when most of its sentences are in the first. A salutation in the
    middle of a speech starts no copy: what follows it is not said before.

    >>> body = "各位代表:\\n今年全市生产总值增长百分之五左右。新建学校十二所和医院三所。\\n"
    >>> drop_second_copy("政府工作报告\\n" + body + "政府工作报告\\n" + body.replace("。新", "。\\n新"))
    '政府工作报告\\n各位代表:\\n今年全市生产总值增长百分之五左右。新建学校十二所和医院三所。\\n'
    """
    openings = [m.start() for m in _OPENING_ADDRESS.finditer(text)]
    for second in openings[1:]:
        first_compact = _WHITESPACE_RUN.sub("", text[:second])
        if _shared_share(text[second:], first_compact) < 0.6:
            continue
        cut = second
        for _ in range(10):  # the copy's title, date and dateline lines stand above its address
            above = text.rfind("\n", 0, cut - 1) + 1 if cut else 0
            if not cut or cut - above > 50 or "。" in text[above:cut]:
                break
            cut = above
        return text[:cut]
    return text


# A line of a site's menu or link list: a few words, no digit, no punctuation of prose.
_MENU_LINE = re.compile(r"[ \t]*[^\n\d。,;:!?、]{0,16}[ \t]*")


def _trailing_menu(text: str) -> int:
    """Where a run of at least 8 menu lines that ends the text starts (北京/天津/…/关于本站/网站地图:
    the site's links after the report), else the text's length."""
    cut = len(text.rstrip())
    lines = 0
    while cut > 0:
        above = text.rfind("\n", 0, cut) + 1
        if not _MENU_LINE.fullmatch(text, above, cut):
            break
        lines += bool(text[above:cut].strip())
        cut = above - 1 if above else 0
    return cut + 1 if lines >= 8 and cut > 0 else len(text)


def _strip_clutter(text: str) -> str:
    text = drop_second_copy(text)
    text = text[: _report_end(text)]
    text = text[: _trailing_menu(text)]
    text = _CLUTTER_LINE.sub("", "\n" + text)[1:] if text else text
    text = join_broken_lines(text)
    if "扫一扫" in text or "【关闭" in text or "发布日期" in text:
        text = _CLUTTER_TAIL.sub("", text)
    text = text[_report_start(text) :]
    return text.strip("\n ") + "\n"


def clean_text(text: str) -> str:
    """NFKC, '\\n' line ends (also literal '\\r\\n'), paragraphs restored, web clutter removed.

    >>> clean_text("标题：2024年某县政府工作报告\\n=====\\n各位代表：\\n现在，我代表县人民政府。\\n分享到：\\nQQ空间")
    '各位代表:\\n现在,我代表县人民政府。\\n'
    """
    return _strip_clutter(_normalise(text))


# Characters that only traditional Chinese writes (国 产 发 业 区 经 济 会 亿 万 … in simplified): a report
# from a Big5 page, or from a site that converts, holds hundreds of them.
_TRADITIONAL_ONLY = re.compile("[國產發業區經濟會億萬長設進門時實現點與務對們開關這報過質農縣環養醫學鐵運輸貿資財稅總當"
                               "幣價標準將應廣東華]")


def to_simplified(text: str) -> str:
    """A report written in traditional characters, in simplified ones (增長 -> 增长, 億元 -> 亿元), so that
    the reader's words, the indicator table and the place names apply; simplified text as it is.

    Uses zhconv's conversion tables (MediaWiki's), phrase by phrase, only when the text is traditional.

    >>> to_simplified("地區生產總值增長5%左右，新建學校12所。"), to_simplified("地区生产总值增长5%左右")
    ('地区生产总值增长5%左右,新建学校12所。', '地区生产总值增长5%左右')
    """
    found = len(_TRADITIONAL_ONLY.findall(text, 0, 20000))
    if found < 3 or found * 100 < min(len(text), 20000):
        return text  # under 1 in 100 characters: a stray 萬 or a quoted title is no traditional report
    import zhconv

    return unicodedata.normalize("NFKC", zhconv.convert(text, "zh-cn"))


# ---------------------------------------------------------------- places

_DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, list[tuple[str, str]]], dict[str, str]]:
    """name -> [(level, parent)], and province/prefecture name -> its parent."""
    by_name: dict[str, list[tuple[str, str]]] = {}
    with open(_DATA / "places.csv", encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        for row in rows:
            by_name.setdefault(row["name"], []).append((row["level"], row["parent"]))
    upper = {name: entries[0][1] for name, entries in by_name.items() if entries[0][0] in ("province", "city")}
    return by_name, upper


def _short_name(name: str) -> str:
    """广西壮族自治区 -> 广西, 驻马店市 -> 驻马店, 延边朝鲜族自治州 -> 延边."""
    short = re.sub(r"(?:(?:[\u4e00-\u9fff]{1,3}?族)+)?(?:自治区|自治州|特别行政区|省|市|地区|盟|县|区)$", "", name)
    return short if len(short) >= 2 else name


def _full_name(name: str, context: str = "") -> str:
    """The full administrative name: 安国市 -> 河北省保定市安国市; unknown names stay as written.

    `name` may already hold a chain (广州市海珠区). `context` (the text) chooses between
    namesakes in different prefectures.
    """
    by_name, upper = _gazetteer()
    chain = _split_chain(name)
    if not chain:
        return name
    last = chain[-1]
    entries = by_name.get(last, [])
    if len(entries) > 1:  # namesakes: the parent written before it, or the one the text names most
        written = [e for e in entries if e[1] in chain[:-1]]
        entries = written or sorted(entries, key=lambda e: -context.count(_short_name(e[1])))[:1]
    if not entries:
        return name
    parents: list[str] = []
    parent = entries[0][1]
    while parent:
        parents.append(parent)
        parent = upper.get(parent, "")
    full = "".join(reversed(parents)) + last
    # a chain written in the text must agree with the gazetteer, else keep the text's name
    return full if all(part in full for part in chain) else name


def _split_chain(name: str) -> list[str]:
    """'(广东省)广州市海珠区' -> ['广东省', '广州市', '海珠区'] by gazetteer names, longest first."""
    by_name, _ = _gazetteer()
    name = re.sub(r"[()\s]", "", name)
    parts: list[str] = []
    i = 0
    while i < len(name):
        for j in range(len(name), i, -1):
            if name[i:j] in by_name:
                parts.append(name[i:j])
                i = j
                break
        else:
            return [name] if not parts else parts + [name[i:]]
    return parts


def _level_of(full: str, name_as_written: str) -> str:
    by_name, _ = _gazetteer()
    last = _split_chain(name_as_written)[-1] if name_as_written else full
    entries = by_name.get(last)
    if entries:
        return entries[0][0]
    if re.search(r"(?:自治区|省)$", last):
        return "province"
    if re.search(r"(?:自治州|地区|盟)$", last):
        return "city"
    if last.endswith("区"):
        return "district"
    if re.search(r"(?:县|旗)$", last):
        return "county"
    return "city"


# ---------------------------------------------------------------- metadata

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ο": 0, "O": 0, "o": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _number(text: str) -> int:
    """'2019', '二〇一九', '二O一二', '二00五', '十二', '二十三' -> int.

    >>> [_number(s) for s in ("二〇一九", "二O一二", "二00五", "十二", "二十三", "3")]
    [2019, 2012, 2005, 12, 23, 3]
    """
    if text.isascii() and text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
    return int("".join(str(_CN_DIGIT[c]) if c in _CN_DIGIT else c for c in text))


_PLACE = r"(?:(?!召开|举行|的|在)[\u4e00-\u9fff()]){1,15}?(?:自治区|自治州|自治县|特别行政区|省|市|县|区|州|盟|旗|地区)"
_CONGRESS_AT = re.compile(rf"届{_CONGRESS}")
_DATELINE_PLACE = re.compile(rf"(?:^|(?<=[在日的\n—―\- \t]))(?![在于])({_PLACE})第[0-9一二三四五六七八九十]+$")
_HEAD_AT = re.compile(r"(?:省长|市长|县长|区长|主席|州长|盟长|旗长)")
_ON_BEHALF = re.compile(rf"我代表({_PLACE})(?:第[一二三四五六七八九十]+届)?人民政府")
_HEAD_OF = re.compile(rf"({_PLACE})(?:人民政府)?(?:代|副)?$")
_TITLE_PLACE = re.compile(rf"^[ \t]*(?:标题:)?[ \t]*(?:\d{{4}}年)?({_PLACE})(?:\d{{4}}年)?(?:人民)?政府工作报告", re.M)
_STATE_COUNCIL = re.compile(
    r"代表(?:中华人民共和国|中華人民共和國)?[国國][务務]院|受(?:中共中央和)?[国國][务務]院的?委托"
    r"|[国國][务務]院[总總]理|根据[国國][务務]院的决定"
    rf"|第[一二三四五六七八九十]+届全[国國]{_CONGRESS}第[一二三四五六七八九十]+次[会會][议議]"
)
_REVIEW = re.compile(
    r"^[ \t]*(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十]\)?)?[ \t]*"
    r"(?:首先报告)?[^\n]{0,16}?(\d{4})年[^\n\d]{0,12}?(?:政府|国内)?工作的?回顾",
    re.M,
)
_HEADER_YEAR = re.compile(r"^[ \t]*年份:[ \t]*(\d{4})", re.M)
_HEADER_TITLE = re.compile(r"^[ \t]*标题:[ \t]*([^\n]+)", re.M)
_TITLE_YEAR = re.compile(rf"({_NUM}{{4}})年[^\n]{{0,20}}?政府工作报告")
_FILE_YEAR = re.compile(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)")
_SELF_LEVEL = re.compile(r"全(省|市|县|区|州)|我(省|市|县|区|国|國)")
# The sessions of the National People's Congress by year (the State Council report is
# delivered to one each year): first session of the 5th congress onward is regular.
_NPC_SESSION = re.compile(r"(?:向|在)[ \t]*第([一二三四五六七八九十]+)届全[国國]人民代表大[会會]第([一二三四五六七八九十]+)次[会會]")
_NPC_EARLY = {(1, 1): 1954, (1, 2): 1955, (1, 3): 1956, (1, 4): 1957, (1, 5): 1958, (2, 1): 1959,
              (2, 2): 1960, (2, 3): 1962, (2, 4): 1963, (3, 1): 1964, (4, 1): 1975}


def _npc_year(congress: int, session: int) -> int | None:
    if (congress, session) in _NPC_EARLY:
        return _NPC_EARLY[(congress, session)]
    if congress == 5:
        return 1977 + session
    if congress >= 6 and 1 <= session <= 5:
        return 1983 + (congress - 6) * 5 + session - 1
    return None


def _date_of(match: re.Match, offset: int = 0) -> tuple[int, int, int] | None:
    groups = [g for g in match.groups() if g is not None]
    try:
        year, month, day = (_number(g) for g in groups[:3])
    except (ValueError, KeyError):
        return None
    if 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
        return year, month, day
    return None


def _place_from_text(body: str, title: str | None) -> tuple[str | None, str]:
    """(the place as the report writes it, or None; where it was found)."""
    head = body[:4000]
    # find the literal anchor first, then read the place written just before it (fast)
    for anchor in _CONGRESS_AT.finditer(head):
        m = _DATELINE_PLACE.search(head, max(0, anchor.start() - 30), anchor.start())
        if m and "全国" not in m.group(1):
            return m.group(1), "dateline"
    if _STATE_COUNCIL.search(head):
        return NATIONAL, "text"
    candidates = [_ON_BEHALF.search(head)]
    candidates += [_HEAD_OF.search(head, max(0, a.start() - 30), a.start()) for a in _HEAD_AT.finditer(head, 0, 1500)]
    for m in candidates:
        if m and len(m.group(1)) >= 2 and not re.fullmatch(r"本?[省市县区州]", m.group(1)):
            return m.group(1), "text"
    m = _TITLE_PLACE.search(title or "")
    if m:
        return m.group(1), "title"
    return None, ""


def _place_by_frequency(body: str) -> str | None:
    """The unit the text names most, at the level it speaks of itself (全市, 我县; 我国 for the State Council)."""
    levels = Counter(m.group(1) or m.group(2) for m in _SELF_LEVEL.finditer(body))
    if not levels:
        return None
    suffix = levels.most_common(1)[0][0]
    if suffix in "国國":
        return NATIONAL
    level_of = {"省": "province", "市": "city", "州": "city", "县": "county", "区": "district"}
    top = levels.most_common(1)[0][1]
    # a county report speaks of 全县 and of its prefecture's 全市 alike: any level that is close competes
    wanted = {level_of[s] for s, n in levels.items() if s in level_of and n * 2 >= top}
    by_name, _ = _gazetteer()
    # every name competes, so that a longer name (雄安新区) is not counted as a shorter one (安新)
    counts = Counter(_names_pattern(tuple(by_name)).findall(body))
    short_to_full = _full_name_of_short()
    totals: Counter = Counter()
    for found, count in counts.items():
        name = short_to_full.get(found, found)
        if any(e[0] in wanted for e in by_name.get(name, ())):
            totals[name] += count
    if not totals:
        return None
    best, count = totals.most_common(1)[0]
    return best if count >= 2 else None


@lru_cache(maxsize=1)
def _full_name_of_short() -> dict[str, str]:
    """Short name -> full name over the gazetteer, built once instead of for every report that names no place."""
    return {_short_name(n): n for n in _gazetteer()[0]}


@lru_cache(maxsize=8)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    forms = sorted({f for n in names for f in (n, _short_name(n))}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, forms)))


def _infer(norm: str, body: str, path: Path) -> dict:
    """Place, level, year, delivered, title and notes from the text and the file name."""
    notes: list[str] = []
    meta: dict = {"delivered": None}

    # title: the collector's 标题, else the page's own title line
    header_title = _HEADER_TITLE.search(norm[:3000])
    title = header_title.group(1).strip() if header_title else None
    if not title:
        m = re.search(r"^[ \t]*((?:[^\n,。:;!]{0,30})政府工作报告)[ \t]*$", norm[:3000], re.M)
        title = re.sub(r"[ \t?]+", "", m.group(1)) if m else None
    meta["title"] = title

    # year evidence, strongest first
    evidence: list[tuple[str, int]] = []
    dateline = None
    # the dateline stands above the salutation; later dates belong to the report's contents
    salutation = _SALUTATION.search(body)
    for m in _DATELINE.finditer(body, 0, salutation.start() + 200 if salutation else 3000):
        dateline = _date_of(m)
        if dateline:
            break
    if dateline:
        y, mo, d = dateline
        meta["delivered"] = f"{y:04d}-{mo:02d}-{d:02d}"
        evidence.append(("the dateline", y))
    npc = _NPC_SESSION.search(body[:3000])
    if npc:
        y = _npc_year(_number(npc.group(1)), _number(npc.group(2)))
        if y:
            evidence.append(("the congress session", y))
    review = _REVIEW.search(body, 0, 8000)
    if review and 1900 < int(review.group(1)) < 2100:
        evidence.append(("the review heading", int(review.group(1)) + 1))
    if title:
        m = _TITLE_YEAR.search(title)
        if m:
            try:
                evidence.append(("the title", _number(m.group(1))))
            except (ValueError, KeyError):
                pass
    header_year = _HEADER_YEAR.search(norm[:2000])
    if header_year:
        evidence.append(("the header 年份", int(header_year.group(1))))
    for part in [path.stem, *(p.name for p in path.parents)][:3]:
        m = _FILE_YEAR.search(part)
        if m:
            evidence.append(("the file name", int(m.group(1))))
            break
    if evidence:
        used_from, year = evidence[0]
        meta["year"] = year
        for source, other in evidence[1:]:
            if other != year:
                notes.append(f"{source} says {other} but {used_from} says {year}: used {year}")
    else:
        meta["year"] = None

    # place
    written, _ = _place_from_text(body, title)
    if written is None:
        written = _place_by_frequency(body)
        if written:
            notes.append(f"no place named in the dateline or title: {written} is the unit the text names most")
    if written == NATIONAL:
        meta.update(place=NATIONAL, level="national")
    elif written:
        full = _full_name(written, body)
        meta.update(place=full, level=_level_of(full, written))
        if full == re.sub(r"[()\s]", "", written) and len(_split_chain(written)) == 1 and meta["level"] not in ("province",):
            if written not in _gazetteer()[0]:
                notes.append(f"{written} is not in the gazetteer: kept the name as written")
    else:
        meta.update(place=None, level=None)
    meta["notes"] = notes
    return meta


# ---------------------------------------------------------------- files

def load_manifest(folder: Path) -> dict[Path, dict]:
    """folder/manifest.csv rows keyed by the resolved report path; {} if there is none."""
    folder = Path(folder)
    manifest_path = folder / "manifest.csv"
    if not manifest_path.is_file():
        return {}
    rows: dict[Path, dict] = {}
    try:
        with open(manifest_path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"path", "place", "level", "year"} - set(reader.fieldnames or ())
            if missing:
                raise IngestError(manifest_path, f"manifest lacks columns {sorted(missing)}",
                                  "add columns path,place,level,year")
            for row in reader:
                if row.get("path"):
                    rows[(folder / row["path"]).resolve()] = {k: (v or "").strip() for k, v in row.items() if k}
    except (UnicodeDecodeError, csv.Error) as err:
        raise IngestError(manifest_path, f"unreadable manifest ({err})", "save it as UTF-8 CSV") from None
    return rows


def find_report_files(paths: Iterable[str | Path]) -> list[Path]:
    """Report files among `paths`: files as given, folders searched recursively; sorted."""
    found: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found.update(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES)
        elif p.name != "manifest.csv":
            found.add(p)
    return sorted(f for f in found if f.name != "manifest.csv")


def read_report(path: str | Path, manifest: dict | None = None) -> Report:
    """Read one report file; `manifest` is what `load_manifest` returns (or None)."""
    source = str(path)
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(source, f"cannot read the file ({err.strerror or err})", "check the path") from None
    raw = decode_bytes(data, source)
    if path.suffix.lower() in (".html", ".htm") or re.match(r"\s*<(?:!doctype html|html)", raw[:200], re.I):
        raw = html_to_text(raw)
    norm = to_simplified(_normalise(raw))
    text = _strip_clutter(norm)
    if not text.strip():
        raise IngestError(source, "no report text left after removing web clutter", "check that the file holds a report")
    meta = _infer(norm, text, path.resolve())
    notes = meta["notes"]
    if "_M_M_" in raw:
        notes.append(f"{raw.count('_M_M_')} lost '%' signs (written _M_M_) restored")
    lost = sum(len(m) for m in _LOST_CHARS.findall(text)) if "??" in text else 0
    if lost:
        notes.append(f"{lost} characters lost in the source (shown as ????)")

    row = (manifest or {}).get(path.resolve())
    if row:
        if row.get("year"):
            m_year = int(row["year"])
            if meta["year"] is not None and m_year != meta["year"]:
                notes.append(f"the text says {meta['year']} but the manifest says {m_year}: used {m_year}")
            meta["year"] = m_year
        if row.get("place"):
            if meta["place"] and not row["place"].endswith(meta["place"]):
                notes.append(f"the text says {meta['place']} but the manifest says {row['place']}: used the manifest")
            meta["place"] = row["place"]
        if row.get("level") in LEVELS:
            meta["level"] = row["level"]
        elif meta["place"] and row.get("place"):
            meta["level"] = _level_of(meta["place"], meta["place"])
    if meta["year"] is None:
        raise IngestError(source, "no recognisable year (no dateline, review heading, title or year in the file name)",
                          "add a manifest.csv row (path,place,level,year) or name the file after the year")
    if not meta["place"]:
        raise IngestError(source, "no recognisable place (no dateline, 我代表…人民政府 or title naming it)",
                          "add a manifest.csv row (path,place,level,year)")
    return Report(
        text=text,
        source=source,
        place=meta["place"],
        place_key=(row or {}).get("place_key") or meta["place"],
        level=meta["level"],
        year=meta["year"],
        delivered=meta["delivered"],
        source_url=(row or {}).get("source_url") or None,
        sha256=hashlib.sha256(data).hexdigest(),
        title=meta["title"],
        notes=tuple(dict.fromkeys(notes)),
    )


def read_reports(paths: Iterable[str | Path], use_manifest: bool = True) -> tuple[list[Report], list[IngestError]]:
    """Read every report under `paths`; bad files become errors and the rest still load.

    Two or more reports for one (place_key, year) are all kept out, each error naming the others.
    """
    paths = [Path(p) for p in paths]
    manifest, errors = manifests_for(paths) if use_manifest else ({}, [])
    reports: list[Report] = []
    for file in find_report_files(paths):
        try:
            reports.append(read_report(file, manifest))
        except IngestError as err:
            errors.append(err)
    kept, duplicates = refuse_duplicates(reports)
    return kept, errors + duplicates


def manifests_for(paths: Iterable[str | Path]) -> tuple[dict[Path, dict], list[IngestError]]:
    """The manifest rows that apply to `paths`: manifest.csv in each folder given (and below it),
    and in the folder of each file given."""
    paths = [Path(p) for p in paths]
    manifest: dict[Path, dict] = {}
    errors: list[IngestError] = []
    folders = {p for p in paths if p.is_dir()} | {p.parent for p in paths if not p.is_dir()}
    for folder in sorted(folders):
        manifests = [folder / "manifest.csv"] + (sorted(folder.rglob("manifest.csv")) if folder in paths else [])
        for m in dict.fromkeys(manifests):
            try:
                manifest.update(load_manifest(m.parent))
            except IngestError as err:
                errors.append(err)
    return manifest, errors


def refuse_duplicates(reports: list[Report]) -> tuple[list[Report], list[IngestError]]:
    """Keep the reports that are alone for their (place_key, year); the others become errors."""
    by_key: dict[tuple[str, int], list[Report]] = {}
    for r in reports:
        by_key.setdefault((r.place_key, r.year), []).append(r)
    kept, errors = [], []
    for r in reports:
        same = by_key[(r.place_key, r.year)]
        if len(same) == 1:
            kept.append(r)
            continue
        others = ", ".join(o.source for o in same if o is not r)
        errors.append(IngestError(
            r.source, f"two reports for {r.place_key} {r.year} (also {others}); both left out",
            "remove the duplicate or fix its year/place in manifest.csv",
        ))
    return kept, errors
