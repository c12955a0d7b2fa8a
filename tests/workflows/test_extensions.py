"""延期申请: a liaison asks, the office grants (dates move) or refuses."""

import datetime

import pytest

from config.errors import InvalidTransition, NotAllowed
from workflows import calendar, services
from workflows.models import Event, ExtensionRequest, Step

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_a(launch):
    """A project of dept_a alone: dept_b's liaison is an outsider to it."""
    return launch(partner_departments=[])


def _open_step(project, dept):
    return Step.objects.get(project=project, department=dept, code="training")


def _later(step):
    return list(
        Step.objects.filter(
            project_id=step.project_id,
            department_id=step.department_id,
            order__gt=step.order,
        ).order_by("order")
    )


def test_extension_grant_moves_the_step_and_later_dates(
    project_a, dept_a, liaison, office_user
):
    # given an open step, its later steps, and a request for 5 more working days
    step = _open_step(project_a, dept_a)
    later_before = [(s.pk, s.starts_on, s.due_on) for s in _later(step)]
    assert later_before
    until = calendar.add_working_days(step.due_on, 5)
    request = services.extension_ask(
        step=step, actor=liaison, reason="需等待上级批复", until=until
    )

    # when the office grants it
    services.extension_grant(request=request, actor=office_user)

    # then the step is due on the new date, later steps move by 5 working days
    step.refresh_from_db()
    assert step.due_on == until
    for (pk, starts_on, due_on), moved in zip(later_before, _later(step), strict=True):
        assert moved.pk == pk
        assert moved.starts_on == calendar.add_working_days(starts_on, 5)
        assert moved.due_on == calendar.add_working_days(due_on, 5)
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.GRANTED
    actions = list(
        Event.objects.filter(step=step, action__startswith="extension").values_list(
            "action", flat=True
        )
    )
    assert actions == ["extension_ask", "extension_grant"]


def test_extension_refuse_keeps_the_dates(project_a, dept_a, liaison, office_user):
    # given
    step = _open_step(project_a, dept_a)
    before = {s.pk: (s.starts_on, s.due_on) for s in Step.objects.all()}
    request = services.extension_ask(
        step=step,
        actor=liaison,
        reason="人手不足",
        until=step.due_on + datetime.timedelta(days=20),
    )

    # when
    services.extension_refuse(request=request, actor=office_user, reason="时限充足")

    # then nothing moved, and the refusal is recorded with its reason
    assert {s.pk: (s.starts_on, s.due_on) for s in Step.objects.all()} == before
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.REFUSED
    assert request.answer == "时限充足"
    assert Event.objects.get(step=step, action="extension_refuse").reason == "时限充足"


def test_extension_ask_refused_for_an_outsider_and_the_office_answers_once(
    project_a, dept_a, liaison, outsider, office_user
):
    step = _open_step(project_a, dept_a)
    until = step.due_on + datetime.timedelta(days=10)
    with pytest.raises(NotAllowed):
        services.extension_ask(step=step, actor=outsider, reason="x", until=until)
    request = services.extension_ask(step=step, actor=liaison, reason="x", until=until)
    with pytest.raises(NotAllowed):
        services.extension_grant(request=request, actor=liaison)
    services.extension_grant(request=request, actor=office_user)
    with pytest.raises(InvalidTransition):
        services.extension_refuse(request=request, actor=office_user, reason="晚了")


def test_api_extension_ask_grant_and_double_grant(
    api, project_a, dept_a, liaison, office_user
):
    # given
    step = _open_step(project_a, dept_a)
    url = f"/api/v1/steps/{step.pk}/extension/"
    until = calendar.add_working_days(step.due_on, 3)

    # when the liaison asks
    api.force_authenticate(liaison)
    asked = api.post(url, {"reason": "材料待上级印发", "until": until.isoformat()})

    # then
    assert asked.status_code == 201, asked.content
    assert asked.json()["status"] == "pending"
    assert api.post(url, {"action": "grant"}).status_code == 403

    # when the office grants, twice
    api.force_authenticate(office_user)
    granted = api.post(url, {"action": "grant", "reason": "同意"})
    again = api.post(url, {"action": "grant"})

    # then the first moves the date, the second is an invalid transition
    assert granted.status_code == 200, granted.content
    assert granted.json()["status"] == "granted"
    step.refresh_from_db()
    assert step.due_on == until
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"


def test_api_extension_errors(api, project_a, dept_a, liaison, outsider, office_user):
    step = _open_step(project_a, dept_a)
    url = f"/api/v1/steps/{step.pk}/extension/"
    # an outsider liaison does not see the step
    api.force_authenticate(outsider)
    assert api.post(url, {"reason": "x", "until": "2027-01-01"}).status_code == 404
    # bad input is a structured 400
    api.force_authenticate(liaison)
    missing = api.post(url, {"until": "not-a-date"})
    assert missing.status_code == 400
    assert "until" in missing.json() or "reason" in missing.json()
    early = api.post(url, {"reason": "x", "until": step.due_on.isoformat()})
    assert early.status_code == 400
    assert early.json()["code"] == "until_too_early"
    # the office may not ask; refusing needs a reason
    api.force_authenticate(office_user)
    assert api.post(url, {"reason": "x", "until": "2027-01-01"}).status_code == 403
    assert api.post(url, {"action": "refuse"}).status_code == 400


def test_extension_pages(client, project_a, dept_a, liaison, office_user):
    # given the liaison asks from the step page
    step = _open_step(project_a, dept_a)
    until = calendar.add_working_days(step.due_on, 2)
    client.force_login(liaison)
    page = client.get(f"/workflows/steps/{step.pk}/")
    assert "申请延期" in page.content.decode()
    client.post(
        f"/workflows/steps/{step.pk}/extension/",
        {"reason": "等待批复", "until": until.isoformat()},
    )
    assert ExtensionRequest.objects.filter(step=step, status="pending").exists()

    # when the office opens its queue and grants from it
    client.force_login(office_user)
    queue = client.get("/workflows/extensions/").content.decode()
    assert queue.count('data-row="extension"') == 1
    client.post(
        f"/workflows/steps/{step.pk}/extension/answer/",
        {"action": "grant", "next": "queue"},
    )

    # then
    step.refresh_from_db()
    assert step.due_on == until
    assert (
        client.get("/workflows/extensions/")
        .content.decode()
        .count('data-row="extension"')
        == 0
    )
