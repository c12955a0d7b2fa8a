"""The home page as a to-do: each count is the rows of the list it links to."""

import datetime
import re

import pytest
from django.utils import timezone

from notices.models import Notice
from portal import selectors
from responsibilities.models import ResponsibilityList
from supervision.models import (
    Cycle,
    Duty,
    Inspection,
    InspectionPlan,
    Problem,
    SupervisingUnit,
)
from tests import factories
from workflows.models import ExtensionRequest, Step

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _work(dept_a, dept_b, liaison, n=1):
    """n of each: submitted steps, overdue open steps, steps due tomorrow,
    pending extensions, 落实表 to review, late receipts."""
    today = timezone.localdate()
    for i in range(n):
        project = factories.ExecutionProjectFactory(lead_department=dept_a)
        factories.StepFactory(
            project=project,
            code="launch",
            status=Step.Status.SUBMITTED,
            submitted_at=timezone.now(),
            due_on=today + 30 * DAY,
        )
        late = factories.StepFactory(
            project=project, code="training", order=2, due_on=today - (3 + i) * DAY
        )
        factories.StepFactory(
            project=project,
            code="study",
            order=3,
            department=dept_b,
            due_on=today + 40 * DAY,
        )
        factories.StepFactory(
            project=project, code="filing", order=4, due_on=today + DAY
        )
        ExtensionRequest.objects.create(
            step=late,
            department=dept_a,
            reason="等待批复",
            until=today + 10 * DAY,
            previous_due_on=late.due_on,
            requested_by=liaison,
        )
        # a 落实表 the office has to review, and a 告知单 whose 回执 is late
        factories.NoticeFactory(
            kind=Notice.Kind.ASSIGNMENT, department=dept_a, status="answered"
        )
        receipt = factories.ReceiptFactory(project=project, due_on=today - 2 * DAY)
        factories.NoticeFactory(
            kind=Notice.Kind.NOTIFICATION,
            department=dept_a,
            project=project,
            receipt=receipt,
            status="sent",
            due_on=receipt.due_on,
        )
    # not to-do: an approved late step, a reviewed 落实表, a 回执 not yet due
    project = factories.ExecutionProjectFactory(lead_department=dept_a)
    factories.StepFactory(project=project, approved_on=today - 5 * DAY)
    factories.NoticeFactory(
        kind=Notice.Kind.ASSIGNMENT, department=dept_a, status="accepted"
    )
    factories.NoticeFactory(
        kind=Notice.Kind.NOTIFICATION,
        department=dept_a,
        status="sent",
        due_on=today + 2 * DAY,
    )


def _plans(inspection_group, dept_a, dept_b, n=1):
    """n plans of dept_a due within a week (one overdue), and plans that are
    not due: done, due in a month, another group's department."""
    unit = SupervisingUnit.objects.create(
        kind=SupervisingUnit.Kind.GROUP,
        name=inspection_group.name,
        department=inspection_group,
    )
    today = timezone.localdate()

    def plan(department, due_on, status="planned"):
        row = factories.ResponsibilityFactory(
            kind=ResponsibilityList.Kind.SUPERVISION,
            department=department,
            inspection_group=inspection_group,
        )
        return InspectionPlan.objects.create(
            unit=unit,
            row=row,
            department=department,
            cycle=Cycle.QUARTERLY,
            period_start=today - 60 * DAY,
            due_on=due_on,
            status=status,
        )

    plan(dept_a, today - 2 * DAY, "overdue")
    for i in range(n - 1):
        plan(dept_a, today + (i % 7) * DAY)
    plan(dept_a, today - 3 * DAY, "done")
    plan(dept_a, today + 30 * DAY)
    plan(dept_b, today + DAY)
    return unit


