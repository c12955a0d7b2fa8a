def test_login_page_is_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_home_shows_role(client, liaison):
    client.force_login(liaison)
    response = client.get("/")
    assert "部门联络员" in response.content.decode()


def test_api_schema_and_offline_docs(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    # Swagger UI comes from the sidecar package, never a CDN.
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs
