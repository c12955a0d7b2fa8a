import datetime
import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# What a step may ask for as evidence (StepTemplate.evidence_kinds).
EVIDENCE_KINDS = {
    "document": "工作文件",
    "meeting_record": "会议记录",
    "training_roster": "培训签到表",
    "filing_receipt": "备案回执",
    "report": "总结报告",
    "text": "文字说明",
}


def evidence_upload_to(instance, filename):
    """Files live under MEDIA_ROOT/evidence/<year>/<month>/ with a random name;
    the user's name is kept in `original_name` (never trusted as a path)."""
    ext = os.path.splitext(filename)[1].lower()[:10]
    today = timezone.localdate()
    return f"evidence/{today:%Y/%m}/{uuid.uuid4().hex}{ext}"


class FlowTemplate(models.Model):
    """A flow the office edits: 七步法 `general` or 三步法 `simple`."""

    class Code(models.TextChoices):
        GENERAL = "general", "七步法(一般流程)"
        SIMPLE = "simple", "三步法(简易流程)"

    code = models.CharField(
        "流程代码", max_length=10, choices=Code.choices, unique=True
    )
    name = models.CharField("名称", max_length=50)
    description = models.TextField("说明", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "流程模板"
        verbose_name_plural = "流程模板"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Actor(models.TextChoices):
    """执行主体: who does a step (the method gives 执行发起 and 通报 to the office)."""

    OFFICE = "office", "区委办"  # one row per project, owned by the office
    LEAD = "lead", "牵头部门"  # the lead department alone
    ALL = "all", "牵头及配合部门"  # the lead and every partner, one row each


class StepTemplate(models.Model):
    """One step of a flow template. Launch copies these fields into each Step,
    so an edit applies to projects launched afterwards only."""

    flow = models.ForeignKey(
        FlowTemplate,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name="流程",
    )
    code = models.CharField("步骤代码", max_length=40)
    name = models.CharField("步骤名称", max_length=50)
    order = models.PositiveSmallIntegerField("顺序")
    actor = models.CharField(
        "执行主体", max_length=10, choices=Actor.choices, default=Actor.ALL
    )
    duration_days = models.PositiveSmallIntegerField("时限(工作日)", default=10)
    parallel = models.BooleanField("可与上一步并行", default=False)
    # e.g. ["document", "meeting_record", "training_roster", "filing_receipt", "text"]
    evidence_kinds = models.JSONField("所需佐证材料", default=list, blank=True)
    base_points = models.DecimalField(
        "基点", max_digits=6, decimal_places=2, default=10
    )
    high_points = models.DecimalField(
        "高点", max_digits=6, decimal_places=2, default=12
    )
    description = models.TextField("工作要求", blank=True)

    class Meta:
        verbose_name = "流程步骤模板"
        verbose_name_plural = "流程步骤模板"
        ordering = ["flow", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["flow", "code"], name="steptemplate_flow_code"
            ),
            models.UniqueConstraint(
                fields=["flow", "order"], name="steptemplate_flow_order"
            ),
        ]

    def __str__(self):
        return f"{self.flow.name} · {self.order}. {self.name}"


