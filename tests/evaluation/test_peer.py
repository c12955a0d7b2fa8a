from decimal import Decimal

import pytest

from config.errors import DomainError, NotAllowed
from evaluation import selectors, services
from evaluation.models import CreditRecord, PeerRating
from org.models import Role
from tests import factories
from tests.evaluation.conftest import approved_on_time, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer_round(office_user, dept_a, dept_b, town):
    """dept_a and dept_b (district) 10/12 each; a 30% peer component."""
    for department in (dept_a, dept_b, town):
        approved_on_time(make_project(lead=department), department)
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    services.round_set_peer_weight(round=round_, weight="0.3", actor=office_user)
    return round_


@pytest.fixture
def town_liaison(town):
    return factories.make_user(Role.LIAISON, town, username="liaison_town")


def test_peer_rating_blends_into_rankings_and_credit(
    office_user, peer_round, town_liaison, town, dept_a, dept_b
):
    # given the town rates dept_a 60 and dept_b 100
    services.peer_rate(
        round=peer_round, rater=town, rated=dept_a, score="60", actor=town_liaison
    )
    services.peer_rate(
        round=peer_round, rater=town, rated=dept_b, score="100", actor=town_liaison
    )

    # when
    services.round_review(round=peer_round, actor=office_user)
    services.round_publish(round=peer_round, actor=office_user)

    # then execution 100 x 10/12 = 83.33 for both;
    # dept_a: 0.7 x 83.33 + 0.3 x 60  = 58.331 + 18 = 76.33
    # dept_b: 0.7 x 83.33 + 0.3 x 100 = 58.331 + 30 = 88.33
    credit = {c.department_id: c.score for c in CreditRecord.objects.all()}
    assert credit[dept_a.pk] == Decimal("76.33")
    assert credit[dept_b.pk] == Decimal("88.33")
    assert credit[town.pk] == Decimal("83.33")  # nobody rated the town
    district = selectors.rankings(year=2026, kind="district")
    assert [(r["department_id"], r["rank"]) for r in district] == [
        (dept_b.pk, 1),
        (dept_a.pk, 2),
    ]


def test_peer_rating_rules(peer_round, town_liaison, liaison, town, dept_a, dept_b):
    # a district department does not rate another district department
    with pytest.raises(DomainError, match="镇街"):
        services.peer_rate(
            round=peer_round, rater=dept_a, rated=dept_b, score=80, actor=liaison
        )
    # nobody rates in another department's name
    with pytest.raises(NotAllowed):
        services.peer_rate(
            round=peer_round, rater=town, rated=dept_a, score=80, actor=liaison
        )
    # scores are 0..100
    with pytest.raises(DomainError, match="0 到 100"):
        services.peer_rate(
            round=peer_round, rater=town, rated=dept_a, score=101, actor=town_liaison
        )
    # rating again replaces the earlier score
    services.peer_rate(
        round=peer_round, rater=town, rated=dept_a, score=70, actor=town_liaison
    )
    services.peer_rate(
        round=peer_round, rater=town, rated=dept_a, score=75, actor=town_liaison
    )
    assert list(PeerRating.objects.values_list("score", flat=True)) == [
        Decimal("75.00")
    ]


def test_peer_page_lets_a_town_rate_district_departments(
    client, peer_round, town_liaison, dept_a
):
    # given
    client.force_login(town_liaison)
    assert dept_a.name in client.get("/evaluation/peer/").content.decode()

    # when
    client.post(
        "/evaluation/peer/",
        {"round": peer_round.pk, "rated": dept_a.pk, "score": "88"},
    )

    # then
    assert PeerRating.objects.get().score == Decimal("88.00")


def test_peer_sheet_lists_the_other_kind_with_given_ratings(
    peer_round, town_liaison, office_user, town, dept_a, dept_b
):
    # given the town rated dept_a
    services.peer_rate(
        round=peer_round, rater=town, rated=dept_a, score="66", actor=town_liaison
    )
    # when
    sheet = selectors.peer_sheet(user=town_liaison)
    # then: the town rates the district departments, dept_a's rating shown
    assert sheet["department"] == town
    [section] = sheet["sections"]
    assert section["round"] == peer_round
    rows = {row["department"]: row["rating"] for row in section["rows"]}
    assert set(rows) == {dept_a, dept_b}
    assert rows[dept_a].score == Decimal("66.00") and rows[dept_b] is None
    # and office staff see the round but rate nobody
    [office_section] = selectors.peer_sheet(user=office_user)["sections"]
    assert office_section["rows"] == []


@pytest.mark.parametrize(
    "bad", [{"round": "abc"}, {"rated": "1e23"}, {"round": "²"}, {"score": ""}]
)
def test_peer_page_bad_input_saves_nothing(
    client, peer_round, town_liaison, dept_a, bad
):
    # given
    client.force_login(town_liaison)
    data = {"round": peer_round.pk, "rated": dept_a.pk, "score": "88", **bad}
    # when
    response = client.post("/evaluation/peer/", data, follow=True)
    # then: a message, no rating, never a 500
    assert response.status_code == 200
    assert "评分未保存" in response.content.decode()
    assert not PeerRating.objects.exists()


def test_peer_page_refused_rule_is_a_message(client, peer_round, liaison, dept_b):
    # given a district liaison rating another district department
    client.force_login(liaison)
    # when
    response = client.post(
        "/evaluation/peer/",
        {"round": peer_round.pk, "rated": dept_b.pk, "score": "88"},
        follow=True,
    )
    # then
    assert "镇街评价为其服务的区级部门" in response.content.decode()
    assert not PeerRating.objects.exists()
