"""晾晒比学: ranking a round's departments, and storing the ranking of a
published (frozen) round so that nobody ranks it again."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Func, Sum, Window
from django.db.models.functions import Rank

from evaluation.models import (
    Evaluation,
    EvaluationRound,
    GradeThreshold,
    RankingEntry,
)
from evaluation.services.joint import combined_scores, round_bodies
from evaluation.services.rounds import grade_for
from evaluation.services.scoring import q
from org.models import Department

WITHDRAWN = "withdrawn"  # ExecutionProject.Status.WITHDRAWN
# Only 区级部门 and 镇街 are ranked (each on its own); the office and villages
# keep their sheets and credit records but are not ranked.
RANKED_KINDS = [Department.Kind.DISTRICT, Department.Kind.TOWN]
KIND_LABELS = dict(Department.Kind.choices)


class _Percent(Func):
    """ROUND(100·a/b, 2), 0 when b is 0: the 100-point score, rounded to the
    cent like services.scoring.q (PostgreSQL's numeric ROUND rounds half up)."""

    output_field = DecimalField(max_digits=7, decimal_places=2)

    def __init__(self, numerator, denominator):
        super().__init__(numerator, denominator)

    def as_sql(self, compiler, connection, hundred="100", **extra):
        a, a_params = compiler.compile(self.source_expressions[0])
        b, b_params = compiler.compile(self.source_expressions[1])
        sql = f"COALESCE(ROUND({hundred} * {a} / NULLIF({b}, 0), 2), 0)"
        return sql, (*a_params, *b_params)

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite would divide whole sums as integers.
        return self.as_sql(compiler, connection, hundred="100.0", **extra)


def _row(department_id, name, kind, **values) -> dict:
    return {
        "department_id": department_id,
        "department": name,
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind, kind),
        **values,
    }


def _sort(rows: list[dict]) -> list[dict]:
    # Kinds in RANKED_KINDS order, then rank, then name (Python's order, not
    # the database collation's, so ties list the same way everywhere).
    order = {k: i for i, k in enumerate(RANKED_KINDS)}
    return sorted(rows, key=lambda r: (order[r["kind"]], r["rank"], r["department"]))


def competition_rank(rows: list[dict], *, key: str = "total") -> list[dict]:
    """Sort by `key` (highest first) and rank 1,1,3: ties share a rank."""
    rows = sorted(rows, key=lambda r: (-r[key], r["department"]))
    previous = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        if row[key] != previous:
            rank = position
            previous = row[key]
        row["rank"] = rank
    return rows


def _ranked_in_sql(evaluations, kinds, thresholds) -> list[dict]:
    """Execution scores ranked by the database: one grouped query with
    RANK() OVER (PARTITION BY kind ORDER BY score DESC)."""
    rows = (
        evaluations.filter(department__kind__in=kinds)
        .values(
            "department_id", "department__name", "department__kind", "round__office_id"
        )
        .annotate(
            sum_total=Sum("total"),
            sum_max=Sum("max_total"),
            projects=Count("project_id", distinct=True),
            warnings=Sum("warnings"),
        )
        .annotate(score=_Percent(F("sum_total"), F("sum_max")))
        .annotate(
            rank=Window(
                Rank(),
                # Rankings are within an office (试点扩面), each kind apart.
                partition_by=[F("round__office_id"), F("department__kind")],
                order_by=F("score").desc(),
            )
        )
        .order_by()
    )
    result = []
    for row in rows:
        score = q(row["score"])
        result.append(
            _row(
                row["department_id"],
                row["department__name"],
                row["department__kind"],
                rank=row["rank"],
                total=score,
                grade=grade_for(score, thresholds),
                execution=score,
                peer=None,
                bodies={},
                points=row["sum_total"],
                max_points=row["sum_max"],
                projects=row["projects"],
                warnings=row["warnings"] or 0,
            )
        )
    return _sort(result)


