"""Reads of the evaluation app, scoped by the user (see responsibilities.selectors).

Who sees which score sheets: office staff see every round, drafts included;
everyone else (leaders, inspectors, liaisons, machine clients) sees published
rounds only, and liaisons/inspectors only their departments.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Collate, RowNumber
from django.http import Http404
from django.utils import timezone

from config.api import CountedRows
from config.filters import filter_apply
from evaluation.filters import CreditFilter, ScoreFilter
from evaluation.models import (
    CreditRecord,
    Deduction,
    Evaluation,
    EvaluationRound,
    PeerRating,
    RankingEntry,
    RoundJob,
    ScoringStandard,
    StepScore,
)
from evaluation.services.peer import RATES
from evaluation.services.rankings import (  # noqa: F401 - competition_rank
    ENTRY_FIELDS,
    RANKED_KINDS,
    competition_rank,
    entry_row,
    ranking_compute,
    stored_row,
)
from org.models import Department, Office
from org.selectors import (
    department_of,
    is_office,
    office_filter,
    role_of,
    scope_to_user,
    sees_office,
)
from workflows.models import ExecutionProject, Step
from workflows.selectors import light_case

S = EvaluationRound.Status
WITHDRAWN = "withdrawn"  # ExecutionProject.Status.WITHDRAWN


def round_list(*, user) -> QuerySet[EvaluationRound]:
    """The rounds of the user's office (a city office: its districts'
    published rounds); drafts for the office's own staff only."""
    qs = EvaluationRound.objects.filter(office_filter(user)).annotate(
        sheet_count=Count("evaluations")
    )
    if not is_office(user):
        qs = qs.filter(status=S.PUBLISHED)
    return qs.order_by("-year", "-quarter", "-id")


def round_get(*, user, pk: int) -> EvaluationRound:
    round_ = round_list(user=user).filter(pk=pk).first()
    if round_ is None:
        raise Http404("评价轮次不存在")
    return round_


def _scoped_sheets(*, user, include_superseded: bool = False):
    # A withdrawn project leaves scores and rankings. NOT EXISTS (an anti-join
    # on the few withdrawn projects), not a join with every project.
    withdrawn = ExecutionProject.objects.filter(
        pk=OuterRef("project_id"), status=WITHDRAWN
    )
    qs = Evaluation.objects.select_related(
        "round", "project__regulation", "department", "standard"
    ).exclude(Exists(withdrawn))
    if is_office(user):
        if not include_superseded:
            qs = qs.exclude(round__status=S.SUPERSEDED)
    else:
        qs = qs.filter(round__status=S.PUBLISHED)
    return scope_to_user(qs, user=user)


def evaluation_queryset(
    *, user, include_superseded: bool = False
) -> QuerySet[Evaluation]:
    """Sheets the user may read, with everything a list shows in fixed queries."""
    return _scoped_sheets(
        user=user, include_superseded=include_superseded
    ).prefetch_related(
        Prefetch("steps", queryset=StepScore.objects.order_by("order", "id")),
        Prefetch("deductions", queryset=Deduction.objects.order_by("id")),
    )


def evaluation_list(
    *, user, filters=None, strict: bool = True, round_id=None
) -> QuerySet[Evaluation]:
    """Sheets the user may read; `filters` (query parameters) through
    ScoreFilter, see filter_apply. A round's own list includes superseded."""
    qs = evaluation_queryset(user=user, include_superseded=bool(round_id))
    if round_id:
        qs = qs.filter(round_id=round_id)
    qs = filter_apply(ScoreFilter, qs, filters, strict=strict)
    return qs.order_by("-round__year", "round_id", "project_id", "department_id")


# The filters the rounds decide on their own (ScoreFilter); any other filter
# (department, project, a search) cuts into rounds: the envelope counts live.
ROUND_FILTERS = {"year", "quarter", "status"}


