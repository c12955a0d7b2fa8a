from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Assignments awaiting an answer (the scan's overdue pass).
_AWAITED = Q(kind="assignment", status__in=["pending", "sent", "confirmed", "returned"])


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
    # Formal number, e.g. 南湖执规告〔2026〕12号; unique per office, kind and year.
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号", null=True, blank=True)
    number = models.CharField("文号", max_length=60, blank=True)
    # Escalation level: 1 for the first warning on a step, 2, 3 ...
    level = models.PositiveSmallIntegerField("级别", default=1)
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name="接收单位",
    )
    cc_departments = models.ManyToManyField(
        "org.Department",
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
    # The scan's date when the notice was raised; the escalation ladder counts
    # working days from the previous warning's issued_on.
    issued_on = models.DateField("签发日期", default=timezone.localdate)
    # Who is copied beyond cc_departments, e.g. the department's leader (level 2).
    cc_text = models.CharField("抄送（人员）", max_length=200, blank=True)
    # Outbox bookkeeping: a worker claims the row (conditional UPDATE) before it
    # delivers; delivered_at is set once every channel was tried to the end.
    delivery_claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField("投递完成", null=True, blank=True)
    # An assignment: the highest level of its follow-up warnings so far and the
    # latest day one was issued (0 / null: none), for the daily scan.
    warned_level = models.PositiveSmallIntegerField(
        "已警示级别", default=0, db_default=0
    )
    warned_on = models.DateField("最近警示日期", null=True, blank=True)

    class Meta:
        verbose_name = "通知单"
        verbose_name_plural = "通知单"
        ordering = ["-created_at", "-id"]
        constraints = [
            # Serials repeat across offices (each its own counter); the
            # number carries the office's prefix and is unique.
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(serial__isnull=False),
                name="notice_unique_number",
            ),
            # However often the scan runs: one notice per (step, kind, level).
            # Assignments are issued by hand (several may concern one step),
            # so the once-per-level rule covers the scan's kinds only.
            models.UniqueConstraint(
                fields=["step", "kind", "level"],
                condition=Q(step__isnull=False) & ~Q(kind="assignment"),
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
        indexes = [
            models.Index(fields=["department", "status"]),
            # Lists are newest first (-created_at, -id): read backwards, no sort.
            models.Index(fields=["created_at", "id"], name="notice_created_id"),
            # A liaison's list: department_id = ANY(visible ids), newest first.
            models.Index(
                fields=["department", "created_at"], name="notice_dept_created"
            ),
            # The sweep reads only rows whose delivery never completed.
            models.Index(
                fields=["created_at"],
                condition=Q(delivered_at__isnull=True),
                name="notice_undelivered",
            ),
            # The daily scan: assignments awaiting an answer, never warned by
            # deadline, warned ones by their last warning.
            models.Index(
                fields=["due_on"],
                condition=_AWAITED & Q(warned_level=0),
                name="notice_unwarned_due",
            ),
            models.Index(
                fields=["warned_level", "warned_on"],
                condition=_AWAITED & Q(warned_level__gt=0),
                name="notice_warned_on",
            ),
            # The on-time rates count the assignments due in a period: a few
            # per cent of all notices, found without reading the table.
            models.Index(
                fields=["due_on"],
                condition=Q(kind="assignment"),
                name="notice_assignment_due",
            ),
        ]

    def __str__(self):
        return self.number or self.title

    @property
    def needs_report(self) -> bool:
        """交办单 and 警示单 are answered with a 落实表."""
        return self.kind in (self.Kind.ASSIGNMENT, self.Kind.WARNING)

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.ACCEPTED,)

    @property
    def is_overdue(self) -> bool:
        """The answer is late: a 落实表 is due and not accepted or submitted."""
        return (
            self.needs_report
            and self.due_on is not None
            and self.due_on < timezone.localdate()
            and self.status not in (self.Status.ANSWERED, self.Status.ACCEPTED)
        )


class NoticeRule(models.Model):
    """When the scan raises notices and how warnings escalate: data the office
    edits. The default row (`office` null, pk=1: the deployment's / city's),
    created with the defaults on first use; an office's own row overrides it
    (notices.services.rules.rule_current)."""

    office = models.OneToOneField(
        "org.Office",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notice_rule",
        verbose_name="办公室",
        help_text="留空为默认规则(市委办/全部署)；填写则为该办公室的规则",
    )

    reminder_days_before = models.PositiveSmallIntegerField(
        "提前提醒（工作日）",
        default=3,
        help_text="步骤截止前多少个工作日发出提醒",
    )
    warning_grace_days = models.PositiveSmallIntegerField(
        "逾期宽限（工作日）",
        default=0,
        help_text="逾期超过多少个工作日发出第一次警示单（0 = 逾期即发）",
    )
    escalation_interval_days = models.PositiveSmallIntegerField(
        "升级间隔（工作日）",
        default=5,
        help_text="上一次警示单签发后仍逾期多少个工作日，发出下一级警示单",
    )
    max_level = models.PositiveSmallIntegerField(
        "最高警示级别",
        default=3,
        help_text="第二次警示抄送单位主要负责人；第三次抄送派驻纪检组并列入通报",
    )
    warning_answer_days = models.PositiveSmallIntegerField(
        "警示单反馈时限（工作日）", default=5
    )
    assignment_answer_days = models.PositiveSmallIntegerField(
        "交办单默认反馈时限（工作日）", default=10
    )
    # 以信用为基础的差别化监管: departments whose latest credit grade is one of
    # these are reminded earlier and inspected more often (supervision plans).
    low_credit_grades = models.CharField(
        "重点监管信用等级",
        max_length=20,
        default="C,D",
        blank=True,
        help_text="逗号分隔，如 C,D；留空则不区分信用等级",
    )
    low_credit_extra_days = models.PositiveSmallIntegerField(
        "重点监管单位再提前（工作日）",
        default=2,
        help_text="最近一次信用等级属重点监管等级的单位，在提前提醒的基础上再提前多少个工作日",
    )
    warn_overdue_receipts = models.BooleanField("回执逾期发警示单", default=True)
    warn_overdue_assignments = models.BooleanField(
        "交办单逾期未反馈发警示单", default=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "通知规则"
        verbose_name_plural = "通知规则"

    def __str__(self):
        return "通知与升级规则"

    @property
    def low_credit_grade_list(self) -> list[str]:
        return [
            g.strip().upper()
            for g in self.low_credit_grades.replace("，", ",").split(",")
            if g.strip()
        ]


class NoticeCounter(models.Model):
    """The last number issued per (office, kind, year). Locked with
    select_for_update in the creating transaction so numbers never repeat or
    skip; each office numbers on its own (its Office.number_prefix)."""

    office = models.ForeignKey(
        "org.Office",
        on_delete=models.PROTECT,
        related_name="notice_counters",
        verbose_name="办公室",
    )
    kind = models.CharField(max_length=20, choices=Notice.Kind.choices)
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "文号计数器"
        verbose_name_plural = "文号计数器"
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "year"], name="noticecounter_office_kind_year"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last_serial}"


