"""Reads of the home page: each role's to-do counts.

Every count is the count of the list it links to (the same selector, the same
filter), so a number on the home page is exactly the rows behind its link. A
fixed number of queries, whatever the data.
"""

from __future__ import annotations

from django.urls import reverse

from notices.selectors import notice_unconfirmed_count
from workflows import selectors as workflows_selectors
from workflows.models import ExecutionProject


def _steps(*, user, **filters):
    """The rows of workflows:steps?<filters> (the same query as the page)."""
    return workflows_selectors.step_list(
        user=user, filters=filters, strict=False
    ).exclude(project__status=ExecutionProject.Status.WITHDRAWN)


def _steps_url(**filters) -> str:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return f"{reverse('workflows:steps')}?{query}"


def office_todo(*, user) -> list[dict]:
    """The office's to-do: label, count, url, tone per item; one query each."""
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
            "count": _steps(user=user, light="red").count(),
            "url": _steps_url(light="red"),
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


def liaison_todo(*, user) -> list[dict]:
    """A liaison's to-do (big tiles on a phone); one query each."""
    inbox = workflows_selectors.inbox_for(user=user)
    return [
        {
            "key": "receipts",
            "label": "待回执",
            "count": inbox["receipts"].count(),
            "url": reverse("workflows:inbox"),
            "tone": "primary",
        },
        {
            "key": "open",
            "label": "待提交",
            "count": _steps(user=user, status="open").count(),
            "url": _steps_url(status="open"),
            "tone": "primary",
        },
        {
            "key": "returned",
            "label": "被退回",
            "count": _steps(user=user, status="returned").count(),
            "url": _steps_url(status="returned"),
            "tone": "danger",
        },
        {
            "key": "notices",
            "label": "待签收",
            "count": notice_unconfirmed_count(user),
            "url": reverse("notices:inbox"),
            "tone": "warning",
        },
    ]
