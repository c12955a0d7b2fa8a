"""The office's review: evidence first, 下一条 after a decision, batch approve."""

import pytest
from django.contrib.messages import get_messages

from tests.factories import RegulationFactory
from workflows import services
from workflows.models import Event, Step

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(launch, liaison, outsider, dept_a, dept_b):
    """Three submitted 培训 steps (projects led by dept_a, dept_b, dept_a), in
    the order they were submitted."""
    projects = [
        launch(partner_departments=[]),
        launch(
            regulation=RegulationFactory(),
            lead_department=dept_b,
            partner_departments=[],
        ),
        launch(regulation=RegulationFactory(), partner_departments=[]),
    ]
    steps = [
        Step.objects.get(project=p, department=p.lead_department, code="training")
        for p in projects
    ]
    for step in steps:
        actor = liaison if step.department_id == dept_a.pk else outsider
        services.step_submit(step=step, actor=actor, text=f"说明{step.pk}")
    return steps


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_step_page_shows_evidence_before_the_decision(client, office_user, submitted):
    # given a submitted step
    step = submitted[0]
    client.force_login(office_user)
    # when the office opens it
    page = client.get(f"/workflows/steps/{step.pk}/").content.decode()
    # then the 工作说明 comes first, the decision form after it
    assert page.index(f"说明{step.pk}") < page.index("评定等次")
    assert page.index("佐证材料") < page.index("审核通过")


def test_review_next_follows_the_queue_order(client, office_user, submitted):
    # given three steps waiting; the office approves the first
    first, second, third = submitted
    client.force_login(office_user)
    response = client.post(f"/workflows/steps/{first.pk}/approve/")
    assert response.url == f"/workflows/steps/{first.pk}/?decided=1"
    page = client.get(response.url).content.decode()
    assert "下一条" in page
    # when 下一条
    response = client.get(f"/workflows/review/next/{first.pk}/")
    # then the second in the 待审核 order, then the third
    assert response.url == f"/workflows/steps/{second.pk}/"
    client.post(f"/workflows/steps/{second.pk}/return/", {"reason": "请补充"})
    assert (
        client.get(f"/workflows/review/next/{second.pk}/").url
        == f"/workflows/steps/{third.pk}/"
    )
    # and after the last one, back to the (now empty) queue
    services.step_approve(step=third, actor=office_user)
    response = client.get(f"/workflows/review/next/{third.pk}/")
    assert response.url == "/workflows/review/"
    assert "待审核的材料已全部处理。" in _messages(response)


def test_review_next_wraps_to_a_skipped_step(client, office_user, submitted):
    # given the office skipped the first and approved the last
    first, second, third = submitted
    services.step_approve(step=second, actor=office_user)
    services.step_approve(step=third, actor=office_user)
    client.force_login(office_user)
    # when 下一条 after the last
    response = client.get(f"/workflows/review/next/{third.pk}/")
    # then the skipped first one, still waiting
    assert response.url == f"/workflows/steps/{first.pk}/"


def test_review_batch_approve_writes_one_event_each(client, office_user, submitted):
    # given the queue lists the steps with checkboxes
    client.force_login(office_user)
    page = client.get("/workflows/review/").content.decode()
    assert "批量通过" in page and 'name="steps"' in page
    chosen = submitted[:2]
    # when two are approved at once with the default rating (and junk ids)
    response = client.post(
        "/workflows/review/approve/",
        {"steps": [s.pk for s in chosen] + ["²", "1e40", "99999999999999999999"]},
    )
    # then both are approved 合格, each with its own approve event
    assert response.url == "/workflows/review/"
    assert "已审核通过2条。" in _messages(response)
    for step in chosen:
        step.refresh_from_db()
        assert step.status == Step.Status.APPROVED
        assert step.rating == Step.Rating.PASS
        assert Event.objects.filter(step=step, action="approve").count() == 1
    # and the third is untouched
    submitted[2].refresh_from_db()
    assert submitted[2].status == Step.Status.SUBMITTED


def test_review_batch_approve_skips_a_step_no_longer_waiting(
    client, office_user, submitted
):
    # given one of the chosen steps was returned meanwhile
    returned, waiting = submitted[0], submitted[1]
    services.step_return(step=returned, actor=office_user, reason="请补充签到表")
    client.force_login(office_user)
    # when both are batch approved
    response = client.post(
        "/workflows/review/approve/", {"steps": [returned.pk, waiting.pk]}
    )
    # then the waiting one is approved, the returned one skipped, said in Chinese
    returned.refresh_from_db()
    waiting.refresh_from_db()
    assert waiting.status == Step.Status.APPROVED
    assert returned.status == Step.Status.RETURNED
    assert not Event.objects.filter(step=returned, action="approve").exists()
    texts = _messages(response)
    assert "已审核通过1条。" in texts
    assert any("已退回" in t and "未处理" in t for t in texts)


def test_review_batch_approve_refuses_a_liaison(client, liaison, outsider, submitted):
    # given a liaison (of the step's own department) and an outsider
    for user in (liaison, outsider):
        client.force_login(user)
        # when they post a batch approve
        response = client.post(
            "/workflows/review/approve/", {"steps": [s.pk for s in submitted]}
        )
        # then refused, nothing approved
        assert response.status_code == 403
    assert not Step.objects.filter(status=Step.Status.APPROVED, code="training")


def test_step_approve_batch_service_refuses_a_non_office_user(liaison, submitted):
    from config.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.step_approve_batch(steps=submitted, actor=liaison)
    assert not Event.objects.filter(action="approve").exists()


def test_review_next_after_an_unknown_step_opens_the_first(
    client, office_user, submitted
):
    client.force_login(office_user)
    for pk in (999999, 10**25):
        response = client.get(f"/workflows/review/next/{pk}/")
        assert response.url == f"/workflows/steps/{submitted[0].pk}/"
