"""评价轮次: a round's period and status, and the record of its changes."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from config.errors import DomainError
from evaluation.models.standards import ScoringStandard
from org.models import Office


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

    # Rounds, rankings and credit are per office (试点扩面).
    office = models.ForeignKey(
        "org.Office",
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name="办公室",
    )
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
    # The sheets the scores list shows of a published (frozen) round, counted
    # once at publication (round_sheets_count): the API's envelope sums them
    # instead of counting the sheets table. NULL: not counted, or some sheet's
    # department is no longer of the round's office; readers count live.
    published_sheets = models.PositiveIntegerField(
        "发布时评分表数", null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = "评价轮次"
        verbose_name_plural = "评价轮次"
        ordering = ["-year", "-quarter", "-id"]
        constraints = [
            # One open round per period, and one published (in force) per period.
            models.UniqueConstraint(
                fields=["office", "year", "quarter"],
                condition=Q(status__in=["draft", "reviewed"]),
                name="round_one_open_per_period",
            ),
            models.UniqueConstraint(
                fields=["office", "year", "quarter"],
                condition=Q(status="published"),
                name="round_one_published_per_period",
            ),
        ]
        # The score APIs' ETag: count and latest change of the published rounds.
        indexes = [
            models.Index(fields=["status", "updated_at"], name="round_status_updated")
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
        if self.office_id is None:
            self.office_id = Office.default().pk
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
