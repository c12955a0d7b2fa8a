import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import services
from evaluation.models import Adjustment, StepScore
from evaluation.views import rounds as round_views
from tests import factories
from tests.evaluation.conftest import approved_on_time, make_project
from workflows.models import Step

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


def test_pages_render_for_office(client, office_user, published, dept_a):
    # given
    client.force_login(office_user)
    sheet = published.evaluations.first()

    # when / then
    for url in (
        "/evaluation/",
        "/evaluation/rankings/",
        "/evaluation/rounds/",
        f"/evaluation/rounds/{published.pk}/",
        f"/evaluation/rounds/{published.pk}/bulletin/",
        f"/evaluation/sheets/{sheet.pk}/",
        "/evaluation/scores/",
        "/evaluation/credit/",
        f"/evaluation/credit/{dept_a.pk}/",
        "/evaluation/standards/",
        "/supervision/inspections/",
        "/supervision/inspections/new/",
        "/supervision/accountability/new/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    chart = client.get(f"/evaluation/credit/{dept_a.pk}/").content.decode()
    assert "<svg" in chart


def test_bulletin_exports_xlsx(client, office_user, published):
    # given
    client.force_login(office_user)

    # when
    response = client.get(f"/evaluation/rounds/{published.pk}/bulletin.xlsx")

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert response.content[:2] == b"PK"


def test_dashboard_is_for_office_and_leaders(client, liaison, leader, published):
    client.force_login(liaison)
    assert client.get("/evaluation/").status_code == 403
    client.force_login(leader)
    assert client.get("/evaluation/").status_code == 200


def test_liaison_sees_own_published_sheet_only(
    client, liaison, outsider, published, dept_a
):
    # given
    sheet = published.evaluations.get(department=dept_a)

    # when / then
    client.force_login(liaison)
    assert client.get(f"/evaluation/sheets/{sheet.pk}/").status_code == 200
    client.force_login(outsider)
    assert client.get(f"/evaluation/sheets/{sheet.pk}/").status_code == 404


def test_adjust_form_without_reason_changes_nothing(client, office_user, dept_a):
    # given a draft sheet
    approved_on_time(make_project(lead=dept_a), dept_a)
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    line = StepScore.objects.get()
    client.force_login(office_user)

    # when
    response = client.post(
        f"/evaluation/sheets/{line.evaluation_id}/lines/{line.pk}/adjust/",
        {"new_points": "11", "reason": ""},
        follow=True,
    )

    # then
    assert "调整分值必须填写调整理由" in response.content.decode()
    assert not Adjustment.objects.exists()


def test_liaison_cannot_adjust_or_publish(client, liaison, office_user, dept_a):
    # given
    approved_on_time(make_project(lead=dept_a), dept_a)
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    line = StepScore.objects.get()
    client.force_login(liaison)

    # when / then
    url = f"/evaluation/sheets/{line.evaluation_id}/lines/{line.pk}/adjust/"
    assert client.post(url, {"new_points": "12", "reason": "x"}).status_code == 403
    assert client.post(f"/evaluation/rounds/{round_.pk}/review/").status_code == 403
    assert not Adjustment.objects.exists()


def test_published_round_page_refuses_edits(client, office_user, published):
    # given
    client.force_login(office_user)
    line = StepScore.objects.filter(evaluation__round=published).first()

    # when
    response = client.post(
        f"/evaluation/sheets/{line.evaluation_id}/lines/{line.pk}/adjust/",
        {"new_points": "11", "reason": "改一下"},
        follow=True,
    )

    # then
    assert "已冻结" in response.content.decode()
    assert not Adjustment.objects.exists()


def _grow(office_user, count, year):
    for _ in range(count):
        department = factories.DepartmentFactory()
        approved_on_time(make_project(lead=department, year=year), department)
    round_ = services.round_create(year=year, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    services.round_review(round=round_, actor=office_user)
    services.round_publish(round=round_, actor=office_user)
    return round_


def test_round_pages_keep_constant_query_count(
    client, office_user, django_assert_max_num_queries
):
    # given a small and a large published round
    small = _grow(office_user, 2, 2025)
    large = _grow(office_user, 25, 2026)
    client.force_login(office_user)

    def count(url):
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    # when / then
    for template in (
        "/evaluation/rounds/{}/",
        "/evaluation/rounds/{}/bulletin/",
    ):
        assert count(template.format(large.pk)) == count(template.format(small.pk))
    assert count("/evaluation/rankings/?year=2026") == count(
        "/evaluation/rankings/?year=2025"
    )
    assert count("/evaluation/credit/?year=2026") == count(
        "/evaluation/credit/?year=2025"
    )


@pytest.mark.parametrize(
    "url, param",
    [
        ("/supervision/inspections/", "department"),
        ("/evaluation/scores/", "year"),
        ("/evaluation/credit/", "year"),
    ],
)
@pytest.mark.parametrize("value", ["99999999999999999999999", "-99999999999999999999"])
def test_pages_ignore_numbers_no_column_can_hold(
    client, office_user, url, param, value
):
    # given: a value the database cannot hold (SQLite OverflowError -> 500)
    client.force_login(office_user)
    # when
    response = client.get(url, {param: value})
    # then: the filter is dropped
    assert response.status_code == 200


# The 通报 page shows its long tables a page at a time (at city scale it rendered
# ~29k rows at once); the Excel keeps them all.


def _flag_steps(department, n: int) -> None:
    for i in range(n):
        project = factories.ExecutionProjectFactory(lead_department=department)
        factories.StepFactory(
            project=project,
            department=department,
            due_on=datetime.date(2026, 3, 2) + datetime.timedelta(days=i),
            flagged_for_bulletin=True,
        )


def test_bulletin_pages_steps_named_in_it(
    client, office_user, published, dept_a, monkeypatch
):
    # given more flagged steps than one page holds
    monkeypatch.setattr(round_views, "ESCALATED_PAGE", 3)
    _flag_steps(dept_a, 2)
    url = f"/evaluation/rounds/{published.pk}/bulletin/"
    client.force_login(office_user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _flag_steps(dept_a, 5)
    flagged = Step.objects.filter(flagged_for_bulletin=True).count()
    # when the bulletin is read
    with CaptureQueriesContext(connection) as many:
        first = client.get(url).content.decode()
    last = client.get(f"{url}?page=3").content.decode()
    # then each page names three steps, with a way to the next page
    assert first.count('<td class="text-nowrap">2026-') == 3
    assert last.count('<td class="text-nowrap">2026-') == flagged - 6
    assert "page=2" in first and f"共 {flagged} 项" in first
    # and the number of queries does not grow with the steps
    assert len(many.captured_queries) == len(few.captured_queries)
    # and the Excel still lists every one of them
    xlsx = client.get(f"/evaluation/rounds/{published.pk}/bulletin.xlsx")
    assert xlsx.status_code == 200
