import datetime as dt
from pathlib import Path

import pytest

from config.tabular import read_rows
from regulations.models import Regulation
from regulations.services import regulation_import
from tests.factories import RegulationFactory

from .conftest import csv_upload, xlsx_upload

pytestmark = pytest.mark.django_db

HEADER = [
    "名称",
    "文号",
    "制定机关",
    "效力层级",
    "名称类别",
    "板块",
    "时效状态",
    "发布日期",
    "施行日期",
    "摘要",
]


def _good_rows():
    return [
        HEADER,
        [
            "中国共产党党内监督条例",
            "",
            "中共中央",
            "中央党内法规",
            "条例",
            "党的监督保障法规",
            "现行有效",
            dt.datetime(2016, 10, 27),
            "2016/10/27",
            "",
        ],
        [
            "中国共产党问责条例",
            "",
            "中共中央",
            "central",
            "regulation",
            "supervision",
            "",
            "2019年8月25日",
            "",
            "问责",
        ],
        [
            "浙江省党内监督十项制度实施办法（试行）",
            "浙委发〔2017〕1号",
            "中共浙江省委",
            "地方党内法规",
            "办法",
            "",
            "",
            "43000",
            "",
            "",
        ],
    ]


def test_regulation_import_good_file_writes_every_row(office_user):
    # given
    rows = read_rows(xlsx_upload(_good_rows()))
    # when
    report = regulation_import(rows=rows, user=office_user, commit=True)
    # then
    assert report.ok and report.committed and report.created == 3
    first = Regulation.objects.get(title="中国共产党党内监督条例")
    assert first.level == "central" and first.form == "regulation"
    assert first.branch == "supervision" and first.status == "in_force"
    assert first.published_on == first.effective_on == dt.date(2016, 10, 27)
    assert Regulation.objects.get(title="中国共产党问责条例").published_on == dt.date(
        2019, 8, 25
    )
    zhejiang = Regulation.objects.get(document_number="浙委发〔2017〕1号")
    assert zhejiang.level == "provincial"
    assert zhejiang.published_on == dt.date(2017, 9, 22)  # Excel serial 43000
    assert first.history.get().history_user == office_user


def test_regulation_import_broken_rows_write_nothing_and_name_each_row(office_user):
    # given: row 3 repeats row 2, row 4 has a bad date, row 5 an unknown level,
    # row 6 repeats a regulation already in the catalogue, row 7 has no name
    RegulationFactory(title="中国共产党巡视工作条例", document_number="")
    matrix = [
        HEADER,
        [
            "中国共产党问责条例",
            "",
            "中共中央",
            "中央党内法规",
            "条例",
            "",
            "",
            "2019-08-25",
            "",
            "",
        ],
        [
            "中国共产党问责条例",
            "",
            "中共中央",
            "中央党内法规",
            "条例",
            "",
            "",
            "2019-08-25",
            "",
            "",
        ],
        [
            "中国共产党组织工作条例",
            "",
            "中共中央",
            "中央党内法规",
            "条例",
            "",
            "",
            "2021-02-30",
            "",
            "",
        ],
        [
            "党政机关公文处理工作条例",
            "",
            "中共中央办公厅",
            "国家级",
            "条例",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "中国共产党巡视工作条例",
            "",
            "中共中央",
            "中央党内法规",
            "条例",
            "",
            "",
            "",
            "",
            "",
        ],
        ["", "", "中共中央", "中央党内法规", "条例", "", "", "", "", ""],
        [
            "干部教育培训工作条例",
            "",
            "中共中央",
            "中央党内法规",
            "条例",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    rows = read_rows(xlsx_upload(matrix))
    # when
    report = regulation_import(rows=rows, user=office_user, commit=True)
    # then: nothing written, not even the good rows 2 and 8
    assert not report.committed
    assert Regulation.objects.count() == 1
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "与第2行重复" in messages[(3, "名称")]
    assert "2021-02-30" in messages[(4, "发布日期")]
    assert "未知的效力层级“国家级”" in messages[(5, "效力层级")]
    assert "目录中已有" in messages[(6, "名称")]
    assert "名称不能为空" in messages[(7, "名称")]
    assert report.bad_rows == [3, 4, 5, 6, 7]
    assert str(report.errors[0]).startswith("第3行「名称」")


def test_regulation_import_preview_writes_nothing(office_user):
    rows = read_rows(xlsx_upload(_good_rows()))
    report = regulation_import(rows=rows, user=office_user, commit=False)
    assert report.ok and not report.committed
    assert len(report.rows) == 3
    assert not Regulation.objects.exists()


def test_regulation_import_reports_missing_columns(office_user):
    rows = read_rows(csv_upload("名称,文号\n中国共产党问责条例,\n"))
    report = regulation_import(rows=rows, user=office_user, commit=True)
    assert [str(e) for e in report.errors] == [
        "第1行：缺少必填列：制定机关、效力层级、名称类别"
    ]
    assert not Regulation.objects.exists()


def test_regulation_import_reads_the_shared_english_csv_in_gbk(office_user):
    # given: the district's data file, saved by Excel in GBK
    source = Path(__file__).resolve().parents[2] / "regulations/data/regulations.csv"
    text = source.read_text(encoding="utf-8")
    rows = read_rows(csv_upload(text, encoding="gbk"))
    # when
    report = regulation_import(rows=rows, user=office_user, commit=True)
    # then
    assert report.errors == []
    assert Regulation.objects.count() == text.count("\n") - 1
    charter = Regulation.objects.get(title="中国共产党章程")
    assert charter.form == "charter" and charter.branch == ""


def test_regulation_import_error_names_the_users_own_header(office_user):
    rows = read_rows(
        csv_upload(
            "title,issuer,level,form,published_on\nx,中共中央,central,条例,昨天\n"
        )
    )
    report = regulation_import(rows=rows, user=office_user, commit=False)
    assert [(e.row, e.column) for e in report.errors] == [(2, "published_on")]