def score_count(*, user, filters, sheets: QuerySet[Evaluation]):
    """The number of `sheets` (score_rows, filtered by `filters`), as a
    function the paginator calls.

    For an office-wide reader (office staff, leader, API client, city office)
    whose filters are only those the rounds decide (year, quarter, status):
    the published rounds' stored counts (`published_sheets`, frozen at
    publication) summed, plus a live COUNT of the sheets of the rounds still
    open (the office's staff see drafts): one small query on rounds, and the
    sheets table counted only for open rounds. It holds because a round with a
    stored count has every sheet of its own office's departments (see
    round_sheets_counted), so scoping sheets by their department's office and
    rounds by their office select the same sheets. A published round of the
    period without a stored count anywhere (not counted, or with sheets of
    departments moved to another office) makes the count live, as does any
    other reader (a liaison, an inspector: their departments) or filter."""
    live = sheets.count
    if not sees_office(user):
        return live
    form = ScoreFilter(data=filters or {}, queryset=sheets).form
    if not form.is_valid():
        return live
    values = {
        name: value
        for name, value in form.cleaned_data.items()
        if value not in (None, "") and str(value).strip()
    }
    if set(values) - ROUND_FILTERS:
        return live

    def count() -> int:
        period = EvaluationRound.objects.all()
        if "year" in values:
            period = period.filter(year=values["year"])
        if "quarter" in values:
            period = period.filter(quarter=values["quarter"])
        listed = {S.PUBLISHED} | ({S.DRAFT, S.REVIEWED} if is_office(user) else set())
        if values.get("status") == "published":
            listed &= {S.PUBLISHED}
        elif values.get("status") == "draft":
            listed &= {S.DRAFT, S.REVIEWED}
        # Open rounds of any office: their sheets are counted live, scoped by
        # their department's office like the list.
        rounds = period.filter(
            Q(office_filter(user), status=S.PUBLISHED)
            | Q(status__in=listed - {S.PUBLISHED})
            | Q(status=S.PUBLISHED, published_sheets=None)
        ).values_list("pk", "status", "published_sheets")
        stored, open_ = 0, []
        for pk, status, n in rounds:
            if status != S.PUBLISHED:
                open_.append(pk)
            elif n is None:
                return live()  # some published sheets are not counted
            elif S.PUBLISHED in listed:
                stored += n
        if open_:
            stored += sheets.filter(round_id__in=open_).count()
        return stored

    return count


def score_rows(*, user, filters=None) -> CountedRows:
    """The API's score sheets (evaluation_list) as plain values, one query per
    page: score_sheets() adds their lines. Counted without the joins that
    only show names and titles, and from the rounds' stored counts where they
    answer (score_count)."""
    sheets = evaluation_list(user=user, filters=filters).prefetch_related(None)
    return CountedRows(
        sheets.values(
            "id",
            "department_id",
            "department__name",
            "project_id",
            "project__regulation_id",
            "project__regulation__title",
            "round__year",
            "round__quarter",
            "round_id",
            "total",
            "max_total",
            "round__status",
        ),
        count=score_count(user=user, filters=filters, sheets=sheets),
    )


