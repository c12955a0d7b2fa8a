"""通报: numbered per kind and year, issued to chosen departments as 告知单,
a 评价通报 completes the covered projects' 通报 steps."""

import datetime

import pytest

from config.errors import DomainError, InvalidTransition
from evaluation import services as evaluation
from notices.models import Notice
from supervision import services
from supervision.models import Circular
from tests import factories
from workflows import services as workflow_services
from workflows.flows import seed_default_flows
from workflows.models import FlowTemplate, Step, StepTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db):
    return factories.DepartmentFactory(code="T1", name="新嘉街道", kind="town")


def _own_steps_done(project, department, liaison, office_user):
    """The department walks its own steps: submit, approve."""
    while step := (
        Step.objects.filter(project=project, department=department, status="open")
        .order_by("order")
        .first()
    ):
        workflow_services.step_submit(step=step, actor=liaison, text="已完成")
        workflow_services.step_approve(step=step, actor=office_user)


@pytest.fixture
def round_with_bulletin_steps(office_user, dept_a, liaison):
    """A published 2026 round covering two projects of A: one was complete at
    publication (its 通报 done then), the other finished its last step after
    publication, so its office 通报 step still waits for the 评价通报."""
    seed_default_flows(FlowTemplate, StepTemplate)

    def launch(regulation_):
        return workflow_services.project_launch(
            regulation=regulation_,
            year=2026,
            lead_department=dept_a,
            partner_departments=[],
            flow_code="general",
            starts_on=datetime.date(2026, 3, 2),
            actor=office_user,
        )

    early = launch(factories.RegulationFactory(title="中国共产党章程"))
    late = launch(factories.RegulationFactory(title="中国共产党农村基层组织工作条例"))
    _own_steps_done(early, dept_a, liaison, office_user)
    first = (
        Step.objects.filter(project=late, department=dept_a, status="open")
        .order_by("order")
        .first()
    )
    workflow_services.step_submit(step=first, actor=liaison, text="已完成")
    workflow_services.step_approve(step=first, actor=office_user)
    round_ = evaluation.round_create(year=2026, actor=office_user)
    evaluation.round_propose_all(
        round=round_, actor=office_user, today=datetime.date(2026, 12, 31)
    )
    evaluation.round_review(round=round_, actor=office_user)
    evaluation.round_publish(round=round_, actor=office_user)
    _own_steps_done(late, dept_a, liaison, office_user)
    steps = {
        name: Step.objects.get(project=project, code="bulletin", actor="office")
        for name, project in (("A", early), ("B", late))
    }
    assert steps["A"].status == "approved"  # done by the round's publication
    assert steps["B"].status != "approved"
    return round_, steps


def test_circular_evaluation_issued_numbered_delivered_and_completes_bulletin_steps(
    round_with_bulletin_steps, office_user, dept_a, town
):
    # given a draft from the published round, sent to A and the town only
    round_, steps = round_with_bulletin_steps
    draft = services.circular_draft(actor=office_user, kind="evaluation", round=round_)
    assert draft.title.startswith("关于") and "排名" in draft.body
    services.circular_update(
        actor=office_user,
        circular=draft,
        title=draft.title,
        body=draft.body + "\n请各单位对照整改。",
        to_all=False,
        departments=[dept_a, town],
    )

    # when the office issues it
    issued = services.circular_issue(
        actor=office_user, circular=draft, today=datetime.date(2026, 12, 1)
    )

    # then it has its number, reached exactly the chosen departments as 告知单,
    # and the submitted 通报 step of the covered project is approved
    assert issued.number == "南湖执规通〔2026〕第1期"
    assert issued.status == "issued" and issued.issued_on == datetime.date(2026, 12, 1)
    notices = Notice.objects.filter(
        kind=Notice.Kind.NOTIFICATION, title__contains="第1期"
    )
    assert {n.department for n in notices} == {dept_a, town}
    assert set(issued.notices.all()) == set(notices)
    assert all(n.due_on and "请各单位对照整改" in n.body for n in notices)
    # and the covered project finished after publication has its 通报 done by
    # the circular and is 已闭环
    steps["B"].refresh_from_db()
    assert steps["B"].status == "approved"
    assert steps["B"].project.status == "closed"


