import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from responsibilities import services
from responsibilities.models import ResponsibilityList


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_offices_naming_a_lead_at_once_one_wins(office_user, dept_a, dept_b, reg_a):
    # given: two office requests racing to name a lead for the same regulation
    barrier = threading.Barrier(2)
    outcomes = []

    def name_lead(department):
        try:
            barrier.wait()
            services.responsibility_create(
                kind="lead", user=office_user, department=department, regulation=reg_a
            )
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.message_dict.get("regulation"))
        finally:
            connection.close()

    threads = [threading.Thread(target=name_lead, args=(d,)) for d in (dept_a, dept_b)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then: exactly one lead, the other request got a clear Chinese error
    assert sorted(map(str, outcomes)) == sorted(
        ["ok", str(["该法规已有牵头执行部门，请修改原条目。"])]
    )
    assert ResponsibilityList.objects.filter(regulation=reg_a).count() == 1
