"""The daily supervision scan (Celery beat -> supervision.tasks.scan_supervision).

Each part reads only what is due and claims each row before acting, so the scan
is safe to run any number of times and in several workers at once.
"""

import datetime

from django.utils import timezone

from supervision.services.duties import duties_expire, duties_generate, duties_remind
from supervision.services.plans import plans_create, plans_expire
from supervision.services.rectification import problems_expire


def supervision_scan(*, today: datetime.date | None = None) -> dict:
    """Plans of the current period (created, reminded), overdue plans (red, to
    the 室), overdue problems (逾期, a 警示单 each), recurring duties (generated,
    reminded, overdue). Returns counts of what this
    run did."""
    today = today or timezone.localdate()
    counts = {}
    counts.update(plans_create(today=today))
    counts.update(plans_expire(today=today))
    counts.update(problems_expire(today=today))
    counts.update(duties_generate(today=today))
    counts.update(duties_remind(today=today))
    counts.update(duties_expire(today=today))
    return counts
