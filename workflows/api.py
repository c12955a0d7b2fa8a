"""REST API v1 for execution projects and steps (see shared/API.md).

Thin: check permission, validate, call one service or selector, serialize.
Objects outside the user's scope answer 404; forbidden moves 409.
"""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import with_files
from config.filters import SelectorFilterBackend
from org.models import Department
from org.permissions import (
    API_AUTHENTICATION,
    OfficeWritesRoleHoldersRead,
    RoleHoldersAct,
)
from regulations.models import Regulation
from workflows import selectors, services
from workflows.filters import ProjectFilter, StepFilter
from workflows.models import ExecutionProject, ExtensionRequest, FlowTemplate, Step

# Any role that works with projects; the services decide who may act.
RoleHolders = RoleHoldersAct


class StepSerializer(serializers.ModelSerializer):
    light = serializers.CharField(read_only=True)
    receipt_confirmed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Step
        fields = [
            "id",
            "project",
            "department",
            "department_name",
            "code",
            "name",
            "order",
            "actor",
            "status",
            "rating",
            "starts_on",
            "due_on",
            "light",
            "overdue",
            "receipt_confirmed_at",
            "submitted_at",
            "approved_at",
            "return_count",
        ]

    def get_overdue(self, step) -> bool:
        return (
            step.status != Step.Status.APPROVED and step.due_on < timezone.localdate()
        )


class ProjectSerializer(serializers.ModelSerializer):
    regulation_title = serializers.CharField(source="regulation.title", read_only=True)
    partner_departments = serializers.SerializerMethodField()
    light = serializers.CharField(read_only=True)
    steps_total = serializers.IntegerField(read_only=True)
    steps_approved = serializers.IntegerField(read_only=True)

    class Meta:
        model = ExecutionProject
        fields = [
            "id",
            "regulation",
            "regulation_title",
            "year",
            "flow",
            "lead_department",
            "partner_departments",
            "starts_on",
            "status",
            "due_on",
            "light",
            "steps_total",
            "steps_approved",
            "completed_at",
        ]

    def get_partner_departments(self, project) -> list[int]:
        return [d.pk for d in project.partner_departments.all()]


class ProjectDetailSerializer(ProjectSerializer):
    steps = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "steps"]

    def get_steps(self, project) -> list[dict]:
        steps = selectors.project_steps(project=project, user=self.context["user"])
        return StepSerializer(steps.order_by("department_id", "order"), many=True).data


class LaunchSerializer(serializers.Serializer):
    regulation = serializers.PrimaryKeyRelatedField(
        queryset=Regulation.objects.filter(is_deleted=False)
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    flow = serializers.ChoiceField(choices=FlowTemplate.Code.choices)
    lead_department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True)
    )
    partner_departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), many=True, required=False
    )
    starts_on = serializers.DateField()


_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()


def _when(value, field=_DATETIME):
    return None if value is None else field.to_representation(value)


