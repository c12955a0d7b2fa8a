"""三家联评: the bodies that evaluate under a standard version, their marks and
the office's note when one body gives none."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from evaluation.models.common import POINTS
from evaluation.models.rounds import EvaluationRound
from evaluation.models.standards import ScoringStandard


class EvaluatingBody(models.Model):
    """One evaluating body of a standard version and its weight (data).

    The record body is the office: its mark is the record-based score the app
    computes (100-point scale). A marking body's users enter a mark per department.
    """

    class Kind(models.TextChoices):
        RECORD = "record", "依据执规记录评分(区委办)"
        MARKS = "marks", "评价单位打分"
        SURVEY = "survey", "群众企业满意度调查"

    standard = models.ForeignKey(
        ScoringStandard, on_delete=models.CASCADE, related_name="bodies"
    )
    name = models.CharField("评价主体", max_length=50)
    kind = models.CharField(
        "评分方式", max_length=10, choices=Kind.choices, default=Kind.MARKS
    )
    department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="所属单位",
        help_text="其人员(办公室、领导、监督人员)录入本主体的评分",
    )
    weight = models.DecimalField(
        "权重",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0.6 表示占综合得分的60%",
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "评价主体"
        verbose_name_plural = "评价主体"
        ordering = ["standard", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "name"], name="evaluatingbody_unique_name"
            )
        ]

    def __str__(self):
        return f"{self.name}({self.weight:.0%})"


class BodyMark(models.Model):
    """A body's mark (0-100) and comment of one department in a round."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="body_marks"
    )
    body = models.ForeignKey(
        EvaluatingBody, on_delete=models.PROTECT, related_name="marks"
    )
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+"
    )
    mark = models.DecimalField(
        "评分", validators=[MinValueValidator(0), MaxValueValidator(100)], **POINTS
    )
    comment = models.TextField("评价意见", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "联评评分"
        verbose_name_plural = "联评评分"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "body", "department"], name="bodymark_unique"
            )
        ]

    def __str__(self):
        return f"{self.body.name} → {self.department}: {self.mark}"


class BodyMissing(models.Model):
    """The office's note why a body gives no marks in a round; the round may
    then be reviewed, and the other bodies' weights are scaled up to 100%."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="bodies_missing"
    )
    body = models.ForeignKey(
        EvaluatingBody, on_delete=models.PROTECT, related_name="missing"
    )
    reason = models.TextField("缺评原因")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "联评缺评说明"
        verbose_name_plural = "联评缺评说明"
        constraints = [
            models.UniqueConstraint(fields=["round", "body"], name="bodymissing_unique")
        ]

    def __str__(self):
        return f"{self.round} {self.body.name}: {self.reason}"


class SurveyResult(models.Model):
    """多元互评: the public/enterprise satisfaction survey of one department in a
    round, imported from a sheet (counts of answers)."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="survey_results"
    )
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+"
    )
    satisfied = models.PositiveIntegerField("满意", default=0)
    fairly_satisfied = models.PositiveIntegerField("基本满意", default=0)
    dissatisfied = models.PositiveIntegerField("不满意", default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "满意度调查"
        verbose_name_plural = "满意度调查"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "department"], name="surveyresult_unique"
            )
        ]

    def __str__(self):
        return f"{self.round} {self.department}"

    @property
    def answers(self) -> int:
        return self.satisfied + self.fairly_satisfied + self.dissatisfied
