"""Browser forms of the catalogue: fields and widgets only; rules live in services."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator

from config.widgets import DateInput
from regulations.models import Regulation
from regulations.services import EDITABLE_FIELDS


class BootstrapMixin:
    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


ATTACHMENT_EXTENSIONS = ["pdf", "ofd", "doc", "docx", "wps", "txt", "jpg", "png"]
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


class RegulationForm(BootstrapMixin, forms.ModelForm):
    link = forms.URLField(label="原文链接", required=False, assume_scheme="https")
    attachment = forms.FileField(
        label="原文附件",
        required=False,
        help_text="PDF、OFD、Word、WPS 或图片，不超过 20 MB",
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ",".join(f".{e}" for e in ATTACHMENT_EXTENSIONS),
                "data-max-bytes": ATTACHMENT_MAX_BYTES,
            }
        ),
    )

    class Meta:
        model = Regulation
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "published_on": DateInput(),
            "effective_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment and getattr(attachment, "size", 0) > ATTACHMENT_MAX_BYTES:
            raise ValidationError("附件不能超过 20 MB")
        return attachment

    def validate_unique(self):
        # Uniqueness (title + number among live rows) is checked by the service,
        # which knows about soft deletes and revisions.
        pass

    def _post_clean(self):
        # Skip ModelForm's instance validation (constraints included): the service
        # validates the instance once, with its own Chinese messages.
        pass


class RegulationReviseForm(RegulationForm):
    carry_responsibilities = forms.BooleanField(
        label="责任清单转到新版本",
        required=False,
        initial=True,
        help_text="原版本的牵头部门、动力机制、保障要素和专项监督条目改为对应新版本",
    )


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label="选择文件",
        help_text="支持 .xlsx 或 .csv（UTF-8 或 GBK 编码），第一行为表头",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
