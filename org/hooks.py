"""What the apps above org add to its actions (see config/hooks.py).

evaluation registers it in EvaluationConfig.ready().
"""

from config.hooks import Hook

# Inside the move's transaction, when a subtree of departments (`path`, its new
# materialized path) moved to another office: whatever counted their records
# per office counts again (evaluation.services.round_sheets_recount_for_departments).
departments_moved = Hook("departments_moved", arguments=("path",))

# Inside the move's transaction, with every office that lost or gained the
# moved departments: the stored row counts per office (workflows.StepTally,
# notices.NoticeTally) count those offices again.
department_offices_changed = Hook(
    "department_offices_changed", arguments=("office_ids",)
)
