from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from responsibilities.models import Department, Membership, ResponsibilityList


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "parent", "inspection_group", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent", "inspection_group"]
    autocomplete_fields = ["parent", "inspection_group"]
    readonly_fields = ["path"]
    ordering = ["path"]

    def save_model(self, request, obj, form, change):
        # A new parent re-paths the whole subtree: go through the service.
        from responsibilities.services import department_move

        parent_changed = change and "parent" in form.changed_data
        super().save_model(request, obj, form, change)
        if parent_changed:
            department_move(department=obj, parent=obj.parent)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department", "phone"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "department__name"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["department"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ["department"]
    verbose_name_plural = "单位与角色"


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class ZhiguiUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "email", "is_active", "is_staff"]


@admin.register(ResponsibilityList)
class ResponsibilityListAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "regulation", "department", "is_active", "updated_at"]
    list_filter = ["kind", "is_active", "default_flow"]
    search_fields = ["regulation__title", "department__name", "mechanism", "duty"]
    list_select_related = ["regulation", "department"]
    # The catalogue's admin belongs to the regulations app; a raw id works either way.
    raw_id_fields = ["regulation"]
    autocomplete_fields = ["department", "inspection_group", "partner_departments"]
