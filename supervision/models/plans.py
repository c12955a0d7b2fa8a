"""Plans from the 专项监督清单 (and schedules of the 动力机制清单)."""

from django.conf import settings
from django.db import models

from supervision.models.records import Inspection
from supervision.models.units import SupervisingUnit


class Cycle(models.TextChoices):
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    HALF_YEARLY = "half_yearly", "每半年"
    YEARLY = "yearly", "每年"
    # driver-list duties only: before each committee meeting, N times a quarter
    BEFORE_MEETING = "before_meeting", "会前(每季度若干次)"


class RowSchedule(models.Model):
    """How often one row of the responsibility lists recurs (data the office
    edits): a 专项监督清单 row's inspection cycle, or a 动力机制清单 row's duty
    schedule (yearly on a date, quarterly, monthly, before each meeting)."""

    row = models.OneToOneField(
        "responsibilities.ResponsibilityList",
        on_delete=models.CASCADE,
        related_name="schedule",
        verbose_name="清单条目",
    )
    cycle = models.CharField("周期", max_length=20, choices=Cycle.choices)
    # yearly on a date (党章学习日 7月1日); empty: due at the end of the period
    month = models.PositiveSmallIntegerField("月", null=True, blank=True)
    day = models.PositiveSmallIntegerField("日", null=True, blank=True)
    count_per_quarter = models.PositiveSmallIntegerField(
        "每季度次数(会前学法)", default=1
    )
    # a duty on a date is due this many working days after it
    due_working_days = models.PositiveSmallIntegerField("完成时限(工作日)", default=5)
    # a duty is generated (and reminded) this many days before its date
    lead_days = models.PositiveSmallIntegerField("提前生成(天)", default=7)
    # a duty for every district department and town (党章学习日), not only the
    # row's department and partners
    for_all_departments = models.BooleanField("全部单位", default=False)
    # 以信用为基础的差别化监管: the cycle of the plans of a department whose
    # latest credit grade is low (通知规则: 重点监管信用等级); empty: twice as
    # often (LOW_CREDIT_CYCLES in supervision.services.plans).
    low_credit_cycle = models.CharField(
        "重点监管单位周期",
        max_length=20,
        choices=Cycle.choices,
        blank=True,
        help_text="信用等级为C/D等重点监管等级的单位按此周期检查；留空则频次加倍",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "清单周期"
        verbose_name_plural = "清单周期"

    def __str__(self):
        return f"{self.row_id}: {self.get_cycle_display()}"


class InspectionPlan(models.Model):
    """监督计划: one inspection a unit owes in one period, planned from a
    专项监督清单 row by its cycle."""

    class Status(models.TextChoices):
        PLANNED = "planned", "待检查"  # created for the period, reminded
        DONE = "done", "已检查"  # an inspection was recorded for it
        OVERDUE = "overdue", "逾期未检查"  # past due without one (red, to the 室)

    unit = models.ForeignKey(
        SupervisingUnit,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name="监督单位",
    )
    row = models.ForeignKey(
        "responsibilities.ResponsibilityList",
        on_delete=models.PROTECT,
        related_name="inspection_plans",
        verbose_name="专项监督清单条目",
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="inspection_plans",
        verbose_name="被监督单位",
    )
    regulation = models.ForeignKey(
        "regulations.Regulation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_plans",
        verbose_name="党内法规",
    )
    cycle = models.CharField("周期", max_length=20, choices=Cycle.choices)
    period_start = models.DateField("周期开始")
    due_on = models.DateField("计划完成日期", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
        verbose_name="检查记录",
    )
    reminded_on = models.DateField("已提醒", null=True, blank=True)
    escalated_on = models.DateField("已报监督检查室", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "supervision_inspection_plan"
        verbose_name = "监督计划"
        verbose_name_plural = "监督计划"
        ordering = ["due_on", "id"]
        constraints = [
            # the daily task creates each period's plan once, however often it runs
            models.UniqueConstraint(
                fields=["row", "period_start"], name="plan_once_per_row_and_period"
            )
        ]

    def __str__(self):
        return f"{self.unit} → {self.department} {self.period_start:%Y-%m}"

    @property
    def light(self) -> str:
        if self.status == self.Status.DONE:
            return "green"
        if self.status == self.Status.OVERDUE:
            return "red"
        return "yellow"


class PlanEvent(models.Model):
    """Every status change of an inspection plan."""

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.CASCADE, related_name="events"
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
        verbose_name = "监督计划流转记录"
        verbose_name_plural = "监督计划流转记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"
