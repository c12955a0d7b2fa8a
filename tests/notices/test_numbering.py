import threading

import pytest
from django.db import connection, transaction

from notices.models import Notice, NoticeCounter
from notices.services import assignment_issue, number_allocate, number_format


def test_number_format_office_style(settings):
    settings.NOTICE_NUMBER_PREFIX = "南湖执规"
    assert number_format(kind="notification", year=2026, serial=12) == (
        "南湖执规告〔2026〕12号"
    )
    assert number_format(kind="warning", year=2026, serial=1) == "南湖执规警〔2026〕1号"


def test_number_allocate_sequential_per_kind_and_year(db):
    with transaction.atomic():
        got = [number_allocate(kind="warning", year=2026)[0] for _ in range(3)]
        other = number_allocate(kind="assignment", year=2026)[0]
        next_year = number_allocate(kind="warning", year=2027)[0]
    assert got == [1, 2, 3] and other == 1 and next_year == 1


def test_number_allocate_rolled_back_creation_skips_nothing(db):
    # given a creation that fails after taking a number
    with transaction.atomic():
        number_allocate(kind="warning", year=2026)
    try:
        with transaction.atomic():
            number_allocate(kind="warning", year=2026)
            raise RuntimeError("creation failed")
    except RuntimeError:
        pass
    # then the next number follows the last one that was kept
    with transaction.atomic():
        assert number_allocate(kind="warning", year=2026)[0] == 2


@pytest.mark.django_db(transaction=True)
def test_number_allocate_outside_transaction_refused():
    with pytest.raises(RuntimeError):
        number_allocate(kind="warning", year=2026)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_number_allocate_concurrent_threads_no_repeat_no_gap(dept_a, office_user):
    # given 8 threads issuing 5 assignments each at the same time
    barrier = threading.Barrier(8)
    errors = []

    def issue():
        try:
            barrier.wait()
            for i in range(5):
                with transaction.atomic():
                    assignment_issue(
                        department=dept_a,
                        title=f"并发{i}",
                        body="",
                        due_on=None,
                        actor=office_user,
                    )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then 40 numbers 1..40, none repeated, none skipped
    assert errors == []
    serials = sorted(Notice.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 41))
    assert NoticeCounter.objects.get(kind="assignment").last_serial == 40
