"""The budget pages, included by qiaomen/web/urls.py under budget/ (names in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.budget import views

urlpatterns: list[URLPattern] = [
    path("", views.budget_overview, name="budget"),
    path("streets/<int:pk>/fix/", views.budget_fix, name="budget_fix"),
    path("streets/<int:pk>/setting/", views.budget_setting, name="budget_setting"),
    path("streets/<int:pk>/spending/new/", views.spending_new, name="spending_new"),
    path("spending/", views.budget_spending, name="budget_spending"),
    path("spending/<int:pk>/", views.spending_detail, name="spending_detail"),
    path("spending/<int:pk>/receipts/", views.spending_receipts, name="spending_receipts"),
    path("spending/<int:pk>/submit/", views.spending_submit_view, name="spending_submit"),
    path("spending/<int:pk>/approve/", views.spending_approve_view, name="spending_approve"),
    path("spending/<int:pk>/reject/", views.spending_reject_view, name="spending_reject"),
    path("receipts/<int:pk>/", views.receipt_download, name="budget_receipt"),
    path("approvals/", views.spending_approvals, name="spending_approvals"),
    path("disclosures/", views.budget_disclosures, name="budget_disclosures"),
]
