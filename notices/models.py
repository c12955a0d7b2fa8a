from django.conf import settings
from django.db import models
from django.db.models import Q


class Notice(models.Model):
    """One notice of the "三单一表" method. A row is written first (the outbox);
    Celery delivers it after commit."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "提醒"
        NOTIFICATION = "notification", "告知单"
        ASSIGNMENT = "assignment", "交办单"
        WARNING = "warning", "警示单"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"  # created, delivery not yet completed
        SENT = "sent", "已送达"  # delivered on at least the in-app channel
        CONFIRMED = "confirmed", "已签收"  # the department confirmed receipt
        ANSWERED = "answered", "已反馈"  # a 落实表 was submitted, office to review
        ACCEPTED = "accepted", "已办结"  # the office accepted the 落实表
        RETURNED = "returned", "已退回"  # the office sent the 落实表 back

    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    # Formal number, e.g. 南湖执规告〔2026〕12号; unique per kind and year.
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号", null=True, blank=True)
    number = models.CharField("文号", max_length=60, blank=True)
    # Escalation level: 1 for the first warning on a step, 2, 3 ...
    level = models.PositiveSmallIntegerField("级别", default=1)
    department = models.ForeignKey(
        "responsibilities.Department",
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name="接收单位",
    )
    cc_departments = models.ManyToManyField(
        "responsibilities.Department",
        blank=True,
        related_name="cc_notices",
        verbose_name="抄送",
    )
    project = models.ForeignKey(
        "workflows.ExecutionProject",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name="项目",
    )
    step = models.ForeignKey(
        "workflows.Step",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name="步骤",
    )
    receipt = models.ForeignKey(
        "workflows.Receipt",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    # A warning raised because an assignment was not answered points to it.
    source_notice = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    due_on = models.DateField("反馈时限", null=True, blank=True, db_index=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("签收时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "通知单"
        verbose_name_plural = "通知单"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "serial"],
                condition=Q(serial__isnull=False),
                name="notice_unique_number",
            ),
            # However often the scan runs: one notice per (step, kind, level).
            models.UniqueConstraint(
                fields=["step", "kind", "level"],
                condition=Q(step__isnull=False),
                name="notice_once_per_step_kind_level",
            ),
            models.UniqueConstraint(
                fields=["receipt", "kind", "level"],
                condition=Q(receipt__isnull=False),
                name="notice_once_per_receipt_kind_level",
            ),
            models.UniqueConstraint(
                fields=["source_notice", "kind", "level"],
                condition=Q(source_notice__isnull=False),
                name="notice_once_per_source_kind_level",
            ),
        ]
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self):
        return self.number or self.title
