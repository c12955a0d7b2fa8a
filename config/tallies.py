"""Stored row counts per office (workflows.StepTally, notices.NoticeTally):
what their writers and recounts share."""

from collections import Counter

from django.db import connection


def writers_held_off(model) -> None:
    """Inside the current transaction, hold off rows of `model` being added,
    moved or removed until it ends: PostgreSQL's SHARE lock waits for the
    writers in flight to commit and keeps new ones waiting, so what a recount
    counts now is still the count when it commits. (SQLite lets one writer
    at a time anyway.)"""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")


def summed_per_office(per_department: Counter, offices: dict[int, int]) -> Counter:
    """{(department id, *key): n} summed per (office id, *key), `offices`
    mapping each department to its office.

    Writers read `offices` after their insert: a concurrent department_move
    then either waited for the insert to commit (and recounts it) or committed
    before it (and the writer reads the new office)."""
    summed = Counter()
    for (department, *rest), n in per_department.items():
        summed[(offices[department], *rest)] += n
    return summed
