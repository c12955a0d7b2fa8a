"""明察暗访 and what follows: inspections, the problems they find and their
rectification, accountability, and the rectification rules.
"""

from django.conf import settings
from django.db import models


class Inspection(models.Model):
    """明察暗访: one inspection of one department."""

    class Kind(models.TextChoices):
        OPEN = "open", "明察"
        UNANNOUNCED = "unannounced", "暗访"

    kind = models.CharField("方式", max_length=20, choices=Kind.choices)
    inspected_on = models.DateField("检查日期")
    inspectors = models.CharField("检查人员", max_length=200)
    inspection_group = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections_made",
        verbose_name="监督单位",
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name="被检查单位",
    )
    regulation = models.ForeignKey(
        "regulations.Regulation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name="党内法规",
    )
    project = models.ForeignKey(
        "workflows.ExecutionProject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name="项目",
    )
    summary = models.TextField("检查情况", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "evaluation_inspection"
        verbose_name = "明察暗访"
        verbose_name_plural = "明察暗访"
        ordering = ["-inspected_on", "-id"]

    def __str__(self):
        return f"{self.inspected_on} {self.get_kind_display()} {self.department}"


class Problem(models.Model):
    """A problem found by an inspection, and its rectification (整改)."""

    class Status(models.TextChoices):
        OPEN = "open", "待交办"  # found, not yet handed over
        ASSIGNED = "assigned", "整改中"  # handed over as a 交办单
        ANSWERED = "answered", "已反馈"  # the department sent its 落实表
        RECTIFIED = "rectified", "已整改"  # the 落实表 was accepted (or checked)
        OVERDUE = "overdue", "逾期未整改"  # past due without acceptance (警示单)
        CLOSED_UNRESOLVED = "closed_unresolved", "未整改销号"  # closed, not fixed

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="problems"
    )
    description = models.TextField("问题描述")
    due_on = models.DateField("整改时限", null=True, blank=True)
    status = models.CharField(
        "整改状态", max_length=20, choices=Status.choices, default=Status.OPEN
    )
    assignment = models.ForeignKey(
        "notices.Notice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="交办单",
    )
    rectified_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    # the day the scan warned the department (claimed once, see problems_expire)
    warned_on = models.DateField("警示日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "evaluation_problem"
        verbose_name = "发现问题"
        verbose_name_plural = "发现问题"
        ordering = ["inspection", "id"]

    def __str__(self):
        return self.description[:40]


class SupervisionEvent(models.Model):
    """Every status change of a problem."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="events"
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
        db_table = "evaluation_supervisionevent"
        verbose_name = "整改流转记录"
        verbose_name_plural = "整改流转记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"


class Accountability(models.Model):
    """追责问责: an action taken against those who failed to execute."""

    class Action(models.TextChoices):
        TALK = "talk", "谈话提醒"
        CIRCULATE = "circulate", "通报"
        ADMONISH = "admonish", "诫勉"
        DISCIPLINE = "discipline", "处分"

    problem = models.ForeignKey(
        Problem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountabilities",
        verbose_name="问题",
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="accountabilities",
        verbose_name="单位",
    )
    project = models.ForeignKey(
        "workflows.ExecutionProject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountabilities",
        verbose_name="项目",
    )
    action = models.CharField("问责方式", max_length=20, choices=Action.choices)
    person = models.CharField("被问责人", max_length=100)
    decided_on = models.DateField("决定日期")
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "evaluation_accountability"
        verbose_name = "追责问责"
        verbose_name_plural = "追责问责"
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.person}"


class SupervisionRule(models.Model):
    """The rectification rules (data the office edits; one current row)."""

    problem_due_working_days = models.PositiveSmallIntegerField(
        "问题整改时限(工作日)", default=20
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "整改规则"
        verbose_name_plural = "整改规则"

    def __str__(self):
        return f"整改时限 {self.problem_due_working_days} 个工作日"
