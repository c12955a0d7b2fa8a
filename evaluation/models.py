"""评价可量化: scoring standards, rounds, score sheets, credit records.

Statuses change only through `evaluation.services` (one transition helper per
status machine); the admin shows them read-only.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from config.errors import DomainError

FLOW_CHOICES = [("general", "七步法(一般流程)"), ("simple", "三步法(简易流程)")]
POINTS = {"max_digits": 7, "decimal_places": 2}


class ScoringStandard(models.Model):
    """评分标准: one version of the marks of one flow.

    A version used by a round is never edited again: an edit then makes a new
    version (services.standard_update), so each round keeps the marks it used.
    """

    flow_code = models.CharField("流程", max_length=10, choices=FLOW_CHOICES)
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("名称", max_length=100)
    is_current = models.BooleanField("当前版本", default=True)
    # 评定等次 → mark: 基点 + share × (高点 − 基点). 合格 = 基点, 优秀 = 高点.
    excellent_share = models.DecimalField(
        "优秀取高点比例",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    good_share = models.DecimalField(
        "良好取高点比例",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0.5 表示良好得基点与高点的中间值",
    )
    pass_share = models.DecimalField(
        "合格取高点比例",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    note = models.TextField("修订说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评分标准"
        verbose_name_plural = "评分标准"
        ordering = ["flow_code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["flow_code", "version"], name="standard_flow_version"
            ),
            models.UniqueConstraint(
                fields=["flow_code"],
                condition=Q(is_current=True),
                name="standard_one_current_per_flow",
            ),
        ]

    def __str__(self):
        return f"{self.name}(第{self.version}版)"


class StandardStep(models.Model):
    """The base mark (基点) and high mark (高点) of one step in one version."""

    standard = models.ForeignKey(
        ScoringStandard, on_delete=models.CASCADE, related_name="steps"
    )
    code = models.CharField("步骤代码", max_length=40)
    name = models.CharField("步骤名称", max_length=50)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    base_points = models.DecimalField("基点", **POINTS)
    high_points = models.DecimalField("高点", **POINTS)

    class Meta:
        verbose_name = "步骤分值"
        verbose_name_plural = "步骤分值"
        ordering = ["standard", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "code"], name="standardstep_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(base_points__gte=0)
                & Q(high_points__gte=models.F("base_points")),
                name="standardstep_points_order",
            ),
        ]

    def __str__(self):
        return f"{self.name} 基点{self.base_points} 高点{self.high_points}"


class KeyIndicator(models.Model):
    """关键达成指标: a must-have result of a step. Missing it caps the step at a
    share of its base mark, or zeroes it."""

    class Effect(models.TextChoices):
        CAP = "cap", "封顶(基点的一定比例)"
        ZERO = "zero", "该步骤记零分"

    standard = models.ForeignKey(
        ScoringStandard, on_delete=models.CASCADE, related_name="indicators"
    )
    step_code = models.CharField("步骤代码", max_length=40)
    description = models.CharField("指标内容", max_length=200)
    effect = models.CharField(
        "未达成后果", max_length=10, choices=Effect.choices, default=Effect.CAP
    )
    cap_share = models.DecimalField(
        "封顶比例",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0.5 表示最多得基点的一半",
    )

    class Meta:
        verbose_name = "关键达成指标"
        verbose_name_plural = "关键达成指标"
        ordering = ["standard", "step_code", "id"]

    def __str__(self):
        return self.description


class DeductionRule(models.Model):
    """扣分规则: points per occurrence, capped per step."""

    class Kind(models.TextChoices):
        WARNING = "warning", "每张警示单"
        OVERDUE_DAY = "overdue_day", "每逾期一个工作日"
        RETURN = "return", "每退回一次"
        RECEIPT_DAY = "receipt_day", "回执每迟一个工作日(含未确认)"
        ASSIGNMENT = "assignment", "每张交办单逾期办结或未办结"
        REPORT_RETURN = "report_return", "落实表每被退回一次"

    standard = models.ForeignKey(
        ScoringStandard, on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField("扣分项", max_length=20, choices=Kind.choices)
    points = models.DecimalField("每次扣分", **POINTS)
    cap = models.DecimalField("单个步骤扣分上限", **POINTS)

    class Meta:
        verbose_name = "扣分规则"
        verbose_name_plural = "扣分规则"
        ordering = ["standard", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "kind"], name="deductionrule_unique_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} 扣{self.points}分(上限{self.cap})"


class EvaluationRound(models.Model):
    """评价轮次: a year (quarter 0) or one quarter, draft → reviewed → published.

    A published round is frozen. A correction is a new round for the same period
    with a reason; publishing it supersedes the old one.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"  # sheets proposed and adjusted by the office
        REVIEWED = "reviewed", "已复核"  # checked, waiting for publication
        PUBLISHED = "published", "已发布"  # frozen; feeds rankings and credit
        SUPERSEDED = "superseded", "已被更正"  # replaced by a published correction

    class Quarter(models.IntegerChoices):
        YEAR = 0, "全年"
        Q1 = 1, "第一季度"
        Q2 = 2, "第二季度"
        Q3 = 3, "第三季度"
        Q4 = 4, "第四季度"

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    quarter = models.PositiveSmallIntegerField(
        "期间", choices=Quarter.choices, default=Quarter.YEAR
    )
    # 截至日期: the day the round counts up to (set when sheets are proposed).
    as_of = models.DateField("截至日期", null=True, blank=True)
    name = models.CharField("名称", max_length=100)
    standards = models.ManyToManyField(
        ScoringStandard, related_name="rounds", verbose_name="所用评分标准"
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name="更正的轮次",
    )
    correction_reason = models.TextField("更正原因", blank=True)
    # 多元互评: share of the peer average in each department's score (0 = none).
    peer_weight = models.DecimalField(
        "互评权重",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.5"))],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "评价轮次"
        verbose_name_plural = "评价轮次"
        ordering = ["-year", "-quarter", "-id"]
        constraints = [
            # One open round per period, and one published (in force) per period.
            models.UniqueConstraint(
                fields=["year", "quarter"],
                condition=Q(status__in=["draft", "reviewed"]),
                name="round_one_open_per_period",
            ),
            models.UniqueConstraint(
                fields=["year", "quarter"],
                condition=Q(status="published"),
                name="round_one_published_per_period",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Defence in depth: services never save() a frozen round, nor may anyone.
        if self.pk is not None:
            stored = (
                EvaluationRound.objects.filter(pk=self.pk)
                .values_list("status", flat=True)
                .first()
            )
            if stored in (self.Status.PUBLISHED, self.Status.SUPERSEDED):
                raise DomainError(
                    "该评价轮次已发布，已冻结，不能修改；如需更正，请新建更正轮次并说明原因。",
                    code="frozen",
                )
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.SUPERSEDED)

    @property
    def period_end(self):
        """The last day of the round's period (a quarter's, or the year's)."""
        if self.quarter:
            month = self.quarter * 3
            first_next = (
                datetime.date(self.year + 1, 1, 1)
                if month == 12
                else datetime.date(self.year, month + 1, 1)
            )
            return first_next - datetime.timedelta(days=1)
        return datetime.date(self.year, 12, 31)

    @property
    def period_label(self) -> str:
        if self.quarter:
            return f"{self.year}年{self.get_quarter_display()}"
        return f"{self.year}年度"


class RoundEvent(models.Model):
    """Every status change of a round: who, when, from, to, why."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("动作", max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField("原因", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "轮次流转记录"
        verbose_name_plural = "轮次流转记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"


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
    updated_at = models.DateTimeField(auto_now=True)

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


class PeerRating(models.Model):
    """多元互评: one rater department's score (0-100) of another in a round."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="peer_ratings"
    )
    rater = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+"
    )
    rated = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(
        "评分",
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **POINTS,
    )
    comment = models.TextField("意见", blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "多元互评"
        verbose_name_plural = "多元互评"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "rater", "rated"], name="peer_unique_pair"
            )
        ]

    def __str__(self):
        return f"{self.rater} → {self.rated}: {self.score}"
