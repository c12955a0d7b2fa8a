import datetime

import pytest

from notices.models import Notice, NoticeRule
from notices.services import (
    assignment_issue,
    notice_confirm,
    report_return,
    report_submit,
    rule_current,
)
from tests import factories


def _issue(department, actor, n=1):
    return [
        assignment_issue(
            department=department,
            title=f"交办事项{i}",
            body="内容",
            due_on=datetime.date(2026, 12, 31),
            actor=actor,
        )
        for i in range(n)
    ]


def test_inbox_shows_own_notices_and_nav_badge(
    client, liaison, dept_a, dept_b, office_user
):
    # given two unconfirmed notices to A and one to B
    _issue(dept_a, office_user, n=2)
    _issue(dept_b, office_user)
    # when A's liaison opens the inbox
    client.force_login(liaison)
    response = client.get("/notices/")
    # then A's two notices, and the badge counts them
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("交办事项") == 2
    badges = [i for i in response.context["nav_items"] if i["label"] == "三单一表"]
    assert badges[0]["badge"] == 2


def test_inbox_liaisons_todo_tab_is_the_one_inbox(
    client, liaison, inspector, dept_a, office_user
):
    # given an unconfirmed notice to A
    _issue(dept_a, office_user)
    client.force_login(liaison)
    # when A's liaison asks for the notices' 待签收 tab
    response = client.get("/notices/?tab=todo")
    # then it is sent to 我的待办, and the list's 待签收 tab links there
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    html = client.get("/notices/").content.decode()
    assert '<a class="nav-link" href="/inbox/" data-tab="todo">待签收</a>' in html
    # and the tabs other pages link to still filter (and the list opens on 全部)
    assert client.get("/notices/?tab=answer").context["tab"] == "answer"
    assert client.get("/notices/").context["tab"] == "all"
    # while an inspector, who has no 我的待办, keeps the 待签收 list
    client.force_login(inspector)
    response = client.get("/notices/?tab=todo")
    assert response.status_code == 200 and response.context["tab"] == "todo"


def test_detail_outsider_404_and_confirm_one_tap(
    client, liaison, outsider, dept_a, office_user
):
    notice = _issue(dept_a, office_user)[0]
    client.force_login(outsider)
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert client.post(f"/notices/{notice.pk}/confirm/").status_code == 404
    # A's liaison: one tap confirms
    client.force_login(liaison)
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "确认签收" in page and "填写落实表" in page
    response = client.post(f"/notices/{notice.pk}/confirm/")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Notice.Status.CONFIRMED


def test_report_form_then_office_accepts(client, liaison, office_user, dept_a):
    notice = _issue(dept_a, office_user)[0]
    client.force_login(liaison)
    # bad input: the page says why, nothing stored
    bad = client.post(f"/notices/{notice.pk}/report/", {"measures": ""})
    assert bad.status_code == 400 and "该字段是必填项" in bad.content.decode()
    assert not notice.reports.exists()
    ok = client.post(
        f"/notices/{notice.pk}/report/",
        {
            "measures": "措施",
            "result": "结果",
            "person_responsible": "赵六",
            "completed_on": "2026-01-02",
        },
    )
    assert ok.status_code == 302
    client.force_login(office_user)
    assert "通过（办结）" in client.get(f"/notices/{notice.pk}/").content.decode()
    # return without a reason is refused with a message; then accept
    client.post(f"/notices/{notice.pk}/return/", {"reason": ""})
    notice.refresh_from_db()
    assert notice.status == Notice.Status.ANSWERED
    client.post(f"/notices/{notice.pk}/accept/")
    notice.refresh_from_db()
    assert notice.status == Notice.Status.ACCEPTED


def test_register_filters_and_unconfirmed_list(
    client, office_user, liaison, dept_a, dept_b
):
    _issue(dept_a, office_user, n=2)
    _issue(dept_b, office_user)
    client.force_login(office_user)
    response = client.get("/notices/register/", {"department": dept_b.pk})
    assert response.context["page"].paginator.count == 1
    not_confirmed = {d.name: d.unconfirmed for d in response.context["not_confirmed"]}
    assert not_confirmed == {dept_a.name: 2, dept_b.name: 1}
    # liaisons may not open the register
    client.force_login(liaison)
    assert client.get("/notices/register/").status_code == 403


@pytest.mark.parametrize("rows", [3, 20])
def test_register_and_inbox_constant_queries(
    client, office_user, liaison, dept_a, rows, django_assert_max_num_queries
):
    _issue(dept_a, office_user, n=rows)
    client.force_login(office_user)
    with django_assert_max_num_queries(15):
        assert client.get("/notices/register/").status_code == 200
    client.force_login(liaison)
    with django_assert_max_num_queries(15):
        assert client.get("/notices/?tab=all").status_code == 200


