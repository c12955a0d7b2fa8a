"""Notices on config.statemachine: the notice and its 落实表 move together, and
the pages offer what the machine allows."""

import datetime

import pytest

from config.errors import InvalidTransition
from notices.models import ImplementationReport, Notice, NoticeEvent
from notices.services import (
    NOTICE_MACHINE,
    assignment_issue,
    notice_confirm,
    report_accept,
    report_submit,
)

pytestmark = pytest.mark.django_db
S = Notice.Status


@pytest.fixture
def answered(dept_a, office_user, liaison):
    notice = assignment_issue(
        department=dept_a,
        title="整改学习台账",
        body="请于期限内整改",
        due_on=datetime.date(2026, 12, 31),
        actor=office_user,
    )
    report_submit(
        notice=notice,
        actor=liaison,
        measures="补齐台账",
        result="已完成",
        person_responsible="李四",
        completed_on=datetime.date(2026, 1, 5),
    )
    return notice


def test_report_accept_moves_notice_and_report_with_one_event(answered, office_user):
    # when
    report_accept(notice=answered, actor=office_user)

    # then both moved, and one NoticeEvent records the pair
    assert Notice.objects.get(pk=answered.pk).status == S.ACCEPTED
    assert answered.reports.get().status == ImplementationReport.Status.ACCEPTED
    events = NoticeEvent.objects.filter(notice=answered, action="accept")
    assert [(e.from_status, e.to_status, e.actor) for e in events] == [
        (S.ANSWERED, S.ACCEPTED, office_user)
    ]


def test_report_accept_when_the_report_was_handled_meanwhile_changes_nothing(
    answered, office_user
):
    # given someone else returned the report after this page was read
    ImplementationReport.objects.filter(notice=answered).update(status="returned")

    # when
    with pytest.raises(InvalidTransition, match="没有待审核的落实表"):
        report_accept(notice=answered, actor=office_user)

    # then the notice is still answered, in the database and in hand
    assert Notice.objects.get(pk=answered.pk).status == S.ANSWERED
    assert answered.status == S.ANSWERED
    assert not NoticeEvent.objects.filter(notice=answered, action="accept").exists()


def test_notice_stale_copy_is_refused(answered, office_user):
    # given two copies of the answered notice; one is accepted
    stale = Notice.objects.get(pk=answered.pk)
    report_accept(notice=answered, actor=office_user)

    # when the other is accepted again from what it read
    with pytest.raises(InvalidTransition, match="通知单状态已被他人更改"):
        NOTICE_MACHINE.apply(stale, action="accept", actor=office_user)

    # then one accept event only
    assert NoticeEvent.objects.filter(notice=answered, action="accept").count() == 1


def test_notice_forbidden_move_keeps_the_chinese_refusal(answered, office_user):
    report_accept(notice=answered, actor=office_user)
    with pytest.raises(InvalidTransition) as caught:
        NOTICE_MACHINE.apply(answered, action="confirm", actor=office_user)
    assert caught.value.message == "通知单当前状态为“已办结”，不能签收。"


def test_detail_buttons_follow_the_machine(
    client, answered, office_user, liaison, dept_a
):
    # given an answered notice: the office may accept or return it
    client.force_login(office_user)
    page = client.get(f"/notices/{answered.pk}/").content.decode()
    assert f"/notices/{answered.pk}/accept/" in page
    assert f"/notices/{answered.pk}/return/" in page

    # when accepted
    report_accept(notice=answered, actor=office_user)

    # then the review buttons are gone, and the department cannot confirm or report
    page = client.get(f"/notices/{answered.pk}/").content.decode()
    assert f"/notices/{answered.pk}/accept/" not in page
    client.force_login(liaison)
    page = client.get(f"/notices/{answered.pk}/").content.decode()
    assert f"/notices/{answered.pk}/confirm/" not in page
    assert f"/notices/{answered.pk}/report/" not in page


def test_inbox_confirm_button_only_while_confirm_is_allowed(
    client, office_user, liaison, dept_a
):
    # given a fresh 交办单 to A
    notice = assignment_issue(
        department=dept_a,
        title="交办事项",
        body="内容",
        due_on=datetime.date(2026, 12, 31),
        actor=office_user,
    )
    client.force_login(liaison)
    # (the row's 签收 button posts its id to the sign-many form)
    confirm_url = f'name="only" value="{notice.pk}"'
    assert confirm_url in client.get("/notices/?tab=all").content.decode()

    # when confirmed
    notice_confirm(notice=notice, actor=liaison)

    # then the inbox no longer offers it
    assert confirm_url not in client.get("/notices/?tab=all").content.decode()
