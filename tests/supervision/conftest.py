"""室组地 fixtures: two of each kind of supervising unit, so each has an
outsider of its own kind.

group G (the shared `inspection_group`) supervises dept_a; group G2 dept_b.
town T has villages V1, V2; town T2 has village W.
room R covers G and T; room R2 covers G2 only.
local L watches T (its villages); local L2 watches T2.
"""

import pytest

from org.models import Department, Role
from supervision.models import SupervisingUnit
from tests import factories

K = Department.Kind
U = SupervisingUnit.Kind


def _node(code, name):
    return factories.DepartmentFactory(code=code, name=name, kind=K.INSPECTION_GROUP)


def _unit(kind, department, *, units=(), departments=()):
    unit = SupervisingUnit.objects.create(
        kind=kind, name=department.name, department=department
    )
    unit.covers_units.set(units)
    unit.covers_departments.set(departments)
    return unit


@pytest.fixture
def districts(db, inspection_group, dept_a, dept_a_child, dept_b):
    g2 = _node("JJZ2", "派驻第二纪检组")
    dept_b.inspection_group = g2
    dept_b.save()
    town = factories.DepartmentFactory(code="T", name="凤桥镇", kind=K.TOWN)
    v1 = factories.DepartmentFactory(
        code="T-V1", name="联丰村", kind=K.VILLAGE, parent=town
    )
    v2 = factories.DepartmentFactory(
        code="T-V2", name="新民村", kind=K.VILLAGE, parent=town
    )
    town2 = factories.DepartmentFactory(code="T2", name="余新镇", kind=K.TOWN)
    w = factories.DepartmentFactory(
        code="T2-W", name="余新村", kind=K.VILLAGE, parent=town2
    )
    g = _unit(U.GROUP, inspection_group)
    g2_unit = _unit(U.GROUP, g2)
    room = _unit(U.ROOM, _node("JCS1", "第一监督检查室"), units=[g], departments=[town])
    room2 = _unit(U.ROOM, _node("JCS2", "第二监督检查室"), units=[g2_unit])
    local = _unit(U.LOCAL, _node("T-JW", "凤桥镇纪委"), departments=[town])
    local2 = _unit(U.LOCAL, _node("T2-JW", "余新镇纪委"), departments=[town2])
    return {
        "g": g,
        "g2": g2_unit,
        "room": room,
        "room2": room2,
        "local": local,
        "local2": local2,
        "town": town,
        "v1": v1,
        "v2": v2,
        "town2": town2,
        "w": w,
        "dept_a": dept_a,
        "dept_a_child": dept_a_child,
        "dept_b": dept_b,
    }


@pytest.fixture
def unit_inspectors(districts):
    """An inspector of every unit (username = the unit's key)."""
    return {
        key: factories.make_user(
            Role.INSPECTOR, districts[key].department, username=f"insp_{key}"
        )
        for key in ("g", "g2", "room", "room2", "local", "local2")
    }
