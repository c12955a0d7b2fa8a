"""Shared REST plumbing: pagination and error shapes from shared/API.md."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError
from config.paging import first_page_rows


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        """The first page is read before the count: when it is not full, it
        is the whole list and its length the count (one query, not two: a
        district's short lists). A full first page is counted as usual."""
        page_size = self.get_page_size(request)
        first = request.query_params.get(self.page_query_param, "1") == "1"
        if page_size and first and not isinstance(queryset, list | tuple):
            rows = first_page_rows(queryset, page_size)
            return super().paginate_queryset(rows, request, view)
        return super().paginate_queryset(queryset, request, view)


class CountedRows:
    """Rows to paginate (a values() queryset) whose `count` comes from another
    queryset with the same rows (the paginator's COUNT then leaves out the
    joins that values() adds only to show names), or from a function that
    returns their number another way."""

    def __init__(self, rows, *, count):
        self.rows = rows
        self.counted = count

    def count(self) -> int:
        if callable(self.counted):
            return self.counted()
        return self.counted.count()

    def __getitem__(self, index):
        return self.rows[index]


def with_files(data):
    """A request body for a serializer with a `files` list: form and multipart
    bodies send the files as `files[]` or `files`. A JSON body is passed as it
    is, so the serializer answers 400 when it is no object (`1`, `[]`, `null`)."""
    if not hasattr(data, "getlist"):
        return data
    payload = {k: v for k, v in data.items() if k not in ("files", "files[]")}
    payload["files"] = data.getlist("files[]") + data.getlist("files")
    return payload


def exception_handler(exc, context):
    """DRF's handler, plus domain errors: 409 for transitions, 400 for rules."""
    if isinstance(exc, DomainError):
        return Response(
            {"detail": exc.message, "code": exc.code}, status=exc.http_status
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data = {
                field: [str(m) for m in msgs]
                for field, msgs in exc.message_dict.items()
            }
        else:
            data = {"detail": "；".join(exc.messages), "code": "invalid"}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
