"""What the apps above org add to its actions (see config/hooks.py).

evaluation registers it in EvaluationConfig.ready().
"""

from config.hooks import Hook

# Inside the move's transaction, when a subtree of departments (`path`, its new
# materialized path) moved to another office: whatever counted their records
# per office counts again (evaluation.services.round_sheets_recount_for_departments).
departments_moved = Hook("departments_moved", arguments=("path",))

# Inside the transaction of a new office or of departments moved between
# offices, with every office concerned: what is counted per office (the stored
# step and notice counts) counts these offices again.
office_departments_changed = Hook(
    "office_departments_changed", arguments=("office_ids",)
)
