"""REST API v1 of the supervision app (shared/API.md): supervising-units/,
inspection-plans/, problems/, circulars/, supervision-rates/.

Read-only (writes go through the pages and their services). Every list is
scoped by the selectors: a row outside the caller's scope is not listed and
its detail answers 404.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import SAFE_METHODS, BasePermission

from config.filters import MAX_ID
from config.permissions import API_AUTHENTICATION, READER_ROLES
from responsibilities.selectors import role_of
from supervision import selectors
from supervision.models import InspectionPlan, SupervisingUnit


class ReadSupervision(BasePermission):
    """GET/HEAD/OPTIONS for role holders (the selectors scope the rows)."""

    message = "监督数据接口只读。"
    roles = READER_ROLES

    def has_permission(self, request, view):
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        return request.method in SAFE_METHODS and role_of(user) in self.roles


def _params(serializer_class, request) -> dict:
    params = serializer_class(data=request.query_params)
    if not params.is_valid():
        raise ValidationError(params.errors)
    return params.validated_data


class _ReadList(ListAPIView):
    filter_backends = []
    authentication_classes = API_AUTHENTICATION
    permission_classes = [ReadSupervision]
    filter_class = None

    def params(self) -> dict:
        return _params(self.filter_class, self.request) if self.filter_class else {}


# --- supervising-units/ -----------------------------------------------------------


class CoveredSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SupervisingUnitSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        help_text="room 监督检查室 / group 派驻纪检组 / local 镇街纪(工)委"
    )
    covers = serializers.SerializerMethodField(
        help_text="the departments assigned to the unit: for a room its groups' "
        "and locals' nodes and its towns; for a group its supervised departments; "
        "for a local its town (whose villages and grid units it watches)"
    )

    class Meta:
        model = SupervisingUnit
        fields = ["id", "name", "kind", "department", "covers"]

    @extend_schema_field(CoveredSerializer(many=True))
    def get_covers(self, unit) -> list[dict]:
        rows = [u.department for u in unit.covers_units.all()]
        rows += list(unit.covers_departments.all())
        if unit.kind == SupervisingUnit.Kind.GROUP:
            rows += list(unit.department.supervised_departments.all())
        return [{"id": d.pk, "name": d.name} for d in rows]


class UnitFilter(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SupervisingUnit.Kind.values, required=False)


@extend_schema(parameters=[UnitFilter])
class SupervisingUnitListApi(_ReadList):
    serializer_class = SupervisingUnitSerializer
    filter_class = UnitFilter

    def get_queryset(self):
        return selectors.supervising_unit_list(
            user=self.request.user, kind=self.params().get("kind")
        ).prefetch_related("covers_units__department")


# --- inspection-plans/ ----------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    cycle = serializers.CharField(
        help_text="monthly / quarterly / half_yearly / yearly"
    )
    status = serializers.CharField(help_text="planned / done / overdue")
    light = serializers.CharField(help_text="green done / yellow planned / red overdue")
    unit_name = serializers.CharField(source="unit.name")
    department_name = serializers.CharField(source="department.name")

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "unit",
            "unit_name",
            "department",
            "department_name",
            "regulation",
            "cycle",
            "period_start",
            "due_on",
            "status",
            "light",
            "inspection",
        ]


class PlanFilter(serializers.Serializer):
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    department = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(
        choices=InspectionPlan.Status.values, required=False
    )
    due_before = serializers.DateField(required=False)


@extend_schema(parameters=[PlanFilter])
class InspectionPlanListApi(_ReadList):
    serializer_class = PlanSerializer
    filter_class = PlanFilter

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user, **self.params())
