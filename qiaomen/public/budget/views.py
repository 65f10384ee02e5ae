"""The budget's public disclosures (公示, R-PAR-4), without login: the kept quarters of every
street, each as a page and as its PDF. They hold aggregates only (see participation.budget.
disclosure), so they need no token: anyone may read how the community's money was spent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from qiaomen.participation.budget.disclosure import disclosure_rows
from qiaomen.participation.budget.selectors import disclosure_published, disclosures_of


def budget_disclosures(request: HttpRequest) -> HttpResponse:
    return render(request, "public/budget/list.html", {"rows": list(disclosures_of())})


def budget_disclosure(request: HttpRequest, disclosure_id: int) -> HttpResponse:
    disclosure = disclosure_published(disclosure_id)
    context = {"disclosure": disclosure, "figures": disclosure.figures, "rows": disclosure_rows(disclosure.figures)}
    return render(request, "public/budget/disclosure.html", context)


def budget_disclosure_pdf(request: HttpRequest, disclosure_id: int) -> HttpResponse:
    """The PDF as kept, as a download (nosniff comes with every answer)."""
    disclosure = disclosure_published(disclosure_id)
    response = HttpResponse(bytes(disclosure.pdf), content_type="application/pdf")
    filename = f"{disclosure.street.code}-{disclosure.label}-budget.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
