from django import forms
from django.utils import timezone

from config.widgets import DateInput, DepartmentSelect
from notices.models import Notice, NoticeRule
from org.models import Department
from org.selectors import visible_departments


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    measures = forms.CharField(
        label="整改落实措施", widget=forms.Textarea(attrs={"rows": 4})
    )
    result = forms.CharField(label="落实结果", widget=forms.Textarea(attrs={"rows": 3}))
    person_responsible = forms.CharField(label="责任人", max_length=50)
    completed_on = forms.DateField(label="完成日期", widget=DateInput())
    files = MultipleFileField(label="佐证材料", required=False)

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("完成日期不能晚于今天。")
        return value


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class AssignmentForm(forms.Form):
    department = forms.ModelChoiceField(
        label="接收单位",
        queryset=Department.objects.filter(is_active=True).exclude(
            kind=Department.Kind.OFFICE
        ),
        widget=DepartmentSelect(),
    )
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="交办内容", widget=forms.Textarea(attrs={"rows": 6}))
    due_on = forms.DateField(
        label="反馈时限",
        required=False,
        help_text="留空则按规则的默认工作日计算",
        widget=DateInput(),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # an office assigns to its own units only
            field = self.fields["department"]
            field.queryset = field.queryset.filter(
                pk__in=visible_departments(user).values("pk")
            )

    def clean_due_on(self):
        value = self.cleaned_data.get("due_on")
        if value and value < timezone.localdate():
            raise forms.ValidationError("反馈时限不能早于今天。")
        return value


class RuleForm(forms.ModelForm):
    class Meta:
        model = NoticeRule
        fields = [
            "reminder_days_before",
            "warning_grace_days",
            "escalation_interval_days",
            "max_level",
            "warning_answer_days",
            "assignment_answer_days",
            "warn_overdue_receipts",
            "warn_overdue_assignments",
            "low_credit_grades",
            "low_credit_extra_days",
        ]

    def clean_max_level(self):
        value = self.cleaned_data["max_level"]
        if not 1 <= value <= 3:
            raise forms.ValidationError("最高警示级别为1至3。")
        return value

    def clean_escalation_interval_days(self):
        value = self.cleaned_data["escalation_interval_days"]
        if value < 1:
            raise forms.ValidationError("升级间隔至少1个工作日。")
        return value


class RegisterFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部类别"), *Notice.Kind.choices]
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *Notice.Status.choices]
    )
    department = forms.ModelChoiceField(
        label="单位",
        required=False,
        queryset=Department.objects.filter(is_active=True),
        empty_label="全部单位",
        widget=DepartmentSelect(),
    )
    overdue = forms.BooleanField(label="反馈逾期", required=False)
    unconfirmed = forms.BooleanField(label="未签收", required=False)
    receipt_late = forms.BooleanField(label="回执逾期", required=False)
    q = forms.CharField(label="关键词", required=False, max_length=100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # the units the register may show
            field = self.fields["department"]
            field.queryset = field.queryset.filter(
                pk__in=visible_departments(user).values("pk")
            )
