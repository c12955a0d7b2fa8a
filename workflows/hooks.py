"""What the apps above workflows add to its actions (see config/hooks.py).

notices registers the first two in NoticesConfig.ready(), evaluation the last
in EvaluationConfig.ready().
"""

from config.hooks import Hook

# Inside the launch transaction, once the steps exist: each department gets its
# 告知单 (notices.services.notification_send_for_launch).
project_launched = Hook("project_launched", arguments=("project", "actor"))

# After the commit that confirmed a department's receipt (回执): its 告知单 is
# confirmed too (notices.services.notification_confirm_for_receipt).
receipt_confirmed = Hook("receipt_confirmed", arguments=("receipt_id", "actor_id"))

# Inside the withdrawal transaction: the project's sheets leave the scores list,
# so the published rounds holding some count their sheets again
# (evaluation.services.round_sheets_recount_for_project).
project_withdrawn = Hook("project_withdrawn", arguments=("project_id",))
