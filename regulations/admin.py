from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from regulations.models import Regulation


@admin.register(Regulation)
class RegulationAdmin(SimpleHistoryAdmin):
    list_display = (
        "title",
        "document_number",
        "issuer",
        "level",
        "form",
        "branch",
        "status",
        "published_on",
        "is_deleted",
    )
    list_filter = ("level", "form", "branch", "status", "is_deleted")
    search_fields = ("title", "document_number", "issuer")
    date_hierarchy = "published_on"
    raw_id_fields = ("replaces",)
    # Status moves only through regulations.services (revise/repeal), and deletes
    # are soft: the admin neither edits the status nor erases rows.
    readonly_fields = ("status", "is_deleted", "created_by", "created_at", "updated_at")
    history_list_display = ("status",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
