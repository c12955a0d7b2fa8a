"""How a project runs and ends under the method (issue 9): office steps,
ratings, 通报 by the published round, 已闭环, 已撤销, hand notices."""

import datetime

import pytest
from django.utils import timezone

from config.errors import DomainError, InvalidTransition, NotAllowed
from evaluation import selectors as evaluation_selectors
from evaluation import services as evaluation_services
from evaluation.models import Deduction, Evaluation
from notices import services as notice_services
from notices.models import Notice
from workflows import services
from workflows.models import Actor, Event, ExecutionProject, Step

pytestmark = pytest.mark.django_db
P = ExecutionProject.Status


def _approve_all(project, department, liaison, office_user, rating="pass"):
    """Walk the department's own steps in order: submit, approve."""
    while True:
        step = (
            Step.objects.filter(project=project, department=department)
            .filter(status=Step.Status.OPEN)
            .order_by("order")
            .first()
        )
        if step is None:
            return
        services.step_submit(step=step, actor=liaison, text="已完成")
        services.step_approve(
            step=step, actor=office_user, rating=rating, reason="经验被推广"
        )


def test_no_department_carries_an_office_step(launch, dept_a, dept_b):
    # given / when a project is launched
    project = launch()
    # then office steps are the office's alone, one row each
    office_steps = Step.objects.filter(project=project, actor=Actor.OFFICE)
    assert not office_steps.filter(department__in=[dept_a, dept_b]).exists()
    assert office_steps.count() == 2
    assert not Step.objects.filter(
        project=project,
        department__in=[dept_a, dept_b],
        code__in=["launch", "bulletin"],
    ).exists()


def test_bulletin_done_by_published_round_closes_the_project(
    launch, dept_a, liaison, office_user, client
):
    # given a general project of dept_a alone, every department step approved
    project = launch(partner_departments=[])
    _approve_all(project, dept_a, liaison, office_user)
    project.refresh_from_db()
    bulletin = Step.objects.get(project=project, code="bulletin")
    assert project.status == P.COMPLETED  # 通报 still to come
    assert bulletin.status == Step.Status.WAITING
    # when the office publishes the year's round covering it
    round_ = evaluation_services.round_create(year=2026, actor=office_user)
    evaluation_services.round_propose_all(
        round=round_, actor=office_user, today=datetime.date(2026, 12, 31)
    )
    evaluation_services.round_review(round=round_, actor=office_user)
    evaluation_services.round_publish(round=round_, actor=office_user)
    # then its 通报 is done (with an event) and the project is 已闭环
    bulletin.refresh_from_db()
    project.refresh_from_db()
    assert bulletin.status == Step.Status.APPROVED
    assert Event.objects.filter(step=bulletin, action="office_done").exists()
    assert project.status == P.CLOSED
    client.force_login(office_user)
    page = client.get(f"/workflows/projects/{project.pk}/").content.decode()
    assert "已闭环" in page


def test_office_marks_bulletin_done_by_hand(launch, dept_a, liaison, office_user):
    # given a completed project
    project = launch(partner_departments=[])
    _approve_all(project, dept_a, liaison, office_user)
    bulletin = Step.objects.get(project=project, code="bulletin")
    # when / then a liaison may not, the office may
    with pytest.raises(NotAllowed):
        services.step_office_done(step=bulletin, actor=liaison)
    services.step_office_done(step=bulletin, actor=office_user, reason="已印发通报")
    project.refresh_from_db()
    assert project.status == P.CLOSED


def test_step_approve_excellent_needs_a_reason(launch, dept_a, liaison, office_user):
    # given a submitted step
    project = launch()
    step = Step.objects.get(project=project, department=dept_a, code="training")
    services.step_submit(step=step, actor=liaison, text="已完成")
    # when rated 优秀 without a reason
    with pytest.raises(DomainError, match="优秀"):
        services.step_approve(step=step, actor=office_user, rating="excellent")
    step.refresh_from_db()
    assert step.status == Step.Status.SUBMITTED
    # when with a reason
    services.step_approve(
        step=step, actor=office_user, rating="excellent", reason="做法被省委推广"
    )
    step.refresh_from_db()
    assert (step.status, step.rating) == (Step.Status.APPROVED, "excellent")
    assert Event.objects.get(step=step, action="approve").reason == "做法被省委推广"


