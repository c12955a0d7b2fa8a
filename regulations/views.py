"""Browser pages of the catalogue: thin, each validates and calls one service."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.columns import export_table
from config.errors import DomainError
from config.pages import page_errors
from config.tabular import read_rows, stash_upload, unstash_upload, xlsx_response
from org.permissions import office_required, reader_required
from org.selectors import is_office
from regulations import selectors, services
from regulations.filters import RegulationFilter
from regulations.forms import ImportForm, RegulationForm, RegulationReviseForm
from regulations.models import Regulation

PAGE_SIZE = 25
IMPORT_STASH = "regulations.import"


def _form_data(form) -> dict:
    data = dict(form.cleaned_data)
    attachment = data.get("attachment")
    if attachment is None:
        data.pop("attachment", None)  # no new file: keep the old one
    elif attachment is False:
        data["attachment"] = ""  # "clear" ticked
    return data


@reader_required
def regulation_list(request):
    filterset = RegulationFilter(
        data=request.GET or None, queryset=Regulation.objects.none()
    )
    for field in filterset.form.fields.values():
        field.widget.attrs["class"] = "form-select"
        field.widget.attrs["aria-label"] = field.label
    regulations = selectors.regulation_list(
        user=request.user, filters=request.GET, strict=False
    )
    page = Paginator(regulations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "regulations/list.html",
        {
            "filter_form": filterset.form,
            "page": page,
            "can_edit": is_office(request.user),
            "status_class": STATUS_CLASS,
        },
    )


STATUS_CLASS = {
    Regulation.Status.IN_FORCE: "success",
    Regulation.Status.AMENDED: "warning",
    Regulation.Status.REPEALED: "secondary",
}


@reader_required
def regulation_detail(request, pk):
    regulation = selectors.regulation_get(user=request.user, pk=pk)
    return render(
        request,
        "regulations/detail.html",
        {
            "regulation": regulation,
            "responsibilities": selectors.regulation_responsibilities(
                regulation=regulation, user=request.user
            ),
            "chain": selectors.revision_chain(regulation=regulation),
            "can_edit": is_office(request.user),
            "status_class": STATUS_CLASS,
        },
    )


@reader_required
def regulation_attachment(request, pk):
    """The original text, served through the app (media is not public)."""
    regulation = selectors.regulation_get(user=request.user, pk=pk)
    if not regulation.attachment:
        raise Http404("该法规没有附件")
    try:
        handle = regulation.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404("附件文件不存在") from exc
    name = regulation.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)


@office_required
def regulation_create(request):
    form = RegulationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with page_errors(request, form=form):
            regulation = services.regulation_create(
                user=request.user, data=_form_data(form)
            )
            messages.success(request, f"已新增“{regulation.title}”")
            return redirect("regulations:detail", pk=regulation.pk)
    return render(
        request, "regulations/form.html", {"form": form, "heading": "新增法规"}
    )


@office_required
def regulation_edit(request, pk):
    regulation = selectors.regulation_get(user=request.user, pk=pk)
    form = RegulationForm(
        request.POST or None, request.FILES or None, instance=regulation
    )
    if request.method == "POST" and form.is_valid():
        with page_errors(request, form=form):
            services.regulation_update(
                regulation=regulation, user=request.user, data=_form_data(form)
            )
            messages.success(request, "已保存修改")
            return redirect("regulations:detail", pk=regulation.pk)
    return render(
        request,
        "regulations/form.html",
        {
            "form": form,
            "heading": f"编辑：{regulation.title}",
            "regulation": regulation,
        },
    )


@office_required
def regulation_revise(request, pk):
    old = selectors.regulation_get(user=request.user, pk=pk)
    initial = {name: getattr(old, name) for name in services.INHERITED_ON_REVISE}
    form = RegulationReviseForm(
        request.POST or None, request.FILES or None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = _form_data(form)
        carry = data.pop("carry_responsibilities", False)
        with page_errors(request, form=form):
            new = services.regulation_revise(
                regulation=old,
                user=request.user,
                data=data,
                carry_responsibilities=carry,
            )
            messages.success(
                request, f"已登记新版本，原版本“{old.title}”标记为已被修改"
            )
            return redirect("regulations:detail", pk=new.pk)
    return render(
        request,
        "regulations/form.html",
        {
            "form": form,
            "heading": f"修订：{old.title}",
            "regulation": old,
            "revising": True,
        },
    )


@require_POST
@office_required
def regulation_repeal(request, pk):
    regulation = selectors.regulation_get(user=request.user, pk=pk)
    with page_errors(request):
        services.regulation_repeal(
            regulation=regulation,
            user=request.user,
            reason=request.POST.get("reason", "").strip(),
        )
        messages.success(request, "已标记为已废止")
    return redirect("regulations:detail", pk=regulation.pk)


@require_POST
@office_required
def regulation_delete(request, pk):
    regulation = selectors.regulation_get(user=request.user, pk=pk)
    with page_errors(request):
        services.regulation_delete(regulation=regulation, user=request.user)
        messages.success(request, f"已删除“{regulation.title}”")
        return redirect("regulations:list")
    return redirect("regulations:detail", pk=regulation.pk)


@reader_required
def regulation_history(request, pk):
    regulation = selectors.regulation_get(user=request.user, pk=pk)
    return render(
        request,
        "regulations/history.html",
        {
            "regulation": regulation,
            "entries": selectors.regulation_history(regulation=regulation),
        },
    )


@office_required
def regulation_import(request):
    """Upload -> preview (nothing written) -> confirm (all rows or none)."""
    form = ImportForm()
    if request.method == "POST" and request.POST.get("confirm"):
        upload = unstash_upload(request, namespace=IMPORT_STASH)
        if upload is None:
            messages.error(request, "待导入的文件已失效，请重新上传")
            return redirect("regulations:import")
        try:
            report = services.regulation_import(
                rows=read_rows(upload), user=request.user, commit=True
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("regulations:import")
        if report.committed:
            unstash_upload(request, namespace=IMPORT_STASH, pop=True)
            messages.success(request, report.summary())
            return redirect("regulations:list")
        return _preview(request, form, report, upload.name)
    if request.method == "POST":
        # A new upload replaces any file kept from an earlier preview, so a
        # confirm can only ever write the file the user last saw as clean.
        unstash_upload(request, namespace=IMPORT_STASH, pop=True)
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_rows(upload)
                report = services.regulation_import(
                    rows=rows, user=request.user, commit=False
                )
                if report.ok:
                    stash_upload(request, upload, namespace=IMPORT_STASH)
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                return _preview(request, form, report, upload.name)
    return render(request, "regulations/import.html", {"form": form})


def _preview(request, form, report, filename):
    return render(
        request,
        "regulations/import.html",
        {
            "form": form,
            "report": report,
            "filename": filename,
            "labels": services.COLUMN_LABELS,
            "choice_labels": {
                "level": dict(Regulation.Level.choices),
                "form": dict(Regulation.Form.choices),
                "branch": dict(Regulation.Branch.choices),
                "status": dict(Regulation.Status.choices),
            },
        },
        status=200 if report.ok else 400,
    )


@reader_required
def regulation_export(request):
    regulations = selectors.regulation_list(
        user=request.user, filters=request.GET, strict=False
    )
    headers, rows = export_table(regulations.iterator(chunk_size=500), services.COLUMNS)
    today = timezone.localdate().isoformat()
    return xlsx_response(headers, rows, filename=f"法规目录-{today}.xlsx")
