"""通报: numbered circulars (评价通报 / 督查通报 / 问责通报).

Drafted from a published round, a set of inspections or accountability cases;
the office edits the draft, then issues it: it takes the next 期号 of its kind
and year (locked counter, like notices numbering), goes to the chosen
departments (or all) as 告知单 whose confirmation is the receipt, and a 评价通报
completes the 通报 step of the projects its round covers.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from config.statemachine import Move, StateMachine, register
from evaluation.models import Evaluation, EvaluationRound
from evaluation.selectors import bulletin
from notices.models import Notice
from notices.services import notice_create
from org.models import Department, Office
from org.selectors import CITY_READ_ONLY, is_city, is_office, office_of
from supervision.models import (
    Accountability,
    Circular,
    CircularCounter,
    CircularEvent,
    Inspection,
)
from workflows.calendar import add_working_days
from workflows.models import Actor, Step
from workflows.services import bulletin_done_for_projects

C = Circular.Status
K = Circular.Kind
# Working days a department has to confirm (签收) an issued circular.
RECEIPT_WORKING_DAYS = 3
RECIPIENT_KINDS = [Department.Kind.DISTRICT, Department.Kind.TOWN]


def _record(circular, action, from_status, to_status, actor, reason):
    CircularEvent.objects.create(
        circular=circular,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


CIRCULAR_MACHINE = register(
    StateMachine(
        model=Circular,
        moves={"issue": Move([C.DRAFT], C.ISSUED, "印发")},
        record=_record,
        noun="该通报",
    )
)


def number_format(*, year: int, serial: int, prefix: str = "") -> str:
    """南湖执规通〔2026〕第3期 (the prefix is the office's, as for notices)."""
    return f"{prefix or settings.NOTICE_NUMBER_PREFIX}通〔{year}〕第{serial}期"


def _number_allocate(*, office, kind: str, year: int) -> tuple[int, str]:
    """Next 期数 of `kind` in `year` for the office; runs inside the issuing
    transaction, which keeps the counter row locked until it ends (no repeat,
    no gap)."""
    CircularCounter.objects.get_or_create(office=office, kind=kind, year=year)
    counter = CircularCounter.objects.select_for_update().get(
        office=office, kind=kind, year=year
    )
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return counter.last_serial, number_format(
        year=year, serial=counter.last_serial, prefix=office.number_prefix
    )


def _ensure_office(actor) -> None:
    if is_city(actor):
        raise NotAllowed(CITY_READ_ONLY)
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以编辑和印发通报。")


# --- drafting --------------------------------------------------------------------


def _round_text(round_: EvaluationRound) -> tuple[str, str]:
    data = bulletin(round_=round_)
    lines = [f"现将{round_.name}结果通报如下。", ""]
    for kind, rows in data["by_kind"].items():
        lines.append(f"一、{kind}排名")
        for row in rows:
            lines.append(f"  第{row['rank']}名 {row['department']} {row['total']}分")
    for group in data["best_worst"]:
        best = "、".join(r["department"] for r in group["best"])
        worst = "、".join(r["department"] for r in group["worst"])
        if best:
            lines.append(f"{group['kind']}表现突出：{best}。")
        if worst:
            lines.append(f"{group['kind']}有待提升：{worst}。")
    if data["escalated"]:
        lines.append("列入通报的逾期事项：")
        for step in data["escalated"]:
            lines.append(
                f"  {step.department.name} {step.project.regulation} {step.name}"
            )
    return f"关于{round_.name}结果的通报", "\n".join(lines)


def _inspections_text(inspections) -> tuple[str, str]:
    lines = ["现将近期明察暗访情况通报如下。", ""]
    for number, inspection in enumerate(inspections, 1):
        lines.append(
            f"{number}. {inspection.inspected_on:%Y年%m月%d日}"
            f"{inspection.get_kind_display()}{inspection.department.name}："
            f"{inspection.summary or '已检查'}"
        )
        for problem in inspection.problems.all():
            lines.append(
                f"   发现问题：{problem.description}（{problem.get_status_display()}）"
            )
    return "关于党内法规执行情况督查的通报", "\n".join(lines)


def _accountability_text(cases) -> tuple[str, str]:
    lines = ["现将近期执规追责问责情况通报如下。", ""]
    for number, case in enumerate(cases, 1):
        lines.append(
            f"{number}. {case.department.name}{case.person}："
            f"{case.get_action_display()}（{case.decided_on:%Y年%m月%d日}）。{case.note}"
        )
    return "关于党内法规执行追责问责情况的通报", "\n".join(lines)


@transaction.atomic
def circular_draft(
    *,
    actor,
    kind: str,
    year: int | None = None,
    round: EvaluationRound | None = None,  # noqa: A002 - the round it reports
    inspections=(),
    accountabilities=(),
) -> Circular:
    """Draft a circular from its source, with a generated title and text the
    office then edits. Side effects: a Circular (draft) and its links."""
    _ensure_office(actor)
    office = office_of(actor) or Office.default()
    if kind == K.EVALUATION:
        if round is None or round.status != EvaluationRound.Status.PUBLISHED:
            raise DomainError("评价通报须选择一个已发布的评价轮次。")
        if round.office_id != office.pk:
            raise DomainError("只能通报本办公室的评价轮次。")
        title, body = _round_text(round)
        year = round.year
    elif kind == K.INSPECTION:
        inspections = list(
            Inspection.objects.filter(pk__in=[i.pk for i in inspections])
            .select_related("department")
            .prefetch_related("problems")
            .order_by("inspected_on", "id")
        )
        if not inspections:
            raise DomainError("督查通报须至少选择一次明察暗访。")
        title, body = _inspections_text(inspections)
        year = year or inspections[-1].inspected_on.year
    elif kind == K.ACCOUNTABILITY:
        accountabilities = list(
            Accountability.objects.filter(pk__in=[a.pk for a in accountabilities])
            .select_related("department")
            .order_by("decided_on", "id")
        )
        if not accountabilities:
            raise DomainError("问责通报须至少选择一条追责问责记录。")
        title, body = _accountability_text(accountabilities)
        year = year or accountabilities[-1].decided_on.year
    else:
        raise DomainError("通报类别不正确。")
    circular = Circular.objects.create(
        office=office,
        kind=kind,
        year=year or timezone.localdate().year,
        title=title,
        body=body,
        round=round if kind == K.EVALUATION else None,
        created_by=actor,
    )
    if kind == K.INSPECTION:
        circular.inspections.set(inspections)
    if kind == K.ACCOUNTABILITY:
        circular.accountabilities.set(accountabilities)
    _record(circular, "draft", "", C.DRAFT, actor, "")
    return circular


@transaction.atomic
def circular_update(
    *, actor, circular: Circular, title: str, body: str, to_all: bool, departments=()
) -> Circular:
    """The office edits a draft. Side effects: the draft's text and recipients."""
    _ensure_office(actor)
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    if circular.status != C.DRAFT:
        raise DomainError("通报已印发，不能再修改。")
    if not (title or "").strip():
        raise DomainError("请填写通报标题。")
    departments = list(departments)
    if not to_all and not departments:
        raise DomainError("请选择发送单位，或选择发至全部单位。")
    if any(d.office_id != circular.office_id for d in departments):
        raise DomainError("通报只能发送给本办公室的单位。")
    circular.title = title.strip()[:200]
    circular.body = body or ""
    circular.to_all = to_all
    circular.save(update_fields=["title", "body", "to_all", "updated_at"])
    circular.departments.set([] if to_all else departments)
    return circular


# --- issuing -----------------------------------------------------------------------


def circular_recipients(circular: Circular):
    if circular.to_all:
        return Department.objects.filter(
            office_id=circular.office_id, is_active=True, kind__in=RECIPIENT_KINDS
        ).order_by("kind", "sort_order", "code")
    return circular.departments.filter(is_active=True).order_by("sort_order", "code")


def circular_issued_complete_bulletin_steps(*, project_ids, actor, circular) -> dict:
    """Issuing a 评价通报 does the office's 通报 step of each covered project
    whose department steps are all approved, and the project closes
    (workflows.services.bulletin_done_for_projects; a round's publication did
    the same for what was complete then). Projects still under way keep their
    通报 open for a later circular. Side effects: office steps approved,
    projects closed, Event rows."""
    project_ids = list(project_ids)
    closed = bulletin_done_for_projects(
        project_ids=project_ids, actor=actor, reason=f"已印发{circular.number}"
    )
    steps = Step.objects.filter(
        project_id__in=project_ids, code="bulletin", actor=Actor.OFFICE
    ).values_list("pk", "status")
    done = [pk for pk, status in steps if status == Step.Status.APPROVED]
    waiting = [pk for pk, status in steps if status != Step.Status.APPROVED]
    return {"completed": done, "waiting": waiting, "closed": closed}


@transaction.atomic
def circular_issue(
    *, actor, circular: Circular, today: datetime.date | None = None
) -> Circular:
    """Issue a draft: its 期号, a 告知单 (with receipt) to each recipient, and
    for a 评价通报 the covered projects' 通报 steps completed.

    Side effects: the counter row incremented (locked), the circular -> issued
    with a CircularEvent, one Notice per recipient (delivered after commit),
    the `bulletin` steps' approvals.
    """
    _ensure_office(actor)
    today = today or timezone.localdate()
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    if circular.status != C.DRAFT:
        CIRCULAR_MACHINE.apply(circular, action="issue", actor=actor)  # refuses
    recipients = list(circular_recipients(circular))
    if not recipients:
        raise DomainError("没有可发送的单位。")
    serial, number = _number_allocate(
        office=circular.office, kind=circular.kind, year=circular.year
    )
    CIRCULAR_MACHINE.apply(
        circular,
        action="issue",
        actor=actor,
        fields={
            "serial": serial,
            "number": number,
            "issued_on": today,
            "issued_by": actor,
        },
    )
    due = add_working_days(today, RECEIPT_WORKING_DAYS)
    created = []
    for department in recipients:
        notice = notice_create(
            kind=Notice.Kind.NOTIFICATION,
            department=department,
            title=f"{number} {circular.title}"[:200],
            body=f"{circular.get_kind_display()} {number}\n\n{circular.body}",
            due_on=due,
            actor=actor,
            issued_on=today,
        )
        if notice is not None:
            created.append(notice)
    circular.notices.add(*created)
    if circular.kind == K.EVALUATION and circular.round_id:
        projects = (
            Evaluation.objects.filter(round_id=circular.round_id)
            .values_list("project_id", flat=True)
            .distinct()
        )
        circular_issued_complete_bulletin_steps(
            project_ids=list(projects), actor=actor, circular=circular
        )
    return circular
