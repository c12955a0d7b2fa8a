"""催办: the office sends an immediate in-app reminder on a late step."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from notices.models import Notice
from notices.services.issue import notice_create
from org.selectors import is_office
from workflows.models import Event, Step

K = Notice.Kind

# Steps the department still has to act on; a step waiting for review is the
# office's to move, so it is not urged.
URGEABLE = {Step.Status.OPEN, Step.Status.RETURNED}


def step_is_late(step: Step, today=None) -> bool:
    today = today or timezone.localdate()
    return step.status in URGEABLE and step.due_on < today


def step_urge(*, step: Step, actor, today=None) -> Notice:
    """The office urges the department on a late step, at most once a day.

    The reminder (提醒, unnumbered, no score) takes the step's next reminder
    level, so the once-per-(step, kind, level) constraint still holds and the
    scan's own reminder is never taken over. Side effects: a reminder Notice
    with its NoticeEvent and delivery on commit (notice_create); an Event
    `urge` on the step.
    """
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以催办。")
    today = today or timezone.localdate()
    if step.actor == "office":
        raise DomainError("区委办自己的步骤不能催办。", code="office_step")
    with transaction.atomic():
        # one urge at a time per step: the lock makes the daily check and the
        # next level safe when two staff click together
        step = (
            Step.objects.select_for_update(of=("self",))
            .select_related("project__regulation", "department")
            .get(pk=step.pk)
        )
        if not step_is_late(step, today):
            raise DomainError("只有逾期未完成的步骤可以催办。", code="not_late")
        reminders = Notice.objects.filter(step=step, kind=K.REMINDER)
        if reminders.filter(issued_on=today, created_by__isnull=False).exists():
            raise DomainError(
                "今天已催办过该步骤，每个步骤每天只能催办一次。", code="urged_today"
            )
        level = (reminders.aggregate(m=Max("level"))["m"] or 0) + 1
        days = (today - step.due_on).days
        notice = notice_create(
            kind=K.REMINDER,
            department=step.department,
            title=f"催办：“{step.name}”已逾期{days}天",
            body=(
                f"{step.department.name}：\n你单位承担的《{step.project.regulation.title}》"
                f"执行项目“{step.name}”步骤已于{step.due_on:%Y年%m月%d日}到期，"
                "至今未完成，请立即办理并报送佐证材料。"
            ),
            due_on=step.due_on,
            actor=actor,
            project=step.project,
            step=step,
            level=level,
            issued_on=today,
        )
        if notice is None:
            raise DomainError(
                "今天已催办过该步骤，每个步骤每天只能催办一次。", code="urged_today"
            )
        Event.objects.create(
            project_id=step.project_id,
            step_id=step.pk,
            department_id=step.department_id,
            actor=actor,
            action="urge",
            reason=notice.title,
        )
    return notice
