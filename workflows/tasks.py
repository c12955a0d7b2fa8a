"""Celery tasks of the workflows app: take ids, call a service; safe to run twice."""

from celery import shared_task

from workflows import services


# A bulk launch of the whole list takes seconds; the limits leave room for a
# list many times today's (about 40 rows).
@shared_task(soft_time_limit=540, time_limit=600, acks_late=True)
def bulk_launch_run(job_id: int) -> int:
    job = services.bulk_launch_run(job_id=job_id)
    return job.processed if job else 0
