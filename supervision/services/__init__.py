"""Writes of the supervision app (see each module's docstrings)."""

from supervision.services.plans import (  # noqa: F401
    PLAN_MACHINE,
    cycle_of,
    period_label,
    period_of,
    plan_fulfil,
    plans_create,
    plans_expire,
)
from supervision.services.records import (  # noqa: F401
    PROBLEM_TRANSITIONS,
    accountability_record,
    inspection_record,
    problem_raise_assignment,
    problem_record,
    problem_set_status,
)
from supervision.services.scan import supervision_scan  # noqa: F401
