import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token

from org.models import Department, Role
from responsibilities.models import ResponsibilityList
from tests import factories

LIST_URL = reverse("responsibilities:list")


@pytest.mark.parametrize(
    "who, seen, hidden",
    [
        (
            "liaison",
            ["中国共产党组织工作条例", "信访工作条例"],
            ["中国共产党政法工作条例"],
        ),
        (
            "teammate",
            ["中国共产党组织工作条例", "信访工作条例"],
            ["中国共产党政法工作条例"],
        ),
        (
            "outsider",
            ["中国共产党政法工作条例", "信访工作条例"],
            ["中国共产党组织工作条例"],
        ),
        ("leader", ["中国共产党组织工作条例", "中国共产党政法工作条例"], []),
    ],
)
def test_list_page_shows_rows_in_scope(client, world, request, who, seen, hidden):
    # given
    client.force_login(request.getfixturevalue(who))
    # when
    html = client.get(LIST_URL, {"kind": "lead"}).content.decode()
    # then
    for title in seen:
        assert title in html
    for title in hidden:
        assert title not in html


def test_list_page_inspector_sees_supervision_of_supervised(client, inspector, world):
    client.force_login(inspector)
    html = client.get(LIST_URL, {"kind": "supervision"}).content.decode()
    assert "实施方案制定情况" in html
    lead_html = client.get(LIST_URL, {"kind": "lead"}).content.decode()
    assert "中国共产党政法工作条例" not in lead_html


def test_list_page_edit_buttons_only_for_office(client, office_user, leader, world):
    edit_url = reverse("responsibilities:edit", args=[world["lead_a"].pk])
    client.force_login(leader)
    assert edit_url not in client.get(LIST_URL).content.decode()
    client.force_login(office_user)
    assert edit_url in client.get(LIST_URL).content.decode()


@pytest.mark.parametrize("who", ["leader", "liaison", "inspector"])
def test_write_pages_refused_for_non_office(client, request, who, world):
    client.force_login(request.getfixturevalue(who))
    pk = world["lead_a"].pk
    for url in [
        reverse("responsibilities:create", args=["lead"]),
        reverse("responsibilities:edit", args=[pk]),
        reverse("responsibilities:import", args=["lead"]),
        reverse("responsibilities:users"),
    ]:
        assert client.get(url).status_code == 403
    response = client.post(reverse("responsibilities:deactivate", args=[pk]))
    assert response.status_code == 403
    assert ResponsibilityList.objects.get(pk=pk).is_active


def test_api_client_user_cannot_use_pages(client, api_client_user, world):
    client.force_login(api_client_user)
    assert client.get(LIST_URL).status_code == 403


def test_list_page_constant_queries(
    client, office_user, world, dept_a, django_assert_max_num_queries
):
    client.force_login(office_user)
    client.get(LIST_URL)
    counts = []
    for n in (3, 30):
        for _ in range(n):
            row = factories.ResponsibilityFactory(department=dept_a)
            row.partner_departments.add(factories.DepartmentFactory())
        with django_assert_max_num_queries(20) as ctx:
            assert client.get(LIST_URL).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_create_page_office_adds_driver_row(client, office_user, dept_a, dept_b):
    client.force_login(office_user)
    response = client.post(
        reverse("responsibilities:create", args=["driver"]),
        {
            "department": dept_a.pk,
            "partner_departments": [dept_b.pk],
            "mechanism": "中心组专题学习",
            "driver_type": "study",
            "frequency": "每季度",
        },
    )
    assert response.status_code == 302
    row = ResponsibilityList.objects.get(kind="driver")
    assert row.mechanism == "中心组专题学习"
    assert list(row.partner_departments.all()) == [dept_b]


def test_create_page_shows_chinese_error_and_writes_nothing(
    client, office_user, lead_a, dept_b
):
    client.force_login(office_user)
    response = client.post(
        reverse("responsibilities:create", args=["lead"]),
        {"regulation": lead_a.regulation_id, "department": dept_b.pk},
    )
    assert response.status_code == 200
    assert "该法规已有牵头执行部门" in response.content.decode()
    assert ResponsibilityList.objects.count() == 1


def test_edit_page_updates_and_deactivates(client, office_user, lead_a, dept_b):
    client.force_login(office_user)
    url = reverse("responsibilities:edit", args=[lead_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "regulation": lead_a.regulation_id,
            "department": lead_a.department_id,
            "partner_departments": [dept_b.pk],
            "duty": "新职责",
            "default_flow": "simple",
        },
    )
    assert response.status_code == 302
    lead_a.refresh_from_db()
    assert lead_a.duty == "新职责" and lead_a.default_flow == "simple"
    client.post(reverse("responsibilities:deactivate", args=[lead_a.pk]))
    lead_a.refresh_from_db()
    assert not lead_a.is_active


