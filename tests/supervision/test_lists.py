"""Search, clearable filters and Excel downloads of inspections and problems:
the file has the rows the page shows, within the user's scope."""

import datetime
import io

import openpyxl
import pytest

from supervision import services

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 5, 12)


@pytest.fixture
def records(office_user, dept_a, dept_b):
    """An inspection of each department with one problem each."""
    a = services.inspection_record(
        actor=office_user,
        kind="unannounced",
        inspected_on=DAY,
        inspectors="张三",
        department=dept_a,
    )
    b = services.inspection_record(
        actor=office_user,
        kind="open",
        inspected_on=DAY.replace(year=2025),
        inspectors="王五",
        department=dept_b,
    )
    services.problem_record(
        actor=office_user, inspection=a, description="学习记录不完整", due_on=None
    )
    services.problem_record(
        actor=office_user, inspection=b, description="台账缺失", due_on=None
    )
    return a, b


def _sheet(response):
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_inspections_search_and_export(client, office_user, records):
    # given
    client.force_login(office_user)
    # when the office searches by an inspector's name
    page = client.get("/supervision/inspections/?q=王五&year=").content.decode()
    rows = _sheet(client.get("/supervision/inspections/export/?q=王五&year="))
    # then only 区司法局's inspection, on the page and in the file
    table = page.split("<tbody>")[1]
    assert "区司法局" in table and "区委组织部" not in table
    assert "清除" in page and "导出 Excel" in page
    assert rows[0][:3] == ["检查日期", "方式", "被检查单位"]
    assert [r[2] for r in rows[1:]] == ["区司法局"]
    # and a year filters; an empty one does not
    assert [
        r[2]
        for r in _sheet(client.get("/supervision/inspections/export/?year=2026"))[1:]
    ] == ["区委组织部"]
    assert len(_sheet(client.get("/supervision/inspections/export/?year="))) == 3


def test_inspections_export_is_scoped(client, inspector, outsider, records):
    # given an inspector whose group supervises dept_a only
    client.force_login(inspector)
    # when
    rows = _sheet(client.get("/supervision/inspections/export/"))
    # then
    assert [r[2] for r in rows[1:]] == ["区委组织部"]
    # and a liaison may not download the inspections at all
    client.force_login(outsider)
    assert client.get("/supervision/inspections/export/").status_code == 403


def test_problems_page_search_and_scoped_export(client, office_user, outsider, records):
    # given
    client.force_login(office_user)
    # when the office filters the problems
    page = client.get("/supervision/problems/?q=台账").content.decode()
    rows = _sheet(client.get("/supervision/problems/export/?q=台账&status="))
    # then
    table = page.split("<tbody>")[1]
    assert "台账缺失" in table and "学习记录不完整" not in table
    assert [r[3] for r in rows[1:]] == ["台账缺失"]
    assert rows[1][5] == "待交办"  # the label, never the code
    # when the outsider (liaison of 区司法局) downloads everything
    client.force_login(outsider)
    rows = _sheet(client.get("/supervision/problems/export/"))
    page = client.get("/supervision/problems/").content.decode()
    # then only their own department's problem
    assert [r[1] for r in rows[1:]] == ["区司法局"]
    assert "学习记录不完整" not in page


def test_problems_page_keeps_few_queries(
    client, office_user, records, django_assert_max_num_queries
):
    client.force_login(office_user)
    with django_assert_max_num_queries(10):
        assert client.get("/supervision/problems/").status_code == 200


def test_problems_pager_keeps_the_filters(client, office_user, records):
    # given 60 problems matching a keyword
    from supervision.models import Problem

    a, _b = records
    Problem.objects.bulk_create(
        Problem(inspection=a, description=f"制度未上墙{i}") for i in range(60)
    )
    client.force_login(office_user)
    # when the filtered list is opened
    page = client.get("/supervision/problems/?q=上墙").content.decode()
    # then the shared pager counts the matches and its link keeps the keyword
    assert "共 60 条" in page
    assert (
        "?q=%E4%B8%8A%E5%A2%99&amp;page=2" in page
        or "?q=%E4%B8%8A%E5%A2%99&page=2" in page
    )
    second = client.get("/supervision/problems/?q=上墙&page=2").content.decode()
    assert second.split("<tbody>")[1].count("制度未上墙") == 10
