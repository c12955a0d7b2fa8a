"""室组地: the three kinds of supervising unit."""

from django.db import models


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
