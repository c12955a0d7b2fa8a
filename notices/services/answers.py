"""The department's side: confirm receipt, submit a 落实表; the office's review."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from config.errors import DomainError, InvalidTransition, NotAllowed
from config.uploads import check_uploads
from notices import hooks
from notices.models import ImplementationReport, Notice, ReportFile
from notices.services.transitions import NOTICE_MACHINE, transition
from org.selectors import can_act_for, is_office
from workflows.models import Receipt
from workflows.services import receipt_confirm

S = Notice.Status
CONFIRMED_STATUSES = {S.CONFIRMED, S.ANSWERED, S.ACCEPTED, S.RETURNED}


def _receipt_confirm(notice: Notice, actor) -> None:
    """A 告知单's confirmation is also the project's receipt (回执)."""
    if not notice.receipt_id:
        return

    receipt = Receipt.objects.get(pk=notice.receipt_id)
    if receipt.confirmed_at is None:
        receipt_confirm(receipt=receipt, actor=actor)


def notice_confirm(*, notice: Notice, actor) -> Notice:
    """The recipient department confirms receipt; idempotent (a second confirm
    changes nothing). Side effects: status -> confirmed with the time kept, a
    NoticeEvent, and for a 告知单 the project's receipt is confirmed too.
    """
    if not can_act_for(actor, notice.department_id):
        raise NotAllowed("只有接收单位的联络员可以签收。")
    if notice.status in CONFIRMED_STATUSES or notice.confirmed_at is not None:
        return notice
    now = timezone.now()
    with transaction.atomic():
        transition(
            notice,
            action="confirm",
            actor=actor,
            fields={"confirmed_at": now, "confirmed_by": actor},
        )
        _receipt_confirm(notice, actor)
    return notice


def _check_files(files) -> None:
    check_uploads(files)


def _check_report(*, measures, result, person_responsible, completed_on) -> None:
    """Refuse a 落实表 with an empty field or a completion date in the future,
    naming every problem at once."""
    errors = {}
    if not (measures or "").strip():
        errors["measures"] = "请填写整改落实措施。"
    if not (result or "").strip():
        errors["result"] = "请填写落实结果。"
    if not (person_responsible or "").strip():
        errors["person_responsible"] = "请填写责任人。"
    if completed_on is None:
        errors["completed_on"] = "请填写完成日期。"
    elif completed_on > timezone.localdate():
        errors["completed_on"] = "完成日期不能晚于今天。"
    if errors:
        raise DomainError(";".join(errors.values()))


def report_submit(
    *,
    notice: Notice,
    actor,
    measures: str,
    result: str,
    person_responsible: str,
    completed_on: datetime.date,
    files=(),
) -> ImplementationReport:
    """The department answers a 交办单 or 警示单 with a 落实表.

    Side effects: an ImplementationReport with its files stored on disk under
    MEDIA_ROOT, the notice -> answered (confirmed as well if it was not), a
    NoticeEvent. A returned report stays; the new one is reviewed.
    """
    if not can_act_for(actor, notice.department_id):
        raise NotAllowed("只有接收单位的联络员可以报送落实表。")
    if not notice.needs_report:
        raise DomainError("提醒和告知单无需报送落实表。")
    _check_report(
        measures=measures,
        result=result,
        person_responsible=person_responsible,
        completed_on=completed_on,
    )
    files = list(files or [])
    _check_files(files)
    now = timezone.now()
    fields = {}
    if notice.confirmed_at is None:
        fields = {"confirmed_at": now, "confirmed_by": actor}
    with transaction.atomic():
        transition(notice, action="submit", actor=actor, fields=fields)
        report = ImplementationReport.objects.create(
            notice=notice,
            measures=measures.strip(),
            result=result.strip(),
            person_responsible=person_responsible.strip(),
            completed_on=completed_on,
            submitted_by=actor,
        )
        for upload in files:
            ReportFile.objects.create(
                report=report,
                file=upload,
                original_name=upload.name[:255],
                size=upload.size,
                content_type=(getattr(upload, "content_type", "") or "")[:100],
            )
        hooks.report_submitted.call_on_commit(
            notice_id=notice.pk,
            actor_id=actor.pk,
            on=timezone.localdate(),
        )
    return report


def _pending_report(notice: Notice) -> ImplementationReport | None:
    return (
        notice.reports.filter(status=ImplementationReport.Status.SUBMITTED)
        .order_by("-submitted_at", "-id")
        .first()
    )


def report_accept(*, notice: Notice, actor) -> Notice:
    """The office accepts the 落实表: the notice is closed (办结).

    Side effects: report -> accepted, notice -> accepted, a NoticeEvent.
    """
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以审核落实表。")
    report = _pending_report(notice)
    with transaction.atomic():
        transition(
            notice,
            action="accept",
            actor=actor,
            report=report,
            report_fields={"reviewed_by": actor, "reviewed_at": timezone.now()},
        )
        # e.g. supervision rectifies the problem this 交办单 handed over
        hooks.report_accepted.call_on_commit(
            notice_id=notice.pk,
            actor_id=actor.pk,
            on=timezone.localdate(),
        )
    return notice


def report_return(*, notice: Notice, actor, reason: str) -> Notice:
    """The office sends the 落实表 back with a reason; the department answers
    again. Side effects: report -> returned, notice -> returned, a NoticeEvent.
    """
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以审核落实表。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("退回时请填写原因。")
    report = _pending_report(notice)
    return transition(
        notice,
        action="return",
        actor=actor,
        reason=reason,
        report=report,
        report_fields={
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
            "return_reason": reason,
        },
    )


def notification_confirm_for_receipt(*, receipt_id: int, actor_id: int | None) -> int:
    """The project's receipt was confirmed in workflows: the 告知单 that asked for
    it is confirmed as well (idempotent). Returns how many changed.
    Side effects: notice -> confirmed, a NoticeEvent."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    changed = 0
    for notice in Notice.objects.filter(
        receipt_id=receipt_id,
        kind=Notice.Kind.NOTIFICATION,
        status__in=NOTICE_MACHINE.moves["confirm"].sources,
    ):
        try:
            transition(
                notice,
                action="confirm",
                actor=actor,
                reason="回执已确认",
                fields={"confirmed_at": timezone.now(), "confirmed_by": actor},
            )
            changed += 1
        except InvalidTransition:
            continue  # confirmed meanwhile
    return changed


