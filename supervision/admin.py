"""Admin: for looking things up. Statuses are read-only; they change through the
supervision services."""

from django.contrib import admin

from supervision import models


class ProblemInline(admin.TabularInline):
    model = models.Problem
    extra = 0
    readonly_fields = ["status", "assignment", "rectified_at"]


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
