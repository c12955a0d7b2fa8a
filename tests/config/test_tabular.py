import datetime as dt
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from config.errors import DomainError
from config.tabular import (
    ImportReport,
    RowError,
    map_headers,
    missing_headers,
    parse_date,
    read_rows,
    stash_upload,
    unstash_upload,
    write_xlsx,
    xlsx_response,
)


def _xlsx(matrix) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in matrix:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_read_rows_xlsx_keys_by_stripped_header_and_keeps_row_numbers():
    # given: a header with spaces, a blank row, an Excel date cell and a number
    data = _xlsx(
        [
            [" 名称 ", "发布\u3000日期", "序号"],
            ["条例一", dt.datetime(2019, 8, 30), 1.0],
            [None, None, None],
            ["条例二", "2020/1/2", 2],
        ]
    )
    # when
    rows = read_rows(SimpleUploadedFile("法规.xlsx", data))
    # then: the blank row is skipped but numbering follows the sheet
    assert [dict(r) for r in rows] == [
        {"名称": "条例一", "发布日期": "2019-08-30", "序号": "1"},
        {"名称": "条例二", "发布日期": "2020/1/2", "序号": "2"},
    ]
    assert [r.number for r in rows] == [2, 4]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_read_rows_csv_in_utf8_bom_and_gbk(encoding):
    # given
    data = "名称,制定机关\n中国共产党章程,中国共产党全国代表大会\n".encode(encoding)
    # when
    rows = read_rows(SimpleUploadedFile("a.csv", data))
    # then
    assert rows == [{"名称": "中国共产党章程", "制定机关": "中国共产党全国代表大会"}]
    assert rows[0].number == 2


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("a.xlsx", b"PK\x03\x04 this is not a workbook", "无法读取"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xlsx"),
        ("a.pdf", b"%PDF-1.4", "只能导入"),
        ("a.csv", b"", "空"),
    ],
)
def test_read_rows_refuses_unreadable_files_in_chinese(name, data, message):
    with pytest.raises(DomainError) as caught:
        read_rows(SimpleUploadedFile(name, data))
    assert message in caught.value.message


def test_map_headers_accepts_aliases_and_reports_missing_columns():
    # given
    rows = read_rows(
        SimpleUploadedFile("a.csv", "Title,发布日期,备注\nx,2020-1-1,y\n".encode())
    )
    # when
    mapped = map_headers(
        rows, {"名称": "title", "title": "title", "发布日期": "published_on"}
    )
    # then
    assert mapped == [{"title": "x", "published_on": "2020-1-1"}]
    assert mapped[0].number == 2
    assert missing_headers(mapped, ["title", "issuer"]) == ["issuer"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2019-08-30", dt.date(2019, 8, 30)),
        ("2019/8/3", dt.date(2019, 8, 3)),
        ("2019年8月30日", dt.date(2019, 8, 30)),
        ("2019 年 8 月 30 日", dt.date(2019, 8, 30)),
        ("2019.08.30", dt.date(2019, 8, 30)),
        ("2019-08-30 00:00:00", dt.date(2019, 8, 30)),
        ("43707", dt.date(2019, 8, 30)),  # an Excel serial number
        (dt.datetime(2019, 8, 30, 0, 0), dt.date(2019, 8, 30)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_accepts_office_spellings(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2019-02-30", "明年", "30/08/2019", "12", "2019-13-01"]
)
def test_parse_date_refuses_nonsense(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_import_report_counts_bad_rows_and_speaks_chinese():
    # given
    report = ImportReport(rows=[{}, {}, {}])
    # when
    report.error(3, "发布日期", "日期格式无法识别")
    report.error(3, "效力层级", "未知的效力层级")
    # then
    assert not report.ok
    assert report.bad_rows == [3]
    assert str(report.errors[0]) == "第3行「发布日期」：日期格式无法识别"
    assert str(RowError(5, "", "与第2行重复")) == "第5行：与第2行重复"
    assert "未写入" in report.summary()


def test_write_xlsx_round_trips_through_openpyxl():
    # given
    rows = [["条例一", dt.date(2019, 8, 30), 3], ["条例二", None, None]]
    # when
    content = write_xlsx(["名称", "发布日期", "数量"], rows, title="法规目录")
    # then
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("名称", "发布日期", "数量")
    assert values[1] == ("条例一", dt.datetime(2019, 8, 30), 3)
    assert values[2][0] == "条例二"
    assert sheet.title == "法规目录"


def test_xlsx_response_has_rfc5987_chinese_filename():
    response = xlsx_response(["名称"], [["x"]], filename="法规目录.xlsx")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote('法规目录.xlsx')}" in disposition
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_stash_upload_keeps_the_file_for_the_confirming_request(db):
    # given
    request = RequestFactory().post("/")
    request.session = SessionStore()
    stash_upload(
        request, SimpleUploadedFile("a.csv", "名称\nx\n".encode()), namespace="t"
    )
    # when
    again = unstash_upload(request, namespace="t", pop=True)
    # then
    assert again.name == "a.csv"
    assert read_rows(again) == [{"名称": "x"}]
    assert unstash_upload(request, namespace="t") is None