def notice_confirm_many(*, notices, actor) -> int:
    """签收 several notices at once (a liaison's 全部签收): each one through
    `notice_confirm`, so each writes its own event and, for a 告知单, confirms
    its receipt. Returns how many were newly confirmed; raises NotAllowed
    before changing anything if any notice is not the actor's to confirm."""
    notices = list(notices)
    for notice in notices:
        if not can_act_for(actor, notice.department_id):
            raise NotAllowed("只有接收单位的联络员可以签收。")
    confirmed = 0
    with transaction.atomic():
        for notice in notices:
            already = notice.confirmed_at is not None
            notice_confirm(notice=notice, actor=actor)
            confirmed += 0 if already else 1
    return confirmed


def inbox_confirm_many(*, notices, receipts, actor) -> int:
    """签收 a liaison's selection of the one inbox: notices (a 告知单 confirms
    its 回执) and receipts no 告知单 asks for, all or nothing. Side effects: those
    of `notice_confirm_many` and `receipt_confirm` (an event each). Returns how
    many items were newly confirmed; raises NotAllowed before changing anything
    if any item is not the actor's department's."""
    receipts = list(receipts)
    for receipt in receipts:
        if not can_act_for(actor, receipt.department_id):
            raise NotAllowed("只有本单位联络员可以确认回执。")
    with transaction.atomic():
        confirmed = notice_confirm_many(notices=notices, actor=actor)
        for receipt in receipts:
            if receipt.confirmed_at is None:
                receipt_confirm(receipt=receipt, actor=actor)
                confirmed += 1
    return confirmed
