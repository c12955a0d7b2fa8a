import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", {"format": "json"}).json()


def test_schema_documents_error_answers_of_the_contract(schema):
    # given / when: the schema the app serves
    approve = schema["paths"]["/api/v1/steps/{id}/approve/"]["post"]["responses"]
    steps = schema["paths"]["/api/v1/steps/"]["get"]["responses"]
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    scores = schema["paths"]["/api/v1/scores/"]["get"]["responses"]
    # then: shared/API.md's 400/401/403/404, 409 on state changes, 304 on scores
    assert {"200", "400", "401", "403", "404", "409"} <= set(approve)
    assert {"200", "400", "401", "403", "404"} <= set(steps)
    assert "409" not in steps
    assert "401" not in token  # the login endpoint takes no credentials
    assert "304" in scores
    error = approve["409"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {
        "detail",
        "code",
    }


def test_real_error_answer_has_the_documented_shape(api, liaison, schema):
    # given
    api.force_authenticate(liaison)
    # when: a step outside anything the liaison can see
    response = api.post("/api/v1/steps/987654/approve/")
    # then
    assert response.status_code == 404
    documented = schema["components"]["schemas"]["Error"]["properties"]
    assert set(response.json()) <= set(documented)


@pytest.mark.parametrize(
    "url", ["/api/v1/steps/-5/approve/", "/api/v1/nothing/", "/api/v1/projects/x/"]
)
def test_api_url_no_route_matches_is_json_404(api, liaison, url):
    # given
    api.force_authenticate(liaison)
    # when: a path no route matches (an id the <int:pk> converter refuses)
    response = api.post(url) if "approve" in url else api.get(url)
    # then: the contract's JSON error, not an HTML page
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


def test_page_url_no_route_matches_stays_html_404(client, liaison):
    client.force_login(liaison)
    response = client.get("/workflows/steps/-5/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
