import threading

import pytest
from django.db import connection

from config.errors import DomainError
from evaluation import services
from evaluation.models import EvaluationRound, RoundEvent
from tests.evaluation.conftest import approved_on_time, make_project


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_round_publish_twice_at_once_publishes_once(office_user, dept_a):
    # given a reviewed round
    approved_on_time(make_project(lead=dept_a), dept_a)
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    services.round_review(round=round_, actor=office_user)
    barrier = threading.Barrier(2)
    outcomes = []

    def publish():
        try:
            barrier.wait()
            copy = EvaluationRound.objects.get(pk=round_.pk)
            services.round_publish(round=copy, actor=office_user)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then exactly one publication, one event
    assert sorted(outcomes) == ["invalid_transition", "ok"]
    assert RoundEvent.objects.filter(round=round_, action="publish").count() == 1
