import datetime

import pytest

from config.errors import DomainError, NotAllowed
from notices.models import Notice
from responsibilities.models import ResponsibilityList
from tests.factories import DepartmentFactory, RegulationFactory, ResponsibilityFactory
from workflows import calendar, services
from workflows.models import Actor, Event, ExecutionProject, Receipt, Step, StepTemplate

pytestmark = pytest.mark.django_db
D = datetime.date


def test_project_launch_creates_receipts_and_steps_with_deadlines(
    launch, dept_a, dept_b, settings
):
    # given the default seven-step flow and a start on Tue Sep 1, 2026
    settings.RECEIPT_DUE_WORKING_DAYS = 3
    # when
    project = launch(starts_on=D(2026, 9, 1))
    # then: one receipt per department, due 3 working days later
    receipts = Receipt.objects.filter(project=project)
    assert {r.department_id for r in receipts} == {dept_a.pk, dept_b.pk}
    assert {r.due_on for r in receipts} == {D(2026, 9, 4)}
    # and the lead walks only its own steps of the seven: no office step
    steps = {s.code: s for s in project.steps.filter(department=dept_a)}
    assert list(steps) == [
        "training",
        "supporting_measures",
        "filing",
        "evaluation",
        "closure",
    ]
    partner = [s.code for s in project.steps.filter(department=dept_b)]
    assert partner == ["supporting_measures", "filing", "evaluation"]
    # the office's 执行发起 and 通报: one row each, owned by the office
    office_steps = project.steps.filter(actor=Actor.OFFICE)
    assert sorted(office_steps.values_list("code", flat=True)) == [
        "bulletin",
        "launch",
    ]
    assert {s.department.kind for s in office_steps} == {"office"}
    launch_step = office_steps.get(code="launch")
    # launch: 5 working days from Sep 1, done by the launch itself
    assert launch_step.due_on == D(2026, 9, 8)
    assert launch_step.status == Step.Status.APPROVED
    assert Event.objects.filter(step=launch_step, action="office_done").count() == 1
    # training counts from launch's planned end; supporting_measures runs in
    # parallel with training (same start)
    assert steps["training"].starts_on == D(2026, 9, 8)
    assert steps["supporting_measures"].starts_on == D(2026, 9, 8)
    assert steps["training"].due_on == calendar.add_working_days(D(2026, 9, 8), 15)
    # filing counts from the later end of the parallel pair (20 days, across
    # Mid-Autumn and National Day: Oct 12 is 20 working days after Sep 8)
    assert steps["supporting_measures"].due_on == D(2026, 10, 12)
    assert steps["filing"].starts_on == D(2026, 10, 12)
    # departments of a stage share its deadline
    filing_dates = {s.due_on for s in project.steps.filter(code="filing")}
    assert filing_dates == {steps["filing"].due_on}
    assert project.due_on == steps["closure"].due_on
    # each department's own first stage is open: the lead's training and
    # measures, the partner's measures
    opened = set(
        project.steps.filter(status=Step.Status.OPEN).values_list(
            "department_id", "code"
        )
    )
    assert opened == {
        (dept_a.pk, "training"),
        (dept_a.pk, "supporting_measures"),
        (dept_b.pk, "supporting_measures"),
    }
    assert Event.objects.filter(project=project, action="launch").count() == 1
    assert Event.objects.filter(project=project, action="open").count() == 3


def test_project_launch_sends_one_notification_per_department(launch):
    # given / when
    project = launch()
    # then
    notices = Notice.objects.filter(project=project, kind="notification")
    assert notices.count() == 2
    assert all(n.receipt_id for n in notices)


