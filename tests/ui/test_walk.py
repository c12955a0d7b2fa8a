"""Every page, as each demo role, shows no code value and no English word.

The demo district is seeded once for the module inside a transaction that is
rolled back at the end (seeding takes ~20 s; each test then runs in a savepoint).
Each URL pattern is requested with no arguments, or with the id of a demo object
the role can see; POST-only actions answer 405 and are skipped. 403 and 404
pages are checked too: they must be the Chinese error pages.
"""

import datetime
import html as html_lib
import io
import logging
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from evaluation.models import Evaluation, EvaluationRound
from notices.models import ImplementationReport, Notice
from org.models import Department
from regulations.models import Regulation
from responsibilities.models import ResponsibilityList
from supervision.models import Inspection
from tests.ui.test_date_inputs import ISO, date_input_values
from workflows.models import EVIDENCE_KINDS, ExecutionProject, Step, StepTemplate

ROLES = ["office", "leader", "inspector", "liaison_zzb"]
# English words a user of the Chinese UI must never see.
ENGLISH = [
    "Forbidden",
    "Not Found",
    "Server Error",
    "Page not found",
    "draft",
    "create",
    "update",
    "submit",
    "approve",
    "None",
    "True",
    "False",
    "National Day",
    "New Year",
    "Spring Festival",
    "Tomb-sweeping Day",
    "Labour Day",
    "Dragon Boat Festival",
    "Mid-autumn Festival",
]
# Prefixes that are not pages of the app (admin, API, docs, logout, login).
SKIP_PREFIXES = ("admin/", "api/", "accounts/", "healthz", "readyz")
# Pages that are files (xlsx, attachments) rather than HTML.
SKIP_NAMES = {"regulations:export", "responsibilities:export"}
# Code-like words that are data on these pages, not leaked codes: the users
# page lists login names (用户名) by design.
DATA_PAGES = {"responsibilities:users", "responsibilities:user_edit"}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield prefix + str(entry.pattern), name


def _code_values() -> set[str]:
    """Every TextChoices value whose label differs (codes like `draft`), plus
    step-template codes and evidence kinds (codes like `filing`)."""

    codes = set(EVIDENCE_KINDS)
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in {
            "regulations",
            "responsibilities",
            "workflows",
            "notices",
            "evaluation",
        }:
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "choices", None) or []:
                if isinstance(value, str) and value != label and len(value) > 2:
                    codes.add(value)
    codes |= set(StepTemplate.objects.values_list("code", flat=True))
    return codes


def _visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|svg)\b.*?</\1>", " ", page)
    page = re.sub(r"(?is)<head\b.*?</head>", " ", page)
    # placeholders, titles and aria labels are read by users too
    attrs = " ".join(re.findall(r'(?:placeholder|title|aria-label)="([^"]*)"', page))
    text = re.sub(r"(?s)<[^>]+>", " ", page)
    return html_lib.unescape(text + " " + attrs)


def _word(word: str):
    return re.compile(rf"(?<![A-Za-z0-9_./-]){re.escape(word)}(?![A-Za-z0-9_/-])")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _sample_ids(user) -> dict[str, int]:
    """URL name -> the id of a demo object this user can open."""
    dept = user.membership.department
    role = user.membership.role
    # the departments whose objects this role opens (None: the office sees all)
    scope = None
    if role == "liaison":
        scope = [dept]
    elif role == "inspector":
        scope = list(Department.objects.filter(inspection_group=dept))
    own = scope is not None
    steps = Step.objects.filter(department__in=scope) if own else Step.objects.all()
    projects = (
        ExecutionProject.objects.filter(steps__department__in=scope)
        if own
        else ExecutionProject.objects.all()
    )
    notices = (
        Notice.objects.filter(department__in=scope) if own else Notice.objects.all()
    )
    sheets = (
        Evaluation.objects.filter(department__in=scope) if own else Evaluation.objects
    )
    responsibilities = ResponsibilityList.objects.all()
    if own:
        responsibilities = responsibilities.filter(department__in=scope)

    def first(qs):
        obj = qs.order_by("pk").first()
        return obj.pk if obj else None

    step = first(steps)
    notice = first(notices)
    regulation = first(Regulation.objects.filter(is_deleted=False))
    ids = {
        "workflows:project": first(projects),
        "workflows:step": step,
        "notices:detail": notice,
        "notices:print": notice,
        "notices:report_print": first(
            ImplementationReport.objects.filter(notice__department__in=scope)
            if own
            else ImplementationReport.objects
        ),
        "regulations:detail": regulation,
        "regulations:edit": regulation,
        "regulations:history": regulation,
        "responsibilities:detail": first(responsibilities),
        "responsibilities:edit": first(responsibilities),
        "evaluation:round_detail": first(EvaluationRound.objects),
        "evaluation:bulletin": first(EvaluationRound.objects),
        "evaluation:sheet": first(sheets),
        "evaluation:inspection_detail": first(Inspection.objects),
        "evaluation:credit_history": dept.pk if dept else None,
        "responsibilities:user_edit": user.pk,
        "responsibilities:department_edit": dept.pk if dept else None,
    }
    return ids


def _pages(user):
    """(path, url name) for every page this walk requests."""
    ids = _sample_ids(user)
    kinds = ["lead", "driver", "safeguard", "supervision"]
    # October shows 国庆节 (chinese-calendar names it "National Day"); then two 404s
    yield f"/workflows/calendar/?year={datetime.date.today().year}&month=10", "cal"
    yield "/no-such-page/", "404"
    # the bulk launch's preview table (its bare URL shows only the form)
    today = datetime.date.today()
    yield f"/workflows/launch/bulk/?year={today.year}&starts_on={today}", "bulk"
    yield "/workflows/steps/999999999/", "404"
    for pattern, name in _patterns():
        if pattern.startswith(SKIP_PREFIXES) or name in SKIP_NAMES:
            continue
        if "<" not in pattern:
            yield "/" + pattern, name
            continue
        args = re.findall(r"<(?:(\w+):)?(\w+)>", pattern)
        if any(conv == "str" and arg == "action" for conv, arg in args):
            continue  # POST-only actions
        if len(args) == 1 and args[0][0] == "int" and ids.get(name):
            yield "/" + re.sub(r"<[^>]+>", str(ids[name]), pattern), name
        elif len(args) == 1 and args[0][1] == "kind":
            for kind in kinds:
                yield "/" + re.sub(r"<[^>]+>", kind, pattern), name


def _problems(page: str, codes: set[str], name: str) -> list[str]:
    text = _visible_text(page)
    found = [w for w in ENGLISH if _word(w).search(text)]
    if name not in DATA_PAGES:
        found += [f"code:{c}" for c in sorted(codes) if _word(c).search(text)]
    found += [f"date:{v}" for v in date_input_values(page) if v and not ISO.match(v)]
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_walk_every_page_shows_only_chinese(demo, client, username, caplog):
    # given a demo user and every page of the app
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    codes = _code_values()
    leaks, statuses = {}, {}

    # when each page is opened (the expected 403/404 warnings are not logged)
    caplog.set_level(logging.CRITICAL, logger="django.request")
    for path, name in _pages(user):
        response = client.get(path)
        statuses[path] = response.status_code
        if response.status_code in (301, 302, 405):
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        found = _problems(response.content.decode(), codes, name)
        if found:
            leaks[f"{response.status_code} {path}"] = found

    # then no page shows a code or an English word, and none fails
    assert [p for p, s in statuses.items() if s >= 500] == []
    assert statuses["/no-such-page/"] == 404
    assert leaks == {}
    assert sum(1 for s in statuses.values() if s == 200) >= 15
