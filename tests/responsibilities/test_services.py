import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token

from config.errors import NotAllowed
from org import services as org_services
from org.models import Department, Role
from org.selectors import visible_departments
from responsibilities import services
from responsibilities.models import ResponsibilityList
from tests import factories


def test_department_move_repaths_subtree(liaison, dept_a, dept_a_child, dept_b):
    # given: a grandchild under dept_a_child
    grandchild = factories.DepartmentFactory(parent=dept_a_child)
    # when: dept_a_child moves under dept_b
    org_services.department_move(department=dept_a_child, parent=dept_b)
    # then: paths follow and the liaison of A no longer sees the moved subtree
    grandchild.refresh_from_db()
    dept_a_child.refresh_from_db()
    assert dept_a_child.path == f"{dept_b.path}{dept_a_child.pk}/"
    assert grandchild.path == f"{dept_a_child.path}{grandchild.pk}/"
    liaison._zhigui_membership = None
    del liaison._zhigui_membership
    assert set(visible_departments(liaison)) == {dept_a}


def test_department_move_into_own_subtree_refused(dept_a, dept_a_child):
    with pytest.raises(ValidationError):
        org_services.department_move(department=dept_a, parent=dept_a_child)
    dept_a.refresh_from_db()
    assert dept_a.parent is None


def test_department_create_rejects_duplicate_code(dept_a):
    with pytest.raises(ValidationError) as exc:
        org_services.department_create(code="A", name="重复", kind="district")
    assert "code" in exc.value.message_dict
    assert Department.objects.filter(code="A").count() == 1


def test_user_create_office_gets_admin_group(office_dept):
    # when
    user = org_services.user_create(
        username="clerk",
        password="long-enough-1",
        role=Role.OFFICE,
        department=office_dept,
    )
    # then
    assert user.is_staff and not user.is_superuser
    group = Group.objects.get(name=org_services.OFFICE_GROUP_NAME)
    assert user.groups.filter(pk=group.pk).exists()
    assert user.has_perm("responsibilities.change_responsibilitylist")
    assert user.has_perm("regulations.add_regulation")


def test_user_update_away_from_office_drops_admin(office_dept, dept_a):
    user = org_services.user_create(
        username="clerk",
        password="long-enough-1",
        role=Role.OFFICE,
        department=office_dept,
    )
    org_services.user_update(user=user, role=Role.LIAISON, department=dept_a)
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.groups.exists()
    assert user.membership.department == dept_a


@pytest.mark.parametrize(
    "role, with_department, field",
    [("boss", True, "role"), (Role.LIAISON, False, "department")],
)
def test_user_create_refuses_bad_role_or_missing_department(
    dept_a, role, with_department, field
):
    with pytest.raises(ValidationError) as exc:
        org_services.user_create(
            username="x",
            password="long-enough-1",
            role=role,
            department=dept_a if with_department else None,
        )
    assert field in exc.value.message_dict
    assert not Token.objects.exists()


def test_user_deactivate_drops_token(liaison):
    Token.objects.create(user=liaison)
    org_services.user_deactivate(user=liaison)
    liaison.refresh_from_db()
    assert not liaison.is_active
    assert not Token.objects.filter(user=liaison).exists()


def test_api_token_issue_replaces_old_token(db):
    first = org_services.api_token_issue(client_name="credit-system")
    second = org_services.api_token_issue(client_name="credit-system")
    assert first != second
    token = Token.objects.get()
    assert token.key == second
    assert token.user.username == "api-credit-system"
    assert token.user.membership.role == Role.API_CLIENT
    assert not token.user.has_usable_password()


def test_api_token_issue_refuses_bad_name(db):
    with pytest.raises(ValidationError):
        org_services.api_token_issue(client_name="bad name;")


def test_responsibility_create_office_only(liaison, dept_a, reg_a):
    with pytest.raises(NotAllowed):
        services.responsibility_create(
            kind="lead", user=liaison, department=dept_a, regulation=reg_a
        )
    assert not ResponsibilityList.objects.exists()


@pytest.mark.parametrize(
    "kind, fields, field",
    [
        ("driver", {"mechanism": "学习"}, "driver_type"),
        ("safeguard", {"element_type": "funds"}, "requirement"),
        ("supervision", {}, "inspection_group"),
        ("lead", {}, "regulation"),
    ],
)
def test_responsibility_create_requires_kind_fields(
    office_user, dept_a, kind, fields, field
):
    with pytest.raises(ValidationError) as exc:
        services.responsibility_create(
            kind=kind, user=office_user, department=dept_a, **fields
        )
    assert field in exc.value.message_dict


def test_responsibility_deactivate_keeps_row_and_frees_regulation(
    office_user, lead_a, dept_b
):
    # when
    services.responsibility_deactivate(responsibility=lead_a, user=office_user)
    # then: a new lead may be named, the old row stays with its history
    services.responsibility_create(
        kind="lead", user=office_user, department=dept_b, regulation=lead_a.regulation
    )
    lead_a.refresh_from_db()
    assert not lead_a.is_active
    assert lead_a.history.first().history_user == office_user
    assert ResponsibilityList.objects.filter(kind="lead").count() == 2


def test_responsibility_partner_cannot_be_lead(office_user, dept_a, reg_a):
    with pytest.raises(ValidationError) as exc:
        services.responsibility_create(
            kind="lead",
            user=office_user,
            department=dept_a,
            regulation=reg_a,
            partner_departments=[dept_a],
        )
    assert "partner_departments" in exc.value.message_dict


