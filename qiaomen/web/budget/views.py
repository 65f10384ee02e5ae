"""The budget pages (R-PAR-4): the year's budget and split, the setting, spending with receipts,
the approval queue and the kept disclosures.

Street admins enter spending and keep the setting; the supervisor approves (someone other than
the submitter, which the service checks); community staff read their street's budget. Every
record is fetched through the scoped selectors of qiaomen.participation.budget.selectors, the
role checked first; every change is one service call.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import InvalidInput
from qiaomen.participation.budget.disclosure import quarter_before
from qiaomen.participation.budget.receipts import MAX_RECEIPT_BYTES, RECEIPT_ERRORS, receipt_path
from qiaomen.participation.budget.selectors import (
    budget_categories,
    budget_handled_street_for_user,
    budget_handler_street_ids,
    budget_street_for_user,
    budget_street_ids,
    budget_streets_for_user,
    budget_year_of,
    disclosures_of,
    may_see_receipts,
    receipt_for_user,
    spending_for_user,
    spending_handled_for_user,
    spending_history,
    spending_list,
    spending_to_decide,
)
from qiaomen.participation.budget.spending import (
    spending_approve,
    spending_create,
    spending_receipts_add,
    spending_reject,
    spending_submit,
)
from qiaomen.participation.budget.years import budget_setting_of, budget_setting_update, budget_year_fix
from qiaomen.participation.models.budget import BudgetCategory, SpendingStatus
from qiaomen.places.models import Street
from qiaomen.web.budget.forms import ReceiptForm, RejectForm, SettingForm, SpendingForm
from qiaomen.web.shared.views import paginate, staff_page, user_with

SPENDING_PER_PAGE = 50
# The history's steps in words (the services name them by action).
STEP_WORDS = {
    "create": pgettext_lazy("budget", "entered"),
    "receipts_add": pgettext_lazy("budget", "receipts added"),
    "submit": pgettext_lazy("budget", "submitted"),
    "approve": pgettext_lazy("budget", "approved"),
    "reject": pgettext_lazy("budget", "rejected"),
}
FIELD_OF_ERROR = {
    **{code: "receipts" for code in RECEIPT_ERRORS},
    "category_invalid": "category",
    "amount_invalid": "amount",
    "category_overspent": "amount",
    "spent_on_future": "spent_on",
    "budget_not_fixed": "spent_on",
    "description_invalid": "description",
    "per_household_invalid": "per_household",
}


def _street(request: HttpRequest, user: User) -> Street:
    """The street of ?street= among the user's budget streets, else their first."""
    value = request.GET.get("street", "")
    return budget_street_for_user(user, int(value) if value.isdigit() else None)


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


def _receipt_bytes(files: list[Any]) -> list[bytes]:
    """The uploads' bytes; one byte over the limit is enough for the service to refuse a file."""
    return [upload.read(MAX_RECEIPT_BYTES + 1) for upload in files]


def _refused(form: Any, error: InvalidInput) -> None:
    field = FIELD_OF_ERROR.get(error.code)
    form.add_error(field if field in form.fields else None, error.message)


@staff_page
def budget_overview(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_BUDGET)
    street, year = _street(request, user), _year(request)
    budget = budget_year_of(street, year)
    handles = street.pk in budget_handler_street_ids(user)
    context = {
        "street": street,
        "streets": budget_streets_for_user(user),
        "year": year,
        "years": sorted({year, timezone.localdate().year, *street.budget_years.values_list("year", flat=True)}),
        "budget": budget,
        "categories": budget_categories(budget) if budget else [],
        "setting": budget_setting_of(street),
        "may_manage": handles and user.can(Capability.MANAGE_BUDGET),
        "may_fix": handles and user.can(Capability.MANAGE_BUDGET) and year == timezone.localdate().year,
        "to_decide": spending_to_decide(user).filter(budget__street=street).count(),
    }
    return render(request, "web/budget/overview.html", context)


@staff_page
@require_POST
def budget_fix(request: HttpRequest, pk: int) -> HttpResponse:
    """Fix this year's budget of the street now (where the job of 1 January has not run)."""
    user = user_with(request, Capability.MANAGE_BUDGET)
    street = budget_handled_street_for_user(user, pk)
    budget_year_fix(street=street, year=timezone.localdate().year, user=user, request=request)
    return redirect(f"{_overview_url()}?street={street.pk}")


def _overview_url() -> str:
    return reverse("web:budget")


@staff_page
@require_http_methods(["GET", "POST"])
def budget_setting(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_BUDGET)
    street = budget_handled_street_for_user(user, pk)
    setting = budget_setting_of(street)
    initial = {"per_household": setting.per_household, "version": setting.version}
    initial |= {f"{c}_percent": setting.percent_of(c) for c in BudgetCategory.values}
    form = SettingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            budget_setting_update(
                street=street,
                user=user,
                per_household=form.cleaned_data["per_household"],
                percents=form.percents(),
                version=form.cleaned_data["version"],
                request=request,
            )
        except InvalidInput as error:
            _refused(form, error)
        else:
            return redirect(f"{_overview_url()}?street={street.pk}")
    status = 422 if request.method == "POST" else 200
    return render(request, "web/budget/setting.html", {"street": street, "form": form}, status=status)