def test_register_renders_no_template_per_notice_or_unit(client, office_user, dept_a):
    # given a few notices and units, the register's templates counted
    _issue(dept_a, office_user, n=2)
    client.force_login(office_user)
    few = len(client.get("/notices/register/").templates)

    # when there are twenty more notices and twenty more units to pick
    _issue(dept_a, office_user, n=20)
    for _ in range(20):
        factories.DepartmentFactory()
    response = client.get("/notices/register/")

    # then as many templates: the badges and the unit picker are written in
    # one pass (an include per notice and a template per option cost more
    # than the rest of the page), and the picker still lists every unit
    assert len(response.templates) == few
    html = response.content.decode()
    assert html.count('<option value="') >= 22
    assert html.count('bg-warning text-dark">交办单</span>') == 22


def test_assignment_form_and_print(client, office_user, dept_a):
    client.force_login(office_user)
    response = client.post(
        "/notices/new/",
        {"department": dept_a.pk, "title": "台账整改", "body": "请整改", "due_on": ""},
    )
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert notice.kind == Notice.Kind.ASSIGNMENT and notice.due_on is not None
    page = client.get(f"/notices/{notice.pk}/print/").content.decode()
    assert notice.number in page and "@page" in page and "盖章" in page
    # a past due date is refused
    bad = client.post(
        "/notices/new/",
        {"department": dept_a.pk, "title": "x", "body": "y", "due_on": "2000-01-01"},
    )
    assert bad.status_code == 200 and "不能早于今天" in bad.content.decode()
    assert Notice.objects.count() == 1


def test_rules_edit_by_office_only(client, office_user, liaison):
    client.force_login(liaison)
    assert client.get("/notices/rules/").status_code == 403
    client.force_login(office_user)
    page = client.get("/notices/rules/").content.decode()
    assert 'type="text" name="low_credit_grades"' in page
    data = {
        "reminder_days_before": 4,
        "warning_grace_days": 1,
        "escalation_interval_days": 3,
        "max_level": 3,
        "warning_answer_days": 5,
        "assignment_answer_days": 10,
        "warn_overdue_receipts": "on",
        "low_credit_grades": "D",
        "low_credit_extra_days": 3,
    }
    assert client.post("/notices/rules/", data).status_code == 302
    # the office's own rules (overriding the default row)
    rule = NoticeRule.objects.get(office=office_user.membership.department.office)
    assert rule.reminder_days_before == 4 and rule.warn_overdue_assignments is False
    assert (rule.low_credit_grade_list, rule.low_credit_extra_days) == (["D"], 3)
    bad = client.post("/notices/rules/", {**data, "escalation_interval_days": 0})
    assert bad.status_code == 200
    assert rule_current().escalation_interval_days == 3


def test_detail_constant_queries_with_history(
    client, office_user, liaison, dept_a, django_assert_max_num_queries
):
    # given a notice with a long history (confirm, several report rounds)
    notice = _issue(dept_a, office_user)[0]
    notice_confirm(notice=notice, actor=liaison)
    for i in range(4):
        report_submit(
            notice=notice,
            actor=liaison,
            measures=f"措施{i}",
            result="结果",
            person_responsible="赵六",
            completed_on=datetime.date(2026, 1, 2),
        )
        report_return(notice=notice, actor=office_user, reason=f"原因{i}")
    client.force_login(office_user)
    # when the office opens it / then a bounded number of queries
    with django_assert_max_num_queries(20):
        response = client.get(f"/notices/{notice.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("退回原因") >= 4


def test_register_overdue_filter(client, office_user, dept_a):
    # given one assignment past its date and one not
    late = assignment_issue(
        department=dept_a,
        title="逾期事项",
        body="",
        due_on=datetime.date(2020, 1, 1),
        actor=office_user,
    )
    _issue(dept_a, office_user)
    client.force_login(office_user)
    response = client.get("/notices/register/", {"overdue": "on"})
    assert [n.pk for n in response.context["page"]] == [late.pk]
    assert "反馈逾期" in response.content.decode()


def test_inspector_sees_supervised_but_cannot_confirm(
    client, inspector, outsider, dept_a, office_user
):
    notice = _issue(dept_a, office_user)[0]
    client.force_login(inspector)
    assert client.get(f"/notices/{notice.pk}/").status_code == 200
    assert client.get(f"/notices/{notice.pk}/print/").status_code == 200
    assert client.post(f"/notices/{notice.pk}/confirm/").status_code == 403
    client.force_login(outsider)
    assert client.get(f"/notices/{notice.pk}/print/").status_code == 404
