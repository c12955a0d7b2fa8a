"""Excel downloads of the supervision lists: the rows the pages show, with the
same filters and the user's scope."""

from django.utils import timezone

from config.tabular import xlsx_response
from org.models import Role
from org.permissions import role_required
from supervision import selectors
from supervision.views import SUPERVISORS


@role_required(SUPERVISORS)
def inspections_xlsx(request):
    inspections = selectors.inspection_list(
        user=request.user, filters=request.GET, strict=False
    )
    rows = (
        [
            i.inspected_on,
            i.get_kind_display(),
            i.department.name,
            i.regulation.title if i.regulation_id else "",
            i.inspectors,
            i.problem_count,
            i.open_count,
            i.summary,
        ]
        for i in inspections.iterator(chunk_size=500)
    )
    headers = ["检查日期", "方式", "被检查单位", "党内法规", "检查人员", "问题数"]
    headers += ["未整改", "检查情况"]
    return xlsx_response(
        headers, rows, filename=f"监督检查-{timezone.localdate():%Y-%m-%d}.xlsx"
    )


@role_required({Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON})
def problems_xlsx(request):
    problems = selectors.problem_list(
        user=request.user, filters=request.GET, strict=False
    )
    rows = (
        [
            p.inspection.inspected_on,
            p.inspection.department.name,
            p.inspection.regulation.title if p.inspection.regulation_id else "",
            p.description,
            p.due_on,
            p.get_status_display(),
            p.assignment.number if p.assignment_id else "",
            p.rectified_on,
        ]
        for p in problems.iterator(chunk_size=500)
    )
    headers = ["检查日期", "被检查单位", "党内法规", "问题描述", "整改时限"]
    headers += ["整改状态", "交办单", "整改完成日期"]
    return xlsx_response(
        headers, rows, filename=f"发现问题-{timezone.localdate():%Y-%m-%d}.xlsx"
    )
