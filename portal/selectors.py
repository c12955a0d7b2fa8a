"""Reads of the home page: each role's to-do counts.

Every count is the count of the list it links to (the same selector, the same
filter), so a number on the home page is exactly the rows behind its link. A
fixed number of queries, whatever the data.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from evaluation import selectors as evaluation_selectors
from evaluation.models import CreditRecord, EvaluationRound, GradeThreshold
from notices import selectors as notices_selectors
from org.models import Department, Office
from org.selectors import office_list, office_of
from supervision import rates as supervision_rates
from supervision import selectors as supervision_selectors
from supervision.models import OfficeRateTally
from supervision.rates import DEFINITIONS, PLURALS, RATES
from workflows import selectors as workflows_selectors
from workflows.models import ExecutionProject

# How many departments the leader's home shows at each end of a ranking.
RANKING_ENDS = 3


def _url(name: str, **filters) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(filters)}" if filters else url


def _steps(*, user, **filters):
    """The rows of workflows:steps?<filters> (the same query as the page)."""
    return workflows_selectors.step_list(
        user=user, filters=filters, strict=False
    ).exclude(project__status=ExecutionProject.Status.WITHDRAWN)


def _steps_url(**filters) -> str:
    return _url("workflows:steps", **filters)


def _tile(key, label, count, url, tone="primary") -> dict:
    return {"key": key, "label": label, "count": count, "url": url, "tone": tone}


def _notices(*, user, **filters) -> int:
    """The rows of notices:register?<filters> (the same query as the page)."""
    return notices_selectors.notice_list(user=user, filters=filters).count()


def _plans_due_tile(user) -> dict:
    filters = {"due_soon": "1"}
    return _tile(
        "plans",
        "检查计划到期",
        supervision_selectors.plan_list(user=user, filters=filters).count(),
        _url("supervision:plans", **filters),
        "warning",
    )


def office_todo(*, user) -> list[dict]:
    """The office's to-do: label, count, url, tone per item; one query each."""
    return [
        _tile(
            "review",
            "待审核步骤",
            workflows_selectors.review_queue(user=user).count(),
            reverse("workflows:review"),
        ),
        _tile(
            "reports",
            "待审落实表",
            _notices(user=user, status="answered"),
            _url("notices:register", status="answered"),
        ),
        _tile(
            "overdue",
            "逾期步骤（红灯）",
            _steps(user=user, light="red").count(),
            _steps_url(light="red"),
            "danger",
        ),
        _tile(
            "due_soon",
            "临期步骤（黄灯）",
            _steps(user=user, light="yellow").count(),
            _steps_url(light="yellow"),
            "warning",
        ),
        # 告知单 past their 回执时限 and not confirmed: the receipts to chase
        # (one not yet due is no one's to-do).
        _tile(
            "receipts_late",
            "逾期未回执",
            _notices(user=user, receipt_late="1"),
            _url("notices:register", receipt_late="1"),
            "danger",
        ),
        _tile(
            "extensions",
            "延期申请",
            workflows_selectors.extension_queue(user=user).count(),
            reverse("workflows:extensions"),
            "warning",
        ),
        _plans_due_tile(user),
    ]


def _path_prefix(name: str) -> str:
    """The path of `name` (a page of one object by pk) less the pk and its
    slash: a long list links its rows as prefix + pk + "/", one reverse()
    for the list instead of one per row."""
    return reverse(name, kwargs={"pk": 0}).removesuffix("0/")


# How many items of each kind 我的待办 lists (a page, not an archive).
INBOX_LIMITS = {"notices": 200, "receipts": 100, "steps": 200}


