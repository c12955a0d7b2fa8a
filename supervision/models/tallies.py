"""Stored on-time figures per district office and period, kept current by a
daily background refresh (`supervision.services.office_rates_refresh`) so the
city office's comparison page reads them instead of counting every step,
receipt, notice, problem and duty of the deployment on each request."""

from django.db import models


class OfficeRateTally(models.Model):
    """One rate of one district office in one period: `due` and `on_time` as
    `supervision.rates` counts them over the office's active district
    departments and towns (each town with its subtree), as of `as_of` (rows due
    before that day)."""

    RATE_CHOICES = [
        ("problem", "问题按期处置率"),
        ("receipt", "回执按时率"),
        ("step", "步骤按时完成率"),
        ("assignment", "交办单按期办结率"),
        ("duty", "日常执规完成率"),
    ]

    office = models.ForeignKey(
        "org.Office",
        on_delete=models.CASCADE,
        related_name="rate_tallies",
        verbose_name="办公室",
    )
    year = models.PositiveSmallIntegerField("年度")
    # 0: the whole year; 1–4: a quarter.
    quarter = models.PositiveSmallIntegerField("季度", default=0)
    rate = models.CharField("指标", max_length=20, choices=RATE_CHOICES)
    due = models.PositiveIntegerField("到期数", default=0)
    on_time = models.PositiveIntegerField("按时数", default=0)
    as_of = models.DateField("统计截至")
    computed_at = models.DateTimeField("统计时间")

    class Meta:
        verbose_name = "执规率统计"
        verbose_name_plural = "执规率统计"
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "quarter", "rate"],
                name="supervision_officeratetally_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__lte=4),
                name="supervision_officeratetally_quarter",
            ),
        ]

    def __str__(self):
        return f"{self.office_id} {self.year}Q{self.quarter} {self.rate}"
