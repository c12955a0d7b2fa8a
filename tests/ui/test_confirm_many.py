"""签收所选: the liaison's own unsigned notices only, each with its event."""

import pytest
from django.utils import timezone

from notices import services as notice_services
from notices.models import Notice


def _notice(dept, office_user, title):
    return notice_services.notice_create(
        kind=Notice.Kind.WARNING,
        department=dept,
        title=title,
        body="请整改。",
        due_on=timezone.localdate(),
        actor=office_user,
    )


@pytest.mark.django_db
def test_confirm_many_signs_the_ticked_own_notices(
    client, office_user, liaison, dept_a, dept_b
):
    # given two notices of dept_a and one of dept_b
    mine = [_notice(dept_a, office_user, f"警示{i}") for i in range(2)]
    other = _notice(dept_b, office_user, "别人的警示")
    client.force_login(liaison)
    # when dept_a's liaison posts all three ids
    response = client.post(
        "/notices/confirm/", {"ids": [n.pk for n in [*mine, other]], "tab": "todo"}
    )
    # then its two are signed (one event each), the other department's is untouched
    assert response.status_code == 302 and response["Location"].endswith("?tab=todo")
    for notice in mine:
        notice.refresh_from_db()
        assert notice.status == Notice.Status.CONFIRMED
        assert notice.events.filter(action="confirm").count() == 1
    other.refresh_from_db()
    assert other.confirmed_at is None


@pytest.mark.django_db
def test_confirm_many_refuses_the_office(client, office_user, dept_a):
    notice = _notice(dept_a, office_user, "警示")
    client.force_login(office_user)
    assert client.post("/notices/confirm/", {"ids": [notice.pk]}).status_code == 403
    notice.refresh_from_db()
    assert notice.confirmed_at is None
