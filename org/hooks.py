"""What the apps above org add to its actions (see config/hooks.py).

evaluation registers it in EvaluationConfig.ready().
"""

from config.hooks import Hook

# Inside the move's transaction, when a subtree of departments (`path`, its new
# materialized path) moved to another office: whatever counted their records
# per office counts again (evaluation.services.round_sheets_recount_for_departments).
departments_moved = Hook("departments_moved", arguments=("path",))
