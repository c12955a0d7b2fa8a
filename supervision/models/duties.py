"""日常执规事项: recurring duties from the 动力机制清单."""

from django.conf import settings
from django.db import models


def duty_evidence_upload_to(instance, filename):
    return f"duties/{instance.department_id}/{instance.period_start:%Y}/{filename}"


class Duty(models.Model):
    """日常执规事项: one occurrence of a recurring driver-list duty for one
    department (党章学习日 7月1日, 宪法学习日 12月4日, 会前学法, 季度学法)."""

    class Status(models.TextChoices):
        OPEN = "open", "待完成"  # generated, reminded when due soon
        DONE = "done", "已完成"  # done with evidence
        OVERDUE = "overdue", "已逾期"  # past due without evidence

    row = models.ForeignKey(
        "responsibilities.ResponsibilityList",
        on_delete=models.PROTECT,
        related_name="duties",
        verbose_name="动力机制清单条目",
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="duties",
        verbose_name="责任单位",
    )
    title = models.CharField("事项", max_length=200)
    period_start = models.DateField("周期开始")
    seq = models.PositiveSmallIntegerField("本期第几次", default=1)
    occurs_on = models.DateField("日期")
    due_on = models.DateField("完成时限", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN
    )
    evidence_text = models.TextField("完成情况", blank=True)
    evidence_file = models.FileField(
        "佐证材料", upload_to=duty_evidence_upload_to, blank=True, max_length=255
    )
    done_on = models.DateField("完成日期", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded_on = models.DateField("已提醒", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "日常执规事项"
        verbose_name_plural = "日常执规事项"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["row", "department", "period_start", "seq"],
                name="duty_once_per_department_and_period",
            )
        ]

    def __str__(self):
        return f"{self.department} {self.title} {self.occurs_on}"


class DutyEvent(models.Model):
    """Every status change of a duty."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField("动作", max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "日常执规流转记录"
        verbose_name_plural = "日常执规流转记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"