def test_project_launch_template_edit_applies_to_later_projects_only(
    launch, office_user, dept_a, dept_b
):
    # given a launched project
    first = launch()
    template = StepTemplate.objects.get(flow__code="general", code="launch")
    # when the office changes the template's duration
    services.step_template_update(
        step_template=template,
        actor=office_user,
        code="launch",
        name="执行发起(调整)",
        duration_days=10,
        base_points=10,
        high_points=12,
    )
    second = launch(regulation=RegulationFactory())
    # then the running project keeps its copy, the new one uses the edit
    old = first.steps.get(code="launch")
    new = second.steps.get(code="launch")
    assert (old.duration_days, old.name) == (5, "执行发起")
    assert (new.duration_days, new.name) == (10, "执行发起(调整)")


def test_project_launch_refuses_duplicate_and_non_office(launch, liaison, regulation):
    # given
    launch()
    # when / then
    with pytest.raises(DomainError, match="已经发起"):
        launch()
    with pytest.raises(NotAllowed):
        launch(regulation=RegulationFactory(), actor=liaison)
    assert ExecutionProject.objects.count() == 1


def test_project_launch_2027_start_uses_monday_to_friday(launch, dept_a):
    # given a start in 2027, a year the package does not know
    # when
    project = launch(starts_on=D(2027, 1, 1), year=2027)
    # then launch (5 days) from Fri Jan 1 ends Fri Jan 8
    step = project.steps.get(code="launch")
    assert step.due_on == D(2027, 1, 8)


def test_project_bulk_launch_creates_exactly_the_expected_steps(
    office_user, django_capture_on_commit_callbacks
):
    # given three lead rows: two flows, one already launched, one inactive
    lead1, lead2, partner = DepartmentFactory.create_batch(3)
    general = ResponsibilityFactory(department=lead1, default_flow="general")
    general.partner_departments.set([partner, lead1])  # lead listed twice
    simple = ResponsibilityFactory(department=lead2, default_flow="simple")
    done = ResponsibilityFactory(department=lead2)
    ResponsibilityFactory(department=lead1, is_active=False)
    ResponsibilityFactory(department=lead1, kind=ResponsibilityList.Kind.DRIVER)
    services.project_launch(
        regulation=done.regulation,
        year=2026,
        lead_department=lead2,
        flow_code="simple",
        starts_on=D(2026, 3, 2),
        actor=office_user,
    )
    # when previewing
    rows = services.project_bulk_launch_preview(year=2026, starts_on=D(2026, 11, 2))
    # then the launched one is skipped and says so
    assert [(r.regulation.pk, r.will_launch) for r in rows] == [
        (general.regulation_id, True),
        (simple.regulation_id, True),
        (done.regulation_id, False),
    ]
    assert rows[2].skip_reason == "2026年度已发起"
    # when launching every launchable row in the background (eager here)
    chosen = [r.responsibility.pk for r in rows if r.will_launch]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_launch_start(
            year=2026,
            starts_on=D(2026, 11, 2),
            responsibility_ids=chosen,
            actor=office_user,
        )
    job.refresh_from_db()
    # then: general = 2 office rows + lead 5 + partner 3; simple = 1 office row
    # + lead 2
    assert len(job.launched) == 2 and job.skipped == []
    projects = ExecutionProject.objects.filter(
        pk__in=[r["project"] for r in job.results]
    )
    by_reg = {p.regulation_id: p for p in projects}
    assert by_reg[general.regulation_id].flow == "general"
    assert by_reg[general.regulation_id].steps.count() == 10
    assert by_reg[simple.regulation_id].steps.count() == 3
    assert Step.objects.count() == 10 + 3 + 3
    assert Receipt.objects.count() == 2 + 1 + 1
    # and the same rows again launch nothing more, each skipped with its reason
    with django_capture_on_commit_callbacks(execute=True):
        again = services.bulk_launch_start(
            year=2026,
            starts_on=D(2026, 11, 2),
            responsibility_ids=chosen,
            actor=office_user,
        )
    again.refresh_from_db()
    assert again.launched == []
    assert [r["reason"] for r in again.skipped] == [
        "该法规2026年度的执行项目已经发起，不能重复发起。"
    ] * 2
    assert Step.objects.count() == 16
