"""Rounds on config.statemachine (problems: tests/supervision): the refusals
stay the same, a stale copy is refused, and the round page's buttons come from
the machine."""

import pytest

from config.errors import InvalidTransition
from evaluation import services
from evaluation.models import EvaluationRound, RoundEvent
from tests.evaluation.conftest import approved_on_time, make_project

pytestmark = pytest.mark.django_db
R = EvaluationRound.Status


@pytest.fixture
def draft(office_user, dept_a):
    approved_on_time(make_project(lead=dept_a), dept_a)
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    return round_


def _buttons(client, round_):
    html = client.get(f"/evaluation/rounds/{round_.pk}/").content.decode()
    return {
        action
        for action in ("review", "publish", "reopen")
        if f"/evaluation/rounds/{round_.pk}/{action}/" in html
    }


def test_round_page_offers_what_the_machine_allows(client, office_user, draft):
    client.force_login(office_user)
    # given a draft: review only
    assert _buttons(client, draft) == {"review"}
    # when reviewed: publish or back to draft
    services.round_review(round=draft, actor=office_user)
    assert _buttons(client, draft) == {"publish", "reopen"}
    # when published: nothing more
    services.round_publish(round=draft, actor=office_user)
    assert _buttons(client, draft) == set()


def test_round_publish_of_a_draft_keeps_the_chinese_refusal(office_user, draft):
    with pytest.raises(InvalidTransition) as caught:
        services.round_publish(round=draft, actor=office_user)
    assert caught.value.message == "评价轮次当前状态为“草稿”，不能变为“已发布”。"
    assert EvaluationRound.objects.get(pk=draft.pk).status == R.DRAFT
    assert not RoundEvent.objects.filter(round=draft, action="publish").exists()


def test_round_review_judges_the_stored_status_not_the_copy(office_user, draft):
    # given a copy read before the round was reviewed
    stale = EvaluationRound.objects.get(pk=draft.pk)
    services.round_review(round=draft, actor=office_user)

    # when / then reviewing the copy again is refused from the stored status
    with pytest.raises(InvalidTransition, match="“已复核”，不能变为“已复核”"):
        services.round_review(round=stale, actor=office_user)
    assert RoundEvent.objects.filter(round=draft, action="review").count() == 1
