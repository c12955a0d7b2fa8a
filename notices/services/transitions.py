"""The one place a notice's status changes (and its 落实表's with it).

Allowed moves are data. Each move is a conditional UPDATE on the expected status,
so two people acting at once cannot both succeed; each writes a NoticeEvent row.
"""

from django.db import transaction
from django.utils import timezone

from config.errors import InvalidTransition
from notices.models import ImplementationReport, Notice, NoticeEvent

S = Notice.Status
R = ImplementationReport.Status

# action -> {from status: to status}, plus the 落实表 move that goes with it.
TRANSITIONS = {
    # the outbox delivered the notice on its channels
    "deliver": {"moves": {S.PENDING: S.SENT}},
    # the department confirmed receipt (a notice shows in the inbox before
    # its e-mail/webhook delivery completes, so pending may be confirmed too)
    "confirm": {"moves": {S.PENDING: S.CONFIRMED, S.SENT: S.CONFIRMED}},
    # a 落实表 was submitted (also the answer to a returned one)
    "submit": {
        "moves": {
            S.PENDING: S.ANSWERED,
            S.SENT: S.ANSWERED,
            S.CONFIRMED: S.ANSWERED,
            S.RETURNED: S.ANSWERED,
        }
    },
    "accept": {"moves": {S.ANSWERED: S.ACCEPTED}, "report": (R.SUBMITTED, R.ACCEPTED)},
    "return": {"moves": {S.ANSWERED: S.RETURNED}, "report": (R.SUBMITTED, R.RETURNED)},
}

ACTION_LABELS = {
    "deliver": "投递",
    "confirm": "签收",
    "submit": "提交落实表",
    "accept": "通过落实表",
    "return": "退回落实表",
}


def transition(
    notice: Notice,
    *,
    action: str,
    actor=None,
    reason: str = "",
    fields: dict | None = None,
    report: ImplementationReport | None = None,
    report_fields: dict | None = None,
    on_commit=None,
) -> Notice:
    """Move `notice` by `action`; raise InvalidTransition if not allowed now.

    Side effects: one conditional UPDATE of the notice (and of `report` for
    accept/return), one NoticeEvent row, `on_commit` scheduled after commit.
    """
    rule = TRANSITIONS[action]
    from_status = notice.status
    to_status = rule["moves"].get(from_status)
    if to_status is None:
        raise InvalidTransition(
            f"通知单当前状态为“{S(from_status).label}”，不能{ACTION_LABELS[action]}。"
        )
    values = {"status": to_status, **(fields or {})}
    with transaction.atomic():
        changed = Notice.objects.filter(pk=notice.pk, status=from_status).update(
            **values
        )
        if changed != 1:
            raise InvalidTransition("通知单状态已被他人更改，请刷新后重试。")
        if "report" in rule:
            if report is None:
                raise InvalidTransition("没有待审核的落实表。")
            expected, new = rule["report"]
            changed = ImplementationReport.objects.filter(
                pk=report.pk, status=expected
            ).update(status=new, **(report_fields or {}))
            if changed != 1:
                raise InvalidTransition("落实表状态已被他人更改，请刷新后重试。")
            report.status = new
            for key, value in (report_fields or {}).items():
                setattr(report, key, value)
        NoticeEvent.objects.create(
            notice=notice,
            actor=actor if getattr(actor, "pk", None) else None,
            action=action,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
        )
        if on_commit is not None:
            transaction.on_commit(on_commit)
    for key, value in values.items():
        setattr(notice, key, value)
    return notice


def now():
    return timezone.now()
