"""Fuzz every operation of the OpenAPI schema in-process: no 5xx for any input.

Schemathesis builds requests from the schema the app serves and sends them to
the WSGI app inside the test's transaction, as the office, a liaison and a
machine client: first its coverage phase (boundary and wrong-type values for
every parameter, the same every run), then a few derandomized Hypothesis
examples per operation, valid and invalid. About 45 s on SQLite for all three.
It found ids like 1e23 and years like 0 turning into 500s in the list filters.
"""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from notices.services import assignment_issue
from tests import factories
from workflows import services as workflow_services
from workflows.flows import seed_default_flows
from workflows.models import FlowTemplate, StepTemplate

pytestmark = pytest.mark.django_db

EXAMPLES = 4

# Loading the schema renders /api/schema/ (no database access).
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """As Django's test client does: a request must not close the connection
    that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(office_user, liaison, dept_a, dept_b):
    """A little of everything, so generated ids hit real rows sometimes."""
    regulation = factories.RegulationFactory()
    row = factories.ResponsibilityFactory(regulation=regulation, department=dept_a)
    seed_default_flows(FlowTemplate, StepTemplate)
    project = workflow_services.project_launch(
        regulation=regulation,
        year=2026,
        lead_department=dept_a,
        partner_departments=[dept_b],
        flow_code="general",
        starts_on=datetime.date(2026, 9, 1),
        actor=office_user,
    )
    notice = assignment_issue(
        department=dept_a,
        title="交办事项",
        body="",
        due_on=None,
        actor=office_user,
        project=project,
    )
    step = project.steps.filter(department=dept_a).order_by("order").first()
    # Real ids per resource, for requests that must get past the 404.
    return {
        "regulations": regulation.pk,
        "responsibilities": row.pk,
        "projects": project.pk,
        "steps": step.pk,
        "notices": notice.pk,
    }


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def _coverage_cases(operation):
    """Schemathesis' coverage phase: boundary and wrong-type values for every
    parameter and body field (huge numbers, tiny floats, empty strings ...),
    derived from the schema alone, so the same cases every run."""
    return SCHEMA.iter_coverage_cases(
        operation,
        generation_modes=list(GenerationMode),
        generation_config=SCHEMA.config.generation_for(operation=operation),
    )


@pytest.mark.parametrize("who", ["office_user", "liaison", "api_client_user"])
def test_api_fuzz_no_server_error(request, world, who):
    # given: a user of each kind of caller and the schema's operations
    headers = {"Authorization": f"Token {_token(request.getfixturevalue(who))}"}
    assert len(OPERATIONS) >= 20
    calls = 0

    for operation in OPERATIONS:
        # when: the deterministic boundary cases ...
        for case in _coverage_cases(operation):
            case.call_and_validate(headers=headers, checks=[not_a_server_error])
            calls += 1

        # ... and a few derandomized generated ones, valid and invalid
        for mode in GenerationMode:

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

            run()

    # then: no 5xx (call_and_validate raises naming the operation and request);
    # and the boundary cases did run
    assert calls > 10 * len(OPERATIONS)


WRITES = sorted(
    (operation.method.upper(), operation.path)
    for operation in OPERATIONS
    if operation.method.upper() in {"POST", "PATCH"}
)


@pytest.mark.parametrize("who", ["office_user", "liaison"])
@pytest.mark.parametrize("body", ["1", "[]", "null", '"text"'])
def test_api_writes_json_body_not_an_object_is_4xx(api, request, world, who, body):
    # given: every POST/PATCH of the schema, on rows the caller can see
    api.force_authenticate(request.getfixturevalue(who))
    assert len(WRITES) >= 10
    for method, path in WRITES:
        resource = path.split("/")[3]
        url = path.replace("{id}", str(world.get(resource, 0)))
        # when: valid JSON that is not an object (request.data.get() failed)
        response = getattr(api, method.lower())(
            url, body, content_type="application/json"
        )
        # then
        assert response.status_code < 500, (method, url, body, response.status_code)
