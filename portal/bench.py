"""`make bench`: time the pages and API calls at district, city and province size.

Each request runs in-process through Django's test client (DEBUG off), logged in
as the first district's office user, or its liaison where marked L. For each:
rows returned, queries, p50 and p95 over `runs` timed runs after `warmups`, and
the ratio of p50 to a raw-SQL floor: a hand-written query for the same rows
with the same LIMIT, timed in the same run. An API list's fixed cost (the
session or token, the user, the ETag, an empty page: a year with no round) is
measured first, and each API row also gives its p50 over floor + fixed cost.
The scan, round proposal and publication run once each inside a transaction
that is rolled back, so a scale can be measured and then grown. A request that
fails is an error row.
"""

from __future__ import annotations

import datetime
import inspect
import json
import os
import re
import statistics
import time
import traceback
from dataclasses import asdict, dataclass, field

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from evaluation.models import EvaluationRound, RankingEntry
from org.models import Department, Membership, Office, Role
from workflows.models import ExecutionProject
from workflows.selectors import yellow_until


class QueryCounter:
    """Counts every query run inside it (CaptureQueriesContext keeps 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)


class Rollback(Exception):
    """Raised to undo a measured write."""


@dataclass
class Row:
    name: str
    rows: int | None = None
    queries: int | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    floor_ms: float | None = None
    ratio: float | None = None
    # p50 over (floor + the fixed cost of an API request): what the app adds
    # beyond the rows' SQL and what every authenticated list request costs.
    ratio_fixed: float | None = None
    status: int | None = None
    error: str = ""
    note: str = ""


@dataclass
class Target:
    name: str
    url: str
    user: str = "office"  # or "liaison"
    floor_sql: str = ""
    floor_params: tuple = ()
    headers: dict = field(default_factory=dict)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _count_rows(response) -> int | None:
    if response.status_code != 200:
        return None
    content_type = response.get("Content-Type", "")
    if "json" in content_type:
        data = json.loads(response.content)
        if isinstance(data, dict) and "results" in data:
            return len(data["results"])
        return len(data) if isinstance(data, list) else 1
    body = response.content.decode("utf-8", "replace")
    # Body rows of tables, or the list-group items of card-style lists
    # (inboxes); an empty list's muted placeholder ("暂无…") is no row.
    rows = sum(
        len(re.findall(r"<tr[\s>]", tbody)) - len(_PLACEHOLDER_ROW.findall(tbody))
        for tbody in re.findall(r"<tbody[\s>].*?</tbody>", body, flags=re.DOTALL)
    )
    items = len(re.findall(r'class="list-group-item[ "]', body))
    return rows + items - len(_PLACEHOLDER_ITEM.findall(body))


_PLACEHOLDER_ROW = re.compile(r'<tr><td colspan="[^"]*" class="[^"]*text-muted')
_PLACEHOLDER_ITEM = re.compile(r'class="list-group-item text-muted"')


def _time_sql(sql: str, params, runs: int) -> tuple[float, int]:
    times, rows = [], 0
    with connection.cursor() as cur:
        for i in range(runs + 2):
            started = time.perf_counter()
            cur.execute(sql, params)
            rows = len(cur.fetchall())
            if i >= 2:
                times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), rows


# The baseline row: an authenticated API list with nothing to list.
FIXED_COST = "API fixed cost (empty rankings/)"


class Bench:
    def __init__(self, *, runs: int = 20, warmups: int = 2, stdout=None, rounds=True):
        self.rounds = rounds
        self.runs = runs
        self.warmups = warmups
        self.stdout = stdout

    # -- who and what ----------------------------------------------------------
    def context(self) -> dict:
        office = Office.objects.filter(kind=Office.Kind.DISTRICT).order_by("id").first()
        office_member = (
            Membership.objects.filter(role=Role.OFFICE, department__office=office)
            .select_related("user")
            .order_by("id")
            .first()
        )
        # The liaison of the district department leading the most projects.
        lead = (
            ExecutionProject.objects.filter(
                office=office, lead_department__kind=Department.Kind.DISTRICT
            )
            .values_list("lead_department", flat=True)
            .order_by("lead_department")
            .first()
        )
        liaison_member = (
            Membership.objects.filter(role=Role.LIAISON, department_id=lead)
            .select_related("user")
            .first()
        )
        year = timezone.localdate().year
        project = (
            ExecutionProject.objects.filter(
                lead_department_id=lead, year=year, status="active"
            )
            .order_by("id")
            .first()
        ) or ExecutionProject.objects.filter(lead_department_id=lead).first()
        published = (
            office.rounds.filter(status="published", quarter=0)
            .order_by("-year")
            .first()
        )
        return {
            "office": office,
            "office_user": office_member.user,
            "liaison_user": liaison_member.user if liaison_member else None,
            "liaison_department": lead,
            "project": project,
            "year": published.year if published else year - 1,
            "round": published,
        }

    def targets(self, ctx) -> list[Target]:
        office_id = ctx["office"].pk
        year = ctx["year"]
        dept = ctx["liaison_department"]
        project = ctx["project"].pk if ctx["project"] else 0
        round_id = ctx["round"].pk if ctx["round"] else 0
        yellow = yellow_until()
        stored = RankingEntry.objects.filter(round_id=round_id).exists()
        # The floors' aggregates, as each database spells them (the bench runs
        # on PostgreSQL; its tests on SQLite too, which before 3.44 orders no
        # aggregate).
        if connection.vendor == "postgresql":
            json_agg, json_array, array_agg = (
                "json_agg",
                "json_build_array",
                "array_agg",
            )
            by_order, by_id = ' ORDER BY s."order", s.id', " ORDER BY x.id"
        else:
            json_agg, json_array = "json_group_array", "json_array"
            array_agg, by_order, by_id = "group_concat", "", ""
        # Each API floor returns what the response carries: the page's rows
        # with every field, their nested lines, and the envelope's `count`
        # (an uncorrelated subquery, counted once), in one plain statement.
        # The year's rounds named by their ids, as the app's year filter does
        # (one small query before): joining rounds by year makes PostgreSQL
        # pair every round of the year with every sheet of the district.
        year_rounds = ", ".join(
            str(pk)
            for pk in EvaluationRound.objects.filter(year=year).values_list(
                "pk", flat=True
            )
        )
        scores_where = (
            " FROM evaluation_evaluation e"
            " JOIN evaluation_evaluationround r ON r.id = e.round_id"
            " JOIN responsibilities_department d ON d.id = e.department_id"
            f" WHERE d.office_id = %s AND e.round_id IN ({year_rounds or 'NULL'})"
            " AND r.status <> 'superseded'"
        )
        not_withdrawn = (
            " AND NOT EXISTS (SELECT 1 FROM workflows_executionproject p"
            " WHERE p.id = e.project_id AND p.status = 'withdrawn')"
        )
        # The envelope's count as the app reads it (selectors.score_count):
        # the published rounds' stored counts summed and the open rounds'
        # sheets counted, or every sheet counted while a published round of
        # the year has no stored count.
        counted = not EvaluationRound.objects.filter(
            year=year, status="published", published_sheets=None
        ).exists()
        if counted:
            # The open rounds' sheets by their rounds' ids, as the app asks
            # (nothing to count when the year has no open round).
            scores_count = (
                "(SELECT COALESCE(SUM(r.published_sheets), 0)"
                " FROM evaluation_evaluationround r WHERE r.office_id = %s"
                " AND r.year = %s AND r.status = 'published')"
                " + (SELECT COUNT(*) FROM evaluation_evaluation e"
                " JOIN responsibilities_department d ON d.id = e.department_id"
                " WHERE d.office_id = %s AND e.round_id IN (SELECT r.id"
                " FROM evaluation_evaluationround r WHERE r.year = %s"
                " AND r.status IN ('draft', 'reviewed'))" + not_withdrawn + ")"
            )
        else:
            scores_count = "(SELECT COUNT(*)" + scores_where + not_withdrawn + ")"
        scores_sql = (
            "WITH page AS (SELECT e.id, e.department_id, d.name, e.project_id,"
            " p.regulation_id, g.title, r.year, r.quarter, e.round_id, e.total,"
            " e.max_total, r.status"
            + scores_where.replace(
                " JOIN responsibilities_department",
                " JOIN workflows_executionproject p ON p.id = e.project_id"
                " JOIN regulations_regulation g ON g.id = p.regulation_id"
                " JOIN responsibilities_department",
            )
            + " AND p.status <> 'withdrawn'"
            " ORDER BY r.year DESC, e.round_id, e.project_id, e.department_id"
            " LIMIT 50)"
            " SELECT page.*, " + scores_count + ","
            f" (SELECT {json_agg}({json_array}(s.code, s.name, s.final, s.proposed,"
            f" s.base_points, s.high_points){by_order})"
            " FROM evaluation_stepscore s WHERE s.evaluation_id = page.id),"
            f" (SELECT {json_agg}({json_array}(x.kind, x.reason, x.points)"
            f"{by_id}) FROM evaluation_deduction x"
            " WHERE x.evaluation_id = page.id)"
            " FROM page ORDER BY page.year DESC, page.round_id, page.project_id,"
            " page.department_id"
        )
        # Rankings computed from the sheets (a round published before they
        # were stored, as the seeded rounds are).
        rankings_sql = (
            "SELECT e.department_id, d.name, d.kind, COUNT(DISTINCT e.project_id),"
            " SUM(e.warnings), SUM(e.total) * 100 / SUM(e.max_total) AS s,"
            " RANK() OVER (PARTITION BY d.kind ORDER BY SUM(e.total) / SUM(e.max_total)"
            " DESC) FROM evaluation_evaluation e"
            " JOIN responsibilities_department d ON d.id = e.department_id"
            " JOIN workflows_executionproject p ON p.id = e.project_id"
            " WHERE e.round_id = %s AND d.kind IN ('district', 'town')"
            " AND p.status <> 'withdrawn'"
            " GROUP BY e.department_id, d.name, d.kind ORDER BY d.kind, 7 LIMIT 50"
        )
        # rankings/ reads the entries stored at publication when there are.
        rankings_api_sql = (
            "SELECT e.rank, e.department_id, d.name, e.kind, e.total, e.projects,"
            " e.warnings, e.grade, (SELECT COUNT(*) FROM evaluation_rankingentry"
            " WHERE round_id = %s) FROM evaluation_rankingentry e"
            " JOIN responsibilities_department d ON d.id = e.department_id"
            " WHERE e.round_id = %s ORDER BY e.kind, e.rank, d.name LIMIT 50"
        )
        credit_sql = (
            "SELECT c.department_id, d.name, c.year, c.score, c.grade,"
            " (SELECT COUNT(*) FROM evaluation_creditrecord c2"
            " JOIN responsibilities_department d2 ON d2.id = c2.department_id"
            " WHERE d2.office_id = %s)"
            " FROM evaluation_creditrecord c"
            " JOIN responsibilities_department d ON d.id = c.department_id"
            " WHERE d.office_id = %s"
            " ORDER BY d.sort_order, c.department_id, c.year DESC LIMIT 50"
        )
        notices_sql = (
            "SELECT n.id, n.number, n.title, n.status, d.name FROM notices_notice n"
            " JOIN responsibilities_department d ON d.id = n.department_id"
            " WHERE d.office_id = %s ORDER BY n.created_at DESC, n.id DESC LIMIT 50"
        )
        # A liaison reads its department's subtree's notices and those copied
        # to it: as the app does, two index-friendly branches (the subtree's
        # ids, then the cc rows), each cut at the page, merged and cut again;
        # never `department_id = X OR id IN (subquery)`, which scans them all.
        subtree = (
            Department.objects.filter(pk=dept).values_list("path", flat=True).first()
            or ""
        ) + "%"
        own_notices = (
            " FROM notices_notice n"
            " JOIN responsibilities_department d ON d.id = n.department_id"
            " WHERE n.department_id IN (SELECT o.id FROM responsibilities_department"
            " o WHERE o.path LIKE %s)"
        )
        copied_notices = (
            " FROM notices_notice n"
            " JOIN responsibilities_department d ON d.id = n.department_id"
            " JOIN notices_notice_cc_departments c ON c.notice_id = n.id"
            " WHERE c.department_id = %s"
        )
        notice_columns = (
            "SELECT n.id, n.number, n.title, n.status, n.created_at, d.name"
        )

        def liaison_notices(limit: int, count: bool) -> str:
            cut = f" ORDER BY n.created_at DESC, n.id DESC LIMIT {limit}"
            # the envelope's count: the same two branches, uncut
            total = (
                ", (SELECT COUNT(*) FROM (SELECT n.id FROM notices_notice n"
                " WHERE n.department_id IN (SELECT o.id FROM"
                " responsibilities_department o WHERE o.path LIKE %s)"
                " UNION SELECT c.notice_id FROM notices_notice_cc_departments c"
                " WHERE c.department_id = %s) t)"
                if count
                else ""
            )
            return (
                f"SELECT u.*{total} FROM (SELECT * FROM ({notice_columns}"
                f"{own_notices}{cut}) a UNION SELECT * FROM ({notice_columns}"
                f"{copied_notices}{cut}) b) u"
                f" ORDER BY u.created_at DESC, u.id DESC LIMIT {limit}"
            )

        liaison_notices_api_sql = liaison_notices(50, count=True)
        liaison_notices_page_sql = liaison_notices(30, count=False)
        projects_sql = (
            "WITH page AS (SELECT p.id, p.regulation_id, r.title, p.year, p.flow,"
            " p.lead_department_id, p.starts_on, p.status, p.due_on, p.completed_at"
            " FROM workflows_executionproject p"
            " JOIN regulations_regulation r ON r.id = p.regulation_id"
            " WHERE p.office_id = %s ORDER BY p.year DESC, p.id LIMIT 50)"
            " SELECT page.id, page.regulation_id, page.title, page.year, page.flow,"
            " page.lead_department_id, page.starts_on, page.status, page.due_on,"
            " page.completed_at, COUNT(s.id),"
            " COUNT(s.id) FILTER (WHERE s.status = 'approved'),"
            " COUNT(s.id) FILTER (WHERE s.status <> 'approved'"
            " AND s.due_on < CURRENT_DATE),"
            f" (SELECT {array_agg}(pd.department_id)"
            " FROM workflows_executionproject_partner_departments pd"
            " WHERE pd.executionproject_id = page.id),"
            " (SELECT COUNT(*) FROM workflows_executionproject WHERE office_id = %s)"
            " FROM page LEFT JOIN workflows_step s ON s.project_id = page.id"
            " GROUP BY page.id, page.regulation_id, page.title, page.year, page.flow,"
            " page.lead_department_id, page.starts_on, page.status, page.due_on,"
            " page.completed_at ORDER BY page.year DESC, page.id"
        )
        steps_where = (
            " FROM workflows_step s"
            " JOIN responsibilities_department d ON d.id = s.department_id"
            " WHERE d.office_id = %s"
        )
        steps_sql = (
            "SELECT s.id, s.project_id, s.department_id, d.name, s.code, s.name,"
            ' s."order", s.actor, s.status, s.rating, s.starts_on, s.due_on,'
            " CASE WHEN s.status IN ('approved', 'cancelled') THEN 'green'"
            " WHEN s.due_on < CURRENT_DATE THEN 'red'"
            " WHEN s.due_on <= %s THEN 'yellow' ELSE 'green' END,"
            " c.confirmed_at, s.submitted_at, s.approved_at, s.return_count,"
            " (SELECT COUNT(*)"
            + steps_where
            + ")"
            + steps_where.replace(
                " WHERE",
                " LEFT JOIN workflows_receipt c ON c.project_id = s.project_id"
                " AND c.department_id = s.department_id WHERE",
            )
            + ' ORDER BY s.due_on, s.project_id, s."order", s.id LIMIT 100'
        )
        # 我的待办: the notices to sign (with their project's and step's
        # names), the receipts no 告知单 asks for, the steps to work on (with
        # their light and last return reason), each in the page's order and
        # cut at its limit, one block after the other.
        liaison_inbox_sql = (
            "SELECT * FROM (SELECT 1 AS block, ROW_NUMBER() OVER (ORDER BY"
            " n.due_on, n.created_at, n.id) AS rn, n.id, n.kind, n.title,"
            " n.number, n.issued_on, n.due_on, n.receipt_id, g.title AS project,"
            " s.name AS detail FROM notices_notice n"
            " LEFT JOIN workflows_executionproject p ON p.id = n.project_id"
            " LEFT JOIN regulations_regulation g ON g.id = p.regulation_id"
            " LEFT JOIN workflows_step s ON s.id = n.step_id"
            " WHERE n.department_id = %s AND n.status IN ('pending', 'sent')"
            " ORDER BY n.due_on, n.created_at, n.id LIMIT 200) a"
            " UNION ALL SELECT * FROM (SELECT 2, ROW_NUMBER() OVER (ORDER BY"
            " c.due_on, c.id), c.id, 'receipt', g.title, NULL,"
            " CAST(NULL AS DATE), c.due_on,"
            " c.id, g.title, CAST(p.year AS TEXT) FROM workflows_receipt c"
            " JOIN workflows_executionproject p ON p.id = c.project_id"
            " JOIN regulations_regulation g ON g.id = p.regulation_id"
            " WHERE c.department_id = %s AND c.confirmed_at IS NULL"
            " AND p.status <> 'withdrawn' AND NOT EXISTS (SELECT 1"
            " FROM notices_notice x WHERE x.receipt_id = c.id"
            " AND x.kind = 'notification')"
            " ORDER BY c.due_on, c.id LIMIT 100) b"
            " UNION ALL SELECT * FROM (SELECT 3, ROW_NUMBER() OVER (ORDER BY"
            " CASE s.status WHEN 'returned' THEN 0 WHEN 'open' THEN 1 ELSE 2 END,"
            " s.due_on, s.id), s.id, s.status, s.name,"
            " CASE WHEN s.due_on < CURRENT_DATE THEN 'red'"
            " WHEN s.due_on <= %s THEN 'yellow' ELSE 'green' END,"
            " CAST(NULL AS DATE), s.due_on, CAST(NULL AS INTEGER), g.title,"
            " (SELECT e.reason FROM workflows_event e"
            " WHERE e.step_id = s.id AND e.action = 'return'"
            " ORDER BY e.created_at DESC, e.id DESC LIMIT 1) FROM workflows_step s"
            " JOIN workflows_executionproject p ON p.id = s.project_id"
            " JOIN regulations_regulation g ON g.id = p.regulation_id"
            " WHERE s.department_id = %s"
            " AND s.status IN ('open', 'returned', 'submitted')"
            " ORDER BY 2 LIMIT 200) c ORDER BY block, rn"
        )
        project_sql = (
            "SELECT s.id, s.code, s.status, s.due_on, d.name FROM workflows_step s"
            " JOIN responsibilities_department d ON d.id = s.department_id"
            ' WHERE s.project_id = %s ORDER BY s."order", s.department_id'
        )
        # The to-do tiles: the office's steps by state and light, one scan.
        home_sql = (
            "SELECT COUNT(*) FILTER (WHERE s.status = 'submitted'),"
            " COUNT(*) FILTER (WHERE s.status IN ('open', 'returned')"
            " AND s.due_on < CURRENT_DATE),"
            " COUNT(*) FILTER (WHERE s.status IN ('open', 'returned')"
            " AND s.due_on >= CURRENT_DATE AND s.due_on < CURRENT_DATE + 5)"
            " FROM workflows_step s"
            " JOIN workflows_executionproject p ON p.id = s.project_id"
            " WHERE p.office_id = %s AND p.status <> 'withdrawn'"
        )
        liaison_home_sql = (
            "SELECT (SELECT COUNT(*) FROM notices_notice n"
            " WHERE n.department_id = %s AND n.status IN ('pending', 'sent')),"
            " COUNT(*) FILTER (WHERE s.status = 'open'),"
            " COUNT(*) FILTER (WHERE s.status = 'returned')"
            " FROM workflows_step s WHERE s.department_id = %s"
        )
        # The city comparison: per district the year's stored on-time figures
        # (the daily refresh's), credit grades and the three best and worst
        # stored ranking entries.
        offices_sql = (
            "SELECT t.office_id, t.rate, t.on_time FROM supervision_officeratetally t"
            " WHERE t.year = %s AND t.quarter = 0"
            " UNION ALL SELECT d.office_id, c.grade, COUNT(*)"
            " FROM evaluation_creditrecord c"
            " JOIN responsibilities_department d ON d.id = c.department_id"
            " WHERE c.year = %s GROUP BY d.office_id, c.grade"
            " UNION ALL SELECT r.office_id, e.kind, e.rank FROM ("
            " SELECT e.*, ROW_NUMBER() OVER (PARTITION BY e.round_id"
            " ORDER BY e.total DESC) AS top, ROW_NUMBER() OVER (PARTITION BY"
            " e.round_id ORDER BY e.total) AS bottom"
            " FROM evaluation_rankingentry e) e"
            " JOIN evaluation_evaluationround r ON r.id = e.round_id"
            " WHERE r.year = %s AND r.quarter = 0 AND r.status = 'published'"
            " AND (e.top <= 3 OR e.bottom <= 3)"
        )
        api = "/api/v1/"
        return [
            Target(f"API scores/?year={year}", f"{api}scores/?year={year}",
                   floor_sql=scores_sql,
                   floor_params=(office_id, *(office_id, year) * 2)
                   if counted else (office_id,) * 2),
            Target(f"API rankings/?year={year}", f"{api}rankings/?year={year}",
                   floor_sql=rankings_api_sql if stored else rankings_sql,
                   floor_params=(round_id,) * 2 if stored else (round_id,)),
            Target("API credit-records/", f"{api}credit-records/",
                   floor_sql=credit_sql, floor_params=(office_id,) * 2),
            Target("API notices/", f"{api}notices/",
                   floor_sql=notices_sql, floor_params=(office_id,)),
            Target("API notices/ (L)", f"{api}notices/", user="liaison",
                   floor_sql=liaison_notices_api_sql,
                   floor_params=(subtree, dept) * 2),
            Target("API projects/", f"{api}projects/",
                   floor_sql=projects_sql, floor_params=(office_id,) * 2),
            Target("API steps/?page_size=100", f"{api}steps/?page_size=100",
                   floor_sql=steps_sql, floor_params=(yellow, office_id, office_id)),
            Target("page overview", "/workflows/",
                   floor_sql=projects_sql, floor_params=(office_id,) * 2),
            Target("page dashboard", "/evaluation/",
                   floor_sql=rankings_sql, floor_params=(round_id,)),
            Target("page bulletin", f"/evaluation/rounds/{round_id}/bulletin/",
                   floor_sql=rankings_sql, floor_params=(round_id,)),
            Target("page notices register", "/notices/register/",
                   floor_sql=notices_sql, floor_params=(office_id,)),
            Target("page inbox (L)", "/inbox/", user="liaison",
                   floor_sql=liaison_inbox_sql,
                   floor_params=(dept, dept, yellow, dept)),
            Target("page notices inbox (L)", "/notices/", user="liaison",
                   floor_sql=liaison_notices_page_sql,
                   floor_params=(subtree, dept)),
            Target("page project (L)", f"/workflows/projects/{project}/",
                   user="liaison", floor_sql=project_sql, floor_params=(project,)),
            Target("page home", "/",
                   floor_sql=home_sql, floor_params=(office_id,)),
            Target("page home (L)", "/", user="liaison",
                   floor_sql=liaison_home_sql, floor_params=(dept, dept)),
            Target(f"page offices ?year={year} (city)", f"/offices/?year={year}",
                   user="city", floor_sql=offices_sql,
                   floor_params=(year, year, year)),
            # The city office's API client reads every district's rows: the
            # envelopes' counts are the stored ones (StepTally, NoticeTally).
            Target("API steps/ (city)", f"{api}steps/", user="city"),
            Target("API notices/ (city)", f"{api}notices/", user="city"),
        ]  # fmt: skip

    # -- measuring -------------------------------------------------------------
    def measure(self, target: Target, client: Client) -> Row:
        row = Row(name=target.name)
        try:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(target.url, **target.headers)
            row.queries = len(captured.captured_queries)
            row.status = response.status_code
            row.rows = _count_rows(response)
            if response.status_code >= 400:
                row.error = f"HTTP {response.status_code}"
                return row
            for _ in range(self.warmups - 1):
                client.get(target.url, **target.headers)
            times = []
            for _ in range(self.runs):
                started = time.perf_counter()
                client.get(target.url, **target.headers)
                times.append((time.perf_counter() - started) * 1000)
            row.p50_ms = statistics.median(times)
            row.p95_ms = _percentile(times, 0.95)
            if target.floor_sql:
                row.floor_ms, floor_rows = _time_sql(
                    target.floor_sql, target.floor_params, self.runs
                )
                row.ratio = row.p50_ms / row.floor_ms if row.floor_ms else None
                row.note = f"floor rows {floor_rows}"
        except Exception as exc:  # noqa: BLE001 - one failing request is a row
            row.error = f"{type(exc).__name__}: {exc}"[:200]
            traceback.print_exc()
        return row

    def revalidation(self, client: Client, year: int) -> Row:
        url = f"/api/v1/scores/?year={year}"
        first = client.get(url)
        etag = first.get("ETag", "")
        target = Target(
            "API scores/ 304 (If-None-Match)",
            url,
            headers={"HTTP_IF_NONE_MATCH": etag},
        )
        row = self.measure(target, client)
        if row.status != 304 and not row.error:
            row.error = f"expected 304, got {row.status}"
        row.rows = 0 if row.status == 304 else row.rows
        return row

    def timed_once(self, name: str, func) -> tuple[Row, object]:
        """Run `func` once in a transaction that is rolled back."""
        row, result = Row(name=name), None
        try:
            with QueryCounter() as counter:
                try:
                    with transaction.atomic():
                        started = time.perf_counter()
                        result = func()
                        row.p50_ms = (time.perf_counter() - started) * 1000
                        raise Rollback(result)
                except Rollback as done:
                    result = done.args[0]
            row.queries = counter.count
            row.rows = result if isinstance(result, int) else None
        except Exception as exc:  # noqa: BLE001
            row.error = f"{type(exc).__name__}: {exc}"[:200]
            traceback.print_exc()
        return row, result

    def scans(self) -> list[Row]:
        from notices.services import scan_due
        from workflows.calendar import add_working_days

        today = timezone.localdate()
        rows = []

        def settled():
            catch_up = scan_due(today=today)  # what the generator left to the scan
            started = time.perf_counter()
            counts = scan_due(today=today)
            return {
                "seconds": time.perf_counter() - started,
                **counts,
                "catch-up": catch_up["reminders"] + catch_up["warnings"],
            }

        def next_day():
            scan_due(today=today)
            day = add_working_days(today, 1)
            started = time.perf_counter()
            counts = scan_due(today=day)
            return {"seconds": time.perf_counter() - started, **counts}

        for name, func in (
            ("scan: nothing new", settled),
            ("scan: next working day", next_day),
        ):
            row, result = self.timed_once(name, func)
            if isinstance(result, dict):
                # timed_once timed the catch-up scan too: keep the last scan.
                row.p50_ms = result.pop("seconds") * 1000
                row.rows = result.get("reminders", 0) + result.get("warnings", 0)
                row.note = ", ".join(f"{k} {v}" for k, v in result.items())
            row.queries = None  # counted over both scans
            rows.append(row)
        return rows

    def round_rows(self, ctx) -> list[Row]:
        from evaluation import services

        office = ctx["office"]
        actor = ctx["office_user"]
        year = timezone.localdate().year
        kwargs = {}
        if "office" in inspect.signature(services.round_create).parameters:
            kwargs["office"] = office

        def propose_publish():
            timings = {}
            with QueryCounter() as counter:
                started = time.perf_counter()
                round_ = services.round_create(
                    year=year, quarter=0, actor=actor, name="基准测试轮次", **kwargs
                )
                sheets = services.round_propose_all(round=round_, actor=actor)
                timings["propose"] = (
                    (time.perf_counter() - started) * 1000,
                    counter.count,
                    sheets,
                )
            with QueryCounter() as counter:
                started = time.perf_counter()
                services.round_review(round=round_, actor=actor)
                services.round_publish(round=round_, actor=actor)
                timings["publish"] = (
                    (time.perf_counter() - started) * 1000,
                    counter.count,
                    None,
                )
            return timings

        row, result = self.timed_once("round", propose_publish)
        if not isinstance(result, dict):
            row.name = f"round proposal + publication {year}"
            return [row]
        rows = []
        for key, label in (("propose", "proposal"), ("publish", "review+publication")):
            ms, queries, count = result[key]
            rows.append(
                Row(
                    name=f"round {label} {year} (one district)",
                    rows=count,
                    queries=queries,
                    p50_ms=ms,
                    note="score sheets" if count is not None else "",
                )
            )
        rows.append(self.year_round_row(actor, year, kwargs))
        return rows

    def year_round_row(self, actor, year: int, kwargs: dict) -> Row:
        """Every district's round of the year proposed, one district after
        another in this process (what one worker does; each district's job is
        its own, so N workers share them): the total wall time, and p50/p95 of
        one district's proposal. Rolled back like the others."""
        from evaluation import services

        offices = list(Office.objects.filter(kind=Office.Kind.DISTRICT).order_by("id"))
        name = f"year round proposal {year} ({len(offices)} districts)"

        def propose_every_district():
            times, sheets = [], 0
            for office in offices:
                started = time.perf_counter()
                round_ = services.round_create(
                    year=year,
                    quarter=0,
                    actor=actor,
                    name="基准测试轮次",
                    **({"office": office} if "office" in kwargs else {}),
                )
                sheets += services.round_propose_all(round=round_, actor=actor)
                times.append((time.perf_counter() - started) * 1000)
            return {"times": times, "sheets": sheets}

        row, result = self.timed_once(name, propose_every_district)
        if isinstance(result, dict) and result["times"]:
            times = result["times"]
            row.rows = result["sheets"]
            row.p50_ms = statistics.median(times)
            row.p95_ms = _percentile(times, 0.95)
            row.note = (
                f"total {sum(times) / 1000:,.1f} s one after another;"
                f" p50/p95 per district; score sheets"
            )
        return row

    def run(self) -> list[Row]:
        ctx = self.context()
        clients = {"office": Client(), "liaison": Client()}
        clients["office"].force_login(ctx["office_user"])
        if ctx["liaison_user"] is not None:
            clients["liaison"].force_login(ctx["liaison_user"])
        # A city office's user, when the data has one (the comparison page).
        city_member = (
            Membership.objects.filter(
                role=Role.OFFICE, department__office__kind=Office.Kind.CITY
            )
            .select_related("user")
            .first()
        )
        if city_member is not None:
            clients["city"] = Client()
            clients["city"].force_login(city_member.user)
        rows = []
        with override_settings(DEBUG=False):
            fixed = self.measure(
                Target(FIXED_COST, "/api/v1/rankings/?year=2000"), clients["office"]
            )
            rows.append(fixed)
            self._progress(fixed)
            for target in self.targets(ctx):
                if target.user not in clients:
                    rows.append(Row(name=target.name, note=f"no {target.user} user"))
                    continue
                row = self.measure(target, clients[target.user])
                if target.url.startswith("/api/") and row.floor_ms and fixed.p50_ms:
                    row.ratio_fixed = row.p50_ms / (row.floor_ms + fixed.p50_ms)
                rows.append(row)
                self._progress(rows[-1])
            rows.append(self.revalidation(clients["office"], ctx["year"]))
            self._progress(rows[-1])
            for row in self.scans():
                rows.append(row)
                self._progress(row)
            if self.rounds:
                for row in self.round_rows(ctx):
                    rows.append(row)
                    self._progress(row)
            else:
                rows.append(Row(name="round proposal + publication", note="skipped"))
        return rows

    def _progress(self, row: Row) -> None:
        if self.stdout is not None:
            self.stdout.write(
                f"  … {row.name}: rows {row.rows}, queries {row.queries},"
                f" p50 {_ms(row.p50_ms)} ms, p95 {_ms(row.p95_ms)} ms,"
                f" floor {_ms(row.floor_ms)} ms {row.error}"
            )