def test_withdraw_cancels_open_steps_and_needs_a_reason(
    launch, dept_a, office_user, liaison
):
    # given
    project = launch()
    # when / then
    with pytest.raises(DomainError, match="原因"):
        services.project_withdraw(project=project, actor=office_user, reason=" ")
    with pytest.raises(NotAllowed):
        services.project_withdraw(project=project, actor=liaison, reason="x")
    services.project_withdraw(project=project, actor=office_user, reason="法规已修订")
    project.refresh_from_db()
    assert project.status == P.WITHDRAWN
    assert project.get_status_display() == "已撤销"
    statuses = set(project.steps.values_list("status", flat=True))
    assert statuses == {Step.Status.APPROVED, Step.Status.CANCELLED}  # 执行发起 stays
    assert Event.objects.filter(project=project, action="withdraw").count() == 1
    # and a second withdrawal is refused
    with pytest.raises(InvalidTransition):
        services.project_withdraw(project=project, actor=office_user, reason="再次")


def test_withdrawn_project_raises_no_notices_and_leaves_rankings(
    launch, dept_a, dept_b, office_user, regulation
):
    # given two projects with overdue steps; one is withdrawn
    from tests.factories import RegulationFactory

    kept = launch(starts_on=datetime.date(2026, 3, 2))
    gone = launch(
        regulation=RegulationFactory(),
        starts_on=datetime.date(2026, 3, 2),
    )
    services.project_withdraw(project=gone, actor=office_user, reason="撤销测试")
    # when the scan runs long after every deadline
    notice_services.scan_due(today=datetime.date(2026, 12, 20))
    # then warnings concern the kept project only
    warned = set(
        Notice.objects.filter(kind="warning").values_list("project_id", flat=True)
    )
    assert kept.pk in warned and gone.pk not in warned
    # and the withdrawn project has no sheet and no part in rankings
    round_ = evaluation_services.round_create(year=2026, actor=office_user)
    evaluation_services.round_propose_all(
        round=round_, actor=office_user, today=datetime.date(2026, 12, 20)
    )
    assert not Evaluation.objects.filter(project=gone).exists()
    assert Evaluation.objects.filter(project=kept).exists()


def test_hand_warning_deducts_points_and_escalates(
    launch, dept_a, office_user, liaison
):
    # given an open step of dept_a
    project = launch(starts_on=timezone.localdate() - datetime.timedelta(days=60))
    step = Step.objects.get(project=project, department=dept_a, code="training")
    # when the office issues a 警示单 by hand for work done badly
    notice = notice_services.notice_issue_by_hand(
        kind="warning",
        actor=office_user,
        title="培训覆盖面不足",
        body="请补充基层执行人员培训。",
        step=step,
    )
    # then it is numbered, level 1 of the step's ladder
    assert notice.number and notice.level == 1 and notice.department == dept_a
    # and it costs points in the round, naming itself
    round_ = evaluation_services.round_create(year=2026, actor=office_user)
    evaluation_services.round_propose_all(round=round_, actor=office_user)
    line = Deduction.objects.get(source_notice_id=notice.pk, kind="warning")
    assert line.points > 0 and notice.number in line.reason
    # and the scan escalates from it to level 2 once the step is overdue
    Step.objects.filter(pk=step.pk).update(due_on=timezone.localdate())
    later = timezone.localdate() + datetime.timedelta(days=30)
    notice_services.scan_due(today=later)
    levels = sorted(
        Notice.objects.filter(step=step, kind="warning").values_list("level", flat=True)
    )
    assert levels == [1, 2]


def test_hand_notification_on_project_goes_to_the_lead(launch, dept_a, office_user):
    project = launch()
    notice = notice_services.notice_issue_by_hand(
        kind="notification", actor=office_user, title="告知：补充材料", project=project
    )
    assert notice.kind == "notification" and notice.department == dept_a
    assert notice.number


def test_ranking_unaffected_by_office_steps(launch, dept_a, office_user, liaison):
    # given a project whose office steps exist; dept_a rated 优秀 everywhere
    project = launch(partner_departments=[])
    _approve_all(project, dept_a, liaison, office_user, rating="excellent")
    # when the round is proposed
    round_ = evaluation_services.round_create(year=2026, actor=office_user)
    evaluation_services.round_propose_all(
        round=round_, actor=office_user, today=datetime.date(2026, 12, 31)
    )
    # then the office has no sheet; dept_a's sheet covers its own steps only
    sheets = Evaluation.objects.filter(round=round_)
    assert list(sheets.values_list("department_id", flat=True)) == [dept_a.pk]
    codes = set(sheets.get().steps.values_list("code", flat=True))
    assert codes == {"training", "supporting_measures", "filing", "evaluation"} | {
        "closure"
    }
    rows = evaluation_selectors.ranking_rows(sheets, round_=round_)
    assert [r["grade"] for r in rows] == ["A"]


