"""Admin: templates and calendar are editable; statuses are read-only (only the
services move them, through the transition helper)."""

from django.contrib import admin

from workflows.models import (
    BulkLaunchJob,
    CalendarDay,
    Event,
    Evidence,
    EvidenceFile,
    ExecutionProject,
    ExtensionRequest,
    FlowTemplate,
    Receipt,
    Step,
    StepTemplate,
)


class StepTemplateInline(admin.TabularInline):
    model = StepTemplate
    extra = 0


@admin.register(FlowTemplate)
class FlowTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "updated_at"]
    inlines = [StepTemplateInline]


@admin.register(ExecutionProject)
class ExecutionProjectAdmin(admin.ModelAdmin):
    list_display = ["regulation", "year", "flow", "lead_department", "status", "due_on"]
    list_filter = ["year", "flow", "status"]
    search_fields = ["regulation__title"]
    raw_id_fields = ["regulation", "lead_department", "launched_by"]
    readonly_fields = ["status", "completed_at", "launched_at"]
    filter_horizontal = ["partner_departments"]

    def has_delete_permission(self, request, obj=None):
        # Its steps and notices would go with it, behind their offices'
        # stored counts (StepTally, NoticeTally): withdraw it instead.
        return False


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["project", "department", "name", "status", "due_on"]
    list_filter = ["status", "code"]
    search_fields = ["project__regulation__title", "department__name"]
    raw_id_fields = ["project", "template"]
    readonly_fields = [
        "status",
        "opened_at",
        "submitted_at",
        "approved_at",
        "return_count",
        "rating",  # given with the approval, through the service
        "department",  # counted per office (StepTally)
    ]
    list_select_related = ["project__regulation", "department"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ["project", "department", "due_on", "confirmed_at"]
    raw_id_fields = ["project", "department", "confirmed_by"]
    readonly_fields = ["confirmed_at", "confirmed_by"]
    list_select_related = ["project__regulation", "department"]


class EvidenceFileInline(admin.TabularInline):
    model = EvidenceFile
    extra = 0
    readonly_fields = ["original_name", "size", "content_type", "file"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["step", "submitted_by", "submitted_at"]
    raw_id_fields = ["step", "submitted_by"]
    inlines = [EvidenceFileInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "project",
        "department",
        "action",
        "from_status",
        "to_status",
        "actor",
    ]
    list_filter = ["action"]
    raw_id_fields = ["project", "step", "department", "actor"]

    def has_change_permission(self, request, obj=None):
        return False  # the audit trail is never edited

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["step", "department", "until", "status", "requested_at"]
    list_filter = ["status"]
    raw_id_fields = ["step", "department", "requested_by", "answered_by"]
    readonly_fields = ["status"]


@admin.register(BulkLaunchJob)
class BulkLaunchJobAdmin(admin.ModelAdmin):
    """Read-only: the worker writes a job's progress."""

    list_display = [
        "year",
        "starts_on",
        "processed",
        "total",
        "created_by",
        "finished_at",
    ]
    list_filter = ["year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
