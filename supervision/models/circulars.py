"""通报: numbered circulars."""

from django.conf import settings
from django.db import models

from supervision.models.records import Accountability, Inspection


class Circular(models.Model):
    """通报(第N期): a numbered circular of one kind, drafted from a published
    round, a set of inspections or accountability cases, edited by the office
    and issued to chosen departments (or all) as 告知单 with receipts."""

    class Kind(models.TextChoices):
        EVALUATION = "evaluation", "评价通报"
        INSPECTION = "inspection", "督查通报"
        ACCOUNTABILITY = "accountability", "问责通报"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"  # the office edits it
        ISSUED = "issued", "已印发"  # numbered and delivered; frozen

    # The office that issues it (its prefix, its counter, its departments).
    office = models.ForeignKey(
        "org.Office",
        on_delete=models.PROTECT,
        related_name="circulars",
        verbose_name="办公室",
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("期数", null=True, blank=True)
    number = models.CharField("期号", max_length=60, blank=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    round = models.ForeignKey(
        "evaluation.EvaluationRound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="circulars",
        verbose_name="评价轮次",
    )
    inspections = models.ManyToManyField(
        Inspection, blank=True, related_name="circulars", verbose_name="明察暗访"
    )
    accountabilities = models.ManyToManyField(
        Accountability, blank=True, related_name="circulars", verbose_name="追责问责"
    )
    to_all = models.BooleanField("发至全部单位", default=True)
    departments = models.ManyToManyField(
        "org.Department",
        blank=True,
        related_name="circulars",
        verbose_name="发送单位",
    )
    notices = models.ManyToManyField(
        "notices.Notice", blank=True, related_name="+", verbose_name="告知单"
    )
    issued_on = models.DateField("印发日期", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-year", "-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "year", "serial"],
                condition=models.Q(serial__isnull=False),
                name="circular_serial_once_per_kind_and_year",
            )
        ]

    def __str__(self):
        return f"{self.number or '草稿'} {self.title}"


class CircularCounter(models.Model):
    """The last 期数 issued per (kind, year); locked in the issuing transaction
    so numbers never repeat or skip (as notices' NoticeCounter)."""

    office = models.ForeignKey(
        "org.Office",
        on_delete=models.PROTECT,
        related_name="circular_counters",
        verbose_name="办公室",
    )
    kind = models.CharField(max_length=20, choices=Circular.Kind.choices)
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "通报期数计数器"
        verbose_name_plural = "通报期数计数器"
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "year"], name="circularcounter_kind_year"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last_serial}"


class CircularEvent(models.Model):
    """Every status change of a circular."""

    circular = models.ForeignKey(
        Circular, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField("动作", max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "通报流转记录"
        verbose_name_plural = "通报流转记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"
