"""室组地联动监督: inspections, the problems they find and their rectification,
accountability.

Moved out of `evaluation` with their data: the tables keep their old names
(`evaluation_*`), so the move changed no row. Statuses change only through
`supervision.services`; the admin shows them read-only.
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


# --- 室组地: the three kinds of supervising unit -----------------------------


class SupervisingUnit(models.Model):
    """One supervising unit of 室组地. Its inspectors are the users whose
    membership is in `department` (the unit's node in the department tree);
    what they see is decided in `supervision.selectors.unit_scope`."""

    class Kind(models.TextChoices):
        ROOM = "room", "监督检查室"  # covers the groups and towns assigned to it
        GROUP = "group", "派驻纪检组"  # its departments (Department.inspection_group)
        LOCAL = "local", "镇街纪(工)委"  # its town's villages and grid units

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    department = models.OneToOneField(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="supervising_unit",
        verbose_name="所在单位(成员所属)",
    )
    covers_units = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="covered_by",
        verbose_name="联系的派驻纪检组(室)",
    )
    covers_departments = models.ManyToManyField(
        "org.Department",
        blank=True,
        related_name="covering_units",
        verbose_name="联系的镇街(室)/所在镇街(地)",
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "监督单位(室组地)"
        verbose_name_plural = "监督单位(室组地)"
        ordering = ["kind", "id"]

    def __str__(self):
        return self.name


# --- plans from the 专项监督清单 (and schedules of the 动力机制清单) -------------


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


# --- 通报: numbered circulars -------------------------------------------------


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
                fields=["kind", "year", "serial"],
                condition=models.Q(serial__isnull=False),
                name="circular_serial_once_per_kind_and_year",
            )
        ]

    def __str__(self):
        return f"{self.number or '草稿'} {self.title}"


class CircularCounter(models.Model):
    """The last 期数 issued per (kind, year); locked in the issuing transaction
    so numbers never repeat or skip (as notices' NoticeCounter)."""

    kind = models.CharField(max_length=20, choices=Circular.Kind.choices)
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "通报期数计数器"
        verbose_name_plural = "通报期数计数器"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year"], name="circularcounter_kind_year"
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


# --- 日常执规事项: recurring duties from the 动力机制清单 ----------------------


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
