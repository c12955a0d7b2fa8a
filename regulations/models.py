from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Regulation(models.Model):
    """One party regulation in the district's catalogue (法规目录)."""

    class Level(models.TextChoices):
        CENTRAL = "central", "中央党内法规"
        MINISTERIAL = "ministerial", "部委党内法规"
        PROVINCIAL = "provincial", "地方党内法规"
        NORMATIVE = "normative", "规范性文件"

    class Form(models.TextChoices):
        CHARTER = "charter", "党章"
        GUIDELINE = "guideline", "准则"
        REGULATION = "regulation", "条例"
        RULES = "rules", "规则"
        PROVISIONS = "provisions", "规定"
        MEASURES = "measures", "办法"
        DETAILED_RULES = "detailed_rules", "细则"

    class Branch(models.TextChoices):
        ORGANIZATION = "organization", "党的组织法规"
        LEADERSHIP = "leadership", "党的领导法规"
        SELF_BUILDING = "self_building", "党的自身建设法规"
        SUPERVISION = "supervision", "党的监督保障法规"

    class Status(models.TextChoices):
        IN_FORCE = "in_force", "现行有效"
        AMENDED = "amended", "已被修改"
        REPEALED = "repealed", "已废止"

    title = models.CharField("名称", max_length=200, db_index=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.CharField("制定机关", max_length=100)
    level = models.CharField("效力层级", max_length=20, choices=Level.choices)
    form = models.CharField("名称类别", max_length=20, choices=Form.choices)
    branch = models.CharField("板块", max_length=20, choices=Branch.choices, blank=True)
    status = models.CharField(
        "时效状态", max_length=20, choices=Status.choices, default=Status.IN_FORCE
    )
    published_on = models.DateField("发布日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    summary = models.TextField("摘要", blank=True)
    link = models.URLField("原文链接", blank=True)
    attachment = models.FileField("原文附件", upload_to="regulations/%Y/", blank=True)
    # The revision chain: a revised regulation points to the one it replaces.
    replaces = models.ForeignKey(
        "self",
        verbose_name="修订前版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    is_deleted = models.BooleanField("已删除", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "党内法规"
        verbose_name_plural = "党内法规"
        ordering = ["-published_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "document_number"],
                condition=models.Q(is_deleted=False),
                name="regulation_unique_title_number",
            )
        ]

    def __str__(self):
        return self.title
