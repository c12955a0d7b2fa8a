"""Reads of the home page: each role's to-do counts.

Every count is the count of the list it links to (the same selector, the same
filter), so a number on the home page is exactly the rows behind its link. A
fixed number of queries, whatever the data.
"""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from evaluation import selectors as evaluation_selectors
from evaluation.models import CreditRecord, GradeThreshold
from notices.selectors import notice_unconfirmed_count
from org.models import Department
from org.selectors import office_list
from supervision.rates import DEFINITIONS, PLURALS, RATES, supervision_rates
from workflows import selectors as workflows_selectors
from workflows.models import ExecutionProject


def _steps(*, user, **filters):
    """The rows of workflows:steps?<filters> (the same query as the page)."""
    return workflows_selectors.step_list(
        user=user, filters=filters, strict=False
    ).exclude(project__status=ExecutionProject.Status.WITHDRAWN)


def _steps_url(**filters) -> str:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return f"{reverse('workflows:steps')}?{query}"


def office_todo(*, user) -> list[dict]:
    """The office's to-do: label, count, url, tone per item; one query each."""
    return [
        {
            "key": "review",
            "label": "待审核步骤",
            "count": workflows_selectors.review_queue(user=user).count(),
            "url": reverse("workflows:review"),
            "tone": "primary",
        },
        {
            "key": "overdue",
            "label": "逾期步骤",
            "count": _steps(user=user, light="red").count(),
            "url": _steps_url(light="red"),
            "tone": "danger",
        },
        {
            "key": "extensions",
            "label": "延期申请",
            "count": workflows_selectors.extension_queue(user=user).count(),
            "url": reverse("workflows:extensions"),
            "tone": "warning",
        },
    ]


def liaison_todo(*, user) -> list[dict]:
    """A liaison's to-do (big tiles on a phone); one query each."""
    inbox = workflows_selectors.inbox_for(user=user)
    return [
        {
            "key": "receipts",
            "label": "待回执",
            "count": inbox["receipts"].count(),
            "url": reverse("workflows:inbox"),
            "tone": "primary",
        },
        {
            "key": "open",
            "label": "待提交",
            "count": _steps(user=user, status="open").count(),
            "url": _steps_url(status="open"),
            "tone": "primary",
        },
        {
            "key": "returned",
            "label": "被退回",
            "count": _steps(user=user, status="returned").count(),
            "url": _steps_url(status="returned"),
            "tone": "danger",
        },
        {
            "key": "notices",
            "label": "待签收",
            "count": notice_unconfirmed_count(user),
            "url": reverse("notices:inbox"),
            "tone": "warning",
        },
    ]


def office_comparison(*, user, year: int, quarter: int | None = None) -> list[dict]:
    """The city office's comparison of its districts (read-only): per district
    office the four on-time rates over its departments, the spread of A/B/C/D
    credit grades of `year`, and the top and bottom three of its ranking.

    Rates and grades take a fixed number of queries; rankings a few per office.
    """
    offices = list(office_list(user=user))
    if not offices:
        return []
    office_of_department = dict(
        Department.objects.filter(office__in=offices).values_list("pk", "office_id")
    )
    sums: dict[int, dict[str, list[int]]] = {
        o.pk: {name: [0, 0] for name in RATES} for o in offices
    }
    for row in supervision_rates(user=user, year=year, quarter=quarter):
        office_id = office_of_department.get(row["department"])
        if office_id not in sums:
            continue
        for name in RATES:
            plural = PLURALS.get(name, f"{name}s")
            sums[office_id][name][0] += row[f"{plural}_due"]
            sums[office_id][name][1] += row[f"{plural}_on_time"]
    grades: dict[int, dict[str, int]] = {o.pk: {} for o in offices}
    for row in (
        CreditRecord.objects.filter(year=year, department__office__in=offices)
        .values("department__office_id", "grade")
        .annotate(n=Count("id"))
        .order_by()
    ):
        grades[row["department__office_id"]][row["grade"]] = row["n"]
    grade_names = list(
        GradeThreshold.objects.order_by("-min_score").values_list("grade", flat=True)
    ) or ["A", "B", "C", "D"]
    result = []
    for office in offices:
        # Each kind is ranked apart; the extremes are taken across kinds.
        ranked = sorted(
            evaluation_selectors.rankings(
                year=year, quarter=quarter or 0, office=office
            ),
            key=lambda r: (-r["total"], r["department"]),
        )
        result.append(
            {
                "office": office,
                "rates": [
                    {
                        "label": DEFINITIONS[name][0],
                        "due": due,
                        "on_time": on_time,
                        "rate": (round(on_time * 100 / due, 1) if due else None),
                    }
                    for name in RATES
                    for due, on_time in [sums[office.pk][name]]
                ],
                "grades": [(g, grades[office.pk].get(g, 0)) for g in grade_names],
                "ranked": len(ranked),
                "top": ranked[:3],
                "bottom": ranked[-3:][::-1] if len(ranked) > 3 else [],
            }
        )
    return result
