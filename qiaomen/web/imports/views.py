"""The import page: upload → preview (problems, unknown headers, conflicts) → confirm → result,
and the list of open conflicts with their two buttons.

Only staff with the import capability get here; everyone else gets 403. The rules live in
`qiaomen.registry.importing`; these views parse forms, call a service and render.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import Forbidden
from qiaomen.registry.importing.conflicts import conflict_resolve
from qiaomen.registry.importing.headers import FIELDS, IGNORE
from qiaomen.registry.importing.person_values import field_label
from qiaomen.registry.importing.selectors import (
    conflict_for_user,
    conflict_views,
    conflicts_open_for_user,
    import_batch_for_user,
    import_sources,
)
from qiaomen.registry.importing.services import header_aliases_remember
from qiaomen.registry.importing.uploads import (
    import_batch_commit,
    import_preview_refresh,
    import_rejects_open,
    import_upload,
)
from qiaomen.registry.models import ImportBatch, ImportStatus
from qiaomen.web.shared.views import current_user, download, paginate, staff_page

PROBLEMS_SHOWN = 50
CONFLICTS_PAGE_SIZE = 50
REJECTS_CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Department file (CSV or Excel)"))
    source = forms.ModelChoiceField(label=_("Source"), queryset=import_sources(), to_field_name="code")


class HeaderMappingForm(forms.Form):
    """One select box per unknown header; "" leaves a header unmapped for now."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices: list[tuple[str, Any]] = [("", _("— choose —")), (IGNORE, _("Ignore this column"))]
        choices += [(code, spec.label) for code, spec in FIELDS.items()]
        for index, header in enumerate(headers):
            self.fields[f"header_{index}"] = forms.ChoiceField(label=header, choices=choices, required=False)

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data[f"header_{index}"] for index, header in enumerate(self.headers)}


class ConfirmForm(forms.Form):
    skip_invalid = forms.BooleanField(required=False)


class ResolveForm(forms.Form):
    keep = forms.ChoiceField(choices=[("current", "current"), ("incoming", "incoming")])


def import_staff_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`staff_page`, and only for the import capability (403 otherwise, with its message)."""

    @staff_page
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not current_user(request).can(Capability.IMPORT):
            raise Forbidden("import_not_allowed", _t("You are not allowed to import data."))
        return view(request, *args, **kwargs)

    return wrapper


def _report_context(batch: ImportBatch) -> dict[str, Any]:
    report = batch.report or {}
    conflicts = [{**item, "label": field_label(item["field"])} for item in report.get("conflicts", [])]
    return {
        "batch": batch,
        "counts": batch.counts,
        "problems": report.get("problems", [])[:PROBLEMS_SHOWN],
        "problems_total": report.get("problems_total", 0),
        "conflicts": conflicts[:PROBLEMS_SHOWN],
        "conflicts_total": len(conflicts),
        "already_imported": report.get("already_imported_batch"),
        "file_rejected": report.get("file_rejected", False),
    }


@import_staff_page
@require_http_methods(["GET", "POST"])
def import_upload_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = import_upload(
            chunks=upload.chunks(), filename=upload.name, source=form.cleaned_data["source"], user=user
        )
        return redirect("web:import_preview", batch.pk)
    return render(request, "web/imports/upload.html", {"form": form})


@import_staff_page
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    batch = import_batch_for_user(user, pk)
    if batch.status == ImportStatus.COMMITTED:
        return redirect("web:import_result", batch.pk)
    unknown = list((batch.report or {}).get("unknown_headers", []))
    mapping_form = HeaderMappingForm(request.POST or None, headers=unknown)
    if request.method == "POST" and mapping_form.is_valid():
        if header_aliases_remember(mapping=mapping_form.mapping(), user=user, request=request):
            import_preview_refresh(batch=batch, user=user)
            messages.success(request, _t("The column mapping is saved and will be used for later files too."))
        return redirect("web:import_preview", batch.pk)
    context = {**_report_context(batch), "mapping_form": mapping_form, "confirm_form": ConfirmForm()}
    return render(request, "web/imports/preview.html", context)


@import_staff_page
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    batch = import_batch_for_user(user, pk)
    form = ConfirmForm(request.POST)
    skip_invalid = form.is_valid() and form.cleaned_data["skip_invalid"]
    result = import_batch_commit(batch=batch, user=user, skip_invalid=skip_invalid, request=request)
    if result.status == "already_imported":
        messages.info(request, _t("This file was imported before; nothing was changed."))
        return redirect("web:import_upload")
    return redirect("web:import_result", batch.pk)


@import_staff_page
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_batch_for_user(current_user(request), pk)
    return render(request, "web/imports/result.html", _report_context(batch))


@import_staff_page
def import_rejects(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    batch = import_batch_for_user(user, pk)
    path = import_rejects_open(batch=batch, user=user, request=request)
    stem = batch.filename.rsplit(".", 1)[0] or "import"
    # At most as large as the upload (settings.UPLOAD_MAX_BYTES): read whole, sent as a download.
    content_type = REJECTS_CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    return download(path.read_bytes(), filename=f"{stem}.rejected{path.suffix}", content_type=content_type)


@import_staff_page
def import_conflicts(request: HttpRequest) -> HttpResponse:
    page = paginate(request, conflicts_open_for_user(current_user(request)), CONFLICTS_PAGE_SIZE)
    return render(request, "web/imports/conflicts.html", {"page": page, "rows": conflict_views(list(page))})


@import_staff_page
@require_POST
def import_conflict_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    conflict = conflict_for_user(user, pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        conflict_resolve(conflict=conflict, user=user, keep=form.cleaned_data["keep"], request=request)
        messages.success(request, _t("The conflict is resolved."))
    else:
        messages.error(request, _t("Choose which value to keep."))
    return redirect("web:import_conflicts")
