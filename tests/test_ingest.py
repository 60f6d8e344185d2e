"""Ingest on small generated files: encodings, line ends, html, bad input, manifests."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.ingest import (
    IngestError,
    clean_text,
    decode_bytes,
    find_report_files,
    load_manifest,
    read_report,
    read_reports,
)

REPORT = (
    "政府工作报告\n"
    "——2024年1月20日在河北省保定市安国市第八届人民代表大会第四次会议上\n"
    "安国市人民政府市长 张三\n"
    "各位代表:\n"
    "现在,我代表安国市人民政府向大会报告工作,请予审议。\n"
    "一、2023年工作回顾\n"
    "全年生产总值增长6%。\n"
    "二、2024年工作安排\n"
    "生产总值增长6.5%左右。\n"
    "各位代表,让我们团结奋斗!\n"
)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def one_line(err: IngestError) -> str:
    message = str(err)
    assert "\n" not in message and message.startswith(err.path + ": ")
    return message


def test_reads_utf8_report(tmp_path):
    r = read_report(write(tmp_path, "r.txt", REPORT))
    assert (r.place, r.level, r.year, r.delivered) == ("河北省保定市安国市", "county", 2024, "2024-01-20")
    assert r.text.startswith("政府工作报告\n——2024年1月20日")
    assert r.place_key == r.place and r.source_url is None and len(r.sha256) == 64


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("gb18030"),
        lambda s: s.encode("utf-16"),  # with BOM
        lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
        lambda s: s.replace("\n", "\r\n").encode("utf-8"),
        lambda s: s.replace("\n", "\r").encode("utf-8"),
        lambda s: s.replace("\n", "\\r\\n").encode("utf-8"),  # literal backslash-r-backslash-n
        lambda s: s.encode("utf-16-le"),  # no BOM
        lambda s: s.encode("utf-16-be"),
        lambda s: s.encode("utf-32"),  # with BOM
    ],
    ids=["gb18030", "utf16-bom", "utf8-bom", "crlf", "cr", "literal-crlf", "utf16le-no-bom", "utf16be-no-bom", "utf32"],
)
def test_encodings_and_line_ends_give_the_same_text(tmp_path, encode):
    expected = read_report(write(tmp_path, "a/2024.txt", REPORT)).text
    r = read_report(write(tmp_path, "b/2024.txt", encode(REPORT)))
    assert r.text == expected
    assert "\r" not in r.text and "\\r" not in r.text and r.year == 2024


def test_html_report(tmp_path):
    page = (
        "<html><head><title>x</title><style>.footer{display:block}</style><script>var a=1;</script></head>"
        "<body><div class='nav'>首页 &gt; 政务公开</div>"
        + "".join(f"<p>{line}</p>" for line in REPORT.splitlines())
        + "<div>冀ICP备06016263号-1</div></body></html>"
    )
    r = read_report(write(tmp_path, "page.html", page))
    assert r.year == 2024 and r.place == "河北省保定市安国市"
    assert "各位代表:\n现在" in r.text
    assert "display" not in r.text and "var a" not in r.text and "ICP备" not in r.text


def test_empty_file(tmp_path):
    for data in (b"", b"  \n\t\r\n"):
        with pytest.raises(IngestError, match="empty") as err:
            read_report(write(tmp_path, "empty.txt", data))
        one_line(err.value)


def test_binary_file(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(IngestError, match="binary") as err:
        read_report(write(tmp_path, "image.txt", png))
    one_line(err.value)


def test_undecodable_bytes(tmp_path):
    with pytest.raises(IngestError, match="undecodable") as err:
        read_report(write(tmp_path, "bad.txt", "各位代表".encode() + b"\x81\x20\xff\xfe\x80"))
    assert "UTF-8" in one_line(err.value)


def test_no_recognisable_year(tmp_path):
    text = "各位代表:\n现在,我代表安国市人民政府向大会报告工作。\n全市经济稳步增长。\n"
    with pytest.raises(IngestError, match="no recognisable year") as err:
        read_report(write(tmp_path, "notes/report.txt", text))
    assert "manifest" in one_line(err.value)


def test_file_name_gives_the_year_when_the_text_does_not(tmp_path):
    text = "各位代表:\n现在,我代表安国市人民政府向大会报告工作。\n全市经济稳步增长。\n"
    assert read_report(write(tmp_path, "anguo/2019.txt", text)).year == 2019


def test_dateline_beats_collector_header(tmp_path):
    text = "标题：2018年河北省政府工作报告\n发文时间：未知\n\n正文：\n" \
           "二〇一九年一月十四日在河北省第十三届人民代表大会第二次会议上\n各位代表：\n一、2018年工作回顾\n"
    r = read_report(write(tmp_path, "hebei.txt", text))
    assert (r.place, r.level, r.year, r.delivered) == ("河北省", "province", 2019, "2019-01-14")
    assert any("2018" in n and "2019" in n for n in r.notes)
    assert "标题" not in r.text and r.title == "2018年河北省政府工作报告"


def test_review_heading_gives_the_plan_year(tmp_path):
    text = "各位代表：\n现在，我代表国务院，向大会报告政府工作。\n一、2023年工作回顾\n"
    r = read_report(write(tmp_path, "speech.txt", text))
    assert (r.place, r.level, r.year, r.delivered) == ("中华人民共和国", "national", 2024, None)


def test_two_reports_for_one_place_and_year_are_both_refused(tmp_path):
    a = write(tmp_path, "c/a.txt", REPORT)
    b = write(tmp_path, "c/b.txt", REPORT.replace("张三", "李四"))
    ok = write(tmp_path, "c/ok.txt", REPORT.replace("2024年1月20日", "2025年1月20日"))
    reports, errors = read_reports([tmp_path / "c"])
    assert [r.source for r in reports] == [str(ok)]
    messages = sorted(one_line(e) for e in errors)
    assert len(messages) == 2
    assert all(str(a) in m and str(b) in m for m in messages)


def test_bad_files_do_not_stop_the_rest(tmp_path):
    write(tmp_path, "d/empty.txt", b"")
    write(tmp_path, "d/bin.txt", b"\x00\x01\x02" * 50)
    write(tmp_path, "d/2024.txt", REPORT)
    write(tmp_path, "d/skip.pdf", b"%PDF")
    reports, errors = read_reports([tmp_path / "d"])
    assert len(reports) == 1 and len(errors) == 2


def test_manifest_overrides_the_text(tmp_path):
    write(tmp_path, "m/anguo/2024.txt", REPORT)
    write(tmp_path, "m/manifest.csv",
          "path,place,place_key,level,year,title,source_url\n"
          "anguo/2024.txt,河北省安国市,安国,county,2023,,https://example.org/a\n")
    manifest = load_manifest(tmp_path / "m")
    assert list(manifest) == [(tmp_path / "m/anguo/2024.txt").resolve()]
    reports, errors = read_reports([tmp_path / "m"])
    assert not errors
    (r,) = reports
    assert (r.place, r.place_key, r.level, r.year, r.source_url) == (
        "河北省安国市", "安国", "county", 2023, "https://example.org/a")
    assert any("manifest" in n for n in r.notes)
    # the manifest of a given file's folder is honoured too, and can be switched off
    (r,), _ = read_reports([tmp_path / "m/anguo/2024.txt"])
    assert r.year == 2024  # manifest.csv is not in the file's own folder
    (r,), _ = read_reports([tmp_path / "m"], use_manifest=False)
    assert (r.place, r.year, r.source_url) == ("河北省保定市安国市", 2024, None)


def test_find_report_files(tmp_path):
    for name in ("x/b.txt", "x/a.HTML", "x/sub/c.htm", "x/manifest.csv", "x/d.pdf"):
        write(tmp_path, name, "x")
    found = find_report_files([tmp_path / "x"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["x/a.HTML", "x/b.txt", "x/sub/c.htm"]
    assert load_manifest(tmp_path / "nowhere") == {}


def test_clean_text_normalises_and_removes_clutter():
    raw = (
        "首页>政务公开>政府信息公开\n阅读：\n608\n评论：\n0\n"
        "各位代表：\n增长６．５％，新增就业１００万人。\n"
        "许勤作政府工作报告。记者孟宇光摄\n"
        "各位代表，让我们团结奋斗！\n"
        "分享到：\n相关文章\n07-29\n东阿县2021年政府工作报告\n标签云\n冀ICP备06016263号-1\n"
    )
    assert clean_text(raw) == "各位代表:\n增长6.5%,新增就业100万人。\n各位代表,让我们团结奋斗!\n"


def test_collapsed_line_breaks_are_restored():
    paragraph = "过去一年,全市经济平稳健康发展。" * 80  # collapsed pages are one line of 1000+ characters
    raw = f"各位代表：    现在,我代表上海市人民政府,向大会报告工作。    一、2021年工作回顾    {paragraph}    二、2022年主要任务"
    lines = clean_text(raw).splitlines()
    assert lines[:3] == ["各位代表:", "现在,我代表上海市人民政府,向大会报告工作。", "一、2021年工作回顾"]
    assert lines[-1] == "二、2022年主要任务"


def test_breaks_collapsed_to_single_spaces_are_restored():
    """Shanghai 2024: the whole report on one line, each break a single space."""
    paragraph = "过去一年,全市经济平稳健康发展。" * 80
    raw = f"各位代表: 现在,我代表上海市人民政府,向大会报告工作。 一、2023年工作回顾 {paragraph} (一)着力扩大内需 二、2024年主要任务 今年是关键一年。"
    lines = clean_text(raw).splitlines()
    assert "一、2023年工作回顾" in lines and "二、2024年主要任务" in lines and "(一)着力扩大内需" in lines
    assert lines[-1] == "今年是关键一年。"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_clean_text_never_crashes(text):
    assert isinstance(clean_text(text), str)


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_decode_bytes_only_raises_ingest_error(data):
    try:
        assert isinstance(decode_bytes(data), str)
    except IngestError as err:
        assert "\n" not in str(err)


def test_big5_report_is_read_as_big5(tmp_path):
    """Traditional-script text in Big5 is not GB18030 mojibake: it decodes as written (read_report then
    converts it to simplified script: see the next test)."""
    text = "政府工作報告\n各位代表：\n現在，我代表市人民政府向大會報告工作。經濟發展穩中有進，地區生產總值增長5%。\n"
    raw = decode_bytes(text.encode("big5"))
    assert raw == text


def test_a_traditional_report_is_read_in_simplified(tmp_path):
    """A report written in traditional characters (a Big5 page, or national 1954) is converted to simplified
    before it is read, so its place, its words (增長, 億元) and its indicators are found."""
    from compare.extract import extract_targets

    text = ("廣州市海珠區2022年政府工作報告\n——2022年1月10日在廣州市海珠區第十七屆人民代表大會第一次會議上\n"
            "各位代表：\n現在，我代表區人民政府向大會報告工作。\n二、2022年工作安排\n"
            "地區生產總值增長6%左右，新建學校12所，完成固定資產投資300億元以上。\n")
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("big5"))
    report = read_report(path)
    assert (report.place, report.year) == ("广东省广州市海珠区", 2022)
    assert "地区生产总值增长6%左右" in report.text
    rows = [r for r in extract_targets(report).to_dicts() if r["value"] is not None]
    assert [(r["indicator_key"], r["value"], r["unit"], r["comparator"]) for r in rows] == [
        ("国内生产总值", 6.0, "%", "~"), ("学校", 12.0, "所", "="), ("固定资产投资", 3e10, "元", ">=")]
