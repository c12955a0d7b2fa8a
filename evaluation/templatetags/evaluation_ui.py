"""Chinese labels for the evaluation app's codes (round log verbs, step codes)."""

from django import template

from evaluation.models import EvaluationRound

register = template.Library()

# The verbs of RoundEvent.action, as the round log shows them.
ROUND_ACTIONS = {
    "create": "新建",
    "review": "复核",
    "reopen": "退回草稿",
    "publish": "发布",
    "supersede": "被更正",
    "correct": "更正",
    "peer_weight": "设置互评权重",
}


@register.filter
def round_action(code):
    return ROUND_ACTIONS.get(code, code)


@register.filter
def round_status(code):
    """A round status code as its label; '' (no earlier status) stays ''."""
    if not code:
        return ""
    try:
        return EvaluationRound.Status(code).label
    except ValueError:
        return code


@register.filter
def step_name(code, standard):
    """A step code of `standard` (e.g. `filing`) as the step's name (备案)."""
    for line in standard.steps.all():
        if line.code == code:
            return line.name
    return code
