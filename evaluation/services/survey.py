"""多元互评: the public/enterprise satisfaction survey of a round, imported from
a sheet (one row per department: 单位名称, 满意, 基本满意, 不满意 counts).

Satisfaction rate = 100·(满意 + 基本满意) / all answers, the rate the practice
reports ("群众满意率"); it is the survey body's mark in the combined score.
"""

from decimal import Decimal

from config.columns import CleanRow, Column, import_rows
from config.errors import DomainError, NotAllowed
from config.tabular import ImportReport, Row
from evaluation.models import EvaluationRound, SurveyResult
from evaluation.services.scoring import q
from org.models import Department
from org.selectors import is_office


def _count(text: str) -> int:
    try:
        value = Decimal(text)
    except ArithmeticError as exc:
        raise ValueError from exc
    if value < 0 or value != value.to_integral_value():
        raise ValueError(text)
    return int(value)


COUNT_INVALID = "“{text}”不是人数（应为0或正整数）"
SURVEY_COLUMNS = (
    Column(
        "单位名称",
        "department",
        aliases=("单位", "部门"),
        required=True,
        blank=False,
        lookup="department",
        default=None,
    ),
    Column(
        "满意",
        "satisfied",
        required=True,
        parse=_count,
        invalid=COUNT_INVALID,
        default=0,
    ),
    Column(
        "基本满意",
        "fairly_satisfied",
        required=True,
        parse=_count,
        invalid=COUNT_INVALID,
        default=0,
    ),
    Column(
        "不满意",
        "dissatisfied",
        required=True,
        parse=_count,
        invalid=COUNT_INVALID,
        default=0,
    ),
)


def satisfaction_rate(result: SurveyResult) -> Decimal | None:
    answers = result.answers
    if not answers:
        return None
    return q(Decimal(100) * (result.satisfied + result.fairly_satisfied) / answers)


def satisfaction_rates(round_: EvaluationRound) -> dict[int, Decimal]:
    """Each surveyed department's satisfaction rate in a round (one query)."""
    rates = {}
    for result in SurveyResult.objects.filter(round=round_):
        rate = satisfaction_rate(result)
        if rate is not None:
            rates[result.department_id] = rate
    return rates


def surveyed_department_ids(round_: EvaluationRound) -> set[int]:
    return set(
        SurveyResult.objects.filter(round=round_).values_list(
            "department_id", flat=True
        )
    )


def survey_import(
    *,
    round: EvaluationRound,  # noqa: A002
    rows: list[Row],
    actor,
    commit: bool,
) -> ImportReport:
    """Check (and with commit=True write) a round's survey sheet, all or nothing.

    Side effects (commit, no bad row): one SurveyResult per row, replacing the
    department's earlier result in the round.
    """
    if not is_office(actor):
        raise NotAllowed("只有区委办可以导入满意度调查。")
    if round.status != EvaluationRound.Status.DRAFT:
        raise DomainError("轮次已复核或发布，满意度调查不能再导入。")
    departments = {d.name: d for d in Department.objects.all()}
    seen: dict[int, int] = {}

    def department(text: str) -> Department:
        found = departments.get(text)
        if found is None:
            raise ValueError(f"找不到单位“{text}”")
        return found

    def check_row(row: CleanRow):
        found = row.get("department")
        if found is not None:
            if found.pk in seen:
                yield "department", f"与第{seen[found.pk]}行重复"
            else:
                seen[found.pk] = row.number
        counts = [row.get(f) for f in ("satisfied", "fairly_satisfied", "dissatisfied")]
        if all(isinstance(c, int) for c in counts) and not sum(counts):
            yield "", "满意、基本满意、不满意人数不能都为0"

    def write(clean_rows: list[CleanRow]) -> int:
        for row in clean_rows:
            SurveyResult.objects.update_or_create(
                round=round,
                department=row["department"],
                defaults={
                    "satisfied": row["satisfied"],
                    "fairly_satisfied": row["fairly_satisfied"],
                    "dissatisfied": row["dissatisfied"],
                    "imported_by": actor,
                },
            )
        return len(clean_rows)

    return import_rows(
        rows,
        SURVEY_COLUMNS,
        commit=commit,
        lookups={"department": department},
        check_row=check_row,
        preview=lambda row: {
            "row": row.number,
            "department": str(row.get("department") or row.raw.get("department", "")),
            "satisfied": row.get("satisfied"),
            "fairly_satisfied": row.get("fairly_satisfied"),
            "dissatisfied": row.get("dissatisfied"),
        },
        write=write,
    )