class ExecutionProject(models.Model):
    """年度执规重点项目: one regulation executed in one year by a lead department."""

    class Status(models.TextChoices):
        ACTIVE = "active", "执行中"  # launched, steps under way
        COMPLETED = "completed", "已完成"  # departments' steps approved, 通报 pending
        CLOSED = "closed", "已闭环"  # last step approved and its 通报 done
        WITHDRAWN = "withdrawn", "已撤销"  # withdrawn by the office with a reason

    regulation = models.ForeignKey(
        "regulations.Regulation",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="党内法规",
    )
    # Indexed with id by project_year_id (Meta.indexes), in the lists' order.
    year = models.PositiveSmallIntegerField("年度")
    # The office that launched it (the lead department's office): scope,
    # numbering and rankings are per office.
    office = models.ForeignKey(
        "org.Office",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="办公室",
    )
    flow = models.CharField("流程", max_length=10, choices=FlowTemplate.Code.choices)
    flow_template = models.ForeignKey(
        FlowTemplate,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="流程模板",
    )
    lead_department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name="牵头执行部门",
    )
    partner_departments = models.ManyToManyField(
        "org.Department",
        blank=True,
        related_name="partner_projects",
        verbose_name="配合部门",
    )
    starts_on = models.DateField("启动日期")
    due_on = models.DateField("计划完成日期", null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=Status.choices,
        default=Status.ACTIVE,
        db_index=True,
    )
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发起人",
    )
    launched_at = models.DateTimeField("发起时间", auto_now_add=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "执规重点项目"
        verbose_name_plural = "执规重点项目"
        ordering = ["-year", "id"]
        # The projects list: a year's projects in id order, read off the index.
        indexes = [models.Index(fields=["-year", "id"], name="project_year_id")]
        constraints = [
            # One project per regulation, year and office (试点扩面).
            models.UniqueConstraint(
                fields=["regulation", "year", "office"],
                name="project_unique_regulation_year_office",
            )
        ]

    def __str__(self):
        return f"{self.year}年 {self.regulation}"

    def save(self, *args, **kwargs):
        # Denormalized from the lead department (bulk inserts set it themselves).
        if self.office_id is None and self.lead_department_id is not None:
            self.office_id = self.lead_department.office_id
        super().save(*args, **kwargs)


class Receipt(models.Model):
    """回执: a department confirms it received its part of a project."""

    project = models.ForeignKey(
        ExecutionProject, on_delete=models.CASCADE, related_name="receipts"
    )
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="receipts"
    )
    due_on = models.DateField("回执时限", db_index=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The highest warning level raised about it so far and the latest day one
    # was issued (0 / null: none); kept by the notices services that write
    # warnings, so the daily scan finds what needs a new one off an index.
    warned_level = models.PositiveSmallIntegerField(
        "已警示级别", default=0, db_default=0
    )
    warned_on = models.DateField("最近警示日期", null=True, blank=True)
    # Whether its project is 执行中 (ExecutionProject.Status.ACTIVE), kept by
    # the project machine (workflows.services.transitions) in the transaction
    # of every project move, one UPDATE per move: the scan warns only of
    # receipts of active projects, and this lets the partial indexes below
    # leave out the unconfirmed receipts of projects that ended.
    project_active = models.BooleanField("项目执行中", default=True, db_default=True)

    class Meta:
        verbose_name = "回执"
        verbose_name_plural = "回执"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "department"], name="receipt_unique_project_dept"
            )
        ]
        indexes = [
            # The daily scan with nothing new: unconfirmed receipts of active
            # projects never warned by deadline, warned ones by their last
            # warning (index ranges that hold only what may need a warning
            # today, not the whole backlog nor the receipts of ended projects).
            models.Index(
                fields=["due_on"],
                condition=Q(
                    confirmed_at__isnull=True, project_active=True, warned_level=0
                ),
                name="receipt_unwarned_active_due",
            ),
            models.Index(
                fields=["warned_level", "warned_on"],
                condition=Q(
                    confirmed_at__isnull=True, project_active=True, warned_level__gt=0
                ),
                name="receipt_warned_active_on",
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.department} 回执"


# Steps a department owes (the scan's overdue pass, notices.services.scan).
_OWED = Q(status__in=["open", "returned"]) & ~Q(actor="office")


class Step(models.Model):
    """One step of one project for one department (节点)."""

    class Status(models.TextChoices):
        WAITING = "waiting", "未开始"  # the step before is not approved yet
        OPEN = "open", "办理中"  # the department may submit evidence
        SUBMITTED = "submitted", "待审核"  # evidence submitted, office to review
        RETURNED = "returned", "已退回"  # office returned it with a reason
        APPROVED = "approved", "已通过"  # office approved; counts as done
        CANCELLED = "cancelled", "已取消"  # its project was withdrawn before it ended

    class Rating(models.TextChoices):
        """评定等次, given at approval; maps the mark between 基点 and 高点."""

        EXCELLENT = "excellent", "优秀"
        GOOD = "good", "良好"
        PASS = "pass", "合格"

    project = models.ForeignKey(
        ExecutionProject,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name="项目",
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="steps",
        verbose_name="单位",
    )
    template = models.ForeignKey(
        StepTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Copied from the template at launch (see StepTemplate).
    code = models.CharField("步骤代码", max_length=40)
    name = models.CharField("步骤名称", max_length=50)
    order = models.PositiveSmallIntegerField("顺序")
    actor = models.CharField(
        "执行主体", max_length=10, choices=Actor.choices, default=Actor.ALL
    )
    parallel = models.BooleanField("可并行", default=False)
    duration_days = models.PositiveSmallIntegerField("时限(工作日)")
    evidence_kinds = models.JSONField(default=list, blank=True)
    base_points = models.DecimalField(max_digits=6, decimal_places=2)
    high_points = models.DecimalField(max_digits=6, decimal_places=2)

    starts_on = models.DateField("计划开始")
    due_on = models.DateField("截止日期")
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.WAITING
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    return_count = models.PositiveSmallIntegerField("退回次数", default=0)
    rating = models.CharField(
        "评定等次", max_length=10, choices=Rating.choices, blank=True
    )
    # Set by the notices escalation ladder (third warning): named in the bulletin.
    flagged_for_bulletin = models.BooleanField("列入通报", default=False)
    # The highest warning level raised about it so far and the latest day one
    # was issued (0 / null: none); kept by the notices services that write
    # warnings, so the daily scan finds what needs a new one off an index.
    warned_level = models.PositiveSmallIntegerField(
        "已警示级别", default=0, db_default=0
    )
    warned_on = models.DateField("最近警示日期", null=True, blank=True)

    class Meta:
        verbose_name = "步骤"
        verbose_name_plural = "步骤"
        ordering = ["project", "department", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "department", "code"], name="step_unique_code"
            )
        ]
        indexes = [
            # The daily scan reads only what is due: unfinished steps by deadline.
            models.Index(fields=["due_on", "status"], name="step_due_status"),
            models.Index(fields=["department", "status"], name="step_dept_status"),
            # The scan and the lights: status = ANY(open, returned), due_on range.
            models.Index(fields=["status", "due_on"], name="step_status_due"),
            # The 通报's steps: the few flagged of a year's projects.
            models.Index(
                fields=["project"],
                name="step_flagged_project",
                condition=models.Q(flagged_for_bulletin=True),
            ),
            # Unfinished steps by deadline (steps/?overdue=, the lights): the
            # few per cent not approved or cancelled, read in the list's order
            # and counted (department_id for the scope's join) off the index
            # alone; a (due_on, status) index walks every approved step first.
            models.Index(
                fields=["due_on", "department"],
                condition=~Q(status__in=["approved", "cancelled"]),
                name="step_unfinished_due",
            ),
            # The same steps by department: a district's overdue or red steps
            # read off its departments' ranges, not all the city's or the
            # province's (province, a district's steps/?overdue=true: 98 -> 7 ms).
            models.Index(
                fields=["department", "due_on"],
                condition=~Q(status__in=["approved", "cancelled"]),
                name="step_unfinished_dept_due",
            ),
            # The overdue pass: open steps a department owes, never warned by
            # deadline, warned ones by their last warning (see Receipt).
            models.Index(
                fields=["due_on"],
                condition=_OWED & Q(warned_level=0),
                name="step_unwarned_due",
            ),
            models.Index(
                fields=["warned_level", "warned_on"],
                condition=_OWED & Q(warned_level__gt=0),
                name="step_warned_on",
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.department} · {self.name}"


class StepTally(models.Model):
    """How many steps the departments of one office have: the steps/ API's
    envelope count for office-wide readers (a city office's sums its
    districts'), instead of a COUNT over every step. An office without a row
    is not counted yet and is counted live. Kept by the one writer of steps
    (the launch); counted again for a new office and for the offices units
    move between (org.hooks.office_departments_changed) and by
    step_tallies_recount."""

    office = models.OneToOneField(
        "org.Office", on_delete=models.CASCADE, related_name="+"
    )
    steps = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "步骤计数"
        verbose_name_plural = "步骤计数"

    def __str__(self):
        return f"{self.office_id}: {self.steps}"


class Evidence(models.Model):
    """佐证材料: one submission of a department for a step (text + files)."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="evidence")
    text = models.TextField("说明", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["step", "-submitted_at"]

    def __str__(self):
        return f"{self.step} 佐证 {self.submitted_at:%Y-%m-%d}"


class EvidenceFile(models.Model):
    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "佐证文件"
        verbose_name_plural = "佐证文件"

    def __str__(self):
        return self.original_name


class Event(models.Model):
    """Every status change of a project, receipt or step: the audit trail."""

    project = models.ForeignKey(
        ExecutionProject, on_delete=models.CASCADE, related_name="events"
    )
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("动作", max_length=30)  # launch, receipt, submit, ...
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField("原因", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "流转记录"
        verbose_name_plural = "流转记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"


class CalendarDay(models.Model):
    """A local override of the working-day calendar (or a year the package lacks).

    `office` null: the default (the city's / the deployment's); an office's own
    row wins over the default for that office (workflows.calendar)."""

    office = models.ForeignKey(
        "org.Office",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_days",
        verbose_name="办公室",
    )
    date = models.DateField("日期")
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "工作日历调整"
        verbose_name_plural = "工作日历调整"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "date"], name="calendarday_office_date"
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(office__isnull=True),
                name="calendarday_default_date",
            ),
        ]

    def __str__(self):
        return f"{self.date} {'工作日' if self.is_workday else '休息日'}"


class ExtensionRequest(models.Model):
    """延期申请: a department asks for more time on one step; the office answers."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"  # asked, the office has not answered
        GRANTED = "granted", "已同意"  # the step's due date moved to `until`
        REFUSED = "refused", "已拒绝"  # refused with a reason; dates unchanged

    step = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="extension_requests"
    )
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("延期理由")
    until = models.DateField("申请延期至")
    previous_due_on = models.DateField("原截止日期")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answer = models.TextField("审批意见", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="申请人",
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审批人",
    )
    answered_at = models.DateTimeField("审批时间", null=True, blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["step"],
                condition=models.Q(status="pending"),
                name="extension_one_pending_per_step",
            )
        ]

    def __str__(self):
        return f"{self.step} 延期至 {self.until:%Y-%m-%d}"


