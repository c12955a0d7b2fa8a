"""Departments, users' memberships and roles: the ground every other app stands on.

The tables keep their first names (`responsibilities_*`): the models moved here
from the responsibilities app without touching data (see migrations/0001).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Office(models.Model):
    """An office (区委办, or the 市委办 above districts) in a deployment.

    An office owns a subtree of departments, its projects (one per regulation,
    year and office), its notice numbering (`number_prefix`) and its rankings.
    A city office (`parent` null, kind city) reads its districts' data only.
    One deployment serves one district (the default office) or many (试点扩面).
    """

    class Kind(models.TextChoices):
        CITY = "city", "市委办"
        DISTRICT = "district", "区委办"

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField(
        "类别", max_length=20, choices=Kind.choices, default=Kind.DISTRICT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级办公室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="districts",
    )
    # 文号前缀: 南湖执规告〔2026〕12号, 秀洲执规告〔2026〕3号.
    number_prefix = models.CharField("文号前缀", max_length=20)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        db_table = "org_office"
        verbose_name = "办公室"
        verbose_name_plural = "办公室"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls) -> "Office":
        """The deployment's first district office, made on first use from the
        settings (OFFICE_CODE, OFFICE_NAME, NOTICE_NUMBER_PREFIX): a single-district
        deployment never has to think about offices."""
        office = (
            cls.objects.filter(kind=cls.Kind.DISTRICT).order_by("sort_order", "id")
        ).first()
        if office is None:
            office, _ = cls.objects.get_or_create(
                code=settings.OFFICE_CODE,
                defaults={
                    "name": settings.OFFICE_NAME,
                    "number_prefix": settings.NOTICE_NUMBER_PREFIX,
                    "kind": cls.Kind.DISTRICT,
                },
            )
        return office


class Department(models.Model):
    """A unit in the district's tree: 区委办, 区级部门, 镇街, 村社, 派驻纪检组."""

    class Kind(models.TextChoices):
        OFFICE = "office", "区委办"
        DISTRICT = "district", "区级部门"
        TOWN = "town", "镇街"
        VILLAGE = "village", "村社"
        INSPECTION_GROUP = "inspection_group", "派驻纪检组"

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The office that owns this department's subtree (denormalized from the
    # root of the tree so a scope is one indexed equality, not a path walk).
    office = models.ForeignKey(
        Office,
        verbose_name="所属办公室",
        on_delete=models.PROTECT,
        related_name="departments",
    )
    # Materialized path ("/1/5/12/") so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    inspection_group = models.ForeignKey(
        "self",
        verbose_name="派驻纪检组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_departments",
        limit_choices_to={"kind": "inspection_group"},
    )
    leader_name = models.CharField("主要负责人", max_length=50, blank=True)
    email = models.EmailField("通知邮箱", blank=True)
    webhook_url = models.URLField("机器人推送地址", blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    history = HistoricalRecords(table_name="responsibilities_historicaldepartment")

    class Meta:
        db_table = "responsibilities_department"
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path depends on the id, so a new row is saved twice; a move of a
        # parent re-paths its subtree in org.services.department_move.
        if self.office_id is None:
            self.office_id = (
                self.parent.office_id if self.parent_id else Office.default().pk
            )
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        path = f"{parent_path}{self.pk}/"
        if path != self.path:
            self.path = path
            Department.objects.filter(pk=self.pk).update(path=path)


class Role(models.TextChoices):
    OFFICE = "office", "区委办工作人员"
    LIAISON = "liaison", "部门联络员"
    INSPECTOR = "inspector", "纪检监督"
    LEADER = "leader", "领导"
    API_CLIENT = "api_client", "接口客户端"


class Membership(models.Model):
    """A user's one department and role; decides what the user may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name="用户",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name="单位",
        null=True,
        blank=True,
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    phone = models.CharField("手机", max_length=20, blank=True)

    class Meta:
        db_table = "responsibilities_membership"
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"
