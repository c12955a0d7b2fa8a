"""Notices written in batches (the daily scan): the same rows as one by one,
and a batch that meets a notice raised meanwhile skips it without a gap."""

import datetime

import pytest

from notices.models import Notice, NoticeCounter
from notices.services.batch import notices_create_batch
from org.models import Office
from tests import factories
from tests.notices.conftest import TODAY, make_project


def _warning(step, *, level=1, cc=()):
    return dict(
        kind=Notice.Kind.WARNING,
        department=step.department,
        title=f"警示：{step.name}",
        body="请立即整改落实。",
        due_on=TODAY,
        level=level,
        cc_departments=list(cc),
        cc_text="",
        issued_on=TODAY,
        project=step.project,
        step=step,
    )


def _overdue_step(dept, code):
    return factories.StepFactory(
        project=make_project(lead=dept),
        department=dept,
        code=code,
        due_on=TODAY - datetime.timedelta(3),
    )


@pytest.mark.django_db
def test_notices_create_batch_writes_numbers_copies_and_events(
    dept_a, inspection_group
):
    # given two overdue steps, the second at its third warning
    first, second = _overdue_step(dept_a, "a"), _overdue_step(dept_a, "b")
    # when both warnings are written in one batch
    notices = notices_create_batch(
        drafts=[_warning(first), _warning(second, level=3, cc=[inspection_group])]
    )
    # then they are numbered in order, the third copies the inspection group
    assert [n.serial for n in notices] == [1, 2]
    assert notices[1].number.endswith("警〔2026〕2号")
    assert list(notices[1].cc_departments.all()) == [inspection_group]
    assert list(notices[0].cc_departments.all()) == []
    # and each has its "create" event
    for notice in notices:
        event = notice.events.get()
        assert (event.action, event.to_status, event.reason) == (
            "create",
            Notice.Status.PENDING,
            notice.number,
        )


@pytest.mark.django_db
def test_notices_create_batch_skips_a_notice_raised_meanwhile_without_a_gap(
    dept_a,
):
    # given a step whose level-1 warning another scan raised after selection
    first, second = _overdue_step(dept_a, "a"), _overdue_step(dept_a, "b")
    factories.NoticeFactory(step=first, level=1)
    # when this scan writes its batch with both
    created = notices_create_batch(drafts=[_warning(first), _warning(second)])
    # then the existing one is skipped and the other numbered with no gap
    assert created[0] is None
    assert created[1].step == second
    assert created[1].serial == 1
    counter = NoticeCounter.objects.get(kind=Notice.Kind.WARNING, year=2026)
    assert counter.last_serial == 1
    assert Notice.objects.filter(step=first).count() == 1


@pytest.mark.django_db
def test_notices_create_batch_numbers_each_office_on_its_own(dept_a):
    # given a department of a second district office, with its own prefix
    other = Office.objects.create(
        code="xz",
        name="秀洲区委办",
        kind=Office.Kind.DISTRICT,
        number_prefix="秀洲执规",
    )
    dept_x = factories.DepartmentFactory(code="X", name="秀洲区司法局", office=other)
    steps = [_overdue_step(dept_a, "a"), _overdue_step(dept_x, "x")]
    steps += [_overdue_step(dept_a, "b"), _overdue_step(dept_x, "y")]
    # when one batch warns all four
    notices = notices_create_batch(drafts=[_warning(step) for step in steps])
    # then each office numbers its own warnings from 1, with its prefix
    assert [n.serial for n in notices] == [1, 1, 2, 2]
    assert notices[1].number == "秀洲执规警〔2026〕1号"
    assert notices[3].number == "秀洲执规警〔2026〕2号"
    assert not notices[0].number.startswith("秀洲")
    assert len({n.number for n in notices}) == 4
