from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from org.models import Department, Membership, Office
from org.services import department_move, user_update


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "number_prefix"]
    list_filter = ["kind"]


class DepartmentAdminForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = [
            "code",
            "name",
            "kind",
            "parent",
            "inspection_group",
            "leader_name",
            "email",
            "webhook_url",
            "is_active",
            "sort_order",
        ]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent and self.instance.pk and parent.path.startswith(self.instance.path):
            raise forms.ValidationError("不能把单位移到它自己或下级单位之下。")
        return parent


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    form = DepartmentAdminForm
    list_display = ["name", "code", "kind", "parent", "inspection_group", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent", "inspection_group"]
    autocomplete_fields = ["parent", "inspection_group"]
    readonly_fields = ["path"]
    ordering = ["path"]

    def save_model(self, request, obj, form, change):
        # A new parent re-paths the whole subtree: save the other fields under
        # the old parent, then move through the service.
        if change and "parent" in form.changed_data:
            new_parent = obj.parent
            obj.parent = Department.objects.get(pk=obj.pk).parent
            super().save_model(request, obj, form, change)
            department_move(department=obj, parent=new_parent)
        else:
            super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department", "phone"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "department__name"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["department"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Staff flag and admin group follow the role, as in the office's own pages.
        user_update(user=obj.user, role=obj.role, department=obj.department)


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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        membership = Membership.objects.filter(user=form.instance).first()
        if membership is not None:
            user_update(
                user=form.instance,
                role=membership.role,
                department=membership.department,
            )

    list_display = ["username", "first_name", "email", "is_active", "is_staff"]
