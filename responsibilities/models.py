from django.db import models
from simple_history.models import HistoricalRecords

from org.models import Department


class ResponsibilityList(models.Model):
    """One row of one of the four responsibility lists (四张执规责任清单).

    Common columns live here; each kind uses its own subset (see `Kind`).
    """

    class Kind(models.TextChoices):
        LEAD = "lead", "重要党内法规牵头执行部门清单"
        DRIVER = "driver", "执行动力机制清单"
        SAFEGUARD = "safeguard", "执行保障要素清单"
        SUPERVISION = "supervision", "牵头执行部门派驻纪检组专项监督清单"

    class DriverType(models.TextChoices):
        STUDY = "study", "学习"
        PUBLICITY = "publicity", "宣传"
        INSPECTION = "inspection", "督查"
        ASSESSMENT = "assessment", "考核"
        INCENTIVE = "incentive", "激励"

    class SafeguardType(models.TextChoices):
        PEOPLE = "people", "人员"
        FUNDS = "funds", "经费"
        RULES = "rules", "制度"
        PLATFORM = "platform", "平台"
        TRAINING = "training", "培训"

    class Flow(models.TextChoices):
        GENERAL = "general", "七步法(一般流程)"
        SIMPLE = "simple", "三步法(简易流程)"

    kind = models.CharField("清单", max_length=20, choices=Kind.choices)
    regulation = models.ForeignKey(
        "regulations.Regulation",
        on_delete=models.PROTECT,
        related_name="responsibilities",
        verbose_name="党内法规",
        null=True,
        blank=True,
    )
    # lead: the lead department; driver/safeguard: the responsible department;
    # supervision: the supervised lead department.
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="responsibilities",
        verbose_name="责任单位",
    )
    # The department's office (denormalized on save): lists are per office,
    # one lead department per regulation and office.
    office = models.ForeignKey(
        "org.Office",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="办公室",
        null=True,
        blank=True,
        editable=False,
    )
    partner_departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="partner_responsibilities",
        verbose_name="配合部门",
    )
    duty = models.TextField("主要职责/内容", blank=True)
    # lead
    leader_in_charge = models.CharField("分管区领导", max_length=50, blank=True)
    scope = models.CharField("适用范围", max_length=200, blank=True)
    default_flow = models.CharField(
        "默认流程", max_length=10, choices=Flow.choices, default=Flow.GENERAL
    )
    # driver
    mechanism = models.CharField("机制名称", max_length=200, blank=True)
    driver_type = models.CharField(
        "机制类型", max_length=20, choices=DriverType.choices, blank=True
    )
    frequency = models.CharField("频次", max_length=50, blank=True)
    # safeguard
    element_type = models.CharField(
        "要素类型", max_length=20, choices=SafeguardType.choices, blank=True
    )
    requirement = models.TextField("保障要求", blank=True)
    # supervision
    inspection_group = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="supervision_duties",
        verbose_name="派驻纪检组",
        null=True,
        blank=True,
    )
    focus = models.TextField("监督重点", blank=True)
    method = models.CharField("监督方式", max_length=200, blank=True)
    period = models.CharField("监督周期", max_length=50, blank=True)

    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[partner_departments])

    class Meta:
        verbose_name = "责任清单条目"
        verbose_name_plural = "责任清单条目"
        ordering = ["kind", "id"]
        indexes = [models.Index(fields=["kind", "regulation"])]
        constraints = [
            # One lead department per regulation (and office): the method
            # names exactly one.
            models.UniqueConstraint(
                fields=["office", "regulation"],
                condition=models.Q(kind="lead", is_active=True),
                name="responsibility_one_active_lead_per_regulation",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.regulation or self.mechanism}"

    def save(self, *args, **kwargs):
        if self.department_id is not None:
            self.office_id = self.department.office_id
        super().save(*args, **kwargs)
