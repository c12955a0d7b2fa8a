"""The production stack as an operator runs it, for `make prod-check` and the
fault tests: gunicorn + Celery worker + Celery beat with DJANGO_DEBUG=false on
PostgreSQL and Redis, each a real process.

It uses its own database (`<DATABASE_URL's name>_stack`, created fresh and dropped
afterwards) and, when asked, its own redis-server on a free port that the test
may stop and start again. Nothing here touches the shared servers' other data.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "zhigui2026"  # the demo users' password (README)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, message: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s: {message}")


class OwnRedis:
    """A redis-server this test starts and stops (never the shared one)."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.log = log_dir / "redis.log"
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_for(self.answers, timeout=20, message="redis-server start")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


class Stack:
    def __init__(self, *, database_url: str, redis_url: str | None, log_dir: Path):
        self.log_dir = log_dir
        base = urlsplit(database_url)
        self.db_name = f"{base.path.lstrip('/')}_stack"
        self.admin_dsn = base._replace(path="/postgres").geturl()
        self.database_url = base._replace(path=f"/{self.db_name}").geturl()
        self.own_redis = None if redis_url else OwnRedis(log_dir)
        self.redis_url = redis_url
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.static_root = tempfile.mkdtemp(prefix="zhigui-static-")
        self.media_root = tempfile.mkdtemp(prefix="zhigui-media-")

    # --- environment ---------------------------------------------------------
    def env(self) -> dict:
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "CELERY_", "PYTEST_"))
        }
        environment.update(
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            DJANGO_STATIC_ROOT=self.static_root,
            DJANGO_MEDIA_ROOT=self.media_root,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            PORT=str(self.port),
            WEB_CONCURRENCY="2",
            GUNICORN_THREADS="4",
        )
        return environment

    def sql(self, query: str, params=()):
        with psycopg2.connect(self.database_url) as conn, conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else None

    def _admin(self, statement: str) -> None:
        conn = psycopg2.connect(self.admin_dsn)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(statement)
        finally:
            conn.close()

    def terminate_app_connections(self) -> int:
        """What a PostgreSQL restart does to the app: every backend of its
        database is killed (the shared cluster itself keeps running)."""
        conn = psycopg2.connect(self.admin_dsn)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.db_name],
                )
                return cursor.fetchone()[0]
        finally:
            conn.close()

    # --- processes -----------------------------------------------------------
    def _manage(self, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env_fixed,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = (self.log_dir / f"{name}.log").open("a")
        self.processes[name] = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env_fixed,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self) -> Stack:
        if self.own_redis:
            self.own_redis.start()
            self.redis_url = self.own_redis.url
        self.env_fixed = self.env()
        self._admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.db_name}"')
        self._manage("migrate", "--noinput")
        self._manage("collectstatic", "--noinput")
        self._manage("seed_demo")
        self._spawn(
            "web",
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "-c",
                "config/gunicorn.py",
            ],
        )
        self._spawn(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--hostname",
                f"stack-{self.port}@%h",
            ],
        )
        self._spawn(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.log_dir / "celerybeat-schedule"),
            ],
        )
        wait_for(
            lambda: self.request("GET", "/healthz")[0] == 200,
            timeout=60,
            message="gunicorn answering /healthz",
        )
        return self

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if self.own_redis:
            self.own_redis.stop()
        try:
            self._admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        except psycopg2.Error:
            pass
        shutil.rmtree(self.static_root, ignore_errors=True)
        shutil.rmtree(self.media_root, ignore_errors=True)

    def logs(self) -> str:
        parts = []
        for path in sorted(self.log_dir.glob("*.log")):
            parts.append(f"--- {path.name}\n{path.read_text()[-3000:]}")
        return "\n".join(parts)

    # --- HTTP, as a browser behind the TLS proxy -----------------------------
    def request(self, method, path, *, body=None, headers=None, cookies=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {
            "Host": "127.0.0.1",
            # nginx terminates TLS and says so (SECURE_PROXY_SSL_HEADER).
            "X-Forwarded-Proto": "https",
            **(headers or {}),
        }
        if cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        except OSError as exc:
            return 0, str(exc).encode(), {}
        finally:
            conn.close()
        if cookies is not None:
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie(header)
                for key, morsel in cookie.items():
                    cookies[key] = morsel.value
        return response.status, data, response.headers

    def login(self, username: str) -> dict:
        """The login form, as a person uses it; returns the session cookies."""
        cookies: dict = {}
        status, _, _ = self.request("GET", "/accounts/login/", cookies=cookies)
        assert status == 200, status
        form = urlencode(
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": cookies["csrftoken"],
            }
        )
        status, body, headers = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": "https://127.0.0.1/accounts/login/",
            },
            cookies=cookies,
        )
        assert status == 302, (status, body[:500])
        assert "sessionid" in cookies
        return cookies

    def api(self, method, path, *, token, payload=None):
        body = json.dumps(payload) if payload is not None else None
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        status, data, _ = self.request(method, path, body=body, headers=headers)
        try:
            return status, json.loads(data or b"null")
        except ValueError:
            return status, data[:300]

    def token(self, username: str) -> str:
        status, data = self.api_anonymous(
            "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
        )
        assert status == 200, (status, data)
        return data["token"]

    def api_anonymous(self, path, payload):
        status, data, _ = self.request(
            "POST",
            path,
            body=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        return status, json.loads(data or b"null")

    def launch(self, token: str, *, year: int = 2027) -> int:
        """Launch a project on the first regulation not yet launched this year."""
        _, regulations = self.api(
            "GET", "/api/v1/regulations/?page_size=100", token=token
        )
        _, departments = self.api(
            "GET", "/api/v1/departments/?page_size=100&kind=district", token=token
        )
        lead = departments["results"][0]["id"]
        for regulation in regulations["results"]:
            status, data = self.api(
                "POST",
                "/api/v1/projects/",
                token=token,
                payload={
                    "regulation": regulation["id"],
                    "year": year,
                    "flow": "simple",
                    "lead_department": lead,
                    "starts_on": f"{year}-03-01",
                },
            )
            if status == 201:
                return data["id"]
            assert status in (400, 409), (status, data)
        raise AssertionError("no regulation left to launch")

    def notices_of(self, project_id: int) -> list[tuple]:
        return self.sql(
            "SELECT id, status, delivered_at FROM notices_notice WHERE project_id = %s",
            [project_id],
        )
