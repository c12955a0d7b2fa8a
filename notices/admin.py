from django.contrib import admin

from notices.models import (
    Delivery,
    ImplementationReport,
    Notice,
    NoticeEvent,
    NoticeRule,
    ReportFile,
)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = [
        "department",
        "channel",
        "target",
        "attempted_at",
        "result",
        "error",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class NoticeEventInline(admin.TabularInline):
    model = NoticeEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "action", "from_status", "to_status"]
    fields = readonly_fields + ["reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "level", "title", "department", "status"]
    list_filter = ["kind", "status", "level", "year"]
    search_fields = ["number", "title", "department__name"]
    list_select_related = ["department"]
    raw_id_fields = ["project", "step", "receipt", "source_notice"]
    # Statuses, numbers and delivery bookkeeping change through the services only.
    readonly_fields = [
        "kind",
        "year",
        "serial",
        "number",
        "level",
        "status",
        "issued_on",
        "sent_at",
        "confirmed_at",
        "confirmed_by",
        "delivery_claimed_at",
        "delivered_at",
        "created_by",
        "department",  # counted per office and kind (NoticeTally)
    ]
    inlines = [NoticeEventInline, DeliveryInline]

    def has_add_permission(self, request):
        return False  # notices come from the services (numbered, counted)

    def has_delete_permission(self, request, obj=None):
        return False


class ReportFileInline(admin.TabularInline):
    model = ReportFile
    extra = 0


@admin.register(ImplementationReport)
class ImplementationReportAdmin(admin.ModelAdmin):
    list_display = ["notice", "person_responsible", "completed_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["notice"]
    readonly_fields = ["status", "submitted_by", "reviewed_by", "reviewed_at"]
    inlines = [ReportFileInline]


@admin.register(NoticeRule)
class NoticeRuleAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "reminder_days_before",
        "escalation_interval_days",
        "max_level",
    ]
    readonly_fields = ["updated_by"]
