"""Demo data of the evaluation app (idempotent: what exists is left alone).

Seeds the default scoring standards and grade thresholds; for 2025 and 2026,
if those years have projects and no whole-year round yet, runs a round through
the services (propose from the record, review, publish) so the dashboard,
bulletin, credit history and API have content; once the 2025 round is published,
finishes last year's stragglers so 2025 is history (nothing of it stays open in
today's inboxes or scans). The 2026 year round is judged by 三家联评 (the office's
record-based score, the 组织部's and the 纪委监委's marks) and a satisfaction survey.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from config.tabular import Row
from evaluation import services
from evaluation.models import EvaluatingBody, EvaluationRound, ScoringStandard
from notices import demo as notices_demo
from org.models import Department
from workflows import demo as workflows_demo
from workflows import services as workflows_services
from workflows.models import ExecutionProject, Receipt, Step

DEMO_YEARS = (2025, 2026)


def _office_user():
    return (
        get_user_model()
        .objects.filter(membership__role="office")
        .order_by("id")
        .first()
    )


PAST_YEAR = 2025
PAST_YEAR_END = datetime.date(2025, 12, 31)


def _seed_past_year_projects(actor, stdout) -> None:
    """Last year's projects, so credit history and trends span two years.

    Played through the workflows services with the workflows demo's own helpers
    (launch, receipts, evidence, returns, approvals, then timestamps backdated),
    as seen at the end of that year.
    """
    if actor is None or ExecutionProject.objects.filter(year=PAST_YEAR).exists():
        return
    play, backdate = workflows_demo._play, workflows_demo._backdate
    rows = [
        r
        for r in workflows_services.project_bulk_launch_preview(
            year=PAST_YEAR, starts_on=datetime.date(PAST_YEAR, 3, 2)
        )
        if r.will_launch
    ][:24]
    liaisons: dict = {}
    for index, row in enumerate(rows):
        project = workflows_services.project_launch(
            regulation=row.regulation,
            year=PAST_YEAR,
            lead_department=row.lead_department,
            partner_departments=row.partner_departments,
            flow_code=row.flow_code,
            starts_on=datetime.date(PAST_YEAR, 2 + index % 7, 3),
            actor=actor,
        )
        play(project, index + 1, actor, liaisons, PAST_YEAR_END)
        backdate(project, PAST_YEAR_END)
    stdout.write(
        f"  评价：补录{PAST_YEAR}年度执行项目 {len(rows)} 个(用于历史信用评价)。"
    )


def _backdate_closed(year: int) -> None:
    """Projects the year's bulletin closed just now: date it like the rest of
    that year (timestamps only)."""
    for project in ExecutionProject.objects.filter(
        year=year, status=ExecutionProject.Status.CLOSED
    ):
        workflows_demo._backdate(project, PAST_YEAR_END)


QUARTERS_2026 = (2, 3)  # the office's quarterly rounds of this year
JOINT_YEAR = 2026  # the year round judged by 三家联评 with a satisfaction survey

# 三家联评 of the demo: the office's record-based score, the 组织部 and the
# 纪委监委 (the 60/20/20, with 10 of the office's points given to the
# public/enterprise survey of 多元互评 so the demo shows all four parts).
JOINT_BODIES = (
    ("区委办", EvaluatingBody.Kind.RECORD, None, "0.50"),
    ("区委组织部", EvaluatingBody.Kind.MARKS, "ZZB", "0.20"),
    ("区纪委监委", EvaluatingBody.Kind.MARKS, "JWJW", "0.20"),
    ("群众企业满意度", EvaluatingBody.Kind.SURVEY, None, "0.10"),
)
JOINT_COMMENTS = ("学法用法氛围浓厚", "制度执行较为规范", "整改落实仍需加强")


def _seed_joint_bodies(actor, stdout) -> None:
    """The current standards of both flows name the demo's bodies (a new
    version, so earlier rounds keep theirs)."""
    departments = {
        d.code: d for d in Department.objects.filter(code__in=["ZZB", "JWJW"])
    }
    # The demo runs the default office, whose standard is the default (全市默认).
    for standard in ScoringStandard.objects.filter(
        is_current=True, office__isnull=True
    ):
        if standard.bodies.exists():
            continue
        services.standard_bodies_set(
            standard=standard,
            bodies=[
                {
                    "name": name,
                    "kind": kind,
                    "department": departments.get(code),
                    "weight": weight,
                }
                for name, kind, code, weight in JOINT_BODIES
            ],
            actor=actor,
            note="三家联评：区委办、区委组织部、区纪委监委，加群众企业满意度",
        )
    stdout.write("  评价：评分标准设置三家联评评价主体和权重。")


def _seed_joint_marks(round_, actor, stdout) -> None:
    """Each marking body's marks of every ranked department (entered by the
    office on their behalf) and the satisfaction survey, imported as a sheet."""
    bodies = [
        b for b in services.round_bodies(round_) if b.kind == EvaluatingBody.Kind.MARKS
    ]
    departments = list(
        Department.objects.filter(
            pk__in=round_.evaluations.values("department_id"),
            kind__in=[Department.Kind.DISTRICT, Department.Kind.TOWN],
        ).order_by("code")
    )
    for index, department in enumerate(departments):
        for step, body in enumerate(bodies, start=1):
            services.body_mark_enter(
                round=round_,
                body=body,
                department=department,
                mark=Decimal(78 + (index * 7 + step * 5) % 20),
                comment=JOINT_COMMENTS[(index + step) % len(JOINT_COMMENTS)],
                actor=actor,
            )
    rows = [
        Row(
            {
                "单位名称": d.name,
                "满意": str(40 + (i * 3) % 15),
                "基本满意": str(8 + i % 5),
                "不满意": str(i % 4),
            },
            number=i + 2,
        )
        for i, d in enumerate(departments)
    ]
    report = services.survey_import(round=round_, rows=rows, actor=actor, commit=True)
    stdout.write(
        f"  评价：{round_.name}三家联评评分 {len(departments) * len(bodies)} 条，"
        f"满意度调查导入 {report.created} 个单位。"
    )


def _seed_rounds(actor, stdout) -> None:
    for year in DEMO_YEARS:
        periods = ([(year, q) for q in QUARTERS_2026] if year == 2026 else []) + [
            (year, 0)
        ]
        for _, quarter in periods:
            if EvaluationRound.objects.filter(year=year, quarter=quarter).exists():
                continue
            if not ExecutionProject.objects.filter(year=year).exists():
                stdout.write(f"  评价：{year}年没有执行项目，跳过该年度评价。")
                break
            label = EvaluationRound.Quarter(quarter).label
            if (year, quarter) == (JOINT_YEAR, 0):
                _seed_joint_bodies(actor, stdout)
            round_ = services.round_create(
                year=year,
                quarter=quarter,
                actor=actor,
                name=f"{year}年{label}党内法规执行评价",
            )
            today = PAST_YEAR_END if year == PAST_YEAR else None
            sheets = services.round_propose_all(round=round_, actor=actor, today=today)
            if (year, quarter) == (JOINT_YEAR, 0):
                _seed_joint_marks(round_, actor, stdout)
            services.round_review(round=round_, actor=actor)
            services.round_publish(round=round_, actor=actor)
            if year == PAST_YEAR:
                _backdate_closed(year)
            stdout.write(
                f"  评价：{round_.name}已发布(截至{round_.as_of:%Y-%m-%d})，"
                f"评分表 {sheets} 张。"
            )


def _finish_past_year(actor, stdout) -> None:
    """Last year is history: every 2025 project ends `completed`.

    Runs only after the year's round is published, so the frozen round keeps
    what the record said at the end of 2025. Through the workflows services
    with the workflows demo's helpers: open receipts confirmed by the
    department's liaison, open or returned steps worked, every step approved
    (which opens the next stages and completes the project), then the
    timestamps backdated into 2025 like the rest of that year. Idempotent:
    completed projects are left alone.
    """
    published = EvaluationRound.objects.filter(
        year=PAST_YEAR,
        quarter=0,
        status__in=[
            EvaluationRound.Status.PUBLISHED,
            EvaluationRound.Status.SUPERSEDED,
        ],
    )
    if actor is None or not published.exists():
        return
    projects = list(
        ExecutionProject.objects.filter(
            year=PAST_YEAR,
            status__in=[
                ExecutionProject.Status.ACTIVE,
                ExecutionProject.Status.COMPLETED,
            ],
        ).order_by("pk")
    )
    if not projects:
        return
    liaison_for, work = workflows_demo._liaison_for, workflows_demo._work
    backdate = workflows_demo._backdate
    liaisons: dict = {}
    pending_statuses = [Step.Status.OPEN, Step.Status.RETURNED, Step.Status.SUBMITTED]
    for project in projects:
        for receipt in Receipt.objects.filter(
            project=project, confirmed_at__isnull=True
        ).select_related("department"):
            workflows_services.receipt_confirm(
                receipt=receipt, actor=liaison_for(receipt.department, liaisons)
            )
        # Each approval may open the department's next stage: repeat until none.
        while pending := list(
            Step.objects.filter(project=project, status__in=pending_statuses)
            .select_related("department", "project__regulation")
            .order_by("department_id", "order")
        ):
            for step in pending:
                if step.status != Step.Status.SUBMITTED:
                    liaison = liaison_for(step.department, liaisons)
                    work(step, liaison, step.order, again=step.return_count > 0)
                workflows_services.step_approve(step=step, actor=actor)
        # Its 通报 went out with the year's bulletin: the project is 已闭环.
        for bulletin in Step.objects.filter(project=project, actor="office").exclude(
            status=Step.Status.APPROVED
        ):
            workflows_services.step_office_done(
                step=bulletin, actor=actor, reason=f"{PAST_YEAR}年度评价通报已印发"
            )
        backdate(project, PAST_YEAR_END)
    completed = ExecutionProject.objects.filter(
        pk__in=[p.pk for p in projects], status=ExecutionProject.Status.CLOSED
    ).count()
    stdout.write(
        f"  评价：{PAST_YEAR}年度评价发布后，办结该年度未完成项目 {completed} 个"
        f"(回执已确认、步骤全部审核通过、通报已完成，已闭环)。"
    )


def seed(*, stdout) -> None:
    actor = _office_user()
    services.grade_thresholds_ensure()
    for flow in ("general", "simple"):
        services.standard_ensure_default(flow_code=flow, actor=actor)
    _seed_past_year_projects(actor, stdout)
    _seed_rounds(actor, stdout)
    _finish_past_year(actor, stdout)
    # Credit records now exist: the scans see which departments a low grade
    # reminds earlier (notices.demo.scans_replay is idempotent).
    notices_demo.scans_replay(today=timezone.localdate())
