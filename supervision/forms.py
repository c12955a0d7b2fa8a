"""Browser forms of the supervision app: validate input only; the services
decide the rules."""

from django import forms
from django.db.models import Q

from config.widgets import BootstrapStyle, DateInput
from evaluation.models import EvaluationRound
from org.models import Department
from org.selectors import visible_departments
from regulations.models import Regulation
from supervision.models import Accountability, Circular, Inspection, Problem
from workflows.models import ExecutionProject

DATE = DateInput(attrs={"class": "form-control"})


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


class InspectionForm(BootstrapStyle, forms.ModelForm):
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


class ProblemForm(BootstrapStyle, forms.ModelForm):
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


class ProblemStatusForm(BootstrapStyle, forms.Form):
    # the statuses set by hand; the others follow the 交办单 and the scan
    status = forms.ChoiceField(
        label="整改状态",
        choices=[
            (s, Problem.Status(s).label)
            for s in (
                Problem.Status.RECTIFIED,
                Problem.Status.CLOSED_UNRESOLVED,
                Problem.Status.ASSIGNED,
            )
        ],
    )
    reason = forms.CharField(label="说明", required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class AccountabilityForm(BootstrapStyle, forms.ModelForm):
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


class CircularDraftForm(BootstrapStyle, forms.Form):
    kind = forms.ChoiceField(label="通报类别", choices=Circular.Kind.choices)
    round = forms.ModelChoiceField(
        label="评价轮次(评价通报)",
        queryset=EvaluationRound.objects.filter(
            status=EvaluationRound.Status.PUBLISHED
        ).order_by("-year", "-quarter"),
        required=False,
    )
    inspections = forms.ModelMultipleChoiceField(
        label="明察暗访(督查通报)",
        queryset=Inspection.objects.select_related("department").order_by(
            "-inspected_on"
        )[:200],
        required=False,
    )
    accountabilities = forms.ModelMultipleChoiceField(
        label="追责问责(问责通报)",
        queryset=Accountability.objects.select_related("department").order_by(
            "-decided_on"
        )[:200],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a sliced queryset cannot be filtered when validating: keep the slice
        # for the choices, validate against the whole table
        self.fields["inspections"].queryset = Inspection.objects.select_related(
            "department"
        ).order_by("-inspected_on")
        self.fields[
            "accountabilities"
        ].queryset = Accountability.objects.select_related("department").order_by(
            "-decided_on"
        )
        self._style()


class CircularEditForm(BootstrapStyle, forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文", widget=forms.Textarea(attrs={"rows": 16}), required=False
    )
    to_all = forms.BooleanField(label="发至全部区级部门和镇街", required=False)
    departments = forms.ModelMultipleChoiceField(
        label="发送单位(不发至全部时)",
        queryset=Department.objects.filter(
            is_active=True, kind__in=[Department.Kind.DISTRICT, Department.Kind.TOWN]
        ).order_by("kind", "sort_order", "code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # an office circulates to its own units only
            field = self.fields["departments"]
            field.queryset = field.queryset.filter(
                pk__in=visible_departments(user).values("pk")
            )
        self._style()
        self.fields["to_all"].widget.attrs["class"] = "form-check-input"
