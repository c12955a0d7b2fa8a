"""The notice rules (data the office edits): the default row (the city's /
the deployment's, `office` null) and an office's own row overriding it."""

from django.db.models import Q
from django.forms.models import model_to_dict

from notices.models import NoticeRule
from org.models import Office


def _default() -> NoticeRule:
    rule = NoticeRule.objects.filter(office__isnull=True).order_by("pk").first()
    if rule is None:
        # No explicit pk: PostgreSQL's sequence stays in step for office rows.
        rule = NoticeRule.objects.create(office=None)
    return rule


def rule_current(*, office_id: int | None = None) -> NoticeRule:
    """The rules in force for an office (default: the default office): its own
    row if it has one, else the default row (created on first use)."""
    office_id = office_id or Office.default().pk
    own = NoticeRule.objects.filter(office_id=office_id).first()
    return own if own is not None else _default()


def rules_in_force(*, office_ids) -> dict[int, NoticeRule]:
    """The rules in force for each of these offices at once (what rule_current
    answers for each, in one or two queries): its own row, else the default."""
    rows = list(
        NoticeRule.objects.filter(
            Q(office__isnull=True) | Q(office_id__in=office_ids)
        ).order_by("pk")
    )
    own = {rule.office_id: rule for rule in rows if rule.office_id is not None}
    default = next((rule for rule in rows if rule.office_id is None), None)
    if default is None and len(own) < len(set(office_ids)):
        default = _default()
    return {office_id: own.get(office_id, default) for office_id in office_ids}


def rule_update(*, actor, office_id: int | None = None, **values) -> NoticeRule:
    """Save an office's edit of its rules (default: the default office's), as
    its own row overriding the default (made from the default's values on the
    first edit). Side effect: the row is created or updated."""
    office_id = office_id or Office.default().pk
    rule = NoticeRule.objects.filter(office_id=office_id).first()
    if rule is None:
        base = model_to_dict(_default(), exclude=["id", "office", "updated_by"])
        rule = NoticeRule(office_id=office_id, **base)
    for key, value in values.items():
        setattr(rule, key, value)
    rule.updated_by = actor if getattr(actor, "pk", None) else None
    rule.full_clean()
    rule.save()
    return rule