class ProjectListApi(generics.ListCreateAPIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [OfficeWritesRoleHoldersRead]
    serializer_class = ProjectSerializer
    filter_backends = [SelectorFilterBackend]  # the selector applies it
    filterset_class = ProjectFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExecutionProject.objects.none()
        return selectors.project_list(
            user=self.request.user, filters=self.request.query_params
        ).prefetch_related("partner_departments")

    def list(self, request, *args, **kwargs):
        rows = selectors.project_rows(user=request.user, filters=request.query_params)
        return self.get_paginated_response(project_dicts(self.paginate_queryset(rows)))

    @extend_schema(request=LaunchSerializer, responses={201: ProjectDetailSerializer})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        data = LaunchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        project = services.project_launch(
            regulation=values["regulation"],
            year=values["year"],
            lead_department=values["lead_department"],
            partner_departments=values.get("partner_departments", []),
            flow_code=values["flow"],
            starts_on=values["starts_on"],
            actor=request.user,
        )
        project = self.get_queryset().get(pk=project.pk)
        body = ProjectDetailSerializer(project, context={"user": request.user}).data
        return Response(body, status=status.HTTP_201_CREATED)


def project_dicts(rows) -> list[dict]:
    """project_rows() as ProjectSerializer shows them (same keys, order,
    formats), with their partners in one query."""
    partners = selectors.project_partners([row["id"] for row in rows])
    return [
        {
            "id": row["id"],
            "regulation": row["regulation_id"],
            "regulation_title": row["regulation__title"],
            "year": row["year"],
            "flow": row["flow"],
            "lead_department": row["lead_department_id"],
            "partner_departments": partners[row["id"]],
            "starts_on": _when(row["starts_on"], _DATE),
            "status": row["status"],
            "due_on": _when(row["due_on"], _DATE),
            "light": row["light"],
            "steps_total": row["steps_total"],
            "steps_approved": row["steps_approved"],
            "completed_at": _when(row["completed_at"]),
        }
        for row in rows
    ]


class ProjectDetailApi(generics.RetrieveAPIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [OfficeWritesRoleHoldersRead]
    serializer_class = ProjectDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExecutionProject.objects.none()
        return selectors.project_list(user=self.request.user).prefetch_related(
            "partner_departments"
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}


class StepListApi(generics.ListAPIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [OfficeWritesRoleHoldersRead]
    serializer_class = StepSerializer
    filter_backends = [SelectorFilterBackend]  # the selector applies it
    filterset_class = StepFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Step.objects.none()
        return selectors.step_rows(
            user=self.request.user, filters=self.request.query_params
        )

    def list(self, request, *args, **kwargs):
        rows = selectors.step_page_rows(user=request.user, filters=request.query_params)
        return self.get_paginated_response(step_dicts(self.paginate_queryset(rows)))


def step_dicts(rows, *, today=None) -> list[dict]:
    """step_rows() as StepSerializer shows them (same keys, order, formats)."""
    today = today or timezone.localdate()
    approved = Step.Status.APPROVED
    return [
        {
            "id": row["id"],
            "project": row["project_id"],
            "department": row["department_id"],
            "department_name": row["department__name"],
            "code": row["code"],
            "name": row["name"],
            "order": row["order"],
            "actor": row["actor"],
            "status": row["status"],
            "rating": row["rating"],
            "starts_on": _when(row["starts_on"], _DATE),
            "due_on": _when(row["due_on"], _DATE),
            "light": row["light"],
            "overdue": row["status"] != approved and row["due_on"] < today,
            "receipt_confirmed_at": _when(row["receipt_confirmed_at"]),
            "submitted_at": _when(row["submitted_at"]),
            "approved_at": _when(row["approved_at"]),
            "return_count": row["return_count"],
        }
        for row in rows
    ]


class StepDetailApi(generics.RetrieveAPIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [OfficeWritesRoleHoldersRead]
    serializer_class = StepSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Step.objects.none()
        return selectors.step_list(user=self.request.user)


class SubmitRequestSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True)
    # Empty or oversized files are the service's to refuse (code invalid_file).
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False
    )


class ApproveRequestSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=Step.Rating.choices, required=False, default=Step.Rating.PASS
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class WithdrawRequestSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ReturnRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        error_messages={
            "required": "退回时必须填写退回原因。",
            "blank": "退回时必须填写退回原因。",
        }
    )


class _StepActionApi(APIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [RoleHolders]

    def step(self, request, pk) -> Step:
        try:
            return selectors.step_get(user=request.user, pk=pk)
        except Step.DoesNotExist as exc:
            raise Http404 from exc

    def validated(self, serializer_class, data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def respond(self, request, pk, code=status.HTTP_200_OK):
        step = selectors.step_get(user=request.user, pk=pk)
        return Response(StepSerializer(step).data, status=code)


class StepReceiptApi(_StepActionApi):
    @extend_schema(request=None, responses=StepSerializer)
    def post(self, request, pk):
        step = self.step(request, pk)
        receipt = services.receipt_for_step(step)
        if receipt is None:
            raise Http404
        services.receipt_confirm(receipt=receipt, actor=request.user)
        return self.respond(request, pk)


class StepSubmitApi(_StepActionApi):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": SubmitRequestSerializer},
        responses=StepSerializer,
    )
    def post(self, request, pk):
        step = self.step(request, pk)
        data = self.validated(SubmitRequestSerializer, with_files(request.data))
        services.step_submit(
            step=step,
            actor=request.user,
            text=data.get("text", ""),
            files=data.get("files", []),
        )
        return self.respond(request, pk)


class StepApproveApi(_StepActionApi):
    @extend_schema(request=ApproveRequestSerializer, responses=StepSerializer)
    def post(self, request, pk):
        step = self.step(request, pk)
        data = self.validated(ApproveRequestSerializer, request.data)
        services.step_approve(
            step=step,
            actor=request.user,
            rating=data["rating"],
            reason=data["reason"] or data["comment"],
        )
        return self.respond(request, pk)


class StepReturnApi(_StepActionApi):
    @extend_schema(request=ReturnRequestSerializer, responses=StepSerializer)
    def post(self, request, pk):
        step = self.step(request, pk)
        data = self.validated(ReturnRequestSerializer, request.data)
        services.step_return(step=step, actor=request.user, reason=data["reason"])
        return self.respond(request, pk)


class ExtensionRequestSerializer(serializers.Serializer):
    """The department asks (`reason`, `until`); the office answers (`action`
    grant/refuse with a `reason`, required to refuse)."""

    action = serializers.ChoiceField(
        choices=[("grant", "同意"), ("refuse", "不同意")], required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    until = serializers.DateField(required=False)

    def validate(self, attrs):
        if "action" not in attrs:
            if not attrs.get("reason", "").strip():
                raise serializers.ValidationError(
                    {"reason": ["申请延期时必须填写理由。"]}
                )
            if attrs.get("until") is None:
                raise serializers.ValidationError(
                    {"until": ["请填写申请延期至的日期。"]}
                )
        elif attrs["action"] == "refuse" and not attrs.get("reason", "").strip():
            raise serializers.ValidationError(
                {"reason": ["不同意延期时必须填写理由。"]}
            )
        return attrs


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "step",
            "department",
            "reason",
            "until",
            "previous_due_on",
            "status",
            "answer",
            "requested_at",
            "answered_at",
        ]


class StepExtensionApi(_StepActionApi):
    """POST steps/{id}/extension/: a 延期 request (department) or its answer
    (office: `action` grant/refuse on the step's latest request)."""

    @extend_schema(request=ExtensionRequestSerializer, responses=ExtensionSerializer)
    def post(self, request, pk):
        step = self.step(request, pk)
        data = self.validated(ExtensionRequestSerializer, request.data)
        action = data.get("action")
        if action is None:
            extension = services.extension_ask(
                step=step,
                actor=request.user,
                reason=data["reason"],
                until=data["until"],
            )
            return Response(
                ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED
            )
        extension = services.extension_latest(step=step)
        if extension is None:
            raise Http404
        answer = (
            services.extension_grant if action == "grant" else services.extension_refuse
        )
        answer(request=extension, actor=request.user, reason=data["reason"])
        return Response(ExtensionSerializer(extension).data)


class ProjectWithdrawApi(APIView):
    """POST projects/{id}/withdraw/: the office withdraws a project (撤销)."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [RoleHolders]

    @extend_schema(request=WithdrawRequestSerializer, responses=ProjectDetailSerializer)
    def post(self, request, pk):
        project = selectors.project_list(user=request.user).filter(pk=pk).first()
        if project is None:
            raise Http404
        data = WithdrawRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_withdraw(
            project=project, actor=request.user, reason=data.validated_data["reason"]
        )
        project = selectors.project_list(user=request.user).get(pk=pk)
        return Response(
            ProjectDetailSerializer(project, context={"user": request.user}).data
        )
