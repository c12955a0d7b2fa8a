"""Pages reading a published round's stored ranking read only the rows they show."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluation.models import EvaluationRound, RankingEntry
from evaluation.views import rounds as round_views
from org.models import Department
from tests import factories

pytestmark = pytest.mark.django_db

# 区级部门 scores: ties share a rank (1, 1, 3, 3, 3, 6, 7, ...).
DISTRICT_TOTALS = [90, 90, 80, 80, 80, 70, 60] + [50 - i for i in range(23)]
TOWN_TOTALS = [88, 77, 66]


def _ranks(totals):
    ranks, previous = [], None
    for position, total in enumerate(totals, start=1):
        if total != previous:
            rank, previous = position, total
        ranks.append(rank)
    return ranks


@pytest.fixture
def stored_round(office_user):
    """A published round with its ranking stored: 30 区级部门 and 3 镇街,
    named so that their order by name is their order by score among ties."""
    round_ = factories.EvaluationRoundFactory(
        status=EvaluationRound.Status.PUBLISHED, published_at=timezone.now()
    )
    entries = []
    for kind, totals in (
        (Department.Kind.DISTRICT, DISTRICT_TOTALS),
        (Department.Kind.TOWN, TOWN_TOTALS),
    ):
        for i, (total, rank) in enumerate(zip(totals, _ranks(totals), strict=True)):
            department = factories.DepartmentFactory(
                kind=kind, name=f"{'部门' if kind == 'district' else '镇街'}{i:02d}"
            )
            entries.append(
                RankingEntry(
                    round=round_,
                    department=department,
                    kind=kind,
                    rank=rank,
                    total=Decimal(total),
                    execution=Decimal(total),
                    points=Decimal(total),
                    max_points=Decimal(100),
                    grade="A",
                )
            )
    # stored in reverse, so the page's order comes from its ORDER BY
    RankingEntry.objects.bulk_create(entries[::-1])
    return round_


def _ranking_rows(html: str) -> list[tuple[str, str]]:
    """(rank, department) of each ranking table row on the page."""
    return re.findall(
        r"<td>(?:<span class=\"badge bg-danger\">)?(\d+)(?:</span>)?</td>\s*"
        r"<td class=\"ranking-unit\"><a [^>]*>([^<]+)</a>",
        html,
    )


def _count_loaded(monkeypatch) -> list[int]:
    """Counts the RankingEntry rows read from the database."""
    loaded = [0]
    original = RankingEntry.from_db.__func__

    def from_db(cls, *args, **kwargs):
        loaded[0] += 1
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(RankingEntry, "from_db", classmethod(from_db))
    return loaded


def test_bulletin_first_page_reads_only_its_entries(
    client, office_user, stored_round, monkeypatch
):
    # given a page of 4 rankings, and 33 stored
    monkeypatch.setattr(round_views, "RANKING_PAGE", 4)
    loaded = _count_loaded(monkeypatch)
    client.force_login(office_user)

    # when
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/evaluation/rounds/{stored_round.pk}/bulletin/")

    # then the page shows the first four, ranks shared by ties
    html = response.content.decode()
    assert _ranking_rows(html) == [
        ("1", "部门00"),
        ("1", "部门01"),
        ("3", "部门02"),
        ("3", "部门03"),
    ]
    # and the best and worst of each kind are named from the two ends
    assert "部门00（90.00分）、部门01（90.00分）" in html
    assert "部门29（28.00分）" in html and "镇街02（66.00分）" in html
    # and only the page (with LIMIT) and the ends are read: 4 + 2 + 1 + 1 + 1
    assert loaded[0] == 9
    page_sql = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "evaluation_rankingentry"' in q["sql"] and "LIMIT 4" in q["sql"]
    ]
    assert len(page_sql) == 1


def test_bulletin_second_page_continues_the_ranks(
    client, office_user, stored_round, monkeypatch
):
    # given
    monkeypatch.setattr(round_views, "RANKING_PAGE", 4)
    client.force_login(office_user)
    url = f"/evaluation/rounds/{stored_round.pk}/bulletin/"

    # when
    second = client.get(url, {"rpage": 2}).content.decode()
    last = client.get(url, {"rpage": 8}).content.decode()

    # then the ranks go on from the first page (the tie of three shares 3)
    assert _ranking_rows(second) == [
        ("3", "部门04"),
        ("6", "部门05"),
        ("7", "部门06"),
        ("8", "部门07"),
    ]
    assert "rpage=1" in second and "rpage=3" in second
    # and a page across kinds ends the 区级部门 and starts the 镇街 at 1
    assert _ranking_rows(last) == [
        ("29", "部门28"),
        ("30", "部门29"),
        ("1", "镇街00"),
        ("2", "镇街01"),
    ]
    assert '<h3 class="h6">区级部门</h3>' in last
    assert '<h3 class="h6">镇街</h3>' in last


def test_bulletin_query_count_does_not_grow_with_the_ranking(
    client, office_user, stored_round, monkeypatch
):
    # given
    client.force_login(office_user)
    url = f"/evaluation/rounds/{stored_round.pk}/bulletin/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # when the round ranks 20 more 区级部门
    for i in range(20):
        RankingEntry.objects.create(
            round=stored_round,
            department=factories.DepartmentFactory(name=f"新增{i:02d}"),
            kind=Department.Kind.DISTRICT,
            rank=31 + i,
            total=Decimal(10),
            execution=Decimal(10),
            points=Decimal(10),
            max_points=Decimal(100),
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    # then
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_dashboard_shows_each_kinds_first_five_reading_only_them(
    client, office_user, stored_round, monkeypatch
):
    # given the stored round of 30 区级部门 and 3 镇街
    loaded = _count_loaded(monkeypatch)
    client.force_login(office_user)

    # when
    html = client.get("/evaluation/", {"year": stored_round.year}).content.decode()

    # then the first five of each kind, ties sharing a rank, read alone
    assert _ranking_rows(html) == [
        ("1", "部门00"),
        ("1", "部门01"),
        ("3", "部门02"),
        ("3", "部门03"),
        ("3", "部门04"),
        ("1", "镇街00"),
        ("2", "镇街01"),
        ("3", "镇街02"),
    ]
    assert loaded[0] == 8
