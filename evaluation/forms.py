"""Browser forms: validate input only; the services decide the rules."""

from decimal import Decimal

from django import forms
from django.db.models import Q

from config.widgets import DateInput
from evaluation.models import Accountability, EvaluationRound, Inspection, Problem
from regulations.models import Regulation
from responsibilities.models import Department
from responsibilities.selectors import visible_departments
from workflows.models import ExecutionProject

DATE = DateInput(attrs={"class": "form-control"})


class _Bootstrap:
    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class RoundCreateForm(_Bootstrap, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="期间",
        choices=EvaluationRound.Quarter.choices,
        coerce=int,
        initial=0,
    )
    name = forms.CharField(label="名称", max_length=100, required=False)
    corrects = forms.ModelChoiceField(
        label="更正的轮次(仅更正时选择)",
        queryset=EvaluationRound.objects.filter(
            status=EvaluationRound.Status.PUBLISHED
        ),
        required=False,
    )
    reason = forms.CharField(
        label="更正原因", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class AdjustForm(_Bootstrap, forms.Form):
    new_points = forms.DecimalField(
        label="调整后分值", max_digits=7, decimal_places=2, min_value=Decimal(0)
    )
    reason = forms.CharField(
        label="调整理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["reason"].error_messages["required"] = "调整分值必须填写调整理由。"


class ReasonForm(_Bootstrap, forms.Form):
    reason = forms.CharField(
        label="原因/说明", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


def _inspectable(user):
    return (
        visible_departments(user)
        .exclude(kind__in=[Department.Kind.OFFICE, Department.Kind.INSPECTION_GROUP])
        .order_by("kind", "sort_order", "code")
    )


def _projects_of(departments):
    """Projects the given departments lead or partner in (the services check the
    chosen one against the chosen department)."""
    ids = ExecutionProject.objects.filter(
        Q(lead_department__in=departments) | Q(partner_departments__in=departments)
    ).values("pk")
    return (
        ExecutionProject.objects.filter(pk__in=ids)
        .select_related("regulation")
        .order_by("-year", "id")
    )


class InspectionForm(_Bootstrap, forms.ModelForm):
    class Meta:
        model = Inspection
        fields = [
            "kind",
            "inspected_on",
            "inspectors",
            "department",
            "regulation",
            "project",
            "summary",
        ]
        widgets = {"inspected_on": DATE, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = _inspectable(user)
        self.fields["department"].queryset = departments
        self.fields["regulation"].queryset = Regulation.objects.order_by("title")
        self.fields["project"].queryset = _projects_of(departments)
        self._style()


class ProblemForm(_Bootstrap, forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["description", "due_on"]
        widgets = {
            "due_on": DATE,
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ProblemStatusForm(_Bootstrap, forms.Form):
    status = forms.ChoiceField(label="整改状态", choices=Problem.Status.choices)
    reason = forms.CharField(label="说明", required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class AccountabilityForm(_Bootstrap, forms.ModelForm):
    class Meta:
        model = Accountability
        fields = [
            "department",
            "project",
            "problem",
            "action",
            "person",
            "decided_on",
            "note",
        ]
        widgets = {"decided_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = _inspectable(user)
        self.fields["department"].queryset = departments
        self.fields["project"].queryset = _projects_of(departments)
        self.fields["problem"].queryset = Problem.objects.filter(
            inspection__department__in=departments
        )
        self._style()
