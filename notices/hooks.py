"""What the apps above notices add to its actions (see config/hooks.py): a
lower app declares a Hook and calls it, the upper app registers in its
AppConfig.ready() (supervision does for all three).
"""

from config.hooks import Hook

# After the commit that submitted / accepted a 落实表 (e.g. supervision: the
# problem its 交办单 handed over is answered / rectified). Called with
# `call_on_commit`: a listener that fails is logged, the notice's change stays.
report_submitted = Hook("report_submitted", arguments=("notice_id", "actor_id", "on"))
report_accepted = Hook("report_accepted", arguments=("notice_id", "actor_id", "on"))

# A hand-issued notice may be raised on an inspection problem (supervision, above
# us): supervision registers the lookup; the caller checks rights. The first
# answer that is not None is the problem.
problem_lookup = Hook("problem_lookup", arguments=("pk",))


def problem_get(pk: int):
    """The inspection problem with this id, or None."""
    return next((p for p in problem_lookup(pk=pk) if p is not None), None)


# 以信用为基础的差别化监管: evaluation (above us) answers which departments'
# latest credit grade is one of `grades`, as a set of department ids.
low_credit_lookup = Hook("low_credit_lookup", arguments=("grades",))


def low_credit_department_ids(grades: list[str]) -> set[int]:
    """Departments whose latest credit grade is in `grades` (empty: none)."""
    if not grades:
        return set()
    found: set[int] = set()
    for ids in low_credit_lookup(grades=grades):
        found |= set(ids or ())
    return found
