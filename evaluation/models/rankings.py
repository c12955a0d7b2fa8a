"""晾晒比学 as published: each ranked department's place in a frozen round."""

from django.db import models

from evaluation.models.common import POINTS
from evaluation.models.rounds import EvaluationRound


class RankingEntry(models.Model):
    """One department's place in a published round, written once at publication.

    A published round is frozen, so its rankings are too: the rankings page,
    the dashboard, the bulletin and the API read these rows instead of ranking
    every department again. Each department kind is ranked on its own within
    the round (and so within the round's office); ties share a rank (1, 1, 3).
    """

    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.CASCADE,
        related_name="ranking_entries",
        verbose_name="轮次",
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="ranking_entries",
        verbose_name="单位",
    )
    kind = models.CharField("单位类别", max_length=20)
    rank = models.PositiveIntegerField("名次")
    total = models.DecimalField("得分(百分制)", **POINTS)
    execution = models.DecimalField("执行得分(百分制)", **POINTS)
    peer = models.DecimalField("互评平均分", null=True, blank=True, **POINTS)
    points = models.DecimalField("得分合计", **POINTS)
    max_points = models.DecimalField("满分合计", **POINTS)
    projects = models.PositiveIntegerField("项目数", default=0)
    warnings = models.PositiveIntegerField("警示单数", default=0)
    grade = models.CharField("等级", max_length=2, blank=True)
    # 三家联评: {body name: mark as a string, or null when the body gave none}.
    bodies = models.JSONField("各主体评分", default=dict, blank=True)

    class Meta:
        verbose_name = "排名"
        verbose_name_plural = "排名"
        ordering = ["round", "kind", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "department"], name="ranking_unique_round_department"
            )
        ]
        indexes = [
            models.Index(
                fields=["round", "kind", "rank"], name="ranking_round_kind_rank"
            )
        ]

    def __str__(self):
        return f"{self.round} · {self.department} 第{self.rank}名"