def test_responsibility_update_refuses_field_of_another_list(office_user, lead_a):
    with pytest.raises(ValidationError) as exc:
        services.responsibility_update(
            responsibility=lead_a, user=office_user, focus="不属于牵头清单"
        )
    assert "focus" in exc.value.message_dict
    lead_a.refresh_from_db()
    assert lead_a.focus == ""


def test_admin_moving_a_department_repaths_its_subtree(
    client, db, dept_a, dept_a_child, dept_b
):
    # given: a superuser in the admin, a grandchild under dept_a_child
    admin_user = get_user_model().objects.create_superuser("root", "", "root-pass-1")
    grandchild = factories.DepartmentFactory(parent=dept_a_child)
    client.force_login(admin_user)
    # when: dept_a_child gets dept_b as parent in the admin form
    response = client.post(
        f"/admin/org/department/{dept_a_child.pk}/change/",
        {
            "code": dept_a_child.code,
            "name": dept_a_child.name,
            "kind": dept_a_child.kind,
            "office": dept_a_child.office_id,
            "parent": dept_b.pk,
            "sort_order": 0,
            "is_active": "on",
        },
    )
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    grandchild.refresh_from_db()
    assert grandchild.path.startswith(f"{dept_b.path}{dept_a_child.pk}/")


def test_responsibility_create_refuses_repealed_regulation(office_user, dept_a):
    repealed = factories.RegulationFactory(status="repealed")
    with pytest.raises(ValidationError) as exc:
        services.responsibility_create(
            kind="lead", user=office_user, department=dept_a, regulation=repealed
        )
    assert "已废止" in exc.value.message_dict["regulation"][0]
    assert not ResponsibilityList.objects.exists()


def test_responsibility_update_keeps_working_after_regulation_amended(
    office_user, lead_a
):
    # given: the regulation was amended after its lead was named
    lead_a.regulation.status = "amended"
    lead_a.regulation.save()
    # when: the office edits the row's duty
    services.responsibility_update(responsibility=lead_a, user=office_user, duty="新")
    # then
    lead_a.refresh_from_db()
    assert lead_a.duty == "新"


def test_admin_membership_change_follows_role(client, office_dept, liaison):
    # given: office staff (made by the service: admin group) change a liaison's
    # role to office in the admin
    clerk = org_services.user_create(
        username="clerk",
        password="long-enough-1",
        role=Role.OFFICE,
        department=office_dept,
    )
    client.force_login(clerk)
    membership = liaison.membership
    # when
    response = client.post(
        f"/admin/org/membership/{membership.pk}/change/",
        {
            "user": liaison.pk,
            "role": "office",
            "department": office_dept.pk,
            "phone": "",
        },
    )
    # then
    assert response.status_code == 302, response.content.decode()[:1500]
    liaison.refresh_from_db()
    assert liaison.is_staff
    assert liaison.groups.filter(name=org_services.OFFICE_GROUP_NAME).exists()


# --- rules that used to live in the pages ------------------------------------------


def test_user_update_refuses_to_switch_off_the_actor(office_user):
    # when: office staff try to switch themselves off
    with pytest.raises(ValidationError):
        org_services.user_update(user=office_user, is_active=False, actor=office_user)
    # then: still active
    office_user.refresh_from_db()
    assert office_user.is_active


def test_user_update_refuses_to_drop_the_actors_office_role(office_user, dept_a):
    with pytest.raises(ValidationError):
        org_services.user_update(
            user=office_user, role=Role.LIAISON, department=dept_a, actor=office_user
        )
    office_user.refresh_from_db()
    assert office_user.membership.role == Role.OFFICE


def test_user_update_lets_the_actor_edit_their_own_details(office_user):
    # when: the same user changes only their name
    org_services.user_update(user=office_user, full_name="新名字", actor=office_user)
    # then
    office_user.refresh_from_db()
    assert office_user.first_name == "新名字"


def test_user_deactivate_refuses_the_actor_but_not_another(office_user, liaison):
    with pytest.raises(ValidationError):
        org_services.user_deactivate(user=office_user, actor=office_user)
    org_services.user_deactivate(user=liaison, actor=office_user)
    office_user.refresh_from_db()
    liaison.refresh_from_db()
    assert office_user.is_active and not liaison.is_active


def test_department_create_inactive_in_one_call(dept_a):
    # when
    department = org_services.department_create(
        code="X1", name="旧村", kind="village", parent=dept_a, is_active=False
    )
    # then: one row, switched off from the start
    department.refresh_from_db()
    assert not department.is_active
    assert department.history.count() == 1


def test_department_update_with_parent_moves_in_the_same_call(dept_a_child, dept_b):
    # when
    org_services.department_update(
        department=dept_a_child, name="改名村", parent=dept_b
    )
    # then
    dept_a_child.refresh_from_db()
    assert dept_a_child.name == "改名村"
    assert dept_a_child.path == f"{dept_b.path}{dept_a_child.pk}/"


def test_department_update_refused_move_keeps_the_other_fields(dept_a, dept_a_child):
    # when: a rename together with a move into its own subtree
    with pytest.raises(ValidationError):
        org_services.department_update(
            department=dept_a, name="改名", parent=dept_a_child
        )
    # then: all or nothing, the name stays
    dept_a.refresh_from_db()
    assert dept_a.name != "改名" and dept_a.parent is None
