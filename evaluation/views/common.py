"""Shared pieces of the evaluation pages: role sets and query ints."""

from config.filters import MAX_ID, query_int
from org.models import Role

READERS = {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON}
OFFICE_LEADER = {Role.OFFICE, Role.LEADER}
SUPERVISORS = {Role.OFFICE, Role.LEADER, Role.INSPECTOR}


def _int(value, default=None):
    """A whole number from the request, `default` for anything else."""
    return query_int(value, low=-MAX_ID, default=default)