def score_sheets(rows) -> list[dict]:
    """The sheets of `rows` (score_rows) as the scores/ API shows them, each
    with its step lines and deductions: two queries, whatever the page size."""
    ids = [row["id"] for row in rows]
    steps, deductions = defaultdict(list), defaultdict(list)
    lines = (
        StepScore.objects.filter(evaluation_id__in=ids)
        .order_by("evaluation_id", "order", "id")
        .values_list(
            "evaluation_id", "code", "name", "final", "proposed", "base_points",
            "high_points",
        )
    )  # fmt: skip
    for sheet, code, name, final, proposed, base, high in lines:
        steps[sheet].append(
            {
                "code": code,
                "name": name,
                "score": final,
                "proposed": proposed,
                "base_points": base,
                "high_points": high,
            }
        )
    taken = (
        Deduction.objects.filter(evaluation_id__in=ids)
        .order_by("evaluation_id", "id")
        .values_list("evaluation_id", "kind", "reason", "points")
    )
    for sheet, kind, reason, points in taken:
        deductions[sheet].append({"kind": kind, "reason": reason, "points": points})
    return [
        {
            "id": row["id"],
            "department": row["department_id"],
            "department_name": row["department__name"],
            "project": row["project_id"],
            "regulation": row["project__regulation_id"],
            "regulation_title": row["project__regulation__title"],
            "year": row["round__year"],
            "quarter": row["round__quarter"],
            "round": row["round_id"],
            "total": row["total"],
            "max_total": row["max_total"],
            "status": "published" if row["round__status"] == S.PUBLISHED else "draft",
            "steps": steps[row["id"]],
            "deductions": deductions[row["id"]],
        }
        for row in rows
    ]


def sheet_years(*, user) -> list[int]:
    """The years of the sheets the user may read, latest first (the filter's
    choices on 评分表)."""
    return list(
        _scoped_sheets(user=user, include_superseded=False)
        .order_by("-round__year")
        .values_list("round__year", flat=True)
        .distinct()
    )


