"""多元互评: towns rate the district departments that serve them, and the reverse."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from config.errors import DomainError, NotAllowed
from evaluation.models import EvaluationRound, PeerRating, RoundEvent
from evaluation.services.rounds import _lock_editable
from org.models import Department
from org.selectors import can_act_for, is_office

# Who rates whom: rater kind -> kind it rates.
RATES = {
    Department.Kind.TOWN: Department.Kind.DISTRICT,
    Department.Kind.DISTRICT: Department.Kind.TOWN,
}


def _decimal(value, message) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(message) from exc


@transaction.atomic
def round_set_peer_weight(*, round: EvaluationRound, weight, actor):  # noqa: A002
    """Switch the peer component on (0 < w ≤ 0.5) or off (0) for a draft round.

    Side effects: the round's peer_weight; a RoundEvent.
    """
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以设置互评权重。")
    weight = _decimal(weight, "互评权重必须是数字。")
    if not Decimal(0) <= weight <= Decimal("0.5"):
        raise DomainError("互评权重须在 0 到 0.5 之间。")
    round_ = _lock_editable(round.pk)
    EvaluationRound.objects.filter(pk=round_.pk).update(peer_weight=weight)
    RoundEvent.objects.create(
        round=round_,
        actor=actor,
        action="peer_weight",
        from_status=round_.status,
        to_status=round_.status,
        reason=f"互评权重设为 {weight}",
    )
    round.peer_weight = weight
    return round


@transaction.atomic
def peer_rate(
    *,
    round: EvaluationRound,  # noqa: A002
    rater: Department,
    rated: Department,
    score,
    actor,
    comment: str = "",
) -> PeerRating:
    """The rater department (its liaison) scores another department 0-100.

    Rating again replaces the earlier score. Side effects: a PeerRating row.
    """
    if not (can_act_for(actor, rater.pk) or is_office(actor)):
        raise NotAllowed("只能以本单位名义参加互评。")
    round_ = _lock_editable(round.pk)
    if not round_.peer_weight:
        raise DomainError("本轮评价未启用多元互评。")
    if RATES.get(rater.kind) != rated.kind:
        raise DomainError("镇街评价为其服务的区级部门，区级部门评价镇街。")
    score = _decimal(score, "互评分必须是数字。")
    if not Decimal(0) <= score <= Decimal(100):
        raise DomainError("互评分须在 0 到 100 之间。")
    rating, _ = PeerRating.objects.update_or_create(
        round=round_,
        rater=rater,
        rated=rated,
        defaults={"score": score, "comment": comment.strip(), "rated_by": actor},
    )
    return rating
