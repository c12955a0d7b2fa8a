"""A notice's kind and status badges as tags: the register and the inbox list
fifty notices, and an include per badge cost more than the rest of a row."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from notices.models import Notice

register = template.Library()

KIND_CLASSES = {
    Notice.Kind.WARNING: "bg-danger",
    Notice.Kind.ASSIGNMENT: "bg-warning text-dark",
    Notice.Kind.NOTIFICATION: "bg-primary",
}
STATUS_CLASSES = {
    Notice.Status.PENDING: "bg-info text-dark",
    Notice.Status.SENT: "bg-info text-dark",
    Notice.Status.RETURNED: "bg-danger",
    Notice.Status.ACCEPTED: "bg-success",
    Notice.Status.ANSWERED: "bg-warning text-dark",
}


@register.simple_tag
def kind_badge(notice) -> str:
    """The kind (a 警示单 with its level above the first)."""
    label = notice.get_kind_display()
    if notice.kind == Notice.Kind.WARNING and notice.level > 1:
        label = f"{label} · {notice.level}级"
    return format_html(
        '<span class="badge {}">{}</span>',
        KIND_CLASSES.get(notice.kind, "bg-secondary"),
        label,
    )


@register.simple_tag
def status_badge(notice) -> str:
    """The status, and 反馈逾期 when its 落实表 is late."""
    badge = format_html(
        '<span class="badge {}">{}</span>',
        STATUS_CLASSES.get(notice.status, "bg-light text-dark border"),
        notice.get_status_display(),
    )
    if notice.is_overdue:
        badge += mark_safe(' <span class="badge bg-danger">反馈逾期</span>')
    return badge
