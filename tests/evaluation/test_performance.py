"""The evaluation side at scale (issue 13): a cheap ETag, rankings stored at
publication and ranked in SQL while a draft, credit records in one upsert,
proposal and publication in the background, and query counts that do not grow
with the number of departments."""

import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from evaluation import selectors, services
from evaluation.models import (
    CreditRecord,
    Evaluation,
    EvaluationRound,
    RankingEntry,
    RoundJob,
)
from org.models import Department
from tests import factories
from tests.evaluation.conftest import add_warnings, approved_on_time, make_project

pytestmark = pytest.mark.django_db


def _departments(count, kind=Department.Kind.DISTRICT):
    return [factories.DepartmentFactory(kind=kind) for _ in range(count)]


def _projects(departments, year=2026):
    for department in departments:
        project = make_project(lead=department, year=year)
        approved_on_time(project, department)
        approved_on_time(project, department, "training", order=2)


def _published(office_user, year=2026):
    round_ = services.round_create(year=year, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    services.round_review(round=round_, actor=office_user)
    services.round_publish(round=round_, actor=office_user)
    return round_


def _inserts(captured, table) -> int:
    return sum(
        1
        for q in captured.captured_queries
        if q["sql"].startswith(f'INSERT INTO "{table}"')
    )


@pytest.fixture
def token_api(api, api_client_user):
    token = Token.objects.create(user=api_client_user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


# --- the ETag -----------------------------------------------------------------


@pytest.mark.postgres
def test_data_version_queries_read_indexes_not_whole_tables(
    office_user, api_client_user
):
    # given a published year with sheets and credit records
    _projects(_departments(4))
    _published(office_user)

    for user in (office_user, api_client_user):
        # when the ETag is computed
        with CaptureQueriesContext(connection) as captured:
            selectors.data_version(user=user)
        plans = []
        with connection.cursor() as cursor:
            # Small test tables make a sequential scan cheapest; forbid it to
            # see whether an index can answer at all (as it must at scale).
            cursor.execute("SET LOCAL enable_seqscan = off")
            for query in captured.captured_queries:
                if '"evaluation_' not in query["sql"]:
                    continue  # the user's role
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
            cursor.execute("SET LOCAL enable_seqscan = on")

        # then it is one query of small aggregates, each over one table and
        # answered by an index (the sheets' and credit records' latest change
        # by a backward index scan), with no join
        assert len(plans) == 1
        plan = plans[0]
        assert "Seq Scan" not in plan, plan
        assert "Join" not in plan and "Nested Loop" not in plan, plan
        for table in ("evaluation_evaluation", "evaluation_creditrecord"):
            assert re.search(
                rf"Index (Only )?Scan Backward using \S+ on {table} ", plan
            ), plan
        assert "Limit" in plan, plan


def test_304_revalidation_costs_the_same_few_queries_at_any_size(
    token_api, office_user, django_assert_max_num_queries
):
    def revalidate(path):
        etag = token_api.get(path)["ETag"]
        with django_assert_max_num_queries(8) as captured:
            response = token_api.get(path, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        return len(captured.captured_queries)

    paths = ("/api/v1/scores/", "/api/v1/rankings/?year={}", "/api/v1/credit-records/")
    # given 5 departments in 2025
    _projects(_departments(5), year=2025)
    _published(office_user, 2025)
    small = [revalidate(p.format(2025)) for p in paths]

    # when 30 more departments are published in 2026
    _projects(_departments(30), year=2026)
    _published(office_user, 2026)
    large = [revalidate(p.format(2026)) for p in paths]

    # then a 304 costs the same few queries
    assert large == small


def test_etag_changes_when_a_draft_sheet_is_dropped(office_user, dept_a, dept_b):
    # given a draft round with sheets of A and B
    _projects([dept_a, dept_b])
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    before = selectors.data_version(user=office_user)

    # when B's only project is withdrawn and the round proposed again
    project = Evaluation.objects.get(round=round_, department=dept_b).project
    type(project).objects.filter(pk=project.pk).update(status="withdrawn")
    services.round_propose_all(round=round_, actor=office_user)

    # then the office's ETag moves (no stale 304 after a sheet is deleted)
    assert not Evaluation.objects.filter(round=round_, department=dept_b).exists()
    assert selectors.data_version(user=office_user) != before


# --- list query counts ----------------------------------------------------------


def test_rankings_and_scores_api_same_query_count_for_5_and_30_departments(
    token_api, office_user, django_assert_max_num_queries
):
    def count(path):
        with django_assert_max_num_queries(12) as captured:
            assert token_api.get(path).status_code == 200
        return len(captured.captured_queries)

    # given 5 departments published in 2025, 30 in 2026
    _projects(_departments(5), year=2025)
    _published(office_user, 2025)
    _projects(_departments(24) + _departments(6, Department.Kind.TOWN), year=2026)
    _published(office_user, 2026)

    # when / then
    for template in (
        "/api/v1/rankings/?year={}",
        "/api/v1/scores/?year={}",
        "/api/v1/credit-records/?year={}",
    ):
        assert count(template.format(2026)) == count(template.format(2025))


def test_dashboard_query_count_does_not_grow_with_years_or_departments(
    client, office_user, django_assert_max_num_queries
):
    def count():
        with django_assert_max_num_queries(30) as captured:
            assert client.get("/evaluation/?year=2026").status_code == 200
        return len(captured.captured_queries)

    # given one published year of 5 departments
    client.force_login(office_user)
    _projects(_departments(5), year=2025)
    _published(office_user, 2025)
    client.get("/evaluation/?year=2026")  # the session's first request
    small = count()

    # when two more years of 30 departments are published
    for year in (2024, 2026):
        _projects(_departments(30), year=year)
        _published(office_user, year)

    # then the dashboard reads as many queries
    assert count() == small


# --- rankings stored at publication ----------------------------------------------


def test_publication_stores_the_ranking_with_shared_ranks(office_user):
    # given three districts, two tied at 10/12, one with a warning; one town
    x, y, z = _departments(3)
    for department in (x, y):
        approved_on_time(make_project(lead=department), department)
    add_warnings(approved_on_time(make_project(lead=z), z), 1)
    town = factories.DepartmentFactory(kind=Department.Kind.TOWN)
    approved_on_time(make_project(lead=town), town)

    # when the round is published
    round_ = _published(office_user)

    # then its ranking is stored: 83.33 twice (rank 1), 75.00 (rank 3); towns apart
    entries = {e.department_id: e for e in RankingEntry.objects.filter(round=round_)}
    assert {d: (e.kind, e.rank, str(e.total)) for d, e in entries.items()} == {
        x.pk: ("district", 1, "83.33"),
        y.pk: ("district", 1, "83.33"),
        z.pk: ("district", 3, "75.00"),
        town.pk: ("town", 1, "83.33"),
    }
    assert entries[z.pk].warnings == 1 and entries[z.pk].projects == 1


def test_published_rankings_are_read_from_the_stored_rows(token_api, office_user):
    # given a published round with two districts
    a, b = _departments(2)
    _projects([a, b])
    round_ = _published(office_user)

    # when the stored ranking says otherwise (as if frozen before a later change)
    RankingEntry.objects.filter(round=round_, department=b).update(rank=7, grade="D")
    rows = token_api.get("/api/v1/rankings/?year=2026").json()["results"]

    # then the API answers from the stored rows, in the fields of API.md
    row = next(r for r in rows if r["department"] == b.pk)
    assert (row["rank"], row["grade"]) == (7, "D")
    assert {"rank", "department", "total", "projects", "warnings", "grade"} <= set(row)


def test_draft_ranking_is_ranked_in_sql_with_ties(office_user):
    # given a draft round: two districts tied, one behind
    x, y, z = _departments(3)
    for department in (x, y):
        approved_on_time(make_project(lead=department), department)
    add_warnings(approved_on_time(make_project(lead=z), z), 1)
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)

    # when it is ranked
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.round_rankings(round_=round_)

    # then the database ranks (RANK() OVER) and ties share a rank
    assert any("RANK() OVER" in q["sql"] for q in captured.captured_queries)
    assert [(r["department_id"], r["rank"]) for r in rows][2] == (z.pk, 3)
    assert [r["rank"] for r in rows] == [1, 1, 3]
    assert not RankingEntry.objects.filter(round=round_).exists()


def test_migration_fills_rankings_of_rounds_published_before(office_user):
    # given a round published before rankings were stored
    _projects(_departments(3))
    round_ = _published(office_user)
    stored = list(
        RankingEntry.objects.filter(round=round_)
        .order_by("department_id")
        .values_list("department_id", "rank", "total", "grade")
    )
    RankingEntry.objects.filter(round=round_).delete()

    # when the data migration runs
    migration = importlib.import_module(
        "evaluation.migrations.0013_fill_ranking_entries"
    )
    migration.fill(apps, None)

    # then the round's ranking is stored as publication would have stored it
    assert stored and (
        list(
            RankingEntry.objects.filter(round=round_)
            .order_by("department_id")
            .values_list("department_id", "rank", "total", "grade")
        )
        == stored
    )


# --- credit records ---------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 30])
def test_credit_records_are_written_in_one_upsert(office_user, count):
    # given a reviewed year round of `count` departments, one of which already
    # has a record for the year (from a round being corrected)
    departments = _departments(count)
    _projects(departments)
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    services.round_review(round=round_, actor=office_user)

    # when it is published
    with CaptureQueriesContext(connection) as captured:
        services.round_publish(round=round_, actor=office_user)

    # then one INSERT … ON CONFLICT writes every department's record
    assert _inserts(captured, "evaluation_creditrecord") == 1
    assert CreditRecord.objects.filter(year=2026, source_round=round_).count() == count


def test_credit_record_upsert_overwrites_the_year_in_a_correction(office_user, dept_a):
    # given a published year and a correction in which A did better
    _projects([dept_a])
    first = _published(office_user)
    correction = services.round_create(
        year=2026, actor=office_user, corrects=first, reason="补录"
    )
    services.round_propose_all(round=correction, actor=office_user)
    line = Evaluation.objects.get(round=correction).steps.first()
    services.mark_adjust(
        step_score=line, new_points=line.high_points, reason="复核", actor=office_user
    )
    services.round_review(round=correction, actor=office_user)

    # when the correction is published
    services.round_publish(round=correction, actor=office_user)

    # then the one record of the year now comes from the correction
    record = CreditRecord.objects.get(department=dept_a, year=2026)
    assert record.source_round_id == correction.pk
    assert record.score == selectors.rankings(year=2026)[0]["total"]


# --- proposal and publication in the background -------------------------------------


def test_proposal_inserts_score_lines_in_bulk(office_user):
    # given 6 departments' projects, two lines each
    _projects(_departments(6))
    round_ = services.round_create(year=2026, actor=office_user)

    # when the round is proposed
    with CaptureQueriesContext(connection) as captured:
        services.round_propose_all(round=round_, actor=office_user)

    # then the 12 lines come in at most one INSERT per project, not one per line
    assert Evaluation.objects.filter(round=round_).count() == 6
    assert _inserts(captured, "evaluation_stepscore") <= 6


def test_office_proposes_and_publishes_in_the_background(
    client, office_user, django_capture_on_commit_callbacks
):
    # given a draft round of three departments' projects
    _projects(_departments(3))
    round_ = services.round_create(year=2026, actor=office_user)
    client.force_login(office_user)

    # when the office proposes from the round's page (the task runs eagerly)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/evaluation/rounds/{round_.pk}/propose/")

    # then a job did the work and the page shows it finished, with the count
    job = RoundJob.objects.get(round=round_, action="propose")
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/evaluation/rounds/{round_.pk}/?job={job.pk}"
    )
    assert job.finished and not job.error
    assert (job.done, job.total) == (3, 3)
    assert Evaluation.objects.filter(round=round_).count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "已按执行记录生成(更新)3张评分表。" in page and "100%" in page

    # when it is reviewed, then published from the page
    services.round_review(round=round_, actor=office_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/evaluation/rounds/{round_.pk}/publish/")

    # then the round is published with its stored ranking
    round_.refresh_from_db()
    assert round_.status == "published"
    assert RankingEntry.objects.filter(round=round_).count() == 3
    assert RoundJob.objects.get(round=round_, action="publish").result


def test_job_progress_endpoint_polls_until_finished(client, office_user, liaison):
    # given an unfinished proposal job
    round_ = services.round_create(year=2026, actor=office_user)
    job = RoundJob.objects.create(round=round_, action="propose", done=2, total=8)
    url = f"/evaluation/rounds/{round_.pk}/jobs/{job.pk}/?poll=1"
    client.force_login(office_user)

    # when polled: a progress bar that keeps polling
    running = client.get(url)
    assert "2 / 8" in running.content.decode()
    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert "HX-Refresh" not in running

    # when finished with an error: no more polling, the page reloads once
    job.finished_at = job.created_at
    job.error = "该评价轮次已复核，请先退回草稿再修改。"
    job.save()
    finished = client.get(url)
    assert "该评价轮次已复核" in finished.content.decode()
    assert "hx-trigger" not in finished.content.decode()
    assert finished["HX-Refresh"] == "true"

    # and a liaison may not see it
    client.force_login(liaison)
    assert client.get(url).status_code in (302, 403)


def test_round_job_is_safe_to_run_twice(office_user):
    # given a finished proposal job
    _projects(_departments(2))
    round_ = services.round_create(year=2026, actor=office_user)
    job = RoundJob.objects.create(
        round=round_, action="propose", created_by=office_user
    )
    assert services.round_job_run(job_id=job.pk) == "done"
    sheets = list(
        Evaluation.objects.filter(round=round_).values_list("pk", "updated_at")
    )

    # when the task is delivered again
    again = services.round_job_run(job_id=job.pk)

    # then it does nothing
    assert again == "skipped"
    assert (
        list(Evaluation.objects.filter(round=round_).values_list("pk", "updated_at"))
        == sheets
    )


def test_job_refusals_are_in_chinese_and_block_review(office_user):
    # given a draft round with a proposal running
    _projects(_departments(1))
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    RoundJob.objects.create(round=round_, action="propose", created_by=office_user)

    # when the office publishes a draft, starts another job, or reviews
    # then each is refused with why
    from config.errors import DomainError

    with pytest.raises(DomainError, match="后台任务正在进行"):
        services.round_job_start(round=round_, action="propose", actor=office_user)
    with pytest.raises(DomainError, match="评分正在后台生成"):
        services.round_review(round=round_, actor=office_user)
    RoundJob.objects.update(finished_at=round_.created_at)
    with pytest.raises(DomainError, match="不能发布"):
        services.round_job_start(round=round_, action="publish", actor=office_user)
    assert EvaluationRound.objects.get(pk=round_.pk).status == "draft"


def test_failed_publication_job_records_the_reason(office_user):
    # given a publication job whose round went back to draft meanwhile
    _projects(_departments(1))
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    job = RoundJob.objects.create(
        round=round_, action="publish", created_by=office_user
    )

    # when the task runs
    outcome = services.round_job_run(job_id=job.pk)

    # then the job is finished with the refusal in Chinese, the round unchanged
    job.refresh_from_db()
    assert outcome == "error" and job.finished
    assert "不能变为" in job.error
    assert EvaluationRound.objects.get(pk=round_.pk).status == "draft"


def test_rankings_are_ranked_within_each_office(office_user):
    # given two departments of the default office, A ahead of B, and two of a
    # second office, C ahead of D, each office with a published year round
    from org.models import Office

    a, b = _departments(2)
    _projects([a])
    add_warnings(approved_on_time(make_project(lead=b), b), 1)
    first = _published(office_user)
    other = Office.objects.create(code="xz", name="秀洲区委办", number_prefix="秀洲")
    c = factories.DepartmentFactory(kind=Department.Kind.DISTRICT, office=other)
    d = factories.DepartmentFactory(kind=Department.Kind.DISTRICT, office=other)
    _projects([c])
    add_warnings(approved_on_time(make_project(lead=d), d), 1)
    second = services.round_create(year=2026, office=other, actor=office_user)
    services.round_propose_all(round=second, actor=office_user)

    # when the draft is ranked with the other office's sheets, and both published
    both = selectors.ranking_rows(Evaluation.objects.filter(round__in=[first, second]))
    services.round_review(round=second, actor=office_user)
    services.round_publish(round=second, actor=office_user)

    # then each office ranks its own departments from 1
    assert sorted(r["rank"] for r in both) == [1, 1, 2, 2]
    assert [(r["department_id"], r["rank"]) for r in selectors.rankings(year=2026)] == [
        (a.pk, 1),
        (b.pk, 2),
    ]
    assert [
        (r["department_id"], r["rank"])
        for r in selectors.rankings(year=2026, office=other)
    ] == [(c.pk, 1), (d.pk, 2)]
