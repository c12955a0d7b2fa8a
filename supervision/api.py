"""REST API v1 of the supervision app (shared/API.md): supervising-units/,
inspection-plans/, problems/, circulars/, supervision-rates/.

Read-only (writes go through the pages and their services). Every list is
scoped by the selectors: a row outside the caller's scope is not listed and
its detail answers 404.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import SAFE_METHODS, BasePermission

from config.filters import MAX_ID
from org.models import Role
from org.permissions import API_AUTHENTICATION, READER_ROLES, request_office
from org.selectors import role_of
from supervision import rates, selectors
from supervision.models import Circular, InspectionPlan, Problem, SupervisingUnit


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


# --- supervision-rates/ ---------------------------------------------------------


def _rate_field(label):
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text=f"{label} (0–100); null when nothing was due",
    )


class RateSerializer(serializers.Serializer):
    department = serializers.IntegerField()
    department_name = serializers.CharField()
    kind = serializers.CharField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(allow_null=True)
    problem_on_time_rate = _rate_field("问题按期处置率")
    problems_due = serializers.IntegerField()
    problems_on_time = serializers.IntegerField()
    receipt_on_time_rate = _rate_field("回执按时率")
    receipts_due = serializers.IntegerField()
    receipts_on_time = serializers.IntegerField()
    step_on_time_rate = _rate_field("步骤按时完成率")
    steps_due = serializers.IntegerField()
    steps_on_time = serializers.IntegerField()
    assignment_on_time_rate = _rate_field("交办单按期办结率")
    assignments_due = serializers.IntegerField()
    assignments_on_time = serializers.IntegerField()
    duty_on_time_rate = _rate_field("日常执规完成率")
    duties_due = serializers.IntegerField()
    duties_on_time = serializers.IntegerField()


class RateFilter(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=2000,
        max_value=2100,
        error_messages={"required": "必须提供年度参数 year。"},
    )
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4)
    department = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    office = serializers.CharField(
        required=False,
        max_length=32,
        help_text="办公室编码 (Office.code)，如 nanhu；默认为调用者可见的全部单位。",
    )


class ReadRates(ReadSupervision):
    roles = READER_ROLES | {Role.API_CLIENT}


@extend_schema(parameters=[RateFilter])
class SupervisionRateListApi(_ReadList):
    """Per department (a town with its villages): the four on-time rates with
    the counts behind each (definitions: supervision.rates.DEFINITIONS)."""

    serializer_class = RateSerializer
    filter_class = RateFilter
    permission_classes = [ReadRates]

    def get_queryset(self):
        params = self.params()
        code = params.pop("office", None)
        if code:
            params["office"] = request_office(self.request, code)
        return rates.supervision_rates(user=self.request.user, **params)


# --- problems/ ------------------------------------------------------------------


class ProblemSerializer(serializers.ModelSerializer):
    department = serializers.IntegerField(source="inspection.department_id")
    department_name = serializers.CharField(source="inspection.department.name")
    status = serializers.CharField(
        help_text="open / assigned / answered / rectified / overdue / closed_unresolved"
    )

    class Meta:
        model = Problem
        fields = [
            "id",
            "department",
            "department_name",
            "inspection",
            "description",
            "due_on",
            "status",
            "rectified_on",
            "assignment",
        ]


class ProblemFilter(serializers.Serializer):
    department = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=Problem.Status.values, required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


@extend_schema(parameters=[ProblemFilter])
class ProblemListApi(_ReadList):
    serializer_class = ProblemSerializer
    filter_class = ProblemFilter

    def get_queryset(self):
        return selectors.problem_list(user=self.request.user, **self.params())


class ProblemDetailApi(RetrieveAPIView):
    serializer_class = ProblemSerializer
    authentication_classes = API_AUTHENTICATION
    permission_classes = [ReadSupervision]

    def get_queryset(self):
        return selectors.problem_list(user=self.request.user)


# --- circulars/ -----------------------------------------------------------------


class CircularSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="evaluation / inspection / accountability")
    status = serializers.CharField(help_text="draft / issued (API clients: issued)")
    departments = serializers.SerializerMethodField(
        help_text="the recipients' ids (every district department and town when "
        "sent to all)"
    )

    class Meta:
        model = Circular
        fields = [
            "id",
            "kind",
            "number",
            "title",
            "year",
            "status",
            "issued_on",
            "to_all",
            "departments",
            "body",
        ]

    def get_departments(self, circular) -> list[int]:
        if circular.to_all:
            return []
        return [d.pk for d in circular.departments.all()]


class CircularFilter(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Circular.Kind.values, required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


class ReadCirculars(ReadSupervision):
    roles = READER_ROLES | {Role.API_CLIENT}


@extend_schema(parameters=[CircularFilter])
class CircularListApi(_ReadList):
    serializer_class = CircularSerializer
    filter_class = CircularFilter
    permission_classes = [ReadCirculars]

    def get_queryset(self):
        return selectors.circular_list(user=self.request.user, **self.params())


class CircularDetailApi(RetrieveAPIView):
    serializer_class = CircularSerializer
    authentication_classes = API_AUTHENTICATION
    permission_classes = [ReadCirculars]

    def get_queryset(self):
        return selectors.circular_list(user=self.request.user)
