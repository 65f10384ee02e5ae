"""Resident pages without login, included by qiaomen/urls.py at the site root: the rating link
r/<token>/ and the QR door code q/<token> (kept short: it is printed as a QR code), with its form
for residents' rights requests q/<token>/rights."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from qiaomen.public import activities, menu, views, volunteer

app_name = "public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("r/<str:token>/", views.rate, name="rate"),
    path("q/<str:token>", views.door, name="door"),
    path("q/<str:token>/rights", views.door_rights, name="door_rights"),
    path("q/<str:token>/volunteer", volunteer.door_volunteer, name="door_volunteer"),
    path("disclosures/", include("qiaomen.public.budget.urls")),
    path("q/<str:token>/menu", menu.door_menu, name="door_menu"),
    path("q/<str:token>/activities", activities.door_activities, name="door_activities"),
    path("a/<str:token>", activities.activity_checkin_page, name="activity_checkin"),
]
