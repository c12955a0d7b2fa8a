"""Dashboard, rankings and credit records pages."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from evaluation import charts, selectors
from evaluation.models import CreditRecord, EvaluationRound
from evaluation.views.common import OFFICE_LEADER, READERS, _int, office_for
from org.models import Department
from org.permissions import role_required
from org.selectors import office_list, visible_departments


@role_required(OFFICE_LEADER)
def dashboard(request):
    office = office_for(request)
    year = _int(request.GET.get("year"), timezone.localdate().year)
    years = selectors.published_years(office=office)
    ranking_year = year if year in years else (years[0] if years else None)
    quarter = _int(request.GET.get("quarter"), 0)
    quarter = quarter if quarter in (1, 2, 3, 4) else 0
    top = (
        selectors.ranking_top(year=ranking_year, quarter=quarter, office=office)
        if ranking_year
        else []
    )
    ranking_top = {}
    for row in top:
        ranking_top.setdefault(row["kind_label"], []).append(row)
    trends = selectors.score_trends(office=office)
    steps = selectors.year_steps(year=year, office=office)
    return render(
        request,
        "evaluation/dashboard.html",
        {
            "year": year,
            "ranking_year": ranking_year,
            "quarter": quarter,
            "quarter_label": EvaluationRound.Quarter(quarter).label,
            "ranking_top": ranking_top,
            "office": office,
            "offices": office_list(user=request.user),
            "lights": steps["lights"],
            "progress_svg": charts.bar_chart(
                [(p["label"], p["done"], p["total"]) for p in steps["progress"]],
                title=f"{year}年各流程、各类单位步骤完成情况",
            ),
            "trend_district_svg": charts.line_chart(
                [
                    (str(t["year"]), t["value"])
                    for t in trends[Department.Kind.DISTRICT]
                ],
                title="区级部门平均得分趋势",
            ),
            "trend_town_svg": charts.line_chart(
                [(str(t["year"]), t["value"]) for t in trends[Department.Kind.TOWN]],
                title="镇街平均得分趋势",
                color="#0d6efd",
            ),
            "overdue": selectors.top_overdue(
                year=year, user=request.user, office=office
            ),
        },
    )


def ranking_query(request) -> dict:
    """The 晾晒比学 chosen on the page (office, year, quarter, keyword) and its
    rows: the page and its Excel download read the same."""
    office = office_for(request)
    years = selectors.published_years(office=office)
    year = _int(request.GET.get("year"), years[0] if years else None)
    quarter = _int(request.GET.get("quarter"), 0)
    quarter = quarter if quarter in (0, 1, 2, 3, 4) else 0
    q = request.GET.get("q", "").strip()[:50]
    rows = selectors.rankings(year=year, quarter=quarter, office=office) if year else []
    return {
        "office": office,
        "years": years,
        "year": year,
        "quarter": quarter,
        "q": q,
        "rows": selectors.rankings_search(rows, q=q),
    }


@role_required(READERS)
def rankings(request):
    chosen = ranking_query(request)
    by_kind = {}
    for row in chosen["rows"]:
        by_kind.setdefault(row["kind_label"], []).append(row)
    return render(
        request,
        "evaluation/rankings.html",
        {
            **chosen,
            "offices": office_list(user=request.user),
            "quarters": EvaluationRound.Quarter.choices,
            "by_kind": by_kind,
            "query": _query(request),
        },
    )


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def credit_query(request):
    """The credit records as filtered on the page (and in its download)."""
    return selectors.credit_record_list(
        user=request.user, filters=request.GET, strict=False
    )


@role_required(READERS)
def credit_list(request):
    year = _int(request.GET.get("year"))
    page = Paginator(credit_query(request), 100).get_page(request.GET.get("page"))
    years = (
        CreditRecord.objects.values_list("year", flat=True).distinct().order_by("-year")
    )
    return render(
        request,
        "evaluation/credit_list.html",
        {
            "page": page,
            "year": year,
            "years": years,
            "q": request.GET.get("q", ""),
            "querystring": _query(request),
        },
    )


@role_required(READERS)
def credit_history(request, department_pk):
    department = visible_departments(request.user).filter(pk=department_pk).first()
    if department is None:
        raise Http404("单位不存在")
    records = list(
        selectors.credit_record_list(user=request.user, department=department.pk)
    )
    chronological = sorted(records, key=lambda r: r.year)
    return render(
        request,
        "evaluation/credit_history.html",
        {
            "department": department,
            "records": records,
            "chart": charts.line_chart(
                [(str(r.year), r.score) for r in chronological],
                title=f"{department.name}历年执规得分",
            ),
        },
    )
