"""Creating notices: the outbox row is written in the caller's transaction and
its delivery is started after commit."""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from notices.models import Notice, NoticeEvent
from notices.services.numbering import number_allocate
from notices.services.rules import rule_current
from notices.services.tallies import notice_tallies_add
from notices.services.warned import warned_levels_record
from org.selectors import CITY_READ_ONLY, is_city, manages, reads_as_office
from workflows.calendar import add_working_days
from workflows.models import Receipt, Step

log = logging.getLogger(__name__)

K = Notice.Kind


def delivery_schedule(notice_id: int) -> None:
    """Start delivery of one notice once the current transaction commits.

    A broker that is down must not break the caller: the notice stays pending and
    the sweep re-queues it (robust on_commit, and the error is logged).
    """

    def _send():
        # Imported at call time: notices.tasks imports these services (a task
        # loads by id and calls a service), so a top-level import would be a cycle.
        from notices.tasks import deliver_notice

        try:
            deliver_notice.delay(notice_id)
        except Exception:  # noqa: BLE001 - any broker failure; the sweep retries
            log.exception("could not queue delivery of notice %s", notice_id)

    transaction.on_commit(_send, robust=True)


def _subject_filter(
    *, kind, level, step=None, receipt=None, source_notice=None
) -> dict | None:
    if step is not None and kind != K.ASSIGNMENT:
        return {"step": step, "kind": kind, "level": level}
    if receipt is not None:
        return {"receipt": receipt, "kind": kind, "level": level}
    if source_notice is not None:
        return {"source_notice": source_notice, "kind": kind, "level": level}
    return None


def _notice_write(
    *, kind, issued_on, actor, cc_departments, cc_text, title, **fields
) -> Notice:
    """The numbered row, its copies and its "create" event, all or nothing (a
    savepoint, so a duplicate leaves the caller's transaction usable); a
    warning raises its subject's warned_level / warned_on."""
    with transaction.atomic():
        serial, number = None, ""
        if kind != K.REMINDER:
            department = fields["department"]
            serial, number = number_allocate(
                kind=kind, year=issued_on.year, office_id=department.office_id
            )
        notice = Notice.objects.create(
            kind=kind,
            year=issued_on.year,
            serial=serial,
            number=number,
            title=title[:200],
            created_by=actor if getattr(actor, "pk", None) else None,
            issued_on=issued_on,
            cc_text=cc_text[:200],
            **fields,
        )
        if cc_departments:
            notice.cc_departments.set(cc_departments)
        NoticeEvent.objects.create(
            notice=notice,
            actor=notice.created_by,
            action="create",
            to_status=notice.status,
            reason=number,
        )
        warned_levels_record(notices=[notice])
        notice_tallies_add(notices=[notice])
    return notice


def notice_create(
    *,
    kind: str,
    department,
    title: str,
    body: str = "",
    due_on: datetime.date | None = None,
    actor=None,
    project=None,
    step=None,
    receipt=None,
    source_notice=None,
    level: int = 1,
    cc_departments=(),
    cc_text: str = "",
    issued_on: datetime.date | None = None,
) -> Notice | None:
    """Write one notice (numbered unless a reminder) and start its delivery.

    Returns None when the notice already exists for its (step | receipt | source
    notice, kind, level): the database constraint decides, so concurrent scans
    create it once. Side effects: a NoticeCounter increment, a NoticeEvent
    "create" row, delivery queued on commit; a warning raises its step's,
    receipt's or assignment's warned_level / warned_on; its office's
    NoticeTally of its kind counts it.
    """
    issued_on = issued_on or timezone.localdate()
    try:
        notice = _notice_write(
            kind=kind,
            department=department,
            title=title,
            body=body,
            due_on=due_on,
            actor=actor,
            project=project,
            step=step,
            receipt=receipt,
            source_notice=source_notice,
            level=level,
            cc_departments=cc_departments,
            cc_text=cc_text,
            issued_on=issued_on,
        )
    except IntegrityError:
        subject = _subject_filter(
            kind=kind,
            level=level,
            step=step,
            receipt=receipt,
            source_notice=source_notice,
        )
        if subject is not None and Notice.objects.filter(**subject).exists():
            return None  # raised before, by this or another scan
        raise
    delivery_schedule(notice.pk)
    return notice


def _steps_text(steps) -> str:
    lines = []
    for i, step in enumerate(steps, start=1):
        lines.append(f"{i}. {step.name}：{step.due_on:%Y年%m月%d日}前完成")
    return "\n".join(lines)


def notification_send_for_launch(*, project, actor) -> list[Notice]:
    """告知单 at launch: one per department of the project (lead + partners).

    Each lists that department's steps and deadlines and is linked to the
    department's Receipt; its answer is due when the receipt is. Called inside
    workflows.services.project_launch's transaction; running it twice adds
    nothing (one notification per receipt). Side effects: numbered Notice rows,
    NoticeEvent rows, delivery queued on commit.
    """
    departments = [project.lead_department, *project.partner_departments.all()]
    receipts = {
        r.department_id: r
        for r in Receipt.objects.filter(project=project).select_related("department")
    }
    steps_by_department: dict[int, list] = {}
    for step in Step.objects.filter(project=project).order_by("order", "id"):
        steps_by_department.setdefault(step.department_id, []).append(step)
    regulation = project.regulation
    notices = []
    seen = set()
    for department in departments:
        if department.pk in seen:
            continue
        seen.add(department.pk)
        receipt = receipts.get(department.pk)
        role = (
            "牵头执行部门"
            if department.pk == project.lead_department_id
            else "配合部门"
        )
        steps = steps_by_department.get(department.pk, [])
        body = (
            f"{department.name}：\n"
            f"根据{project.year}年度执规重点项目安排，你单位作为《{regulation.title}》"
            f"执行工作的{role}，承担以下任务：\n"
            f"{_steps_text(steps) or '（暂无分配步骤）'}\n"
        )
        if receipt is not None:
            body += f"请于{receipt.due_on:%Y年%m月%d日}前在线确认回执。"
        notice = notice_create(
            kind=K.NOTIFICATION,
            department=department,
            title=f"关于《{regulation.title}》执行工作的告知单",
            body=body,
            due_on=receipt.due_on if receipt else project.due_on,
            actor=actor,
            project=project,
            receipt=receipt,
        )
        if notice is not None:
            notices.append(notice)
    return notices


@transaction.atomic
def assignment_issue(
    *,
    department,
    title: str,
    body: str,
    due_on: datetime.date | None,
    actor,
    project=None,
    step=None,
) -> Notice:
    """交办单 issued by the office by hand, or from an inspection finding.

    `due_on` is when the 落实表 is due (default: the rule's working days from
    today). All or nothing. Side effects: a numbered Notice, a NoticeEvent,
    delivery on commit.
    """
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写交办单标题。")
    if department is None:
        raise DomainError("请选择接收单位。")
    if is_city(actor):
        raise NotAllowed(CITY_READ_ONLY)
    if reads_as_office(actor) and not manages(actor, department):
        # Office staff hand out to their own office's departments only (a city
        # office user to none).
        raise NotAllowed("该单位不属于本办公室，不能交办。")
    if step is not None and project is None:
        project = step.project
    if due_on is None:
        due_on = add_working_days(
            timezone.localdate(),
            rule_current(office_id=department.office_id).assignment_answer_days,
        )
    return notice_create(
        kind=K.ASSIGNMENT,
        department=department,
        title=title,
        body=body or "",
        due_on=due_on,
        actor=actor,
        project=project,
        step=step,
    )
