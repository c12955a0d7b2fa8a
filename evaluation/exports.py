"""Excel downloads of the evaluation lists: the same rows the pages show, with
the same filters and the user's scope."""

from django.utils import timezone

from config.tabular import xlsx_response
from evaluation.views.common import READERS
from evaluation.views.dashboard import credit_query, ranking_query
from org.permissions import role_required


@role_required(READERS)
def rankings_xlsx(request):
    """晾晒比学 as chosen on the page (year, quarter, keyword)."""
    chosen = ranking_query(request)
    rows = [
        [
            r["kind_label"],
            r["rank"],
            r["department"],
            r["total"],
            r["grade"],
            r["projects"],
            r["warnings"],
        ]
        for r in chosen["rows"]
    ]
    headers = ["类别", "名次", "单位", "得分(百分制)", "等级", "项目数", "警示单"]
    year = chosen["year"] or ""
    return xlsx_response(headers, rows, filename=f"晾晒比学-{year}.xlsx")


@role_required(READERS)
def credit_xlsx(request):
    """历史信用评价 as filtered on the page, within the user's scope."""
    rows = (
        [
            r.department.name,
            r.year,
            r.score,
            r.grade,
            r.projects,
            r.source_round.name if r.source_round_id else "",
        ]
        for r in credit_query(request).iterator(chunk_size=500)
    )
    headers = ["单位", "年度", "得分", "等级", "项目数", "来源"]
    return xlsx_response(
        headers, rows, filename=f"信用评价-{timezone.localdate():%Y-%m-%d}.xlsx"
    )
