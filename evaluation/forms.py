"""Browser forms: validate input only; the services decide the rules."""

from decimal import Decimal

from django import forms

from config.widgets import BootstrapStyle, DateInput
from evaluation.models import EvaluationRound
from org.models import Department

DATE = DateInput(attrs={"class": "form-control"})


class RoundCreateForm(BootstrapStyle, forms.Form):
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


class AdjustForm(BootstrapStyle, forms.Form):
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


class ReasonForm(BootstrapStyle, forms.Form):
    reason = forms.CharField(
        label="原因/说明", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class PeerRatingForm(forms.Form):
    """One peer rating as posted by the 多元互评 page; the service checks the rest."""

    round = forms.ModelChoiceField(queryset=EvaluationRound.objects.all())
    rated = forms.ModelChoiceField(queryset=Department.objects.all())
    score = forms.CharField(max_length=20)
    comment = forms.CharField(required=False, max_length=500)
