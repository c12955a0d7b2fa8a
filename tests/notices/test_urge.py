"""催办: the office urges a late step with an in-app reminder, once a day."""

import datetime

import pytest

from config.errors import DomainError, NotAllowed
from notices import services
from notices.models import Notice
from tests import factories
from workflows.models import Event

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 11)


@pytest.fixture
def late_step(dept_a):
    project = factories.ExecutionProjectFactory(lead_department=dept_a)
    return factories.StepFactory(
        project=project, code="training", due_on=datetime.date(2026, 3, 2)
    )


def test_step_urge_sends_one_reminder_a_day(late_step, office_user):
    # when the office urges the late step
    notice = services.step_urge(step=late_step, actor=office_user, today=TODAY)

    # then the department has an in-app reminder and the step's history says so
    assert notice.kind == Notice.Kind.REMINDER
    assert notice.department_id == late_step.department_id
    assert notice.step_id == late_step.pk
    assert "逾期9天" in notice.title
    assert Event.objects.filter(step=late_step, action="urge").count() == 1

    # when it urges again the same day, it is refused in Chinese
    with pytest.raises(DomainError, match="今天已催办过"):
        services.step_urge(step=late_step, actor=office_user, today=TODAY)

    # and the next day it may urge again
    later = services.step_urge(
        step=late_step, actor=office_user, today=TODAY + datetime.timedelta(days=1)
    )
    assert later.level == notice.level + 1
    assert Notice.objects.filter(step=late_step, kind="reminder").count() == 2


def test_step_urge_refuses_outsiders_and_steps_not_late(
    late_step, liaison, office_user
):
    with pytest.raises(NotAllowed):
        services.step_urge(step=late_step, actor=liaison, today=TODAY)
    with pytest.raises(DomainError, match="只有逾期"):
        services.step_urge(
            step=late_step, actor=office_user, today=datetime.date(2026, 3, 1)
        )
    assert not Notice.objects.filter(step=late_step).exists()


def test_urge_page_posts_and_refuses_a_second_the_same_day(
    client, late_step, office_user, liaison
):
    # given
    url = f"/notices/urge/step/{late_step.pk}/"
    back = f"/workflows/steps/{late_step.pk}/"
    client.force_login(office_user)
    step_page = client.get(back).content.decode()
    assert url in step_page

    # when
    first = client.post(url, {"next": back}, follow=True)
    second = client.post(url, {"next": back}, follow=True)

    # then
    assert "已向" in first.content.decode()
    assert "今天已催办过" in second.content.decode()
    assert Notice.objects.filter(step=late_step, kind="reminder").count() == 1
    client.force_login(liaison)
    assert client.post(url, {"next": back}).status_code in (302, 403)
    assert Notice.objects.filter(step=late_step, kind="reminder").count() == 1
