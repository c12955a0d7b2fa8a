"""Writes of the notices app. Other apps call these (never views, API or tasks).

Interfaces others use: notification_send_for_launch (workflows, at launch),
assignment_issue (evaluation, from an inspection finding), scan_due (beat).
"""

from notices.services.answers import (
    inbox_confirm_many,
    notice_confirm,
    notice_confirm_many,
    notification_confirm_for_receipt,
    report_accept,
    report_return,
    report_submit,
)
from notices.services.delivery import (
    PermanentDeliveryError,
    TemporaryDeliveryError,
    notice_deliver,
    sweep_undelivered,
)
from notices.services.hand import notice_issue_by_hand
from notices.services.issue import (
    assignment_issue,
    delivery_schedule,
    notice_create,
    notification_send_for_launch,
)
from notices.services.numbering import number_allocate, number_format
from notices.services.rules import rule_current, rule_update
from notices.services.scan import scan_due
from notices.services.transitions import NOTICE_MACHINE, REPORT_MACHINE
from notices.services.urge import step_is_late, step_urge

__all__ = [
    "NOTICE_MACHINE",
    "REPORT_MACHINE",
    "PermanentDeliveryError",
    "TemporaryDeliveryError",
    "assignment_issue",
    "delivery_schedule",
    "inbox_confirm_many",
    "notice_confirm",
    "notice_confirm_many",
    "notice_create",
    "notice_deliver",
    "notice_issue_by_hand",
    "notification_confirm_for_receipt",
    "notification_send_for_launch",
    "number_allocate",
    "number_format",
    "report_accept",
    "report_return",
    "report_submit",
    "rule_current",
    "rule_update",
    "scan_due",
    "step_is_late",
    "step_urge",
    "sweep_undelivered",
]
