from org.models import Department
from org.selectors import can_act_for, scope_to_user, visible_departments


def test_visible_departments_liaison_sees_own_subtree_only(
    liaison, dept_a, dept_a_child, dept_b
):
    # when
    visible = set(visible_departments(liaison))
    # then
    assert visible == {dept_a, dept_a_child}


def test_visible_departments_office_and_leader_see_all(
    office_user, leader, dept_a, dept_b
):
    assert set(visible_departments(office_user)) == set(Department.objects.all())
    assert set(visible_departments(leader)) == set(Department.objects.all())


def test_visible_departments_inspector_sees_supervised(
    inspector, inspection_group, dept_a, dept_a_child, dept_b
):
    visible = set(visible_departments(inspector))
    assert visible == {inspection_group, dept_a, dept_a_child}


def test_scope_to_user_filters_rows(outsider, dept_a, dept_b):
    qs = scope_to_user(Department.objects.all(), user=outsider, field="pk")
    assert list(qs) == [dept_b]


def test_can_act_for_only_own_department(liaison, office_user, dept_a, dept_a_child):
    assert can_act_for(liaison, dept_a.pk)
    assert not can_act_for(liaison, dept_a_child.pk)
    assert not can_act_for(office_user, dept_a.pk)


def test_department_path_follows_tree(dept_a, dept_a_child):
    dept_a_child.refresh_from_db()
    assert dept_a_child.path == f"{dept_a.path}{dept_a_child.pk}/"