def _problems(dept_a, dept_b, n=1):
    """n open problems of dept_a (all unresolved states), and closed ones, and
    one of dept_b (outside the group's scope)."""
    today = timezone.localdate()
    at_a = Inspection.objects.create(
        kind="open", inspected_on=today, inspectors="周涛", department=dept_a
    )
    at_b = Inspection.objects.create(
        kind="open", inspected_on=today, inspectors="周涛", department=dept_b
    )
    open_states = ["open", "assigned", "answered", "overdue"]
    for i in range(n):
        Problem.objects.create(
            inspection=at_a, description=f"问题{i}", status=open_states[i % 4]
        )
    for status in ("rectified", "closed_unresolved"):
        Problem.objects.create(inspection=at_a, description="已销号", status=status)
    Problem.objects.create(inspection=at_b, description="别组", status="open")


def _duties(dept_a, dept_b, n=1):
    """n duties of dept_a due within a week (one overdue); and duties not due:
    done, due in a month; and dept_b's due one."""
    today = timezone.localdate()
    row = factories.ResponsibilityFactory(
        kind=ResponsibilityList.Kind.DRIVER, regulation=None, department=dept_a
    )

    def duty(department, due_on, status="open", seq=1):
        Duty.objects.create(
            row=row,
            department=department,
            title="会前学法",
            period_start=today - 10 * DAY,
            seq=seq,
            occurs_on=due_on,
            due_on=due_on,
            status=status,
        )

    duty(dept_a, today - DAY, "overdue", seq=100)
    for i in range(n - 1):
        duty(dept_a, today + (i % 7) * DAY, seq=i + 1)
    duty(dept_a, today - 5 * DAY, "done", seq=101)
    duty(dept_a, today + 30 * DAY, seq=102)
    duty(dept_b, today + 2 * DAY, seq=103)


def _liaison_work(dept_a, dept_b, n=1):
    """For dept_a, n of each: a 告知单 with its 回执, a bare 回执, a 交办单 to
    answer, a returned 警示单; and what is no longer to-do; dept_b's own."""
    today = timezone.localdate()
    for _ in range(n):
        project = factories.ExecutionProjectFactory(lead_department=dept_a)
        receipt = factories.ReceiptFactory(project=project, due_on=today + DAY)
        factories.NoticeFactory(
            kind=Notice.Kind.NOTIFICATION,
            department=dept_a,
            project=project,
            receipt=receipt,
            status="sent",
            due_on=receipt.due_on,
        )
        factories.ReceiptFactory(
            project=factories.ExecutionProjectFactory(lead_department=dept_a),
            due_on=today + DAY,
        )
        factories.NoticeFactory(
            kind=Notice.Kind.ASSIGNMENT, department=dept_a, status="confirmed"
        )
        factories.NoticeFactory(
            kind=Notice.Kind.WARNING, department=dept_a, status="returned"
        )
    factories.NoticeFactory(
        kind=Notice.Kind.ASSIGNMENT, department=dept_a, status="answered"
    )
    factories.ReceiptFactory(
        project=factories.ExecutionProjectFactory(lead_department=dept_a),
        confirmed=True,
    )
    factories.NoticeFactory(kind=Notice.Kind.ASSIGNMENT, department=dept_b)


def _tiles(client) -> list[tuple[str, str, int]]:
    page = client.get("/").content.decode()
    tiles = re.findall(
        r'href="([^"]+)" data-todo="(\w+)"><span[^>]*>[^<]*</span>'
        r"<span[^>]*data-count>(\d+)</span>",
        page,
    )
    return [(url.replace("&amp;", "&"), key, int(count)) for url, key, count in tiles]