def test_migration_merges_department_rows_of_office_steps(
    office_user, office_dept, dept_a, dept_b, regulation
):
    # given a project as the first release made it: every department carries
    # 执行发起 and 通报, with their events
    import importlib

    from django.apps import apps

    from workflows.models import FlowTemplate

    project = ExecutionProject.objects.create(
        regulation=regulation,
        year=2026,
        flow="general",
        flow_template=FlowTemplate.objects.get(code="general"),
        lead_department=dept_a,
        starts_on=datetime.date(2026, 3, 2),
    )
    old = {}
    for dept in (dept_a, dept_b):
        for order, code in [(1, "launch"), (2, "training"), (6, "bulletin")]:
            old[(dept.pk, code)] = Step.objects.create(
                project=project,
                department=dept,
                code=code,
                name=code,
                order=order,
                duration_days=5,
                base_points=10,
                high_points=12,
                starts_on=datetime.date(2026, 3, 2),
                due_on=datetime.date(2026, 3, 9),
                status="approved" if code == "launch" else "open",
            )
            Event.objects.create(
                project=project,
                step=old[(dept.pk, code)],
                department=dept,
                action="open",
                to_status="open",
            )
    migration = importlib.import_module("workflows.migrations.0005_office_steps")

    class _AppsThen:
        """The app registry as the migration saw it: Department still lived in
        responsibilities (it moved to org in a later, state-only migration)."""

        def get_model(self, app_label, model_name):
            if (app_label, model_name) == ("responsibilities", "Department"):
                app_label = "org"
            return apps.get_model(app_label, model_name)

    # when
    migration.forwards(_AppsThen(), None)
    # then one office row per office step, keeping every event
    launch_rows = Step.objects.filter(project=project, code="launch")
    assert launch_rows.count() == 1
    row = launch_rows.get()
    assert (row.department_id, row.actor) == (office_dept.pk, "office")
    assert Event.objects.filter(step=row).count() == 2
    assert Step.objects.filter(project=project, code="bulletin").count() == 1
    # and department steps keep their rows with their actor
    training = Step.objects.filter(project=project, code="training")
    assert training.count() == 2
    assert set(training.values_list("actor", flat=True)) == {"lead"}


def test_flow_template_page_edits_the_actor(client, office_user):
    # given the 七步法's 配套 step (everyone's by default)
    from workflows.models import StepTemplate

    template = StepTemplate.objects.get(
        flow__code="general", code="supporting_measures"
    )
    assert template.actor == Actor.ALL
    client.force_login(office_user)
    url = f"/workflows/flows/{template.flow_id}/steps/{template.pk}/"
    page = client.get(url).content.decode()
    assert "执行主体" in page
    # when the office gives it to the lead alone
    response = client.post(
        url,
        {
            "code": template.code,
            "name": template.name,
            "step_actor": "lead",
            "duration_days": template.duration_days,
            "parallel": "on",
            "base_points": template.base_points,
            "high_points": template.high_points,
        },
    )
    # then
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.actor == Actor.LEAD


def test_launch_without_flow_takes_the_lead_list_flow(office_user, dept_a):
    # given a lead-list row that gives its regulation the simple flow
    from tests.factories import ResponsibilityFactory

    row = ResponsibilityFactory(department=dept_a, default_flow="simple")
    # when the office launches without choosing a flow
    project = services.project_launch(
        regulation=row.regulation,
        year=2026,
        lead_department=dept_a,
        flow_code="",
        starts_on=datetime.date(2026, 9, 1),
        actor=office_user,
    )
    # then 繁简分流 comes from the list
    assert project.flow == "simple"


@pytest.mark.parametrize(
    "partners,is_key,flow",
    [(0, False, "simple"), (1, False, "simple"), (2, False, "general")]
    + [(0, True, "general")],
)
def test_flow_by_rule_key_or_several_departments_take_seven_steps(
    partners, is_key, flow
):
    from responsibilities.services import flow_by_rule

    assert flow_by_rule(partner_count=partners, is_key=is_key) == flow


def test_hand_warning_on_an_inspection_problem(client, office_user, dept_a):
    # given a problem found by an inspection of dept_a
    from supervision import services as supervision

    inspection = supervision.inspection_record(
        actor=office_user,
        kind="open",
        inspected_on=datetime.date(2026, 9, 16),
        inspectors="区纪委 周涛",
        department=dept_a,
        summary="抽查台账",
    )
    problem = supervision.problem_record(
        actor=office_user,
        inspection=inspection,
        description="学习记录不完整",
        due_on=datetime.date(2026, 12, 15),
    )
    client.force_login(office_user)
    page = client.get(f"/supervision/inspections/{inspection.pk}/").content.decode()
    assert "签发通知单" in page
    # when the office issues a 警示单 on it from the page
    response = client.post(
        "/notices/hand/",
        {"kind": "warning", "title": "整改不到位", "problem": problem.pk},
    )
    # then a numbered 警示单 goes to the inspected department, naming the problem
    notice = Notice.objects.get(kind="warning")
    assert response.status_code == 302
    assert notice.department == dept_a and notice.number
    assert "学习记录不完整" in notice.body
