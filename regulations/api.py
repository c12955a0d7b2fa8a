"""REST API of the catalogue (shared/API.md): thin views over selectors/services.

GET for every role-holder except machine API clients (their tokens read scores,
rankings and credit only); POST/PATCH for office staff.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from config.filters import SelectorFilterBackend
from org.permissions import API_AUTHENTICATION, OfficeWritesRoleHoldersRead
from regulations import selectors, services
from regulations.filters import RegulationFilter
from regulations.models import Regulation


class ResponsibilityBriefSerializer(serializers.Serializer):
    """A row of the four lists (a plain serializer: the lists' app sits above)."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(
        read_only=True, help_text="lead / driver / safeguard / supervision"
    )
    department = serializers.IntegerField(source="department_id", read_only=True)
    partner_departments = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, pk_field=serializers.IntegerField()
    )
    duty = serializers.CharField(read_only=True)


class RegulationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Regulation
        fields = [
            "id",
            "title",
            "document_number",
            "issuer",
            "level",
            "form",
            "branch",
            "status",
            "published_on",
            "effective_on",
            "summary",
            "link",
            "replaces",
        ]
        read_only_fields = ["id", "replaces"]
        # Uniqueness among live rows is the service's rule (soft deletes,
        # revisions); DRF's own validator would not know about them.
        validators = []


class RegulationDetailSerializer(RegulationSerializer):
    responsibilities = serializers.SerializerMethodField()

    class Meta(RegulationSerializer.Meta):
        fields = [*RegulationSerializer.Meta.fields, "responsibilities"]

    @extend_schema_field(ResponsibilityBriefSerializer(many=True))
    def get_responsibilities(self, regulation):
        rows = selectors.regulation_responsibilities(
            regulation=regulation, user=self.context["request"].user
        )
        return ResponsibilityBriefSerializer(rows, many=True).data


class RegulationListCreateApi(generics.ListCreateAPIView):
    """The catalogue: list with filters; office staff add regulations."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [OfficeWritesRoleHoldersRead]
    serializer_class = RegulationSerializer
    filter_backends = [SelectorFilterBackend]  # the selector applies it
    filterset_class = RegulationFilter

    def get_queryset(self):
        return selectors.regulation_list(
            user=self.request.user, filters=self.request.query_params
        ).order_by(*Regulation._meta.ordering)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        regulation = services.regulation_create(
            user=request.user, data=serializer.validated_data
        )
        return Response(
            RegulationDetailSerializer(regulation, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class RegulationDetailApi(generics.RetrieveUpdateAPIView):
    """One regulation with its responsibilities; office staff edit it (PATCH)."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [OfficeWritesRoleHoldersRead]
    serializer_class = RegulationDetailSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.regulation_queryset()

    def get_object(self):
        regulation = selectors.regulation_get(
            user=self.request.user, pk=self.kwargs["pk"]
        )
        self.check_object_permissions(self.request, regulation)
        return regulation

    def update(self, request, *args, **kwargs):
        regulation = self.get_object()
        serializer = self.get_serializer(regulation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.regulation_update(
            regulation=regulation, user=request.user, data=serializer.validated_data
        )
        return Response(self.get_serializer(regulation).data)