@staff_page
def budget_spending(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_BUDGET)
    street, year = _street(request, user), _year(request)
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    rows = spending_list(
        user,
        street=street,
        year=year,
        status=status if status in SpendingStatus.values else "",
        category=category if category in BudgetCategory.values else "",
    )
    context = {
        "street": street,
        "year": year,
        "page": paginate(request, rows, SPENDING_PER_PAGE),
        "statuses": SpendingStatus.choices,
        "categories": BudgetCategory.choices,
        "status": status,
        "category": category,
        "may_manage": street.pk in budget_handler_street_ids(user) and user.can(Capability.MANAGE_BUDGET),
    }
    return render(request, "web/budget/spending_list.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def spending_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_BUDGET)
    street = budget_handled_street_for_user(user, pk)
    form = SpendingForm(request.POST or None, request.FILES or None, initial={"spent_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                spending = spending_create(
                    street=street,
                    user=user,
                    category=data["category"],
                    amount=data["amount"],
                    spent_on=data["spent_on"],
                    description=data["description"],
                    receipts=_receipt_bytes(data["receipts"]),
                    request=request,
                )
                if data["submit_now"]:
                    spending = spending_submit(spending=spending, user=user, request=request)
        except InvalidInput as error:
            _refused(form, error)
        else:
            return redirect("web:spending_detail", spending.pk)
    budget = budget_year_of(street, timezone.localdate().year)
    context = {"street": street, "form": form, "categories": budget_categories(budget) if budget else []}
    return render(request, "web/budget/spending_new.html", context, status=422 if request.method == "POST" else 200)


def _detail(request: HttpRequest, user: User, pk: int, status: int = 200, **forms: Any) -> HttpResponse:
    spending = spending_for_user(user, pk)
    handles = spending.budget.street_id in budget_handler_street_ids(user)
    context = {
        "spending": spending,
        "receipts": list(spending.receipts.all()) if may_see_receipts(user, spending) else None,
        "steps": [(step, STEP_WORDS.get(step.action, step.action)) for step in spending_history(spending)],
        "may_edit": handles and user.can(Capability.MANAGE_BUDGET) and spending.status == SpendingStatus.DRAFT,
        "may_decide": handles
        and user.can(Capability.APPROVE_SPENDING)
        and spending.status == SpendingStatus.SUBMITTED
        and spending.submitted_by_id != user.pk,
        "receipt_form": forms.get("receipt_form") or ReceiptForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
    }
    return render(request, "web/budget/spending_detail.html", context, status=status)


@staff_page
def spending_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, user_with(request, Capability.VIEW_BUDGET), pk)


@staff_page
@require_POST
def spending_receipts(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_BUDGET)
    spending = spending_handled_for_user(user, pk)
    form = ReceiptForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                spending_receipts_add(
                    spending=spending, user=user, raws=_receipt_bytes(form.cleaned_data["receipts"]), request=request
                )
        except InvalidInput as error:
            _refused(form, error)
        else:
            return redirect("web:spending_detail", pk)
    return _detail(request, user, pk, status=422, receipt_form=form)


@staff_page
@require_POST
def spending_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_BUDGET)
    spending_submit(spending=spending_handled_for_user(user, pk), user=user, request=request)
    return redirect("web:spending_detail", pk)


@staff_page
@require_POST
def spending_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.APPROVE_SPENDING)
    spending_approve(spending=spending_handled_for_user(user, pk), user=user, request=request)
    return redirect("web:spending_detail", pk)


@staff_page
@require_POST
def spending_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.APPROVE_SPENDING)
    spending = spending_handled_for_user(user, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        spending_reject(spending=spending, user=user, reason=form.cleaned_data["reason"], request=request)
        return redirect("web:spending_detail", pk)
    return _detail(request, user, pk, status=422, reject_form=form)


@staff_page
def receipt_download(request: HttpRequest, pk: int) -> FileResponse:
    """A receipt, to those who handle the street's money only, as a download with its stored
    type and nosniff (SECURITY.md line 26): a browser never renders an upload as a page here."""
    user = user_with(request, Capability.VIEW_BUDGET)
    receipt = receipt_for_user(user, pk)
    response = FileResponse(
        receipt_path(receipt).open("rb"),
        content_type=receipt.content_type,
        as_attachment=True,
        filename=f"receipt-{receipt.spending_id}-{receipt.pk}.{receipt.stored_name.rsplit('.', 1)[-1]}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_page
def spending_approvals(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.APPROVE_SPENDING)
    return render(request, "web/budget/approvals.html", {"rows": list(spending_to_decide(user)[:200])})


@staff_page
def budget_disclosures(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_BUDGET)
    year, quarter = quarter_before(timezone.localdate())
    context = {"rows": list(disclosures_of(budget_street_ids(user))), "last_quarter": f"{year}Q{quarter}"}
    return render(request, "web/budget/disclosures.html", context)
