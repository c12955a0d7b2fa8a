"""Demo: this year's execution projects, in several states, so the district is alive.

Launches every row of the lead list for the current year in waves with start dates
in the past, then plays each department's work through the services (receipts,
evidence, approvals, returns with reasons), so events and notices exist. Some
departments are late (red lights), some were returned, some wait for review, the
earliest projects are complete.

The services stamp everything "now"; afterwards the simulated history is
backdated (timestamps only, never a status) so timelines and lateness read as
if the work had happened over the year.

Idempotent: if the year already has projects nothing is done.
"""

import datetime
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from org import services as org_services
from org.models import Membership, Role
from workflows import services
from workflows.flows import seed_default_flows
from workflows.models import (
    Event,
    ExecutionProject,
    FlowTemplate,
    Receipt,
    Step,
    StepTemplate,
)

DEMO_PASSWORD = "zhigui2026"
RETURN_REASONS = [
    "培训签到表缺少参训人员签名，请补充后重新提交。",
    "配套制度未附正式印发文件，请补充文号和印发日期。",
    "备案回执日期与实际报送时间不一致，请核实。",
    "评价报告缺少问题清单和整改措施，请完善。",
    "执行方案未明确责任分工和时间节点，请细化。",
]
EXCELLENT_REASONS = [
    "培训覆盖到全部村社书记，做法被市委组织部转发推广。",
    "配套制度设计精细，被列为全市执规示范案例。",
    "自评报告问题找得准、整改措施具体，可作为范本。",
]
WITHDRAW_REASON = "该法规已被新修订版本替代，本年度改按新法规发起执行项目。"
# Start dates of the launch waves; row i of the lead list joins wave i % 5.
WAVE_OFFSETS_DAYS = [265, 200, 120, 45, 8]


