"""Templates ask the state machine what may happen next.

    {% load statemachine %}
    {% if round|may:"publish" %}<button>发布</button>{% endif %}

`may` answers by status alone (the move is allowed from the object's status);
who may do it is the view's question (is_office, can_act_for ...).
"""

from django import template

from config.statemachine import machine_for

register = template.Library()


@register.filter
def may(obj, action: str) -> bool:
    """True when the object's state machine allows `action` from its status."""
    if obj is None or obj == "":
        return False
    return machine_for(obj).allowed(obj, action)


@register.filter
def targets(obj, prefix: str = "") -> list[tuple[str, str]]:
    """(status, label) pairs the object may move to, by the allowed actions
    whose names start with `prefix`, without repeats, in table order."""
    if obj is None or obj == "":
        return []
    machine = machine_for(obj)
    seen: dict[str, str] = {}
    for action in machine.actions_from(obj):
        if action.startswith(prefix):
            status = machine.target(action)
            seen.setdefault(status, machine.status_label(status))
    return list(seen.items())
