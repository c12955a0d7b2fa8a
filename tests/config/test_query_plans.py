"""The plans of the big lists on PostgreSQL: each list's actual SQL (the
selector's queryset) is EXPLAINed with sequential scans priced out, so a plan
that cannot use an index falls back to a Seq Scan (or another index) and fails.

At city scale the notices list without these indexes took 152-874 ms, the
projects list 325 ms; with them a page is read off an index.
"""

import datetime
import json

import pytest
from django.db import connection

from notices.models import Notice
from notices.selectors import notice_list
from notices.services.scan import (
    _candidates,
    _department_steps,
    _Offices,
    _overdue_assignments,
    _overdue_receipts,
    _overdue_steps,
)
from org.models import Role
from supervision.rates import count_queries, period_window
from tests import factories
from workflows.models import ExecutionProject, Receipt, Step
from workflows.selectors import project_list, step_list

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TODAY = datetime.date(2026, 3, 11)

# The partial indexes of unfinished steps (by deadline; by department, deadline).
UNFINISHED = {"step_unfinished_due", "step_unfinished_dept_due"}


def _plan(queryset) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("ANALYZE")
    return json.loads(queryset.explain(format="json"))[0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _main_nodes(plan: dict):
    """The nodes that make the rows, leaving out per-row subplans."""
    yield plan
    for child in plan.get("Plans", []):
        if child.get("Parent Relationship") not in ("SubPlan", "InitPlan"):
            yield from _main_nodes(child)


def _indexes(plan: dict) -> set[str]:
    """Index names the plan reads (index, index-only and bitmap index scans)."""
    return {node["Index Name"] for node in _nodes(plan) if "Index Name" in node}


def _seq_scans(plan: dict) -> set[str]:
    return {
        node.get("Relation Name")
        for node in _nodes(plan)
        if node["Node Type"] == "Seq Scan"
    }


@pytest.fixture
def city(db):
    """Forty departments, each with a project of this year, a step and its
    notices, and (bulk) twenty-five older years of projects with steps and
    notices (none to the first department, as a liaison's share of a city's
    notices is small), so that the planner prices tables of a realistic shape."""
    departments = factories.DepartmentFactory.create_batch(40)
    for department in departments:
        project = factories.ExecutionProjectFactory(lead_department=department)
        step = factories.StepFactory(
            project=project, due_on=TODAY + datetime.timedelta(days=2)
        )
        for level in (1, 2, 3):
            factories.NoticeFactory(step=step, level=level)
    template = project.flow_template
    # one regulation per department: a project per (regulation, year, office)
    regulations = factories.RegulationFactory.create_batch(len(departments))
    old = ExecutionProject.objects.bulk_create(
        ExecutionProject(
            regulation=regulation,
            year=year,
            office_id=department.office_id,
            flow=template.code,
            flow_template=template,
            lead_department=department,
            starts_on=datetime.date(year, 3, 2),
            status=ExecutionProject.Status.COMPLETED,
        )
        for year in range(2000, 2025)
        for department, regulation in zip(departments, regulations, strict=True)
    )
    Step.objects.bulk_create(
        Step(
            project=project,
            department=project.lead_department,
            code=code,
            name=code,
            order=order,
            duration_days=5,
            base_points=10,
            high_points=12,
            starts_on=project.starts_on,
            due_on=project.starts_on + datetime.timedelta(days=30 * order),
            status=Step.Status.APPROVED,
        )
        for project in old
        for order, code in enumerate(("launch", "plan", "report"), start=1)
    )
    Notice.objects.bulk_create(
        Notice(
            kind=Notice.Kind.ASSIGNMENT,
            year=project.year,
            level=1,
            title="交办",
            department=project.lead_department,
            project=project,
            issued_on=project.starts_on,
        )
        for project in old
        if project.lead_department_id != departments[0].pk
        for _ in range(4)
    )
    return departments


def _department_indexes(table: str) -> set[str]:
    """Indexes of `table` whose first column is department_id."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name
        for name, c in constraints.items()
        if c["index"] and c["columns"][:1] == ["department_id"]
    }


def test_notice_list_office_reads_newest_first_off_the_index(city, office_user):
    # given many notices
    # when the office's list page is planned
    plan = _plan(notice_list(user=office_user)[:26])
    # then the order comes from the (created_at, id) index, no sort over the table
    assert "notices_notice" not in _seq_scans(plan)
    assert "notice_created_id" in _indexes(plan)


def test_notice_list_liaison_scope_uses_department_index(city):
    # given a liaison of one of many departments, copied on a notice of another
    own = city[0]
    liaison = factories.make_user(Role.LIAISON, own)
    copied = Notice.objects.filter(department=city[1]).first()
    copied.cc_departments.add(own)
    # when the liaison's list page is planned
    plan = _plan(notice_list(user=liaison)[:26])
    # then the department branch is an index range, never a scan of all notices
    assert "notices_notice" not in _seq_scans(plan)
    assert _indexes(plan) & _department_indexes("notices_notice")
    assert notice_list(user=liaison).count() == 4


def test_scan_reminder_window_reads_steps_by_status_and_deadline(city):
    # given open steps due at many dates
    # when the scan's reminder window is planned
    steps = _department_steps(
        due_on__gte=TODAY, due_on__lte=TODAY + datetime.timedelta(days=3)
    )
    plan = _plan(steps)
    # then the steps are found by an index on (status, due_on) or (due_on, status),
    # or on the unfinished steps' due_on (open and returned are unfinished)
    assert "workflows_step" not in _seq_scans(plan)
    assert _indexes(plan) & {
        "step_status_due",
        "step_due_status",
        *UNFINISHED,
    }


def test_step_list_red_lights_read_by_status_and_deadline(city, office_user):
    # given open steps
    # when the red-light filter of the steps list is planned
    plan = _plan(step_list(user=office_user, filters={"light": "red"}, today=TODAY))
    # then no sequential scan of the steps
    assert "workflows_step" not in _seq_scans(plan)


def test_step_list_overdue_reads_unfinished_steps_off_the_partial_index(
    city, office_user
):
    # given twenty-five years of approved steps due before the open ones
    # when the overdue filter of the steps list is planned: its first page
    # (deadline order) and what its count reads
    steps = step_list(user=office_user, filters={"overdue": "true"}, today=TODAY)
    page = _plan(steps[:50])
    counted = _plan(steps.order_by().values("department_id"))
    # then both read the unfinished steps alone, the count off the index only
    assert _indexes(page) & UNFINISHED
    assert any(
        node["Node Type"] == "Index Only Scan" and node["Index Name"] in UNFINISHED
        for node in _nodes(counted)
    )


def test_step_list_red_and_yellow_lights_read_the_partial_index(city, office_user):
    # given twenty-five years of approved steps due before the open ones
    for light in ("red", "yellow"):
        # when a light filter of the steps list is planned, page and count
        steps = step_list(user=office_user, filters={"light": light}, today=TODAY)
        page = _plan(steps[:50])
        counted = _plan(steps.order_by().values("department_id"))
        # then both read the unfinished steps alone, the count off the index
        assert _indexes(page) & UNFINISHED, light
        assert any(
            node["Node Type"] == "Index Only Scan" and node["Index Name"] in UNFINISHED
            for node in _nodes(counted)
        ), light


def test_unfinished_steps_are_indexed_by_department_then_deadline(db):
    # given the database as migrated
    # when the unfinished-steps index by department is read back
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["step_unfinished_dept_due"],
        )
        found = cursor.fetchone()
    # then it holds the steps not approved or cancelled by (department,
    # deadline): a district's overdue and red steps are its departments'
    # ranges. On the province's data (139k unfinished steps, 97 departments
    # a district) the planner reads a district's steps/?overdue=true page and
    # count off it: 98 -> 7 ms a request. Small test data cannot make the
    # planner prefer it over the department key, so only its shape is checked.
    assert found is not None
    definition = found[0]
    assert "(department_id, due_on)" in definition
    assert "WHERE" in definition
    assert "'approved'" in definition and "'cancelled'" in definition


def test_project_list_page_reads_projects_of_a_year_off_the_index(city, office_user):
    # given many projects of two years
    # when the office's projects page and its bare order are planned
    page = project_list(user=office_user, filters={"year": "2026"})[:50]
    plan = _plan(page)
    order = _plan(ExecutionProject.objects.filter(year=2026).order_by("-year", "id"))
    # then no table is scanned whole, and the year's projects come in page order
    # from the (-year, id) index
    assert not _seq_scans(plan) & {"workflows_executionproject", "workflows_step"}
    assert "project_year_id" in _indexes(order)
    # and steps are counted per row of the page (subplans after LIMIT), never
    # joined and grouped with every project before it
    main = {node.get("Relation Name") for node in _main_nodes(plan)}
    assert "workflows_step" not in main
    assert not [n for n in _main_nodes(plan) if n["Node Type"] == "Aggregate"]


def test_project_list_liaison_scope_reads_steps_by_department(city):
    # given a liaison of one of many departments
    liaison = factories.make_user(Role.LIAISON, city[0])
    # when the liaison's projects page is planned
    plan = _plan(project_list(user=liaison)[:50])
    # then neither projects nor steps are scanned whole, and the visible
    # steps are found by department (= ANY(ids)), not by a subquery per row
    assert not _seq_scans(plan) & {"workflows_executionproject", "workflows_step"}
    assert _indexes(plan) & _department_indexes("workflows_step")


def test_bulletin_flagged_steps_read_off_the_partial_index(city):
    # given a year's projects, a few of whose steps are flagged for the 通报
    from evaluation.selectors import _bulletin_lists

    Step.objects.filter(project__year=2010).update(flagged_for_bulletin=True)
    round_ = factories.EvaluationRoundFactory(
        office_id=city[0].office_id, year=2010, standards=[]
    )
    escalated = _bulletin_lists(round_)["escalated"]
    # when the page of them is planned
    plan = _plan(escalated[:100])
    # then the flagged steps come from the partial index, not every step of
    # the year's projects
    assert "workflows_step" not in _seq_scans(plan)
    assert "step_flagged_project" in _indexes(plan)
    assert escalated.count() == 3 * len(city)


@pytest.mark.parametrize(
    ("rows", "switch", "table", "indexes"),
    [
        (
            _overdue_steps,
            None,
            "workflows_step",
            {"step_unwarned_due", "step_warned_on"},
        ),
        (
            _overdue_receipts,
            "warn_overdue_receipts",
            "workflows_receipt",
            {"receipt_unwarned_active_due", "receipt_warned_active_on"},
        ),
        (
            _overdue_assignments,
            "warn_overdue_assignments",
            "notices_notice",
            {"notice_unwarned_due", "notice_warned_on"},
        ),
    ],
)
def test_scan_overdue_pass_reads_only_rows_that_may_need_a_warning(
    city, rows, switch, table, indexes
):
    # given a backlog: many steps, receipts and assignments overdue for years
    # and warned up to the top level (the scan has nothing new to raise)
    settled = {"warned_level": 3, "warned_on": datetime.date(2020, 6, 1)}
    old = ExecutionProject.objects.exclude(year=2026)
    Step.objects.filter(project__in=old, code="plan").update(
        status=Step.Status.OPEN, **settled
    )
    Receipt.objects.bulk_create(
        Receipt(
            project=project,
            department_id=project.lead_department_id,
            due_on=project.starts_on,
            **settled,
        )
        for project in old
    )
    assignments = Notice.objects.filter(kind=Notice.Kind.ASSIGNMENT)
    assignments.update(
        due_on=datetime.date(2020, 3, 2), status=Notice.Status.SENT, **settled
    )
    # when an overdue pass of the scan is planned
    plan = _plan(_candidates(_Offices(TODAY), rows(TODAY), switch=switch))
    # then its rows come off both partial indexes (never warned, by deadline;
    # warned below the top level, by the last warning), never off a scan of
    # the table or of an index holding the whole overdue backlog
    assert table not in _seq_scans(plan)
    assert indexes <= _indexes(plan), _indexes(plan)


def test_scan_receipt_pass_reads_no_receipt_of_an_ended_project(city):
    # given the backlog a year leaves: an unconfirmed receipt of every ended
    # (已完成) project, overdue for years and warned once, never again (the
    # scan warns only while the project is active), marked as the project
    # machine and the migration leave it; and the active projects' receipts
    # settled at the top level
    ended = ExecutionProject.objects.exclude(status=ExecutionProject.Status.ACTIVE)
    Receipt.objects.bulk_create(
        Receipt(
            project=project,
            department_id=project.lead_department_id,
            due_on=project.starts_on,
            warned_level=1,
            warned_on=project.starts_on,
            project_active=False,
        )
        for project in ended
    )
    Receipt.objects.bulk_create(
        Receipt(
            project=project,
            department_id=project.lead_department_id,
            due_on=datetime.date(2026, 3, 2),
            warned_level=3,
            warned_on=datetime.date(2026, 3, 5),
        )
        for project in ExecutionProject.objects.filter(
            status=ExecutionProject.Status.ACTIVE
        )
    )
    # when the scan's receipt pass with nothing new is run under EXPLAIN ANALYZE
    rows = _candidates(
        _Offices(TODAY), _overdue_receipts(TODAY), switch="warn_overdue_receipts"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("ANALYZE")
    plan = json.loads(rows.explain(format="json", analyze=True))[0]["Plan"]
    # then the receipts come off the partial indexes of active projects'
    # receipts, and not one receipt row is read (the old index returned every
    # ended project's receipt, each day, for the join to drop)
    table = "workflows_receipt"
    receipts = [node for node in _nodes(plan) if node.get("Relation Name") == table]
    assert receipts, plan
    assert table not in _seq_scans(plan)
    assert {"receipt_unwarned_active_due", "receipt_warned_active_on"} <= _indexes(plan)
    assert [node["Actual Rows"] for node in receipts] == [0] * len(receipts)
    assert list(rows) == []


def test_assignment_rate_reads_assignments_due_off_the_partial_index(city):
    # given many notices, a few of them assignments
    # when the on-time rate of assignments over a year is planned
    start, end = period_window(2026, None)
    plan = _plan(count_queries(start, end, TODAY)["assignment"])
    # then the assignments due are found by the partial index, not by reading
    # every notice (at province, 40 thousand assignments among 3.7 million)
    assert "notices_notice" not in _seq_scans(plan)
    assert "notice_assignment_due" in _indexes(plan)


def test_project_list_lights_are_probed_per_shown_row(city, office_user):
    # given many projects, their steps and a page of the newest fifty
    page = project_list(user=office_user)[:50].values("id", "light")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # when the page is planned as the planner likes (no method priced out)
    plan = json.loads(page.explain(format="json"))[0]["Plan"]
    # then every step subquery is a per-row probe of the project's steps:
    # none is a hashed pass over all the deployment's steps
    assert not [
        node for node in _nodes(plan) if "hashed" in node.get("Subplan Name", "")
    ]
    assert "workflows_step" not in _seq_scans(plan)
