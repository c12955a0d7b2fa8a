"""日常执规事项: a yearly duty on 7月1日 is generated, reminded, done with
evidence and counted (frozen dates through `today=`)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config.errors import NotAllowed
from notices.models import Notice
from org.models import Office
from responsibilities.models import ResponsibilityList
from supervision import rates, services
from supervision.models import Cycle, Duty, RowSchedule
from tests import factories
from workflows.calendar import add_working_days

pytestmark = pytest.mark.django_db
JULY_1 = datetime.date(2026, 7, 1)


def _party_day(department, **schedule):
    """党章学习日 of `department`, on 7月1日 each year, from 7 days before."""
    row = factories.ResponsibilityFactory(
        kind=ResponsibilityList.Kind.DRIVER,
        regulation=None,
        department=department,
        mechanism="党章学习日",
        driver_type="study",
    )
    RowSchedule.objects.create(
        row=row, cycle=Cycle.YEARLY, month=7, day=1, lead_days=7, **schedule
    )
    return row


@pytest.fixture
def party_day(dept_a, dept_b):
    """党章学习日: dept_a responsible, dept_b partner; due 5 working days after."""
    row = _party_day(dept_a, due_working_days=5)
    row.partner_departments.set([dept_b])
    return row


def test_duty_yearly_on_july_first_generated_reminded_done_and_counted(
    party_day, dept_a, dept_b, liaison, office_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    due = add_working_days(JULY_1, 5)

    # when the scan runs before the lead time, then within it (twice)
    early = services.supervision_scan(today=datetime.date(2026, 6, 20))
    services.supervision_scan(today=datetime.date(2026, 6, 24))
    services.supervision_scan(today=datetime.date(2026, 6, 25))

    # then one duty per department, due 5 working days after 7月1日
    assert early["duties_created"] == 0
    duties = Duty.objects.order_by("department__code")
    assert [(d.department, d.occurs_on, d.due_on) for d in duties] == [
        (dept_a, JULY_1, due),
        (dept_b, JULY_1, due),
    ]
    assert "党章学习日（2026年7月1日）" == duties[0].title

    # when the scan runs on 7月1日 (not yet due soon), then within the rule's
    # 3 working days before the due date (twice): one reminder each, once
    services.supervision_scan(today=JULY_1)
    assert not Notice.objects.filter(title__contains="党章学习日").exists()
    services.supervision_scan(today=datetime.date(2026, 7, 3))
    services.supervision_scan(today=datetime.date(2026, 7, 6))
    reminders = Notice.objects.filter(
        kind=Notice.Kind.REMINDER, title__contains="党章学习日"
    )
    assert sorted(n.department.code for n in reminders) == ["A", "B"]

    # when A's liaison reports it done with evidence on 7月3日
    duty = Duty.objects.get(department=dept_a)
    with pytest.raises(NotAllowed):  # nobody else may
        services.duty_complete(duty=duty, actor=office_user, text="x")
    services.duty_complete(
        duty=duty,
        actor=liaison,
        text="组织全体党员集中学习党章",
        file=SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 test"),
        today=datetime.date(2026, 7, 3),
    )

    # then it is done; B's goes overdue after its due date
    services.supervision_scan(today=due + datetime.timedelta(days=1))
    duty.refresh_from_db()
    assert duty.status == "done" and duty.evidence_file.name.endswith(".pdf")
    assert Duty.objects.get(department=dept_b).status == "overdue"

    # and 日常执规完成率 counts it: A 1/1, B 0/1
    rows = {
        r["department_name"]: r
        for r in rates.supervision_rates(
            user=office_user, year=2026, quarter=3, today=datetime.date(2026, 7, 20)
        )
    }
    assert (rows[dept_a.name]["duties_on_time"], rows[dept_a.name]["duties_due"]) == (
        1,
        1,
    )
    assert rows[dept_a.name]["duty_on_time_rate"] == 100
    assert (rows[dept_b.name]["duties_on_time"], rows[dept_b.name]["duties_due"]) == (
        0,
        1,
    )


def test_duty_before_meeting_count_per_quarter_and_liaison_page(
    client, dept_a, liaison, outsider
):
    # given 会前学法 twice a quarter
    row = factories.ResponsibilityFactory(
        kind=ResponsibilityList.Kind.DRIVER,
        regulation=None,
        department=dept_a,
        mechanism="会前学法",
        driver_type="study",
    )
    RowSchedule.objects.create(row=row, cycle=Cycle.BEFORE_MEETING, count_per_quarter=2)
    # when
    services.supervision_scan(today=datetime.date(2026, 8, 3))
    # then two duties for Q3, due on its last working day
    duties = list(Duty.objects.order_by("seq"))
    assert [d.seq for d in duties] == [1, 2]
    assert duties[0].due_on == datetime.date(2026, 9, 30)
    # and A's liaison sees and completes them on the page; B's liaison does not
    client.force_login(outsider)
    assert (
        "会前学法（2026年第3季度"
        not in client.get("/supervision/duties/").content.decode()
    )
    client.force_login(liaison)
    assert "报送完成" in client.get("/supervision/duties/").content.decode()
    response = client.post(
        f"/supervision/duties/{duties[0].pk}/complete/", {"text": "会前学习《条例》"}
    )
    assert response.status_code == 302
    duties[0].refresh_from_db()
    assert duties[0].status == "done"
    client.force_login(outsider)
    assert (
        client.post(
            f"/supervision/duties/{duties[1].pk}/complete/", {"text": "x"}
        ).status_code
        == 404
    )


def test_duty_for_all_departments_stays_in_the_rows_office(dept_a, dept_b):
    # given a second district with one unit, and 南湖's duty for all its units
    other = Office.objects.create(code="xiuzhou", name="秀洲区委办", number_prefix="秀")
    outside = factories.DepartmentFactory(office=other)
    _party_day(dept_a, for_all_departments=True)
    # when the scan runs on the day
    services.supervision_scan(today=JULY_1)
    # then the row's own office's units have the duty, the other district's not
    have = set(Duty.objects.values_list("department_id", flat=True))
    assert {dept_a.pk, dept_b.pk} <= have
    assert outside.pk not in have
