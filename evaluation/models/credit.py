"""历史信用评价: grade thresholds and the yearly credit records."""

from django.db import models

from evaluation.models.common import POINTS
from evaluation.models.rounds import EvaluationRound


class GradeThreshold(models.Model):
    """A/B/C/D: a score at or above `min_score` earns the grade (data, not code)."""

    grade = models.CharField("等级", max_length=2, unique=True)
    label = models.CharField("说明", max_length=20, blank=True)
    min_score = models.DecimalField("最低分(百分制)", **POINTS)

    class Meta:
        verbose_name = "信用等级线"
        verbose_name_plural = "信用等级线"
        ordering = ["-min_score"]

    def __str__(self):
        return f"{self.grade} ≥ {self.min_score}"


class CreditRecord(models.Model):
    """历史信用评价: a department's execution score and grade for one year.

    Written only by `round_publish` of a whole-year round (quarter 0).
    """

    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name="单位",
    )
    year = models.PositiveSmallIntegerField("年度")
    score = models.DecimalField("得分(百分制)", **POINTS)
    grade = models.CharField("等级", max_length=2)
    projects = models.PositiveIntegerField("项目数", default=0)
    source_round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name="来源轮次",
    )
    # Indexed: the score APIs' ETag reads its latest value (selectors.data_version).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = "历史信用评价"
        verbose_name_plural = "历史信用评价"
        ordering = ["department", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"], name="credit_unique_department_year"
            )
        ]

    def __str__(self):
        return f"{self.department} {self.year} {self.grade}"
