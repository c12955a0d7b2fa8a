"""The rectification loop (整改闭环) of a problem found by an inspection.

open -> assigned (its 交办单 issued) -> answered (the department's 落实表) ->
rectified (the office accepted the 落实表; dated). Past its due date without
acceptance a problem goes overdue and its department gets a 警示单 (level 1 of
the notices ladder, on the 交办单 when there is one, so the notices scan
escalates it like any unanswered assignment). The office may close a problem
unresolved.

notices may not import supervision: it calls `problem_answer_for_assignment` /
`problem_rectify_for_assignment` through its hook registry (notices.hooks,
filled in SupervisionConfig.ready) after the 落实表's transaction commits; the
daily scan re-applies an acceptance a failed hook missed.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.utils import timezone

from notices.models import ImplementationReport, Notice
from notices.services import notice_create
from notices.services import rule_current as notice_rule
from supervision.models import Problem
from supervision.services.records import OPEN_STATES, PROBLEM_MACHINE, _problem_move
from workflows.calendar import add_working_days

P = Problem.Status


def _actor(actor_id):
    if actor_id is None:
        return None
    return get_user_model().objects.filter(pk=actor_id).first()


def problem_answer_for_assignment(
    *, notice_id: int, actor_id: int | None = None, on=None
) -> Problem | None:
    """The department sent the 落实表 of a problem's 交办单: 已反馈.
    Side effects: the move and its SupervisionEvent (none if not assigned)."""
    problem = Problem.objects.filter(assignment_id=notice_id).first()
    if problem is None or not PROBLEM_MACHINE.allowed(problem, "answer"):
        return None
    return _problem_move(
        problem, action="answer", actor=_actor(actor_id), reason="已报送落实表"
    )


def problem_rectify_for_assignment(
    *, notice_id: int, actor_id: int | None = None, on: datetime.date | None = None
) -> Problem | None:
    """The office accepted the 落实表 of a problem's 交办单: rectified on `on`
    (the day of acceptance). Side effects: the move and its SupervisionEvent;
    nothing when the problem is already rectified or closed."""
    problem = Problem.objects.filter(assignment_id=notice_id).first()
    if problem is None or not PROBLEM_MACHINE.allowed(problem, "rectify"):
        return None
    return _problem_move(
        problem,
        action="rectify",
        actor=_actor(actor_id),
        reason="交办单落实表已审核通过",
        on=on or timezone.localdate(),
    )


def _reconcile_accepted(counts) -> None:
    """Rectify problems whose 交办单 is accepted but whose hook did not run."""
    missed = (
        Problem.objects.filter(
            status__in=OPEN_STATES + [P.OVERDUE],
            assignment__status=Notice.Status.ACCEPTED,
        )
        .annotate(
            accepted_at=Max(
                "assignment__reports__reviewed_at",
                filter=Q(
                    assignment__reports__status=ImplementationReport.Status.ACCEPTED
                ),
            )
        )
        .order_by("id")
    )
    for problem in missed:
        on = (
            timezone.localtime(problem.accepted_at).date()
            if problem.accepted_at
            else timezone.localdate()
        )
        problem_rectify_for_assignment(notice_id=problem.assignment_id, on=on)
        counts["rectified_late_hook"] += 1


def _warn(problem: Problem, today: datetime.date) -> bool:
    """One 警示单 per overdue problem (claimed by a conditional UPDATE)."""
    claimed = Problem.objects.filter(pk=problem.pk, warned_on__isnull=True).update(
        warned_on=today
    )
    if claimed != 1:
        return False
    inspection = problem.inspection
    department = inspection.department
    due = add_working_days(today, notice_rule().warning_answer_days)
    number = problem.assignment.number if problem.assignment_id else ""
    notice_create(
        kind=Notice.Kind.WARNING,
        department=department,
        title=f"警示：问题整改逾期{f'（交办单{number}）' if number else ''}",
        body=(
            f"{department.name}：\n{inspection.inspected_on:%Y年%m月%d日}"
            f"{inspection.get_kind_display()}发现的问题“{problem.description}”"
            f"应于{problem.due_on:%Y年%m月%d日}前整改到位，至今未通过审核。"
            f"\n请于{due:%Y年%m月%d日}前报送落实表。"
        ),
        due_on=due,
        level=1,
        project=inspection.project,
        source_notice=problem.assignment,
        issued_on=today,
    )
    return True


def problems_expire(*, today: datetime.date) -> dict:
    """Problems past due without acceptance: 逾期, and a 警示单 to the
    department, once. Reads only problems due before today."""
    counts = {"problems_overdue": 0, "problem_warnings": 0, "rectified_late_hook": 0}
    _reconcile_accepted(counts)
    due = Problem.objects.filter(status__in=OPEN_STATES, due_on__lt=today)
    for problem in due.order_by("due_on", "id"):
        PROBLEM_MACHINE.apply(
            problem, action="expire", reason=f"超过整改时限{problem.due_on}"
        )
        counts["problems_overdue"] += 1
    late = Problem.objects.filter(
        status=P.OVERDUE, warned_on__isnull=True
    ).select_related("inspection__department", "inspection__project", "assignment")
    for problem in late.order_by("due_on", "id"):
        counts["problem_warnings"] += int(_warn(problem, today))
    return counts
