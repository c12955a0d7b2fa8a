"""The state machines of a notice and of its 落实表 (config.statemachine).

Allowed moves are data. Each move is a conditional UPDATE on the expected status,
so two people acting at once cannot both succeed; each writes a NoticeEvent row.
The office's review moves the notice and its 落实表 together: one action, one
NoticeEvent (the report's move is recorded by the notice's event row).
"""

from django.db import transaction

from config.errors import InvalidTransition
from config.statemachine import Move, StateMachine, register
from notices.models import ImplementationReport, Notice, NoticeEvent

S = Notice.Status
R = ImplementationReport.Status


def _record_notice_event(notice, action, from_status, to_status, actor, reason):
    NoticeEvent.objects.create(
        notice=notice,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def _recorded_by_notice_event(report, action, from_status, to_status, actor, reason):
    """A 落实表 moves only with its notice (accept/return), whose NoticeEvent
    of the same action, actor and reason is the history of both."""


NOTICE_MACHINE = register(
    StateMachine(
        model=Notice,
        noun="通知单",
        moves={
            # the outbox delivered the notice on its channels
            "deliver": Move({S.PENDING}, S.SENT, label="投递"),
            # the department confirmed receipt (a notice shows in the inbox before
            # its e-mail/webhook delivery completes, so pending may be confirmed too)
            "confirm": Move({S.PENDING, S.SENT}, S.CONFIRMED, label="签收"),
            # a 落实表 was submitted (also the answer to a returned one)
            "submit": Move(
                {S.PENDING, S.SENT, S.CONFIRMED, S.RETURNED},
                S.ANSWERED,
                label="提交落实表",
            ),
            "accept": Move({S.ANSWERED}, S.ACCEPTED, label="通过落实表"),
            "return": Move({S.ANSWERED}, S.RETURNED, label="退回落实表"),
        },
        record=_record_notice_event,
        refusal="通知单当前状态为“{status}”，不能{label}。",
        stale_message="通知单状态已被他人更改，请刷新后重试。",
    )
)

REPORT_MACHINE = register(
    StateMachine(
        model=ImplementationReport,
        noun="落实表",
        moves={
            "accept": Move({R.SUBMITTED}, R.ACCEPTED, label="通过"),
            "return": Move({R.SUBMITTED}, R.RETURNED, label="退回"),
        },
        record=_recorded_by_notice_event,
        stale_message="落实表状态已被他人更改，请刷新后重试。",
    )
)

ACTION_LABELS = {action: move.label for action, move in NOTICE_MACHINE.moves.items()}


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
    with transaction.atomic():
        if action not in REPORT_MACHINE.moves:
            return NOTICE_MACHINE.apply(
                notice,
                action=action,
                actor=actor,
                reason=reason,
                fields=fields,
                on_commit=on_commit,
            )
        read = {name: getattr(notice, name) for name in ["status", *(fields or {})]}
        try:
            NOTICE_MACHINE.apply(
                notice, action=action, actor=actor, reason=reason, fields=fields
            )
            if report is None:
                raise InvalidTransition("没有待审核的落实表。")
            REPORT_MACHINE.apply(
                report,
                action=action,
                actor=actor,
                reason=reason,
                fields=report_fields,
                on_commit=on_commit,
            )
        except InvalidTransition:
            for name, value in read.items():  # the pair is rolled back
                setattr(notice, name, value)
            raise
    return notice
