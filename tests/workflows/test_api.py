import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import RegulationFactory
from workflows import calendar, selectors
from workflows.models import ExecutionProject, Receipt, Step

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def project_a(launch):
    """A project of dept_a alone: dept_b's liaison is an outsider to it."""
    return launch(partner_departments=[])


def _open_step(project, dept):
    return Step.objects.get(project=project, department=dept, code="training")


def test_api_projects_list_scoped_by_user(api, project_a, launch, liaison, outsider):
    # given one project of A alone and one where B is a partner
    shared = launch(regulation=RegulationFactory())
    # when / then
    api.force_authenticate(liaison)
    ids = {p["id"] for p in api.get("/api/v1/projects/").json()["results"]}
    assert ids == {project_a.pk, shared.pk}
    api.force_authenticate(outsider)
    body = api.get("/api/v1/projects/").json()
    assert [p["id"] for p in body["results"]] == [shared.pk]
    assert api.get(f"/api/v1/projects/{project_a.pk}/").status_code == 404
    detail = api.get(f"/api/v1/projects/{shared.pk}/").json()
    # the outsider sees only its own department's steps of the shared project
    assert {s["department"] for s in detail["steps"]} == {
        outsider.membership.department_id
    }


def test_api_project_fields_as_documented(api, project_a, office_user, dept_a):
    api.force_authenticate(office_user)
    body = api.get(f"/api/v1/projects/{project_a.pk}/").json()
    for key in [
        "id",
        "regulation",
        "year",
        "flow",
        "lead_department",
        "partner_departments",
        "starts_on",
        "status",
        "due_on",
        "steps",
    ]:
        assert key in body
    assert body["flow"] == "general" and body["lead_department"] == dept_a.pk
    step = body["steps"][0]
    for key in [
        "id",
        "project",
        "department",
        "code",
        "name",
        "order",
        "status",
        "due_on",
        "light",
        "receipt_confirmed_at",
        "submitted_at",
        "approved_at",
    ]:
        assert key in step


def test_api_project_launch_office_only(api, office_user, liaison, dept_a, dept_b):
    # given
    regulation = RegulationFactory()
    payload = {
        "regulation": regulation.pk,
        "year": 2026,
        "flow": "simple",
        "lead_department": dept_a.pk,
        "partner_departments": [dept_b.pk],
        "starts_on": "2026-11-02",
    }
    # when a liaison tries
    api.force_authenticate(liaison)
    assert api.post("/api/v1/projects/", payload, format="json").status_code == 403
    # when the office launches
    api.force_authenticate(office_user)
    response = api.post("/api/v1/projects/", payload, format="json")
    # then
    assert response.status_code == 201
    # 三步法: the office's 执行发起, the lead's two steps, the partner's one
    assert len(response.json()["steps"]) == 4
    # and a duplicate or bad input is a 400, never a 500
    assert api.post("/api/v1/projects/", payload, format="json").status_code == 400
    bad = {**payload, "regulation": 999999, "starts_on": "not a date"}
    response = api.post("/api/v1/projects/", bad, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"regulation", "starts_on"}


def test_api_api_client_role_is_refused(api, project_a, api_client_user):
    api.force_authenticate(api_client_user)
    assert api.get("/api/v1/projects/").status_code == 403
    assert api.get("/api/v1/steps/").status_code == 403
    step = Step.objects.first()
    assert api.post(f"/api/v1/steps/{step.pk}/receipt/").status_code == 403


def test_api_step_filters_light_and_overdue(api, office_user, launch, dept_a):
    # given steps due yesterday (red), tomorrow (yellow) and far ahead (green)
    project = launch(starts_on=timezone.localdate() + datetime.timedelta(10))
    today = timezone.localdate()
    steps = list(Step.objects.filter(project=project, department=dept_a))
    Step.objects.filter(pk=steps[0].pk).update(due_on=today - datetime.timedelta(1))
    Step.objects.filter(pk=steps[1].pk).update(
        due_on=calendar.add_working_days(today, 1)
    )
    Step.objects.filter(pk=steps[2].pk).update(
        due_on=calendar.add_working_days(today, 30)
    )
    api.force_authenticate(office_user)
    url = f"/api/v1/steps/?project={project.pk}&department={dept_a.pk}"
    # when / then
    lights = {s["id"]: s["light"] for s in api.get(url).json()["results"]}
    assert lights[steps[0].pk] == "red"
    assert lights[steps[1].pk] == "yellow"
    assert lights[steps[2].pk] == "green"
    red = api.get(url + "&light=red").json()["results"]
    assert [s["id"] for s in red] == [steps[0].pk]
    overdue = api.get(url + "&overdue=true").json()["results"]
    assert [s["id"] for s in overdue] == [steps[0].pk]
    not_overdue = api.get(url + "&overdue=false").json()["results"]
    assert steps[0].pk not in {s["id"] for s in not_overdue}
    assert len(not_overdue) == 4
    assert api.get(url + "&light=purple").status_code == 400
    assert api.get("/api/v1/steps/?project=abc").status_code == 400


