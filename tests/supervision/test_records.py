import datetime

import pytest

from config.errors import DomainError, NotAllowed
from notices.models import Notice
from supervision import selectors, services
from supervision.forms import InspectionForm
from supervision.models import Accountability, Problem, SupervisionEvent
from tests.evaluation.conftest import make_project

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 5, 12)


@pytest.fixture
def inspections(office_user, dept_a, dept_b):
    """One inspection of dept_a (supervised by the inspector's group), one of B."""
    a = services.inspection_record(
        actor=office_user,
        kind="unannounced",
        inspected_on=DAY,
        inspectors="张三、李四",
        department=dept_a,
    )
    b = services.inspection_record(
        actor=office_user,
        kind="open",
        inspected_on=DAY,
        inspectors="王五",
        department=dept_b,
    )
    return a, b


def test_inspector_sees_only_what_the_group_supervises(
    inspector, office_user, leader, outsider, inspections
):
    # given
    a, b = inspections

    # when
    seen = {
        user.username: set(selectors.inspection_list(user=user))
        for user in (inspector, office_user, leader, outsider)
    }

    # then
    assert seen["inspector"] == {a}
    assert seen["office"] == seen["leader"] == {a, b}
    assert seen["liaison_b"] == {b}  # a liaison sees only their own department


def test_inspector_records_for_supervised_department_only(
    inspector, dept_a, dept_b, inspection_group
):
    # given / when
    own = services.inspection_record(
        actor=inspector,
        kind="open",
        inspected_on=DAY,
        inspectors="纪检组",
        department=dept_a,
    )

    # then
    assert own.inspection_group == inspection_group
    with pytest.raises(NotAllowed):
        services.inspection_record(
            actor=inspector,
            kind="open",
            inspected_on=DAY,
            inspectors="纪检组",
            department=dept_b,
        )


def test_inspector_page_hides_other_departments(client, inspector, inspections):
    # given
    a, b = inspections
    client.force_login(inspector)

    # when / then
    assert client.get(f"/supervision/inspections/{a.pk}/").status_code == 200
    assert client.get(f"/supervision/inspections/{b.pk}/").status_code == 404
    page = client.get("/supervision/inspections/").content.decode()
    assert "张三" in page and "王五" not in page


def test_problem_raises_an_assignment(office_user, inspections, dept_a):
    # given
    project = make_project(lead=dept_a)
    inspection, _ = inspections
    inspection.project = project
    inspection.save()
    problem = services.problem_record(
        actor=office_user,
        inspection=inspection,
        description="学习记录不完整",
        due_on=datetime.date(2026, 6, 30),
    )

    # when
    services.problem_raise_assignment(actor=office_user, problem=problem)

    # then
    problem.refresh_from_db()
    notice = problem.assignment
    assert notice.kind == Notice.Kind.ASSIGNMENT
    assert notice.department == dept_a
    assert notice.project == project
    assert notice.due_on == datetime.date(2026, 6, 30)
    assert problem.status == Problem.Status.ASSIGNED
    assert list(
        SupervisionEvent.objects.filter(problem=problem).values_list(
            "action", "to_status"
        )
    ) == [("record", "open"), ("assign", "assigned")]


def test_problem_status_and_accountability(office_user, inspections, dept_a):
    # given
    problem = services.problem_record(
        actor=office_user, inspection=inspections[0], description="未按时备案"
    )

    # when
    services.problem_set_status(
        actor=office_user, problem=problem, to="rectified", reason="已补报"
    )
    record = services.accountability_record(
        actor=office_user,
        department=dept_a,
        action="talk",
        person="某某",
        decided_on=DAY,
        problem=problem,
    )

    # then
    problem.refresh_from_db()
    assert problem.status == "rectified" and problem.rectified_at is not None
    assert Accountability.objects.get() == record
    assert record.get_action_display() == "谈话提醒"


def test_inspector_cannot_act_on_problems_outside_scope(
    client, inspector, office_user, inspections
):
    # given a problem in dept_b, which the inspector's group does not supervise
    _, b = inspections
    problem = services.problem_record(
        actor=office_user, inspection=b, description="台账缺失", due_on=DAY
    )
    client.force_login(inspector)

    # when
    response = client.post(f"/supervision/problems/{problem.pk}/assign/")

    # then
    assert response.status_code == 404
    problem.refresh_from_db()
    assert problem.assignment_id is None


def test_supervision_records_refuse_another_departments_project(
    inspector, office_user, dept_a, dept_b, inspections
):
    # given a project of dept_b only, and a problem found at dept_b
    b_project = make_project(lead=dept_b)
    _, b_inspection = inspections
    b_problem = services.problem_record(
        actor=office_user, inspection=b_inspection, description="台账不全"
    )

    # when / then: dept_a's records cannot point at B's project or B's problem
    with pytest.raises(DomainError):
        services.inspection_record(
            actor=inspector,
            kind="open",
            inspected_on=DAY,
            inspectors="纪检组",
            department=dept_a,
            project=b_project,
        )
    for extra in ({"project": b_project}, {"problem": b_problem}):
        with pytest.raises(DomainError):
            services.accountability_record(
                actor=office_user,
                department=dept_a,
                action="talk",
                person="某某",
                decided_on=DAY,
                **extra,
            )
    assert not Accountability.objects.filter(department=dept_a).exists()
    # and the form offers the inspector only projects of supervised departments
    a_project = make_project(lead=dept_a)
    offered = set(InspectionForm(user=inspector).fields["project"].queryset)
    assert offered == {a_project}
