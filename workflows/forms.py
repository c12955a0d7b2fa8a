"""Browser forms of the workflows app (validation only; services do the work)."""

import datetime

from django import forms
from django.utils import timezone

from config.widgets import DateInput, DepartmentSelect, DepartmentSelectMultiple
from org.models import Department
from org.selectors import visible_departments
from regulations.models import Regulation
from responsibilities.models import ResponsibilityList
from workflows.models import EVIDENCE_KINDS, Actor, CalendarDay, FlowTemplate


class BootstrapMixin:
    """Bootstrap classes on every widget (the templates render fields as-is)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = css


class LaunchForm(BootstrapMixin, forms.Form):
    regulation = forms.ModelChoiceField(
        label="党内法规",
        queryset=Regulation.objects.filter(is_deleted=False).exclude(
            status=Regulation.Status.REPEALED
        ),
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    flow = forms.ChoiceField(
        label="流程",
        choices=[("", "按牵头执行部门清单(繁简分流)")] + FlowTemplate.Code.choices,
        required=False,
        help_text="留空则按清单中该法规的默认流程；清单未列明的按七步法",
    )
    lead_department = forms.ModelChoiceField(
        label="牵头执行部门",
        queryset=Department.objects.filter(is_active=True),
        widget=DepartmentSelect(),
    )
    partner_departments = forms.ModelMultipleChoiceField(
        label="配合部门",
        queryset=Department.objects.filter(is_active=True),
        required=False,
        # data-filterable: static/js/zhigui-multiselect.js adds a filter box and
        # checkboxes over a short list; a long one becomes a typeahead
        # (DepartmentSelectMultiple). Without JS the plain select still works.
        widget=DepartmentSelectMultiple(
            attrs={"size": 8, "data-filterable": "配合部门"}
        ),
        help_text="可输入名称筛选后勾选；不支持脚本的浏览器按住Ctrl键多选",
    )
    starts_on = forms.DateField(label="启动日期", widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["starts_on"].initial = today
        if user is not None:
            # An office launches with its own departments only.
            own = visible_departments(user).filter(is_active=True)
            self.fields["lead_department"].queryset = own
            self.fields["partner_departments"].queryset = own


class BulkLaunchForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    starts_on = forms.DateField(label="启动日期", widget=DateInput())


class BulkLaunchStartForm(BulkLaunchForm):
    """The preview's choice: which lead-list rows to launch."""

    responsibilities = forms.ModelMultipleChoiceField(
        label="清单条目",
        queryset=ResponsibilityList.objects.filter(kind=ResponsibilityList.Kind.LEAD),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一条清单条目。"},
    )


class EvidenceForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label="工作说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class ReturnForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="退回原因",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "退回时必须填写退回原因。"},
    )


class StepTemplateForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(label="步骤代码(英文)", max_length=40)
    name = forms.CharField(label="步骤名称", max_length=50)
    step_actor = forms.ChoiceField(
        label="执行主体",
        choices=Actor.choices,
        initial=Actor.ALL,
        help_text="区委办：每个项目一条，由区委办办理(执行发起、通报)；"
        "牵头部门：仅牵头部门办理；牵头及配合部门：各单位分别办理",
    )
    duration_days = forms.IntegerField(label="时限(工作日)", min_value=1, max_value=365)
    parallel = forms.BooleanField(label="可与上一步并行", required=False)
    evidence_kinds = forms.MultipleChoiceField(
        label="所需佐证材料",
        choices=list(EVIDENCE_KINDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    base_points = forms.DecimalField(label="基点", min_value=0, max_digits=6)
    high_points = forms.DecimalField(label="高点", min_value=0, max_digits=6)
    description = forms.CharField(
        label="工作要求", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CalendarDayForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_workday", "note"]
        widgets = {"date": DateInput()}
        labels = {"is_workday": "设为工作日(不勾选则为休息日)"}

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value < datetime.date(2000, 1, 1):
            raise forms.ValidationError("日期无效。")
        return value


class ExtensionForm(BootstrapMixin, forms.Form):
    """延期申请 as the liaison types it (the service checks the dates)."""

    until = forms.DateField(label="申请延期至", widget=DateInput())
    reason = forms.CharField(
        label="延期理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
