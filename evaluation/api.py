"""REST API v1 of the evaluation app: scores/, rankings/, credit-records/.

Read-only for everyone (writes go through the office's pages): any other method
is refused. Machine clients (role api_client) and every non-office role see
published rounds only. Responses carry an ETag (and Last-Modified from the latest
publication); a matching If-None-Match answers 304 after one cheap query.
"""

import hashlib

from django.utils.http import http_date, parse_etags, quote_etag
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from config.filters import SelectorFilterBackend
from evaluation import selectors
from evaluation.filters import CreditFilter, ScoreFilter
from evaluation.models import CreditRecord, Evaluation
from org.models import Department, Role
from org.permissions import API_AUTHENTICATION, READER_ROLES, request_office
from org.selectors import role_of

SCORE_READERS = READER_ROLES | {Role.API_CLIENT}


class ReadScores(BasePermission):
    """GET/HEAD/OPTIONS for role holders and machine clients; nothing else."""

    message = "评价数据接口只读。"

    def has_permission(self, request, view):
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        return request.method in SAFE_METHODS and role_of(user) in SCORE_READERS


class StepLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    score = serializers.DecimalField(
        source="final", max_digits=7, decimal_places=2, coerce_to_string=False
    )
    proposed = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False
    )
    base_points = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False
    )
    high_points = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False
    )


class DeductionLineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    reason = serializers.CharField()
    points = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False
    )


class ScoreSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name")
    regulation = serializers.IntegerField(source="project.regulation_id")
    regulation_title = serializers.CharField(source="project.regulation.title")
    year = serializers.IntegerField(source="round.year")
    quarter = serializers.IntegerField(source="round.quarter")
    status = serializers.SerializerMethodField()
    total = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False
    )
    max_total = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False
    )
    steps = StepLineSerializer(many=True)
    deductions = DeductionLineSerializer(many=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "department",
            "department_name",
            "project",
            "regulation",
            "regulation_title",
            "year",
            "quarter",
            "round",
            "total",
            "max_total",
            "status",
            "steps",
            "deductions",
        ]

    def get_status(self, obj) -> str:
        return "published" if obj.round.status == "published" else "draft"


class RankingFilter(serializers.Serializer):
    """The parameters of a computed ranking (no queryset to filter): validated
    like a request body, so a bad `year` is a 400."""

    year = serializers.IntegerField(
        min_value=2000,
        max_value=2100,
        error_messages={"required": "必须提供年度参数 year。"},
    )
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4)
    kind = serializers.ChoiceField(
        choices=[Department.Kind.DISTRICT, Department.Kind.TOWN], required=False
    )
    office = serializers.CharField(
        required=False,
        max_length=32,
        help_text="办公室编码 (Office.code)，如 nanhu；默认为调用者所属的区委办，"
        "市委办用户须指定其下某区。",
    )


class RankingSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department")
    kind = serializers.CharField()
    total = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False
    )
    projects = serializers.IntegerField()
    warnings = serializers.IntegerField()
    grade = serializers.CharField()


class CreditRecordSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name")
    score = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False
    )

    class Meta:
        model = CreditRecord
        fields = ["department", "department_name", "year", "score", "grade"]


def _params(serializer_class, request) -> dict:
    params = serializer_class(data=request.query_params)
    if not params.is_valid():
        raise ValidationError(params.errors)
    return params.validated_data


def _none_match(header: str, etag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110): W/"x" matches "x", and "*"
    matches anything. A proxy that compresses answers turns our ETag weak."""
    tags = parse_etags(header)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


class _CachedList(ListAPIView):
    """A read-only paginated list with ETag / Last-Modified and 304."""

    filter_backends = []

    authentication_classes = API_AUTHENTICATION
    permission_classes = [ReadScores]

    def rows(self, request):  # pragma: no cover - overridden
        raise NotImplementedError

    def serialize(self, page) -> list[dict]:
        """The page as the API shows it (the serializer documents the shape;
        subclasses build the same dicts from plain values, faster)."""
        return self.get_serializer(page, many=True).data

    def list(self, request, *args, **kwargs):
        version, published = selectors.data_state(user=request.user)
        digest = hashlib.sha256(
            f"{version}|{request.get_full_path()}".encode()
        ).hexdigest()[:32]
        etag = quote_etag(digest)
        if _none_match(request.headers.get("If-None-Match", ""), etag):
            response = Response(status=304)
        else:
            rows = self.rows(request)
            page = self.paginate_queryset(rows)
            response = self.get_paginated_response(self.serialize(page))
        response["ETag"] = etag
        if published is not None:
            response["Last-Modified"] = http_date(published.timestamp())
        response["Cache-Control"] = "private, no-cache"
        return response


class ScoreListApi(_CachedList):
    """Score sheets: published only for everyone but the office."""

    serializer_class = ScoreSerializer
    filter_backends = [SelectorFilterBackend]  # the selector applies it
    filterset_class = ScoreFilter
    queryset = Evaluation.objects.none()  # the schema's model; rows() reads

    def rows(self, request):
        return selectors.score_rows(user=request.user, filters=request.query_params)

    def serialize(self, page) -> list[dict]:
        return selectors.score_sheets(page)


@extend_schema(parameters=[RankingFilter])
class RankingListApi(_CachedList):
    """晾晒比学 of one year (`year` required), each department kind ranked apart.

    Paginated like every list (API.md), ordered by kind then rank; a page of 500
    holds any district's ranking in one response.
    """

    serializer_class = RankingSerializer

    def serialize(self, page) -> list[dict]:
        return page  # ranking_api_rows() are the API's dicts

    def rows(self, request):
        params = _params(RankingFilter, request)
        return selectors.ranking_api_rows(
            year=params["year"],
            quarter=params.get("quarter", 0),
            kind=params.get("kind"),
            office=request_office(request, params.get("office")),
        )

    def list(self, request, *args, **kwargs):
        params = _params(RankingFilter, request)  # 400 before any ETag work
        request_office(request, params.get("office"))  # 404 / 400 likewise
        return super().list(request, *args, **kwargs)


class CreditRecordListApi(_CachedList):
    serializer_class = CreditRecordSerializer
    filter_backends = [SelectorFilterBackend]  # the selector applies it
    filterset_class = CreditFilter
    queryset = CreditRecord.objects.none()  # the schema's model; rows() reads

    def rows(self, request):
        return selectors.credit_rows(user=request.user, filters=request.query_params)

    def serialize(self, page) -> list[dict]:
        return [
            {
                "department": row["department_id"],
                "department_name": row["department__name"],
                "year": row["year"],
                "score": row["score"],
                "grade": row["grade"],
            }
            for row in page
        ]
