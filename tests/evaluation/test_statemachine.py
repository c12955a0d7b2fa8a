"""Rounds and problems on config.statemachine: the refusals stay the same, a
stale copy is refused, and the round page's buttons come from the machine."""

import datetime

import pytest

from config.errors import InvalidTransition
from evaluation import services
from evaluation.models import EvaluationRound, Problem, RoundEvent, SupervisionEvent
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


@pytest.fixture
def problem(office_user, dept_a):
    inspection = services.inspection_record(
        actor=office_user,
        kind="open",
        inspected_on=datetime.date(2026, 5, 12),
        inspectors="张三",
        department=dept_a,
    )
    return services.problem_record(
        actor=office_user, inspection=inspection, description="未按时备案"
    )


def test_problem_moves_write_events_and_keep_rectified_at(office_user, problem):
    # when rectified, then reopened
    services.problem_set_status(actor=office_user, problem=problem, to="rectified")
    assert Problem.objects.get(pk=problem.pk).rectified_at is not None
    services.problem_set_status(
        actor=office_user, problem=problem, to="rectifying", reason="复查未改到位"
    )

    # then
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.status == "rectifying" and stored.rectified_at is None
    assert list(
        SupervisionEvent.objects.filter(problem=problem)
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    ) == [
        ("record", "", "open"),
        ("set_rectified", "open", "rectified"),
        ("set_rectifying", "rectified", "rectifying"),
    ]


def test_problem_never_goes_back_to_open(office_user, problem):
    services.problem_set_status(actor=office_user, problem=problem, to="rectifying")
    with pytest.raises(InvalidTransition) as caught:
        services.problem_set_status(actor=office_user, problem=problem, to="open")
    assert caught.value.message == "问题当前为“整改中”，不能变为“待整改”。"


def test_problem_stale_copy_is_refused(office_user, problem):
    # given a copy read before the problem was rectified
    stale = Problem.objects.get(pk=problem.pk)
    services.problem_set_status(actor=office_user, problem=problem, to="rectified")

    # when / then
    with pytest.raises(InvalidTransition, match="问题状态已被他人修改"):
        services.problem_set_status(actor=office_user, problem=stale, to="rectifying")
    assert Problem.objects.get(pk=problem.pk).status == "rectified"


def _status_options(client, problem):
    html = client.get(
        f"/evaluation/inspections/{problem.inspection_id}/"
    ).content.decode()
    select = html.split('name="status"', 1)[1].split("</select>", 1)[0]
    return [part.split('"', 1)[0] for part in select.split('<option value="')[1:]]


def test_inspection_page_offers_the_statuses_the_machine_allows(
    client, office_user, problem
):
    client.force_login(office_user)
    # given an open problem: it stays, or goes to 整改中 or 已整改
    assert _status_options(client, problem) == ["open", "rectifying", "rectified"]
    # when rectified: only back to 整改中 (a problem never reopens as 待整改)
    services.problem_set_status(actor=office_user, problem=problem, to="rectified")
    assert _status_options(client, problem) == ["rectified", "rectifying"]
