"""评分标准: versions of the marks of a flow, their steps, key indicators and
deduction rules.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from evaluation.models.common import FLOW_CHOICES, POINTS


class ScoringStandardQuerySet(models.QuerySet):
    def current_for(self, office) -> dict[str, "ScoringStandard"]:
        """Flow code -> the standard in force for `office` (an Office, its id, or
        None for the default): the office's current override (本区调整) if it
        has one, else the default's current (全市默认). One query; chains after
        filter()/prefetch_related(). The one place this is decided
        (evaluation.selectors.standards_current wraps it for the pages)."""
        office_id = getattr(office, "pk", office)
        scope = Q(office__isnull=True)
        if office_id is not None:
            scope |= Q(office_id=office_id)
        found = {}
        # The default first, so an office's own row (last) wins.
        for standard in self.filter(scope, is_current=True).order_by(
            F("office_id").asc(nulls_first=True)
        ):
            found[standard.flow_code] = standard
        return found


class ScoringStandard(models.Model):
    """评分标准: one version of the marks of one flow.

    A version used by a round is never edited again: an edit then makes a new
    version (services.standard_update), so each round keeps the marks it used.

    `office` null: the default (全市默认) standard; an office's own rows are its
    override (本区调整), versioned on their own. The current standard of a flow
    for an office is its current override if any, else the default's current
    (evaluation.selectors.standard_current).
    """

    office = models.ForeignKey(
        "org.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scoring_standards",
        verbose_name="办公室",
        help_text="留空为全市默认标准；填写则为该区调整后的标准",
    )
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

    objects = ScoringStandardQuerySet.as_manager()

    class Meta:
        verbose_name = "评分标准"
        verbose_name_plural = "评分标准"
        ordering = ["flow_code", "-version"]
        # Versions and "one current" run per (default or office, flow).
        constraints = [
            models.UniqueConstraint(
                fields=["flow_code", "version"],
                condition=Q(office__isnull=True),
                name="standard_default_flow_version",
            ),
            models.UniqueConstraint(
                fields=["office", "flow_code", "version"],
                condition=Q(office__isnull=False),
                name="standard_office_flow_version",
            ),
            models.UniqueConstraint(
                fields=["flow_code"],
                condition=Q(is_current=True, office__isnull=True),
                name="standard_one_current_default",
            ),
            models.UniqueConstraint(
                fields=["office", "flow_code"],
                condition=Q(is_current=True, office__isnull=False),
                name="standard_one_current_per_office",
            ),
        ]

    def __str__(self):
        return f"{self.name}(第{self.version}版)"

    @property
    def is_default(self) -> bool:
        """全市默认 (no office), as against an office's 本区调整."""
        return self.office_id is None


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
