"""The 落实表 print page: the notice's readers see it; an outsider gets 404."""

import pytest
from django.utils import timezone

from notices import services as notice_services
from notices.models import Notice


@pytest.fixture
def report(
    office_user, liaison, dept_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_services.notice_create(
            kind=Notice.Kind.WARNING,
            department=dept_a,
            title="警示：执行步骤逾期未完成",
            body="请立即整改。",
            due_on=timezone.localdate(),
            actor=office_user,
        )
    notice.refresh_from_db()
    return notice_services.report_submit(
        notice=notice,
        actor=liaison,
        measures="召开部务会专题研究整改",
        result="已整改完毕",
        person_responsible="李四",
        completed_on=timezone.localdate(),
    )


@pytest.mark.django_db
def test_report_print_shows_the_report_to_its_department_and_the_office(
    client, report, liaison, office_user
):
    for user in (liaison, office_user):
        # given a reader of the notice
        client.force_login(user)
        # when it opens the 落实表 print page
        response = client.get(f"/notices/reports/{report.pk}/print/")
        # then the filled 落实表 is there, with the 打印 button
        page = response.content.decode()
        assert response.status_code == 200
        assert "落实表" in page and "召开部务会专题研究整改" in page and "李四" in page


@pytest.mark.django_db
def test_report_print_is_404_for_an_outsider(client, report, outsider):
    # given a liaison of another department
    client.force_login(outsider)
    # when it opens the 落实表 print page, then it is not found
    assert client.get(f"/notices/reports/{report.pk}/print/").status_code == 404
