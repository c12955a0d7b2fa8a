"""The home page's ranking ends and the city comparison read a fixed number of
queries of the stored rankings, whatever the number of ranked departments."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluation.models import EvaluationRound, RankingEntry
from org.models import Department, Office
from supervision.services.tallies import office_rates_refresh_all
from tests import factories

pytestmark = pytest.mark.django_db


def _round(office) -> EvaluationRound:
    return factories.EvaluationRoundFactory(
        office=office,
        year=2026,
        status=EvaluationRound.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def _rank(round_, prefix: str, totals: list[int], kind=Department.Kind.DISTRICT):
    """Stored entries of `round_`, one new department per total (distinct
    totals, ranked from the highest), named prefix00, prefix01, ..."""
    start = RankingEntry.objects.filter(round=round_, kind=kind).count()
    for i, total in enumerate(totals):
        department = factories.DepartmentFactory(
            kind=kind, name=f"{prefix}{start + i:02d}", office=round_.office
        )
        RankingEntry.objects.create(
            round=round_,
            department=department,
            kind=kind,
            rank=start + i + 1,
            total=Decimal(total),
            execution=Decimal(total),
            points=Decimal(total),
            max_points=Decimal(100),
        )


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_home_leader_ranking_ends_take_fixed_queries(client, leader):
    # given a published round ranking five 区级部门 and four 镇街
    round_ = _round(Office.default())
    _rank(round_, "部门", [90, 80, 70, 60, 50])
    _rank(round_, "镇街", [88, 77, 66, 55], kind=Department.Kind.TOWN)
    client.force_login(leader)
    client.get("/")  # the session's first request
    few, _ = _count(client, "/")

    # when twenty more 区级部门 are ranked
    _rank(round_, "部门", [40 - i for i in range(20)])
    many, page = _count(client, "/")

    # then the same queries, and the ends of each kind
    assert many == few
    top = re.findall(r'data-rank="top">(\d+)\. ([^<]+) <', page)
    bottom = re.findall(r'data-rank="bottom">(\d+)\. ([^<]+) <', page)
    assert top == [
        ("1", "部门00"),
        ("2", "部门01"),
        ("3", "部门02"),
        ("1", "镇街00"),
        ("2", "镇街01"),
        ("3", "镇街02"),
    ]
    assert bottom == [("23", "部门22"), ("24", "部门23"), ("25", "部门24")] + [
        ("4", "镇街03")
    ]


def test_city_comparison_takes_fixed_queries_and_names_each_districts_ends(
    client, nanhu, city_user, xiuzhou
):
    # given both districts' published rounds, four departments each
    nanhu_round, xz_round = _round(Office.default()), _round(xiuzhou)
    _rank(nanhu_round, "南湖", [90, 80, 70, 60])
    _rank(xz_round, "秀洲", [95, 85, 75, 65])
    client.force_login(city_user)
    client.get("/offices/?year=2026")
    few, _ = _count(client, "/offices/?year=2026")

    # when each ranks twenty more, and a town outscores them all in 秀洲,
    # and a third district publishes its round
    third = Office.objects.create(
        code="haiyan",
        name="海盐县委办",
        parent=city_user.membership.department.office,
        number_prefix="海盐执规",
        sort_order=3,
    )
    _rank(_round(third), "海盐", [70, 60])
    _rank(nanhu_round, "南湖", [50 - i for i in range(20)])
    _rank(xz_round, "秀洲", [55 - i for i in range(20)])
    _rank(xz_round, "秀洲镇", [99], kind=Department.Kind.TOWN)
    many, page = _count(client, "/offices/?year=2026")

    # then the same queries
    assert many == few
    assert "海盐00" in page
    # and each district's best three and worst three across kinds, worst first
    rows = dict(
        re.findall(r'<tr data-office="(\w+)">(.*?)</tr>', page, flags=re.DOTALL)
    )

    def names(html):
        return re.findall(r'<div class="small">(\S+) <span', html)

    assert names(rows["nanhu"]) == ["南湖00", "南湖01", "南湖02"] + [
        "南湖23",
        "南湖22",
        "南湖21",
    ]
    assert names(rows["xiuzhou"]) == ["秀洲镇00", "秀洲00", "秀洲01"] + [
        "秀洲23",
        "秀洲22",
        "秀洲21",
    ]


def test_city_comparison_reads_ranking_ends_as_values(client, nanhu, city_user):
    # given a published round ranking twelve departments, and the stored
    # on-time figures (the daily refresh's)
    _rank(_round(Office.default()), "南湖", [90 - i for i in range(12)])
    office_rates_refresh_all(today=datetime.date(2026, 12, 1))
    Department.objects.filter(name="南湖00").update(name="南湖00<i>&")
    client.force_login(city_user)
    client.get("/offices/?year=2026")
    made = []

    def count(sender, instance, **kwargs):
        if sender is RankingEntry or instance.name.startswith("南湖"):
            made.append(instance)

    # when the comparison is read
    post_init.connect(count, sender=RankingEntry)
    post_init.connect(count, sender=Department)
    try:
        _, page = _count(client, "/offices/?year=2026")
    finally:
        post_init.disconnect(count, sender=RankingEntry)
        post_init.disconnect(count, sender=Department)

    # then its six ends are listed without one entry or department instance
    # (150 districts' ends as models cost more than their query)
    assert len(re.findall(r'<div class="small">南湖\d+\S* <span', page)) == 6
    assert made == []
    assert "南湖00&lt;i&gt;&amp; <span" in page and "<i>" not in page
