"""Writes of the evaluation app (see each module's docstrings)."""

from evaluation.services.jobs import (  # noqa: F401
    round_job_run,
    round_job_running,
    round_job_start,
)
from evaluation.services.joint import (  # noqa: F401
    body_mark_enter,
    body_missing_record,
    combined_scores,
    joint_gaps,
    round_bodies,
)
from evaluation.services.peer import RATES, peer_rate, round_set_peer_weight  # noqa: F401
from evaluation.services.propose import (  # noqa: F401
    FROZEN_MESSAGE,
    evaluation_propose,
    evaluations_propose,
    round_as_of,
)
from evaluation.services.rankings import (  # noqa: F401
    ranking_compute,
    ranking_entries_write,
)
from evaluation.services.rounds import (  # noqa: F401
    ROUND_MACHINE,
    department_scores,
    grade_for,
    indicator_miss_record,
    mark_adjust,
    peer_averages,
    round_create,
    round_propose_all,
    round_publish,
    round_reopen,
    round_review,
)
from evaluation.services.standards import (  # noqa: F401
    grade_thresholds_ensure,
    standard_bodies_set,
    standard_ensure_default,
    standard_override_create,
    standard_override_drop,
    standard_update,
    standards_may_edit,
)
from evaluation.services.survey import survey_import  # noqa: F401