def _ranked_in_python(evaluations, kinds, round_, thresholds) -> list[dict]:
    """Scores blended with peer ratings or bodies' marks (combined_scores),
    which only Python computes, ranked here."""
    scores = combined_scores(evaluations, round_=round_)
    departments = {
        d["pk"]: d
        for d in Department.objects.filter(
            pk__in=[row["department_id"] for row in scores], kind__in=kinds
        ).values("pk", "name", "kind")
    }
    groups = defaultdict(list)
    for row in scores:
        department = departments.get(row["department_id"])
        if department is None:
            continue
        groups[department["kind"]].append(
            _row(
                department["pk"],
                department["name"],
                department["kind"],
                total=row["score"],
                grade=grade_for(row["score"], thresholds),
                execution=row["execution"],
                peer=row["peer"],
                bodies=row.get("bodies", {}),
                points=row["sum_total"],
                max_points=row["sum_max"],
                projects=row["projects"],
                warnings=row["warnings"] or 0,
            )
        )
    result = []
    for group in groups.values():
        result.extend(competition_rank(group))
    return _sort(result)


def ranking_compute(
    evaluations,
    *,
    kind: str | None = None,
    round_: EvaluationRound | None = None,
) -> list[dict]:
    """Rankings of the departments of `evaluations` (sheets of one round, so
    of one office), each department kind ranked on its own; ties share a rank.

    `total` is each department's score on a 100-point scale
    (100·Σtotal/Σmax_total), ranked in SQL; a round with evaluating bodies or
    peer ratings combines them first (services.joint.combined_scores).
    """
    evaluations = evaluations.exclude(project__status=WITHDRAWN)
    kinds = [k for k in RANKED_KINDS if not kind or k == kind]
    thresholds = list(GradeThreshold.objects.order_by("-min_score"))
    blended = round_ is not None and (round_.peer_weight or round_bodies(round_))
    if blended:
        return _ranked_in_python(evaluations, kinds, round_, thresholds)
    return _ranked_in_sql(evaluations, kinds, thresholds)


def _mark(value) -> str | None:
    return None if value is None else str(value)


def ranking_entries_write(*, round: EvaluationRound) -> int:  # noqa: A002
    """Store the round's ranking (at publication: the round is frozen).

    Side effects: replaces the round's RankingEntry rows (one DELETE, one
    bulk INSERT). Returns the number of entries.
    """
    rows = ranking_compute(Evaluation.objects.filter(round=round), round_=round)
    RankingEntry.objects.filter(round=round).delete()
    RankingEntry.objects.bulk_create(
        [
            RankingEntry(
                round=round,
                department_id=row["department_id"],
                kind=row["kind"],
                rank=row["rank"],
                total=row["total"],
                execution=row["execution"],
                peer=row["peer"],
                points=row["points"] or Decimal(0),
                max_points=row["max_points"] or Decimal(0),
                projects=row["projects"],
                warnings=row["warnings"],
                grade=row["grade"],
                bodies={name: _mark(m) for name, m in row["bodies"].items()},
            )
            for row in rows
        ],
        batch_size=1000,
    )
    return len(rows)


# A stored entry's columns as `stored_row` reads them (`.values(*ENTRY_FIELDS)`).
ENTRY_FIELDS = (
    "department_id",
    "department__name",
    "kind",
    "rank",
    "total",
    "grade",
    "execution",
    "peer",
    "bodies",
    "points",
    "max_points",
    "projects",
    "warnings",
)


def stored_row(values: dict) -> dict:
    """A stored entry read as values (ENTRY_FIELDS) as the dict the pages and
    the API read: no model instances where a page lists many."""
    return _row(
        values["department_id"],
        values["department__name"],
        values["kind"],
        rank=values["rank"],
        total=values["total"],
        grade=values["grade"],
        execution=values["execution"],
        peer=values["peer"],
        bodies={
            name: None if mark is None else Decimal(mark)
            for name, mark in values["bodies"].items()
        },
        points=values["points"],
        max_points=values["max_points"],
        projects=values["projects"],
        warnings=values["warnings"],
    )


def entry_row(entry: RankingEntry) -> dict:
    """A stored entry as the dict the pages and the API read."""
    values = {name: getattr(entry, name, None) for name in ENTRY_FIELDS}
    values["department__name"] = entry.department.name
    return stored_row(values)