class BulkLaunchJob(models.Model):
    """One bulk launch from the lead list, run in the background row by row.

    The worker writes its progress here (not the cache): in the embedded mode the
    cache is per process, and the page polling it runs in another process.
    No status field: a job is queued until `started_at`, done at `finished_at`.
    """

    year = models.PositiveIntegerField("年度")
    starts_on = models.DateField("启动日期")
    # The lead-list rows the office chose, in the order they are launched.
    responsibility_ids = models.JSONField("选中的清单条目", default=list)
    total = models.PositiveIntegerField("条目数", default=0)
    processed = models.PositiveIntegerField("已处理", default=0)
    # One dict per processed row: responsibility, regulation, lead, project
    # (id or None) and reason (why it was skipped, "" when launched).
    results = models.JSONField("结果", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发起人",
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批量发起任务"
        verbose_name_plural = "批量发起任务"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.year}年度批量发起({self.processed}/{self.total})"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    # Past the task's hard time limit (600 s) with margin: no worker is on it.
    STALLED_AFTER = datetime.timedelta(minutes=15)

    @property
    def is_stalled(self) -> bool:
        """Not finished long after it was queued: the worker is down or lost it."""
        return (
            not self.is_finished
            and timezone.now() - self.created_at > self.STALLED_AFTER
        )

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.is_finished else 0
        return min(100, round(self.processed * 100 / self.total))

    @property
    def launched(self) -> list[dict]:
        return [r for r in self.results if r.get("project")]

    @property
    def skipped(self) -> list[dict]:
        return [r for r in self.results if not r.get("project")]
