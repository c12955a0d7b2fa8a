"""`make prod-check`: the production stack (gunicorn + worker + beat,
DJANGO_DEBUG=false, PostgreSQL and Redis) serves a login, a launch, and delivers
the project's 告知单."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.config.stack import Stack, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.celery_worker]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = Stack(
        database_url=os.environ["DATABASE_URL"],
        redis_url=os.environ["REDIS_URL"],
        log_dir=tmp_path_factory.mktemp("stack"),
    )
    try:
        yield running.start()
    except BaseException:
        print(running.logs())
        raise
    finally:
        running.stop()


def test_prod_check_login_launch_and_notice_delivered(stack):
    # given the office logs in through the form and holds an API token
    cookies = stack.login("office")
    status, page, _ = stack.request("GET", "/workflows/", cookies=cookies)
    assert status == 200
    assert "执规通" in page.decode()
    token = stack.token("office")
    # when it launches a project
    project_id = stack.launch(token)
    # then the worker delivers its 告知单
    wait_for(
        lambda: (
            (notices := stack.notices_of(project_id))
            and all(delivered for _, _, delivered in notices)
        ),
        timeout=60,
        message=f"告知单 of project {project_id} delivered\n{stack.logs()}",
    )
    # and the page's stylesheet comes from the app (WhiteNoise, hashed name)
    css = next(
        part.split('"')[0]
        for part in page.decode().split('href="')
        if "zhigui" in part.split('"')[0] and ".css" in part.split('"')[0]
    )
    assert css != "/static/css/zhigui.css"
    assert stack.request("GET", css)[0] == 200
    # and /readyz sees database, cache, broker and beat's heartbeat
    wait_for(
        lambda: stack.request("GET", "/readyz")[0] == 200,
        timeout=60,
        message=f"/readyz 200 (beat heartbeat)\n{stack.logs()}",
    )


def test_prod_check_burst_keeps_database_connections_bounded(stack):
    # given a logged-in office
    cookies = stack.login("office")

    def page(_):
        return stack.request("GET", "/workflows/", cookies=dict(cookies))[0]

    # when 50 requests arrive at once, twice (runserver leaked one connection
    # per request thread here, and the next burst got "too many clients")
    with ThreadPoolExecutor(max_workers=50) as pool:
        first = list(pool.map(page, range(50)))
        second = list(pool.map(page, range(50)))
    # then every request is served
    assert set(first) == set(second) == {200}
    # and the app holds at most one connection per gunicorn thread, plus the
    # worker's processes: 2 workers x 4 threads + 2 + 2
    connections = stack.sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
        [stack.db_name],
    )[0][0]
    assert connections <= 2 * 4 + 2 + 2 + 1, connections  # +1: this query