def evaluation_get(*, user, pk: int) -> Evaluation:
    """One sheet with its lines, adjustments and deductions; 404 outside scope."""
    # A superseded sheet stays readable from its round for the office.
    qs = _scoped_sheets(user=user, include_superseded=True)
    sheet = (
        qs.prefetch_related(
            Prefetch(
                "steps",
                queryset=StepScore.objects.order_by("order", "id").prefetch_related(
                    "adjustments__actor", "deductions"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if sheet is None:
        raise Http404("评分表不存在")
    return sheet


def _stored_rankings(rounds: list[int], *, kind: str | None = None) -> list[dict]:
    """The stored rankings of published (frozen) rounds, one query."""
    entries = RankingEntry.objects.filter(round__in=rounds).select_related("department")
    if kind:
        entries = entries.filter(kind=kind)
    return _stored_in_order(rounds, entries)


def _stored_in_order(rounds: list[int], entries) -> list[dict]:
    # Rounds in the order given (one per office), then kinds, rank and name.
    position = {pk: i for i, pk in enumerate(rounds)}
    order = {k: i for i, k in enumerate(RANKED_KINDS)}
    rows = [(position[e.round_id], entry_row(e)) for e in entries]
    rows.sort(
        key=lambda r: (r[0], order[r[1]["kind"]], r[1]["rank"]) + (r[1]["department"],)
    )
    return [row for _, row in rows]


def ranking_rows(
    evaluations: QuerySet[Evaluation],
    *,
    kind: str | None = None,
    round_: EvaluationRound | None = None,
) -> list[dict]:
    """Rankings of the departments of `evaluations` (services.rankings): each
    department kind ranked on its own, ties sharing a rank (1, 1, 3)."""
    return ranking_compute(evaluations, kind=kind, round_=round_)


def round_rankings(*, round_: EvaluationRound, kind: str | None = None) -> list[dict]:
    """A round's rankings: stored once it is published, computed (in SQL)
    while it is a draft. A round published before rankings were stored and
    never filled falls back to computing."""
    if round_.is_frozen:
        rows = _stored_rankings([round_.pk], kind=kind)
        if rows:
            return rows
    evaluations = Evaluation.objects.filter(round=round_)
    return ranking_rows(evaluations, kind=kind, round_=round_)


def rankings(
    *, year: int, quarter: int = 0, kind: str | None = None, office=None
) -> list[dict]:
    """晾晒比学 for one year (quarter 0) or one quarter, from the published
    round of `office` (default: the default office): an office ranks its own
    departments (two queries)."""
    office = office or Office.default()
    rounds = EvaluationRound.objects.filter(
        office=office, year=year, quarter=quarter or 0, status=S.PUBLISHED
    )
    rounds = list(rounds.order_by("office_id"))
    if not rounds:
        return []
    rows = _stored_rankings([r.pk for r in rounds], kind=kind)
    if rows:
        return rows
    result = []
    for round_ in rounds:  # published before rankings were stored
        result.extend(round_rankings(round_=round_, kind=kind))
    return result


def _ranking_api_row(row: dict) -> dict:
    return {
        "rank": row["rank"],
        "department": row["department_id"],
        "department_name": row["department"],
        "kind": row["kind"],
        "total": row["total"],
        "projects": row["projects"],
        "warnings": row["warnings"],
        "grade": row["grade"],
    }


def ranking_api_rows(
    *, year: int, quarter: int = 0, kind: str | None = None, office=None
) -> list[dict]:
    """rankings() as the rankings/ API shows them: the stored entries of the
    period's one published round (round_one_published_per_period) read as plain
    values in one query, in the same order; computed when not stored."""
    office = office or Office.default()
    period = {
        "office": office,
        "year": year,
        "quarter": quarter or 0,
        "status": S.PUBLISHED,
    }
    entries = RankingEntry.objects.filter(
        **{f"round__{key}": value for key, value in period.items()}
    )
    if kind:
        entries = entries.filter(kind=kind)
    entries = entries.order_by().values_list(
        "kind", "rank", "department__name", "department_id", "total",
        "projects", "warnings", "grade",
    )  # fmt: skip
    order = {k: i for i, k in enumerate(RANKED_KINDS)}
    stored = sorted(entries, key=lambda e: (order[e[0]], e[1], e[2]))
    if not stored:
        published = list(EvaluationRound.objects.filter(**period))
        # published before rankings were stored (or none): computed
        return [
            _ranking_api_row(row)
            for round_ in published
            for row in ranking_rows(
                Evaluation.objects.filter(round=round_), kind=kind, round_=round_
            )
        ]
    return [
        {
            "rank": rank,
            "department": department,
            "department_name": name,
            "kind": kind_,
            "total": total,
            "projects": projects,
            "warnings": warnings,
            "grade": grade,
        }
        for kind_, rank, name, department, total, projects, warnings, grade in stored
    ]


def credit_rows(*, user, filters=None) -> QuerySet:
    """credit_record_list() as plain values, one query per page (the
    credit-records/ API)."""
    return credit_record_list(user=user, filters=filters).values(
        "department_id", "department__name", "year", "score", "grade"
    )


def ranking_top(
    *, year: int, quarter: int = 0, office=None, limit: int = 5
) -> list[dict]:
    """The first `limit` rows of each kind of the 晾晒比学 of `rankings` (the
    dashboard's widget): one query of the stored entries, numbered per kind
    in the database, whatever the number of departments."""
    office = office or Office.default()
    rounds = list(
        EvaluationRound.objects.filter(
            office=office, year=year, quarter=quarter or 0, status=S.PUBLISHED
        )
        .order_by("office_id")
        .values_list("pk", flat=True)
    )
    if not rounds:
        return []
    name = _name_order()
    entries = (
        RankingEntry.objects.filter(round__in=rounds)
        .select_related("department")
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("round_id"), F("kind")],
                order_by=[F("rank").asc(), name.asc(), F("id").asc()],
            )
        )
        .filter(position__lte=limit)
    )
    rows = _stored_in_order(rounds, entries)
    if rows:
        return rows
    kinds: dict[str, int] = {}
    top = []
    for row in rankings(year=year, quarter=quarter, office=office):
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
        if kinds[row["kind"]] <= limit:
            top.append(row)
    return top


def _name_order():
    """The department's name ordered by code point, like Python's sort."""
    name = F("department__name")
    if connection.vendor == "postgresql":
        name = Collate(name, "C")
    return name


def ranking_ends(
    *, rounds: list[int], limit: int, per_kind: bool = True
) -> dict[int, list[dict]]:
    """The first and last `limit` stored entries of each published round in
    `rounds` (of each kind apart when `per_kind`, else across kinds by score),
    in one query numbered by the database: {round id: [row, ...]}, each row
    the entry's `stored_row` with `first` and `last` (its place from either
    end) and `size` (the entries so numbered). Read as values: the city's
    comparison lists six entries of each of 150 districts. Rounds without
    stored entries are left out."""
    name = _name_order()
    if per_kind:
        partition = [F("round_id"), F("kind")]
        order = [F("rank").asc(), name.asc(), F("id").asc()]
        reverse = [F("rank").desc(), name.desc(), F("id").desc()]
    else:
        partition = [F("round_id")]
        order = [F("total").desc(), name.asc(), F("id").asc()]
        reverse = [F("total").asc(), name.desc(), F("id").desc()]
    entries = (
        RankingEntry.objects.filter(round__in=rounds)
        .annotate(
            first=Window(RowNumber(), partition_by=partition, order_by=order),
            last=Window(RowNumber(), partition_by=partition, order_by=reverse),
            size=Window(Count("id"), partition_by=partition),
        )
        .filter(Q(first__lte=limit) | Q(last__lte=limit))
        .values("round_id", "first", "last", "size", *ENTRY_FIELDS)
    )
    kinds = {k: i for i, k in enumerate(RANKED_KINDS)}
    result: dict[int, list[dict]] = {}

    def place(entry):
        return (kinds.get(entry["kind"], 0) if per_kind else 0, entry["first"])

    for entry in sorted(entries, key=place):
        row = stored_row(entry)
        row.update(first=entry["first"], last=entry["last"], size=entry["size"])
        result.setdefault(entry["round_id"], []).append(row)
    return result


def round_job_shown(*, round_: EvaluationRound, job_id: int | None = None):
    """The background job the round's page shows: the one named in the URL
    (just started, to show how it ended), else one still running."""
    jobs = RoundJob.objects.filter(round=round_)
    if job_id:
        job = jobs.filter(pk=job_id).first()
        if job is not None:
            return job
    return jobs.filter(
        finished_at=None, created_at__gte=timezone.now() - RoundJob.TIME_LIMIT
    ).first()


def rankings_search(rows: list[dict], *, q: str = "") -> list[dict]:
    """The ranking rows whose department name contains `q` (their rank kept:
    a search narrows the table, it does not re-rank)."""
    q = (q or "").strip()
    if not q:
        return rows
    return [row for row in rows if q in row["department"]]


def published_years(*, office=None) -> list[int]:
    office = office or Office.default()
    return list(
        EvaluationRound.objects.filter(office=office, status=S.PUBLISHED, quarter=0)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def credit_record_list(*, user, filters=None, strict: bool = True, department=None):
    """Credit records the user may read; `filters` through CreditFilter."""
    qs = scope_to_user(
        CreditRecord.objects.select_related("department", "source_round"), user=user
    )
    if department:
        qs = qs.filter(department_id=department)
    qs = filter_apply(CreditFilter, qs, filters, strict=strict)
    return qs.order_by("department__sort_order", "department_id", "-year")


def _scalar(queryset, field: str, function: str, output_field) -> Subquery:
    """`SELECT function(field) FROM queryset` as a scalar subquery."""
    return Subquery(
        queryset.order_by()
        .annotate(v=Func(F(field), function=function, output_field=output_field))
        .values("v")
    )


def data_state(*, user) -> tuple[str, datetime.datetime | None]:
    """What the score APIs' ETag and Last-Modified read, in one query: a cheap
    fingerprint of what they can show this user (changes whenever a round
    moves, a sheet changes or a credit record is written) and the latest
    publication the user can see.

    Small aggregates, each answered from an index (no join, nothing that grows
    with the number of sheets): rounds (count, latest change), the latest
    sheet change, the latest credit record change and the latest publication.
    They are scalar subqueries of the user's own row, so a 304 costs one round
    trip for them. Sheets of rounds the user cannot see may change the version
    too; that only costs a full answer. A sheet or credit record deleted moves
    its round's `updated_at`."""
    rounds = EvaluationRound.objects.filter(office_filter(user))
    published = rounds.filter(status=S.PUBLISHED)
    if not is_office(user):
        rounds = published
    when = DateTimeField()
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            _scalar(rounds, "id", "COUNT", IntegerField()),
            _scalar(rounds, "updated_at", "MAX", when),
            _scalar(Evaluation.objects.all(), "updated_at", "MAX", when),
            _scalar(CreditRecord.objects.all(), "updated_at", "MAX", when),
            _scalar(published, "published_at", "MAX", when),
        )
        .get()
    )
    n, changed, sheets, credit, published_at = row
    version = f"{role_of(user)}:{user.pk}:{n}:{changed}:{sheets}:{credit}"
    return version, published_at


