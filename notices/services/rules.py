"""The notice rules row (data the office edits)."""

from notices.models import NoticeRule


def rule_current() -> NoticeRule:
    """The one rules row, created with the defaults on first use."""
    rule = NoticeRule.objects.filter(pk=1).first()
    if rule is None:
        rule, _ = NoticeRule.objects.get_or_create(pk=1)
    return rule


def rule_update(*, actor, **values) -> NoticeRule:
    """Save the office's edit of the rules. Side effect: the row is updated."""
    rule = rule_current()
    for key, value in values.items():
        setattr(rule, key, value)
    rule.updated_by = actor if getattr(actor, "pk", None) else None
    rule.full_clean()
    rule.save()
    return rule
