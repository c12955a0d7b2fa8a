"""The working-day calendar."""

import calendar as std_calendar
import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from org.permissions import office_required
from org.selectors import office_of
from workflows import calendar, services
from workflows.forms import CalendarDayForm
from workflows.models import CalendarDay


@office_required
def calendar_page(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        if not 1900 <= year <= 2100:  # date() and the month links need room
            raise ValueError(year)
        first = datetime.date(year, month, 1)
    except (TypeError, ValueError, OverflowError):
        year, month, first = today.year, today.month, today.replace(day=1)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.calendar_day_set(
            date=form.cleaned_data["date"],
            is_workday=form.cleaned_data["is_workday"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
        messages.success(request, "工作日历已调整。已发起项目的截止日期不会自动改变。")
        day = form.cleaned_data["date"]
        return redirect(
            reverse("workflows:calendar") + f"?year={day.year}&month={day.month}"
        )
    office = office_of(request.user)
    office_id = office.pk if office is not None else None
    days = calendar.days_of_month(first.year, first.month, office_id=office_id)
    weeks = []
    week = [None] * first.weekday()
    for day in days:
        week.append(day)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    prev_month = (first - datetime.timedelta(days=1)).replace(day=1)
    last_day = std_calendar.monthrange(first.year, first.month)[1]
    next_month = first.replace(day=last_day) + datetime.timedelta(days=1)
    return render(
        request,
        "workflows/calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "known": calendar.year_is_known(first.year),
            "form": form,
            # The office's own changes (a superuser's: the default rows).
            "overrides": CalendarDay.objects.filter(
                office_id=office_id, date__year__gte=first.year - 1
            ).order_by("date")[:200],
            "prev_month": prev_month,
            "next_month": next_month,
        },
    )


@require_POST
@office_required
def calendar_day_delete_view(request, pk):
    day = get_object_or_404(CalendarDay, pk=pk)
    services.calendar_day_delete(day=day, actor=request.user)
    messages.success(request, "已撤销该日的调整。")
    return redirect(
        reverse("workflows:calendar") + f"?year={day.date.year}&month={day.date.month}"
    )
