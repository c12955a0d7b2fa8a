"""The scores API's envelope `count` from the rounds' stored counts.

A published round is frozen, so the number of sheets its list shows is stored
at publication (`published_sheets`); an office-wide reader filtering only by
what the rounds decide (year, quarter, status) gets their sum instead of a
COUNT over the sheets table. Whatever changes what a published round's list
shows afterwards (a project withdrawn, departments moved to another office)
counts it again; anything else (a liaison, a department filter) counts live.
The count must always be the number of rows the pages hold.
"""

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from evaluation import services
from evaluation.models import Evaluation, EvaluationRound
from evaluation.selectors import evaluation_list
from org.models import Department, Office, Role
from org.services.departments import department_move
from tests import factories
from tests.evaluation.conftest import approved_on_time, make_project
from tests.plans import counted_scans
from workflows.services.closing import project_withdraw

pytestmark = pytest.mark.django_db

# The paginator's COUNT over the sheets table, as Django spells it.
SHEETS_COUNT = re.compile(
    r'SELECT COUNT\(\*\) AS "__count" FROM "evaluation_evaluation"'
)


def _round(office_user, year=2026, *, publish=True, quarter=0):
    round_ = services.round_create(year=year, quarter=quarter, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    if publish:
        services.round_review(round=round_, actor=office_user)
        services.round_publish(round=round_, actor=office_user)
    round_.refresh_from_db()
    return round_


def _projects(departments, year=2026):
    projects = []
    for department in departments:
        project = make_project(lead=department, year=year)
        approved_on_time(project, department)
        approved_on_time(project, department, "training", order=2)
        projects.append(project)
    return projects


def _walk(api, url) -> tuple[int, list[int]]:
    """The envelope's count and the ids of every page, following `next`."""
    body = api.get(url).json()
    count, ids = body["count"], [row["id"] for row in body["results"]]
    while body["next"]:
        body = api.get(body["next"]).json()
        assert body["count"] == count
        ids += [row["id"] for row in body["results"]]
    return count, ids


def _sheet_counts(api, url) -> tuple[int, int]:
    """(the response's count, how many COUNTs over the sheets table it ran),
    asked with pages of one row: a full first page, so the envelope counts (a
    short first page is its own count, config.api.Pagination)."""
    url += ("&" if "?" in url else "?") + "page_size=1"
    with CaptureQueriesContext(connection) as captured:
        body = api.get(url).json()
    return body["count"], sum(
        bool(SHEETS_COUNT.search(q["sql"])) for q in captured.captured_queries
    )


@pytest.fixture
def token_api(api, api_client_user):
    token = Token.objects.create(user=api_client_user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


@pytest.fixture
def departments(db):
    return [factories.DepartmentFactory() for _ in range(5)]


def test_publish_stores_the_count_the_list_shows(token_api, office_user, departments):
    # given five projects, one withdrawn before the round (no sheet)
    projects = _projects(departments)
    project_withdraw(project=projects[0], actor=office_user, reason="重复立项")

    # when
    round_ = _round(office_user)

    # then the stored count is the live one, and the API answers it without
    # counting the sheets
    live = Evaluation.objects.filter(round=round_).exclude(project__status="withdrawn")
    assert round_.published_sheets == live.count() == 4
    count, counts_run = _sheet_counts(token_api, "/api/v1/scores/?year=2026")
    assert (count, counts_run) == (4, 0)


def test_a_draft_round_stores_no_count(office_user, departments):
    # given / when
    _projects(departments)
    round_ = _round(office_user, publish=False)

    # then
    assert round_.published_sheets is None


def test_withdrawing_a_published_project_counts_its_rounds_again(
    token_api, office_user, departments
):
    # given a published round whose projects are still under way
    projects = _projects(departments)
    round_ = _round(office_user)
    before = token_api.get("/api/v1/scores/?year=2026")

    # when one of them is withdrawn
    project_withdraw(project=projects[1], actor=office_user, reason="上级撤销")

    # then its sheet leaves the list and the count, and the ETag moves
    round_.refresh_from_db()
    assert round_.published_sheets == 4
    count, ids = _walk(token_api, "/api/v1/scores/?year=2026&page_size=2")
    assert count == len(ids) == 4
    assert projects[1].pk not in Evaluation.objects.filter(pk__in=ids).values_list(
        "project_id", flat=True
    )
    again = token_api.get(
        "/api/v1/scores/?year=2026", HTTP_IF_NONE_MATCH=before["ETag"]
    )
    assert again.status_code == 200


def test_withdrawing_a_project_with_draft_sheets_only_moves_the_etag(
    api, office_user, departments
):
    # given a draft round (the office reads it in scores/) and its ETag
    projects = _projects(departments)
    _round(office_user, publish=False)
    api.force_authenticate(office_user)
    before = api.get("/api/v1/scores/?year=2026")
    assert before.json()["count"] == 5

    # when one project is withdrawn
    project_withdraw(project=projects[1], actor=office_user, reason="上级撤销")

    # then its sheet leaves the list, and the old ETag no longer matches
    again = api.get("/api/v1/scores/?year=2026", HTTP_IF_NONE_MATCH=before["ETag"])
    assert again.status_code == 200
    assert again.json()["count"] == 4


def test_a_department_moved_to_another_office_makes_the_count_live(
    api, office_user, departments
):
    # given a published round of the default office, and a second district
    _projects(departments)
    round_ = _round(office_user)
    office = Office.objects.create(code="xz", name="秀洲区委办", number_prefix="秀洲")
    qwb = factories.DepartmentFactory(
        code="xz-QWB", kind=Department.Kind.OFFICE, office=office
    )
    staff = factories.make_user(Role.OFFICE, qwb, username="office_xz")

    # when one department with a published sheet moves under the second office
    department_move(department=departments[0], parent=qwb)

    # then the round's count is dropped, and each office's list counts live
    round_.refresh_from_db()
    assert round_.published_sheets is None
    for user, expected in ((office_user, 4), (staff, 1)):
        api.force_authenticate(user)
        count, counts_run = _sheet_counts(api, "/api/v1/scores/?year=2026")
        assert (count, counts_run) == (expected, 1)
        assert _walk(api, "/api/v1/scores/?year=2026&page_size=3")[0] == expected


def test_a_department_filter_and_a_liaison_count_live(
    api, token_api, office_user, liaison, dept_a, departments
):
    # given
    _projects([dept_a, *departments])
    _round(office_user)

    # when
    filtered = _sheet_counts(token_api, f"/api/v1/scores/?department={dept_a.pk}")
    searched = _sheet_counts(token_api, "/api/v1/scores/?year=2026&q=组织部")
    api.force_authenticate(liaison)
    own = _sheet_counts(api, "/api/v1/scores/?year=2026")

    # then each counts the sheets table, and right
    assert filtered == (1, 1)
    assert searched == (1, 1)
    assert own == (1, 1)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "year=2026",
        "year=2025",
        "year=2026&quarter=1",
        "year=2026&status=published",
        "year=2026&status=draft",
        "status=draft",
        "quarter=1&status=published",
        "q=%20",
    ],
)
def test_the_envelope_count_is_the_rows_of_every_page(
    api_client_user, office_user, leader, departments, query
):
    # given a published year and a published first quarter of 2026, and a
    # 2025 round the office has not published (its staff see the draft)
    _projects(departments)
    _round(office_user)
    _round(office_user, quarter=1)
    _projects(departments[:2], year=2025)
    _round(office_user, year=2025, publish=False)
    url = f"/api/v1/scores/?page_size=3&{query}"

    # when / then: for every reader the count is the rows of the pages
    for user in (api_client_user, office_user, leader):
        client = APIClient()
        client.force_authenticate(user)
        count, ids = _walk(client, url)
        # the paginator cuts the rows at `count`: compare with the live list
        live = evaluation_list(user=user, filters=QueryDict(query)).count()
        assert count == len(ids) == len(set(ids)) == live, (user, query)


