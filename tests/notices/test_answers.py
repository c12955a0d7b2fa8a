import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config.errors import DomainError, InvalidTransition, NotAllowed
from notices.models import ImplementationReport, Notice, NoticeEvent
from notices.services import (
    assignment_issue,
    notice_confirm,
    notification_send_for_launch,
    report_accept,
    report_return,
    report_submit,
    scan_due,
)
from tests.notices.conftest import TODAY, make_receipt
from workflows.models import Receipt
from workflows.services import receipt_confirm

S = Notice.Status


@pytest.fixture
def assignment(dept_a, office_user):
    return assignment_issue(
        department=dept_a,
        title="整改学习台账",
        body="请于期限内整改",
        due_on=datetime.date(2026, 12, 31),
        actor=office_user,
    )


def _report(notice, actor, **extra):
    values = {
        "measures": "补齐台账",
        "result": "已完成",
        "person_responsible": "李四",
        "completed_on": datetime.date(2026, 1, 5),
    }
    values.update(extra)
    return report_submit(notice=notice, actor=actor, **values)


def test_notice_confirm_keeps_time_and_is_idempotent(assignment, liaison):
    # given an assignment to A
    # when A's liaison confirms twice
    notice_confirm(notice=assignment, actor=liaison)
    first_time = Notice.objects.get(pk=assignment.pk).confirmed_at
    notice_confirm(notice=Notice.objects.get(pk=assignment.pk), actor=liaison)
    # then confirmed once, time kept, one event
    assignment.refresh_from_db()
    assert assignment.status == S.CONFIRMED
    assert assignment.confirmed_at == first_time is not None
    assert assignment.confirmed_by == liaison
    assert NoticeEvent.objects.filter(notice=assignment, action="confirm").count() == 1


@pytest.mark.parametrize("who", ["outsider", "office_user", "inspector"])
def test_notice_confirm_refused_to_others(assignment, who, request):
    # given a user who is not A's liaison
    user = request.getfixturevalue(who)
    # when / then
    with pytest.raises(NotAllowed):
        notice_confirm(notice=assignment, actor=user)
    assignment.refresh_from_db()
    assert assignment.confirmed_at is None


def test_notice_confirm_of_notification_confirms_the_receipt(
    project_a, dept_a, liaison, office_user
):
    # given a 告知单 linked to A's receipt
    receipt = make_receipt(project_a, dept_a, due_on=datetime.date(2026, 3, 20))
    notice = notification_send_for_launch(project=project_a, actor=office_user)[0]
    # when A confirms the notice
    notice_confirm(notice=notice, actor=liaison)
    # then the receipt is confirmed too
    receipt.refresh_from_db()
    assert receipt.confirmed_at is not None


def test_receipt_confirmed_in_workflows_confirms_the_notification(
    project_a, dept_a, liaison, office_user, django_capture_on_commit_callbacks
):
    # given a 告知单 linked to A's receipt
    receipt = make_receipt(project_a, dept_a, due_on=datetime.date(2026, 3, 20))
    notice = notification_send_for_launch(project=project_a, actor=office_user)[0]
    # when A confirms the receipt on the workflows side
    with django_capture_on_commit_callbacks(execute=True):
        receipt_confirm(receipt=Receipt.objects.get(pk=receipt.pk), actor=liaison)
    # then the notice is confirmed
    notice.refresh_from_db()
    assert notice.status == S.CONFIRMED and notice.confirmed_by == liaison


def test_report_submit_accept_closes_the_notice(assignment, liaison, office_user):
    # given A's liaison answers with a 落实表 and a file
    upload = SimpleUploadedFile("台账.pdf", b"%PDF-1.4 demo", "application/pdf")
    report = _report(assignment, liaison, files=[upload])
    assignment.refresh_from_db()
    assert assignment.status == S.ANSWERED
    assert assignment.confirmed_at is not None  # answering implies receipt
    stored = report.files.get()
    assert stored.original_name == "台账.pdf" and stored.file.read() == b"%PDF-1.4 demo"
    # when the office accepts
    report_accept(notice=assignment, actor=office_user)
    # then notice and report are closed, with history
    assignment.refresh_from_db()
    report.refresh_from_db()
    assert assignment.status == S.ACCEPTED
    assert report.status == ImplementationReport.Status.ACCEPTED
    assert report.reviewed_by == office_user
    actions = NoticeEvent.objects.filter(notice=assignment).values_list(
        "action", flat=True
    )
    assert list(actions) == ["create", "submit", "accept"]


def test_report_return_needs_reason_then_resubmit(assignment, liaison, office_user):
    # given a submitted report
    _report(assignment, liaison)
    # when the office returns without a reason / then refused, nothing changed
    with pytest.raises(DomainError):
        report_return(notice=assignment, actor=office_user, reason=" ")
    assignment.refresh_from_db()
    assert assignment.status == S.ANSWERED
    # when returned with a reason
    report_return(notice=assignment, actor=office_user, reason="缺少佐证")
    assignment.refresh_from_db()
    assert assignment.status == S.RETURNED
    assert assignment.reports.get().return_reason == "缺少佐证"
    # then A answers again and the new report is the one to review
    second = _report(assignment, liaison, measures="补充佐证")
    assignment.refresh_from_db()
    assert assignment.status == S.ANSWERED
    report_accept(notice=assignment, actor=office_user)
    second.refresh_from_db()
    assert second.status == ImplementationReport.Status.ACCEPTED
    assert assignment.reports.filter(status="returned").count() == 1


def test_report_forbidden_moves_raise_invalid_transition(
    assignment, liaison, office_user
):
    # given an accepted assignment
    _report(assignment, liaison)
    report_accept(notice=assignment, actor=office_user)
    # then nothing more can happen to it
    with pytest.raises(InvalidTransition):
        _report(assignment, liaison)
    with pytest.raises(InvalidTransition):
        report_accept(notice=assignment, actor=office_user)
    with pytest.raises(InvalidTransition):
        report_return(notice=assignment, actor=office_user, reason="再看看")


def test_report_accept_without_report_is_invalid(assignment, office_user):
    with pytest.raises(InvalidTransition):
        report_accept(notice=assignment, actor=office_user)


def test_report_submit_refused_to_outsider_and_office(
    assignment, outsider, office_user, liaison
):
    for user in (outsider, office_user):
        with pytest.raises(NotAllowed):
            _report(assignment, user)
    # and the office alone reviews
    _report(assignment, liaison)
    with pytest.raises(NotAllowed):
        report_accept(notice=assignment, actor=liaison)


def test_report_submit_bad_input_changes_nothing(assignment, liaison):
    with pytest.raises(DomainError):
        _report(assignment, liaison, measures="")
    with pytest.raises(DomainError):
        _report(assignment, liaison, completed_on=datetime.date(2999, 1, 1))
    assignment.refresh_from_db()
    assert assignment.status != S.ANSWERED
    assert not assignment.reports.exists()


def test_report_not_for_reminders(project_a, dept_a, liaison, step_factory):

    step_factory(project=project_a, department=dept_a, due_on=TODAY)
    scan_due(today=TODAY)
    reminder = Notice.objects.get(kind=Notice.Kind.REMINDER)
    with pytest.raises(DomainError):
        _report(reminder, liaison)
