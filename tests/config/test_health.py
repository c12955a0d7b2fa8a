"""/healthz and /readyz: no login, no data, 503 naming the part that failed."""

import datetime

import pytest
from django.utils import timezone

from config.models import Heartbeat


def test_healthz_answers_without_login(client):
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_ready_with_a_fresh_heartbeat(client):
    # given beat and a worker ran a moment ago
    Heartbeat.objects.create(name="beat", beat_at=timezone.now())
    # when
    response = client.get("/readyz")
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body["checks"]) == {"database", "cache", "broker", "beat"}
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_readyz_names_beat_when_its_heartbeat_is_old(client):
    # given a beat that stopped ten minutes ago
    Heartbeat.objects.create(
        name="beat", beat_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    # when
    response = client.get("/readyz")
    # then
    assert response.status_code == 503
    assert response.json()["failing"] == ["beat"]


@pytest.mark.django_db
def test_beat_heartbeat_task_writes_the_row():
    # given
    from config.tasks import beat_heartbeat

    # when
    beat_heartbeat.delay()
    # then
    assert Heartbeat.objects.get(name="beat").beat_at > timezone.now() - (
        datetime.timedelta(seconds=5)
    )
