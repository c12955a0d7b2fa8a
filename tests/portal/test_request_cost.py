"""The fixed cost of a request: the user comes with its membership in one
query (session or token), the navigation's badges are counted once and only
when a page shows them, and a short first page of an API list is not counted
again."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from evaluation.models import CreditRecord, EvaluationRound, RankingEntry
from notices.models import Notice
from org.models import Department
from portal.context_processors import navigation
from tests import factories

pytestmark = pytest.mark.django_db


def _queries(client, url, **headers) -> tuple[list[str], object]:
    client.get(url, **headers)  # per-process reads (calendar, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    return [q["sql"] for q in captured.captured_queries], response


def _from(sqls: list[str], table: str) -> list[str]:
    """The queries whose first FROM is `table`."""
    return [
        sql
        for sql in sqls
        if sql.split(" FROM ", 1)[-1].lstrip().startswith(f'"{table}"')
    ]


def _round(office_dept) -> EvaluationRound:
    return factories.EvaluationRoundFactory(
        office=office_dept.office,
        year=2026,
        status=EvaluationRound.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def _credit(round_, departments) -> None:
    for department in departments:
        CreditRecord.objects.create(
            department=department,
            year=2026,
            score=Decimal(90),
            grade="A",
            source_round=round_,
        )


def test_session_user_comes_with_its_membership_in_one_query(
    client, office_user, office_dept, django_assert_num_queries
):
    # given an office user logged in, and a published round's stored ranking
    round_ = _round(office_dept)
    RankingEntry.objects.create(
        round=round_,
        department=factories.DepartmentFactory(name="区财政局"),
        kind=Department.Kind.DISTRICT,
        rank=1,
        total=Decimal(90),
        execution=Decimal(90),
        points=Decimal(90),
        max_points=Decimal(100),
    )
    client.force_login(office_user)
    client.get("/api/v1/rankings/?year=2026")

    # when rankings/ is read: then the session, the user with its membership,
    # the ETag's state and the stored entries (no round of its own)
    with django_assert_num_queries(4):
        response = client.get("/api/v1/rankings/?year=2026")
    assert response.status_code == 200
    assert [r["department_name"] for r in response.json()["results"]] == ["区财政局"]
    sqls, _ = _queries(client, "/api/v1/rankings/?year=2026")
    assert not _from(sqls, "responsibilities_membership")
    (user_query,) = _from(sqls, "auth_user")
    assert "responsibilities_membership" in user_query


def test_token_user_comes_with_its_membership_in_one_query(
    api, api_client_user, office_dept
):
    # given a machine client's token
    _credit(_round(office_dept), [factories.DepartmentFactory(name="区财政局")])
    token = Token.objects.create(user=api_client_user)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}

    # when credit-records/ is read
    sqls, response = _queries(api, "/api/v1/credit-records/", **headers)

    # then one query reads the token, its user and the membership
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert not _from(sqls, "responsibilities_membership")
    assert not _from(sqls, "auth_user")
    (token_query,) = _from(sqls, "authtoken_token")
    assert "responsibilities_membership" in token_query
    assert not [sql for sql in sqls if "COUNT(*)" in sql]  # a short page


def test_token_of_an_inactive_user_is_refused(api, api_client_user):
    # given a token whose user was deactivated
    token = Token.objects.create(user=api_client_user)
    api_client_user.is_active = False
    api_client_user.save(update_fields=["is_active"])

    # when / then
    response = api.get(
        "/api/v1/credit-records/", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 401


def test_inactive_session_user_is_logged_out(client, office_user):
    # given a logged-in user deactivated since
    client.force_login(office_user)
    office_user.is_active = False
    office_user.save(update_fields=["is_active"])

    # when / then: refused as anyone without a session
    assert client.get("/api/v1/credit-records/").status_code == 401
    assert client.get("/").status_code == 302


def test_api_short_first_page_is_not_counted_again(
    client, office_user, office_dept, settings
):
    # given three credit records
    round_ = _round(office_dept)
    _credit(round_, [factories.DepartmentFactory() for _ in range(3)])
    client.force_login(office_user)

    # when the first page is read
    sqls, response = _queries(client, "/api/v1/credit-records/")

    # then the page's length is its count: no COUNT query
    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 3
    assert not [sql for sql in sqls if "COUNT(*)" in sql and "creditrecord" in sql]


@pytest.mark.parametrize("records", [2, 3, 4])
def test_api_full_first_page_is_counted(client, office_user, office_dept, records):
    # given two, three or four records and pages of two
    round_ = _round(office_dept)
    _credit(round_, [factories.DepartmentFactory() for _ in range(records)])
    client.force_login(office_user)

    # when the first and the last page are read
    sqls, first = _queries(client, "/api/v1/credit-records/?page_size=2")
    last = client.get(f"/api/v1/credit-records/?page_size=2&page={(records + 1) // 2}")

    # then the count is exact, the page read once, and the pages add up
    assert first.json()["count"] == records
    assert len(first.json()["results"]) == 2
    assert (first.json()["next"] is not None) == (records > 2)
    pages = [sql for sql in sqls if sql.startswith('SELECT "evaluation_creditrecord"')]
    assert len(pages) == 1
    assert (
        len(first.json()["results"])
        + (len(last.json()["results"]) if records > 2 else 0)
        == records
    )


def _unconfirmed(department, n: int) -> None:
    for _ in range(n):
        factories.NoticeFactory(department=department, status=Notice.Status.SENT)


def _badge_counts(sqls: list[str]) -> list[str]:
    """COUNTs of a department's unsigned notices (the 三单一表 badge)."""
    return [
        sql for sql in sqls if "COUNT(" in sql and '"notices_notice"."status" IN' in sql
    ]


@pytest.mark.parametrize("url", ["/", "/notices/", "/inbox/"])
def test_liaison_pages_count_the_unsigned_notices_once(client, liaison, dept_a, url):
    # given three unsigned notices and a bare receipt
    _unconfirmed(dept_a, 3)
    factories.ReceiptFactory(
        project=factories.ExecutionProjectFactory(lead_department=dept_a),
        department=dept_a,
    )
    client.force_login(liaison)

    # when
    sqls, response = _queries(client, url)

    # then at most one query counts them (the inbox lists them: none), and
    # the badges say 3 notices and 4 items to sign
    assert response.status_code == 200
    assert len(_badge_counts(sqls)) <= 1
    badges = re.findall(
        r'bg-light text-danger">(\d+)</span>', response.content.decode()
    )
    assert sorted(badges) == ["3", "4"]


def test_liaison_badges_are_not_counted_for_a_page_without_the_menu(liaison):
    # given a request of a liaison and a template that shows no menu
    request = RequestFactory().get("/")
    request.user = liaison
    request.path = "/"

    # when it is rendered with the navigation context
    with CaptureQueriesContext(connection) as captured:
        html = Template("{{ user_role }}").render(
            RequestContext(request, {}, processors=[navigation])
        )

    # then no badge is counted
    assert html == "liaison"
    assert not _badge_counts([q["sql"] for q in captured.captured_queries])


def test_outsider_liaison_sees_none_of_another_departments_badges(
    client, outsider, dept_a
):
    # given unsigned notices of department A
    _unconfirmed(dept_a, 2)

    # when B's liaison reads their home page
    client.force_login(outsider)
    page = client.get("/").content.decode()

    # then A's notices are not counted for them (no badge)
    assert 'bg-light text-danger">' not in page
