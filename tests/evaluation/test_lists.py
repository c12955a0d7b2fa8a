"""Search, clearable filters and Excel downloads of rankings, credit records and
score sheets: the download has the rows the page shows, within the user's scope."""

import io

import openpyxl
import pytest

from evaluation import services
from tests.evaluation.conftest import approved_on_time, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(office_user, dept_a, dept_b, town):
    for department in (dept_a, dept_b, town):
        approved_on_time(make_project(lead=department), department)
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    services.round_review(round=round_, actor=office_user)
    services.round_publish(round=round_, actor=office_user)
    return round_


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_rankings_keyword_narrows_the_page_and_its_download(
    client, office_user, published
):
    # given
    client.force_login(office_user)
    # when the office searches 司法
    page = client.get("/evaluation/rankings/?year=2026&q=司法").content.decode()
    rows = _sheet(client.get("/evaluation/rankings/export/?year=2026&q=司法"))
    # then only 区司法局 is listed, on the page and in the file
    assert "区司法局" in page and "区委组织部" not in page and "新嘉街道" not in page
    assert "导出 Excel" in page and "清除" in page
    assert rows[0][:3] == ["类别", "名次", "单位"]
    assert [r[2] for r in rows[1:]] == ["区司法局"]
    # and without a keyword every ranked department is exported
    everyone = _sheet(client.get("/evaluation/rankings/export/?year=2026&q="))
    assert {r[2] for r in everyone[1:]} == {"区委组织部", "区司法局", "新嘉街道"}


def test_credit_search_and_export_respect_scope(
    client, office_user, outsider, published
):
    # given credit records of three departments
    client.force_login(office_user)
    all_rows = _sheet(client.get("/evaluation/credit/export/?year="))
    assert {r[0] for r in all_rows[1:]} == {"区委组织部", "区司法局", "新嘉街道"}
    # when the office searches
    page = client.get("/evaluation/credit/?q=街道").content.decode()
    rows = _sheet(client.get("/evaluation/credit/export/?q=街道"))
    # then
    assert "新嘉街道" in page and "区司法局" not in page
    assert [r[0] for r in rows[1:]] == ["新嘉街道"]
    # when the outsider (a liaison of 区司法局) downloads everything
    client.force_login(outsider)
    rows = _sheet(client.get("/evaluation/credit/export/"))
    # then only their own department's rows
    assert [r[0] for r in rows[1:]] == ["区司法局"]
    assert _sheet(client.get("/evaluation/credit/export/?q=组织部"))[1:] == []


def test_scores_page_filters_by_year_department_keyword_and_clears(
    client, office_user, published, dept_a
):
    # given
    client.force_login(office_user)
    # when filtering by department, then by keyword, then by another year
    by_department = client.get(f"/evaluation/scores/?department={dept_a.pk}")
    by_keyword = client.get("/evaluation/scores/?q=街道&year=&department=")
    other_year = client.get("/evaluation/scores/?year=2020")
    cleared = client.get("/evaluation/scores/?year=&department=&q=")
    # then each shows only what matches; empty values filter nothing
    page = by_department.content.decode()
    assert "区委组织部" in page.split("<tbody>")[1] and "清除" in page
    assert "区司法局" not in page.split("<tbody>")[1]
    body = by_keyword.content.decode().split("<tbody>")[1]
    assert "新嘉街道" in body and "区委组织部" not in body
    assert "没有符合条件的评分表" in other_year.content.decode()
    body = cleared.content.decode().split("<tbody>")[1]
    assert all(n in body for n in ("区委组织部", "区司法局", "新嘉街道"))


def test_credit_list_keeps_few_queries(
    client, office_user, published, django_assert_max_num_queries
):
    client.force_login(office_user)
    with django_assert_max_num_queries(12):
        assert client.get("/evaluation/credit/?q=区").status_code == 200
