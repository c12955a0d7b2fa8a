"""Faults on the production stack (gunicorn + worker + beat, DJANGO_DEBUG=false):

- Redis (broker and cache) stopped: the core workflow keeps answering 2xx; the
  notices queued meanwhile go out within 60 s of Redis returning, none twice.
- PostgreSQL restarted under the app (here: every backend of the app's database
  terminated with pg_terminate_backend, since the shared cluster must keep
  running for others): the app answers again without a restart.

The Redis here is a redis-server this test starts and stops on a free port.
"""

import os
import time

import pytest

from tests.config.stack import Stack, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.celery_worker]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = Stack(
        database_url=os.environ["DATABASE_URL"],
        redis_url=None,  # its own redis-server
        log_dir=tmp_path_factory.mktemp("stack"),
    )
    try:
        yield running.start()
    except BaseException:
        print(running.logs())
        raise
    finally:
        running.stop()


def _pages(stack, office, liaison, step_id):
    return {
        "/workflows/": office,
        "/workflows/launch/": office,
        f"/workflows/steps/{step_id}/": office,
        "/workflows/calendar/": office,
        "/workflows/calendar/?year=2027&month=2": office,
        "/notices/": office,
        "/inbox/": liaison,
        "/notices/?mine=1": liaison,
        "/": liaison,
    }


def test_redis_outage_core_workflow_answers_and_notices_follow(stack):
    # given the office and a liaison logged in, a token, a launched project
    office = stack.login("office")
    liaison = stack.login("liaison_zzb")
    token = stack.token("office")
    first = stack.launch(token)
    _, steps = stack.api("GET", f"/api/v1/steps/?project={first}", token=token)
    step_id = steps["results"][0]["id"]
    # when Redis stops
    stack.own_redis.stop()
    assert not stack.own_redis.answers()
    # then pages, the steps API and a launch still answer 2xx
    for path, cookies in _pages(stack, office, liaison, step_id).items():
        status, body, _ = stack.request("GET", path, cookies=cookies)
        assert status == 200, (path, status, body[:300])
    status, data = stack.api("GET", "/api/v1/steps/?page_size=5", token=token)
    assert status == 200, data
    started = time.monotonic()
    launched = stack.launch(token)
    assert time.monotonic() - started < 20, "a launch waited long on the broker"
    status, _, _ = stack.request("GET", "/readyz")
    assert status == 503
    # and its notices wait in the outbox
    waiting = stack.notices_of(launched)
    assert waiting and not any(delivered for _, _, delivered in waiting)
    # when Redis comes back
    time.sleep(5)
    stack.own_redis.start()
    back = time.monotonic()
    # then they are delivered within 60 s
    wait_for(
        lambda: all(delivered for _, _, delivered in stack.notices_of(launched)),
        timeout=60,
        message=f"notices of project {launched} delivered\n{stack.logs()}",
    )
    print(f"delivered {time.monotonic() - back:.1f} s after Redis returned")
    # and none twice in-app, even after more sweeps
    time.sleep(35)
    twice = stack.sql(
        "SELECT d.notice_id FROM notices_delivery d"
        " JOIN notices_notice n ON n.id = d.notice_id"
        " WHERE n.project_id IN (%s, %s) AND d.channel = 'in_app' AND d.result = 'ok'"
        " GROUP BY d.notice_id HAVING count(*) > 1",
        [first, launched],
    )
    assert twice == []


def test_postgres_restart_app_recovers_without_restart(stack):
    # given a logged-in office and a working stack
    office = stack.login("office")
    token = stack.token("office")
    assert stack.request("GET", "/workflows/", cookies=office)[0] == 200
    # when every connection of the app to PostgreSQL is killed
    killed = stack.terminate_app_connections()
    assert killed >= 1
    # then pages and the API answer again (health-checked persistent connections)
    for _ in range(8):  # more requests than one thread holds connections
        status, body, _ = stack.request("GET", "/workflows/", cookies=office)
        assert status == 200, body[:300]
    status, data = stack.api("GET", "/api/v1/steps/?page_size=5", token=token)
    assert status == 200, data
    # and the worker still delivers a new launch's notices
    launched = stack.launch(token)
    wait_for(
        lambda: all(delivered for _, _, delivered in stack.notices_of(launched)),
        timeout=60,
        message=f"notices after the PostgreSQL restart\n{stack.logs()}",
    )