def test_the_office_counts_only_its_open_rounds_sheets(api, office_user, departments):
    # given a published round and an open (draft) correction-free round of a
    # quarter of the same year
    _projects(departments)
    _round(office_user)
    _round(office_user, quarter=2, publish=False)
    api.force_authenticate(office_user)

    # when (a full first page, so the envelope counts)
    with CaptureQueriesContext(connection) as captured:
        body = api.get("/api/v1/scores/?year=2026&page_size=1").json()

    # then the draft's sheets are counted, filtered to the open round
    counts = [
        q["sql"] for q in captured.captured_queries if SHEETS_COUNT.search(q["sql"])
    ]
    assert body["count"] == 10
    assert len(counts) == 1 and "round_id" in counts[0] and " IN (" in counts[0]


def test_a_city_reader_sums_its_districts_rounds(api, office_user, departments):
    # given a city office over the default district, whose round is published
    city = Office.objects.create(
        code="jxs", name="市委办", number_prefix="市", kind=Office.Kind.CITY
    )
    Office.objects.filter(pk=Office.default().pk).update(parent=city)
    reader = factories.make_user(
        Role.OFFICE,
        factories.DepartmentFactory(
            code="SWB", kind=Department.Kind.OFFICE, office=city
        ),
        username="city",
    )
    _projects(departments)
    _round(office_user)
    api.force_authenticate(reader)

    # when
    count, counts_run = _sheet_counts(api, "/api/v1/scores/?year=2026")

    # then
    assert (count, counts_run) == (5, 0)
    assert _walk(api, "/api/v1/scores/?year=2026&page_size=2")[0] == 5


def test_a_published_round_without_a_count_makes_the_count_live(
    token_api, office_user, departments
):
    # given a round published around the services (as seed_scale writes them)
    _projects(departments)
    round_ = _round(office_user)
    EvaluationRound.objects.filter(pk=round_.pk).update(published_sheets=None)

    # when / then
    assert _sheet_counts(token_api, "/api/v1/scores/?year=2026") == (5, 1)

    # and once counted (seed_finish), the stored count answers
    assert services.rounds.round_sheets_count_missing() == 1
    assert _sheet_counts(token_api, "/api/v1/scores/?year=2026") == (5, 0)


@pytest.mark.postgres
def test_the_stored_path_aggregates_no_sheets_on_postgresql(
    token_api, office_user, departments
):
    # given a published round (stored count) and a live filter for contrast
    _projects(departments)
    _round(office_user)

    def plans(url) -> int:
        return counted_scans(token_api, url, "evaluation_evaluation")

    # when / then: the stored path's plans count no sheets; a department
    # filter's do (the test sees a COUNT when there is one). Pages of one row:
    # a short first page would be its own count.
    assert plans("/api/v1/scores/?year=2026&page_size=1") == 0
    department = departments[0].pk
    assert plans(f"/api/v1/scores/?year=2026&department={department}&page_size=1") >= 1
