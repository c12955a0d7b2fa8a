"""Importing and exporting the four lists as spreadsheets."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from config.errors import DomainError
from config.pages import page_errors
from config.tabular import read_rows, stash_upload, unstash_upload, xlsx_response
from org.permissions import office_required, reader_required
from responsibilities import spreadsheets
from responsibilities.forms import ImportForm
from responsibilities.views.lists import Kind, _filtered_rows, _kind_or_404, _list_url


@office_required
def responsibility_import_page(request, kind):
    _kind_or_404(kind)
    namespace = f"responsibilities-{kind}"
    context = {
        "kind": kind,
        "kind_label": Kind(kind).label,
        "columns": spreadsheets.COLUMNS[kind],
        "required": {
            dict((k, h) for h, k in spreadsheets.COLUMNS[kind])[key]
            for key in spreadsheets.REQUIRED_COLUMNS[kind]
        },
        "form": ImportForm(),
    }
    if request.method == "POST":
        confirm = request.POST.get("confirm") == "1"
        with page_errors(request) as outcome:
            if confirm:
                upload = unstash_upload(request, namespace=namespace, pop=True)
                if upload is None:
                    raise DomainError("上传的文件已过期，请重新上传。")
            else:
                form = ImportForm(request.POST, request.FILES)
                context["form"] = form
                if not form.is_valid():
                    return render(request, "responsibilities/import.html", context)
                upload = form.cleaned_data["file"]
            rows = read_rows(upload)
            report = spreadsheets.responsibility_import(
                kind=kind, rows=rows, user=request.user, commit=confirm
            )
        if outcome.failed:
            return render(request, "responsibilities/import.html", context)
        if confirm and report.committed:
            messages.success(request, report.summary())
            return redirect(f"{_list_url()}?kind={kind}")
        if report.ok:
            stash_upload(request, upload, namespace=namespace)
        context.update(_preview(kind, report))
    return render(request, "responsibilities/import.html", context)


def _preview(kind: str, report) -> dict:
    """The checked rows with their errors, for the page before confirming."""
    errors_by_row = {}
    for error in report.errors:
        errors_by_row.setdefault(error.row, []).append(str(error))
    return {
        "report": report,
        "headers": [h for h, _ in spreadsheets.COLUMNS[kind]],
        "preview": [
            {
                "number": row["_row"],
                "values": [row[h] for h, _ in spreadsheets.COLUMNS[kind]],
                "errors": errors_by_row.get(row["_row"], []),
            }
            for row in report.rows
        ],
        "file_errors": [e for e in report.errors if e.row == 1],
    }


@reader_required
def responsibility_export_page(request, kind):
    _kind_or_404(kind)
    rows = _filtered_rows(request, kind)
    headers, values = spreadsheets.responsibility_export_table(kind=kind, rows=rows)
    stamp = timezone.localdate().isoformat()
    return xlsx_response(headers, values, filename=f"{Kind(kind).label}-{stamp}.xlsx")