def _ms(value) -> str:
    if value is None:
        return "-"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def table(scale: str, rows: list[Row], sizes: dict) -> str:
    head = (
        f"\n== {scale}: "
        + ", ".join(f"{k} {v:,}" for k, v in sizes.items())
        + f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n"
        + f"{'request':<44} {'rows':>6} {'queries':>7} {'p50 ms':>9} {'p95 ms':>9}"
        f" {'floor ms':>9} {'×floor':>7} {'×(fl+fix)':>9}  note\n"
    )
    lines = []
    for r in rows:
        ratio = f"{r.ratio:.1f}" if r.ratio is not None else "-"
        ratio_fixed = f"{r.ratio_fixed:.1f}" if r.ratio_fixed is not None else "-"
        note = f"ERROR {r.error}" if r.error else r.note
        lines.append(
            f"{r.name:<44} {r.rows if r.rows is not None else '-':>6}"
            f" {r.queries if r.queries is not None else '-':>7}"
            f" {_ms(r.p50_ms):>9} {_ms(r.p95_ms):>9} {_ms(r.floor_ms):>9} {ratio:>7}"
            f" {ratio_fixed:>9}"
            f"  {note}"
        )
    return head + "\n".join(lines) + "\n"


def sizes() -> dict:
    from evaluation.models import Evaluation
    from notices.models import Notice
    from workflows.models import Event, Step

    return {
        "districts": Office.objects.filter(kind=Office.Kind.DISTRICT).count(),
        "departments": Department.objects.count(),
        "projects": ExecutionProject.objects.count(),
        "steps": Step.objects.count(),
        "events": Event.objects.count(),
        "notices": Notice.objects.count(),
        "score sheets": Evaluation.objects.count(),
    }


def report(scale: str, rows: list[Row], sizes_: dict, seconds: float) -> dict:
    return {
        "scale": scale,
        "at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": connection.vendor,
        "seed_seconds": round(seconds, 1),
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "sizes": sizes_,
        "rows": [asdict(r) for r in rows],
    }