def data_version(*, user) -> str:
    """The fingerprint of data_state()."""
    return data_state(user=user)[0]


def last_published_at(*, user):
    """The latest publication the user can see (data_state())."""
    return data_state(user=user)[1]


# --- dashboard ---------------------------------------------------------------


def score_trends(*, office=None) -> dict[str, list[dict]]:
    """Average 100-point score per published year (the last eight) of each
    department kind, from the stored rankings: {kind: [{year, value}, ...]}
    (one query for every kind)."""
    sums = (
        RankingEntry.objects.filter(
            round__status=S.PUBLISHED,
            round__quarter=0,
            round__office=office or Office.default(),
        )
        .values("kind", "round__year")
        .annotate(total=Sum("total"), n=Count("id"))
        .order_by("kind", "round__year")
    )
    trends = {kind: [] for kind in RANKED_KINDS}
    for row in sums:
        if row["n"]:
            trends.setdefault(row["kind"], []).append(
                {
                    "year": row["round__year"],
                    "value": Decimal(row["total"] / row["n"]).quantize(Decimal("0.01")),
                }
            )
    return {kind: rows[-8:] for kind, rows in trends.items()}


def year_steps(*, year: int, office=None) -> dict:
    """The year's steps in one grouped query: `progress`, approved / all steps
    per flow and kind, and `lights`, the counts of green/yellow/red among the
    unfinished (not approved) steps."""
    rows = (
        Step.objects.filter(
            project__year=year, project__office=office or Office.default()
        )
        .exclude(project__status=ExecutionProject.Status.WITHDRAWN)
        .annotate(light=light_case())
        .values("project__flow", "department__kind", "status", "light")
        .annotate(n=Count("id"))
        .order_by()
    )
    flows = dict(ExecutionProject._meta.get_field("flow").choices)
    kinds = dict(Department.Kind.choices)
    progress: dict[tuple, dict] = {}
    lights = {"green": 0, "yellow": 0, "red": 0}
    for row in rows:
        key = (row["project__flow"], row["department__kind"])
        bar = progress.setdefault(key, {"done": 0, "total": 0})
        bar["total"] += row["n"]
        if row["status"] == Step.Status.APPROVED:
            bar["done"] += row["n"]
        else:
            lights[row["light"]] += row["n"]
    return {
        "progress": [
            {
                "label": f"{flows.get(flow, flow)[:3]}·{kinds.get(kind, kind)}",
                **progress[(flow, kind)],
            }
            for flow, kind in sorted(progress)
        ],
        "lights": lights,
    }