class NoticeTally(models.Model):
    """How many notices of one kind the departments of one office have: the
    notices/ API's envelope count for office-wide readers (unfiltered or by
    kind), instead of a COUNT over every notice. An office without its rows is
    not counted yet and is counted live. Kept by the writers of notices
    (notice_create, notices_create_batch); counted again for a new office and
    for the offices units move between (org.hooks.office_departments_changed)
    and by notice_tallies_recount, which writes a row for every kind."""

    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Notice.Kind.choices)
    notices = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "通知单计数"
        verbose_name_plural = "通知单计数"
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind"], name="noticetally_office_kind"
            )
        ]

    def __str__(self):
        return f"{self.office_id} {self.kind}: {self.notices}"


class Delivery(models.Model):
    """One delivery attempt of a notice on one channel (the delivery record)."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", "站内"
        EMAIL = "email", "邮件"
        WEBHOOK = "webhook", "机器人推送"

    class Result(models.TextChoices):
        OK = "ok", "成功"
        TEMPORARY_ERROR = "temporary_error", "暂时失败（将重试）"
        FAILED = "failed", "失败"

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="deliveries"
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="接收单位",
    )
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    target = models.CharField("地址", max_length=300, blank=True)
    attempted_at = models.DateTimeField("时间", auto_now_add=True)
    result = models.CharField("结果", max_length=20, choices=Result.choices)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "投递记录"
        verbose_name_plural = "投递记录"
        ordering = ["attempted_at", "id"]
        indexes = [models.Index(fields=["notice", "channel", "result"])]

    def __str__(self):
        return f"{self.notice} {self.channel} {self.result}"


class ImplementationReport(models.Model):
    """落实表: a department's answer to a 交办单 or 警示单. A returned report stays
    as history; the department then submits a new one."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"  # office to accept or return
        ACCEPTED = "accepted", "已通过"  # the office accepted it; notice closed
        RETURNED = "returned", "已退回"  # sent back with a reason

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="reports", verbose_name="通知单"
    )
    measures = models.TextField("整改落实措施")
    result = models.TextField("落实结果")
    person_responsible = models.CharField("责任人", max_length=50)
    completed_on = models.DateField("完成日期")
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)

    class Meta:
        verbose_name = "落实表"
        verbose_name_plural = "落实表"
        ordering = ["notice", "-submitted_at", "-id"]
        indexes = [
            # A round's proposal reads the returned reports of a batch of
            # projects: a few rows among all, found without reading the table.
            models.Index(
                fields=["notice"],
                condition=models.Q(status="returned"),
                name="report_returned_notice",
            )
        ]

    def __str__(self):
        return f"{self.notice} 落实表"


class ReportFile(models.Model):
    report = models.ForeignKey(
        ImplementationReport, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(upload_to="reports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "落实表附件"
        verbose_name_plural = "落实表附件"

    def __str__(self):
        return self.original_name


class NoticeEvent(models.Model):
    """Every status change of a notice or its 落实表: the history."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("动作", max_length=30)  # create, deliver, confirm, ...
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "通知流转记录"
        verbose_name_plural = "通知流转记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"
