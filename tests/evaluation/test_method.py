"""The method's verdicts (issue 9): marks between 基点 and 高点, as-of rounds,
who is ranked. Run on SQLite and on PostgreSQL (DATABASE_URL)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from evaluation import selectors, services
from evaluation.models import Evaluation, StepScore
from tests import factories
from tests.evaluation.conftest import make_project, make_step

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 3, 25)


def _walk(project, department, *, late_days=0, rating="pass"):
    """Two steps due Mar 2 and Mar 9, approved on time or `late_days` late."""
    for order, (code, due) in enumerate(
        [("training", D(2026, 3, 2)), ("filing", D(2026, 3, 9))], start=1
    ):
        make_step(
            project,
            department,
            code,
            order=order,
            base=Decimal("15"),
            high=Decimal("18"),
            due_on=due,
            approved_on=due + datetime.timedelta(days=late_days),
            rating=rating,
        )


def _publish_year(office_user, today=TODAY):
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user, today=today)
    services.round_review(round=round_, actor=office_user)
    services.round_publish(round=round_, actor=office_user)
    return round_


@pytest.fixture
def districts(db):
    return [
        factories.DepartmentFactory(code=f"D{i}", name=f"区级部门{i}", kind="district")
        for i in range(4)
    ]


def test_method_excellent_on_time_scores_100_grade_a(office_user, districts):
    # given a department doing every counted step on time, rated 优秀
    best = districts[0]
    _walk(make_project(lead=best), best, rating="excellent")
    # when the year round is published
    _publish_year(office_user)
    # then 100 on the 100 scale, grade A
    row = next(
        r for r in selectors.rankings(year=2026) if r["department_id"] == best.pk
    )
    assert (row["total"], row["grade"]) == (Decimal("100.00"), "A")


def test_method_pass_on_time_scores_base_over_high(office_user, districts):
    # given a department doing every step on time, rated 合格
    dept = districts[0]
    _walk(make_project(lead=dept), dept, rating="pass")
    # when
    _publish_year(office_user)
    # then 30 / 36 = 83.33, grade B
    row = selectors.rankings(year=2026)[0]
    assert row["total"] == Decimal("83.33") and row["grade"] == "B"
    line = StepScore.objects.filter(evaluation__department=dept).first()
    assert "评定合格" in line.explanation


def test_method_good_lies_between_base_and_high(office_user, districts):
    # given 良好 (the standard's share 0.5)
    dept = districts[0]
    _walk(make_project(lead=dept), dept, rating="good")
    # when
    _publish_year(office_user)
    # then each step earns 15 + 0.5 x 3 = 16.5
    marks = set(
        StepScore.objects.filter(evaluation__department=dept).values_list(
            "proposed", flat=True
        )
    )
    assert marks == {Decimal("16.50")}


def test_method_nothing_due_nothing_done_is_not_ranked(office_user, districts):
    # given one department with a step due in December and nothing done
    idle, busy = districts[0], districts[1]
    project = make_project(lead=idle)
    make_step(
        project,
        idle,
        "training",
        due_on=D(2026, 12, 1),
        status="open",
    )
    _walk(make_project(lead=busy), busy)
    # when the round counts up to March
    round_ = _publish_year(office_user)
    # then the idle department has no sheet and no rank
    assert not Evaluation.objects.filter(round=round_, department=idle).exists()
    ranked = {r["department_id"] for r in selectors.rankings(year=2026)}
    assert ranked == {busy.pk}


def test_method_every_step_late_ranks_below_on_time(office_user, districts):
    # given the same work, one department on time and one late every step
    on_time, late = districts[0], districts[1]
    _walk(make_project(lead=on_time), on_time)
    _walk(make_project(lead=late), late, late_days=7)
    # when
    _publish_year(office_user)
    # then
    rows = {r["department_id"]: r for r in selectors.rankings(year=2026)}
    assert rows[on_time.pk]["rank"] == 1
    assert rows[late.pk]["rank"] == 2
    assert rows[late.pk]["total"] < rows[on_time.pk]["total"]


def test_method_quarter_round_leaves_out_a_step_due_later(office_user, districts):
    # given a step due and done in Q2, and one due in Q3 not done
    dept = districts[0]
    project = make_project(lead=dept)
    q2 = make_step(
        project, dept, "training", due_on=D(2026, 5, 6), approved_on=D(2026, 5, 6)
    )
    q3 = make_step(
        project, dept, "filing", order=2, due_on=D(2026, 8, 3), status="open"
    )
    # when the Q2 round is proposed (after the quarter ended)
    round_ = services.round_create(year=2026, quarter=2, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user, today=D(2026, 9, 1))
    # then it counts up to Jun 30: the Q3 step is neither in points nor max
    round_.refresh_from_db()
    assert round_.as_of == D(2026, 6, 30)
    sheet = Evaluation.objects.get(round=round_, department=dept)
    assert set(sheet.steps.values_list("step_id", flat=True)) == {q2.pk}
    assert sheet.max_total == Decimal("18.00")  # the standard's 高点 of 培训
    assert not StepScore.objects.filter(step=q3).exists()


def test_method_year_round_counts_up_to_today_when_earlier(office_user, districts):
    # given
    round_ = services.round_create(year=2026, actor=office_user)
    # when
    services.round_propose_all(round=round_, actor=office_user, today=D(2026, 4, 1))
    # then
    round_.refresh_from_db()
    assert round_.as_of == D(2026, 4, 1)


def test_method_late_receipt_costs_points_with_its_source(office_user, districts):
    # given a department whose receipt was confirmed 3 working days late
    from workflows.models import Event, Receipt

    dept = districts[0]
    project = make_project(lead=dept)
    _walk(project, dept)
    receipt = Receipt.objects.create(
        project=project,
        department=dept,
        due_on=D(2026, 3, 2),
        confirmed_at=factories_at(D(2026, 3, 5)),
    )
    event = Event.objects.create(
        project=project, department=dept, action="receipt", to_status="confirmed"
    )
    Event.objects.filter(pk=event.pk).update(created_at=factories_at(D(2026, 3, 5)))
    # when
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user, today=TODAY)
    # then 3 x 0.20 is taken from the first step, naming the receipt's event
    sheet = Evaluation.objects.get(round=round_, department=dept)
    line = sheet.deductions.get(kind="receipt")
    assert line.points == Decimal("0.60")
    assert line.source_event_id == event.pk
    assert "回执迟3个工作日" in line.reason
    assert receipt.pk


def factories_at(day):
    from tests.evaluation.conftest import at_noon

    return at_noon(day)


def test_round_run_command_proposes_and_publishes(office_user, districts, capsys):
    # given
    dept = districts[0]
    _walk(make_project(lead=dept), dept, rating="excellent")
    # when
    call_command("round_run", year=2026, publish=True)
    # then
    out = capsys.readouterr().out
    assert "created round" in out and "1 sheets" in out
    assert "published: 1 departments ranked (A=1)" in out
    assert selectors.rankings(year=2026)[0]["grade"] == "A"
    # and a second run of a published period is refused
    with pytest.raises(Exception, match="已发布"):
        call_command("round_run", year=2026)


def test_api_scores_and_rankings_take_quarter(api, office_user, districts):
    # given a published Q1 round and a published year round
    dept = districts[0]
    _walk(make_project(lead=dept), dept, rating="excellent")
    q1 = services.round_create(year=2026, quarter=1, actor=office_user)
    services.round_propose_all(round=q1, actor=office_user, today=D(2026, 4, 10))
    services.round_review(round=q1, actor=office_user)
    services.round_publish(round=q1, actor=office_user)
    _publish_year(office_user)
    api.force_authenticate(office_user)
    # when / then
    scores = api.get("/api/v1/scores/?year=2026&quarter=1").json()["results"]
    assert [s["quarter"] for s in scores] == [1]
    rows = api.get("/api/v1/rankings/?year=2026&quarter=1").json()["results"]
    assert rows[0]["grade"] == "A" and rows[0]["department"] == dept.pk
    assert api.get("/api/v1/rankings/?year=2026&quarter=5").status_code == 400
    assert api.get("/api/v1/scores/?quarter=0").status_code == 400


def test_rankings_and_dashboard_pages_show_a_quarter(client, office_user, districts):
    # given a published Q1 round only the first department took part in
    dept = districts[0]
    _walk(make_project(lead=dept), dept, rating="excellent")
    q1 = services.round_create(year=2026, quarter=1, actor=office_user)
    services.round_propose_all(round=q1, actor=office_user, today=D(2026, 4, 10))
    services.round_review(round=q1, actor=office_user)
    services.round_publish(round=q1, actor=office_user)
    _publish_year(office_user)
    client.force_login(office_user)
    # when / then
    page = client.get("/evaluation/rankings/?year=2026&quarter=1").content.decode()
    assert "第一季度" in page and dept.name in page and "100.00" in page
    board = client.get("/evaluation/?year=2026&quarter=1").content.decode()
    assert "2026年第一季度" in board
