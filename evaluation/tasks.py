"""Celery tasks: thin, take ids, load and call a service; safe to run twice."""

from celery import shared_task

from evaluation.services import jobs


# Proposing a province's year round takes minutes (DESIGN.md: < 10 min).
@shared_task(soft_time_limit=30 * 60, time_limit=31 * 60, acks_late=True)
def run_round_job(job_id: int) -> str:
    return jobs.round_job_run(job_id=job_id)
