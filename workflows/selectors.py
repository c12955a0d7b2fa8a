"""Reads of the workflows app, always scoped by the user.

Traffic lights are computed by the database (Case/When on due_on), so lists
can filter and count them without a Python loop over rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.api import CountedRows
from config.filters import filter_apply, filter_values
from org.models import Department
from org.selectors import (
    department_of,
    office_filter,
    role_of,
    scope_to_user,
    sees_everything,
    sees_office,
    stored_count_offices,
    visible_department_ids,
)
from responsibilities.models import ResponsibilityList
from workflows import calendar
from workflows.filters import ProjectFilter, StepFilter
from workflows.models import (
    Event,
    Evidence,
    EvidenceFile,
    ExecutionProject,
    ExtensionRequest,
    Receipt,
    Step,
    StepTally,
)

GREEN, YELLOW, RED = "green", "yellow", "red"
LIGHT_LABELS = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯"}


def yellow_until(today: datetime.date | None = None) -> datetime.date:
    """Steps due on or before this date (and not late) are yellow."""
    today = today or timezone.localdate()
    return calendar.add_working_days(today, settings.TRAFFIC_LIGHT_YELLOW_DAYS)


def light_case(prefix: str = "", *, today: datetime.date | None = None) -> Case:
    """red: late and not approved; yellow: due within N working days; else green."""
    today = today or timezone.localdate()
    return Case(
        When(
            **{f"{prefix}status__in": [Step.Status.APPROVED, Step.Status.CANCELLED]},
            then=Value(GREEN),
        ),
        When(**{f"{prefix}due_on__lt": today}, then=Value(RED)),
        When(**{f"{prefix}due_on__lte": yellow_until(today)}, then=Value(YELLOW)),
        default=Value(GREEN),
        output_field=CharField(),
    )


def _receipt(field: str):
    return Subquery(
        Receipt.objects.filter(
            project_id=OuterRef("project_id"), department_id=OuterRef("department_id")
        ).values(field)[:1]
    )


def step_list(*, user, filters=None, strict: bool = True, today=None) -> QuerySet[Step]:
    """Steps the user may see, with `light` and `receipt_confirmed_at`;
    `filters` (query parameters) through StepFilter, see filter_apply."""
    qs = scope_to_user(Step.objects.all(), user=user)
    qs = qs.select_related("project__regulation", "department").annotate(
        light=light_case(today=today),
        receipt_confirmed_at=_receipt("confirmed_at"),
        receipt_pk=_receipt("pk"),
    )
    return filter_apply(StepFilter, qs, filters, strict=strict, today=today).order_by(
        "due_on", "project_id", "order", "id"
    )


STEP_API_FIELDS = (
    "id", "project_id", "department_id", "department__name", "code", "name",
    "order", "actor", "status", "rating", "starts_on", "due_on", "light",
    "receipt_confirmed_at", "submitted_at", "approved_at", "return_count",
)  # fmt: skip


def step_rows(*, user, filters=None, today=None) -> QuerySet:
    """step_list() as plain values (the steps/ API): no model instances, and
    neither the project nor its regulation is read."""
    return step_list(user=user, filters=filters, today=today).values(*STEP_API_FIELDS)


def step_count(*, user, filters, steps: QuerySet):
    """The number of `steps` (step_rows for `user` and `filters`), as a
    function the paginator calls.

    For an office-wide reader without filters: the offices' stored counts
    (StepTally) summed, and a live COUNT only for offices not counted yet; a
    few rows read instead of every step of a city or a province. It holds
    because such a reader's scope is the steps of its offices' departments,
    which is what each office's tally counts. Any filter (statuses, lights
    and deadlines move every day) or any other reader counts live."""
    offices = stored_count_offices(user)
    if offices is None or filter_values(StepFilter, filters) != {}:
        return steps.count

    def count() -> int:
        stored = dict(
            StepTally.objects.filter(office_id__in=offices).values_list(
                "office_id", "steps"
            )
        )
        uncounted = [pk for pk in offices if pk not in stored]
        total = sum(stored.values())
        if uncounted:
            total += Step.objects.filter(department__office_id__in=uncounted).count()
        return total

    return count


def step_page_rows(*, user, filters=None, today=None) -> CountedRows:
    """step_rows() to paginate (the steps/ API), counted by step_count."""
    rows = step_rows(user=user, filters=filters, today=today)
    return CountedRows(rows, count=step_count(user=user, filters=filters, steps=rows))


PROJECT_API_FIELDS = (
    "id", "regulation_id", "regulation__title", "year", "flow",
    "lead_department_id", "starts_on", "status", "due_on", "light",
    "steps_total", "steps_approved", "completed_at",
)  # fmt: skip


def project_rows(*, user, filters=None, today=None) -> QuerySet:
    """project_list() as plain values (the projects/ API): only the counts
    the API shows are computed; project_partners() adds the partners."""
    return project_list(user=user, filters=filters, today=today).values(
        *PROJECT_API_FIELDS
    )


def project_partners(project_ids) -> dict[int, list[int]]:
    """The partner departments of each project, in the departments' order
    (one query)."""
    through = ExecutionProject.partner_departments.through
    ordering = [f"department__{f}" for f in Department._meta.ordering]
    partners = defaultdict(list)
    rows = (
        through.objects.filter(executionproject_id__in=project_ids)
        .order_by(*ordering)
        .values_list("executionproject_id", "department_id")
    )
    for project, department in rows:
        partners[project].append(department)
    return partners


def _visible_project_ids(user):
    return Step.objects.filter(department_id__in=visible_department_ids(user)).values(
        "project_id"
    )


def _step_count(steps: QuerySet[Step], condition: Q | None = None) -> Subquery:
    """COUNT of the project's steps (matching `condition`), as a correlated
    subquery: evaluated only for the rows a page shows, after LIMIT, on the
    index of steps by project."""
    if condition is not None:
        steps = steps.filter(condition)
    return Subquery(
        steps.order_by().values("project_id").annotate(n=Count("id")).values("n")[:1],
        output_field=IntegerField(),
    )


def project_list(*, user, filters=None, strict: bool = True, today=None):
    """Projects the user may see, with step counts and the worst light;
    `filters` (query parameters) through ProjectFilter, see filter_apply.

    Counts cover the steps the user may see (all of them for office staff).
    They are correlated subqueries, not a GROUP BY over the join with every
    step: a page counts the steps of its own rows only (after LIMIT), and
    `.count()` drops them (Django leaves out unused annotations), so it counts
    projects alone.
    """
    today = today or timezone.localdate()
    qs = ExecutionProject.objects.all()
    steps = Step.objects.filter(project_id=OuterRef("pk"))
    if sees_office(user):
        # An office's projects are its own (ExecutionProject.office), as are
        # their steps' departments: one indexed equality.
        qs = qs.filter(office_filter(user))
    elif not sees_everything(user):
        qs = qs.filter(pk__in=_visible_project_ids(user))
        steps = steps.filter(department_id__in=visible_department_ids(user))
    done = Q(status=Step.Status.APPROVED)
    red = ~done & Q(due_on__lt=today)
    yellow = ~done & Q(due_on__gte=today, due_on__lte=yellow_until(today))
    zero = Value(0)
    qs = qs.select_related("regulation", "lead_department").annotate(
        steps_total=Coalesce(_step_count(steps), zero),
        steps_approved=Coalesce(_step_count(steps, done), zero),
        steps_submitted=Coalesce(
            _step_count(steps, Q(status=Step.Status.SUBMITTED)), zero
        ),
        steps_red=Coalesce(_step_count(steps, red), zero),
        steps_yellow=Coalesce(_step_count(steps, yellow), zero),
    )
    # The light from the counts, not EXISTS: PostgreSQL may run an EXISTS in
    # the select list as one hashed pass over every overdue step of the
    # deployment (it prices it for all rows, not the page's LIMIT); a scalar
    # subquery is always probed per shown row on the steps' project index.
    qs = qs.annotate(
        light=Case(
            When(steps_red__gt=0, then=Value(RED)),
            When(steps_yellow__gt=0, then=Value(YELLOW)),
            default=Value(GREEN),
            output_field=CharField(),
        ),
        progress=Case(
            When(steps_total=0, then=Value(0)),
            default=100 * F("steps_approved") / F("steps_total"),
            output_field=IntegerField(),
        ),
    )
    return filter_apply(ProjectFilter, qs, filters, strict=strict).order_by(
        "-year", "id"
    )


def regulation_deletion_refusal(*, regulation) -> str | None:
    """Why the catalogue may not delete this regulation, if a project executes it."""
    if ExecutionProject.objects.filter(regulation=regulation).exists():
        return "该法规已有执行项目，不能删除；如已失效，请标记为“已废止”"
    return None


def project_get(*, user, pk) -> ExecutionProject:
    """One project the user may see, else ExecutionProject.DoesNotExist."""
    qs = ExecutionProject.objects.select_related(
        "regulation", "lead_department", "flow_template", "launched_by"
    )
    if sees_office(user):
        qs = qs.filter(office_filter(user))
    elif not sees_everything(user):
        qs = qs.filter(pk__in=_visible_project_ids(user))
    return qs.get(pk=pk)


def project_steps(*, project, user, today=None) -> QuerySet[Step]:
    """The steps of one project the user may see, with light and receipt."""
    return step_list(user=user, today=today).filter(project=project)


def project_departments(*, project, user) -> list[Department]:
    """Lead first, then partners, limited to what the user may see."""
    receipts = Receipt.objects.filter(project=project).select_related("department")
    receipts = scope_to_user(receipts, user=user).order_by("id")
    return [r.department for r in receipts]


def project_receipts(*, project, user) -> QuerySet[Receipt]:
    return scope_to_user(
        Receipt.objects.filter(project=project).select_related(
            "department", "confirmed_by"
        ),
        user=user,
    ).order_by("id")


def project_events(*, project, user) -> QuerySet[Event]:
    """The timeline: project-level events and events of visible departments."""
    qs = Event.objects.filter(project=project).select_related(
        "actor", "department", "step"
    )
    if not sees_everything(user):
        qs = qs.filter(
            Q(department__isnull=True)
            | Q(department_id__in=visible_department_ids(user))
        )
    return qs.order_by("created_at", "id")


def step_get(*, user, pk, today=None) -> Step:
    """One step the user may see (with light), else Step.DoesNotExist."""
    return step_list(user=user, today=today).get(pk=pk)


def step_evidence(*, step) -> QuerySet[Evidence]:
    return (
        Evidence.objects.filter(step=step)
        .select_related("submitted_by")
        .prefetch_related(
            Prefetch("files", queryset=EvidenceFile.objects.order_by("id"))
        )
        .order_by("-submitted_at", "-id")
    )


def evidence_file_get(*, user, pk) -> EvidenceFile:
    """A file the user may download: its step must be visible to the user."""
    qs = scope_to_user(
        EvidenceFile.objects.select_related("evidence__step"),
        user=user,
        field="evidence__step__department",
    )
    return qs.get(pk=pk)


def inbox_for(*, user, today=None) -> dict:
    """A liaison's to-do list: receipts to confirm and steps to work on.

    Only the user's own department (the one they may act for); returned steps
    first, then by deadline.
    """
    department = department_of(user)
    if department is None or role_of(user) != "liaison":
        return {"receipts": Receipt.objects.none(), "steps": Step.objects.none()}
    receipts = (
        Receipt.objects.filter(department=department, confirmed_at__isnull=True)
        .exclude(project__status=ExecutionProject.Status.WITHDRAWN)
        .select_related("project__regulation")
        .order_by("due_on", "id")
    )
    steps = (
        step_list(user=user, today=today)
        .filter(
            department=department,
            status__in=[Step.Status.OPEN, Step.Status.RETURNED, Step.Status.SUBMITTED],
        )
        .annotate(
            returned_first=Case(
                When(status=Step.Status.RETURNED, then=Value(0)),
                When(status=Step.Status.OPEN, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            last_return_reason=Subquery(
                Event.objects.filter(step_id=OuterRef("pk"), action="return")
                .order_by("-created_at", "-id")
                .values("reason")[:1]
            ),
        )
        .order_by("returned_first", "due_on", "id")
    )
    return {"receipts": receipts, "steps": steps}


def review_queue(*, user, today=None) -> QuerySet[Step]:
    """Submitted steps waiting for the office's review, oldest first."""
    return (
        step_list(user=user, today=today)
        .filter(status=Step.Status.SUBMITTED)
        .order_by("submitted_at", "id")
    )


