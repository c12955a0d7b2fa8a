"""FilterSets of the supervision records; applied by the selectors
(config.filters.filter_apply), for the pages and the API alike."""

import django_filters

from config.filters import IdFilter
from supervision.models import Inspection


class InspectionFilter(django_filters.FilterSet):
    department = IdFilter(field_name="department_id")

    class Meta:
        model = Inspection
        fields = ["department"]
