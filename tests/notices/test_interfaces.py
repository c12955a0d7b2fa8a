import datetime

from notices.models import Notice, NoticeEvent
from notices.services import assignment_issue, notification_send_for_launch
from tests.notices.conftest import make_receipt


def test_notification_send_for_launch_one_per_department(
    project_a,
    dept_a,
    dept_b,
    office_user,
    django_capture_on_commit_callbacks,
    step_factory,
):
    # given a project with a lead (A) and a partner (B), their steps and receipts
    due = datetime.date(2026, 3, 16)
    step_factory(
        project=project_a, department=dept_a, due_on=datetime.date(2026, 3, 20)
    )
    step_factory(
        project=project_a, department=dept_b, due_on=datetime.date(2026, 3, 27)
    )
    receipt_a = make_receipt(project_a, dept_a, due_on=due)
    make_receipt(project_a, dept_b, due_on=due)
    # when the launch sends the notifications (twice, as a retried launch would)
    with django_capture_on_commit_callbacks(execute=True):
        notices = notification_send_for_launch(project=project_a, actor=office_user)
    again = notification_send_for_launch(project=project_a, actor=office_user)
    # then each department has one numbered 告知单 linked to its receipt
    assert again == []
    assert len(notices) == 2
    by_dept = {n.department_id: n for n in notices}
    notice_a = by_dept[dept_a.pk]
    assert notice_a.receipt == receipt_a
    assert notice_a.number == "南湖执规告〔2026〕1号"
    assert by_dept[dept_b.pk].number == "南湖执规告〔2026〕2号"
    assert "执行发起" in notice_a.body and "2026年03月20日" in notice_a.body
    assert "2026年03月27日" not in notice_a.body  # B's deadline is not A's business
    assert notice_a.due_on == due
    # and delivery ran after commit (eager Celery): delivered in-app
    notice_a.refresh_from_db()
    assert notice_a.status == Notice.Status.SENT
    assert notice_a.sent_at is not None
    assert NoticeEvent.objects.filter(notice=notice_a, action="deliver").count() == 1


def test_assignment_issue_numbers_sequentially(dept_a, dept_b, office_user):
    # given nothing issued yet this year
    # when the office issues three 交办单
    numbers = [
        assignment_issue(
            department=dept,
            title=f"整改事项{i}",
            body="请整改",
            due_on=datetime.date(2026, 12, 1),
            actor=office_user,
        ).number
        for i, dept in enumerate([dept_a, dept_b, dept_a])
    ]
    # then the numbers run 1, 2, 3 with the office's prefix
    year = numbers and Notice.objects.first().year
    assert numbers == [f"南湖执规交〔{year}〕{i}号" for i in (1, 2, 3)]
