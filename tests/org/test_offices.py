"""Many district offices in one deployment (试点扩面): a second district office
(秀洲) with its own office staff and liaison are outsiders to 南湖; a city
office (市委办) reads both districts, read-only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from config.errors import DomainError, NotAllowed
from evaluation import selectors as evaluation_selectors
from evaluation import services as evaluation_services
from notices import services as notice_services
from notices.models import Notice
from org.models import Department, Office, Role
from org.selectors import visible_departments
from portal import selectors as portal_selectors
from supervision.rates import DEFINITIONS
from tests import factories
from tests.evaluation.conftest import approved_on_time, make_project
from workflows import calendar
from workflows import services as workflow_services
from workflows.flows import seed_default_flows
from workflows.models import ExecutionProject, FlowTemplate, Step, StepTemplate

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 9, 1)


@pytest.fixture
def flows(db):
    seed_default_flows(FlowTemplate, StepTemplate)


def _launch(actor, lead, regulation=None, partners=()):
    return workflow_services.project_launch(
        regulation=regulation or factories.RegulationFactory(),
        year=2026,
        lead_department=lead,
        partner_departments=list(partners),
        flow_code="simple",
        starts_on=START,
        actor=actor,
    )


@pytest.fixture
def nanhu_project(flows, nanhu, office_user, dept_a):
    return _launch(office_user, dept_a)


@pytest.fixture
def xz_project(flows, xiuzhou, xz_office_user, xz_dept):
    return _launch(xz_office_user, xz_dept)


def _token(api, user):
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


# --- scope -----------------------------------------------------------------------


def test_district_office_sees_only_its_own_departments(
    nanhu, dept_a, dept_b, xz_dept, xz_office_user, xz_liaison, office_user, city_user
):
    # when
    xz_sees = set(visible_departments(xz_office_user))
    nanhu_sees = set(visible_departments(office_user))
    city_sees = set(visible_departments(city_user))

    # then each district sees its own; the city both
    assert dept_a not in xz_sees and dept_b not in xz_sees
    assert xz_dept in xz_sees
    assert xz_dept not in nanhu_sees and dept_a in nanhu_sees
    assert {dept_a, dept_b, xz_dept} <= city_sees
    assert set(visible_departments(xz_liaison)) == {xz_dept}


def test_second_office_and_its_liaison_are_outsiders_to_projects(
    client, api, nanhu_project, xz_project, xz_office_user, xz_liaison
):
    step = Step.objects.filter(project=nanhu_project).first()
    for outsider in (xz_office_user, xz_liaison):
        # when
        client.force_login(outsider)
        page = client.get(f"/workflows/projects/{nanhu_project.pk}/")
        step_page = client.get(f"/workflows/steps/{step.pk}/")
        overview = client.get("/workflows/")
        api.force_authenticate(outsider)
        listed = {p["id"] for p in api.get("/api/v1/projects/").json()["results"]}
        steps = {s["project"] for s in api.get("/api/v1/steps/").json()["results"]}

        # then
        assert page.status_code == 404
        assert step_page.status_code == 404
        assert nanhu_project.regulation.title not in overview.content.decode()
        assert api.get(f"/api/v1/projects/{nanhu_project.pk}/").status_code == 404
        assert nanhu_project.pk not in listed
        assert nanhu_project.pk not in steps
    # and the outsider office still sees its own project
    api.force_authenticate(xz_office_user)
    listed = {p["id"] for p in api.get("/api/v1/projects/").json()["results"]}
    assert listed == {xz_project.pk}


def test_second_office_is_an_outsider_to_notices(
    client, api, nanhu_project, xz_office_user, xz_liaison
):
    # given the 告知单 the launch sent to 南湖's lead department
    notice = Notice.objects.get(project=nanhu_project, kind="notification")
    for outsider in (xz_office_user, xz_liaison):
        # when
        client.force_login(outsider)
        api.force_authenticate(outsider)
        listed = {n["id"] for n in api.get("/api/v1/notices/").json()["results"]}

        # then
        assert client.get(f"/notices/{notice.pk}/").status_code == 404
        assert api.get(f"/api/v1/notices/{notice.pk}/").status_code == 404
        assert notice.pk not in listed


def test_second_office_cannot_write_for_first_office_departments(
    api, nanhu_project, dept_a, xz_office_user
):
    step = Step.objects.filter(project=nanhu_project, department=dept_a).first()
    api.force_authenticate(xz_office_user)

    # when 秀洲 tries to issue a 交办单 to 南湖's department, approve its step, launch
    assignment = api.post(
        "/api/v1/notices/",
        {"kind": "assignment", "department": dept_a.pk, "title": "请整改"},
        format="json",
    )
    approve = api.post(f"/api/v1/steps/{step.pk}/approve/", {}, format="json")

    # then
    assert assignment.status_code in (403, 400)
    assert approve.status_code == 404
    with pytest.raises(DomainError, match="不属于本办公室"):
        _launch(xz_office_user, dept_a)
    assert not Notice.objects.filter(kind="assignment").exists()


def test_second_office_cannot_edit_or_pick_the_first_offices_units(
    client, nanhu, dept_a, xz_office_dept, xz_office_user
):
    client.force_login(xz_office_user)
    edit = f"/responsibilities/departments/{dept_a.pk}/edit/"

    # when 秀洲's office opens or posts 南湖's unit's edit page
    page = client.get(edit)
    posted = client.post(
        edit, {"code": dept_a.code, "name": "改名", "kind": "district"}
    )

    # then as if the unit did not exist, and nothing changed
    assert (page.status_code, posted.status_code) == (404, 404)
    dept_a.refresh_from_db()
    assert (dept_a.name, dept_a.office_id) == ("区委组织部", nanhu.pk)

    # when it opens its own pickers: a new unit, the register, a 交办单
    pickers = [
        client.get(url).content.decode()
        for url in (
            "/responsibilities/departments/new/",
            "/notices/register/",
            "/notices/new/",
        )
    ]
    # then 南湖's units are not offered anywhere
    for html in pickers:
        assert f'value="{dept_a.pk}"' not in html
    assert f'value="{xz_office_dept.pk}"' in pickers[0]

    # when it posts a new unit under 南湖's unit
    client.post(
        "/responsibilities/departments/new/",
        {"code": "XZ-NEW", "name": "新单位", "kind": "district", "parent": dept_a.pk}
        | {"sort_order": 0, "is_active": "on"},
    )
    # then the form refuses the parent; nothing is created
    assert not Department.objects.filter(code="XZ-NEW").exists()

    # when it creates a top-level unit, the unit is 秀洲's, not the default office's
    client.post(
        "/responsibilities/departments/new/",
        {"code": "XZ-TOP", "name": "秀洲新单位", "kind": "district"}
        | {"sort_order": 0, "is_active": "on"},
    )
    assert Department.objects.get(code="XZ-TOP").office_id == xz_office_dept.office_id


def test_circular_goes_only_to_its_own_offices_units(
    nanhu, dept_a, xiuzhou, xz_office_user
):
    from supervision import services as supervision_services
    from supervision.models import Circular

    draft = Circular.objects.create(
        office=xiuzhou, kind="inspection", year=2026, title="督查通报"
    )
    with pytest.raises(DomainError, match="本办公室的单位"):
        supervision_services.circular_update(
            actor=xz_office_user,
            circular=draft,
            title="通报",
            body="",
            to_all=False,
            departments=[dept_a],
        )
    draft.refresh_from_db()
    assert not draft.departments.exists()


def test_second_office_sees_no_scores_or_rankings_of_the_first(
    api, client, nanhu, office_user, dept_a, xz_office_user, xz_liaison
):
    # given a published round of 南湖
    approved_on_time(make_project(lead=dept_a), dept_a)
    round_ = evaluation_services.round_create(year=2026, actor=office_user)
    evaluation_services.round_propose_all(round=round_, actor=office_user)
    evaluation_services.round_review(round=round_, actor=office_user)
    evaluation_services.round_publish(round=round_, actor=office_user)
    assert round_.office == nanhu

    for outsider in (xz_office_user, xz_liaison):
        api.force_authenticate(outsider)
        # when
        scores = api.get("/api/v1/scores/").json()
        rankings = api.get("/api/v1/rankings/?year=2026").json()
        named = api.get("/api/v1/rankings/?year=2026&office=nanhu")
        credit = api.get("/api/v1/credit-records/").json()
        client.force_login(outsider)
        page = client.get("/evaluation/rankings/?year=2026").content.decode()

        # then
        assert scores["count"] == 0
        assert rankings["count"] == 0
        assert named.status_code == 404
        assert credit["count"] == 0
        assert dept_a.name not in page
        assert client.get(f"/evaluation/rounds/{round_.pk}/").status_code in (403, 404)


# --- the city office reads, never writes -------------------------------------------


def test_city_office_reads_both_districts(
    api, client, nanhu_project, xz_project, city_user
):
    # when
    api.force_authenticate(city_user)
    listed = {p["id"] for p in api.get("/api/v1/projects/").json()["results"]}
    client.force_login(city_user)

    # then
    assert listed == {nanhu_project.pk, xz_project.pk}
    assert client.get(f"/workflows/projects/{nanhu_project.pk}/").status_code == 200
    assert client.get(f"/workflows/projects/{xz_project.pk}/").status_code == 200


def test_city_office_is_refused_every_write(
    api, client, nanhu_project, dept_a, dept_b, city_user
):
    step = Step.objects.filter(project=nanhu_project, department=dept_a).first()
    api.force_authenticate(city_user)

    # when the city tries to launch, issue a notice and approve a step
    launch = api.post(
        "/api/v1/projects/",
        {
            "regulation": factories.RegulationFactory().pk,
            "year": 2026,
            "flow": "simple",
            "lead_department": dept_b.pk,
            "starts_on": "2026-11-02",
        },
        format="json",
    )
    notice = api.post(
        "/api/v1/notices/",
        {"kind": "assignment", "department": dept_a.pk, "title": "请整改"},
        format="json",
    )
    approve = api.post(f"/api/v1/steps/{step.pk}/approve/", {}, format="json")
    client.force_login(city_user)
    page = client.post("/workflows/launch/", {})

    # then 403 with the reason in Chinese
    for response in (launch, notice, approve):
        assert response.status_code == 403
        assert "市委办" in response.json()["detail"]
    assert page.status_code == 403
    # and the services refuse as well
    with pytest.raises(NotAllowed, match="市委办"):
        _launch(city_user, dept_b)
    with pytest.raises(NotAllowed, match="市委办"):
        notice_services.assignment_issue(
            department=dept_a, title="x", body="", due_on=None, actor=city_user
        )
    assert ExecutionProject.objects.count() == 1


# --- one project per regulation, year and office; numbering per office ------------


def test_same_regulation_once_per_office_and_year(
    flows, nanhu, office_user, dept_a, dept_b, xz_office_user, xz_dept
):
    regulation = factories.RegulationFactory()

    # when each office launches the regulation once
    first = _launch(office_user, dept_a, regulation)
    second = _launch(xz_office_user, xz_dept, regulation)

    # then both exist, each its office's
    assert (first.office, second.office) == (nanhu, xz_dept.office)
    # and a second launch in one office is refused, whatever the lead
    with pytest.raises(DomainError, match="不能重复发起"):
        _launch(office_user, dept_b, regulation)
    assert ExecutionProject.objects.filter(regulation=regulation).count() == 2


def test_notice_numbers_per_office_with_their_prefixes(
    nanhu_project, xz_project, dept_a, xz_dept
):
    # when both offices launched (each launch sends a numbered 告知单)
    numbers = {
        n.department_id: n.number
        for n in Notice.objects.filter(kind="notification", serial__isnull=False)
    }

    # then both offices start at 1 with their own prefixes
    assert numbers[dept_a.pk] == "南湖执规告〔2026〕1号"
    assert numbers[xz_dept.pk] == "秀洲执规告〔2026〕1号"


# --- rankings and rates per office -------------------------------------------------


def _publish(actor):
    round_ = evaluation_services.round_create(year=2026, actor=actor)
    evaluation_services.round_propose_all(round=round_, actor=actor)
    evaluation_services.round_review(round=round_, actor=actor)
    evaluation_services.round_publish(round=round_, actor=actor)
    return round_


def test_rankings_per_office_and_the_office_filter(
    api, nanhu, xiuzhou, office_user, dept_a, xz_office_user, xz_dept, city_user
):
    # given a published round in each office
    approved_on_time(make_project(lead=dept_a), dept_a)
    approved_on_time(make_project(lead=xz_dept), xz_dept)
    nanhu_round = _publish(office_user)
    xz_round = _publish(xz_office_user)

    # when
    nanhu_rows = evaluation_selectors.rankings(year=2026, office=nanhu)
    xz_rows = evaluation_selectors.rankings(year=2026, office=xiuzhou)
    _token(api, city_user)
    by_code = api.get("/api/v1/rankings/?year=2026&office=xiuzhou").json()
    unnamed = api.get("/api/v1/rankings/?year=2026")
    unknown = api.get("/api/v1/rankings/?year=2026&office=nowhere")
    rates = api.get("/api/v1/supervision-rates/?year=2026&office=xiuzhou").json()
    all_rates = api.get("/api/v1/supervision-rates/?year=2026").json()

    # then each office ranks its own departments, both first
    assert (nanhu_round.office, xz_round.office) == (nanhu, xiuzhou)
    assert [(r["department_id"], r["rank"]) for r in nanhu_rows] == [(dept_a.pk, 1)]
    assert [(r["department_id"], r["rank"]) for r in xz_rows] == [(xz_dept.pk, 1)]
    assert [r["department"] for r in by_code["results"]] == [xz_dept.pk]
    assert unnamed.status_code == 400 and "office" in unnamed.json()
    assert unknown.status_code == 404
    rated = {r["department"] for r in rates["results"]}
    assert xz_dept.pk in rated and dept_a.pk not in rated
    assert {dept_a.pk, xz_dept.pk} <= {r["department"] for r in all_rates["results"]}


def test_api_client_belongs_to_its_office(api, nanhu, dept_a, xz_dept, office_user):
    # given a published 南湖 round and a 秀洲 API client
    approved_on_time(make_project(lead=dept_a), dept_a)
    _publish(office_user)
    client_user = factories.make_user(Role.API_CLIENT, xz_dept, username="xz-credit")
    _token(api, client_user)

    # when
    rankings = api.get("/api/v1/rankings/?year=2026")
    named = api.get("/api/v1/rankings/?year=2026&office=nanhu")
    rates = api.get("/api/v1/supervision-rates/?year=2026").json()

    # then
    assert rankings.status_code == 200 and rankings.json()["count"] == 0
    assert named.status_code == 404
    assert dept_a.pk not in {r["department"] for r in rates["results"]}


# --- the city's comparison page ----------------------------------------------------


def test_city_comparison_page_lists_each_district(
    client, nanhu, xiuzhou, office_user, dept_a, xz_office_user, xz_dept, city_user
):
    # given a published round in each office
    approved_on_time(make_project(lead=dept_a), dept_a)
    approved_on_time(make_project(lead=xz_dept), xz_dept)
    _publish(office_user)
    _publish(xz_office_user)
    client.force_login(city_user)

    # when
    home = client.get("/").content.decode()
    response = client.get("/offices/?year=2026")
    page = response.content.decode()

    # then the home links to it, and each district has its row and ranking
    assert "各区对比" in home
    assert response.status_code == 200
    assert 'data-office="nanhu"' in page and 'data-office="xiuzhou"' in page
    assert dept_a.name in page and xz_dept.name in page
    # a district office may not open it
    client.force_login(xz_office_user)
    assert client.get("/offices/?year=2026").status_code == 403


def _steps(department, *on_time):
    """Steps of `department` due ten days ago, submitted and approved the day
    before (True) or the day after (False) their deadline."""
    due = timezone.localdate() - datetime.timedelta(days=10)
    project = make_project(lead=department, year=due.year)
    for n, ok in enumerate(on_time):
        step = factories.StepFactory(
            project=project,
            department=department,
            code=f"s{n}",
            due_on=due,
            status=Step.Status.APPROVED,
        )
        day = due - datetime.timedelta(days=1 if ok else -1)
        submitted = timezone.make_aware(
            datetime.datetime(day.year, day.month, day.day, 12)
        )
        Step.objects.filter(pk=step.pk).update(submitted_at=submitted)
    return due.year


def _step_rate(row):
    label = DEFINITIONS["step"][0]
    rate = next(r for r in row["rates"] if r["label"] == label)
    return rate["on_time"], rate["due"]


def test_city_comparison_sums_each_districts_rated_departments(
    client, nanhu, xiuzhou, office_dept, dept_a, xz_dept, city_user
):
    # given in 南湖 a district department (1 of 2 on time) and a town (late)
    # with a village (on time), and the office's own unit (not a rated
    # department); in 秀洲 one department (late)
    town = factories.DepartmentFactory(code="T", name="凤桥镇", kind="town")
    village = factories.DepartmentFactory(
        code="T-V", name="联丰村", kind="village", parent=town
    )
    year = _steps(dept_a, True, False)
    _steps(town, False)
    _steps(village, True)
    _steps(office_dept, True)
    _steps(xz_dept, False)
    client.force_login(city_user)
    client.get(f"/offices/?year={year}")
    with CaptureQueriesContext(connection) as two:
        client.get(f"/offices/?year={year}")

    # when
    rows = {
        r["office"].code: r
        for r in portal_selectors.office_comparison(user=city_user, year=year)
    }

    # then each office sums its department and its town with the village, once
    assert _step_rate(rows["nanhu"]) == (2, 4)
    assert rows["nanhu"]["rates"][2]["rate"] == 50
    assert _step_rate(rows["xiuzhou"]) == (0, 1)

    # and a third district with towns and villages of its own costs no query more
    third = Office.objects.create(
        code="haiyan", name="海盐县委办", parent=nanhu.parent, number_prefix="海盐"
    )
    for _ in range(3):
        t = factories.DepartmentFactory(kind="town", office=third)
        _steps(t, True)
        _steps(factories.DepartmentFactory(kind="village", parent=t), False)
    with CaptureQueriesContext(connection) as three:
        page = client.get(f"/offices/?year={year}")
    assert page.status_code == 200
    assert len(three) == len(two)
    reader = type(city_user).objects.get(pk=city_user.pk)  # offices read afresh
    rows = {
        r["office"].code: r
        for r in portal_selectors.office_comparison(user=reader, year=year)
    }
    assert _step_rate(rows["haiyan"]) == (3, 6)
    assert _step_rate(rows["nanhu"]) == (2, 4)


# --- per-office overrides with the default's as fallback ---------------------------


def test_notice_rules_per_office_fall_back_to_the_default(
    nanhu, xiuzhou, office_user, xz_office_user
):
    # given 秀洲 changes its rules; 南湖 keeps the default row
    default = notice_services.rule_current()
    notice_services.rule_update(
        actor=xz_office_user, office_id=xiuzhou.pk, reminder_days_before=7
    )

    # when
    xz_rule = notice_services.rule_current(office_id=xiuzhou.pk)
    nanhu_rule = notice_services.rule_current(office_id=nanhu.pk)

    # then
    assert xz_rule.reminder_days_before == 7
    assert nanhu_rule.pk == default.pk
    assert nanhu_rule.reminder_days_before == default.reminder_days_before


def test_working_day_calendar_per_office(
    flows, nanhu, xiuzhou, office_user, dept_a, xz_office_user, xz_dept
):
    # given 秀洲 makes 2026-09-02 (a Wednesday) a day off; the default stays
    workflow_services.calendar_day_set(
        date=datetime.date(2026, 9, 2), is_workday=False, actor=xz_office_user
    )
    calendar.reset_local_cache()

    # when
    nanhu_next = calendar.add_working_days(START, 1, office_id=nanhu.pk)
    xz_next = calendar.add_working_days(START, 1, office_id=xiuzhou.pk)
    regulation = factories.RegulationFactory()
    nanhu_project = _launch(office_user, dept_a, regulation)
    xz_project = _launch(xz_office_user, xz_dept, regulation)

    # then each office counts in its own calendar
    assert nanhu_next == datetime.date(2026, 9, 2)
    assert xz_next == datetime.date(2026, 9, 3)
    assert calendar.add_working_days(START, 1) == nanhu_next
    nanhu_receipt = nanhu_project.receipts.get().due_on
    xz_receipt = xz_project.receipts.get().due_on
    assert xz_receipt > nanhu_receipt


def test_office_manages_only_its_own_accounts(
    client, nanhu, liaison, xz_office_user, xz_liaison
):
    # when 秀洲's office opens the user pages
    client.force_login(xz_office_user)
    page = client.get("/responsibilities/users/").content.decode()
    edit = client.get(f"/responsibilities/users/{liaison.pk}/")
    deactivate = client.post(f"/responsibilities/users/{liaison.pk}/deactivate/")

    # then 南湖's liaison is neither listed nor editable
    assert xz_liaison.username in page
    assert liaison.username not in page
    assert edit.status_code == 404
    assert deactivate.status_code == 404
    liaison.refresh_from_db()
    assert liaison.is_active


def test_lead_list_per_office(
    nanhu, office_user, dept_a, dept_b, xz_office_user, xz_dept
):
    from django.core.exceptions import ValidationError

    from responsibilities.services import responsibility_create

    regulation = factories.RegulationFactory()

    # when each office names its lead department for the same regulation
    responsibility_create(
        kind="lead", user=office_user, department=dept_a, regulation=regulation
    )
    responsibility_create(
        kind="lead", user=xz_office_user, department=xz_dept, regulation=regulation
    )

    # then a second lead in one office is refused, and no office lists another's
    with pytest.raises(ValidationError, match="已有牵头执行部门"):
        responsibility_create(
            kind="lead", user=office_user, department=dept_b, regulation=regulation
        )
    with pytest.raises(NotAllowed, match="不属于本办公室"):
        responsibility_create(
            kind="lead",
            user=xz_office_user,
            department=dept_b,
            regulation=factories.RegulationFactory(),
        )


def test_moving_a_department_under_another_office_moves_its_subtree(
    nanhu, xiuzhou, dept_a, dept_a_child, xz_dept, xz_office_user
):
    from org.services import department_move

    # when 区委组织部 (with its village) moves under a 秀洲 department
    department_move(department=dept_a, parent=xz_dept)

    # then both now belong to 秀洲 and 秀洲's office sees them
    dept_a.refresh_from_db()
    dept_a_child.refresh_from_db()
    assert (dept_a.office, dept_a_child.office) == (xiuzhou, xiuzhou)
    assert {dept_a, dept_a_child} <= set(visible_departments(xz_office_user))
