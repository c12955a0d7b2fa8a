"""Proposal and publication of a round in the background (Celery), with the
progress the round's page polls."""

from __future__ import annotations

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from config.errors import DomainError
from evaluation.models import EvaluationRound, RoundJob
from evaluation.services.rounds import (
    ROUND_MACHINE,
    round_propose_all,
    round_publish,
)

log = logging.getLogger(__name__)

S = EvaluationRound.Status
A = RoundJob.Action
DONE_MESSAGES = {
    A.PROPOSE: "已按执行记录生成(更新){n}张评分表。",
    A.PUBLISH: "已发布，本轮评价已冻结并写入历史信用评价。",
}


def round_job_running(round_id: int, action: str | None = None) -> RoundJob | None:
    """The round's unfinished job still within its time limit, if any."""
    jobs = RoundJob.objects.filter(
        round_id=round_id,
        finished_at=None,
        created_at__gte=timezone.now() - RoundJob.TIME_LIMIT,
    )
    if action:
        jobs = jobs.filter(action=action)
    return jobs.order_by("-created_at", "-id").first()


def round_job_start(*, round: EvaluationRound, action: str, actor) -> RoundJob:  # noqa: A002
    """Start proposing (a draft) or publishing (a reviewed round) in the
    background; refused while another job of the round runs.

    Side effects: a RoundJob row; the Celery task `run_round_job` queued once
    the transaction commits (eager in tests and without a broker worker).
    """
    if action not in A.values:
        raise DomainError("未知的操作。")
    with transaction.atomic():
        round_ = EvaluationRound.objects.select_for_update().get(pk=round.pk)
        if round_job_running(round_.pk):
            raise DomainError("本轮次有后台任务正在进行，请等待完成后再操作。")
        if action == A.PROPOSE and round_.status != S.DRAFT:
            raise DomainError("只有草稿状态的评价轮次可以生成评分。")
        if action == A.PUBLISH and not ROUND_MACHINE.allowed(round_, "publish"):
            raise DomainError(
                f"评价轮次当前状态为“{round_.get_status_display()}”，不能发布。"
            )
        job = RoundJob.objects.create(round=round_, action=action, created_by=actor)
        job_id = job.pk

        def _queue():
            # Imported at call time: evaluation.tasks imports these services.
            from evaluation.tasks import run_round_job

            try:
                run_round_job.delay(job_id)
            except Exception:  # noqa: BLE001 - broker down: say so on the page
                log.exception("could not queue round job %s", job_id)
                RoundJob.objects.filter(pk=job_id, started_at=None).update(
                    finished_at=timezone.now(),
                    error="后台任务队列暂不可用，请稍后重试。",
                )

        transaction.on_commit(_queue, robust=True)
    return job


def _progress(job_id: int):
    def report(done: int, total: int) -> None:
        RoundJob.objects.filter(pk=job_id).update(done=done, total=total)

    return report


def round_job_run(*, job_id: int) -> str:
    """Run one RoundJob; a second run (a redelivered task) does nothing.

    Side effects: those of round_propose_all / round_publish; the job's
    progress, then its result or its error (Chinese, for the page).
    """
    claimed = RoundJob.objects.filter(
        pk=job_id, started_at=None, finished_at=None
    ).update(started_at=timezone.now())
    if not claimed:
        return "skipped"
    job = RoundJob.objects.select_related("round", "created_by").get(pk=job_id)
    fields = {"finished_at": None, "result": "", "error": ""}
    try:
        if job.action == A.PROPOSE:
            count = round_propose_all(
                round=job.round, actor=job.created_by, progress=_progress(job_id)
            )
            fields["result"] = DONE_MESSAGES[A.PROPOSE].format(n=count)
        else:
            _progress(job_id)(0, 1)
            round_publish(round=job.round, actor=job.created_by)
            _progress(job_id)(1, 1)
            fields["result"] = DONE_MESSAGES[A.PUBLISH]
    except DomainError as exc:
        fields["error"] = exc.message
    except SoftTimeLimitExceeded:
        fields["error"] = "处理超时，已完成的部分已保存，请重新开始以完成其余部分。"
    except Exception:
        log.exception("round job %s failed", job_id)
        fields["error"] = "处理失败：系统错误，请联系管理员。"
    fields["finished_at"] = timezone.now()
    RoundJob.objects.filter(pk=job_id).update(**fields)
    return "error" if fields["error"] else "done"
