"""Keyword search and Excel export of the 执行项目 and 通知登记 lists."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config.tabular import read_rows
from notices import services as notice_services
from tests.factories import RegulationFactory
from workflows import services
from workflows.flows import seed_default_flows
from workflows.models import FlowTemplate, StepTemplate


def _xlsx_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = SimpleUploadedFile(
        "x.xlsx",
        b"".join(response.streaming_content)
        if response.streaming
        else response.content,
    )
    return read_rows(upload)


@pytest.fixture
def projects(office_user, dept_a, dept_b):
    """Two projects this year: one led by dept_a, one by dept_b."""
    seed_default_flows(FlowTemplate, StepTemplate)
    year = timezone.localdate().year

    def launch(title, lead):
        return services.project_launch(
            regulation=RegulationFactory(title=title),
            year=year,
            lead_department=lead,
            partner_departments=[],
            flow_code="general",
            starts_on=datetime.date(year, 1, 5),
            actor=office_user,
        )

    return launch("中国共产党组织工作条例", dept_a), launch("法治建设规定", dept_b)


@pytest.mark.django_db
def test_projects_keyword_search_lists_only_matches(client, office_user, projects):
    # given the office and two projects
    client.force_login(office_user)
    # when it searches for a word of one title
    page = client.get("/workflows/?q=组织工作").content.decode()
    # then only that project is listed, and the box keeps the word
    assert "中国共产党组织工作条例" in page
    assert "法治建设规定" not in page
    assert 'value="组织工作"' in page


@pytest.mark.django_db
def test_projects_export_follows_the_filters_and_the_scope(
    client, office_user, liaison, projects
):
    # given the office: the export of a search has that search's rows
    client.force_login(office_user)
    rows = _xlsx_rows(client.get("/workflows/export/?q=法治"))
    assert [r["党内法规"] for r in rows] == ["法治建设规定"]
    # when dept_a's liaison exports everything
    client.force_login(liaison)
    rows = _xlsx_rows(client.get("/workflows/export/"))
    # then only what it may see: dept_a's project
    assert [r["党内法规"] for r in rows] == ["中国共产党组织工作条例"]
    assert rows[0]["牵头部门"] == "区委组织部"


@pytest.mark.django_db
def test_notice_register_search_and_export(client, office_user, dept_a, dept_b):
    # given two 交办单 to two departments
    for dept, title in [
        (dept_a, "关于组织生活会问题的交办单"),
        (dept_b, "关于普法问题的交办单"),
    ]:
        notice_services.assignment_issue(
            department=dept,
            title=title,
            body="请整改。",
            due_on=None,
            actor=office_user,
        )
    client.force_login(office_user)
    # when the office searches, then exports the search
    page = client.get("/notices/register/?q=普法").content.decode()
    rows = _xlsx_rows(client.get("/notices/register/export/?q=普法"))
    # then both show only the matching notice
    assert "关于普法问题的交办单" in page and "关于组织生活会问题的交办单" not in page
    assert [(r["标题"], r["接收单位"], r["类别"]) for r in rows] == [
        ("关于普法问题的交办单", "区司法局", "交办单")
    ]


@pytest.mark.django_db
def test_notice_register_export_is_refused_to_a_liaison(client, liaison):
    client.force_login(liaison)
    assert client.get("/notices/register/export/").status_code == 403