def top_overdue(*, year: int, limit: int = 10, user=None, office=None):
    qs = (
        Step.objects.filter(
            project__year=year,
            project__office=office or Office.default(),
            due_on__lt=timezone.localdate(),
        )
        .exclude(status=Step.Status.APPROVED)
        .exclude(project__status=ExecutionProject.Status.WITHDRAWN)
        .select_related("project__regulation", "department")
        .order_by("due_on", "id")
    )
    if user is not None:
        qs = scope_to_user(qs, user=user)
    return list(qs[:limit])


def _bulletin_lists(round_: EvaluationRound) -> dict:
    """The 通报's overdue deductions (the 50 heaviest) and the steps named in
    it: a queryset, as at city scale thousands are flagged and the page shows
    them a page at a time (the Excel has them all). Only the steps of the
    round's own office: a district's 通报 names its own departments."""
    overdue = list(
        Deduction.objects.filter(evaluation__round=round_, kind="overdue")
        .select_related(
            "evaluation__department",
            "evaluation__project__regulation",
            "step_score__step",
        )
        .order_by("-points", "id")[:50]
    )
    escalated = (
        Step.objects.filter(
            project__office_id=round_.office_id,
            project__year=round_.year,
            flagged_for_bulletin=True,
        )
        .select_related("project__regulation", "department")
        .order_by("department__name", "due_on", "id")
    )
    return {"overdue": overdue, "escalated": escalated}