def test_circular_numbers_per_kind_and_year(
    round_with_bulletin_steps, office_user, dept_a
):
    # given
    round_, _ = round_with_bulletin_steps
    inspection = services.inspection_record(
        actor=office_user,
        kind="open",
        inspected_on=datetime.date(2026, 5, 12),
        inspectors="周涛",
        department=dept_a,
    )

    def issue(**source):
        circular = services.circular_draft(actor=office_user, **source)
        return services.circular_issue(actor=office_user, circular=circular).number

    # when
    numbers = [
        issue(kind="evaluation", round=round_),
        issue(kind="evaluation", round=round_),
        issue(kind="inspection", inspections=[inspection]),
    ]
    # then
    assert numbers == [
        "南湖执规通〔2026〕第1期",
        "南湖执规通〔2026〕第2期",
        "南湖执规通〔2026〕第1期",
    ]


def test_circular_issued_is_frozen_and_only_office_issues(
    round_with_bulletin_steps, office_user, liaison
):
    round_, _ = round_with_bulletin_steps
    circular = services.circular_draft(
        actor=office_user, kind="evaluation", round=round_
    )
    from config.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.circular_issue(actor=liaison, circular=circular)
    services.circular_issue(actor=office_user, circular=circular)
    with pytest.raises(InvalidTransition):
        services.circular_issue(actor=office_user, circular=circular)
    with pytest.raises(DomainError):
        services.circular_update(
            actor=office_user, circular=circular, title="改", body="", to_all=True
        )
    with pytest.raises(DomainError):  # an evaluation circular needs a published round
        services.circular_draft(actor=office_user, kind="evaluation")


def test_circulars_api_issued_only_and_scoped(
    client,
    round_with_bulletin_steps,
    office_user,
    liaison,
    outsider,
    api_client_user,
    dept_a,
):
    # given one draft and one circular issued to A only
    round_, _ = round_with_bulletin_steps
    draft = services.circular_draft(actor=office_user, kind="evaluation", round=round_)
    sent = services.circular_draft(actor=office_user, kind="evaluation", round=round_)
    services.circular_update(
        actor=office_user,
        circular=sent,
        title=sent.title,
        body=sent.body,
        to_all=False,
        departments=[dept_a],
    )
    services.circular_issue(actor=office_user, circular=sent)

    def ids(user, **params):
        client.force_login(user)
        return [
            r["id"] for r in client.get("/api/v1/circulars/", params).json()["results"]
        ]

    # then
    assert set(ids(office_user)) == {draft.pk, sent.pk}
    assert ids(api_client_user) == [sent.pk]
    assert ids(api_client_user, kind="inspection") == []
    assert ids(liaison) == [sent.pk]
    assert ids(outsider) == []
    client.force_login(api_client_user)
    assert client.get(f"/api/v1/circulars/{draft.pk}/").status_code == 404
    row = client.get(f"/api/v1/circulars/{sent.pk}/").json()
    assert row["number"] == "南湖执规通〔2026〕第1期" and row["departments"] == [
        dept_a.pk
    ]


def test_circular_pages_print_and_xlsx(client, round_with_bulletin_steps, office_user):
    # given
    round_, _ = round_with_bulletin_steps
    client.force_login(office_user)
    response = client.post(
        "/supervision/circulars/new/", {"kind": "evaluation", "round": round_.pk}
    )
    circular = Circular.objects.get()
    assert response.status_code == 302
    # when the office saves and issues from the page
    response = client.post(
        f"/supervision/circulars/{circular.pk}/",
        {
            "title": "关于2026年度评价结果的通报",
            "body": "正文",
            "to_all": "on",
            "issue": "1",
        },
    )
    # then
    circular.refresh_from_db()
    assert (
        circular.status == "issued" and circular.title == "关于2026年度评价结果的通报"
    )
    page = client.get(f"/supervision/circulars/{circular.pk}/").content.decode()
    assert "签收情况" in page
    printed = client.get(
        f"/supervision/circulars/{circular.pk}/print/"
    ).content.decode()
    assert "南湖执规通〔2026〕第1期" in printed and "size: A4" in printed
    xlsx = client.get(f"/supervision/circulars/{circular.pk}/xlsx/")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