def has_unconfirmed_receipt(step) -> bool:
    return Receipt.objects.filter(
        project_id=step.project_id,
        department_id=step.department_id,
        confirmed_at__isnull=True,
    ).exists()


def step_light_counts(*, user, year: int, today=None) -> dict[str, int]:
    """How many of the year's visible steps are red, yellow, green (one query)."""
    rows = (
        scope_to_user(Step.objects.filter(project__year=year), user=user)
        .annotate(light=light_case(today=today))
        .order_by()
        .values("light")
        .annotate(n=Count("id"))
    )
    counts = {GREEN: 0, YELLOW: 0, RED: 0}
    counts.update({row["light"]: row["n"] for row in rows})
    return counts


def extension_queue(*, user) -> QuerySet:
    """延期申请 awaiting the office's answer, oldest first, scoped to the user."""
    qs = scope_to_user(ExtensionRequest.objects.all(), user=user)
    return (
        qs.filter(status=ExtensionRequest.Status.PENDING)
        .select_related("step__project__regulation", "department", "requested_by")
        .order_by("requested_at", "id")
    )


def launch_initial(*, responsibility_id=None, regulation_id=None) -> dict:
    """Initial values of the launch form opened from a lead-list row (or a
    regulation): the regulation, its lead department, active partners and the
    listed flow. Empty when the row is unknown or not a lead row."""
    rows = ResponsibilityList.objects.filter(
        kind=ResponsibilityList.Kind.LEAD, regulation__isnull=False
    ).prefetch_related("partner_departments")
    row = None
    if str(responsibility_id or "").isdigit():
        row = rows.filter(pk=int(responsibility_id)).first()
    elif str(regulation_id or "").isdigit():
        row = (
            rows.filter(regulation_id=int(regulation_id))
            .order_by("-is_active", "id")
            .first()
        )
        if row is None:
            return {"regulation": int(regulation_id)}
    if row is None:
        return {}
    return {
        "regulation": row.regulation_id,
        "lead_department": row.department_id,
        "partner_departments": [
            d.pk
            for d in row.partner_departments.all()
            if d.is_active and d.pk != row.department_id
        ],
        "flow": row.default_flow,
    }


def review_next(*, user, after: Step | None = None, today=None) -> Step | None:
    """The step to review after `after`: the next one in the 待审核 list's order,
    else (the reviewer skipped some) the first one still waiting; None when the
    queue is empty."""
    queue = review_queue(user=user, today=today)
    if after is not None:
        queue = queue.exclude(pk=after.pk)
        if after.submitted_at is not None:
            later = queue.filter(
                Q(submitted_at__gt=after.submitted_at)
                | Q(submitted_at=after.submitted_at, id__gt=after.pk)
            ).first()
            if later is not None:
                return later
    return queue.first()


def review_steps_get(*, user, ids) -> list[Step]:
    """The chosen steps of a batch review the user may see, in the list's order
    (whatever their status now: the service says which it skips)."""
    # An id beyond a 64-bit key names no step (and SQLite cannot bind it).
    ids = [i for i in ids if 0 < int(i) < 2**63]
    return list(
        scope_to_user(Step.objects.filter(pk__in=ids), user=user)
        .select_related("department", "project")
        .order_by("submitted_at", "id")
    )
