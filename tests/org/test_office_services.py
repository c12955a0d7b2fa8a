"""Writes of offices: a district office under a city office, its own units."""

import pytest
from django.core.exceptions import ValidationError

from org import services
from org.models import Department, Office

pytestmark = pytest.mark.django_db


def test_office_create_puts_a_district_under_a_city_and_units_in_it():
    # given a city office
    city = services.office_create(
        code="jiaxing", name="嘉兴市委办", number_prefix="嘉兴执规", kind="city"
    )
    # when a district office is made under it, with a unit of its own
    district = services.office_create(
        code="xiuzhou", name="秀洲区委办", number_prefix="秀洲执规", parent=city
    )
    unit = services.department_create(
        code="XZ1", name="秀洲区司法局", kind=Department.Kind.DISTRICT, office=district
    )
    # then the district sits under the city and owns the unit
    assert district.parent == city and district.kind == Office.Kind.DISTRICT
    assert Department.objects.get(pk=unit.pk).office == district


def test_office_create_refuses_a_used_code_and_a_parent_that_is_no_city():
    # given a district office
    district = services.office_create(
        code="nanhu", name="南湖区委办", number_prefix="南湖"
    )
    # when another office takes its code, or is put under a district
    with pytest.raises(ValidationError) as used:
        services.office_create(code="nanhu", name="又一个", number_prefix="又")
    with pytest.raises(ValidationError) as under:
        services.office_create(
            code="xiuzhou", name="秀洲区委办", number_prefix="秀洲", parent=district
        )
    # then both are refused and nothing is written
    assert "code" in used.value.message_dict
    assert "parent" in under.value.message_dict
    assert list(Office.objects.values_list("code", flat=True)) == ["nanhu"]
