"""What a request's PostgreSQL plans count: the stored-count tests check that
an envelope's count reads no rows of the big table (EXPLAIN VERBOSE)."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _counted(plan: dict, table: str, under_aggregate: bool = False) -> int:
    """How many scans of `table` feed a COUNT in `plan` (a VERBOSE plan: a
    MAX(updated_at), such as the ETag's, is no count)."""
    inside = under_aggregate or (
        plan["Node Type"] == "Aggregate"
        and any("count(" in out for out in plan.get("Output", []))
    )
    found = int(inside and plan.get("Relation Name") == table)
    return found + sum(
        _counted(child, table, inside) for child in plan.get("Plans", [])
    )


def counted_scans(client, url: str, table: str) -> int:
    """GET `url` with `client` (200 expected) and return how many scans of
    `table` feed a COUNT in the plans of the SELECTs it ran."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    total = 0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (VERBOSE, FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0]
            plan = plan if isinstance(plan, list) else json.loads(plan)
            total += _counted(plan[0]["Plan"], table)
    return total
