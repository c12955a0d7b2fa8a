"""Admin: for looking things up. Statuses are read-only; they change through the
supervision services."""

from django.contrib import admin

from supervision import models


class ProblemInline(admin.TabularInline):
    model = models.Problem
    extra = 0
    readonly_fields = [
        "status",
        "assignment",
        "rectified_at",
        "rectified_on",
        "warned_on",
    ]


@admin.register(models.Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["inspected_on", "kind", "department", "inspectors"]
    list_select_related = ["department"]
    inlines = [ProblemInline]


@admin.register(models.Accountability)
class AccountabilityAdmin(admin.ModelAdmin):
    list_display = ["decided_on", "action", "person", "department"]
    list_select_related = ["department"]


@admin.register(models.SupervisingUnit)
class SupervisingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department", "is_active"]
    list_filter = ["kind"]
    list_select_related = ["department"]
    filter_horizontal = ["covers_units", "covers_departments"]


class ReadOnlyStatusAdmin(admin.ModelAdmin):
    """Statuses change through the services (StateMachine), never here."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "status"]


@admin.register(models.InspectionPlan)
class InspectionPlanAdmin(ReadOnlyStatusAdmin):
    list_display = ["unit", "department", "cycle", "due_on", "status"]
    list_filter = ["status", "cycle"]
    list_select_related = ["unit", "department"]
    readonly_fields = ["inspection", "reminded_on", "escalated_on"]


@admin.register(models.RowSchedule)
class RowScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "row",
        "cycle",
        "month",
        "day",
        "count_per_quarter",
        "low_credit_cycle",
        "is_active",
    ]
    list_filter = ["cycle"]
    raw_id_fields = ["row"]


@admin.register(models.Duty)
class DutyAdmin(ReadOnlyStatusAdmin):
    list_display = ["title", "department", "due_on", "status", "done_on"]
    list_filter = ["status"]
    list_select_related = ["department"]
    readonly_fields = ["done_on", "done_by", "reminded_on"]


@admin.register(models.Circular)
class CircularAdmin(ReadOnlyStatusAdmin):
    list_display = ["number", "kind", "title", "status", "issued_on"]
    list_filter = ["kind", "status"]
    readonly_fields = ["serial", "number", "issued_on", "issued_by"]


@admin.register(models.SupervisionRule)
class SupervisionRuleAdmin(admin.ModelAdmin):
    list_display = ["problem_due_working_days", "updated_at"]
