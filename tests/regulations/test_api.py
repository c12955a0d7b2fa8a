import pytest
from rest_framework.authtoken.models import Token

from regulations.models import Regulation
from tests.factories import DepartmentFactory, RegulationFactory, ResponsibilityFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/regulations/"
KEY_FIELDS = {
    "id",
    "title",
    "document_number",
    "issuer",
    "level",
    "form",
    "branch",
    "status",
    "published_on",
    "effective_on",
}
NEW = {
    "title": "中国共产党宣传工作条例",
    "issuer": "中共中央",
    "level": "central",
    "form": "regulation",
    "branch": "leadership",
    "published_on": "2019-08-31",
}


def test_regulations_api_list_fields_and_pagination(api, liaison):
    # given
    RegulationFactory.create_batch(3)
    RegulationFactory(is_deleted=True)
    api.force_authenticate(liaison)
    # when
    response = api.get(LIST, {"page_size": 2})
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert "page=2" in body["next"]
    assert KEY_FIELDS <= set(body["results"][0])


def test_regulations_api_filters(api, leader):
    # given
    RegulationFactory(title="中国共产党问责条例", document_number="中发〔2019〕1号")
    RegulationFactory(
        title="浙江省实施办法",
        issuer="中共浙江省委",
        level=Regulation.Level.PROVINCIAL,
        form=Regulation.Form.MEASURES,
        branch=Regulation.Branch.SUPERVISION,
        status=Regulation.Status.REPEALED,
    )
    api.force_authenticate(leader)

    def titles(**params):
        return [r["title"] for r in api.get(LIST, params).json()["results"]]

    # when / then
    assert titles(search="中发〔2019〕") == ["中国共产党问责条例"]
    assert titles(search="浙江") == ["浙江省实施办法"]
    assert titles(level="provincial") == ["浙江省实施办法"]
    assert titles(form="regulation") == ["中国共产党问责条例"]
    assert titles(branch="supervision") == ["浙江省实施办法"]
    assert titles(status="in_force") == ["中国共产党问责条例"]
    assert titles(issuer="浙江省委") == ["浙江省实施办法"]


def test_regulations_api_bad_filter_is_400_not_500(api, liaison):
    api.force_authenticate(liaison)
    response = api.get(LIST, {"level": "galactic"})
    assert response.status_code == 400
    assert "level" in response.json()


def test_regulations_api_anonymous_gets_401(api):
    response = api.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_regulations_api_token_auth_reads(api, inspector):
    # given
    token = Token.objects.create(user=inspector)
    RegulationFactory()
    # when
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    # then
    assert api.get(LIST).status_code == 200


def test_regulations_api_api_client_is_refused(api, api_client_user):
    # given: a machine client whose token reads scores/rankings/credit only
    token = Token.objects.create(user=api_client_user)
    regulation = RegulationFactory()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    # when / then
    assert api.get(LIST).status_code == 403
    assert api.get(f"{LIST}{regulation.pk}/").status_code == 403
    assert api.post(LIST, NEW, format="json").status_code == 403


def test_regulations_api_post_by_office(api, office_user):
    # given
    api.force_authenticate(office_user)
    # when
    response = api.post(LIST, NEW, format="json")
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == NEW["title"]
    assert body["status"] == "in_force"
    assert body["responsibilities"] == []
    regulation = Regulation.objects.get(pk=body["id"])
    assert regulation.history.get().history_user == office_user


@pytest.mark.parametrize("who", ["liaison", "inspector", "leader"])
def test_regulations_api_post_forbidden_to_non_office(api, who, request):
    api.force_authenticate(request.getfixturevalue(who))
    response = api.post(LIST, NEW, format="json")
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert not Regulation.objects.exists()


def test_regulations_api_post_field_errors(api, office_user):
    # given
    api.force_authenticate(office_user)
    # when
    response = api.post(
        LIST,
        {"title": "", "level": "galactic", "form": "条例", "published_on": "昨天"},
        format="json",
    )
    # then
    assert response.status_code == 400
    body = response.json()
    assert {"title", "issuer", "level", "form", "published_on"} <= set(body)
    assert all(isinstance(messages, list) for messages in body.values())
    assert not Regulation.objects.exists()


def test_regulations_api_post_duplicate_is_field_error(api, office_user):
    RegulationFactory(title=NEW["title"], document_number="")
    api.force_authenticate(office_user)
    response = api.post(LIST, NEW, format="json")
    assert response.status_code == 400
    assert "同名称、同文号" in response.json()["title"][0]