def _rows(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return len(re.findall(r'data-row="', response.content.decode()))


def _assert_counts_are_rows(client, tiles):
    for url, key, count in tiles:
        assert _rows(client, url) == count, key


def test_home_office_todo_counts_equal_the_rows_they_link_to(
    client, office_user, dept_a, dept_b, liaison, inspection_group
):
    # given some of each kind of work
    _work(dept_a, dept_b, liaison, n=2)
    _plans(inspection_group, dept_a, dept_b, n=3)
    client.force_login(office_user)

    # when the office opens its home page
    tiles = _tiles(client)

    # then each tile counts its work and is the number of rows behind its link
    assert {key: count for _, key, count in tiles} == {
        "review": 2,
        "reports": 2,
        "overdue": 2,
        "due_soon": 2,
        "receipts_late": 2,
        "extensions": 2,
        "plans": 4,  # three of dept_a, dept_b's (the office sees all)
    }
    _assert_counts_are_rows(client, tiles)


def test_home_office_todo_takes_a_fixed_number_of_queries(
    office_user,
    dept_a,
    dept_b,
    liaison,
    inspection_group,
    django_assert_max_num_queries,
):
    # given many rows of each kind
    _work(dept_a, dept_b, liaison, n=5)
    _plans(inspection_group, dept_a, dept_b, n=5)

    # when / then
    with django_assert_max_num_queries(9):
        todo = selectors.office_todo(user=office_user)
    assert [t["count"] for t in todo] == [5, 5, 5, 5, 5, 5, 6]


def test_home_liaison_sees_no_office_todo(client, liaison):
    client.force_login(liaison)
    page = client.get("/").content.decode()
    assert 'data-todo="review"' not in page and 'data-todo="extensions"' not in page


def test_home_liaison_todo_counts_equal_the_rows_they_link_to(
    client, office_user, dept_a, dept_b, liaison
):
    # given dept_a's work of each kind, and dept_b's aside
    _work(dept_a, dept_b, liaison, n=1)
    project = factories.ExecutionProjectFactory(lead_department=dept_a)
    factories.StepFactory(project=project, status=Step.Status.RETURNED)
    _liaison_work(dept_a, dept_b, n=2)
    _duties(dept_a, dept_b, n=3)
    client.force_login(liaison)

    # when the liaison opens the home page
    tiles = _tiles(client)

    # then each count is its work and the rows of the list it links to
    assert {key: count for _, key, count in tiles} == {
        # 2 告知单 with their 回执 and 2 bare 回执 (_liaison_work); _work's
        # late 告知单 with its 回执 and its not yet due 告知单
        "sign": 2 + 2 + 2,
        "open": 2,  # _work's late training and filing steps
        "returned": 1,
        "answer": 4,
        "duties": 3,
    }
    _assert_counts_are_rows(client, tiles)


def test_home_outsider_liaison_sees_none_of_another_departments_work(
    client, dept_a, dept_b, liaison, outsider
):
    # given dept_a's work of each kind (and one 交办单 and one duty of dept_b)
    _work(dept_a, dept_b, liaison, n=2)
    _liaison_work(dept_a, dept_b, n=2)
    _duties(dept_a, dept_b, n=3)
    client.force_login(outsider)

    # when dept_b's liaison opens the home page
    tiles = _tiles(client)

    # then only dept_b's own work is counted and listed
    assert {key: count for _, key, count in tiles} == {
        "sign": 1,  # dept_b's own 交办单, not yet signed
        "open": 2,  # dept_b's own study steps
        "returned": 0,
        "answer": 1,
        "duties": 1,
    }
    _assert_counts_are_rows(client, tiles)


def test_home_liaison_todo_takes_a_fixed_number_of_queries(
    dept_a, dept_b, liaison, django_assert_max_num_queries
):
    # given many rows of each kind
    _work(dept_a, dept_b, liaison, n=5)
    _liaison_work(dept_a, dept_b, n=5)
    _duties(dept_a, dept_b, n=5)

    # when / then
    with django_assert_max_num_queries(12):
        todo = selectors.liaison_todo(user=liaison)
    assert {t["key"]: t["count"] for t in todo} == {
        "sign": 5 + 5 + 6,
        "open": 10,
        "returned": 0,
        "answer": 10,
        "duties": 5,
    }


def test_home_leader_lights_count_the_unfinished_steps_they_link_to(
    client, leader, dept_a, dept_b, liaison
):
    # given red, yellow and green unfinished steps and an approved late one
    _work(dept_a, dept_b, liaison, n=2)
    client.force_login(leader)

    # when the leader opens the home page
    tiles = _tiles(client)

    # then the lights count the unfinished steps of each light, as listed
    assert {key: count for _, key, count in tiles} == {
        "light_red": 2,
        "light_yellow": 2,
        "light_green": 4,  # the submitted launch steps and dept_b's study steps
    }
    _assert_counts_are_rows(client, tiles)


def test_home_leader_shows_the_rates_and_links_rankings_and_rates(
    client, leader, dept_a, django_assert_max_num_queries
):
    # given two receipts due this year, one confirmed on time
    today = timezone.localdate()
    due = today - DAY if today.month > 1 or today.day > 1 else today
    factories.ReceiptFactory(
        project=factories.ExecutionProjectFactory(lead_department=dept_a),
        due_on=due,
        confirmed_at=timezone.now() - 3 * DAY,
    )
    factories.ReceiptFactory(
        project=factories.ExecutionProjectFactory(lead_department=dept_a),
        due_on=due,
    )
    client.force_login(leader)

    # when the leader opens the home page
    with django_assert_max_num_queries(30):
        page = client.get("/").content.decode()

    # then the receipt rate is on it, and its overview links open
    if due < today:
        assert re.search(r"回执按时率</td><td[^>]*>50\.0%</td>", page)
    assert "暂无已发布的评价结果" in page
    for link in re.findall(r'href="([^"]+)" data-overview="\w+"', page):
        assert client.get(link.replace("&amp;", "&")).status_code == 200


def test_home_inspector_todo_counts_equal_the_rows_they_link_to(
    client, inspector, inspection_group, dept_a, dept_b
):
    # given plans and problems of the group's dept_a and of dept_b
    _plans(inspection_group, dept_a, dept_b, n=3)
    _problems(dept_a, dept_b, n=4)
    client.force_login(inspector)

    # when the group's inspector opens the home page
    tiles = _tiles(client)

    # then only its scope's plans due and open problems, as listed
    assert {key: count for _, key, count in tiles} == {"plans": 3, "problems": 4}
    _assert_counts_are_rows(client, tiles)


def test_home_inspector_todo_takes_a_fixed_number_of_queries(
    inspector, inspection_group, dept_a, dept_b, django_assert_max_num_queries
):
    _plans(inspection_group, dept_a, dept_b, n=6)
    _problems(dept_a, dept_b, n=6)
    with django_assert_max_num_queries(8):
        todo = selectors.inspector_todo(user=inspector)
    assert [t["count"] for t in todo] == [6, 6]


def test_home_leader_sees_the_published_ranking_top_and_bottom(
    client, leader, office_user, dept_a, dept_b
):
    # given a published 2026 round: dept_a 10/12 ranks above dept_b (a warning)
    from evaluation import services as evaluation_services
    from tests.evaluation.conftest import add_warnings, approved_on_time, make_project

    project = make_project(lead=dept_a, partners=[dept_b])
    approved_on_time(project, dept_a)
    add_warnings(approved_on_time(project, dept_b), 1)
    round_ = evaluation_services.round_create(year=2026, actor=office_user)
    evaluation_services.evaluation_propose(
        round=round_, project=project, actor=office_user
    )
    evaluation_services.round_review(round=round_, actor=office_user)
    evaluation_services.round_publish(round=round_, actor=office_user)
    client.force_login(leader)

    # when the leader opens the home page
    page = client.get("/").content.decode()

    # then the first is at the top, the last at the bottom, linked to the page
    top = re.findall(r'data-rank="top">\d+\. ([^<]+) <', page)
    bottom = re.findall(r'data-rank="bottom">\d+\. ([^<]+) <', page)
    assert top[0] == dept_a.name and dept_b.name in top + bottom
    assert 'href="/evaluation/rankings/?year=2026" data-overview="rankings"' in page
