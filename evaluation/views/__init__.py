"""Browser pages of the evaluation app: thin (check role, validate, one service)."""

from evaluation.views.dashboard import (
    credit_history,
    credit_list,
    dashboard,
    rankings,
)
from evaluation.views.joint import round_joint
from evaluation.views.peer import (
    peer,
)
from evaluation.views.rounds import (
    bulletin,
    bulletin_xlsx,
    my_scores,
    round_action,
    round_create,
    round_detail,
    round_job,
    round_list,
    round_peer_weight,
    sheet_adjust,
    sheet_detail,
    sheet_indicator_miss,
)
from evaluation.views.standards import (
    standard_edit,
    standard_override,
    standards,
)

__all__ = [
    "round_joint",
    "bulletin",
    "bulletin_xlsx",
    "credit_history",
    "credit_list",
    "dashboard",
    "my_scores",
    "peer",
    "rankings",
    "round_action",
    "round_create",
    "round_detail",
    "round_job",
    "round_list",
    "round_peer_weight",
    "sheet_adjust",
    "sheet_detail",
    "sheet_indicator_miss",
    "standard_edit",
    "standard_override",
    "standards",
]