def test_regulations_api_detail_with_responsibilities(api, liaison, dept_a):
    # given
    partner = DepartmentFactory(name="区财政局")
    responsibility = ResponsibilityFactory(department=dept_a, duty="牵头组织")
    responsibility.partner_departments.add(partner)
    regulation = responsibility.regulation
    api.force_authenticate(liaison)
    # when
    response = api.get(f"{LIST}{regulation.pk}/")
    # then
    assert response.status_code == 200
    body = response.json()
    assert KEY_FIELDS <= set(body)
    assert body["responsibilities"] == [
        {
            "id": responsibility.pk,
            "kind": "lead",
            "department": dept_a.pk,
            "partner_departments": [partner.pk],
            "duty": "牵头组织",
        }
    ]


def test_regulations_api_detail_404_for_missing_or_deleted(api, liaison):
    deleted = RegulationFactory(is_deleted=True)
    api.force_authenticate(liaison)
    assert api.get(f"{LIST}{deleted.pk}/").status_code == 404
    assert api.get(f"{LIST}999999/").status_code == 404


def test_regulations_api_patch_by_office(api, office_user):
    # given
    regulation = RegulationFactory(issuer="中共中央")
    api.force_authenticate(office_user)
    # when
    response = api.patch(
        f"{LIST}{regulation.pk}/",
        {"issuer": "中共中央办公厅", "effective_on": "2020-01-01"},
        format="json",
    )
    # then
    assert response.status_code == 200
    assert response.json()["issuer"] == "中共中央办公厅"
    regulation.refresh_from_db()
    assert regulation.issuer == "中共中央办公厅"
    assert str(regulation.effective_on) == "2020-01-01"
    assert regulation.history.first().history_user == office_user


def test_regulations_api_patch_status_is_refused(api, office_user):
    regulation = RegulationFactory()
    api.force_authenticate(office_user)
    response = api.patch(
        f"{LIST}{regulation.pk}/", {"status": "repealed"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code"}
    regulation.refresh_from_db()
    assert regulation.status == "in_force"


def test_regulations_api_patch_forbidden_to_liaison(api, liaison):
    regulation = RegulationFactory(issuer="中共中央")
    api.force_authenticate(liaison)
    response = api.patch(f"{LIST}{regulation.pk}/", {"issuer": "x"}, format="json")
    assert response.status_code == 403
    regulation.refresh_from_db()
    assert regulation.issuer == "中共中央"


def test_regulations_api_put_and_delete_not_allowed(api, office_user):
    regulation = RegulationFactory()
    api.force_authenticate(office_user)
    assert api.delete(f"{LIST}{regulation.pk}/").status_code == 405
    assert api.put(f"{LIST}{regulation.pk}/", NEW, format="json").status_code == 405


@pytest.mark.parametrize("rows", [1, 20])
def test_regulations_api_list_query_count_is_constant(
    api, liaison, rows, django_assert_max_num_queries
):
    # given
    RegulationFactory.create_batch(rows)
    api.force_authenticate(liaison)
    # when / then: membership, count, page: the same however many rows
    with django_assert_max_num_queries(4):
        response = api.get(LIST)
    assert response.status_code == 200
    assert response.json()["count"] == rows


def test_regulations_api_detail_query_count_is_constant(
    api, office_user, django_assert_max_num_queries
):
    # given: a regulation with many responsibility rows, each with partners
    regulation = RegulationFactory()
    for _ in range(10):
        row = ResponsibilityFactory(regulation=regulation, kind="driver")
        row.partner_departments.add(DepartmentFactory(), DepartmentFactory())
    api.force_authenticate(office_user)
    # when / then
    with django_assert_max_num_queries(6):
        response = api.get(f"{LIST}{regulation.pk}/")
    assert response.status_code == 200
    assert len(response.json()["responsibilities"]) == 10
    assert all(
        len(r["partner_departments"]) == 2 for r in response.json()["responsibilities"]
    )


def test_regulations_api_detail_hides_other_departments_rows(api, outsider, dept_a):
    # given: department A leads; the outsider is a liaison of department B
    responsibility = ResponsibilityFactory(department=dept_a)
    api.force_authenticate(outsider)
    # when
    response = api.get(f"{LIST}{responsibility.regulation.pk}/")
    # then: the regulation is public, A's duties are not
    assert response.status_code == 200
    assert response.json()["responsibilities"] == []


@pytest.mark.parametrize("year", ["0", "10000", "-2.2e-309", "1e40", "2019.5"])
def test_regulations_api_year_filter_out_of_range_is_400(api, liaison, year):
    # given: a year no date can have (the `__year` lookup used to raise -> 500)
    RegulationFactory()
    api.force_authenticate(liaison)
    # when
    response = api.get(LIST, {"year": year})
    # then
    assert response.status_code == 400
    assert "year" in response.json()


def test_regulations_page_year_filter_out_of_range_is_ignored(client, liaison):
    # given
    RegulationFactory(title="宣传工作条例")
    client.force_login(liaison)
    # when
    response = client.get("/regulations/", {"year": "0"})
    # then: the bad filter is dropped, the page still lists the catalogue
    assert response.status_code == 200
    assert "宣传工作条例" in response.content.decode()