def _best_worst(rows: list[dict]) -> list[dict]:
    """Per kind (in order), the departments ranked first and those ranked
    last (none when the last rank is 1): `rows` holds at least those."""
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row["kind_label"]].append(row)
    best_worst = []
    for label, group in by_kind.items():
        best = [r for r in group if r["rank"] == 1]
        lowest = max(r["rank"] for r in group)
        worst = [r for r in group if r["rank"] == lowest and lowest != 1]
        best_worst.append({"kind": label, "best": best, "worst": worst})
    return best_worst


def bulletin(*, round_: EvaluationRound) -> dict:
    """Everything a 通报 of a published round holds, every ranked department
    included (the Excel); a fixed number of queries."""
    rows = round_rankings(round_=round_)
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row["kind_label"]].append(row)
    return {
        "rankings": rows,
        "by_kind": dict(by_kind),
        "best_worst": _best_worst(rows),
        **_bulletin_lists(round_),
    }


def _entries_in_order(round_: EvaluationRound) -> QuerySet[RankingEntry]:
    """The round's stored entries in the bulletin's order: kind (RANKED_KINDS
    is in alphabetical order), rank, then the name by code point like Python
    (services.rankings._sort), read off ranking_round_kind_rank."""
    name = F("department__name")
    if connection.vendor == "postgresql":
        name = Collate(name, "C")
    return (
        RankingEntry.objects.filter(round=round_)
        .select_related("department")
        .order_by("kind", "rank", name, "id")
    )


def bulletin_page(*, round_: EvaluationRound, number=None, per_page: int = 200) -> dict:
    """The 通报 page: one page (`number`) of the ranking and its totals
    (`rankings_page`, a Page of ranking rows), the best and worst of each kind,
    and the lists of _bulletin_lists.

    A published round reads only that page of its stored entries (LIMIT and
    OFFSET on an index) plus a count and the two ends of each kind: a few
    queries whatever the number of departments. A round published before
    rankings were stored is ranked again in full."""
    stored = _entries_in_order(round_)
    paginator = Paginator(stored, per_page)
    if round_.is_frozen and paginator.count:
        page = paginator.get_page(number)
        page.object_list = [entry_row(e) for e in page.object_list]
        last = {
            row["kind"]: row["last"]
            for row in stored.order_by()
            .values("kind")
            .annotate(last=Max("rank"))
            .order_by()
        }
        ends = Q(rank=1)
        for kind, rank in last.items():
            ends |= Q(kind=kind, rank=rank)
        best_worst = _best_worst([entry_row(e) for e in stored.filter(ends)])
    else:
        rows = round_rankings(round_=round_)
        page = Paginator(rows, per_page).get_page(number)
        best_worst = _best_worst(rows)
    return {
        "rankings_page": page,
        "best_worst": best_worst,
        **_bulletin_lists(round_),
    }


# --- 多元互评 -------------------------------------------------------------------


