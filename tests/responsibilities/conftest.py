"""Fixtures for the responsibilities tests: a small world of list rows.

lead_a: dept_a leads reg_a; lead_b: dept_b leads reg_b; shared: dept_b leads reg_c
with dept_a_child as partner; supervision_a: the inspection group supervises dept_a
on reg_a.
"""

import pytest

from org.models import Role
from responsibilities.models import ResponsibilityList
from tests import factories

Kind = ResponsibilityList.Kind


@pytest.fixture
def teammate(db, dept_a):
    """A second liaison of department A: sees what the owner sees."""
    return factories.make_user(Role.LIAISON, dept_a, username="liaison_a2")


@pytest.fixture
def reg_a(db):
    return factories.RegulationFactory(title="中国共产党组织工作条例")


@pytest.fixture
def reg_b(db):
    return factories.RegulationFactory(title="中国共产党政法工作条例")


@pytest.fixture
def reg_c(db):
    return factories.RegulationFactory(title="信访工作条例")


@pytest.fixture
def lead_a(db, reg_a, dept_a):
    return factories.ResponsibilityFactory(regulation=reg_a, department=dept_a)


@pytest.fixture
def lead_b(db, reg_b, dept_b):
    return factories.ResponsibilityFactory(regulation=reg_b, department=dept_b)


@pytest.fixture
def shared(db, reg_c, dept_b, dept_a_child):
    row = factories.ResponsibilityFactory(regulation=reg_c, department=dept_b)
    row.partner_departments.add(dept_a_child)
    return row


@pytest.fixture
def supervision_a(db, reg_a, dept_a, inspection_group):
    return factories.ResponsibilityFactory(
        kind=Kind.SUPERVISION,
        regulation=reg_a,
        department=dept_a,
        inspection_group=inspection_group,
        focus="实施方案制定情况",
    )


@pytest.fixture
def world(lead_a, lead_b, shared, supervision_a):
    return {
        "lead_a": lead_a,
        "lead_b": lead_b,
        "shared": shared,
        "supervision_a": supervision_a,
    }
