import pytest
from rest_framework.authtoken.models import Token

from org import services as org_services
from responsibilities import services
from responsibilities.models import ResponsibilityList
from tests import factories

Kind = ResponsibilityList.Kind
LIST = "/api/v1/responsibilities/"


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "who, expected",
    [
        ("liaison", {"lead_a", "shared", "supervision_a"}),
        ("teammate", {"lead_a", "shared", "supervision_a"}),
        ("outsider", {"lead_b", "shared"}),
        ("inspector", {"lead_a", "shared", "supervision_a"}),
        ("leader", {"lead_a", "lead_b", "shared", "supervision_a"}),
        ("office_user", {"lead_a", "lead_b", "shared", "supervision_a"}),
    ],
)
def test_responsibility_list_api_scoped_by_role(api, world, request, who, expected):
    # given
    api.force_authenticate(request.getfixturevalue(who))
    # when
    response = api.get(LIST)
    # then
    assert _ids(response) == {world[name].pk for name in expected}


def test_responsibility_detail_api_outsider_gets_404(api, outsider, liaison, world):
    # given
    lead_a = world["lead_a"]
    # when
    api.force_authenticate(outsider)
    refused = api.get(f"{LIST}{lead_a.pk}/")
    api.force_authenticate(liaison)
    allowed = api.get(f"{LIST}{lead_a.pk}/")
    # then
    assert refused.status_code == 404
    assert allowed.status_code == 200
    assert allowed.json()["department"] == lead_a.department_id


def test_responsibility_api_shows_the_kinds_own_fields(api, office_user, world):
    api.force_authenticate(office_user)
    lead = api.get(f"{LIST}{world['lead_a'].pk}/").json()
    supervision = api.get(f"{LIST}{world['supervision_a'].pk}/").json()
    for field in ["id", "kind", "regulation", "department", "partner_departments"]:
        assert field in lead
    assert lead["default_flow"] == "general"
    assert "focus" not in lead
    assert supervision["inspection_group"] == world["supervision_a"].inspection_group_id
    assert supervision["focus"] == "实施方案制定情况"
    assert "default_flow" not in supervision


def test_responsibility_list_api_filters(api, office_user, world, dept_a_child):
    api.force_authenticate(office_user)
    assert _ids(api.get(LIST, {"kind": "supervision"})) == {world["supervision_a"].pk}
    assert _ids(api.get(LIST, {"regulation": world["lead_b"].regulation_id})) == {
        world["lead_b"].pk
    }
    # department matches the responsible department or a partner
    assert _ids(api.get(LIST, {"department": dept_a_child.pk})) == {world["shared"].pk}
    assert api.get(LIST, {"kind": "nonsense"}).status_code == 400


def test_responsibility_api_office_creates_and_patches(
    api, office_user, dept_a, dept_b
):
    # given
    regulation = factories.RegulationFactory()
    api.force_authenticate(office_user)
    # when
    created = api.post(
        LIST,
        {
            "kind": "lead",
            "regulation": regulation.pk,
            "department": dept_a.pk,
            "partner_departments": [dept_b.pk],
            "duty": "牵头制定实施方案",
            "default_flow": "simple",
        },
        format="json",
    )
    # then
    assert created.status_code == 201, created.content
    row = ResponsibilityList.objects.get(pk=created.json()["id"])
    assert row.department == dept_a and row.default_flow == "simple"
    assert list(row.partner_departments.all()) == [dept_b]
    # when
    patched = api.patch(
        f"{LIST}{row.pk}/", {"leader_in_charge": "区委副书记"}, format="json"
    )
    # then
    assert patched.status_code == 200, patched.content
    row.refresh_from_db()
    assert row.leader_in_charge == "区委副书记"
    assert list(row.partner_departments.all()) == [dept_b]


def test_responsibility_api_second_lead_for_a_regulation_is_400(
    api, office_user, lead_a, dept_b
):
    api.force_authenticate(office_user)
    response = api.post(
        LIST,
        {"kind": "lead", "regulation": lead_a.regulation_id, "department": dept_b.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "regulation" in response.json()
    assert ResponsibilityList.objects.filter(kind="lead").count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "driver", "department": "x"},
        {"kind": "driver"},
        {"kind": "bogus", "department": 1},
        {"kind": "driver", "department": 999999, "mechanism": "m"},
        {"kind": "safeguard", "element_type": "money"},
    ],
)
def test_responsibility_api_bad_input_is_400_not_500(api, office_user, dept_a, payload):
    api.force_authenticate(office_user)
    response = api.post(LIST, payload, format="json")
    assert response.status_code == 400
    assert ResponsibilityList.objects.count() == 0


def test_responsibility_api_leader_and_liaison_may_not_write(
    api, leader, liaison, lead_a, dept_a
):
    for user in (leader, liaison):
        api.force_authenticate(user)
        post = api.post(
            LIST,
            {
                "kind": "driver",
                "department": dept_a.pk,
                "mechanism": "学习",
                "driver_type": "study",
            },
            format="json",
        )
        patch = api.patch(f"{LIST}{lead_a.pk}/", {"duty": "改"}, format="json")
        assert post.status_code == 403
        assert patch.status_code == 403
    lead_a.refresh_from_db()
    assert lead_a.duty != "改"
    assert ResponsibilityList.objects.count() == 1