def test_api_step_actions_full_cycle(api, project_a, dept_a, liaison, office_user):
    step = _open_step(project_a, dept_a)
    base = f"/api/v1/steps/{step.pk}"
    # receipt, twice: idempotent
    api.force_authenticate(liaison)
    first = api.post(f"{base}/receipt/").json()["receipt_confirmed_at"]
    assert first is not None
    assert api.post(f"{base}/receipt/").json()["receipt_confirmed_at"] == first
    # the liaison may not approve
    assert api.post(f"{base}/approve/").status_code == 403
    # the office may not approve an open step: 409
    api.force_authenticate(office_user)
    response = api.post(f"{base}/approve/")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["detail"]
    # submit with a file
    api.force_authenticate(liaison)
    upload = SimpleUploadedFile("方案.docx", b"PK\x03\x04docx-bytes")
    response = api.post(
        f"{base}/submit/", {"text": "执行方案", "files[]": [upload]}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    # return without reason: 400; with reason: returned
    api.force_authenticate(office_user)
    response = api.post(f"{base}/return/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    response = api.post(f"{base}/return/", {"reason": "缺少签字"}, format="json")
    assert response.json()["status"] == "returned"
    # resubmit, approve
    api.force_authenticate(liaison)
    api.post(f"{base}/submit/", {"text": "已补签字"}, format="multipart")
    api.force_authenticate(office_user)
    assert api.post(f"{base}/approve/").json()["status"] == "approved"
    assert api.post(f"{base}/approve/").status_code == 409


def test_api_step_outsider_gets_404(api, project_a, dept_a, outsider):
    step = _open_step(project_a, dept_a)
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/steps/{step.pk}/").status_code == 404
    for action in ["receipt", "submit", "approve", "return"]:
        response = api.post(f"/api/v1/steps/{step.pk}/{action}/", {"reason": "x"})
        assert response.status_code == 404
    ids = {s["id"] for s in api.get("/api/v1/steps/").json()["results"]}
    assert step.pk not in ids
    assert Receipt.objects.get(project=project_a).confirmed_at is None


def test_api_submit_bad_file_is_400_in_chinese(
    api, project_a, dept_a, liaison, settings
):
    settings.EVIDENCE_MAX_FILE_SIZE = 10
    step = _open_step(project_a, dept_a)
    api.force_authenticate(liaison)
    upload = SimpleUploadedFile("a.pdf", b"x" * 100)
    response = api.post(
        f"/api/v1/steps/{step.pk}/submit/", {"files[]": [upload]}, format="multipart"
    )
    assert response.status_code == 400
    assert "超过大小限制" in response.json()["detail"]


def test_api_lists_constant_query_count(
    api, office_user, launch, django_assert_max_num_queries
):
    # given 2 projects, then 8
    api.force_authenticate(office_user)

    def measure(url):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url).status_code == 200
        return len(ctx.captured_queries)

    # (pages of one row: each first page is full, so each list is counted; a
    # short first page is its own count, one query less)
    projects, steps = "/api/v1/projects/?page_size=1", "/api/v1/steps/?page_size=1"
    for _ in range(2):
        launch(regulation=RegulationFactory())
    small = (measure(projects), measure(steps))
    for _ in range(6):
        launch(regulation=RegulationFactory())
    assert ExecutionProject.objects.count() == 8
    # when / then
    with django_assert_max_num_queries(small[0]):
        assert api.get(projects).status_code == 200
    with django_assert_max_num_queries(small[1]):
        assert api.get(steps).status_code == 200


def test_api_without_credentials_is_401(api, project_a):
    assert api.get("/api/v1/projects/").status_code == 401
    step = Step.objects.first()
    assert api.post(f"/api/v1/steps/{step.pk}/approve/").status_code == 401


def test_api_inspector_reads_but_cannot_act(api, project_a, dept_a, inspector):
    # given the inspector supervising dept_a
    step = _open_step(project_a, dept_a)
    api.force_authenticate(inspector)
    # then it reads dept_a's steps but may neither confirm nor review
    assert api.get(f"/api/v1/steps/{step.pk}/").status_code == 200
    assert api.post(f"/api/v1/steps/{step.pk}/receipt/").status_code == 403
    assert api.post(f"/api/v1/steps/{step.pk}/approve/").status_code == 403
    assert api.post("/api/v1/projects/", {}, format="json").status_code == 403


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/v1/projects/", {"department": "99999999999999999999999"}),
        ("/api/v1/projects/", {"regulation": "-6.3e46"}),
        ("/api/v1/projects/", {"year": "1e23"}),
        ("/api/v1/steps/", {"project": "99999999999999999999999"}),
        ("/api/v1/steps/", {"department": "-99999999999999999999999"}),
    ],
)
def test_api_id_filters_out_of_range_are_400_not_500(
    api, project_a, office_user, url, params
):
    # given: ids the database cannot hold (SQLite raised OverflowError -> 500)
    api.force_authenticate(office_user)
    # when
    response = api.get(url, params)
    # then
    assert response.status_code == 400
    assert set(response.json()) == set(params)


