"""评分表: one department's sheet in a round, its step lines, deductions,
key-indicator misses and the office's adjustments.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from evaluation.models.common import POINTS
from evaluation.models.rounds import EvaluationRound
from evaluation.models.standards import KeyIndicator, ScoringStandard


class Evaluation(models.Model):
    """评分表: one department's marks on one project in one round."""

    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name="轮次",
    )
    project = models.ForeignKey(
        "workflows.ExecutionProject",
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name="项目",
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name="单位",
    )
    standard = models.ForeignKey(
        ScoringStandard,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name="评分标准",
    )
    is_lead = models.BooleanField("牵头部门", default=False)
    proposed_total = models.DecimalField("系统建议得分", default=0, **POINTS)
    total = models.DecimalField("得分", default=0, **POINTS)
    max_total = models.DecimalField("满分(高点合计)", default=0, **POINTS)
    warnings = models.PositiveIntegerField("警示单数", default=0)
    overdue_days = models.PositiveIntegerField("逾期工作日", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = "评分表"
        verbose_name_plural = "评分表"
        ordering = ["round", "project", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "project", "department"],
                name="evaluation_unique_round_project_dept",
            )
        ]
        indexes = [models.Index(fields=["department", "round"])]

    def __str__(self):
        return f"{self.round} · {self.project} · {self.department}"


class StepScore(models.Model):
    """One line of a sheet: a step's proposed and final mark, with the why."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="steps"
    )
    step = models.ForeignKey(
        "workflows.Step", on_delete=models.PROTECT, related_name="scores"
    )
    code = models.CharField("步骤代码", max_length=40)
    name = models.CharField("步骤名称", max_length=50)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    base_points = models.DecimalField("基点", **POINTS)
    high_points = models.DecimalField("高点", **POINTS)
    proposed = models.DecimalField("建议得分", **POINTS)
    final = models.DecimalField("最终得分", **POINTS)
    explanation = models.TextField("计分说明", blank=True)

    class Meta:
        verbose_name = "步骤得分"
        verbose_name_plural = "步骤得分"
        ordering = ["evaluation", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "step"], name="stepscore_unique_step"
            ),
            models.CheckConstraint(
                condition=Q(final__gte=0) & Q(final__lte=models.F("high_points")),
                name="stepscore_final_within_bounds",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.final}"


class Deduction(models.Model):
    """One deduction with its source (a workflows Event or a Notice)."""

    class Kind(models.TextChoices):
        WARNING = "warning", "警示单"
        OVERDUE = "overdue", "逾期"
        RETURN = "return", "退回"
        INDICATOR = "indicator", "关键指标未达成"
        RECEIPT = "receipt", "回执迟确认"
        ASSIGNMENT = "assignment", "交办单未按期办结"
        REPORT_RETURN = "report_return", "落实表被退回"

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="deductions"
    )
    step_score = models.ForeignKey(
        StepScore, on_delete=models.CASCADE, related_name="deductions"
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    reason = models.CharField("扣分原因", max_length=300)
    points = models.DecimalField("扣分", **POINTS)
    source_event_id = models.PositiveBigIntegerField("来源流转记录", null=True)
    source_notice_id = models.PositiveBigIntegerField("来源通知单", null=True)

    class Meta:
        verbose_name = "扣分明细"
        verbose_name_plural = "扣分明细"
        ordering = ["evaluation", "step_score", "id"]

    def __str__(self):
        return f"{self.reason} -{self.points}"


class KeyIndicatorMiss(models.Model):
    """The office records that a key indicator was not met on a sheet."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="indicator_misses"
    )
    indicator = models.ForeignKey(
        KeyIndicator, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("说明")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "关键指标未达成记录"
        verbose_name_plural = "关键指标未达成记录"
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="indicatormiss_unique"
            )
        ]

    def __str__(self):
        return f"{self.indicator} 未达成"


class Adjustment(models.Model):
    """An office adjustment of one mark: old → new, with a written reason."""

    step_score = models.ForeignKey(
        StepScore, on_delete=models.CASCADE, related_name="adjustments"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    old_points = models.DecimalField("原分值", **POINTS)
    new_points = models.DecimalField("新分值", **POINTS)
    reason = models.TextField("调整理由")

    class Meta:
        verbose_name = "分值调整"
        verbose_name_plural = "分值调整"
        ordering = ["step_score", "created_at", "id"]
        constraints = [
            # The rule of the method, also in the database: a reason, and a mark
            # not below zero (the upper bound, the high mark, is checked on the
            # line itself).
            models.CheckConstraint(
                condition=~Q(reason=""), name="adjustment_reason_required"
            ),
            models.CheckConstraint(
                condition=Q(new_points__gte=0), name="adjustment_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.old_points} → {self.new_points}"
