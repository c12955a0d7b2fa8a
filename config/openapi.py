"""drf-spectacular hook: document the error answers of shared/API.md.

Views declare their success answer; the errors every endpoint can give (400,
401, 403, 404, 409, and 304 on the cached evaluation lists) are the same
everywhere, so they are added here once instead of on each view.
"""

ERROR = {
    "type": "object",
    "description": '{"detail", "code"}; 400 may instead map fields to messages',
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "additionalProperties": True,
}
_REF = {"$ref": "#/components/schemas/Error"}
_ANSWERS = {
    "400": "输入有误：字段错误 {field: [message]} 或 {detail, code}",
    "401": "未提供有效的身份凭证",
    "403": "无权执行该操作",
    "404": "不存在，或不在您的可见范围内",
    "409": "当前状态不允许该操作 (code: invalid_transition)",
}
# POST endpoints that move a status (409 when the move is not allowed).
_TRANSITIONS = (
    "/receipt/",
    "/submit/",
    "/approve/",
    "/return/",
    "/confirm/",
    "/report/",
    "/withdraw/",
)
_CACHED = ("/scores/", "/rankings/", "/credit-records/")


def _error(code: str) -> dict:
    return {
        "description": _ANSWERS[code],
        "content": {"application/json": {"schema": _REF}},
    }


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = ["400", "403", "404"]
            if not path.endswith("/auth/token/"):
                codes.append("401")
            if method == "post" and path.endswith(_TRANSITIONS):
                codes.append("409")
            for code in codes:
                responses.setdefault(code, _error(code))
            if method == "get" and path.endswith(_CACHED):
                responses.setdefault("304", {"description": "未变化 (If-None-Match)"})
    return result
