import datetime

import pytest

from tests.factories import RegulationFactory
from workflows import calendar, services
from workflows.flows import seed_default_flows
from workflows.models import FlowTemplate, StepTemplate


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Test transactions roll back without signals: drop cached overrides."""
    calendar.reset_local_cache()
    yield
    calendar.reset_local_cache()


@pytest.fixture
def regulation(db):
    return RegulationFactory()


@pytest.fixture
def launch(db, office_user, regulation, dept_a, dept_b):
    """Launch a project (dept_a leads, dept_b partners) and return it."""
    # A transactional test elsewhere may have flushed the migration's data.
    seed_default_flows(FlowTemplate, StepTemplate)

    def _launch(flow_code="general", starts_on=datetime.date(2026, 9, 1), **kwargs):
        params = {
            "regulation": regulation,
            "year": 2026,
            "lead_department": dept_a,
            "partner_departments": [dept_b],
            "flow_code": flow_code,
            "starts_on": starts_on,
            "actor": office_user,
        }
        params.update(kwargs)
        return services.project_launch(**params)

    return _launch
