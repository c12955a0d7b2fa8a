"""Background work on a round (proposal, publication) and how far it got."""

import datetime

from django.conf import settings
from django.db import models

from evaluation.models.rounds import EvaluationRound


class RoundJob(models.Model):
    """One proposal or publication of a round run by a Celery task: the page
    polls `done`/`total` and shows `result` or `error` once `finished_at` is set.

    Not a status: `started_at` is claimed by a conditional UPDATE (a second run
    of the task does nothing) and `finished_at` is written once.
    """

    # The task's hard time limit (evaluation.tasks): a job unfinished after it
    # was lost with its worker and no longer blocks the round.
    TIME_LIMIT = datetime.timedelta(minutes=31)

    class Action(models.TextChoices):
        PROPOSE = "propose", "生成评分"
        PUBLISH = "publish", "发布"

    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name="轮次",
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    result = models.CharField("结果", max_length=200, blank=True)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "轮次后台任务"
        verbose_name_plural = "轮次后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["round", "finished_at"])]

    def __str__(self):
        return f"{self.round} · {self.get_action_display()}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def percent(self) -> int:
        if self.finished and not self.error:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
