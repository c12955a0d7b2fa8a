"""Excel downloads of the workflows lists (the filters are the pages' own)."""

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.utils import timezone

from config.tabular import xlsx_response
from org.permissions import reader_required
from workflows import selectors

PROJECT_FILTERS = ["year", "flow", "status", "light", "department", "q"]
LIGHT_LABELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}


@reader_required
def projects_xlsx(request):
    """The 执行项目 list as filtered on the page (same default year), as .xlsx."""
    filters = {key: request.GET.get(key, "") for key in PROJECT_FILTERS}
    if "year" not in request.GET:  # the page's default; an empty year is all years
        filters["year"] = str(timezone.localdate().year)
    try:
        projects = selectors.project_list(
            user=request.user, filters={k: v for k, v in filters.items() if v}
        )
        rows = [
            [
                p.year,
                p.regulation.title,
                p.get_flow_display(),
                p.lead_department.name,
                p.starts_on,
                p.due_on,
                LIGHT_LABELS.get(p.light, ""),
                f"{p.steps_approved}/{p.steps_total}",
                p.steps_red,
                p.get_status_display(),
            ]
            for p in projects
        ]
    except ValidationError:
        return HttpResponseBadRequest("筛选条件无效，请重新选择。")
    headers = ["年度", "党内法规", "流程", "牵头部门", "启动日期", "计划完成"]
    headers += ["红黄绿灯", "已完成步骤", "逾期步骤", "状态"]
    return xlsx_response(
        headers, rows, filename=f"执行项目-{timezone.localdate():%Y-%m-%d}.xlsx"
    )
