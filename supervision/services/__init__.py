"""Writes of the supervision app (see each module's docstrings)."""

from supervision.services.circulars import (  # noqa: F401
    CIRCULAR_MACHINE,
    circular_draft,
    circular_issue,
    circular_issued_complete_bulletin_steps,
    circular_recipients,
    circular_update,
)
from supervision.services.duties import (  # noqa: F401
    DUTY_MACHINE,
    duties_expire,
    duties_generate,
    duties_remind,
    duty_complete,
)
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
    HAND_MOVES,
    PROBLEM_MACHINE,
    PROBLEM_TRANSITIONS,
    accountability_record,
    inspection_record,
    problem_raise_assignment,
    problem_record,
    problem_set_status,
    rule_current,
)
from supervision.services.rectification import (  # noqa: F401
    problem_answer_for_assignment,
    problem_rectify_for_assignment,
    problems_expire,
)
from supervision.services.scan import supervision_scan  # noqa: F401
from supervision.services.tallies import (  # noqa: F401
    office_rates_compute,
    office_rates_refresh,
    office_rates_refresh_all,
    office_rates_refresh_current,
)