def test_api_client_is_refused_on_lists(api, api_client_user, lead_a):
    api.force_authenticate(api_client_user)
    assert api.get(LIST).status_code == 403
    assert api.get(f"{LIST}{lead_a.pk}/").status_code == 403
    assert api.get("/api/v1/departments/").status_code == 403


def test_api_without_credentials_is_401(api):
    assert api.get(LIST).status_code == 401
    assert api.get("/api/v1/departments/").status_code == 401


def test_department_api_scoped_and_filtered(
    api, liaison, office_user, dept_a, dept_a_child, dept_b
):
    # given
    api.force_authenticate(liaison)
    # when
    response = api.get("/api/v1/departments/")
    # then
    rows = response.json()["results"]
    assert {r["id"] for r in rows} == {dept_a.pk, dept_a_child.pk}
    assert set(rows[0]) >= {"id", "name", "code", "kind", "parent"}
    api.force_authenticate(office_user)
    assert _ids(api.get("/api/v1/departments/", {"parent": dept_a.pk})) == {
        dept_a_child.pk
    }
    assert _ids(api.get("/api/v1/departments/", {"search": "司法"})) == {dept_b.pk}
    kinds = api.get("/api/v1/departments/", {"kind": "village"})
    assert _ids(kinds) == {dept_a_child.pk}


def _grow(n, parent):
    """n more departments under `parent`, each leading a row with two partners."""
    for _ in range(n):
        dept = factories.DepartmentFactory(parent=parent)
        row = factories.ResponsibilityFactory(department=dept)
        row.partner_departments.add(parent, factories.DepartmentFactory())


@pytest.mark.parametrize("who", ["office_user", "liaison", "inspector"])
def test_list_apis_constant_queries(
    api, request, who, world, dept_a, django_assert_max_num_queries
):
    # given: rows inside the user's scope, so the visible list really grows
    user = request.getfixturevalue(who)
    api.force_authenticate(user)
    api.get(LIST)  # warm up: the membership is cached on the user
    counts, sizes = [], []
    for n in (3, 30):
        _grow(n, dept_a)
        for url in (LIST, "/api/v1/departments/"):
            # when
            with django_assert_max_num_queries(8) as ctx:
                response = api.get(url, {"page_size": 500})
            # then
            assert response.status_code == 200
            counts.append(len(ctx.captured_queries))
            sizes.append(response.json()["count"])
    assert counts[:2] == counts[2:]
    assert sizes[2] >= sizes[0] + 30 and sizes[3] >= sizes[1] + 30


def test_token_endpoint_returns_token_and_rejects_bad_password(api, liaison):
    # when
    ok = api.post(
        "/api/v1/auth/token/",
        {"username": "liaison_a", "password": "pass-12345"},
        format="json",
    )
    bad = api.post(
        "/api/v1/auth/token/",
        {"username": "liaison_a", "password": "wrong"},
        format="json",
    )
    missing = api.post("/api/v1/auth/token/", {}, format="json")
    # then
    assert ok.status_code == 200
    key = ok.json()["token"]
    assert Token.objects.get(key=key).user == liaison
    assert bad.status_code == 400 and "token" not in bad.json()
    assert missing.status_code == 400
    assert set(missing.json()) >= {"username", "password"}
    # the token works
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/departments/").status_code == 200


def test_revoked_api_client_token_gets_401(api, db):
    key = org_services.api_token_issue(client_name="credit-system")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/departments/").status_code == 403  # known, not allowed
    user = Token.objects.get(key=key).user
    org_services.api_token_revoke(user=user)
    assert api.get("/api/v1/departments/").status_code == 401


@pytest.mark.parametrize(
    "url, params",
    [
        (LIST, {"regulation": "-6.3e46"}),
        (LIST, {"regulation": "99999999999999999999999"}),
        (LIST, {"department": "99999999999999999999999"}),
        ("/api/v1/departments/", {"parent": "-99999999999999999999999"}),
        ("/api/v1/departments/", {"parent": "1.5"}),
    ],
)
def test_id_filters_out_of_range_are_400_not_500(api, office_user, url, params):
    # given: ids the database cannot hold (SQLite raised OverflowError -> 500)
    factories.DepartmentFactory()
    api.force_authenticate(office_user)
    # when
    response = api.get(url, params)
    # then
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_schema_says_regulation_title_may_be_null(api, office_user, dept_a):
    # given: a driver row has no regulation, so its regulation_title is null
    row = services.responsibility_create(
        kind=ResponsibilityList.Kind.DRIVER,
        user=office_user,
        department=dept_a,
        duty="开展党内法规专题宣传",
        driver_type="publicity",
        mechanism="法治宣传周",
    )
    api.force_authenticate(office_user)
    # when
    body = api.get(f"{LIST}{row.pk}/").json()
    schema = api.get("/api/schema/", {"format": "json"}).json()
    # then: the OpenAPI schema allows what the API answers
    assert body["regulation_title"] is None
    field = schema["components"]["schemas"]["Responsibility"]["properties"][
        "regulation_title"
    ]
    assert field.get("nullable") is True
