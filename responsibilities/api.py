"""REST API v1: departments, the four responsibility lists, token login.

Thin: check permission, validate, call one service or selector, serialize.
"""

from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config.auth import lockout_response, token_for_login
from config.filters import SelectorFilterBackend
from org import selectors as org_selectors
from org.filters import DepartmentFilter
from org.models import Department
from org.permissions import API_AUTHENTICATION, OfficeWritesRoleHoldersRead
from regulations.models import Regulation
from responsibilities import selectors, services
from responsibilities.filters import ResponsibilityFilter
from responsibilities.models import ResponsibilityList

# --- departments ------------------------------------------------------------------


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = [
            "id",
            "name",
            "code",
            "kind",
            "parent",
            "inspection_group",
            "is_active",
        ]


class DepartmentListApi(generics.ListAPIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [OfficeWritesRoleHoldersRead]
    serializer_class = DepartmentSerializer
    filter_backends = [SelectorFilterBackend]  # the selector applies it
    filterset_class = DepartmentFilter

    def get_queryset(self):
        return org_selectors.department_list(
            user=self.request.user, filters=self.request.query_params
        ).order_by("sort_order", "code")


# --- the four lists ----------------------------------------------------------------


class ResponsibilitySerializer(serializers.ModelSerializer):
    """Common fields plus the fields of the row's own kind (services.KIND_FIELDS)."""

    regulation = serializers.PrimaryKeyRelatedField(
        queryset=Regulation.objects.filter(is_deleted=False),
        allow_null=True,
        required=False,
    )
    regulation_title = serializers.CharField(
        source="regulation.title", read_only=True, default=None, allow_null=True
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True)
    )
    department_name = serializers.CharField(source="department.name", read_only=True)
    partner_departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), many=True, required=False
    )
    inspection_group = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(kind=Department.Kind.INSPECTION_GROUP),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = ResponsibilityList
        fields = [
            "id",
            "kind",
            "regulation",
            "regulation_title",
            "department",
            "department_name",
            "partner_departments",
            "duty",
            *sorted(services.ALL_KIND_FIELDS),
            "is_active",
            "updated_at",
        ]
        read_only_fields = ["is_active", "updated_at"]
        # The list's rules (one lead per regulation ...) live in the service.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.instance, ResponsibilityList):
            self.fields["kind"].read_only = True  # a row never changes list

    def to_representation(self, instance):
        data = super().to_representation(instance)
        own = set(services.KIND_FIELDS.get(instance.kind, []))
        for field in services.ALL_KIND_FIELDS - own:
            data.pop(field, None)
        return data


def _write_fields(validated: dict) -> dict:
    fields = dict(validated)
    fields.pop("kind", None)
    return fields


class ResponsibilityListApi(generics.ListCreateAPIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [OfficeWritesRoleHoldersRead]
    serializer_class = ResponsibilitySerializer
    filter_backends = [SelectorFilterBackend]  # the selector applies it
    filterset_class = ResponsibilityFilter

    def get_queryset(self):
        return selectors.responsibility_list(
            user=self.request.user, filters=self.request.query_params
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = _write_fields(serializer.validated_data)
        row = services.responsibility_create(
            kind=serializer.validated_data["kind"],
            user=request.user,
            department=fields.pop("department"),
            partner_departments=fields.pop("partner_departments", []),
            **fields,
        )
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


class ResponsibilityDetailApi(generics.RetrieveUpdateAPIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [OfficeWritesRoleHoldersRead]
    serializer_class = ResponsibilitySerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        qs = selectors.responsibility_list(
            user=self.request.user, include_inactive=True
        )
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def update(self, request, *args, **kwargs):
        row = self.get_object()
        serializer = self.get_serializer(row, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = _write_fields(serializer.validated_data)
        partners = fields.pop("partner_departments", None)
        row = services.responsibility_update(
            responsibility=row,
            user=request.user,
            partner_departments=partners,
            **fields,
        )
        return Response(self.get_serializer(row).data)


# --- token login ------------------------------------------------------------------


class TokenLoginApi(ObtainAuthToken):
    """`{"username", "password"}` -> `{"token"}`; 400 with field errors otherwise;
    429 once django-axes locked the user at this address. An expired token is
    replaced by a new one."""

    authentication_classes = []
    permission_classes = []

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # axes marks DRF's request, which its middleware does not see.
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request._request)
            raise ValidationError(serializer.errors)
        token = token_for_login(user=serializer.validated_data["user"])
        return Response({"token": token.key})
