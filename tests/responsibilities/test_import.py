import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.tabular import read_rows, write_xlsx
from responsibilities.models import ResponsibilityList
from responsibilities.spreadsheets import responsibility_import
from tests import factories


def _xlsx(headers, rows, name="清单.xlsx"):
    return SimpleUploadedFile(name, write_xlsx(headers, rows))


LEAD_HEADERS = ["法规名称", "牵头部门", "配合部门", "主要职责", "默认流程"]


def test_import_with_broken_rows_writes_nothing_and_names_each(
    office_user, reg_a, reg_b, reg_c, lead_a, dept_a, dept_b
):
    # given: row 2 good, 3 unknown department, 4 unknown regulation, 5 bad flow,
    # 6 duplicate of an existing lead, 7 duplicate of row 2
    rows = read_rows(
        _xlsx(
            LEAD_HEADERS,
            [
                ["中国共产党政法工作条例", "区司法局", "区委组织部", "牵头", "简易"],
                ["信访工作条例", "不存在的局", "", "", ""],
                ["不存在的条例", "B", "", "", ""],
                ["信访工作条例", "B", "", "", "很快"],
                ["中国共产党组织工作条例", "B", "", "", ""],
                ["中国共产党政法工作条例", "区司法局", "", "", ""],
            ],
        )
    )
    # when
    report = responsibility_import(
        kind="lead", rows=rows, user=office_user, commit=True
    )
    # then
    assert not report.committed
    assert report.bad_rows == [3, 4, 5, 6, 7]
    text = "\n".join(str(e) for e in report.errors)
    assert "第3行「牵头部门」：没有名称或编码为“不存在的局”的单位" in text
    assert "第4行「法规名称」：法规目录中没有“不存在的条例”" in text
    assert "第5行「默认流程」" in text
    assert "第6行「法规名称」：该法规已有牵头执行部门" in text
    assert "第7行：与第2行重复" in text
    assert ResponsibilityList.objects.count() == 1  # only lead_a


def test_import_driver_bad_type_value(office_user, dept_a):
    rows = read_rows(
        _xlsx(
            ["机制名称", "机制类型", "责任部门"],
            [["学习会", "学习", "A"], ["宣讲", "吃饭", "A"]],
        )
    )
    report = responsibility_import(
        kind="driver", rows=rows, user=office_user, commit=True
    )
    assert report.bad_rows == [3]
    assert "“吃饭”不是有效值" in str(report.errors[0])
    assert not ResponsibilityList.objects.exists()


def test_import_missing_column_reported(office_user, dept_a):
    rows = read_rows(_xlsx(["机制名称", "责任部门"], [["学习会", "A"]]))
    report = responsibility_import(
        kind="driver", rows=rows, user=office_user, commit=True
    )
    assert "第1行「机制类型」：缺少该列" in [str(e) for e in report.errors]


def test_import_good_file_writes_all_rows(office_user, reg_a, reg_b, dept_a, dept_b):
    csv = (
        "法规名称,牵头部门,配合部门,默认流程\n"
        "中国共产党组织工作条例,A,区司法局,一般\n"
        "中国共产党政法工作条例,区司法局,,简易\n"
    ).encode()
    rows = read_rows(SimpleUploadedFile("清单.csv", csv))
    report = responsibility_import(
        kind="lead", rows=rows, user=office_user, commit=True
    )
    assert report.committed and report.created == 2
    lead = ResponsibilityList.objects.get(regulation=reg_b)
    assert lead.department == dept_b and lead.default_flow == "simple"
    assert list(
        ResponsibilityList.objects.get(regulation=reg_a).partner_departments.all()
    ) == [dept_b]


def test_import_page_preview_then_confirm(client, office_user, reg_a, dept_a):
    client.force_login(office_user)
    url = reverse("responsibilities:import", args=["lead"])
    # when: upload
    preview = client.post(
        url,
        {"file": _xlsx(LEAD_HEADERS, [["中国共产党组织工作条例", "A", "", "", ""]])},
    )
    # then: nothing written yet
    assert preview.status_code == 200
    assert "确认导入" in preview.content.decode()
    assert not ResponsibilityList.objects.exists()
    # when: confirm
    done = client.post(url, {"confirm": "1"})
    # then
    assert done.status_code == 302
    assert ResponsibilityList.objects.get().department == dept_a


def test_import_page_bad_rows_shown_nothing_written(client, office_user, reg_a):
    client.force_login(office_user)
    url = reverse("responsibilities:import", args=["lead"])
    response = client.post(
        url,
        {
            "file": _xlsx(
                LEAD_HEADERS, [["中国共产党组织工作条例", "火星局", "", "", ""]]
            )
        },
    )
    html = response.content.decode()
    assert "第2行「牵头部门」" in html
    assert "确认导入" not in html
    assert client.post(url, {"confirm": "1"}).status_code == 200  # nothing stashed
    assert not ResponsibilityList.objects.exists()


def test_import_page_unreadable_file(client, office_user):
    client.force_login(office_user)
    url = reverse("responsibilities:import", args=["lead"])
    response = client.post(
        url, {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04junk")}
    )
    assert response.status_code == 200
    assert "无法读取" in response.content.decode()


def test_export_then_import_roundtrip_reports_duplicates(client, office_user, lead_a):
    client.force_login(office_user)
    exported = client.get(reverse("responsibilities:export", args=["lead"])).content
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    assert sheet.max_row == 2
    rows = read_rows(SimpleUploadedFile("back.xlsx", exported))
    report = responsibility_import(
        kind="lead", rows=rows, user=office_user, commit=False
    )
    assert report.bad_rows == [2]


def test_import_ambiguous_department_name_needs_code(office_user, reg_a, dept_a):
    # given: two villages share a name in different towns
    factories.DepartmentFactory(code="V1", name="新民村", kind="village")
    factories.DepartmentFactory(code="V2", name="新民村", kind="village")
    rows = read_rows(
        _xlsx(LEAD_HEADERS, [["中国共产党组织工作条例", "A", "新民村", "", ""]])
    )
    # when
    report = responsibility_import(
        kind="lead", rows=rows, user=office_user, commit=True
    )
    # then
    assert "有多个名为“新民村”的单位，请填写单位编码" in str(report.errors[0])
    assert not ResponsibilityList.objects.exists()
