import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notices.models import Notice
from notices.services import assignment_issue

URL = "/api/v1/notices/"
FIELDS = {
    "id",
    "number",
    "kind",
    "department",
    "project",
    "step",
    "title",
    "body",
    "due_on",
    "status",
    "sent_at",
    "confirmed_at",
}


def _issue(department, actor, n=1):
    return [
        assignment_issue(
            department=department,
            title=f"交办事项{i}",
            body="内容",
            due_on=datetime.date(2026, 12, 31),
            actor=actor,
        )
        for i in range(n)
    ]


def test_notice_api_list_shape_and_scope(
    api, liaison, outsider, dept_a, dept_b, office_user
):
    # given one notice to A and one to B
    a = _issue(dept_a, office_user)[0]
    _issue(dept_b, office_user)
    # when A's liaison lists
    api.force_authenticate(liaison)
    body = api.get(URL).json()
    # then only A's, with the documented fields
    assert body["count"] == 1
    row = body["results"][0]
    assert FIELDS <= set(row)
    assert row["id"] == a.pk and row["kind"] == "assignment"
    assert row["number"] == a.number and row["due_on"] == "2026-12-31"
    # and the office sees both, filterable by department and kind
    api.force_authenticate(office_user)
    assert api.get(URL).json()["count"] == 2
    assert api.get(URL, {"department": dept_b.pk}).json()["count"] == 1
    assert api.get(URL, {"kind": "warning"}).json()["count"] == 0
    assert api.get(URL, {"department": "abc"}).status_code == 200


def test_notice_api_refuses_api_client_and_anonymous(api, api_client_user):
    assert api.get(URL).status_code == 401
    api.force_authenticate(api_client_user)
    assert api.get(URL).status_code == 403


def test_notice_api_post_office_issues_assignment(api, office_user, liaison, dept_a):
    # given the office
    api.force_authenticate(office_user)
    # when it posts a 交办单
    response = api.post(
        URL,
        {
            "department": dept_a.pk,
            "title": "整改",
            "body": "请整改",
            "due_on": "2099-01-01",
        },
        format="json",
    )
    # then created and numbered
    assert response.status_code == 201
    assert response.json()["number"].startswith("南湖执规交〔")
    # bad input: 400 with field errors, nothing created
    bad = api.post(URL, {"department": 999999, "title": ""}, format="json")
    assert bad.status_code == 400 and "department" in bad.json()
    past = api.post(
        URL,
        {"department": dept_a.pk, "title": "x", "due_on": "2000-01-01"},
        format="json",
    )
    assert past.status_code == 400 and "due_on" in past.json()
    # a liaison may not issue
    api.force_authenticate(liaison)
    denied = api.post(URL, {"department": dept_a.pk, "title": "x"}, format="json")
    assert denied.status_code == 403
    assert Notice.objects.count() == 1


def test_notice_api_confirm_idempotent_and_scoped(
    api, liaison, outsider, inspector, dept_a, office_user
):
    notice = _issue(dept_a, office_user)[0]
    url = f"{URL}{notice.pk}/confirm/"
    # outsider: 404; inspector (sees A, does not act for A): 403
    api.force_authenticate(outsider)
    assert api.post(url).status_code == 404
    api.force_authenticate(inspector)
    assert api.post(url).status_code == 403
    # A's liaison: confirmed, twice the same
    api.force_authenticate(liaison)
    first = api.post(url).json()
    second = api.post(url).json()
    assert first["status"] == "confirmed" and first["confirmed_at"]
    assert second["confirmed_at"] == first["confirmed_at"]


def test_notice_api_report_multipart_and_409(api, liaison, dept_a, office_user):
    notice = _issue(dept_a, office_user)[0]
    url = f"{URL}{notice.pk}/report/"
    api.force_authenticate(liaison)
    data = {
        "measures": "整改措施",
        "result": "已整改",
        "person_responsible": "王五",
        "completed_on": "2026-01-10",
        "files": [
            SimpleUploadedFile("a.txt", b"hello"),
            SimpleUploadedFile("b.txt", b"x"),
        ],
    }
    response = api.post(url, data, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    assert [f["name"] for f in response.json()["files"]] == ["a.txt", "b.txt"]
    # a second report while the first waits for review: 409
    data["files"] = []
    again = api.post(url, data, format="multipart")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    # missing fields: 400
    assert api.post(url, {"measures": ""}, format="multipart").status_code == 400


@pytest.mark.parametrize("rows", [3, 15])
def test_notice_api_list_constant_queries(
    api, office_user, dept_a, rows, django_assert_max_num_queries
):
    _issue(dept_a, office_user, n=rows)
    api.force_authenticate(office_user)
    with django_assert_max_num_queries(6):
        response = api.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == rows


@pytest.mark.parametrize("param", ["department", "project"])
@pytest.mark.parametrize("value", ["99999999999999999999999", "-99999999999999999999"])
def test_notice_api_out_of_range_id_filter_matches_nothing(
    api, office_user, liaison, dept_a, param, value
):
    # given: a notice, and an id the database cannot hold (OverflowError -> 500)
    _issue(dept_a, office_user)
    api.force_authenticate(office_user)
    # when
    response = api.get(URL, {param: value})
    # then: like any id that matches nothing
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("body", ["1", "[]", '"x"', "null"])
def test_notice_api_report_json_body_not_an_object_is_400(
    api, liaison, dept_a, office_user, body
):
    # given: a notice to the liaison's department
    notice = _issue(dept_a, office_user)[0]
    api.force_authenticate(liaison)
    # when: a JSON body that is no object (request.data.items() failed -> 500)
    response = api.post(
        f"{URL}{notice.pk}/report/", body, content_type="application/json"
    )
    # then: nothing submitted
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not notice.reports.exists()


def test_notice_api_schema_documents_201_for_what_answers_201(api):
    # given / when
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    # then: the assignment POST and the 落实表 POST answer 201 (see tests above)
    assert "201" in paths["/api/v1/notices/"]["post"]["responses"]
    assert "201" in paths["/api/v1/notices/{id}/report/"]["post"]["responses"]
    assert "200" not in paths["/api/v1/notices/{id}/report/"]["post"]["responses"]
