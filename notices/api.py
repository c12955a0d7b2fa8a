"""REST API of the notices (shared/API.md): validate -> one service -> serialize."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import with_files
from notices import hooks, selectors, services
from notices.models import ImplementationReport, Notice
from org.models import Department
from org.permissions import (
    API_AUTHENTICATION,
    OfficeWritesRoleHoldersRead,
    RoleHoldersAct,
)
from workflows.models import ExecutionProject, Step


class NoticeSerializer(serializers.ModelSerializer):
    # Plain strings in the schema (values listed in help_text): the choice sets
    # would collide by name with other apps' "kind"/"status" enums.
    kind = serializers.CharField(
        read_only=True, help_text="reminder / notification / assignment / warning"
    )
    status = serializers.CharField(
        read_only=True,
        help_text="pending / sent / confirmed / answered / accepted / returned",
    )

    class Meta:
        model = Notice
        fields = [
            "id",
            "number",
            "kind",
            "level",
            "department",
            "project",
            "step",
            "title",
            "body",
            "due_on",
            "status",
            "issued_on",
            "sent_at",
            "confirmed_at",
        ]
        read_only_fields = fields


class AssignmentInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["assignment", "warning", "notification"],
        required=False,
        default="assignment",
        help_text="交办单 assignment (default), 警示单 warning or 告知单 notification",
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
    )
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    project = serializers.IntegerField(required=False, allow_null=True, default=None)
    step = serializers.IntegerField(required=False, allow_null=True, default=None)
    problem = serializers.IntegerField(required=False, allow_null=True, default=None)

    def validate_due_on(self, value):
        if value is not None and value < timezone.localdate():
            raise serializers.ValidationError("反馈时限不能早于今天。")
        return value

    def validate(self, attrs):
        if attrs.get("step"):
            step = Step.objects.filter(pk=attrs["step"]).first()
            if step is None:
                raise serializers.ValidationError({"step": ["步骤不存在。"]})
            attrs["step"] = step
        if attrs.get("project"):
            project = ExecutionProject.objects.filter(pk=attrs["project"]).first()
            if project is None:
                raise serializers.ValidationError({"project": ["项目不存在。"]})
            attrs["project"] = project
        if attrs.get("problem"):
            problem = hooks.problem_get(attrs["problem"])
            if problem is None:
                raise serializers.ValidationError({"problem": ["问题不存在。"]})
            attrs["problem"] = problem
        if attrs["kind"] == "assignment" and attrs.get("department") is None:
            raise serializers.ValidationError({"department": ["请选择接收单位。"]})
        if attrs["kind"] != "assignment" and not (
            attrs.get("step") or attrs.get("project") or attrs.get("problem")
        ):
            raise serializers.ValidationError(
                {
                    "step": [
                        "警示单、告知单须指定步骤(step)、项目(project)或问题(problem)。"
                    ]
                }
            )
        return attrs


class ReportInSerializer(serializers.Serializer):
    measures = serializers.CharField()
    result = serializers.CharField()
    person_responsible = serializers.CharField(max_length=50)
    completed_on = serializers.DateField()
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list
    )


class ReportSerializer(serializers.ModelSerializer):
    files = serializers.SerializerMethodField()
    status = serializers.CharField(
        read_only=True, help_text="submitted / accepted / returned"
    )

    class Meta:
        model = ImplementationReport
        fields = [
            "id",
            "notice",
            "measures",
            "result",
            "person_responsible",
            "completed_on",
            "status",
            "submitted_at",
            "files",
        ]

    def get_files(self, obj) -> list[dict]:
        return [{"name": f.original_name, "size": f.size} for f in obj.files.all()]


LIST_PARAMETERS = [
    OpenApiParameter(
        "kind", str, description="reminder / notification / assignment / warning"
    ),
    OpenApiParameter("department", int, description="接收单位 id"),
    OpenApiParameter("status", str, description="pending / sent / confirmed / ..."),
    OpenApiParameter("project", int, description="执行项目 id"),
    OpenApiParameter("overdue", bool, description="落实表反馈逾期"),
    OpenApiParameter("unconfirmed", bool, description="尚未签收"),
]


@extend_schema(methods=["GET"], parameters=LIST_PARAMETERS)
class NoticeListCreate(generics.ListAPIView):
    """GET: the notices the caller may see. POST (office): a 交办单 by hand."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [OfficeWritesRoleHoldersRead]
    serializer_class = NoticeSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.notice_list(
            user=self.request.user, filters=self.request.query_params
        )

    def list(self, request, *args, **kwargs):
        rows = selectors.notice_page_rows(
            user=request.user, filters=request.query_params
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=AssignmentInSerializer, responses={201: NoticeSerializer})
    def post(self, request):
        data = AssignmentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        kind = values.pop("kind")
        if kind == "assignment":
            values.pop("problem", None)
            notice = services.assignment_issue(actor=request.user, **values)
        else:
            notice = services.notice_issue_by_hand(
                kind=kind, actor=request.user, **values
            )
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class NoticeDetail(generics.RetrieveAPIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [OfficeWritesRoleHoldersRead]
    serializer_class = NoticeSerializer

    def get_object(self):
        return selectors.notice_get(user=self.request.user, pk=self.kwargs["pk"])


class NoticeConfirm(APIView):
    """The recipient department confirms receipt; idempotent."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [RoleHoldersAct]

    @extend_schema(request=None, responses=NoticeSerializer)
    def post(self, request, pk):
        notice = selectors.notice_get(user=request.user, pk=pk)
        notice = services.notice_confirm(notice=notice, actor=request.user)
        return Response(NoticeSerializer(notice).data)


class NoticeReport(APIView):
    """The recipient department submits its 落实表 (multipart, files[])."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [RoleHoldersAct]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=ReportInSerializer, responses={201: ReportSerializer})
    def post(self, request, pk):
        notice = selectors.notice_get(user=request.user, pk=pk)
        data = ReportInSerializer(data=with_files(request.data))
        data.is_valid(raise_exception=True)
        report = services.report_submit(
            notice=notice, actor=request.user, **data.validated_data
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)