def test_coverage_page_lists_regulations_without_lead(client, leader, world, dept_a):
    # given: one in-force regulation without a lead, one repealed without a lead
    orphan = factories.RegulationFactory(title="无人牵头的规定")
    factories.RegulationFactory(title="已废止的办法", status="repealed")
    for _ in range(2):
        factories.ResponsibilityFactory(department=dept_a)
    client.force_login(leader)
    # when
    response = client.get(reverse("responsibilities:coverage"))
    # then
    html = response.content.decode()
    missing = response.context["missing"]
    assert missing == [orphan]
    assert "已废止的办法" not in html
    leaders = list(response.context["leaders"])
    assert leaders[0] == dept_a and leaders[0].lead_count == 3


def test_department_tree_page_scoped(client, liaison, dept_a, dept_a_child, dept_b):
    client.force_login(liaison)
    html = client.get(reverse("responsibilities:departments")).content.decode()
    assert dept_a_child.name in html
    assert dept_b.name not in html


def test_export_page_xlsx_scoped(client, outsider, world):
    client.force_login(outsider)
    response = client.get(reverse("responsibilities:export", args=["lead"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("法规名称", "牵头部门")
    titles = {r[0] for r in rows[1:]}
    assert titles == {"中国共产党政法工作条例", "信访工作条例"}


# --- users and tokens ------------------------------------------------------------


def test_users_page_office_creates_and_deactivates_user(client, office_user, dept_a):
    client.force_login(office_user)
    response = client.post(
        reverse("responsibilities:user_create"),
        {
            "username": "wang",
            "role": "liaison",
            "department": dept_a.pk,
            "password": "good-pass-1",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="wang")
    assert user.membership.department == dept_a
    client.post(reverse("responsibilities:user_deactivate", args=[user.pk]))
    user.refresh_from_db()
    assert not user.is_active


def test_users_page_reset_password_and_change_role(
    client, office_user, liaison, dept_b
):
    client.force_login(office_user)
    url = reverse("responsibilities:user_edit", args=[liaison.pk])
    client.post(url, {"action": "password", "password": "brand-new-9"})
    client.post(
        url,
        {
            "action": "edit",
            "role": "inspector",
            "department": dept_b.pk,
            "is_active": "on",
        },
    )
    liaison.refresh_from_db()
    assert liaison.check_password("brand-new-9")
    assert liaison.membership.role == "inspector"
    assert liaison.membership.department == dept_b


def test_office_issues_and_revokes_token_in_ui(client, api, office_user, lead_a):
    client.force_login(office_user)
    # when: issue
    response = client.post(
        reverse("responsibilities:token_issue"),
        {"client_name": "credit-system"},
        follow=True,
    )
    # then: the key is shown once
    key = Token.objects.get(user__username="api-credit-system").key
    assert key in response.content.decode()
    again = client.get(reverse("responsibilities:users")).content.decode()
    assert key not in again
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/departments/").status_code == 403  # authenticated
    # when: revoke
    client_user = Token.objects.get(key=key).user
    client.post(reverse("responsibilities:token_revoke", args=[client_user.pk]))
    # then
    assert api.get("/api/v1/departments/").status_code == 401


def test_token_pages_refused_for_leader(client, leader):
    client.force_login(leader)
    response = client.post(
        reverse("responsibilities:token_issue"), {"client_name": "x"}
    )
    assert response.status_code == 403
    assert not Token.objects.exists()


def test_department_pages_office_creates_and_moves(
    client, office_user, dept_a, dept_a_child, dept_b
):
    client.force_login(office_user)
    # when: create under dept_a
    response = client.post(
        reverse("responsibilities:department_create"),
        {
            "code": "A2",
            "name": "新村",
            "kind": "village",
            "parent": dept_a.pk,
            "sort_order": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    new = Department.objects.get(code="A2")
    assert new.path == f"{dept_a.path}{new.pk}/"
    # when: move dept_a_child under dept_b, renamed
    response = client.post(
        reverse("responsibilities:department_edit", args=[dept_a_child.pk]),
        {
            "name": "改名村",
            "kind": "village",
            "parent": dept_b.pk,
            "sort_order": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    dept_a_child.refresh_from_db()
    assert dept_a_child.name == "改名村"
    assert dept_a_child.path.startswith(dept_b.path)


def test_department_pages_refuse_cycle_and_non_office(
    client, office_user, leader, dept_a, dept_a_child
):
    client.force_login(office_user)
    response = client.post(
        reverse("responsibilities:department_edit", args=[dept_a.pk]),
        {
            "name": "改名",
            "kind": "district",
            "parent": dept_a_child.pk,
            "sort_order": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "不能把单位移到它自己或下级单位之下" in response.content.decode()
    dept_a.refresh_from_db()
    assert dept_a.parent is None and dept_a.name == "区委组织部"
    client.force_login(leader)
    url = reverse("responsibilities:department_edit", args=[dept_a.pk])
    assert client.get(url).status_code == 403


def test_users_and_department_pages_constant_queries(
    client, office_user, dept_a, django_assert_max_num_queries
):
    client.force_login(office_user)
    client.get(reverse("responsibilities:users"))
    counts = []
    for n in (2, 20):
        for _ in range(n):
            dept = factories.DepartmentFactory(parent=dept_a)
            factories.make_user(Role.LIAISON, dept)
        for name in ("responsibilities:users", "responsibilities:departments"):
            with django_assert_max_num_queries(15) as ctx:
                assert client.get(reverse(name)).status_code == 200
            counts.append(len(ctx.captured_queries))
    assert counts[:2] == counts[2:]


def test_department_tree_page_filters(client, office_user, dept_a, dept_a_child):
    client.force_login(office_user)
    url = reverse("responsibilities:departments")
    page = client.get(url, {"kind": "village"})
    assert list(page.context["departments"]) == [dept_a_child]
    page = client.get(url, {"q": "组织部"})
    assert set(page.context["departments"]) == {dept_a, dept_a_child}


@pytest.mark.parametrize(
    "who, status",
    [
        ("liaison", 200),
        ("teammate", 200),
        ("outsider", 404),
        ("inspector", 200),
        ("leader", 200),
    ],
)
def test_detail_page_scoped(client, request, world, who, status):
    # given
    client.force_login(request.getfixturevalue(who))
    # when
    response = client.get(reverse("responsibilities:detail", args=[world["lead_a"].pk]))
    # then
    assert response.status_code == status
    if status == 200:
        assert "中国共产党组织工作条例" in response.content.decode()


def test_detail_page_shows_kind_fields(client, outsider, lead_b):
    client.force_login(outsider)
    lead_b.default_flow = "simple"
    lead_b.save()
    html = client.get(reverse("responsibilities:detail", args=[lead_b.pk]))
    assert "三步法(简易流程)" in html.content.decode()


def test_user_changes_own_password(client, liaison):
    client.force_login(liaison)
    url = reverse("responsibilities:password_change")
    assert "修改密码" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "old_password": "pass-12345",
            "new_password1": "my-new-pass-7",
            "new_password2": "my-new-pass-7",
        },
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.check_password("my-new-pass-7")


def test_create_page_prefills_regulation_and_survives_garbage(
    client, office_user, reg_a
):
    client.force_login(office_user)
    url = reverse("responsibilities:create", args=["lead"])
    page = client.get(url, {"regulation": reg_a.pk})
    assert page.context["form"].initial["regulation"] == reg_a.pk
    assert client.get(url, {"regulation": "abc"}).status_code == 200
    assert client.get(reverse("responsibilities:create", args=["x"])).status_code == 404


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "0"])
def test_list_and_export_pages_ignore_a_department_that_is_no_id(
    client, outsider, world, value
):
    # given: a department value the database cannot hold, or "²" (isdigit, no int)
    client.force_login(outsider)
    # when
    page = client.get(LIST_URL, {"department": value})
    export = client.get(
        reverse("responsibilities:export", args=["lead"]), {"department": value}
    )
    # then: the filter is dropped; the rows in scope are shown, not a 500
    assert page.status_code == 200
    assert "中国共产党政法工作条例" in page.content.decode()
    assert export.status_code == 200


@pytest.mark.parametrize("value", ["99999999999999999999999", "²"])
def test_create_page_ignores_a_regulation_that_is_no_id(client, office_user, value):
    # given
    client.force_login(office_user)
    # when
    response = client.get(
        reverse("responsibilities:create", args=["lead"]), {"regulation": value}
    )
    # then
    assert response.status_code == 200


def test_user_pages_refuse_switching_off_oneself(client, office_user):
    client.force_login(office_user)
    # when: deactivate oneself, then drop one's own office role
    response = client.post(
        reverse("responsibilities:user_deactivate", args=[office_user.pk]),
        follow=True,
    )
    assert "不能停用自己的账号" in response.content.decode()
    response = client.post(
        reverse("responsibilities:user_edit", args=[office_user.pk]),
        {"action": "edit", "role": "leader", "department": "", "is_active": "on"},
    )
    # then: both refused, with the reason on the page
    assert response.status_code == 200
    assert "不能停用自己或取消自己的区委办角色" in response.content.decode()
    office_user.refresh_from_db()
    assert office_user.is_active and office_user.membership.role == "office"


def test_users_page_filters_through_the_selector(client, office_user, liaison, leader):
    client.force_login(office_user)
    url = reverse("responsibilities:users")
    # when: one role; then a name; then a bad role value (ignored)
    by_role = client.get(url, {"role": "leader"}).context["page"].object_list
    by_name = client.get(url, {"q": liaison.username}).context["page"].object_list
    ignored = client.get(url, {"role": "zzz"})
    # then
    assert list(by_role) == [leader]
    assert list(by_name) == [liaison]
    assert ignored.status_code == 200
    assert {office_user, liaison, leader} <= set(ignored.context["page"].object_list)
