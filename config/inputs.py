"""One gate for bad input before any view runs, and JSON for an API 500.

Refused with a 400 and a Chinese message (JSON `{detail, code}` under /api/):
- a NUL character anywhere in the query string, a form field or a JSON string
  (PostgreSQL cannot store it: it was a 500 deep in the ORM);
- NaN or Infinity as a value (`NaN`, `inf`, JSON `NaN`): no mark, weight or
  rating is ever one;
- JSON nested deeper than INPUT_MAX_JSON_DEPTH (Python's parser would recurse
  until it fails);
- a date (YYYY-MM-DD...) outside INPUT_DATE_MIN_YEAR..INPUT_DATE_MAX_YEAR, except
  in the catalogue's historical fields (INPUT_DATE_ANY_YEAR_FIELDS).
"""

from __future__ import annotations

import json
import logging
import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger("django.request")

NON_FINITE = {
    "nan",
    "+nan",
    "-nan",
    "snan",
    "inf",
    "+inf",
    "-inf",
    "infinity",
    "+infinity",
    "-infinity",
}
DATE = re.compile(r"^\s*(\d{1,6})-(\d{1,2})-(\d{1,2})(?:[T ]|$)")

MESSAGES = {
    "nul_character": "输入中含有不允许的空字符(NUL)。",
    "not_a_number": "数值无效：不能是 NaN 或无穷大。",
    "too_deep": "JSON 嵌套层数过多。",
    "date_out_of_range": "日期须在 {low} 年至 {high} 年之间。",
}


class BadInput(Exception):
    def __init__(self, code: str, field: str = ""):
        super().__init__(code)
        self.code = code
        self.field = field


def _limits():
    return (
        getattr(settings, "INPUT_DATE_MIN_YEAR", 2000),
        getattr(settings, "INPUT_DATE_MAX_YEAR", 2100),
    )


def check_value(field: str, value: str) -> None:
    if "\x00" in value or "\x00" in field:
        raise BadInput("nul_character", field)
    stripped = value.strip()
    if stripped.lower() in NON_FINITE:
        raise BadInput("not_a_number", field)
    if len(stripped) <= 40:
        match = DATE.match(stripped)
        if match and field not in settings.INPUT_DATE_ANY_YEAR_FIELDS:
            low, high = _limits()
            if not low <= int(match.group(1)) <= high:
                raise BadInput("date_out_of_range", field)


def json_depth_ok(body: bytes, limit: int) -> bool:
    """Nesting depth of a JSON text, counted without recursion."""
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def _reject_constant(name):
    raise BadInput("not_a_number")


def check_json(body: bytes) -> None:
    if not json_depth_ok(body, settings.INPUT_MAX_JSON_DEPTH):
        raise BadInput("too_deep")
    try:
        data = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return  # not JSON: the parser of the view answers its own 400
    stack = [("", data)]
    while stack:
        field, item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                check_value(str(key), "")
                stack.append((str(key), value))
        elif isinstance(item, list):
            stack.extend((field, value) for value in item)
        elif isinstance(item, str):
            check_value(field, item)
        elif isinstance(item, float) and item != item:  # pragma: no cover
            raise BadInput("not_a_number", field)


def _bad_request(request, error: BadInput):
    low, high = _limits()
    message = MESSAGES[error.code].format(low=low, high=high)
    if error.field:
        message = f"{message}（字段：{error.field[:40]}）"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": error.code}, status=400)
    try:
        html = render_to_string("400.html", {"message": message}, request=request)
    except Exception:  # noqa: BLE001 - no template: plain text is fine
        return HttpResponse(
            message, status=400, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse(html, status=400)


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self._check(request)
        except BadInput as error:
            return _bad_request(request, error)
        return self.get_response(request)

    def _check(self, request) -> None:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            raise BadInput("nul_character")
        for field, values in request.GET.lists():
            for value in values:
                check_value(field, value)
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for field, values in request.POST.lists():
                for value in values:
                    check_value(field, value)
        elif content_type.endswith("json"):
            length = int(request.META.get("CONTENT_LENGTH") or 0)
            if 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                check_json(request.body)

    def process_exception(self, request, exception):
        """The API answers a failure with its JSON error shape, in production too."""
        if not request.path.startswith("/api/") or settings.DEBUG:
            return None
        log.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return JsonResponse(
            {
                "detail": "服务器内部错误，请稍后重试或联系区委办。",
                "code": "server_error",
            },
            status=500,
        )
