"""Browser forms. They only shape input; the services decide what is allowed."""

from django import forms
from django.db.models import Q

from org.models import Department, Role
from org.selectors import visible_departments
from regulations.models import Regulation
from responsibilities.models import ResponsibilityList
from responsibilities.services import KIND_FIELDS

Kind = ResponsibilityList.Kind


def _active_departments():
    return Department.objects.filter(is_active=True).order_by("sort_order", "code")


class BootstrapMixin:
    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ResponsibilityForm(BootstrapMixin, forms.Form):
    """One row of one list; shows the common fields and the kind's own fields."""

    regulation = forms.ModelChoiceField(
        label="党内法规", queryset=Regulation.objects.none(), required=False
    )
    department = forms.ModelChoiceField(
        label="责任单位", queryset=Department.objects.none()
    )
    partner_departments = forms.ModelMultipleChoiceField(
        label="配合部门",
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="按住 Ctrl(手机上直接点选)可多选。",
    )
    duty = forms.CharField(
        label="主要职责/内容", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    leader_in_charge = forms.CharField(label="分管区领导", required=False)
    scope = forms.CharField(label="适用范围", required=False)
    default_flow = forms.ChoiceField(
        label="默认流程", choices=ResponsibilityList.Flow.choices, required=False
    )
    mechanism = forms.CharField(label="机制名称", required=False)
    driver_type = forms.ChoiceField(
        label="机制类型",
        choices=[("", "---------"), *ResponsibilityList.DriverType.choices],
        required=False,
    )
    frequency = forms.CharField(label="频次", required=False)
    element_type = forms.ChoiceField(
        label="要素类型",
        choices=[("", "---------"), *ResponsibilityList.SafeguardType.choices],
        required=False,
    )
    requirement = forms.CharField(
        label="保障要求", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    inspection_group = forms.ModelChoiceField(
        label="派驻纪检组", queryset=Department.objects.none(), required=False
    )
    focus = forms.CharField(
        label="监督重点", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    method = forms.CharField(label="监督方式", required=False)
    period = forms.CharField(label="监督周期", required=False)

    COMMON = ["regulation", "department", "partner_departments", "duty"]

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = set(self.COMMON) | set(KIND_FIELDS[kind])
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        # New duties go to regulations in force; an edit keeps the row's own one.
        current = (self.initial or {}).get("regulation")
        in_force = Q(status=Regulation.Status.IN_FORCE)
        if current:
            in_force |= Q(pk=current)
        self.fields["regulation"].queryset = Regulation.objects.filter(
            in_force, is_deleted=False
        ).order_by("title")
        self.fields["department"].queryset = _active_departments()
        self.fields["partner_departments"].queryset = _active_departments()
        if "inspection_group" in self.fields:
            self.fields["inspection_group"].queryset = _active_departments().filter(
                kind=Department.Kind.INSPECTION_GROUP
            )
        labels = {
            Kind.LEAD: "牵头执行部门",
            Kind.SUPERVISION: "被监督的牵头部门",
        }
        self.fields["department"].label = labels.get(kind, "责任部门")
        if kind in {Kind.LEAD, Kind.SUPERVISION}:
            self.fields["regulation"].required = True
        self._style()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if "default_flow" in data and not data["default_flow"]:
            data["default_flow"] = ResponsibilityList.Flow.GENERAL
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel/CSV 文件",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.csv"}
        ),
    )


class UserCreateForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=150, required=False)
    role = forms.ChoiceField(
        label="角色", choices=[c for c in Role.choices if c[0] != Role.API_CLIENT]
    )
    department = forms.ModelChoiceField(
        label="单位", queryset=Department.objects.none(), required=False
    )
    email = forms.EmailField(label="邮箱", required=False)
    phone = forms.CharField(label="手机", max_length=20, required=False)
    password = forms.CharField(
        label="初始密码", widget=forms.PasswordInput, min_length=8
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = _active_departments()
        if user is not None:
            # An office manages its own departments' accounts only.
            departments = departments.filter(
                pk__in=visible_departments(user).values("pk")
            )
        self.fields["department"].queryset = departments
        self._style()


class UserEditForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label="姓名", max_length=150, required=False)
    role = forms.ChoiceField(
        label="角色", choices=[c for c in Role.choices if c[0] != Role.API_CLIENT]
    )
    department = forms.ModelChoiceField(
        label="单位", queryset=Department.objects.none(), required=False
    )
    email = forms.EmailField(label="邮箱", required=False)
    phone = forms.CharField(label="手机", max_length=20, required=False)
    is_active = forms.BooleanField(label="启用", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = _active_departments()
        if user is not None:
            # An office manages its own departments' accounts only.
            departments = departments.filter(
                pk__in=visible_departments(user).values("pk")
            )
        self.fields["department"].queryset = departments
        self._style()


class PasswordResetForm(BootstrapMixin, forms.Form):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput, min_length=8)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class TokenIssueForm(BootstrapMixin, forms.Form):
    client_name = forms.CharField(
        label="客户端名称",
        max_length=60,
        help_text="字母、数字、点、横线或下划线，如 credit-system",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class DepartmentForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label="编码", max_length=32)
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类别", choices=Department.Kind.choices)
    parent = forms.ModelChoiceField(
        label="上级单位", queryset=Department.objects.none(), required=False
    )
    inspection_group = forms.ModelChoiceField(
        label="派驻纪检组", queryset=Department.objects.none(), required=False
    )
    leader_name = forms.CharField(label="主要负责人", max_length=50, required=False)
    email = forms.EmailField(label="通知邮箱", required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # An office places units in its own tree only.
        departments = visible_departments(user).order_by("path")
        self.fields["parent"].queryset = departments
        self.fields["inspection_group"].queryset = departments.filter(
            kind=Department.Kind.INSPECTION_GROUP
        )
        if editing:
            self.fields["code"].disabled = True
        self._style()
