"""执规率: on-time rates per department (a town with its villages), year and
quarter. Reads only; each rate is `on time ÷ due` with both counts kept.

Definitions (shown next to the numbers on the page, see DEFINITIONS):
- 问题按期处置率: problems whose 整改时限 fell in the period (and has passed)
  that were rectified (落实表 accepted or checked) by that date.
- 回执按时率: receipts (回执) due in the period confirmed by their due date.
- 步骤按时完成率: steps due in the period that are approved and whose evidence
  was (last) submitted by their due date.
- 交办单按期办结率: 交办单 due in the period whose 落实表 was accepted by
  their due date.
- 日常执规完成率: recurring duties due in the period done with evidence by
  their due date.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import ExtractQuarter, TruncDate
from django.utils import timezone

from notices.models import ImplementationReport, Notice
from org.models import Department
from org.selectors import sees_everything, visible_departments
from supervision.models import Duty, Problem
from workflows.models import Receipt, Step

RATES = ["problem", "receipt", "step", "assignment", "duty"]
PLURALS = {"duty": "duties"}
DEFINITIONS = {
    "problem": (
        "问题按期处置率",
        "整改时限在本期内且已到期的问题中，在时限内整改到位(落实表审核通过或核查确认)的比例。",
    ),
    "receipt": ("回执按时率", "回执时限在本期内且已到期的回执中，在时限内确认的比例。"),
    "step": (
        "步骤按时完成率",
        "截止日期在本期内且已到期的步骤中，在截止日期前报送佐证材料并审核通过的比例。",
    ),
    "assignment": (
        "交办单按期办结率",
        "反馈时限在本期内且已到期的交办单中，在时限内落实表审核通过(办结)的比例。",
    ),
    "duty": (
        "日常执规完成率",
        "完成时限在本期内且已到期的日常执规事项(动力机制清单)中，在时限内上传佐证材料完成的比例。",
    ),
}


def period_window(
    year: int, quarter: int | None
) -> tuple[datetime.date, datetime.date]:
    if not quarter:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = (
        datetime.date(year, 12, 31)
        if quarter == 4
        else datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)
    )
    return start, end


def _due(qs, start, end, today):
    """Rows due in the window and already due (due before today)."""
    return qs.filter(due_on__gte=start, due_on__lte=end, due_on__lt=today)


def _grouped(qs, department_field: str, on_time: Q, by_quarter: bool = False):
    keys = {"dept": F(department_field)}
    if by_quarter:
        keys["quarter"] = ExtractQuarter("due_on")
    return (
        qs.values(**keys)
        .annotate(due=Count("id"), on_time=Count("id", filter=on_time))
        .order_by()
    )


def _counts(
    start, end, today, office_ids=None
) -> dict[str, dict[int, tuple[int, int]]]:
    return {
        name: {r["dept"]: (r["due"], r["on_time"]) for r in rows}
        for name, rows in count_queries(
            start, end, today, office_ids=office_ids
        ).items()
    }


def count_queries(
    start, end, today, *, office_ids=None, by_quarter: bool = False
) -> dict:
    """Per rate, the query of (dept, due, on_time) rows over the departments
    (only those of `office_ids` when given; with `by_quarter` also grouped by
    the quarter of the due date: (dept, quarter, due, on_time))."""

    def scoped(qs, department_field):
        qs = _due(qs, start, end, today)
        if office_ids is None:
            return qs
        return qs.filter(**{f"{department_field}__office_id__in": list(office_ids)})

    problems = scoped(Problem.objects.all(), "inspection__department")
    receipts = scoped(Receipt.objects.all(), "department").annotate(
        day=TruncDate("confirmed_at")
    )
    steps = scoped(Step.objects.all(), "department").annotate(
        day=TruncDate("submitted_at")
    )
    accepted = ImplementationReport.objects.filter(
        notice=OuterRef("pk"), status=ImplementationReport.Status.ACCEPTED
    ).order_by("-reviewed_at")
    assignments = scoped(
        Notice.objects.filter(kind=Notice.Kind.ASSIGNMENT), "department"
    ).annotate(day=TruncDate(Subquery(accepted.values("reviewed_at")[:1])))
    duties = scoped(Duty.objects.all(), "department")
    return {
        "duty": _grouped(
            duties,
            "department_id",
            Q(done_on__isnull=False, done_on__lte=F("due_on")),
            by_quarter,
        ),
        "problem": _grouped(
            problems,
            "inspection__department_id",
            Q(rectified_on__isnull=False, rectified_on__lte=F("due_on")),
            by_quarter,
        ),
        "receipt": _grouped(
            receipts,
            "department_id",
            Q(day__isnull=False, day__lte=F("due_on")),
            by_quarter,
        ),
        "step": _grouped(
            steps,
            "department_id",
            Q(status=Step.Status.APPROVED, day__isnull=False, day__lte=F("due_on")),
            by_quarter,
        ),
        "assignment": _grouped(
            assignments,
            "department_id",
            Q(
                status=Notice.Status.ACCEPTED,
                day__isnull=False,
                day__lte=F("due_on"),
            ),
            by_quarter,
        ),
    }


def _rate(due: int, on_time: int) -> Decimal | None:
    if not due:
        return None
    return (Decimal(on_time) * 100 / Decimal(due)).quantize(Decimal("0.1"))


def supervision_rates(
    *,
    user,
    year: int,
    quarter: int | None = None,
    department: int | None = None,
    office=None,
    today: datetime.date | None = None,
) -> list[dict]:
    """One row per district department and town the user may see (a town
    counts its villages), or just `department`, or only those of `office` (an
    Office the caller may read); each with the four rates and the counts
    behind them. A constant number of queries."""
    today = today or timezone.localdate()
    start, end = period_window(year, quarter)
    departments = Department.objects.filter(is_active=True)
    if not sees_everything(user):
        departments = departments.filter(pk__in=visible_departments(user).values("pk"))
    if office is not None:
        departments = departments.filter(office=office)
    if department:
        targets = departments.filter(pk=department)
    else:
        targets = departments.filter(
            kind__in=[Department.Kind.DISTRICT, Department.Kind.TOWN]
        )
    targets = list(targets.order_by("kind", "sort_order", "code"))
    if not targets:
        return []
    # Only the targets' offices are counted: a town's subtree is of its office
    # (a department moved under another office takes its subtree along).
    office_ids = (
        None
        if sees_everything(user) and office is None and not department
        else sorted({t.office_id for t in targets})
    )
    counts = _counts(start, end, today, office_ids=office_ids)
    # A town counts its subtree: each counted department adds to itself and
    # to every town target on its path ("/1/5/12/"), so the walk is one pass
    # over the counted departments, not one over all departments per town.
    towns = {t.pk for t in targets if t.kind == Department.Kind.TOWN}
    counted = set().union(*(counts[name] for name in RATES))
    sums = {t.pk: {name: [0, 0] for name in RATES} for t in targets}
    walked = Department.objects.all()
    if office_ids is not None:
        walked = walked.filter(office_id__in=office_ids)
    for pk, path in walked.values_list("pk", "path"):
        if pk not in counted:
            continue
        owners = {int(p) for p in path.strip("/").split("/") if p} & towns
        if pk in sums:
            owners.add(pk)
        for owner in owners:
            for name in RATES:
                due, on_time = counts[name].get(pk, (0, 0))
                sums[owner][name][0] += due
                sums[owner][name][1] += on_time
    rows = []
    for target in targets:
        row = {
            "department": target.pk,
            "department_name": target.name,
            "kind": target.kind,
            "year": year,
            "quarter": quarter,
        }
        for name in RATES:
            due, on_time = sums[target.pk][name]
            row[f"{name}_on_time_rate"] = _rate(due, on_time)
            plural = PLURALS.get(name, f"{name}s")
            row[f"{plural}_due"] = due
            row[f"{plural}_on_time"] = on_time
        rows.append(row)
    return rows


def supervision_rates_total(*, user, year: int, today=None) -> list[dict]:
    """The year's rates over all the departments the user may see (the sum of
    `supervision_rates` rows): name, label, rate, due, on time, one per rate."""
    rows = supervision_rates(user=user, year=year, today=today)
    totals = []
    for name in RATES:
        plural = PLURALS.get(name, f"{name}s")
        due = sum(row[f"{plural}_due"] for row in rows)
        on_time = sum(row[f"{plural}_on_time"] for row in rows)
        totals.append(
            {
                "name": name,
                "label": DEFINITIONS[name][0],
                "rate": _rate(due, on_time),
                "due": due,
                "on_time": on_time,
            }
        )
    return totals