def liaison_inbox(*, user) -> dict:
    """我的待办's rows: the notices and bare receipts to sign (sign_inbox) and
    the steps to work on (inbox_for), each read with only the columns the page
    shows, and how many there are to sign. Three queries, whatever the rows.

    `sign_count` is exact while no list is cut at its limit; `counted` says so
    (then the navigation badges need no COUNT of their own)."""
    sign = notices_selectors.sign_inbox(user=user)
    notices = list(
        sign["notices"]
        .select_related(None)
        .select_related("project__regulation", "step")
        .only(
            "kind", "number", "title", "issued_on", "due_on", "receipt_id",
            "project__regulation__title", "step__name",
        )[: INBOX_LIMITS["notices"]]
    )  # fmt: skip
    receipts = list(
        sign["receipts"].only("due_on", "project__year", "project__regulation__title")[
            : INBOX_LIMITS["receipts"]
        ]
    )
    steps = list(
        workflows_selectors.inbox_for(user=user)["steps"]
        .select_related(None)
        .select_related("project__regulation")
        .only("name", "status", "due_on", "project__regulation__title")[
            : INBOX_LIMITS["steps"]
        ]
    )
    counted = (
        len(notices) < INBOX_LIMITS["notices"]
        and len(receipts) < INBOX_LIMITS["receipts"]
    )
    return {
        "notices": notices,
        "receipts": receipts,
        "steps": steps,
        "sign_count": len(notices) + len(receipts),
        "counted": counted,
        "paths": {
            "notice": _path_prefix("notices:detail"),
            "project": _path_prefix("workflows:project"),
            "step": _path_prefix("workflows:step"),
        },
    }


def liaison_todo(*, user, sign: dict | None = None) -> list[dict]:
    """A liaison's to-do (big tiles on a phone); one or two queries each.
    `sign`: sign_inbox_counts() when the caller read them already."""
    duties = {"due_soon": "1"}
    sign = sign or notices_selectors.sign_inbox_counts(user=user)
    return [
        # One inbox: a 告知单 and its project's 回执 are one item.
        _tile(
            "sign",
            "待签收（含回执）",
            sign["notices"] + sign["receipts"],
            reverse("liaison_inbox"),
            "warning",
        ),
        _tile(
            "open",
            "待提交",
            _steps(user=user, status="open").count(),
            _steps_url(status="open"),
        ),
        _tile(
            "returned",
            "被退回",
            _steps(user=user, status="returned").count(),
            _steps_url(status="returned"),
            "danger",
        ),
        _tile(
            "answer",
            "待答复交办单/警示单",
            notices_selectors.notice_list(
                user=user, filters={"awaiting": True}
            ).count(),
            _url("notices:inbox", tab="answer"),
            "danger",
        ),
        _tile(
            "duties",
            "职责到期",
            supervision_selectors.duty_list(user=user, filters=duties).count(),
            _url("supervision:duties", **duties),
            "warning",
        ),
    ]


def leader_todo(*, user) -> list[dict]:
    """The leader's traffic lights: unfinished steps by light, each linked to
    the step list so filtered; one query each."""
    tones = {"red": "danger", "yellow": "warning", "green": "success"}
    return [
        _tile(
            f"light_{light}",
            f"{workflows_selectors.LIGHT_LABELS[light]}步骤",
            _steps(user=user, light=light, unfinished="1").count(),
            _steps_url(light=light, unfinished="1"),
            tones[light],
        )
        for light in ("red", "yellow", "green")
    ]


def inspector_todo(*, user) -> list[dict]:
    """An inspector's plans due and the open problems of their scope."""
    problems = {"unresolved": "1"}
    return [
        _plans_due_tile(user),
        _tile(
            "problems",
            "未整改问题",
            supervision_selectors.problem_list(user=user, filters=problems).count(),
            _url("supervision:problems", **problems),
            "danger",
        ),
    ]


def ranking_ends(*, office=None, limit: int = RANKING_ENDS) -> dict | None:
    """The latest published year's ranking of `office`, its first and last
    `limit` departments of each kind; None before anything is published.
    Three queries: the years, the round, its two ends (stored entries)."""
    years = evaluation_selectors.published_years(office=office)
    if not years:
        return None
    rounds = list(
        EvaluationRound.objects.filter(
            office=office or Office.default(),
            year=years[0],
            quarter=0,
            status=EvaluationRound.Status.PUBLISHED,
        ).values_list("pk", flat=True)
    )
    ends = evaluation_selectors.ranking_ends(rounds=rounds, limit=limit)
    by_kind: dict[str, dict] = {}
    if ends:
        for entries in ends.values():
            for row in entries:
                group = by_kind.setdefault(
                    row["kind_label"],
                    {"label": row["kind_label"], "top": [], "bottom": []},
                )
                group["top" if row["first"] <= limit else "bottom"].append(row)
    else:  # published before rankings were stored
        for row in evaluation_selectors.rankings(year=years[0], office=office):
            group = by_kind.setdefault(
                row["kind_label"], {"label": row["kind_label"], "rows": []}
            )
            group["rows"].append(row)
        for group in by_kind.values():
            rows = group.pop("rows")
            group["top"] = rows[:limit]
            group["bottom"] = [row for row in rows[-limit:] if row not in rows[:limit]]
    return {
        "year": years[0],
        "groups": list(by_kind.values()),
        "url": _url("evaluation:rankings", year=years[0]),
    }


