"""Reads of the home page: each role's to-do counts.

Every count is the count of the list it links to (the same selector, the same
filter), so a number on the home page is exactly the rows behind its link. A
fixed number of queries, whatever the data.
"""

from __future__ import annotations

from django.urls import reverse

from workflows import selectors as workflows_selectors
from workflows.models import ExecutionProject

OVERDUE_FILTER = {"light": "red"}


def office_todo(*, user) -> list[dict]:
    """The office's to-do: (label, count, url, tone) per item, one query each."""
    overdue = (
        workflows_selectors.step_list(user=user, filters=OVERDUE_FILTER, strict=False)
        .exclude(project__status=ExecutionProject.Status.WITHDRAWN)
        .count()
    )
    return [
        {
            "key": "review",
            "label": "待审核步骤",
            "count": workflows_selectors.review_queue(user=user).count(),
            "url": reverse("workflows:review"),
            "tone": "primary",
        },
        {
            "key": "overdue",
            "label": "逾期步骤",
            "count": overdue,
            "url": reverse("workflows:steps") + "?light=red",
            "tone": "danger",
        },
        {
            "key": "extensions",
            "label": "延期申请",
            "count": workflows_selectors.extension_queue(user=user).count(),
            "url": reverse("workflows:extensions"),
            "tone": "warning",
        },
    ]