def peer_sheet(*, user) -> dict:
    """What the user's department rates in the open peer rounds (draft rounds
    with a peer weight): per round, each department of the other kind with
    the rating already given. Office staff see the rounds but rate nobody."""
    department = department_of(user)
    rated_kind = RATES.get(department.kind) if department else None
    rounds = list(
        EvaluationRound.objects.filter(status=S.DRAFT, peer_weight__gt=0).order_by(
            "-year", "-quarter"
        )
    )
    targets = []
    if rated_kind and not is_office(user):
        targets = list(
            Department.objects.filter(kind=rated_kind, is_active=True).order_by(
                "sort_order", "code"
            )
        )
    given = {
        (r.round_id, r.rated_id): r
        for r in PeerRating.objects.filter(rater=department, round__in=rounds)
    }
    sections = [
        {
            "round": r,
            "rows": [
                {"department": t, "rating": given.get((r.pk, t.pk))} for t in targets
            ],
        }
        for r in rounds
    ]
    return {"department": department, "sections": sections, "rated_kind": rated_kind}


def joint_sheet(*, round_: EvaluationRound, user) -> dict:
    """三家联评 page of a round: each body with its marks per ranked department,
    whether the user may enter them, the office's notes and the survey (four
    queries, whatever the number of departments)."""
    from evaluation.models import BodyMark, BodyMissing, SurveyResult
    from evaluation.services.joint import (
        MARKED_KINDS,
        can_mark_for,
        joint_gaps,
        round_bodies,
    )

    departments = list(
        Department.objects.filter(
            pk__in=round_.evaluations.values("department_id"), kind__in=MARKED_KINDS
        ).order_by("kind", "name")
    )
    marks = {
        (m.body_id, m.department_id): m for m in BodyMark.objects.filter(round=round_)
    }
    missing = {m.body_id: m for m in BodyMissing.objects.filter(round=round_)}
    bodies = [
        {
            "body": body,
            "may_mark": body.kind == "marks" and can_mark_for(user, body),
            "missing": missing.get(body.pk),
            "rows": [
                {"department": d, "mark": marks.get((body.pk, d.pk))}
                for d in departments
            ],
        }
        for body in round_bodies(round_)
    ]
    return {
        "round": round_,
        "bodies": bodies,
        "gaps": joint_gaps(round_),
        "surveys": SurveyResult.objects.filter(round=round_).select_related(
            "department"
        ),
    }


def low_credit_department_ids(*, grades) -> set[int]:
    """以信用为基础的差别化监管: departments whose latest credit record (by
    year) has one of `grades` (one query)."""
    from django.db.models import OuterRef, Subquery

    if not grades:
        return set()
    latest_year = (
        CreditRecord.objects.filter(department=OuterRef("department"))
        .order_by("-year")
        .values("year")[:1]
    )
    return set(
        CreditRecord.objects.filter(
            year=Subquery(latest_year), grade__in=list(grades)
        ).values_list("department_id", flat=True)
    )


def standards_current(*, office) -> dict[str, ScoringStandard]:
    """Flow code -> the standard in force for `office` (Office, id or None for
    the default): its 本区调整 if any, else the 全市默认 current version."""
    return ScoringStandard.objects.current_for(office)


def standard_list(*, office) -> list[ScoringStandard]:
    """The versions an office's standards page shows: the default's and the
    office's own (overrides first within a flow, newest version first), each
    with `applies` (is it the one in force for the office). Two queries plus
    the prefetches."""
    current = {s.pk for s in standards_current(office=office).values()}
    items = list(
        ScoringStandard.objects.filter(Q(office__isnull=True) | Q(office=office))
        .select_related("office")
        .prefetch_related(
            "steps", "rules", "indicators", "rounds", "bodies__department"
        )
        .order_by("flow_code", F("office_id").asc(nulls_last=True), "-version")
    )
    for item in items:
        item.applies = item.pk in current
    return items