def _office_user():
    membership = (
        Membership.objects.filter(role=Role.OFFICE, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _liaison_for(department, cache):
    """The department's liaison; a demo liaison is created where none exists."""
    if department.pk in cache:
        return cache[department.pk]
    membership = (
        Membership.objects.filter(role=Role.LIAISON, department=department)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    user = membership.user if membership else None
    if user is None:
        username = f"liaison_{department.code.lower().replace('-', '_')}"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = org_services.user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=Role.LIAISON,
                department=department,
                full_name=f"{department.name}联络员",
            )
    cache[department.pk] = user
    return user


def _profile(department) -> int:
    """A department's habit in the demo (stable across runs): 0 exemplary,
    1 good, 2-4 to standard, 5 sloppy."""
    return sum(map(ord, department.code)) % 6


def _rating(step, n: int) -> tuple[str, str]:
    """The office's rating of an approved step, by the department's habit."""
    profile = _profile(step.department)
    if profile == 0:
        if n % 8 == 0:
            return "excellent", EXCELLENT_REASONS[n % len(EXCELLENT_REASONS)]
        return "good", ""
    if profile == 1 and n % 2 == 0:
        return "good", ""
    return "pass", ""


def _approve(step, office, n: int) -> None:
    rating, reason = _rating(step, n)
    services.step_approve(step=step, actor=office, rating=rating, reason=reason)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed(*, stdout) -> None:
    seed_default_flows(FlowTemplate, StepTemplate)
    today = timezone.localdate()
    year = today.year
    if ExecutionProject.objects.filter(year=year).exists():
        stdout.write(f"执行项目：{year}年度已有项目，跳过。")
        return
    office = _office_user()
    if office is None:
        stdout.write("执行项目：没有区委办用户，跳过。")
        return
    rows = [
        r
        for r in services.project_bulk_launch_preview(year=year, starts_on=today)
        if r.will_launch
    ]
    if not rows:
        stdout.write("执行项目：牵头执行部门清单为空，跳过。")
        return
    liaisons: dict = {}
    projects = []
    for index, row in enumerate(rows):
        starts_on = today - timedelta(days=WAVE_OFFSETS_DAYS[index % 5])
        starts_on = max(starts_on, datetime.date(year, 1, 5))
        project = services.project_launch(
            regulation=row.regulation,
            year=year,
            lead_department=row.lead_department,
            partner_departments=row.partner_departments,
            flow_code=row.flow_code,
            starts_on=starts_on,
            actor=office,
        )
        _play(project, index, office, liaisons, today)
        _backdate(project, today)
        projects.append(project)
    # One project is withdrawn (撤销) with its reason: it leaves scores.
    # (Status from the database: playing a project may have closed it since.)
    withdrawn = (
        ExecutionProject.objects.filter(
            pk__in=[p.pk for p in projects], status=ExecutionProject.Status.ACTIVE
        )
        .order_by("-pk")
        .first()
    )
    if withdrawn is not None:
        services.project_withdraw(
            project=withdrawn, actor=office, reason=WITHDRAW_REASON
        )
    completed = ExecutionProject.objects.filter(
        year=year, status=ExecutionProject.Status.COMPLETED
    ).count()
    steps = Step.objects.filter(project__year=year)
    overdue = steps.filter(due_on__lt=today).exclude(status=Step.Status.APPROVED)
    stdout.write(
        f"执行项目：发起 {len(projects)} 个({year}年度)，已完成 {completed} 个；"
        f"步骤 {steps.count()} 个，其中逾期 {overdue.count()} 个、"
        f"退回 {steps.filter(status=Step.Status.RETURNED).count()} 个、"
        f"待审核 {steps.filter(status=Step.Status.SUBMITTED).count()} 个。"
    )


def _play(project, index, office, liaisons, today) -> None:
    """Each department works through its steps, more or less on time."""
    receipts = list(
        Receipt.objects.filter(project=project)
        .select_related("department")
        .order_by("id")
    )
    for j, receipt in enumerate(receipts):
        department = receipt.department
        sloppy = _profile(department) == 5
        exemplary = _profile(department) in (0, 1)
        never = sloppy or ((index + j) % 7 == 6 and not exemplary)
        if never and project.starts_on < today - timedelta(days=30):
            continue  # this department never answered: everything goes red
        liaison = _liaison_for(department, liaisons)
        if exemplary or (index + j) % 4 != 3:
            services.receipt_confirm(receipt=receipt, actor=liaison)
        lag_days = 0 if exemplary else 7 * ((index + 2 * j) % 3)
        while True:
            open_steps = list(
                Step.objects.filter(
                    project=project,
                    department=department,
                    status__in=[Step.Status.OPEN, Step.Status.RETURNED],
                ).order_by("order")
            )
            done_any = False
            for step in open_steps:
                if step.due_on + timedelta(days=lag_days) > today:
                    continue
                _work(step, liaison, index + j + step.order)
                if (index + j + step.order) % 6 == 0 and not exemplary:
                    services.step_return(
                        step=step,
                        actor=office,
                        reason=RETURN_REASONS[(index + step.order) % 5],
                    )
                    _work(step, liaison, 1, again=True)
                _approve(step, office, index + j + step.order)
                done_any = True
            if not done_any:
                break
        # The step now under way: waiting for review, returned, or still open.
        current = (
            Step.objects.filter(project=project, department=department)
            .filter(status=Step.Status.OPEN)
            .order_by("order")
            .first()
        )
        if current is None or current.starts_on >= today:
            continue
        outcome = (index + j) % 4
        if outcome in (0, 1):
            _work(current, liaison, index + j)
        if outcome == 1:
            services.step_return(
                step=current,
                actor=office,
                reason=RETURN_REASONS[(index + j) % 5],
            )


def _work(step, liaison, seed_number, again=False) -> None:
    text = (
        f"已按要求补充完善“{step.name}”相关材料。"
        if again
        else f"{liaison.first_name or '本单位'}：已完成“{step.name}”工作，材料见附件。"
    )
    files = []
    if step.code in {"launch", "filing", "implementation"} and not again:
        body = f"{step.project.regulation.title}\n{step.name}工作材料(演示)\n"
        files.append(
            SimpleUploadedFile(
                f"{step.name}材料.txt", body.encode("utf-8"), "text/plain"
            )
        )
    services.step_submit(step=step, actor=liaison, text=text, files=files)


def _backdate(project, today) -> None:
    """Move the simulated history's timestamps back to plausible moments."""
    now = timezone.now()

    def cap(moment):
        return min(moment, now - timedelta(minutes=5))

    launched = cap(_at(project.starts_on, 9))
    ExecutionProject.objects.filter(pk=project.pk).update(launched_at=launched)
    Event.objects.filter(project=project, step__isnull=True, action="launch").update(
        created_at=launched
    )
    for receipt in Receipt.objects.filter(
        project=project, confirmed_at__isnull=False
    ).select_related("department"):
        late = (receipt.department_id % 3) == 0 and _profile(receipt.department) > 1
        moment = cap(_at(project.starts_on + timedelta(days=5 if late else 1), 11))
        Receipt.objects.filter(pk=receipt.pk).update(confirmed_at=moment)
        Event.objects.filter(
            project=project, department=receipt.department, action="receipt"
        ).update(created_at=moment)
    last_approval = None
    steps = (
        Step.objects.filter(project=project)
        .select_related("department")
        .prefetch_related("events")
    )
    for step in steps:
        events = sorted(step.events.all(), key=lambda e: e.pk)
        if not events:
            continue
        opened = cap(_at(step.starts_on, 9))
        if step.status == Step.Status.APPROVED:
            late_days = 0 if _profile(step.department) < 2 else (step.pk % 3) * 2
            first_action = step.due_on - timedelta(days=3) + timedelta(days=late_days)
        else:
            first_action = min(step.due_on, today - timedelta(days=2))
        first_action = max(first_action, step.starts_on)
        moment = cap(_at(first_action, 10))
        fields = {}
        for event in events:
            if event.action == "open":
                when = opened
                fields["opened_at"] = when
            else:
                when = moment
                moment = cap(moment + timedelta(days=1))
                if event.action == "submit":
                    fields["submitted_at"] = when
                elif event.action in ("approve", "office_done"):
                    fields["approved_at"] = when
                    last_approval = max(last_approval or when, when)
            Event.objects.filter(pk=event.pk).update(created_at=when)
        Step.objects.filter(pk=step.pk).update(**fields)
        step.evidence.update(submitted_at=fields.get("submitted_at", now))
    if last_approval is not None:
        Event.objects.filter(project=project, action__in=["complete", "close"]).update(
            created_at=last_approval
        )
        ExecutionProject.objects.filter(
            pk=project.pk, completed_at__isnull=False
        ).update(completed_at=last_approval)
