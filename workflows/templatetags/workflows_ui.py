"""Chinese labels for the workflows app's codes (evidence kinds)."""

from django import template

from workflows.models import EVIDENCE_KINDS

register = template.Library()


@register.filter
def evidence_labels(codes):
    """['document', 'meeting_record'] -> '工作文件、会议记录'."""
    return "、".join(EVIDENCE_KINDS.get(code, code) for code in codes or [])