def leader_overview(*, user) -> dict:
    """What the leader's home shows beside the lights: rankings and rates."""
    year = timezone.localdate().year
    return {
        "ranking": ranking_ends(office=office_of(user)),
        "rates": supervision_rates.supervision_rates_total(user=user, year=year),
        "rates_year": year,
        "rates_url": _url("supervision:rates", year=year),
    }


def _stored_rates(offices, year: int, quarter: int | None):
    """The stored figures of `offices` for the period, {office id: {rate:
    [due, on_time]}}, and when they were computed (the oldest row); (None,
    None) unless every office has all its rates stored. One query."""
    rows = list(
        OfficeRateTally.objects.filter(
            office__in=offices, year=year, quarter=quarter or 0, rate__in=RATES
        ).values_list("office_id", "rate", "due", "on_time", "computed_at")
    )
    if len(rows) < len(offices) * len(RATES):
        return None, None
    sums: dict[int, dict[str, list[int]]] = {o.pk: {} for o in offices}
    for office_id, rate, due, on_time, _ in rows:
        sums[office_id][rate] = [due, on_time]
    return sums, min(row[4] for row in rows)


def _live_rates(*, user, offices, year: int, quarter: int | None):
    """The figures counted now (`supervision_rates` summed per office)."""
    office_of_department = dict(
        Department.objects.filter(office__in=offices).values_list("pk", "office_id")
    )
    sums: dict[int, dict[str, list[int]]] = {
        o.pk: {name: [0, 0] for name in RATES} for o in offices
    }
    for row in supervision_rates.supervision_rates(
        user=user, year=year, quarter=quarter
    ):
        office_id = office_of_department.get(row["department"])
        if office_id not in sums:
            continue
        for name in RATES:
            plural = PLURALS.get(name, f"{name}s")
            sums[office_id][name][0] += row[f"{plural}_due"]
            sums[office_id][name][1] += row[f"{plural}_on_time"]
    return sums


def office_comparison(
    *, user, year: int, quarter: int | None = None, live: bool = False
) -> list[dict]:
    """The city office's comparison of its districts (read-only): per district
    office the five on-time rates over its departments, the spread of A/B/C/D
    credit grades of `year`, and the top and bottom three of its ranking.

    The rates are the stored figures of the daily refresh (OfficeRateTally,
    one query); when the period has none (or `live`), they are counted now.
    Each row's `computed_at` is when its figures were computed (None: now).
    Rates and grades take a fixed number of queries; rankings a few per office.
    """
    offices = list(office_list(user=user))
    if not offices:
        return []
    sums, computed_at = (None, None) if live else _stored_rates(offices, year, quarter)
    if sums is None:
        sums = _live_rates(user=user, offices=offices, year=year, quarter=quarter)
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
    rounds = dict(
        EvaluationRound.objects.filter(
            office__in=offices,
            year=year,
            quarter=quarter or 0,
            status=EvaluationRound.Status.PUBLISHED,
        )
        .order_by("office_id", "pk")
        .values_list("office_id", "pk")
    )
    # Each kind is ranked apart; the extremes are taken across kinds, all
    # offices' in one query of their stored entries.
    ends = evaluation_selectors.ranking_ends(
        rounds=list(rounds.values()), limit=3, per_kind=False
    )
    result = []
    for office in offices:
        round_id = rounds.get(office.pk)
        entries = ends.get(round_id, [])
        if entries or round_id is None:
            ranked = len(entries) and entries[0]["size"]
            top = [e for e in entries if e["first"] <= 3]
            bottom = [
                e for e in sorted(entries, key=lambda e: e["last"]) if e["last"] <= 3
            ]
        else:  # published before rankings were stored
            rows = sorted(
                evaluation_selectors.rankings(
                    year=year, quarter=quarter or 0, office=office
                ),
                key=lambda r: (-r["total"], r["department"]),
            )
            ranked, top, bottom = len(rows), rows[:3], rows[-3:][::-1]
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
                "computed_at": computed_at,
                "ranked": ranked,
                "top": top,
                "bottom": bottom if ranked > 3 else [],
            }
        )
    return result
