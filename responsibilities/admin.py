from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from responsibilities.models import ResponsibilityList


@admin.register(ResponsibilityList)
class ResponsibilityListAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "regulation", "department", "is_active", "updated_at"]
    list_filter = ["kind", "is_active", "default_flow"]
    search_fields = ["regulation__title", "department__name", "mechanism", "duty"]
    list_select_related = ["regulation", "department"]
    # The catalogue's admin belongs to the regulations app; a raw id works either way.
    raw_id_fields = ["regulation"]
    autocomplete_fields = ["department", "inspection_group", "partner_departments"]
