"""Writes of the supervision app (see each module's docstrings)."""

from supervision.services.records import (  # noqa: F401
    PROBLEM_TRANSITIONS,
    accountability_record,
    inspection_record,
    problem_raise_assignment,
    problem_record,
    problem_set_status,
)