@pytest.mark.parametrize("action", ["submit", "approve", "return"])
@pytest.mark.parametrize("body", ["1", "[]", '"x"', "null"])
def test_api_step_action_json_body_not_an_object_is_400(
    api, project_a, dept_a, office_user, action, body
):
    # given: a step in scope; a JSON body that is no object ("1" made .get fail)
    step = Step.objects.filter(project=project_a, department=dept_a).first()
    api.force_authenticate(office_user)
    # when
    response = api.post(
        f"/api/v1/steps/{step.pk}/{action}/", body, content_type="application/json"
    )
    # then: nothing changed
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert Step.objects.get(pk=step.pk).status == step.status


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("submit", {"text": ["列表"]}, "text"),
        ("approve", {"comment": {"a": 1}}, "comment"),
        ("return", {"reason": "   "}, "reason"),
        ("return", {"reason": ["x"]}, "reason"),
    ],
)
def test_api_step_action_request_serializer_names_the_bad_field(
    api, project_a, dept_a, office_user, action, body, field
):
    # given: a step in scope
    step = Step.objects.filter(project=project_a, department=dept_a).first()
    api.force_authenticate(office_user)
    # when: a field of the wrong type (or blank)
    response = api.post(f"/api/v1/steps/{step.pk}/{action}/", body, format="json")
    # then: a 400 that names the field; nothing changed
    assert response.status_code == 400
    assert field in response.json()
    assert Step.objects.get(pk=step.pk).status == step.status


def test_api_approve_takes_rating_and_reason(
    api, project_a, dept_a, liaison, office_user
):
    # given a submitted step
    step = _open_step(project_a, dept_a)
    api.force_authenticate(liaison)
    assert (
        api.post(f"/api/v1/steps/{step.pk}/submit/", {"text": "完成"}).status_code
        == 200
    )
    api.force_authenticate(office_user)
    url = f"/api/v1/steps/{step.pk}/approve/"
    # when 优秀 without a reason, or a rating that does not exist
    no_reason = api.post(url, {"rating": "excellent"}, format="json")
    bad = api.post(url, {"rating": "superb"}, format="json")
    # then 400s that change nothing
    assert no_reason.status_code == 400 and bad.status_code == 400
    # when with a reason
    done = api.post(url, {"rating": "excellent", "reason": "经验推广"}, format="json")
    # then
    assert done.status_code == 200
    assert (done.json()["rating"], done.json()["actor"]) == ("excellent", "lead")


def test_api_steps_filter_by_actor(api, project_a, office_user):
    api.force_authenticate(office_user)
    body = api.get(f"/api/v1/steps/?project={project_a.pk}&actor=office").json()
    assert sorted(s["code"] for s in body["results"]) == ["bulletin", "launch"]
    assert api.get("/api/v1/steps/?actor=boss").status_code == 400


def test_api_project_withdraw(api, project_a, liaison, office_user):
    url = f"/api/v1/projects/{project_a.pk}/withdraw/"
    # a liaison may not; the office must give a reason
    api.force_authenticate(liaison)
    assert api.post(url, {"reason": "x"}, format="json").status_code == 403
    api.force_authenticate(office_user)
    assert api.post(url, {}, format="json").status_code == 400
    # when
    response = api.post(url, {"reason": "法规已废止"}, format="json")
    # then
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    again = api.post(url, {"reason": "再次"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_api_notice_post_hand_warning(api, project_a, dept_a, office_user, liaison):
    step = _open_step(project_a, dept_a)
    payload = {"kind": "warning", "step": step.pk, "title": "培训走过场"}
    api.force_authenticate(liaison)
    assert api.post("/api/v1/notices/", payload, format="json").status_code == 403
    api.force_authenticate(office_user)
    response = api.post("/api/v1/notices/", payload, format="json")
    assert response.status_code == 201
    assert response.json()["kind"] == "warning"
    assert response.json()["department"] == dept_a.pk
    missing = api.post("/api/v1/notices/", {"kind": "warning", "title": "x"})
    assert missing.status_code == 400


def test_step_light_filter_keeps_exactly_the_steps_of_that_light(
    office_user, launch, dept_a
):
    # given steps of every status due around a fixed day, lights computed
    # for that day (as a page or a report passes `today`)
    project = launch(starts_on=datetime.date(2026, 3, 2))
    day = datetime.date(2026, 3, 11)
    dues = [day - datetime.timedelta(5), day, calendar.add_working_days(day, 1)]
    dues.append(calendar.add_working_days(day, 30))
    statuses = list(Step.Status.values)
    for i, step in enumerate(Step.objects.filter(project=project).order_by("id")):
        Step.objects.filter(pk=step.pk).update(
            due_on=dues[i % len(dues)], status=statuses[i % len(statuses)]
        )
    every = {s.pk: s.light for s in selectors.step_list(user=office_user, today=day)}
    assert set(every.values()) == {"red", "yellow", "green"}

    # when / then each light filter keeps exactly the steps showing it
    for light in ("red", "yellow", "green"):
        kept = selectors.step_list(
            user=office_user, filters={"light": light}, today=day
        )
        assert {s.pk for s in kept} == {pk for pk, v in every.items() if v == light}
